package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// prepareRows returns the rows the prepare block kept in each run of a backfill, by month.
func prepareRows(t *testing.T, dir, trigger string) map[string]int {
	t.Helper()
	out, errOut, code := golemProcess(t, "runs", dir, "--json", "--limit", "500")
	if code != 0 {
		t.Fatalf("golem runs: %s", errOut)
	}
	var runs []history.PipelineRun
	if err := json.Unmarshal([]byte(out), &runs); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, r := range runs {
		if r.Trigger == trigger {
			if r.Status != history.Succeeded {
				t.Fatalf("run %s (months=%s): %s %s", r.ID, r.Vars["months"], r.Status, r.Error)
			}
			rows[r.Vars["months"]] = r.Block("prepare").Rows
		}
	}
	return rows
}

func TestCluster_BackfillOfTwelveMonthsMatchesALocalOne(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "2023", "12.parquet")); err != nil {
		t.Skipf("real taxi data not found at %s (CI has ../shared/data beside the repository): %v", src, err)
	}
	dir := example(t)
	_, coord := startProcess(t, dir, "start", dir, "--port", "0", "--nats-listen", "127.0.0.1:0")
	natsURL := waitLine(t, coord, "nats://")
	for _, name := range []string{"w1", "w2"} {
		empty := t.TempDir()
		_, lines := startProcess(t, empty, "worker", "--nats", natsURL, "--name", name, "--dir", empty)
		waitLine(t, lines, "golem")
	}
	trigger := func(out string) string {
		i := strings.Index(out, "backfill:")
		if i < 0 {
			t.Fatalf("no trigger in:\n%s", out)
		}
		return strings.TrimRight(strings.Fields(out[i:])[0], ")")
	}
	args := []string{"backfill", dir, "data_preparation", "--var", "source=" + src, "--var", "months=2023-01..2023-12"}
	out, errOut, code := golemProcess(t, append(args, "--nats", natsURL)...)
	if code != 0 || strings.Count(out, " on w") != 12 {
		t.Fatalf("cluster backfill: exit %d\n%s\n%s", code, out, errOut)
	}
	remote := prepareRows(t, dir, trigger(out))
	time.Sleep(1100 * time.Millisecond) // a new group name (seconds)
	out, errOut, code = golemProcess(t, args...)
	if code != 0 {
		t.Fatalf("local backfill: exit %d\n%s\n%s", code, out, errOut)
	}
	local := prepareRows(t, dir, trigger(out))
	if len(local) != 12 || len(remote) != 12 {
		t.Fatalf("months: local %d, cluster %d", len(local), len(remote))
	}
	for m, n := range local {
		if n == 0 || remote[m] != n {
			t.Errorf("%s: cluster kept %d trips, local %d", m, remote[m], n)
		}
	}
}

// freePort returns a TCP port nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func TestCluster_RestartedCoordinatorLosesNoQueuedRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "proj")
	if err := projects.Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "pipelines/two/pipeline.yaml", "name: two\nblocks:\n  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}\n")
	write(t, dir, "data_loaders/a.go", "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n")
	write(t, dir, "transformers/b.go", "package b\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n + 1, nil }\n")
	listen := "127.0.0.1:" + freePort(t)

	// No worker yet: the runs wait; then the coordinator dies without warning.
	first, lines := startProcess(t, dir, "start", dir, "--port", "0", "--nats-listen", listen)
	base := strings.TrimRight(waitLine(t, lines, "http://"), "/")
	editor := apiClient{t: t, base: base}
	var ids []string
	for range 3 {
		ids = append(ids, editor.submit("two", nil))
	}
	time.Sleep(500 * time.Millisecond) // queued on the cluster
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()

	_, lines = startProcess(t, dir, "start", dir, "--port", "0", "--nats-listen", listen)
	natsURL := waitLine(t, lines, "nats://")
	empty := t.TempDir()
	_, wl := startProcess(t, empty, "worker", "--nats", natsURL, "--name", "late", "--dir", empty)
	waitLine(t, wl, "golem")
	for _, id := range ids {
		r := waitRun(t, dir, id, 60*time.Second)
		if r.Status != history.Succeeded || len(r.Workers) != 1 || r.Workers[0] != "late" {
			t.Fatalf("run %s after the restart: %s on %v (%s)", id, r.Status, r.Workers, r.Error)
		}
		if a := r.Block("b").Attempts; len(a) != 1 {
			t.Fatalf("run %s: block b has %d attempts", id, len(a))
		}
	}
}
