package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

// startProcess starts this binary as golem with args in dir and returns the process and a
// channel of its stdout lines; the process is killed when the test ends.
func startProcess(t *testing.T, dir string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, lines
}

// waitLine returns the first line holding prefix, from its prefix on.
func waitLine(t *testing.T, lines <-chan string, prefix string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l := <-lines:
			if i := strings.Index(l, prefix); i >= 0 {
				return strings.Fields(l[i:])[0]
			}
		case <-deadline:
			t.Fatalf("no line with %q", prefix)
		}
	}
}

func TestCluster_CoordinatorAndTwoWorkerProcesses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "proj")
	if err := projects.Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "pipelines/two/pipeline.yaml", "name: two\nblocks:\n  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}\n")
	write(t, dir, "pipelines/slow/pipeline.yaml", "name: slow\nblocks:\n  - {name: nap, kind: data_loader, file: data_loaders/nap.go, upstream: []}\n  - {name: b, kind: transformer, file: transformers/b.go, upstream: [nap]}\n")
	write(t, dir, "data_loaders/a.go", "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n")
	write(t, dir, "data_loaders/nap.go", "package nap\n\nimport (\n\t\"time\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\ttime.Sleep(4 * time.Second)\n\treturn 1, nil\n}\n")
	write(t, dir, "transformers/b.go", "package b\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n + 1, nil }\n")

	_, coord := startProcess(t, dir, "start", dir, "--port", "0", "--nats-listen", "127.0.0.1:0")
	natsURL := waitLine(t, coord, "nats://")
	base := strings.TrimRight(waitLine(t, coord, "http://"), "/")
	workers := map[string]*exec.Cmd{}
	for _, name := range []string{"w1", "w2"} {
		empty := t.TempDir() // no checkout of the project
		cmd, lines := startProcess(t, empty, "worker", "--nats", natsURL, "--name", name, "--dir", empty)
		waitLine(t, lines, "golem")
		workers[name] = cmd
	}
	editor := apiClient{t: t, base: base}

	var ids []string
	for range 4 {
		ids = append(ids, editor.submit("two", nil))
	}
	for _, id := range ids {
		r := waitRun(t, dir, id, 60*time.Second)
		if r.Status != history.Succeeded || len(r.Workers) != 1 || workers[r.Workers[0]] == nil {
			t.Fatalf("run %s: %s on %v (%s)", id, r.Status, r.Workers, r.Error)
		}
	}

	// kill -9 the worker of a 4-second run: it finishes on the other one, as a second attempt.
	id := editor.submit("slow", nil)
	var victim string
	deadline := time.Now().Add(30 * time.Second)
	for victim == "" {
		if r := recordedRun(t, dir, id); len(r.Workers) == 1 && r.Block("nap").Status == history.Running {
			victim = r.Workers[0]
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow run never started on a worker")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := workers[victim].Process.Kill(); err != nil {
		t.Fatal(err)
	}
	r := waitRun(t, dir, id, 60*time.Second)
	if r.Status != history.Succeeded || len(r.Workers) != 2 || r.Workers[0] != victim || r.Workers[1] == victim {
		t.Fatalf("run after its worker died: %s on %v (%s)", r.Status, r.Workers, r.Error)
	}
	if a := r.Block("nap").Attempts; len(a) != 2 || !strings.Contains(a[0].Error, victim+" stopped answering") {
		t.Fatalf("nap attempts %+v", a)
	}

	// golem run --nats submits to the cluster and follows the run like a local one.
	out, errOut, code := golemProcess(t, "run", dir, "two", "--nats", natsURL)
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("golem run --nats: exit %d\n%s\n%s", code, out, errOut)
	}
}
