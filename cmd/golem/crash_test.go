package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golemlabs/golem/runtime/history"
)

// TestMain lets a test start this binary as the golem command (GOLEM_TEST_MAIN=1), so that a real
// process can be killed mid-run.
func TestMain(m *testing.M) {
	if os.Getenv("GOLEM_TEST_MAIN") == "1" {
		main()
		return
	}
	// Worker processes of runs started in this process re-execute this binary as golem.
	os.Setenv("GOLEM_TEST_MAIN", "1")
	os.Exit(m.Run())
}

func TestRun_KilledMidBlockIsCrashedAfterRestart(t *testing.T) {
	dir := example(t)
	replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.NumRows()\n\tctx.Logf(\"looping\")\n\tfor all > 0 {\n\t\tall++\n\t}")
	cmd := exec.Command(os.Args[0], "run", dir, "data_preparation")
	cmd.Env = append(os.Environ(), "GOLEM_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the block is inside its loop, then kill the process without warning.
	buf := make([]byte, 4096)
	var seen strings.Builder
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(seen.String(), "looping") {
		if time.Now().After(deadline) {
			t.Fatalf("block never started:\n%s", seen.String())
		}
		n, err := out.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			t.Fatalf("child output ended: %v\n%s", err, seen.String())
		}
	}
	// The loop runs: wait until the history shows ingest done and prepare running (block outputs
	// are saved in the background, so ingest may end after prepare has started).
	for {
		if time.Now().After(deadline) {
			t.Fatal("history never showed prepare running")
		}
		stdout, _, err := golem(t, "runs", dir, "--json")
		var runs []history.PipelineRun
		if err == nil && json.Unmarshal([]byte(stdout), &runs) == nil && len(runs) == 1 {
			st := map[string]history.Status{}
			for _, b := range runs[0].Blocks {
				st[b.Name] = b.Status
			}
			if st["ingest"] == history.Succeeded && st["prepare"] == history.Running {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	stdout, stderr, err := golem(t, "runs", dir, "--json")
	if err != nil {
		t.Fatalf("runs after the crash: %v\n%s", err, stderr)
	}
	var runs []history.PipelineRun
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil {
		t.Fatalf("history unreadable: %v\n%s", err, stdout)
	}
	if len(runs) != 1 || runs[0].Status != history.Crashed {
		t.Fatalf("runs = %+v, want one crashed run", runs)
	}
	for _, b := range runs[0].Blocks {
		if b.Name == "ingest" && b.Status != history.Succeeded {
			t.Errorf("ingest %s, want succeeded", b.Status)
		}
		if b.Name == "prepare" && b.Status != history.Crashed {
			t.Errorf("prepare %s, want crashed", b.Status)
		}
	}
	// The logs written before the crash are still there.
	logs, _, err := golem(t, "logs", dir, runs[0].ID, "--block", "ingest")
	if err != nil || !strings.Contains(logs, "read 3000 trips") {
		t.Errorf("logs: %v\n%s", err, logs)
	}
}

func TestRetryAndGC(t *testing.T) {
	dir := example(t)
	replaceIn(t, dir, "transformers/prepare.go", "all := trips.NumRows()", "all := trips.Col(\"oops\").Len()")
	if _, _, err := golem(t, "run", dir, "data_preparation"); err == nil {
		t.Fatal("broken run succeeded")
	}
	replaceIn(t, dir, "transformers/prepare.go", "all := trips.Col(\"oops\").Len()", "all := trips.NumRows()")
	stdout, _, err := golem(t, "runs", dir, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var runs []history.PipelineRun
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := golem(t, "retry", dir, runs[0].ID)
	if err != nil {
		t.Fatalf("retry: %v\n%s%s", err, stdout, stderr)
	}
	if strings.Contains(stdout, "ingest") || !strings.Contains(stdout, "succeeded  prepare") {
		t.Errorf("retry should run prepare and its downstream only:\n%s", stdout)
	}
	if _, _, err := golem(t, "retry", dir, runs[0].ID+"X"); err == nil {
		t.Error("retry of an unknown run succeeded")
	}
	stdout, _, err = golem(t, "gc", dir, "--keep", "1")
	if err != nil || !strings.Contains(stdout, "removed 1 runs") {
		t.Errorf("gc: %v\n%s", err, stdout)
	}
}
