package runtime

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/output"
)

// BenchmarkRunner_NoopBlock measures a whole run of a one-block pipeline whose block does nothing:
// plan-free overhead of the runner, a fresh interpreter, the call and storing a tiny JSON output.
func BenchmarkRunner_NoopBlock(b *testing.B) {
	dir := project(b, "  - {name: noop, kind: data_loader, file: data_loaders/noop.go, upstream: []}\n",
		map[string]string{"data_loaders/noop.go": "package noop\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n"})
	plan, err := Build(load(b, dir), "p", Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := NewRunner(RunnerOptions{Store: output.NewStore(dir)})
	b.ResetTimer()
	for b.Loop() {
		res, err := r.Run(b.Context(), plan, nil)
		if err != nil || res.Status != StatusSucceeded {
			b.Fatalf("%v %v", err, res.Err())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/block")
}

// peakRSS returns the process's peak resident set size (VmHWM) in MB.
func peakRSS(b *testing.B) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkRunner_DataPreparation12 runs the example's data_preparation on all 12 months of 2023
// real data end to end. Peak RSS is per process: run it alone,
// go test -run '^$' -bench DataPreparation12 ./runtime/
func BenchmarkRunner_DataPreparation12(b *testing.B) {
	src, err := filepath.Abs("../../shared/data/taxi/green")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(src, "2023", "12.parquet")); err != nil {
		b.Skipf("real data not found: %v", err)
	}
	dir := filepath.Join(b.TempDir(), "taxi")
	if err := projects.Init(dir, "taxi"); err != nil {
		b.Fatal(err)
	}
	proj := load(b, dir)
	before := peakRSS(b)
	r := NewRunner(RunnerOptions{Store: output.NewStore(dir)})
	b.ResetTimer()
	for b.Loop() {
		plan, err := Build(proj, "data_preparation", Options{Vars: map[string]string{"source": src, "months": "2023-01..2023-12"}})
		if err != nil {
			b.Fatal(err)
		}
		res, err := r.Run(b.Context(), plan, nil)
		if err != nil || res.Status != StatusSucceeded {
			b.Fatalf("%v %v", err, res.Err())
		}
	}
	b.ReportMetric(peakRSS(b), "peak-MB")
	b.ReportMetric(before, "start-MB")
}
