package main

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

// queueProject has a pipeline "one" that allows one run at a time; its block sleeps ms milliseconds.
func queueProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "queue")
	if err := projects.Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "golem.yaml", "name: queue\nsettings:\n  api_token: tok-123\n")
	write(t, dir, "pipelines/one/pipeline.yaml", `name: one
variables:
  ms: {type: int, default: "600"}
settings: {max_concurrent_runs: 1}
blocks:
  - {name: nap, kind: data_loader, file: data_loaders/nap.go, upstream: []}
`)
	write(t, dir, "data_loaders/nap.go", `package nap

import (
	"time"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	time.Sleep(time.Duration(ctx.Int("ms", 600)) * time.Millisecond)
	return 1, nil
}
`)
	return dir
}

// noOverlap fails when two of the runs executed at the same time.
func noOverlap(t *testing.T, runs []history.PipelineRun) {
	t.Helper()
	for i, a := range runs {
		for _, b := range runs[i+1:] {
			if a.StartedAt.Before(b.EndedAt) && b.StartedAt.Before(a.EndedAt) {
				t.Fatalf("runs %s (%s–%s) and %s (%s–%s) overlap", a.ID, a.StartedAt.Format(time.StampMilli), a.EndedAt.Format(time.StampMilli),
					b.ID, b.StartedAt.Format(time.StampMilli), b.EndedAt.Format(time.StampMilli))
			}
		}
	}
}

func TestQueue_APIRunsOverTheLimitWaitAndAllSucceed(t *testing.T) {
	dir := queueProject(t)
	api := apiClient{t: t, base: golemStart(t, dir), token: "tok-123"}
	ids := make([]string, 3)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = api.submit("one", nil) // fails the test unless 202
		}()
	}
	wg.Wait()
	var runs []history.PipelineRun
	for _, id := range ids {
		r := waitRun(t, dir, id, 30*time.Second)
		if r.Status != history.Succeeded {
			t.Fatalf("run %s: %s %s", id, r.Status, r.Error)
		}
		runs = append(runs, r)
	}
	noOverlap(t, runs)
}

func TestQueue_GolemRunWaitsForTheEditorsRun(t *testing.T) {
	dir := queueProject(t)
	editor := apiClient{t: t, base: golemStart(t, dir)}
	first := editor.submit("one", map[string]string{"ms": "1500"})
	deadline := time.Now().Add(20 * time.Second)
	for recordedRun(t, dir, first).Status != history.Running {
		if time.Now().After(deadline) {
			t.Fatal("the editor's run never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, errOut, code := golemProcess(t, "run", dir, "one", "--var", "ms=10")
	if code != 0 {
		t.Fatalf("golem run: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "queued behind run "+first) {
		t.Fatalf("golem run did not say it waits behind %s:\n%s", first, errOut)
	}
	cli := recordedRun(t, dir, "")
	if cli.Trigger != history.TriggerCLI {
		t.Fatalf("newest run is %s (%s), want the CLI's", cli.ID, cli.Trigger)
	}
	noOverlap(t, []history.PipelineRun{recordedRun(t, dir, first), cli})
}

func TestQueue_CancelledQueuedRunNeverStartsNorFreesASlot(t *testing.T) {
	dir := queueProject(t)
	editor := apiClient{t: t, base: golemStart(t, dir)}
	for try := 0; try < 3; try++ {
		a := editor.submit("one", map[string]string{"ms": "1200"})
		b := editor.submit("one", nil)
		c := editor.submit("one", nil)
		if code := editor.do("POST", "/api/runs/"+b+"/cancel", nil, nil); code != 202 {
			t.Fatalf("cancel queued run: %d", code)
		}
		rb := waitRun(t, dir, b, 10*time.Second)
		if rb.Status != history.Cancelled || !rb.StartedAt.IsZero() || len(rb.Block("nap").Attempts) != 0 {
			t.Fatalf("cancelled queued run: %s, started %v, attempts %v", rb.Status, rb.StartedAt, rb.Block("nap").Attempts)
		}
		ra, rc := waitRun(t, dir, a, 20*time.Second), waitRun(t, dir, c, 20*time.Second)
		if ra.Status != history.Succeeded || rc.Status != history.Succeeded {
			t.Fatalf("runs a %s, c %s", ra.Status, rc.Status)
		}
		noOverlap(t, []history.PipelineRun{ra, rc})
	}
}
