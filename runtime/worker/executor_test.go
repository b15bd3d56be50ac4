package worker_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/internal/filetest"
	"github.com/golemlabs/golem/projects/projecttest"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/worker"
	"github.com/golemlabs/golem/runtime/worker/workertest"
)

func TestMain(m *testing.M) { workertest.Main(m) }

const spin = `package spin

import (
	"fmt"
	"sync"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	fmt.Println("spinning")
	if ctx.Bool("stuck", false) {
		var wg sync.WaitGroup
		wg.Add(1)
		wg.Wait() // compiled code: no context reaches it
	}
	for {
	}
	return 0, nil
}
`

// plan builds pipeline p of a project holding one block spin with the given block settings.
func plan(t *testing.T, blockExtra string, opts runtime.Options) *runtime.Plan {
	t.Helper()
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nvariables:\n  stuck: {type: bool, default: \"false\"}\nblocks:\n  - {name: spin, kind: data_loader, file: data_loaders/spin.go, upstream: []" + blockExtra + "}\n",
		"data_loaders/spin.go":        spin,
	})
	p, err := runtime.Build(projecttest.Load(t, dir), "p", opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, ctx context.Context, x *worker.Executor, p *runtime.Plan) (*runtime.Result, []runtime.Event) {
	t.Helper()
	return runWatching(t, ctx, x, p, nil)
}

// runWatching is run, calling watch (when not nil) with each event as it comes.
func runWatching(t *testing.T, ctx context.Context, x *worker.Executor, p *runtime.Plan, watch func(runtime.Event)) (*runtime.Result, []runtime.Event) {
	t.Helper()
	events := make(chan runtime.Event, 1024)
	var got []runtime.Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if watch != nil {
				watch(e)
			}
			got = append(got, e)
		}
	}()
	res, err := x.RunWithID(ctx, p, runtime.NewRunID(), events)
	close(events)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	return res, got
}

// TestExecutor_CancelKillsTheWorkerPromptly cancels once the block is running (its log line has
// come through), however long the worker took to start on a loaded machine.
func TestExecutor_CancelKillsTheWorkerPromptly(t *testing.T) {
	x := worker.New(workertest.Options())
	ctx, cancel := context.WithCancel(t.Context())
	var cancelled time.Time
	var once sync.Once
	res, events := runWatching(t, ctx, x, plan(t, "", runtime.Options{}), func(e runtime.Event) {
		if e.Kind == runtime.BlockLog && e.Line == "spinning" {
			once.Do(func() { cancelled = time.Now(); cancel() })
		}
	})
	if cancelled.IsZero() {
		t.Fatalf("the block's log line did not come through (result %s)", res.Status)
	}
	if d := time.Since(cancelled); d > 3*time.Second {
		t.Fatalf("cancel took %s", d)
	}
	if res.Status != runtime.StatusCancelled || res.Blocks[0].Status != runtime.StatusCancelled {
		t.Fatalf("result %s, block %s", res.Status, res.Blocks[0].Status)
	}
	saw := false
	for _, e := range events {
		saw = saw || (e.Kind == runtime.BlockLog && e.Line == "spinning")
	}
	if !saw {
		t.Fatal("the block's log line did not come through")
	}
}

func TestExecutor_KillsABlockStuckPastItsTimeout(t *testing.T) {
	x := worker.New(worker.Options{Command: workertest.Options().Command, Env: workertest.Options().Env, Grace: 300 * time.Millisecond})
	begin := time.Now()
	res, _ := run(t, t.Context(), x, plan(t, ", timeout: 500ms", runtime.Options{Vars: map[string]string{"stuck": "true"}}))
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("took %s", d)
	}
	b := res.Blocks[0]
	if res.Status != runtime.StatusFailed || b.Status != runtime.StatusFailed || b.Err == nil || !strings.Contains(b.Err.Message, "timeout of 500ms") {
		t.Fatalf("result %s, block %s %v", res.Status, b.Status, b.Err)
	}
}

func TestExecutor_MemoryLimitKillsTheWorker(t *testing.T) {
	x := worker.New(workertest.Options())
	p := plan(t, "", runtime.Options{})
	// 256 MiB: a worker built with -race and DuckDB linked in starts near 100 MiB resident, and a
	// 64 MiB limit killed it before the block began.
	p.Pipeline.Settings.MemoryLimit = 256 << 20
	write := `package spin

import "github.com/golemlabs/golem/blocks"

func Load(ctx *blocks.Context) (int, error) {
	var keep [][]byte
	for {
		keep = append(keep, make([]byte, 8<<20))
	}
	return len(keep), nil
}
`
	filetest.Write(t, p.Project.Dir, "data_loaders/spin.go", write)
	res, _ := run(t, t.Context(), x, p)
	b := res.Blocks[0]
	if b.Status != runtime.StatusFailed || b.Err == nil || !strings.Contains(b.Err.Message, "killed: memory limit 256MiB reached") {
		t.Fatalf("block %s %v", b.Status, b.Err)
	}
	if res.PeakRSS < 192<<20 { // the kill comes at 256 MiB resident, measured by another clock
		t.Fatalf("peak %d", res.PeakRSS)
	}
}

func TestExecutor_PlanErrorInTheWorkerIsAnError(t *testing.T) {
	x := worker.New(workertest.Options())
	p := plan(t, "", runtime.Options{})
	filetest.Write(t, p.Project.Dir, "data_loaders/spin.go", "package spin\n\nfunc Load( {\n")
	if _, err := x.RunWithID(t.Context(), p, runtime.NewRunID(), nil); err == nil || !strings.Contains(err.Error(), "data_loaders/spin.go:3") {
		t.Fatalf("err = %v", err)
	}
}
