package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/golemlabs/golem/runtime/worker/workertest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golemlabs/golem/internal/filetest"
	"github.com/golemlabs/golem/projects/projecttest"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/notify"
	"github.com/golemlabs/golem/runtime/retry"
)

const threeBlocks = `name: p
variables:
  fail: {type: bool, default: "false"}
  hang: {type: bool, default: "false"}
settings: {max_concurrent_runs: 1}
blocks:
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
  - {name: c, kind: data_exporter, file: data_exporters/c.go, upstream: [b]}
`

const blockA = `package a

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) { return 1, nil }
`

const blockB = `package b

import (
	"errors"

	"github.com/golemlabs/golem/blocks"
)

func Transform(ctx *blocks.Context, n int) (int, error) {
	if ctx.Bool("fail", false) {
		return 0, errors.New("asked to fail")
	}
	for ctx.Bool("hang", false) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return n + 1, nil
}
`

const blockC = `package c

import "github.com/golemlabs/golem/blocks"

func Export(ctx *blocks.Context, n int) error { return nil }
`

func project(t testing.TB, pipeline string) string {
	return projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): pipeline,
		"data_loaders/a.go":           blockA,
		"transformers/b.go":           blockB,
		"data_exporters/c.go":         blockC,
	})
}

func newDispatcher(t testing.TB, dir string, o Options) (*Dispatcher, *history.Store) {
	h, err := history.Open(filepath.Join(dir, ".golem"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o.ProjectDir, o.History = dir, h
	if o.Worker.Command == nil {
		o.Worker = workertest.Options()
	}
	d := New(o)
	t.Cleanup(d.Close)
	return d, h
}

func TestDispatcher_RecordsRunBeforeItStartsAndItsEnd(t *testing.T) {
	dir := project(t, threeBlocks)
	d, h := newDispatcher(t, dir, Options{})
	id, err := d.Submit(t.Context(), Request{Pipeline: "p", Trigger: "api"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Wait(t.Context(), id)
	if err != nil || res.Status != runtime.StatusSucceeded {
		t.Fatalf("run: %v %+v", err, res)
	}
	run, err := h.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != history.Succeeded || run.Trigger != "api" || len(run.Blocks) != 3 {
		t.Fatalf("recorded %+v", run)
	}
	for _, b := range run.Blocks {
		if b.Status != history.Succeeded || len(b.Attempts) != 1 {
			t.Errorf("block %+v", b)
		}
	}
}

func TestDispatcher_ConcurrencyLimitQueuesAndCancel(t *testing.T) {
	dir := project(t, threeBlocks)
	d, h := newDispatcher(t, dir, Options{})
	status := func(id string) history.Status {
		r, err := h.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return r.Status
	}
	events, stop := d.Subscribe()
	defer stop()
	// The first run hangs in block b and holds the pipeline's only slot (max_concurrent_runs: 1).
	first, err := d.Submit(t.Context(), Request{Pipeline: "p", Options: runtime.Options{Vars: map[string]string{"hang": "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	for e := range events {
		if e.RunID == first && e.Kind == runtime.BlockStarted && e.Block == "b" {
			break
		}
	}
	second, err := d.Submit(t.Context(), Request{Pipeline: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if s := status(second); s != history.Queued {
		t.Fatalf("second run is %s while the first holds the slot, want queued", s)
	}
	if !d.Running("p") {
		t.Error("Running(p) = false")
	}
	if err := d.Cancel(second); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Wait(t.Context(), second); !errors.Is(err, runtime.ErrCancelled) {
		t.Errorf("cancelled queued run: %v", err)
	}
	if s := status(second); s != history.Cancelled {
		t.Errorf("second run %s, want cancelled", s)
	}
	if err := d.Cancel(first); err != nil {
		t.Fatal(err)
	}
	res, _ := d.Wait(t.Context(), first)
	if res == nil || res.Status != runtime.StatusCancelled || status(first) != history.Cancelled {
		t.Errorf("first run %+v, recorded %s", res, status(first))
	}
	third, err := d.Submit(t.Context(), Request{Pipeline: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := d.Wait(t.Context(), third); err != nil || res.Status != runtime.StatusSucceeded {
		t.Errorf("third run after the slot freed: %v %+v", err, res)
	}
}

func TestDispatcher_RetryFromFailedBlock(t *testing.T) {
	dir := project(t, threeBlocks)
	d, h := newDispatcher(t, dir, Options{})
	id, err := d.Submit(t.Context(), Request{Pipeline: "p", Options: runtime.Options{Vars: map[string]string{"fail": "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := d.Wait(t.Context(), id)
	if res.Status != runtime.StatusFailed {
		t.Fatalf("want failure, got %s", res.Status)
	}
	// Fix the cause (the variable is recorded, so change the block) and retry from the failure.
	filetest.Write(t, dir, "transformers/b.go", `package b

import "github.com/golemlabs/golem/blocks"

func Transform(ctx *blocks.Context, n int) (int, error) { return n + 1, nil }
`)
	retryID, err := d.Retry(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	res, err = d.Wait(t.Context(), retryID)
	if err != nil || res.Status != runtime.StatusSucceeded {
		t.Fatalf("retry: %v %+v", err, res)
	}
	ran := map[string]bool{}
	for _, b := range res.Blocks {
		ran[b.Name] = true
	}
	if ran["a"] || !ran["b"] || !ran["c"] {
		t.Errorf("retry ran %v, want b and c only", ran)
	}
	r, _ := h.Get(t.Context(), retryID)
	if r.Trigger != history.RetryTrigger(id) {
		t.Errorf("trigger %q", r.Trigger)
	}
	if _, err := d.Retry(t.Context(), retryID); !errors.Is(err, ErrNothingToRetry) {
		t.Errorf("retry of a succeeded run: %v", err)
	}
}

func TestDispatcher_WebhookDeliveredAndRetried(t *testing.T) {
	var calls atomic.Int32
	got := make(chan notify.Payload, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var p notify.Payload
		_ = json.Unmarshal(b, &p)
		got <- p
	}))
	defer srv.Close()
	dir := project(t, threeBlocks+"notifications:\n  - {url: "+srv.URL+"/hook, on: [failure]}\n")
	n := notify.New(notify.Options{Retry: retry.Policy{Count: 3, Delay: time.Millisecond}})
	d, _ := newDispatcher(t, dir, Options{Notifier: n, EditorURL: "http://127.0.0.1:6789"})
	id, err := d.Submit(t.Context(), Request{Pipeline: "p", Options: runtime.Options{Vars: map[string]string{"fail": "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = d.Wait(t.Context(), id)
	select {
	case p := <-got:
		if p.RunID != id || p.Status != "failed" || p.FailedBlock != "b" {
			t.Errorf("payload %+v", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("webhook not delivered")
	}
	if calls.Load() != 2 {
		t.Errorf("%d deliveries, want 2 (one failed, one retried)", calls.Load())
	}
}

func TestDispatcher_SubscribersSeeEvents(t *testing.T) {
	dir := project(t, threeBlocks)
	d, _ := newDispatcher(t, dir, Options{})
	events, stop := d.Subscribe()
	defer stop()
	id, err := d.Submit(t.Context(), Request{Pipeline: "p"})
	if err != nil {
		t.Fatal(err)
	}
	finished := 0
	for e := range events {
		if e.RunID != id {
			continue
		}
		if e.Kind == runtime.BlockFinished {
			finished++
		}
		if e.Kind == runtime.RunFinished {
			break
		}
	}
	if finished != 3 {
		t.Errorf("%d block_finished events, want 3", finished)
	}
}

// BenchmarkDispatcher_Drain1000 queues 1,000 runs of a 3-block pipeline and checks none is lost.
func BenchmarkDispatcher_Drain1000(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := project(b, threeBlocks)
		d, h := newDispatcher(b, dir, Options{MaxRuns: 2, KeepRuns: 2000})
		b.StartTimer()
		const n = 1000
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range ids {
			id, err := d.Submit(context.Background(), Request{Pipeline: "p"})
			if err != nil {
				b.Fatal(err)
			}
			ids[i] = id
		}
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := d.Wait(context.Background(), id); err != nil || res.Status != runtime.StatusSucceeded {
					b.Errorf("run %s: %v", id, err)
				}
			}()
		}
		wg.Wait()
		runs, err := h.List(context.Background(), history.Filter{Pipeline: "p", Status: history.Succeeded})
		if err != nil {
			b.Fatal(err)
		}
		if len(runs) != n {
			b.Fatalf("%d succeeded runs recorded, want %d", len(runs), n)
		}
	}
}

// BenchmarkDispatcher_NoopBlock measures a whole dispatched run of a one-block pipeline whose
// block does nothing: the interpreter, the history records (queued, started, block, ended) and
// the output store.
func BenchmarkDispatcher_NoopBlock(b *testing.B) {
	dir := projecttest.New(b, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nblocks:\n  - {name: a, kind: custom, file: custom/a.go, upstream: []}\n",
		"custom/a.go":                 "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Run(ctx *blocks.Context) (bool, error) { return true, nil }\n",
	})
	d, _ := newDispatcher(b, dir, Options{KeepRuns: 1 << 20})
	for b.Loop() {
		id, err := d.Submit(context.Background(), Request{Pipeline: "p"})
		if err != nil {
			b.Fatal(err)
		}
		if res, err := d.Wait(context.Background(), id); err != nil || res.Status != runtime.StatusSucceeded {
			b.Fatalf("run: %v", err)
		}
	}
}

// BenchmarkDispatcher_ThreeBlockRun measures dispatched runs of a 3-block no-op pipeline and
// reports the overhead per block: interpreter, history records, stored outputs and plan included.
func BenchmarkDispatcher_ThreeBlockRun(b *testing.B) {
	dir := project(b, threeBlocks)
	d, _ := newDispatcher(b, dir, Options{KeepRuns: 1 << 20})
	for b.Loop() {
		id, err := d.Submit(context.Background(), Request{Pipeline: "p"})
		if err != nil {
			b.Fatal(err)
		}
		if res, err := d.Wait(context.Background(), id); err != nil || res.Status != runtime.StatusSucceeded {
			b.Fatalf("run: %v", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/3, "ms/block")
}

func TestMain(m *testing.M) { workertest.Main(m) }
