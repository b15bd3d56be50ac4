package ml

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The noise is 0.1 but quantile bins place each step up to half a bin
// width away from its true position, which bounds the reachable RMSE
// (about 0.35 with 256 bins on 4000 rows).

// synthetic returns rows of [x0 numeric, x1 numeric, one-hot of 4 categories]
// with a target that is a step function of x0, an interaction of x1 and the
// category, and small noise: easy for trees, hard for a linear model.
func synthetic(n int, seed uint64) (*CSR, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	rows := make([][]float64, n)
	y := make([]float64, n)
	for i := range rows {
		x0, x1, c := rng.Float64()*10, rng.Float64()*10-5, rng.IntN(4)
		r := make([]float64, 6)
		r[0], r[1], r[2+c] = x0, x1, 1
		rows[i] = r
		step := 0.0
		switch {
		case x0 > 7:
			step = 10
		case x0 > 3:
			step = 4
		}
		inter := 0.0
		if c == 2 && x1 > 0 {
			inter = 6
		}
		y[i] = step + inter + 0.1*rng.NormFloat64()
	}
	X, _ := NewCSRFromDense(rows)
	return X, y
}

func TestGBDT_LearnsStructure(t *testing.T) {
	X, y := synthetic(4000, 1)
	Xv, yv := synthetic(2000, 2)
	lr := NewLinearRegression()
	if err := lr.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	lp, _ := lr.Predict(Xv)
	tests := []struct {
		name   string
		params GBDTParams
		maxVal float64
	}{
		{"defaults", DefaultGBDTParams(), 0.45},
		{"subsampled with L1", GBDTParams{Rounds: 200, LearningRate: 0.2, MaxDepth: 4, MinChildWeight: 5, Alpha: 1, Lambda: 1, Subsample: 0.7, ColSample: 0.8, Seed: 3}, 0.3},
		{"few bins", GBDTParams{Rounds: 150, LearningRate: 0.3, MaxDepth: 3, MaxBins: 16, Lambda: 1}, 1.0},
		{"early stopping", GBDTParams{Rounds: 1000, LearningRate: 0.3, MaxDepth: 3, Lambda: 1, EarlyStoppingRounds: 10}, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewGBDT(tt.params)
			if err := m.Fit(X, y, Xv, yv); err != nil {
				t.Fatal(err)
			}
			gp, err := m.Predict(Xv)
			if err != nil {
				t.Fatal(err)
			}
			gv, lv := RMSE(yv, gp), RMSE(yv, lp)
			t.Logf("val RMSE: gbdt %.4f (best %d of %d rounds), linear %.4f", gv, m.BestIteration, len(m.ValLoss), lv)
			if gv > tt.maxVal || gv >= lv {
				t.Errorf("gbdt val RMSE %.4f, want < %.2f and < linear %.4f", gv, tt.maxVal, lv)
			}
			if m.BestIteration != len(m.Trees) || math.Abs(m.ValLoss[m.BestIteration-1]-gv) > 1e-9 {
				t.Errorf("best iteration %d, %d trees, recorded %.6f, predicted %.6f", m.BestIteration, len(m.Trees), m.ValLoss[m.BestIteration-1], gv)
			}
			if tt.params.EarlyStoppingRounds > 0 && len(m.StopLoss) == tt.params.Rounds {
				t.Errorf("early stopping did not stop in %d rounds", tt.params.Rounds)
			}
		})
	}
}

func TestGBDT_DeterministicAcrossWorkers(t *testing.T) {
	X, y := synthetic(3000, 5)
	var first *GBDT
	for _, w := range []int{1, 2, 3, 8} {
		p := GBDTParams{Rounds: 30, MaxDepth: 5, Lambda: 1, Subsample: 0.8, ColSample: 0.7, Seed: 42, Workers: w}
		m := NewGBDT(p)
		if err := m.Fit(X, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = m
			continue
		}
		if !reflect.DeepEqual(first.Trees, m.Trees) || !reflect.DeepEqual(first.TrainLoss, m.TrainLoss) {
			t.Fatalf("trees with %d workers differ from 1 worker", w)
		}
	}
	other := NewGBDT(GBDTParams{Rounds: 30, MaxDepth: 5, Lambda: 1, Subsample: 0.8, ColSample: 0.7, Seed: 43})
	if err := other.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(first.Trees, other.Trees) {
		t.Error("another seed gives the same trees")
	}
}

func TestGBDT_SparseAbsentIsZero(t *testing.T) {
	// Feature 0 is stored only where it is non-zero; negative values must go
	// to the other side of 0 from positive ones.
	rows := [][]float64{}
	y := []float64{}
	for i := 0; i < 300; i++ {
		v := float64(i%3 - 1) // -1, 0, 1
		rows = append(rows, []float64{v, 1})
		y = append(y, 10*v)
	}
	X, _ := NewCSRFromDense(rows)
	m := NewGBDT(GBDTParams{Rounds: 200, LearningRate: 0.3, MaxDepth: 2, Lambda: 0})
	if err := m.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	p, _ := m.Predict(X)
	if r := RMSE(y, p); r > 1e-3 {
		t.Errorf("train RMSE %.4g on an exactly learnable target", r)
	}
}

func TestGBDT_BadInput(t *testing.T) {
	X, y := synthetic(50, 1)
	fitted := NewGBDT(GBDTParams{Rounds: 2})
	if err := fitted.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	narrow, _ := NewCSRFromDense([][]float64{{1, 2}})
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"y too short", func() error { return NewGBDT(GBDTParams{}).Fit(X, y[:10], nil, nil) }, ErrShape},
		{"NaN target", func() error {
			yy := append([]float64(nil), y...)
			yy[7] = math.NaN()
			return NewGBDT(GBDTParams{}).Fit(X, yy, nil, nil)
		}, ErrNotFinite},
		{"validation with other features", func() error { return NewGBDT(GBDTParams{}).Fit(X, y, narrow, []float64{1}) }, ErrShape},
		{"validation X without y", func() error { return NewGBDT(GBDTParams{}).Fit(X, y, X, nil) }, ErrEmpty},
		{"early stopping on too few rows", func() error {
			few, _ := X.SelectRows([]int{0, 1})
			return NewGBDT(GBDTParams{EarlyStoppingRounds: 3}).Fit(few, y[:2], nil, nil)
		}, ErrParam},
		{"validation fraction 1", func() error {
			return NewGBDT(GBDTParams{EarlyStoppingRounds: 3, ValidationFraction: 1}).Fit(X, y, nil, nil)
		}, ErrParam},
		{"binary labels not 0/1", func() error {
			return NewGBDT(GBDTParams{Objective: ObjectiveBinary}).Fit(X, y, nil, nil)
		}, ErrParam},
		{"categorical feature out of range", func() error {
			return NewGBDT(GBDTParams{CategoricalFeatures: []int{99}}).Fit(X, y, nil, nil)
		}, ErrParam},
		{"categorical feature not a code", func() error {
			return NewGBDT(GBDTParams{CategoricalFeatures: []int{0}}).Fit(X, y, nil, nil)
		}, ErrParam},
		{"unknown objective", func() error { return NewGBDT(GBDTParams{Objective: "poisson"}).Fit(X, y, nil, nil) }, ErrParam},
		{"subsample above 1", func() error { return NewGBDT(GBDTParams{Subsample: 1.5}).Fit(X, y, nil, nil) }, ErrParam},
		{"negative lambda", func() error { return NewGBDT(GBDTParams{Lambda: -1}).Fit(X, y, nil, nil) }, ErrParam},
		{"predict before fit", func() error { _, err := NewGBDT(GBDTParams{}).Predict(X); return err }, ErrNotFitted},
		{"predict with another feature count", func() error { _, err := fitted.Predict(narrow); return err }, ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			t.Log(err)
		})
	}
}
