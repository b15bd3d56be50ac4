package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
	"github.com/golemlabs/golem/runtime/history"
)

// trackingProject is a one-block project whose block logs what the tracking API offers.
func trackingProject(t testing.TB, body string) string {
	dir := filepath.Join(t.TempDir(), "p")
	files := map[string]string{
		"golem.yaml": "name: p\n",
		"pipelines/p/pipeline.yaml": `name: p
variables:
  n: {type: int, default: "3"}
blocks:
  - {name: log, kind: custom, file: custom/log.go, upstream: []}
`,
		"custom/log.go": `package log

import (
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/golemlabs/golem/blocks"
)

func Run(ctx *blocks.Context) (int, error) {
	_ = os.Stdout
` + body + `
	return 1, nil
}
`,
	}
	filetest.WriteAll(t, dir, files)
	return dir
}

type entryOut struct {
	ID        string             `json:"id"`
	RunID     string             `json:"run_id"`
	Pipeline  string             `json:"pipeline"`
	Block     string             `json:"block"`
	Parent    *string            `json:"parent"`
	Status    string             `json:"status"`
	Params    map[string]any     `json:"params"`
	Metrics   map[string]float64 `json:"metrics"`
	Stepped   []string           `json:"stepped"`
	Artifacts []struct {
		Name, Hash string
	} `json:"artifacts"`
	Model *struct {
		Name    string `json:"name"`
		Version int    `json:"version"`
	} `json:"model"`
}

func experiments(t *testing.T, args ...string) []entryOut {
	t.Helper()
	stdout, stderr, err := golem(t, append([]string{"experiments"}, append(args, "--json")...)...)
	if err != nil {
		t.Fatalf("experiments: %v\n%s", err, stderr)
	}
	var out []entryOut
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	return out
}

func TestExperiments_BlockLogsParamsMetricsArtifactsModel(t *testing.T) {
	dir := trackingProject(t, `
	ctx.LogParam("n", ctx.Int("n", 3))
	ctx.LogParams(map[string]any{"solver": "cg", "alpha": 0.5})
	for i := 1; i <= ctx.Int("n", 3); i++ {
		ctx.LogMetricStep("loss", i, 10/float64(i))
	}
	ctx.LogMetric("rmse", 4.5)
	if err := os.WriteFile("notes.txt", []byte("hello"), 0o644); err != nil {
		return 0, err
	}
	if err := ctx.LogArtifact("notes.txt"); err != nil {
		return 0, err
	}
	if err := ctx.LogModel("demo", map[string]any{"weights": []float64{1, 2}}); err != nil {
		return 0, err
	}`)
	for i := range 2 {
		if _, stderr, err := golem(t, "run", dir, "p", "--var", fmt.Sprintf("n=%d", 3+i)); err != nil {
			t.Fatalf("run: %v\n%s", err, stderr)
		}
	}
	es := experiments(t, dir)
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	e := es[0] // newest first
	if e.Pipeline != "p" || e.Block != "log" || e.Parent != nil || e.Status != "succeeded" || e.ID != e.RunID+"/log" {
		t.Fatalf("entry %+v", e)
	}
	if e.Params["n"] != 4.0 || e.Params["solver"] != "cg" || e.Params["alpha"] != 0.5 {
		t.Errorf("params %v", e.Params)
	}
	if e.Metrics["rmse"] != 4.5 || e.Metrics["loss"] != 2.5 || len(e.Stepped) != 1 {
		t.Errorf("metrics %v stepped %v", e.Metrics, e.Stepped)
	}
	if len(e.Artifacts) != 1 || e.Artifacts[0].Name != "notes.txt" {
		t.Fatalf("artifacts %+v", e.Artifacts)
	}
	art := filepath.Join(dir, ".golem", "artifacts", e.Artifacts[0].Hash[:2], e.Artifacts[0].Hash)
	if b, err := os.ReadFile(art); err != nil || string(b) != "hello" {
		t.Fatalf("artifact %s: %q, %v", art, b, err)
	}
	if e.Model == nil || e.Model.Name != "demo" || e.Model.Version != 2 || es[1].Model.Version != 1 {
		t.Fatalf("model %+v / %+v", e.Model, es[1].Model)
	}
	if got := experiments(t, dir, "other"); len(got) != 0 {
		t.Fatalf("pipeline filter: %d entries", len(got))
	}
	table, _, err := golem(t, "experiments", dir)
	if err != nil || !strings.Contains(table, e.ID) || !strings.Contains(table, "demo/2") {
		t.Fatalf("table: %v\n%s", err, table)
	}
	// The registry: versions with lineage, an alias set, moved and removed.
	var models []history.RegisteredModel
	modelsJSON := func() {
		stdout, stderr, err := golem(t, "models", dir, "--json")
		if err != nil {
			t.Fatalf("models: %v\n%s", err, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), &models); err != nil {
			t.Fatal(err, stdout)
		}
	}
	modelsJSON()
	if len(models) != 1 || len(models[0].Versions) != 2 {
		t.Fatalf("models %+v", models)
	}
	v2 := models[0].Versions[0]
	if v2.Version != 2 || v2.RunID != e.RunID || v2.Pipeline != "p" || v2.Block != "log" || len(v2.CodeHash) != 64 ||
		v2.Vars["n"] != "4" || v2.Metrics["rmse"] != 4.5 || string(v2.Params["solver"]) != `"cg"` {
		t.Fatalf("version 2 lineage %+v", v2)
	}
	for _, args := range [][]string{{"alias", "demo", "1", "champion"}, {"alias", "demo", "2", "challenger"}, {"alias", "demo", "2", "champion"}, {"unalias", "demo", "challenger"}} {
		if _, stderr, err := golem(t, append([]string{"models", dir}, args...)...); err != nil {
			t.Fatalf("models %v: %v\n%s", args, err, stderr)
		}
	}
	modelsJSON()
	if a := models[0].Aliases; len(a) != 1 || a["champion"] != 2 || len(models[0].Versions[0].Aliases) != 1 {
		t.Fatalf("aliases %v", a)
	}
	if _, _, err := golem(t, "models", dir, "alias", "demo", "9", "champion"); err == nil {
		t.Fatal("alias to a missing version: no error")
	}
	// Retention keeps the runs that registered versions and their artifacts.
	if _, stderr, err := golem(t, "gc", dir, "--keep", "1"); err != nil {
		t.Fatalf("gc: %v\n%s", err, stderr)
	}
	if got := experiments(t, dir); len(got) != 2 {
		t.Fatalf("gc dropped entries of registered runs: %d left", len(got))
	}
	if _, err := os.Stat(art); err != nil {
		t.Fatalf("gc dropped a registered artifact: %v", err)
	}
}

// BenchmarkLogMetric runs a block that logs 10,000 stepped metric points, through the worker
// process and the recorder into the history, against the same block logging none.
func BenchmarkLogMetric(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run(fmt.Sprintf("points_%d", n), func(b *testing.B) {
			dir := trackingProject(b, fmt.Sprintf(`
	for i := 0; i < %d; i++ {
		ctx.LogMetricStep("loss", i, float64(i))
	}`, n))
			for range b.N {
				var stdout, stderr strings.Builder
				if err := run(b.Context(), []string{"run", dir, "p"}, &stdout, &stderr); err != nil {
					b.Fatal(err, stderr.String())
				}
			}
		})
	}
}

// TestAlerts_MetricAboveRuleNotifies: an alert rule in pipeline.yaml sends the pipeline's
// notifications (whatever their on:) when a logged metric crosses it, and not when it does not.
func TestAlerts_MetricAboveRuleNotifies(t *testing.T) {
	got := make(chan map[string]any, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		_ = json.NewDecoder(r.Body).Decode(&p)
		got <- p
	}))
	defer srv.Close()
	dir := trackingProject(t, `ctx.LogMetric("val_rmse", ctx.Float("v", 7))`)
	write(t, dir, "pipelines/p/pipeline.yaml", `name: p
variables:
  v: {type: float, default: "7"}
blocks:
  - {name: log, kind: custom, file: custom/log.go, upstream: []}
notifications:
  - {url: `+srv.URL+`, on: [failure]}
alerts:
  - {metric: val_rmse, above: 6.0}
`)
	if _, stderr, err := golem(t, "run", dir, "p"); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	select {
	case p := <-got:
		alerts, _ := p["alerts"].([]any)
		if len(alerts) != 1 || p["status"] != "succeeded" {
			t.Fatalf("payload %v", p)
		}
		a := alerts[0].(map[string]any)
		if a["metric"] != "val_rmse" || a["value"] != 7.0 || a["rule"] != "above 6" || a["block"] != "log" {
			t.Fatalf("alert %v", a)
		}
	default:
		t.Fatal("no notification for a metric above its alert")
	}
	if _, stderr, err := golem(t, "run", dir, "p", "--var", "v=5"); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	select {
	case p := <-got:
		t.Fatalf("notified without an alert: %v", p)
	default:
	}
	// A rule without a threshold is a problem of the file, at its line.
	replaceIn(t, dir, "pipelines/p/pipeline.yaml", "above: 6.0", "block: log")
	if _, _, err := golem(t, "run", dir, "p"); err == nil || !strings.Contains(err.Error(), "pipeline.yaml:9") || !strings.Contains(err.Error(), "set above, below or both") {
		t.Fatalf("bad alert: %v", err)
	}
}
