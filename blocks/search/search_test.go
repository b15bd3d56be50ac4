package search

import (
	"math"
	"sync/atomic"
	"testing"

	"github.com/golemlabs/golem/blocks"
)

// branin-like bowl over the space: minimum 0 at lr=0.05, depth=6, kind=b.
func objective(p map[string]any) float64 {
	lr := math.Log(p["lr"].(float64) / 0.05)
	d := float64(p["depth"].(int) - 6)
	v := lr*lr + 0.1*d*d + 0.5*p["x"].(float64)*p["x"].(float64)
	if p["kind"].(string) != "b" {
		v += 1
	}
	return v
}

func space() []Param {
	return []Param{LogUniform("lr", 0.001, 1), Int("depth", 2, 12), Uniform("x", -2, 2), Choice("kind", "a", "b", "c")}
}

func evalLocal(req blocks.TrialRequest, params map[string]any) blocks.TrialResult {
	return blocks.TrialResult{Status: "succeeded", Value: objective(params)}
}

func TestRun_SeedReproducible(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"random parallel 3", Options{Algorithm: Random, Parallel: 3}},
		{"tpe serial", Options{Algorithm: TPE, Parallel: 1}},
		{"tpe parallel 2", Options{Algorithm: TPE, Parallel: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var runs [2]*Result
			for i := range runs {
				o := tc.o
				o.Space, o.Trials, o.Seed = space(), 30, 7
				if err := o.defaults(); err != nil {
					t.Fatal(err)
				}
				r, err := run(o, evalLocal, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				runs[i] = r
			}
			for i := range runs[0].Trials {
				a, b := runs[0].Trials[i], runs[1].Trials[i]
				if a.Value != b.Value {
					t.Fatalf("trial %d: %v then %v", a.Number, a.Params, b.Params)
				}
			}
		})
	}
}

func TestRun_TPEBeatsRandomOnAverage(t *testing.T) {
	var tpe, rnd float64
	for seed := int64(1); seed <= 10; seed++ {
		for _, alg := range []string{TPE, Random} {
			o := Options{Space: space(), Trials: 40, Seed: seed, Algorithm: alg}
			_ = o.defaults()
			r, err := run(o, evalLocal, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if alg == TPE {
				tpe += r.Best.Value
			} else {
				rnd += r.Best.Value
			}
		}
	}
	t.Logf("mean best over 10 seeds: tpe %.4f random %.4f", tpe/10, rnd/10)
	if tpe >= rnd {
		t.Errorf("TPE (%.4f) did not beat random search (%.4f) on average", tpe/10, rnd/10)
	}
}

func TestRun_MedianPrunesWeakTrials(t *testing.T) {
	for _, pruner := range []string{Median, Halving} {
		t.Run(pruner, func(t *testing.T) {
			var pruned atomic.Int32
			o := Options{Space: space(), Trials: 20, Seed: 3, Algorithm: Random, Pruner: pruner, Metric: "loss", MinSteps: 5}
			_ = o.defaults()
			r, err := run(o, func(req blocks.TrialRequest, params map[string]any) blocks.TrialResult {
				final := objective(params)
				// a curve that falls from final+10 to final over 100 steps
				for step := 1; step <= 100; step++ {
					v := final + 10/float64(step)
					if req.OnStep("loss", step, v) {
						pruned.Add(1)
						return blocks.TrialResult{Status: "pruned", Value: v}
					}
				}
				return blocks.TrialResult{Status: "succeeded", Value: final}
			}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if pruned.Load() == 0 {
				t.Fatal("no trial pruned")
			}
			n := 0
			for _, tr := range r.Trials {
				if tr.Status == "pruned" {
					n++
					if tr.Value < r.Best.Value {
						t.Errorf("trial %d pruned at %v, better than the best %v", tr.Number, tr.Value, r.Best.Value)
					}
				}
			}
			t.Logf("%s: %d of %d trials pruned, best %.4f", pruner, n, len(r.Trials), r.Best.Value)
		})
	}
}

func TestOptions_Errors(t *testing.T) {
	for name, o := range map[string]Options{
		"empty space":    {},
		"bad log":        {Space: []Param{LogUniform("a", 0, 1)}},
		"low above high": {Space: []Param{Uniform("a", 2, 1)}},
		"empty choice":   {Space: []Param{Choice("a")}},
		"duplicate":      {Space: []Param{Uniform("a", 0, 1), Uniform("a", 0, 1)}},
		"unknown algo":   {Space: []Param{Uniform("a", 0, 1)}, Algorithm: "grid"},
		"unknown pruner": {Space: []Param{Uniform("a", 0, 1)}, Pruner: "hyperband"},
	} {
		if err := o.defaults(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
