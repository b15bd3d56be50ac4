package ml

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

// TestGBDT_MissingValuesLearnTheirDirection: where x is missing the target
// is that of the large values, so missing rows must follow them, not the
// zeros; on the mirrored data they must follow the small values.
func TestGBDT_MissingValuesLearnTheirDirection(t *testing.T) {
	for _, tt := range []struct {
		name        string
		missingLike float64 // target of missing rows
	}{{"missing like large values", 10}, {"missing like small values", -10}} {
		t.Run(tt.name, func(t *testing.T) {
			var rows [][]float64
			var y []float64
			for i := 0; i < 600; i++ {
				switch i % 3 {
				case 0:
					rows = append(rows, []float64{-1})
					y = append(y, -10)
				case 1:
					rows = append(rows, []float64{1})
					y = append(y, 10)
				default:
					rows = append(rows, []float64{math.NaN()})
					y = append(y, tt.missingLike)
				}
			}
			X, _ := NewCSRFromDense(rows)
			m := NewGBDT(GBDTParams{Rounds: 1, LearningRate: 1, MaxDepth: 1, Lambda: 0})
			if err := m.Fit(X, y, nil, nil); err != nil {
				t.Fatal(err)
			}
			root := m.Trees[0].Nodes[0]
			wantLeft := tt.missingLike < 0
			if root.Feature != 0 || root.MissingLeft != wantLeft {
				t.Fatalf("root %+v: missing should go left = %v", root, wantLeft)
			}
			probe, _ := NewCSRFromDense([][]float64{{math.NaN()}})
			got, _ := m.Predict(probe)
			if math.Abs(got[0]-tt.missingLike) > 1e-9 {
				t.Errorf("missing predicts %v, want %v", got[0], tt.missingLike)
			}
		})
	}
}

// categoricalData has a category code in column 0 (12 categories) whose
// effect is not monotone in the code, and noise in column 1.
func categoricalData(n int, seed uint64) (*CSR, []float64) {
	effect := []float64{5, -3, 8, 0, -6, 2, 9, -1, 4, -8, 1, 7}
	rng := rand.New(rand.NewPCG(seed, 1))
	rows := make([][]float64, n)
	y := make([]float64, n)
	for i := range rows {
		c := rng.IntN(len(effect))
		rows[i] = []float64{float64(c), rng.Float64()}
		y[i] = effect[c] + 0.1*rng.NormFloat64()
	}
	X, _ := NewCSRFromDense(rows)
	return X, y
}

// TestGBDT_CategoricalSplits: one native categorical split of depth 1 can
// separate any subset of categories, so a depth-1 stump on the categorical
// column halves the error that a threshold on the codes leaves.
func TestGBDT_CategoricalSplits(t *testing.T) {
	X, y := categoricalData(3000, 1)
	Xv, yv := categoricalData(1000, 2)
	fit := func(cat []int, rounds, depth int) float64 {
		m := NewGBDT(GBDTParams{Rounds: rounds, LearningRate: 1, MaxDepth: depth, Lambda: 0, CategoricalFeatures: cat})
		if err := m.Fit(X, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		p, err := m.Predict(Xv)
		if err != nil {
			t.Fatal(err)
		}
		return RMSE(yv, p)
	}
	// The first split of a categorical stump puts the categories with
	// positive effect on one side.
	m := NewGBDT(GBDTParams{Rounds: 1, LearningRate: 1, MaxDepth: 1, Lambda: 0, CategoricalFeatures: []int{0}})
	if err := m.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	root := m.Trees[0].Nodes[0]
	if !root.Categorical {
		t.Fatalf("root split %+v is not categorical", root)
	}
	effect := []float64{5, -3, 8, 0, -6, 2, 9, -1, 4, -8, 1, 7}
	lo, hi := map[bool]float64{true: math.Inf(1), false: math.Inf(1)}, map[bool]float64{true: math.Inf(-1), false: math.Inf(-1)}
	for c, e := range effect {
		l := root.Categories.Has(c)
		lo[l], hi[l] = math.Min(lo[l], e), math.Max(hi[l], e)
	}
	if !(hi[true] < lo[false] || hi[false] < lo[true]) {
		t.Errorf("split %v does not separate low-effect categories from high-effect ones", root.Categories)
	}
	catStump, numStump := fit([]int{0}, 1, 1), fit(nil, 1, 1)
	t.Logf("depth-1 stump val RMSE: categorical %.3f, threshold %.3f", catStump, numStump)
	if catStump > 0.8*numStump {
		t.Errorf("categorical stump %.3f is not clearly better than a threshold stump %.3f", catStump, numStump)
	}
	if full := fit([]int{0}, 20, 3); full > 0.2 {
		t.Errorf("categorical model val RMSE %.3f, want ≤ 0.2 (noise 0.1)", full)
	}
	// Unseen codes and missing values predict without error.
	probe, _ := NewCSRFromDense([][]float64{{99, 0.5}, {math.NaN(), 0.5}})
	if _, err := m.Predict(probe); err != nil {
		t.Error(err)
	}
}

func TestGBDT_ValidationSetIsOnlyScored(t *testing.T) {
	X, y := synthetic(3000, 11)
	Xv, yv := synthetic(1000, 12)
	shuffled := append([]float64(nil), yv...)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	p := GBDTParams{Rounds: 300, LearningRate: 0.3, MaxDepth: 4, Lambda: 1, EarlyStoppingRounds: 5, Seed: 4}
	fits := map[string]*GBDT{}
	for name, val := range map[string][2]any{"none": {(*CSR)(nil), []float64(nil)}, "true labels": {Xv, yv}, "shuffled labels": {Xv, shuffled}} {
		m := NewGBDT(p)
		if err := m.Fit(X, y, val[0].(*CSR), val[1].([]float64)); err != nil {
			t.Fatal(err)
		}
		fits[name] = m
	}
	base := fits["none"]
	if base.BestIteration >= len(base.StopLoss) || len(base.StopLoss) == 300 {
		t.Fatalf("early stopping did not stop: best %d of %d rounds", base.BestIteration, len(base.StopLoss))
	}
	for name, m := range fits {
		if !reflect.DeepEqual(m.Trees, base.Trees) || m.BestIteration != base.BestIteration {
			t.Errorf("%s: the validation set changed the model (best %d vs %d)", name, m.BestIteration, base.BestIteration)
		}
	}
	if len(fits["true labels"].ValLoss) != len(base.StopLoss) {
		t.Errorf("validation scored %d rounds, trained %d", len(fits["true labels"].ValLoss), len(base.StopLoss))
	}
	// Without early stopping every round is kept.
	p.EarlyStoppingRounds, p.Rounds = 0, 40
	m := NewGBDT(p)
	if err := m.Fit(X, y, Xv, yv); err != nil {
		t.Fatal(err)
	}
	if len(m.Trees) != 40 || m.BestIteration != 40 {
		t.Errorf("early_stopping_rounds 0 kept %d trees (best %d), want 40", len(m.Trees), m.BestIteration)
	}
}

func TestGBDT_FeatureGain(t *testing.T) {
	X, y := synthetic(3000, 21) // features 0, 1 and the category one-hots matter
	rng := rand.New(rand.NewPCG(9, 9))
	dense := X.Dense()
	for i := range dense {
		dense[i] = append(dense[i], rng.Float64()) // feature 6: noise
	}
	X, _ = NewCSRFromDense(dense)
	m := NewGBDT(GBDTParams{Rounds: 50, MaxDepth: 3, Lambda: 1})
	if err := m.Fit(X, y, nil, nil); err != nil {
		t.Fatal(err)
	}
	g := m.FeatureGain()
	t.Logf("gain %v", g)
	if len(g) != 7 || !(g[0] > g[4]) || !(g[0] > 10*g[6]) || !(g[4] > g[6]) {
		t.Errorf("gain %v: want x0 > category 2 > noise", g)
	}
}

func TestGBDT_DeterministicModelFile(t *testing.T) {
	X, y := categoricalData(2000, 5)
	var files [][]byte
	for _, w := range []int{1, 2, 4} {
		m := NewGBDT(GBDTParams{Rounds: 20, MaxDepth: 4, Lambda: 1, EarlyStoppingRounds: 5, Subsample: 0.8, CategoricalFeatures: []int{0}, Seed: 7, Workers: w})
		if err := m.Fit(X, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("model %d differs from model 0", i)
		}
	}
}

func TestGBDT_Binary(t *testing.T) {
	gen := func(n int, seed uint64) (*CSR, []float64) {
		rng := rand.New(rand.NewPCG(seed, 2))
		rows := make([][]float64, n)
		y := make([]float64, n)
		for i := range rows {
			x := rng.Float64()*4 - 2
			c := rng.IntN(3)
			rows[i] = []float64{x, float64(c)}
			q := sigmoid(2*x + []float64{-1, 0, 1.5}[c])
			if rng.Float64() < q {
				y[i] = 1
			}
		}
		X, _ := NewCSRFromDense(rows)
		return X, y
	}
	X, y := gen(4000, 1)
	Xv, yv := gen(2000, 2)
	m := NewGBDT(GBDTParams{Objective: ObjectiveBinary, Rounds: 100, MaxDepth: 3, Lambda: 1, CategoricalFeatures: []int{1}})
	if err := m.Fit(X, y, Xv, yv); err != nil {
		t.Fatal(err)
	}
	prob, err := m.PredictProba(Xv)
	if err != nil {
		t.Fatal(err)
	}
	ll := 0.0
	for i := 0; i < prob.Rows(); i++ {
		p := prob.Row(i)
		if math.Abs(p[0]+p[1]-1) > 1e-12 {
			t.Fatalf("row %d: probabilities %v do not sum to 1", i, p)
		}
		ll -= math.Log(p[int(yv[i])])
	}
	ll /= float64(prob.Rows())
	// A constant predictor scores about 0.69.
	t.Logf("binary val log-loss %.4f (recorded %.4f)", ll, m.ValLoss[len(m.ValLoss)-1])
	if ll > 0.5 || math.Abs(ll-m.ValLoss[len(m.ValLoss)-1]) > 1e-9 {
		t.Errorf("val log-loss %.4f, recorded %.4f", ll, m.ValLoss[len(m.ValLoss)-1])
	}
	labels, _ := m.Predict(Xv)
	p1 := prob.Col(1)
	for i := range labels {
		if want := float64(btoi(p1[i] >= 0.5)); labels[i] != want {
			t.Fatalf("row %d: label %v for P(1) = %v", i, labels[i], p1[i])
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestGBDT_Multiclass(t *testing.T) {
	gen := func(n int, seed uint64) (*CSR, []float64) {
		rng := rand.New(rand.NewPCG(seed, 3))
		rows := make([][]float64, n)
		y := make([]float64, n)
		for i := range rows {
			a, b := rng.Float64(), rng.Float64()
			rows[i] = []float64{a, b}
			switch {
			case a < 0.4:
				y[i] = 0
			case b < 0.5:
				y[i] = 1
			default:
				y[i] = 2
			}
			if rng.Float64() < 0.05 {
				y[i] = float64(rng.IntN(3))
			}
		}
		X, _ := NewCSRFromDense(rows)
		return X, y
	}
	X, y := gen(3000, 1)
	Xv, yv := gen(1000, 2)
	m := NewGBDT(GBDTParams{Objective: ObjectiveMulticlass, Rounds: 60, MaxDepth: 3, Lambda: 1, EarlyStoppingRounds: 10})
	if err := m.Fit(X, y, Xv, yv); err != nil {
		t.Fatal(err)
	}
	if m.NumClass != 3 || len(m.Trees) != 3*m.BestIteration {
		t.Fatalf("%d classes, %d trees for %d rounds", m.NumClass, len(m.Trees), m.BestIteration)
	}
	labels, err := m.Predict(Xv)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i := range labels {
		if labels[i] == yv[i] {
			right++
		}
	}
	acc := float64(right) / float64(len(yv))
	t.Logf("multiclass val accuracy %.3f (best %d rounds)", acc, m.BestIteration)
	if acc < 0.93 {
		t.Errorf("accuracy %.3f, want ≥ 0.93 (5%% label noise)", acc)
	}
	prob, _ := m.PredictProba(Xv)
	if len(prob.Classes) != 3 || len(prob.Row(0)) != 3 {
		t.Errorf("probabilities %v of classes %v", prob.Row(0), prob.Classes)
	}
}

func TestFeatureWeights(t *testing.T) {
	f := frame.MustNew(
		frame.NewStrings("zone", []string{"a", "b", "a", "c", "b", "a", "c", "c"}),
		frame.NewFloats("dist", []float64{1, 2, 3, 4, 5, 6, 7, 8}),
		frame.NewFloats("y", []float64{1, 12, 3, 24, 15, 6, 27, 28}),
	)
	y, _ := Target(f, "y")
	t.Run("linear: coefficients by name", func(t *testing.T) {
		enc := NewDictVectorizer()
		X, _ := enc.FitTransform(f, "zone", "dist")
		lr := NewLinearRegression()
		if err := lr.Fit(X, y); err != nil {
			t.Fatal(err)
		}
		w, err := FeatureWeights(lr, enc)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]float64{}
		for _, fw := range w {
			byName[fw.Feature] = fw.Weight
		}
		// y = dist + 10·[b] + 20·[c] exactly: the zone coefficients differ by
		// 10 and 20 whatever the split with the intercept.
		if math.Abs(byName["dist"]-1) > 1e-6 || math.Abs(byName["zone=b"]-byName["zone=a"]-10) > 1e-6 ||
			math.Abs(byName["zone=c"]-byName["zone=a"]-20) > 1e-6 {
			t.Errorf("weights %v", w)
		}
	})
	t.Run("gbdt: gain shares sum to 1, sorted", func(t *testing.T) {
		enc := NewDictVectorizerWith(EncoderOptions{Categorical: []string{"zone"}})
		X, _ := enc.FitTransform(f, "zone", "dist")
		m := NewGBDT(GBDTParams{Rounds: 5, MaxDepth: 2, Lambda: 1, MinChildWeight: 1, CategoricalFeatures: enc.CategoricalFeatures()})
		if err := m.Fit(X, y, nil, nil); err != nil {
			t.Fatal(err)
		}
		w, err := NewBundle(m, enc, "y").Importance()
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i, fw := range w {
			sum += fw.Weight
			if i > 0 && fw.Weight > w[i-1].Weight {
				t.Errorf("not sorted: %v", w)
			}
		}
		if len(w) != 2 || math.Abs(sum-1) > 1e-12 {
			t.Errorf("weights %v sum to %v", w, sum)
		}
	})
}

func TestLinear_WarnsOnMissingValues(t *testing.T) {
	rows := [][]float64{{1, 2}, {2, math.NaN()}, {3, 1}, {4, 5}, {5, 3}}
	y := []float64{3, 2, 4, 9, 8}
	X, _ := NewCSRFromDense(rows)
	lr := NewLinearRegression()
	if err := lr.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	if len(lr.Warnings) != 1 || !strings.Contains(lr.Warnings[0], "1 missing values") {
		t.Fatalf("warnings %q, want one about the missing value", lr.Warnings)
	}
	rows[1][1] = 0
	Z, _ := NewCSRFromDense(rows)
	zero := NewLinearRegression()
	if err := zero.Fit(Z, y); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(zero.Coef, lr.Coef) || len(zero.Warnings) != 0 {
		t.Errorf("NaN fit %v, zero fit %v (warnings %q)", lr.Coef, zero.Coef, zero.Warnings)
	}
}
