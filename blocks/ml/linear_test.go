package ml

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refSolve is an independent dense solution with gonum: the minimum-norm
// least-squares (or ridge) solution in centred, unit-norm column coordinates,
// which is what LinearRegression promises, computed by SVD.
func refSolve(t *testing.T, rows [][]float64, y []float64, alpha float64) (coef []float64, intercept float64) {
	t.Helper()
	n, p := len(rows), len(rows[0])
	xbar := make([]float64, p)
	ybar := 0.0
	for i, r := range rows {
		for j, v := range r {
			xbar[j] += v / float64(n)
		}
		ybar += y[i] / float64(n)
	}
	d := make([]float64, p)
	for j := range d {
		ss := 0.0
		for _, r := range rows {
			ss += (r[j] - xbar[j]) * (r[j] - xbar[j])
		}
		if ss > 1e-20 {
			d[j] = 1 / math.Sqrt(ss)
		}
	}
	// Ridge as least squares on [Xc·D; √α·D] against [yc; 0].
	m := n
	if alpha > 0 {
		m += p
	}
	A := mat.NewDense(m, p, nil)
	b := mat.NewDense(m, 1, nil)
	for i, r := range rows {
		for j, v := range r {
			A.Set(i, j, (v-xbar[j])*d[j])
		}
		b.Set(i, 0, y[i]-ybar)
	}
	if alpha > 0 {
		for j := 0; j < p; j++ {
			A.Set(n+j, j, math.Sqrt(alpha)*d[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(A, mat.SVDThin) {
		t.Fatal("gonum SVD failed")
	}
	vals := svd.Values(nil)
	rank := 0
	for _, s := range vals {
		if s > 1e-10*vals[0] {
			rank++
		}
	}
	var z mat.Dense
	svd.SolveTo(&z, b, rank)
	coef = make([]float64, p)
	intercept = ybar
	for j := range coef {
		coef[j] = d[j] * z.At(j, 0)
		intercept -= xbar[j] * coef[j]
	}
	return coef, intercept
}

func oneHot(rng *rand.Rand, n int, levels ...int) [][]float64 {
	p := 0
	for _, l := range levels {
		p += l
	}
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, p+1)
		off := 0
		for _, l := range levels {
			rows[i][off+rng.IntN(l)] = 1
			off += l
		}
		rows[i][p] = rng.ExpFloat64() * 3 // a distance-like numeric column
	}
	return rows
}

func TestLinearRegression_MatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dense := func(n, p int) [][]float64 {
		rows := make([][]float64, n)
		for i := range rows {
			rows[i] = make([]float64, p)
			for j := range rows[i] {
				rows[i][j] = rng.NormFloat64() * float64(j+1)
			}
		}
		return rows
	}
	dup := dense(40, 3)
	for _, r := range dup { // column 3 duplicates column 1, column 4 is 2×column 0
		r = append(r, r[1], 2*r[0])
		_ = r
	}
	for i := range dup {
		dup[i] = append(dup[i], dup[i][1], 2*dup[i][0])
	}
	constant := dense(30, 2)
	for i := range constant {
		constant[i] = append(constant[i], 0, 7)
	}
	tests := []struct {
		name  string
		rows  [][]float64
		alpha float64
	}{
		{"full rank", dense(50, 4), 0},
		{"duplicate and scaled columns", dup, 0},
		{"one-hot plus intercept", oneHot(rng, 200, 5, 7), 0},
		{"zero and constant columns", constant, 0},
		{"more features than rows", dense(5, 9), 0},
		{"ridge", oneHot(rng, 100, 4, 6), 2.5},
		{"ridge on duplicates", dup, 0.1},
	}
	for _, tt := range tests {
		y := make([]float64, len(tt.rows))
		for i, r := range tt.rows {
			for j, v := range r {
				y[i] += float64(j%3-1) * v
			}
			y[i] += 5 + rng.NormFloat64()
		}
		wantCoef, wantIcpt := refSolve(t, tt.rows, y, tt.alpha)
		X, err := NewCSRFromDense(tt.rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, solver := range []Solver{SolverCholesky, SolverCG} {
			t.Run(tt.name+"/"+string(solver), func(t *testing.T) {
				m := NewRidge(tt.alpha)
				m.Solver = solver
				if err := m.Fit(X, y); err != nil {
					t.Fatal(err)
				}
				scale := 1.0
				for _, c := range wantCoef {
					scale = math.Max(scale, math.Abs(c))
				}
				for j, c := range wantCoef {
					if math.Abs(m.Coef[j]-c) > 1e-7*scale {
						t.Errorf("coef[%d] = %.12g, want %.12g", j, m.Coef[j], c)
					}
				}
				if math.Abs(m.Intercept-wantIcpt) > 1e-7*math.Max(1, math.Abs(wantIcpt)) {
					t.Errorf("intercept = %.12g, want %.12g", m.Intercept, wantIcpt)
				}
				t.Logf("%s: %d iterations, gradient %.2g", m.Info.Solver, m.Info.Iterations, m.Info.GradNorm)
			})
		}
	}
}

func TestLinearRegression_BadInput(t *testing.T) {
	X, _ := NewCSRFromDense([][]float64{{1, 0}, {0, 1}, {1, 1}})
	fitted := NewLinearRegression()
	if err := fitted.Fit(X, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	wide, _ := NewCSRFromDense([][]float64{{1, 0, 1}})
	broken := &CSR{Rows: 1, Cols: 2, Indptr: []int{0, 2}, Indices: []int{1, 0}, Data: []float64{1, 1}}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"rows differ from y", func() error { return NewLinearRegression().Fit(X, []float64{1, 2}) }, ErrShape},
		{"NaN target names the row", func() error { return NewLinearRegression().Fit(X, []float64{1, math.NaN(), 2}) }, ErrNotFinite},
		{"Inf target", func() error { return NewLinearRegression().Fit(X, []float64{1, 2, math.Inf(1)}) }, ErrNotFinite},
		{"empty", func() error { return NewLinearRegression().Fit(&CSR{Indptr: []int{0}}, nil) }, ErrEmpty},
		{"unsorted indices", func() error { return NewLinearRegression().Fit(broken, []float64{1}) }, ErrBadMatrix},
		{"negative alpha", func() error { return NewRidge(-1).Fit(X, []float64{1, 2, 3}) }, ErrParam},
		{"unknown solver", func() error {
			m := NewLinearRegression()
			m.Solver = "qr"
			return m.Fit(X, []float64{1, 2, 3})
		}, ErrParam},
		{"predict before fit", func() error { _, err := NewLinearRegression().Predict(X); return err }, ErrNotFitted},
		{"predict with another feature count", func() error { _, err := fitted.Predict(wide); return err }, ErrShape},
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
