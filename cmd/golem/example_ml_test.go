package main

import (
	"crypto/sha256"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

// runJSON runs a pipeline with --json and returns its summary; a failed run
// fails the test.
func runJSON(t *testing.T, dir, pipeline string, vars ...string) runSummary {
	t.Helper()
	args := []string{"run", dir, pipeline, "--json"}
	for _, v := range vars {
		args = append(args, "--var", v)
	}
	stdout, stderr, err := golem(t, args...)
	if err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", pipeline, err, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%s: stdout is not the JSON summary: %v\n%s", pipeline, err, stdout)
	}
	if s.Status != "succeeded" {
		t.Fatalf("%s: status %s", pipeline, s.Status)
	}
	return s
}

// metrics is the metrics map export_model returned, as --json shows it.
func metrics(t *testing.T, s runSummary) map[string]float64 {
	t.Helper()
	for _, b := range s.Blocks {
		if b.Name != "export_model" {
			continue
		}
		raw, _ := json.Marshal(b.Value)
		var m map[string]float64
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("export_model value %s: %v", raw, err)
		}
		for _, k := range []string{"train_rmse", "val_rmse", "train_mae", "val_mae", "train_r2", "val_r2"} {
			if v, ok := m[k]; !ok || math.IsNaN(v) || v < 0 && k != "val_r2" {
				t.Errorf("metric %s = %v, %v (all: %v)", k, v, ok, m)
			}
		}
		return m
	}
	t.Fatalf("%s: no export_model block in %+v", s.Pipeline, s.Blocks)
	return nil
}

// tipMetrics is the metrics map of train_tip_classifier's export_model, with
// the classification metrics on both sets.
func tipMetrics(t *testing.T, s runSummary) map[string]float64 {
	t.Helper()
	for _, b := range s.Blocks {
		if b.Name != "export_model" {
			continue
		}
		var m map[string]float64
		if err := json.Unmarshal(b.Value, &m); err != nil {
			t.Fatalf("export_model value %s: %v", b.Value, err)
		}
		for _, k := range []string{"train_auc", "val_auc", "train_log_loss", "val_log_loss", "train_accuracy", "val_accuracy"} {
			if v, ok := m[k]; !ok || !(v > 0 && v < 1) {
				t.Errorf("metric %s = %v, %v (all: %v)", k, v, ok, m)
			}
		}
		return m
	}
	t.Fatalf("%s: no export_model block in %+v", s.Pipeline, s.Blocks)
	return nil
}

func TestRun_ExamplePipelines_OnSample(t *testing.T) {
	dir := example(t)
	runJSON(t, dir, "data_preparation")
	lin := metrics(t, runJSON(t, dir, "train_linear"))
	if lin["train_rows"] < 2000 || lin["val_rows"] < 2000 {
		t.Errorf("train_linear rows: %v", lin)
	}
	pudo := metrics(t, runJSON(t, dir, "train_linear", "features=pu_do", "train=2023-01..2023-02"))
	if pudo["features"] <= lin["features"] {
		t.Errorf("pu_do has %v features, basic %v", pudo["features"], lin["features"])
	}
	metrics(t, runJSON(t, dir, "train_gbdt", "rounds=50"))
	models, _ := filepath.Glob(filepath.Join(dir, "models", "train_*.json"))
	if len(models) == 0 {
		t.Errorf("no model files in models/")
	}
	// The tip classifier, both models; its model goes to models/latest-tipped.json,
	// so batch_inference still loads the duration model from models/latest.json.
	for _, model := range []string{"logistic", "gbdt"} {
		m := tipMetrics(t, runJSON(t, dir, "train_tip_classifier", "model="+model, "rounds=30"))
		if m["val_auc"] <= 0.55 || m["train_rows"] < 1500 {
			t.Errorf("%s on the sample: %v", model, m)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "models", "latest-tipped.json")); err != nil {
		t.Errorf("tip model not saved: %v", err)
	}
	// batch_inference loads taxi-duration@champion; with no champion yet, the latest version: the
	// GBDT model trained last (version 3).
	runJSON(t, dir, "batch_inference")
	if m := lastEntry(t, dir, "batch_inference").Params["model"]; m != "taxi-duration/3" {
		t.Errorf("batch_inference without a champion used %v, want the latest version taxi-duration/3", m)
	}
	if _, stderr, err := golem(t, "models", dir, "alias", "taxi-duration", "1", "champion"); err != nil {
		t.Fatal(err, stderr)
	}
	runJSON(t, dir, "batch_inference", "model=taxi-duration@champion")
	if m := lastEntry(t, dir, "batch_inference").Params["model"]; m != "taxi-duration/1" {
		t.Errorf("batch_inference with champion → 1 used %v", m)
	}
	runJSON(t, dir, "batch_inference", "model=taxi-duration/2")
	if m := lastEntry(t, dir, "batch_inference").Params["model"]; m != "taxi-duration/2" {
		t.Errorf("batch_inference model=taxi-duration/2 used %v", m)
	}
	runJSON(t, dir, "batch_inference", "model=models/latest.json")
	if _, _, err := golem(t, "run", dir, "batch_inference", "--var", "model=taxi-duration/9"); err == nil {
		t.Error("batch_inference with a missing version succeeded")
	}
	runJSON(t, dir, "batch_inference")
	preds, err := frame.ReadParquet(filepath.Join(dir, "output", "predictions-2023-03.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if preds.NumRows() < 2000 || !preds.Has("trip_id") || !preds.Has("predicted_duration") || !preds.Has("duration") {
		t.Errorf("predictions: %d rows, columns %v", preds.NumRows(), preds.Columns())
	}
}

// lastEntry is the newest experiment entry of pipeline.
func lastEntry(t *testing.T, dir, pipeline string) entryOut {
	t.Helper()
	es := experiments(t, dir, pipeline, "--no-trials")
	if len(es) == 0 {
		t.Fatalf("no entries of %s", pipeline)
	}
	return es[0]
}

// TestRun_TuneGBDT_OnSample runs the example's search: trials in parallel worker processes, each
// an entry whose parent is the search, the best trial trained again and registered.
func TestRun_TuneGBDT_OnSample(t *testing.T) {
	dir := example(t)
	s := runJSON(t, dir, "tune_gbdt", "trials=4", "parallel=2", "pruner=none")
	m := metrics(t, s)
	search := lastEntry(t, dir, "tune_gbdt")
	trials := experiments(t, dir, "--parent", search.ID)
	if len(trials) != 4 {
		t.Fatalf("%d trials", len(trials))
	}
	best := math.Inf(1)
	for _, tr := range trials {
		if tr.Parent == nil || *tr.Parent != search.ID || tr.Status != "succeeded" || tr.Params["learning_rate"] == nil ||
			len(tr.Stepped) != 1 {
			t.Fatalf("trial %+v", tr)
		}
		best = math.Min(best, tr.Metrics["val_rmse"])
	}
	if search.Model == nil || search.Model.Name != "taxi-duration" || math.Abs(search.Metrics["best_val_rmse"]-best) > 1e-12 ||
		math.Abs(m["val_rmse"]-best) > 1e-9 {
		t.Fatalf("search entry %+v (best trial %v, model metrics %v)", search, best, m)
	}
}

func TestRun_ExamplePipelines_BadVariables(t *testing.T) {
	dir := example(t)
	for _, tc := range []struct{ name, pipeline, v string }{
		{"unknown feature set", "train_linear", "features=everything"},
		{"malformed validation month", "train_linear", "validation=2023-13"},
		{"month without data", "batch_inference", "month=2031-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := golem(t, "run", dir, tc.pipeline, "--var", tc.v); err == nil {
				t.Errorf("%s with %s succeeded", tc.pipeline, tc.v)
			}
		})
	}
}

// TestRun_ExamplePipelines_RealData trains on the real NYC green-taxi files:
// January 2023, validated on February. The linear model's training RMSE is
// the exact least-squares optimum that blocks/ml's TestTaxi_LinearMatchesDenseSolve
// establishes with an independent dense QR + SVD solve (7.039888), and with
// the PU_DO cross the within-pair optimum of TestTaxi_PUDOCrossByCG (4.754268).
func TestRun_ExamplePipelines_RealData(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("real data not found at %s", src)
	}
	dir := example(t)
	vars := []string{"source=" + src, "train=2023-01", "validation=2023-02"}

	lin := metrics(t, runJSON(t, dir, "train_linear", vars...))
	t.Logf("linear (basic): train RMSE %.6f, val RMSE %.6f, %v features", lin["train_rmse"], lin["val_rmse"], lin["features"])
	if d := math.Abs(lin["train_rmse"] - 7.039888); d > 1e-4 {
		t.Errorf("linear train RMSE %.6f, exact optimum 7.039888", lin["train_rmse"])
	}
	if lin["train_rows"] != 65946 || lin["val_rows"] != 62574 {
		t.Errorf("rows: train %v, validation %v", lin["train_rows"], lin["val_rows"])
	}

	pudo := metrics(t, runJSON(t, dir, "train_linear", append(vars, "features=pu_do")...))
	t.Logf("linear (pu_do): train RMSE %.6f, val RMSE %.6f, %v features", pudo["train_rmse"], pudo["val_rmse"], pudo["features"])
	if d := math.Abs(pudo["train_rmse"] - 4.754268); d > 1e-4 {
		t.Errorf("PU_DO train RMSE %.6f, exact optimum 4.754268", pudo["train_rmse"])
	}

	// Default settings: zones as native categoricals, early stopping on
	// held-out training rows; February is only scored. scikit-learn's
	// HistGradientBoosting with native categoricals scores 4.85-4.87 there.
	gb := metrics(t, runJSON(t, dir, "train_gbdt", vars...))
	t.Logf("gbdt: train RMSE %.6f, val RMSE %.6f, %v trees", gb["train_rmse"], gb["val_rmse"], gb["trees"])
	if gb["val_rmse"] > 4.90 || gb["trees"] < 1 || gb["trees"] != gb["best_iteration"] {
		t.Errorf("GBDT val RMSE %.4f (want <= 4.90), %v trees, best iteration %v", gb["val_rmse"], gb["trees"], gb["best_iteration"])
	}
	// The same inputs give the same model file, byte for byte.
	first, err := os.ReadFile(filepath.Join(dir, "models", "latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	runJSON(t, dir, "train_gbdt", vars...)
	second, err := os.ReadFile(filepath.Join(dir, "models", "latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(first) != sha256.Sum256(second) {
		t.Errorf("two train_gbdt runs on the same inputs wrote different model files")
	}

	runJSON(t, dir, "batch_inference", "source="+src, "month=2023-03")
	preds, err := frame.ReadParquet(filepath.Join(dir, "output", "predictions-2023-03.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rmse := math.Sqrt(preds.Col("predicted_duration").Sub(preds.Col("duration")).Mul(
		preds.Col("predicted_duration").Sub(preds.Col("duration"))).Mean())
	t.Logf("batch_inference 2023-03 with the GBDT model: %d trips, RMSE %.4f", preds.NumRows(), rmse)
	if preds.NumRows() < 50000 || rmse > gb["val_rmse"]+1.5 {
		t.Errorf("predictions of 2023-03: %d rows, RMSE %.4f", preds.NumRows(), rmse)
	}
}

// TestRun_TipClassifier_RealData trains the tip classifier of the example on
// the real credit-card trips of January 2023 and validates on February, with
// both models. The logistic model's figures are scikit-learn's on the same
// rows, recorded with
//
//	go run ./bench/compare -pipeline train_tip_classifier ...   # writes bench/.cache/csv
//	/usr/bin/python3 bench/sklearn_tips.py --data bench/.cache/csv --train 2023-01 \
//	    --validation 2023-02 --solver newton-cg --tol 1e-10
//
// (scikit-learn 1.2.1; its newton-cg stops within ~1e-6 of the optimum that
// Golem's Newton solver reaches, hence the tolerances).
func TestRun_TipClassifier_RealData(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("real data not found at %s: the tip-classifier test needs the NYC green-taxi files", src)
	}
	dir := example(t)
	vars := []string{"source=" + src, "train=2023-01", "validation=2023-02"}
	lr := tipMetrics(t, runJSON(t, dir, "train_tip_classifier", vars...))
	t.Logf("logistic: train AUC %.7f log-loss %.7f, val AUC %.7f log-loss %.7f accuracy %.5f",
		lr["train_auc"], lr["train_log_loss"], lr["val_auc"], lr["val_log_loss"], lr["val_accuracy"])
	if lr["train_rows"] != 40686 || lr["val_rows"] != 38549 || lr["features"] != 464 {
		t.Errorf("rows %v / %v, features %v; scikit-learn: 40686 / 38549, 464", lr["train_rows"], lr["val_rows"], lr["features"])
	}
	for k, want := range map[string]float64{"train_auc": 0.7819503879079799, "val_auc": 0.7646588401302632,
		"train_log_loss": 0.30473641570796667, "val_log_loss": 0.31609370648091123,
		"train_accuracy": 0.8923708400924151, "val_accuracy": 0.8890762406288101} {
		if d := math.Abs(lr[k] - want); d > 2e-6 {
			t.Errorf("logistic %s = %.9f, scikit-learn %.9f (|diff| %.2g)", k, lr[k], want, d)
		}
	}
	gb := tipMetrics(t, runJSON(t, dir, "train_tip_classifier", append(vars, "model=gbdt")...))
	t.Logf("gbdt: train AUC %.5f log-loss %.5f, val AUC %.5f log-loss %.5f accuracy %.5f",
		gb["train_auc"], gb["train_log_loss"], gb["val_auc"], gb["val_log_loss"], gb["val_accuracy"])
	// Boosted trees fit the training month more closely than the linear
	// model and rank February's trips at least about as well.
	if gb["train_auc"] <= lr["train_auc"] || gb["val_auc"] < lr["val_auc"]-0.02 || gb["val_log_loss"] > 0.34 {
		t.Errorf("gbdt %v against logistic %v", gb, lr)
	}
}

// TestRun_TrainGBDT_StopMonths_OnSample: the variable stop_months names the
// months early stopping watches (train 2023-01, stop 2023-02, validate
// 2023-03 on the sample data); a stop month that is also a training month or
// the validation month, or stop months without early stopping, is an error
// that names the variables.
func TestRun_TrainGBDT_StopMonths_OnSample(t *testing.T) {
	dir := example(t)
	m := metrics(t, runJSON(t, dir, "train_gbdt", "rounds=40", "stop_months=2023-02", "validation=2023-03"))
	if m["stop_rows"] < 2000 || !(m["stop_rmse"] > 0) || m["trees"] < 1 || m["trees"] != m["best_iteration"] {
		t.Errorf("metrics with stop_months=2023-02: %v", m)
	}
	for _, tc := range []struct {
		name string
		vars []string
		want string
	}{
		{"a training month", []string{"stop_months=2023-01"}, `variable stop_months = "2023-01": 2023-01 is also a training month (variable train`},
		{"the validation month", []string{"stop_months=2023-02"}, `variable stop_months = "2023-02": 2023-02 is also the validation month`},
		{"a range reaching the validation month", []string{"stop_months=2023-02..2023-03", "validation=2023-03"}, "2023-03 is also the validation month"},
		{"without early stopping", []string{"stop_months=2023-03", "early_stopping_rounds=0"}, "early_stopping_rounds = 0"},
		{"malformed", []string{"stop_months=2023-13"}, `variable stop_months: months "2023-13"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"run", dir, "train_gbdt"}
			for _, v := range tc.vars {
				args = append(args, "--var", v)
			}
			stdout, stderr, err := golem(t, args...)
			if err == nil {
				t.Fatalf("train_gbdt with %v succeeded", tc.vars)
			}
			if out := stdout + stderr + err.Error(); !strings.Contains(out, tc.want) {
				t.Errorf("train_gbdt with %v: no %q in\n%s", tc.vars, tc.want, out)
			}
		})
	}
}

// TestRun_TrainGBDT_StopMonths_RealData trains on the real trips of January
// 2023, stops early on February's (stop_months) and validates on March's.
// The metrics the run returns are checked against the saved model scored by
// batch_inference on those months: stop_rmse is the model's RMSE on every
// February trip, val_rmse its RMSE on March.
func TestRun_TrainGBDT_StopMonths_RealData(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("real data not found at %s: the stop_months test needs the NYC green-taxi files", src)
	}
	dir := example(t)
	m := metrics(t, runJSON(t, dir, "train_gbdt", "source="+src, "train=2023-01", "stop_months=2023-02", "validation=2023-03"))
	t.Logf("gbdt stopped on 2023-02: %v trees, train RMSE %.6f, stop RMSE %.6f, val RMSE (2023-03) %.6f, %v validation rows",
		m["trees"], m["train_rmse"], m["stop_rmse"], m["val_rmse"], m["val_rows"])
	// January and February trips of 1..60 minutes, as train_linear counts them.
	if m["train_rows"] != 65946 || m["stop_rows"] != 62574 || m["val_rows"] < 50000 {
		t.Errorf("rows: train %v (want 65946), stop %v (want 62574), validation %v", m["train_rows"], m["stop_rows"], m["val_rows"])
	}
	if m["trees"] < 1 || m["trees"] != m["best_iteration"] || m["trees"] >= 300 || m["val_rmse"] > 5.2 {
		t.Errorf("%v trees (best iteration %v, at most 300 rounds), val RMSE %.4f", m["trees"], m["best_iteration"], m["val_rmse"])
	}
	for month, want := range map[string]float64{"2023-02": m["stop_rmse"], "2023-03": m["val_rmse"]} {
		runJSON(t, dir, "batch_inference", "source="+src, "month="+month, "model=models/latest.json")
		preds, err := frame.ReadParquet(filepath.Join(dir, "output", "predictions-"+month+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		d := preds.Col("predicted_duration").Sub(preds.Col("duration"))
		rmse := math.Sqrt(d.Mul(d).Mean())
		if math.Abs(rmse-want) > 1e-9 {
			t.Errorf("the saved model scores RMSE %.9f on %s's %d trips; the run reported %.9f", rmse, month, preds.NumRows(), want)
		}
	}
}
