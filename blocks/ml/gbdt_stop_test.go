package ml

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestGBDT_StoppingSetDecidesTheStop: with an early-stopping set given to
// FitStop, every training row is fitted (the trees are those of a fit without
// early stopping, cut short), the stopping set's loss per round decides where
// to cut, and the validation set is still only scored.
func TestGBDT_StoppingSetDecidesTheStop(t *testing.T) {
	X, y := synthetic(3000, 31)
	Xs, ys := synthetic(1000, 32)
	Xv, yv := synthetic(1000, 33)
	shuffle := func(v []float64, seed uint64) []float64 {
		out := append([]float64(nil), v...)
		rand.New(rand.NewPCG(seed, seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	p := GBDTParams{Rounds: 200, LearningRate: 0.3, MaxDepth: 4, Lambda: 1, Seed: 4}
	full := NewGBDT(p) // every row, every round
	if err := full.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	// rmseAt is the RMSE on X, y of full's first r rounds.
	rmseAt := func(r int, X *CSR, y []float64) float64 {
		c := *full
		c.Trees = full.Trees[:r]
		pred, err := c.Predict(X)
		if err != nil {
			t.Fatal(err)
		}
		return RMSE(y, pred)
	}
	p.EarlyStoppingRounds = 5
	best := map[string]int{}
	for name, stopY := range map[string][]float64{"true labels": ys, "shuffled labels": shuffle(ys, 5)} {
		m := NewGBDT(p)
		if err := m.FitStop(X, y, Xs, stopY, Xv, yv); err != nil {
			t.Fatal(err)
		}
		b := m.BestIteration
		best[name] = b
		t.Logf("%s: best round %d of %d, stop RMSE %.4f, validation RMSE %.4f", name, b, len(m.StopLoss), m.StopLoss[b-1], m.ValLoss[b-1])
		if b < 1 || len(m.Trees) != b || !reflect.DeepEqual(m.Trees, full.Trees[:b]) {
			t.Fatalf("%s: %d trees kept (best %d) are not the first rounds of the fit on every row", name, len(m.Trees), b)
		}
		for r, l := range m.StopLoss {
			if l < m.StopLoss[b-1] || (r < b-1 && l == m.StopLoss[b-1]) {
				t.Errorf("%s: round %d has stop loss %v, the kept round %d %v", name, r+1, l, b, m.StopLoss[b-1])
			}
		}
		if len(m.StopLoss) != min(p.Rounds, b+p.EarlyStoppingRounds) || len(m.ValLoss) != len(m.StopLoss) {
			t.Errorf("%s: %d rounds stopped-scored, %d validated; best %d, patience %d", name, len(m.StopLoss), len(m.ValLoss), b, p.EarlyStoppingRounds)
		}
		// StopLoss is the loss on the named set, ValLoss on the validation set.
		for _, r := range []int{1, b, len(m.StopLoss)} {
			if d := math.Abs(m.StopLoss[r-1] - rmseAt(r, Xs, stopY)); d > 1e-9 {
				t.Errorf("%s: stop loss of round %d is %v, the set's RMSE %v", name, r, m.StopLoss[r-1], rmseAt(r, Xs, stopY))
			}
			if d := math.Abs(m.ValLoss[r-1] - rmseAt(r, Xv, yv)); d > 1e-9 {
				t.Errorf("%s: validation loss of round %d is %v, its RMSE %v", name, r, m.ValLoss[r-1], rmseAt(r, Xv, yv))
			}
		}
	}
	if best["shuffled labels"] >= best["true labels"] {
		t.Errorf("best rounds %v: a stopping set of shuffled labels should stop sooner", best)
	}
	// The validation set is only scored: shuffled validation labels or none
	// give the same trees.
	ref := NewGBDT(p)
	if err := ref.FitStop(X, y, Xs, ys, nil, nil); err != nil {
		t.Fatal(err)
	}
	m := NewGBDT(p)
	if err := m.FitStop(X, y, Xs, ys, Xv, shuffle(yv, 6)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Trees, ref.Trees) || m.BestIteration != best["true labels"] || len(ref.ValLoss) != 0 {
		t.Errorf("the validation set changed the model: best %d vs %d", m.BestIteration, ref.BestIteration)
	}
	// Fit is FitStop without a stopping set: it holds out training rows.
	held, viaStop := NewGBDT(p), NewGBDT(p)
	if err := held.Fit(X, y, Xv, yv); err != nil {
		t.Fatal(err)
	}
	if err := viaStop.FitStop(X, y, nil, nil, Xv, yv); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(held.Trees, viaStop.Trees) || reflect.DeepEqual(held.Trees, full.Trees[:len(held.Trees)]) {
		t.Errorf("Fit and FitStop without a stopping set differ, or did not hold rows out")
	}
}

func TestGBDT_StoppingSetErrors(t *testing.T) {
	X, y := synthetic(500, 41)
	Xs, ys := synthetic(100, 42)
	narrow, _ := NewCSRFromDense([][]float64{{1}, {2}})
	binary := make([]float64, len(y))
	for i, v := range y {
		if v > 5 {
			binary[i] = 1
		}
	}
	for _, tc := range []struct {
		name      string
		objective string
		rounds    int
		Xs        *CSR
		ys        []float64
		want      error
	}{
		{"without early stopping", "", 0, Xs, ys, ErrParam},
		{"no labels", "", 5, Xs, nil, ErrEmpty},
		{"other features", "", 5, narrow, []float64{1, 2}, ErrShape},
		{"rows and labels differ", "", 5, Xs, ys[:50], ErrShape},
		{"NaN label", "", 5, Xs, append([]float64{math.NaN()}, ys[1:]...), ErrNotFinite},
		{"not a binary label", ObjectiveBinary, 5, Xs, ys, ErrParam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewGBDT(GBDTParams{Objective: tc.objective, Rounds: 10, EarlyStoppingRounds: tc.rounds})
			train := y
			if tc.objective == ObjectiveBinary {
				train = binary
			}
			err := m.FitStop(X, train, tc.Xs, tc.ys, nil, nil)
			if !errors.Is(err, tc.want) {
				t.Errorf("err %v, want %v", err, tc.want)
			}
		})
	}
}
