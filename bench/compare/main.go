// Command compare runs a taxi example training pipeline twice on the same
// months — once as Golem (`golem run` of the example project, reading the
// parquet files) and once as the same pipeline in pandas + scikit-learn
// (reading the months as CSV, since Debian's pandas has no parquet engine) —
// and prints the wall time and peak memory (maximum resident set size of
// each child process) of both, their ratios, and both sides' metrics:
//
//   - train_linear (bench/sklearn_train.py): Golem's RMSEs must agree with
//     the exact least-squares solution the script computes with numpy/scipy
//     (normal equations, SVD solve, refined); scikit-learn's LinearRegression,
//     whose sparse lsqr stops short of the optimum, is shown beside it and is
//     what the wall time measures (the reference solve is left out);
//   - train_tip_classifier (bench/sklearn_tips.py) with -model logistic
//     (LogisticRegression(C=1): the same objective, so the same AUC and
//     log-loss) or -model gbdt (HistGradientBoostingClassifier with the same
//     rounds, depth, learning rate and L2: close, not equal).
//
// Run it from the repository root (make bench-compare, make bench-tips):
//
//	go run ./bench/compare [-train 2023-01..2023-11] [-validation 2023-12] [-runs 3]
//	go run ./bench/compare -pipeline train_tip_classifier -model gbdt -train 2023-01 -validation 2023-02
//
// The CSV copies are written once with golem's own frame.WriteCSV into
// bench/.cache (git-ignored).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

type options struct {
	data, train, validation, cache, python, script, golem string
	pipeline, model, models                               string
	runs                                                  int
}

// measure is one child process: wall time, peak RSS, its figures.
type measure struct {
	wall       time.Duration
	maxRSS     int64 // bytes
	metrics    map[string]float64
	trainBlock time.Duration // golem: the train block (encode, fit, score both sets)
	fit        time.Duration // golem train_gbdt: the fit alone, from the train block's log
}

func run(args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", "../shared/data/taxi/green", "folder with the green-taxi <year>/<MM>.parquet files")
	fs.StringVar(&o.train, "train", "2023-01..2023-11", "training months")
	fs.StringVar(&o.validation, "validation", "2023-12", "validation month")
	fs.StringVar(&o.cache, "cache", "bench/.cache/csv", "folder for the CSV copies pandas reads")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "python with pandas and scikit-learn (Debian's python3-pandas, python3-sklearn)")
	fs.StringVar(&o.script, "script", "", "the pandas + scikit-learn pipeline (default: bench/sklearn_train.py, or bench/sklearn_tips.py for train_tip_classifier)")
	fs.StringVar(&o.pipeline, "pipeline", "train_linear", "train_linear, train_tip_classifier, or train_gbdt (against XGBoost and scikit-learn, bench/gbdt_train.py; see gbdt.go)")
	fs.StringVar(&o.model, "model", "logistic", "train_tip_classifier: logistic or gbdt")
	fs.StringVar(&o.golem, "golem", "", "golem binary (default: build ./cmd/golem into a temporary folder)")
	fs.IntVar(&o.runs, "runs", 3, "runs of each side; the table shows the fastest")
	fs.StringVar(&o.models, "models", "xgboost,xgboost_native,sklearn_native", "train_gbdt: the Python models to fit (XGBoost 1.7's one-hot fit takes tens of minutes on eleven months)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch o.pipeline {
	case "train_linear":
		if o.script == "" {
			o.script = "bench/sklearn_train.py"
		}
	case "train_tip_classifier":
		if o.script == "" {
			o.script = "bench/sklearn_tips.py"
		}
	case "train_gbdt":
		if o.script == "" {
			o.script = "bench/gbdt_train.py"
		}
	default:
		return fmt.Errorf("-pipeline %q: want train_linear, train_tip_classifier or train_gbdt", o.pipeline)
	}
	var err error
	if o.data, err = filepath.Abs(o.data); err != nil {
		return err
	}
	months, err := monthList(o.train, o.validation)
	if err != nil {
		return err
	}
	if err := ensureCSV(o.data, o.cache, months, stdout); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "golem-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if o.golem == "" {
		o.golem = filepath.Join(tmp, "golem")
		fmt.Fprintln(stdout, "building golem ...")
		if out, err := exec.Command("go", "build", "-o", o.golem, "./cmd/golem").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	if o.pipeline == "train_gbdt" {
		return runGBDT(o, tmp, stdout)
	}
	var g, p *measure
	for i := 0; i < o.runs; i++ {
		gm, err := runGolem(o, filepath.Join(tmp, fmt.Sprintf("taxi%d", i)))
		if err != nil {
			return err
		}
		pm, err := runPython(o)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "run %d: golem %v %s, pandas+sklearn %v %s\n", i+1,
			gm.wall.Round(time.Millisecond), mib(gm.maxRSS), pm.wall.Round(time.Millisecond), mib(pm.maxRSS))
		if g == nil || gm.wall < g.wall {
			g = gm
		}
		if p == nil || pm.wall < p.wall {
			p = pm
		}
	}
	report(stdout, o, g, p)
	return nil
}

// monthList is every month of the train spec and the validation month.
func monthList(train, validation string) ([]time.Time, error) {
	lo, hi, ok := strings.Cut(train, "..")
	if !ok {
		hi = lo
	}
	start, err := time.Parse("2006-01", lo)
	if err != nil {
		return nil, fmt.Errorf("train %q: %w", train, err)
	}
	end, err := time.Parse("2006-01", hi)
	if err != nil {
		return nil, fmt.Errorf("train %q: %w", train, err)
	}
	val, err := time.Parse("2006-01", validation)
	if err != nil {
		return nil, fmt.Errorf("validation %q: %w", validation, err)
	}
	var out []time.Time
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return append(out, val), nil
}

// ensureCSV writes <cache>/<year>/<MM>.csv from the parquet file of each
// month that has no CSV copy yet.
func ensureCSV(data, cache string, months []time.Time, stdout io.Writer) error {
	for _, m := range months {
		rel := fmt.Sprintf("%d/%02d", m.Year(), int(m.Month()))
		dst := filepath.Join(cache, rel+".csv")
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		f, err := frame.ReadParquet(filepath.Join(data, rel+".parquet"))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		tmp := dst + ".tmp"
		if err := f.WriteCSV(tmp); err != nil {
			return err
		}
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d rows)\n", dst, f.NumRows())
	}
	return nil
}

// runGolem scaffolds a fresh example project in dir and times `golem run
// dir train_linear` on the real files.
func runGolem(o options, dir string) (*measure, error) {
	if err := projects.Init(dir, "taxi"); err != nil {
		return nil, err
	}
	args := []string{"run", dir, o.pipeline, "--json",
		"--var", "source=" + o.data, "--var", "train=" + o.train, "--var", "validation=" + o.validation}
	if o.pipeline == "train_tip_classifier" {
		args = append(args, "--var", "model="+o.model)
	}
	cmd := exec.Command(o.golem, args...)
	out, m, err := measureCmd(cmd)
	if err != nil {
		return nil, fmt.Errorf("golem run: %w", err)
	}
	var s struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
		Blocks []struct {
			Name       string             `json:"name"`
			DurationMS float64            `json:"duration_ms"`
			Value      map[string]float64 `json:"value"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(out, &s); err != nil {
		return nil, fmt.Errorf("golem run --json: %w\n%s", err, out)
	}
	for _, b := range s.Blocks {
		if b.Name == "export_model" {
			m.metrics = b.Value
		}
		if b.Name == "train" {
			m.trainBlock = time.Duration(b.DurationMS * float64(time.Millisecond))
		}
	}
	if m.metrics == nil {
		return nil, fmt.Errorf("golem run: no metrics in %s", out)
	}
	if o.pipeline == "train_gbdt" {
		if m.fit, err = fitTime(o.golem, dir, s.RunID); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// fitLine is train_gbdt's log line "boosted trees: … rounds on …), 13.57s", ending in the fit's duration.
var fitLine = regexp.MustCompile(`(?m)^boosted trees: .*, (\S+)$`)

// fitTime reads the fit's duration from the train block's log of run id.
func fitTime(golem, dir, id string) (time.Duration, error) {
	out, err := exec.Command(golem, "logs", dir, id, "--block", "train").Output()
	if err != nil {
		return 0, fmt.Errorf("golem logs: %w", err)
	}
	m := fitLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("golem logs: no \"boosted trees\" line in\n%s", out)
	}
	return time.ParseDuration(string(m[1]))
}

// runPython times the pandas + scikit-learn pipeline.
func runPython(o options) (*measure, error) {
	args := []string{o.script, "--data", o.cache, "--train", o.train, "--validation", o.validation}
	if o.pipeline == "train_tip_classifier" {
		args = append(args, "--model", o.model)
	}
	cmd := exec.Command(o.python, args...)
	out, m, err := measureCmd(cmd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", o.python, o.script, err)
	}
	if err := json.Unmarshal(out, &m.metrics); err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", o.script, err, out)
	}
	// The exact reference solve of sklearn_train.py runs after the pipeline
	// a pandas user writes; it is not part of that pipeline's time.
	m.wall -= time.Duration(m.metrics["reference_s"] * float64(time.Second))
	return m, nil
}

// measureCmd runs cmd and returns its stdout, wall time and peak RSS.
func measureCmd(cmd *exec.Cmd) ([]byte, *measure, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n%s", err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return nil, nil, errors.New("no rusage for the child process")
	}
	return stdout.Bytes(), &measure{wall: wall, maxRSS: ru.Maxrss * 1024}, nil // Linux: Maxrss in KiB
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func report(w io.Writer, o options, g, p *measure) {
	if o.pipeline == "train_tip_classifier" {
		reportTips(w, o, g, p)
		return
	}
	fmt.Fprintf(w, "\ntrain_linear, train %s -> validation %s (one-hot PULocationID, DOLocationID + trip_distance, trips of 1..60 min)\n\n", o.train, o.validation)
	fmt.Fprintf(w, "%-22s %10s %12s %14s %14s %10s\n", "", "wall", "peak RSS", "train RMSE", "val RMSE", "rows")
	row := func(name string, m *measure) {
		fmt.Fprintf(w, "%-22s %10s %12s %14.6f %14.6f %10.0f\n", name, m.wall.Round(time.Millisecond), mib(m.maxRSS),
			m.metrics["train_rmse"], m.metrics["val_rmse"], m.metrics["train_rows"])
	}
	row("golem (parquet)", g)
	fmt.Fprintf(w, "%-22s %10s %12s %14.6f %14.6f %10.0f\n", "pandas+sklearn (csv)", p.wall.Round(time.Millisecond), mib(p.maxRSS),
		p.metrics["sklearn_train_rmse"], p.metrics["sklearn_val_rmse"], p.metrics["train_rows"])
	fmt.Fprintf(w, "%-22s %10s %12s %14.6f %14.6f %10.0f\n", "exact (numpy, scipy)", "-", "-",
		p.metrics["train_rmse"], p.metrics["val_rmse"], p.metrics["train_rows"])
	fmt.Fprintf(w, "\ngolem is %.1fx faster (target >= 5x) and uses %.2f of the memory (target <= 0.33)\n",
		p.wall.Seconds()/g.wall.Seconds(), float64(g.maxRSS)/float64(p.maxRSS))
	fmt.Fprintf(w, "golem against the exact solution: train RMSE difference %.2g, val RMSE difference %.2g (the reference's gradient %.1g, relative)\n",
		math.Abs(g.metrics["train_rmse"]-p.metrics["train_rmse"]), math.Abs(g.metrics["val_rmse"]-p.metrics["val_rmse"]), p.metrics["gradient"])
	fmt.Fprintf(w, "scikit-learn's LinearRegression stops %.2g above the optimal train RMSE; sklearn: read %.2fs, encode %.2fs, fit %.2fs (exact reference %.2fs, not timed)\n",
		p.metrics["sklearn_train_rmse"]-p.metrics["train_rmse"], p.metrics["read_s"], p.metrics["encode_s"], p.metrics["fit_s"], p.metrics["reference_s"])
}

func reportTips(w io.Writer, o options, g, p *measure) {
	fmt.Fprintf(w, "\ntrain_tip_classifier (%s), train %s -> validation %s (credit-card trips, tipped = tip > 0; one-hot PULocationID, DOLocationID + trip_distance)\n\n",
		o.model, o.train, o.validation)
	fmt.Fprintf(w, "%-22s %10s %12s %10s %10s %13s %13s %10s\n", "", "wall", "peak RSS", "train AUC", "val AUC", "train logloss", "val logloss", "rows")
	row := func(name string, m *measure) {
		fmt.Fprintf(w, "%-22s %10s %12s %10.6f %10.6f %13.6f %13.6f %10.0f\n", name, m.wall.Round(time.Millisecond), mib(m.maxRSS),
			m.metrics["train_auc"], m.metrics["val_auc"], m.metrics["train_log_loss"], m.metrics["val_log_loss"], m.metrics["train_rows"])
	}
	row("golem (parquet)", g)
	row("pandas+sklearn (csv)", p)
	fmt.Fprintf(w, "\ngolem is %.1fx faster and uses %.2f of the memory; val AUC difference %.2g, val log-loss difference %.2g\n",
		p.wall.Seconds()/g.wall.Seconds(), float64(g.maxRSS)/float64(p.maxRSS),
		math.Abs(g.metrics["val_auc"]-p.metrics["val_auc"]), math.Abs(g.metrics["val_log_loss"]-p.metrics["val_log_loss"]))
	fmt.Fprintf(w, "sklearn: read %.2fs, encode %.2fs, fit %.2fs\n", p.metrics["read_s"], p.metrics["encode_s"], p.metrics["fit_s"])
}
