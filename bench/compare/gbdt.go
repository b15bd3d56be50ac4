package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"time"
)

// pyModel is one model's figures from bench/gbdt_train.py.
type pyModel struct {
	FitS      float64 `json:"fit_s"`
	TrainRMSE float64 `json:"train_rmse"`
	ValRMSE   float64 `json:"val_rmse"`
	Trees     float64 `json:"trees"`
}

var pyModels = []string{"xgboost", "xgboost_native", "sklearn_native"}

// runGBDT alternates `golem run train_gbdt` and bench/gbdt_train.py runs
// times and prints, per model, the fastest fit with its validation RMSE.
// Golem's fit is the duration its train block logs for the fit, as Python's is
// the .fit call; the whole train block (encoding, fit, scoring both sets) is
// printed beside it.
func runGBDT(o options, tmp string, stdout io.Writer) error {
	var g *measure
	best := map[string]pyModel{}
	var rows map[string]json.RawMessage
	for i := 0; i < o.runs; i++ {
		gm, err := runGolem(o, filepath.Join(tmp, fmt.Sprintf("taxi%d", i)))
		if err != nil {
			return err
		}
		cmd := exec.Command(o.python, o.script, "--data", o.cache, "--train", o.train, "--validation", o.validation, "--models", o.models)
		out, pm, err := measureCmd(cmd)
		if err != nil {
			return fmt.Errorf("%s %s: %w", o.python, o.script, err)
		}
		if err := json.Unmarshal(out, &rows); err != nil {
			return fmt.Errorf("%s: %w\n%s", o.script, err, out)
		}
		fmt.Fprintf(stdout, "run %d: golem fit %v, train block %v (process %v, %s); python process %v, %s:",
			i+1, gm.fit.Round(time.Millisecond), gm.trainBlock.Round(time.Millisecond), gm.wall.Round(time.Millisecond), mib(gm.maxRSS),
			pm.wall.Round(time.Millisecond), mib(pm.maxRSS))
		for _, name := range pyModels {
			raw, ok := rows[name]
			if !ok {
				continue
			}
			var m pyModel
			if err := json.Unmarshal(raw, &m); err != nil {
				return fmt.Errorf("%s: %s: %w", o.script, name, err)
			}
			fmt.Fprintf(stdout, " %s fit %.2fs", name, m.FitS)
			if b, ok := best[name]; !ok || m.FitS < b.FitS {
				best[name] = m
			}
		}
		fmt.Fprintln(stdout)
		if g == nil || gm.fit < g.fit {
			g = gm
		}
	}
	fmt.Fprintf(stdout, "\ntrain_gbdt, train %s -> validation %s (zones + trip_distance, trips of 1..60 min; %d training rows)\n\n",
		o.train, o.validation, int(g.metrics["train_rows"]))
	fmt.Fprintf(stdout, "%-34s %10s %12s %12s %8s\n", "", "fit (s)", "train RMSE", "val RMSE", "trees")
	fmt.Fprintf(stdout, "%-34s %10.2f %12.4f %12.4f %8.0f\n", "golem (native zones)",
		g.fit.Seconds(), g.metrics["train_rmse"], g.metrics["val_rmse"], g.metrics["trees"])
	fmt.Fprintf(stdout, "%-34s %10.2f\n", "golem train block (encode, fit, score)", g.trainBlock.Seconds())
	for _, name := range pyModels {
		if m, ok := best[name]; ok {
			fmt.Fprintf(stdout, "%-34s %10.2f %12.4f %12.4f %8.0f\n", name, m.FitS, m.TrainRMSE, m.ValRMSE, m.Trees)
		}
	}
	for _, name := range []string{"xgboost", "xgboost_native"} {
		if x, ok := best[name]; ok {
			fmt.Fprintf(stdout, "\ngolem's fit takes %.2fx the time of %s's fit (target <= 1)", g.fit.Seconds()/x.FitS, name)
		}
	}
	fmt.Fprintln(stdout)
	if s, ok := best["sklearn_native"]; ok {
		fmt.Fprintf(stdout, "val RMSE golem - scikit-learn native = %+.4f (target <= 0)\n", g.metrics["val_rmse"]-s.ValRMSE)
	}
	return nil
}
