package cluster_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/internal/filetest"
	"github.com/golemlabs/golem/projects/projecttest"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/cluster"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/worker/workertest"
)

func TestMain(m *testing.M) { workertest.Main(m) }

const twoBlocks = `name: p
blocks:
  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}
  - {name: b, kind: transformer, file: transformers/b.go, upstream: [a]}
`

// cluster starts an embedded server and n workers (goroutines whose runs go to worker processes)
// and returns a coordinator's executor.
func startCluster(t *testing.T, n int, labels ...[]string) (*cluster.Executor, string) {
	t.Helper()
	srv, err := cluster.StartEmbedded("127.0.0.1:0", t.TempDir(), cluster.EmbeddedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	for i := range n {
		c, err := cluster.Connect(ctx, srv.URL(), "test worker", cluster.ConnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		o := cluster.WorkerOptions{Name: []string{"w1", "w2", "w3"}[i], Dir: t.TempDir(), Exec: workertest.Options()}
		if i < len(labels) {
			o.Labels = labels[i]
		}
		w := cluster.NewWorker(c, o)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_ = w.Serve(ctx)
		}()
	}
	c, err := cluster.Connect(ctx, srv.URL(), "test coordinator", cluster.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	x, err := cluster.NewExecutor(c, cluster.ExecutorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x, srv.URL()
}

func plan(t *testing.T, dir string, opts runtime.Options) *runtime.Plan {
	t.Helper()
	p, err := runtime.Build(projecttest.Load(t, dir), "p", opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCluster_RunsOnWorkersAndBringsOutputsBack(t *testing.T) {
	x, _ := startCluster(t, 2)
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): twoBlocks,
		"data_loaders/a.go":           "package a\n\nimport (\n\t\"time\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\ttime.Sleep(300 * time.Millisecond)\n\treturn 20, nil\n}\n",
		"transformers/b.go":           "package b\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) {\n\tctx.Logf(\"got %d\", n)\n\treturn n + 1, nil\n}\n",
	})
	workers := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			events := make(chan runtime.Event, 256)
			logs := make(chan string, 16)
			go func() {
				for e := range events {
					if e.Kind == runtime.BlockLog {
						logs <- e.Line
					}
				}
				close(logs)
			}()
			res, err := x.RunWithID(t.Context(), plan(t, dir, runtime.Options{}), runtime.NewRunID(), events)
			close(events)
			if err != nil || res.Status != runtime.StatusSucceeded || res.Worker == "" {
				t.Errorf("run: %v %+v", err, res)
				return
			}
			if l := <-logs; l != "got 20" {
				t.Errorf("log line %q", l)
			}
			mu.Lock()
			workers[res.Worker]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(workers) != 2 {
		t.Errorf("runs per worker %v, want both workers used", workers)
	}
	v, _, err := output.NewStore(dir).Load("p", "b")
	if b, ok := v.(json.RawMessage); err != nil || !ok || string(b) != "21" {
		t.Fatalf("coordinator's stored output of b: %v %v", v, err)
	}
	// A run of b alone is fed a's output from the coordinator's store.
	if err := os.WriteFile(filepath.Join(dir, "transformers/b.go"), []byte("package b\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Transform(ctx *blocks.Context, n int) (int, error) { return n * 2, nil }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := x.RunWithID(t.Context(), plan(t, dir, runtime.Options{Blocks: []string{"b"}, Select: runtime.SelectOnly}), runtime.NewRunID(), nil)
	if err != nil || res.Status != runtime.StatusSucceeded {
		t.Fatalf("--block run: %v %+v", err, res)
	}
	if v, _, _ := output.NewStore(dir).Load("p", "b"); string(v.(json.RawMessage)) != "40" {
		t.Fatalf("b from stored a = %v, want 40", v)
	}
}

func TestCluster_CancelStopsTheRunOnItsWorker(t *testing.T) {
	x, _ := startCluster(t, 1)
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nblocks:\n  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
		"data_loaders/a.go":           "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\tfor {\n\t}\n\treturn 0, nil\n}\n",
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(1500*time.Millisecond, cancel)
	begin := time.Now()
	res, err := x.RunWithID(ctx, plan(t, dir, runtime.Options{}), runtime.NewRunID(), nil)
	if err != nil || res.Status != runtime.StatusCancelled {
		t.Fatalf("%v %+v", err, res)
	}
	if d := time.Since(begin); d > 8*time.Second {
		t.Fatalf("cancel took %s", d)
	}
}

func TestCluster_PlanErrorOnTheWorkerIsTheRunsError(t *testing.T) {
	x, _ := startCluster(t, 1)
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nblocks:\n  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
		"data_loaders/a.go":           "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n",
	})
	p := plan(t, dir, runtime.Options{})
	filetest.Write(t, dir, "data_loaders/a.go", "package a\n\nfunc Load( {\n")
	if _, err := x.RunWithID(t.Context(), p, runtime.NewRunID(), nil); err == nil {
		t.Fatal("no error")
	}
}

func TestCluster_RunsOnGoesToWorkersWithTheLabels(t *testing.T) {
	x, _ := startCluster(t, 2, nil, []string{"big"})
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nruns_on: [big]\nblocks:\n  - {name: a, kind: data_loader, file: data_loaders/a.go, upstream: []}\n",
		"data_loaders/a.go":           "package a\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n",
	})
	for range 4 {
		res, err := x.RunWithID(t.Context(), plan(t, dir, runtime.Options{}), runtime.NewRunID(), nil)
		if err != nil || res.Status != runtime.StatusSucceeded || res.Worker != "w2" {
			t.Fatalf("run: %v %+v", err, res)
		}
	}
}

func TestCluster_FilesARunWritesComeBack(t *testing.T) {
	x, _ := startCluster(t, 1)
	dir := projecttest.New(t, map[string]string{
		projecttest.PipelineFile("p"): "name: p\nblocks:\n  - {name: a, kind: data_exporter, file: data_exporters/a.go, upstream: []}\n",
		"data_exporters/a.go":         "package a\n\nimport (\n\t\"os\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nfunc Export(ctx *blocks.Context) error {\n\tif err := os.MkdirAll(ctx.Path(\"models\"), 0o755); err != nil {\n\t\treturn err\n\t}\n\treturn os.WriteFile(ctx.Path(\"models/m.json\"), []byte(`{\"w\": 2}`), 0o644)\n}\n",
	})
	res, err := x.RunWithID(t.Context(), plan(t, dir, runtime.Options{}), runtime.NewRunID(), nil)
	if err != nil || res.Status != runtime.StatusSucceeded {
		t.Fatalf("%v %+v", err, res)
	}
	b, err := os.ReadFile(filepath.Join(dir, "models/m.json"))
	if err != nil || string(b) != `{"w": 2}` {
		t.Fatalf("models/m.json on the coordinator: %q %v", b, err)
	}
}
