package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A block whose output is a metrics map holding NaN and ±Inf (an AUC of a one-class validation
// set) succeeds: the stored output and golem run --json hold the strings "NaN", "Infinity",
// "-Infinity", and a downstream re-run from the stored output gets the floats back. Before,
// saving the output failed the block with "json: unsupported value: NaN".
func TestRun_NonFiniteMetricsSaveAndReadBack(t *testing.T) {
	dir := example(t)
	write(t, dir, "pipelines/nan/pipeline.yaml", `name: nan
blocks:
  - {name: metrics, kind: data_loader, file: data_loaders/nan_metrics.go}
  - {name: check, kind: transformer, file: transformers/nan_check.go, upstream: [metrics]}
`)
	write(t, dir, "data_loaders/nan_metrics.go", `package nan_metrics

import (
	"math"

	"github.com/golemlabs/golem/blocks"
)

// Load returns metrics with undefined values.
func Load(ctx *blocks.Context) (map[string]float64, error) {
	return map[string]float64{"auc": math.NaN(), "acc": 0.5, "up": math.Inf(1), "down": math.Inf(-1)}, nil
}
`)
	write(t, dir, "transformers/nan_check.go", `package nan_check

import (
	"fmt"
	"math"

	"github.com/golemlabs/golem/blocks"
)

// Transform checks that the floats arrive as they were returned.
func Transform(ctx *blocks.Context, m map[string]float64) (int, error) {
	if !math.IsNaN(m["auc"]) || !math.IsInf(m["up"], 1) || !math.IsInf(m["down"], -1) || m["acc"] != 0.5 {
		return 0, fmt.Errorf("got %v", m)
	}
	return len(m), nil
}
`)
	stdout, stderr, err := golem(t, "run", dir, "nan", "--json")
	if err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, stdout, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout is not the JSON summary: %v\n%s", err, stdout)
	}
	if s.Status != "succeeded" {
		t.Fatalf("status %s:\n%s", s.Status, stdout)
	}
	want := `{"acc":0.5,"auc":"NaN","down":"-Infinity","up":"Infinity"}`
	if got := string(s.Blocks[0].Value); strings.Join(strings.Fields(got), "") != want {
		t.Errorf("--json value = %s, want %s", got, want)
	}
	stored, err := os.ReadFile(filepath.Join(dir, ".golem", "outputs", "nan", "metrics", "output.json"))
	if err != nil || string(stored) != want {
		t.Errorf("stored output = %s (%v), want %s", stored, err, want)
	}
	// The downstream alone, from the stored output: NaN and ±Inf come back as floats.
	if stdout, stderr, err := golem(t, "run", dir, "nan", "--block", "check"); err != nil {
		t.Fatalf("re-run from stored output: %v\n%s\n%s", err, stdout, stderr)
	}
}
