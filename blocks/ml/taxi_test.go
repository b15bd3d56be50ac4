package ml

import (
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
	"gonum.org/v1/gonum/mat"
)

// The real-data tests train on NYC green-taxi trips of January 2023 and
// validate on February, as the example project does.

var taxiCache sync.Map // month -> *frame.Frame

func taxiMonth(tb testing.TB, month string) *frame.Frame {
	tb.Helper()
	if f, ok := taxiCache.Load(month); ok {
		return f.(*frame.Frame)
	}
	path := filepath.Join("..", "..", "..", "shared", "data", "taxi", "green", "2023", month+".parquet")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("taxi data not available: %v", err)
	}
	f, err := frame.ReadParquetWith(frame.ReadOptions{Columns: []string{
		"lpep_pickup_datetime", "lpep_dropoff_datetime", "PULocationID", "DOLocationID", "trip_distance"}}, path)
	if err != nil {
		tb.Fatal(err)
	}
	d := f.Col("lpep_dropoff_datetime").Sub(f.Col("lpep_pickup_datetime")).Minutes()
	f = f.With("duration", d)
	f = f.Filter(d.Between(1, 60))
	pu, do := f.Col("PULocationID").AsString(), f.Col("DOLocationID").AsString()
	f = f.With("PULocationID", pu).With("DOLocationID", do)
	ps, ds := pu.Strings(), do.Strings()
	pudo := make([]string, len(ps))
	for i := range ps {
		pudo[i] = ps[i] + "_" + ds[i]
	}
	f = f.With("PU_DO", frame.NewStrings("PU_DO", pudo))
	taxiCache.Store(month, f)
	return f
}

type taxiData struct {
	enc          *DictVectorizer
	X, Xval      *CSR
	y, yval      []float64
	trainN, valN int
}

func taxiXY(tb testing.TB, cols ...string) taxiData {
	tb.Helper()
	return taxiXYWith(tb, EncoderOptions{}, cols...)
}

func taxiXYWith(tb testing.TB, opts EncoderOptions, cols ...string) taxiData {
	tb.Helper()
	jan, feb := taxiMonth(tb, "01"), taxiMonth(tb, "02")
	enc := NewDictVectorizerWith(opts)
	X, err := enc.FitTransform(jan, cols...)
	if err != nil {
		tb.Fatal(err)
	}
	Xval, err := enc.Transform(feb)
	if err != nil {
		tb.Fatal(err)
	}
	y, err := Target(jan, "duration")
	if err != nil {
		tb.Fatal(err)
	}
	yval, err := Target(feb, "duration")
	if err != nil {
		tb.Fatal(err)
	}
	return taxiData{enc: enc, X: X, Xval: Xval, y: y, yval: yval, trainN: jan.NumRows(), valN: feb.NumRows()}
}

func TestTaxi_Rows(t *testing.T) {
	if n := taxiMonth(t, "01").NumRows(); n != 65946 {
		t.Errorf("January 2023 has %d trips of 1..60 minutes, want 65946", n)
	}
	if n := taxiMonth(t, "02").NumRows(); n != 62574 {
		t.Errorf("February 2023 has %d trips of 1..60 minutes, want 62574", n)
	}
}

// denseLS is an independent least-squares solve of the same problem:
// Householder QR (gonum) of [Xc·D | yc] in row blocks (TSQR), then the
// minimum-norm solution of the triangular system by SVD.
func denseLS(t *testing.T, X *CSR, y []float64) (coef []float64, intercept float64) {
	t.Helper()
	n, p := X.Rows, X.Cols
	xbar := make([]float64, p)
	ybar := 0.0
	rows := X.Dense()
	for i, r := range rows {
		for j, v := range r {
			xbar[j] += v
		}
		ybar += y[i]
	}
	for j := range xbar {
		xbar[j] /= float64(n)
	}
	ybar /= float64(n)
	d := make([]float64, p)
	for j := range d {
		ss := 0.0
		for _, r := range rows {
			ss += (r[j] - xbar[j]) * (r[j] - xbar[j])
		}
		if ss > 0 {
			d[j] = 1 / math.Sqrt(ss)
		}
	}
	const block = 8192
	var R *mat.Dense
	for lo := 0; lo < n; lo += block {
		hi := min(lo+block, n)
		top := 0
		if R != nil {
			top = p + 1
		}
		A := mat.NewDense(top+hi-lo, p+1, nil)
		if R != nil {
			A.Slice(0, p+1, 0, p+1).(*mat.Dense).Copy(R)
		}
		for i := lo; i < hi; i++ {
			for j, v := range rows[i] {
				A.Set(top+i-lo, j, (v-xbar[j])*d[j])
			}
			A.Set(top+i-lo, p, y[i]-ybar)
		}
		var qr mat.QR
		qr.Factorize(A)
		R = new(mat.Dense)
		qr.RTo(R)
		R = mat.DenseCopyOf(R.Slice(0, p+1, 0, p+1))
	}
	R11 := R.Slice(0, p, 0, p)
	r12 := R.Slice(0, p, p, p+1)
	var svd mat.SVD
	if !svd.Factorize(R11, mat.SVDThin) {
		t.Fatal("SVD failed")
	}
	vals := svd.Values(nil)
	rank := 0
	for _, s := range vals {
		if s > 1e-9*vals[0] {
			rank++
		}
	}
	t.Logf("dense reference: %d x %d, rank %d (smallest kept singular value %.3g of %.3g)", n, p, rank, vals[rank-1], vals[0])
	var z mat.Dense
	svd.SolveTo(&z, r12, rank)
	coef = make([]float64, p)
	intercept = ybar
	for j := range coef {
		coef[j] = d[j] * z.At(j, 0)
		intercept -= xbar[j] * coef[j]
	}
	return coef, intercept
}

func TestTaxi_LinearMatchesDenseSolve(t *testing.T) {
	if testing.Short() {
		t.Skip("dense reference solve is slow")
	}
	td := taxiXY(t, "PULocationID", "DOLocationID", "trip_distance")
	lr := NewLinearRegression()
	if err := lr.Fit(td.X, td.y); err != nil {
		t.Fatal(err)
	}
	pred, _ := lr.Predict(td.X)
	train := RMSE(td.y, pred)
	vpred, err := lr.Predict(td.Xval)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("linear %s: %d x %d, %v, %d iterations, gradient %.2g; train RMSE %.6f, val RMSE (2023-02, %d rows) %.6f",
		lr.Info.Solver, td.X.Rows, td.X.Cols, lr.Info.Duration, lr.Info.Iterations, lr.Info.GradNorm, train, td.valN, RMSE(td.yval, vpred))

	start := time.Now()
	coef, icpt := denseLS(t, td.X, td.y)
	ref := &LinearRegression{Coef: coef, Intercept: icpt}
	rpred, _ := ref.Predict(td.X)
	refRMSE := RMSE(td.y, rpred)
	t.Logf("dense QR+SVD reference in %v: train RMSE %.6f", time.Since(start), refRMSE)
	if math.Abs(train-refRMSE) > 1e-4 {
		t.Errorf("train RMSE %.8f, dense reference %.8f", train, refRMSE)
	}
	maxDiff := 0.0
	for i := range pred {
		maxDiff = math.Max(maxDiff, math.Abs(pred[i]-rpred[i]))
	}
	t.Logf("max |prediction difference| on training rows: %.3g", maxDiff)
	if maxDiff > 1e-4 {
		t.Errorf("predictions differ from the dense reference by up to %.3g", maxDiff)
	}

	cg := NewLinearRegression()
	cg.Solver = SolverCG
	if err := cg.Fit(td.X, td.y); err != nil {
		t.Fatal(err)
	}
	cpred, _ := cg.Predict(td.X)
	t.Logf("same problem by CG: %v, %d iterations, gradient %.2g, train RMSE %.6f", cg.Info.Duration, cg.Info.Iterations, cg.Info.GradNorm, RMSE(td.y, cpred))
	if d := math.Abs(RMSE(td.y, cpred) - refRMSE); d > 1e-4 {
		t.Errorf("CG train RMSE off by %.3g", d)
	}
}

// withinGroupOptimum is the exact least-squares optimum of y ≈ intercept +
// one-hot(group) + gamma·x (every row has exactly one group): the
// within-group regression of y on x, computed in closed form.
func withinGroupOptimum(groups []string, x, y []float64) float64 {
	type acc struct{ n, sx, sy float64 }
	g := map[string]*acc{}
	for i, k := range groups {
		a := g[k]
		if a == nil {
			a = &acc{}
			g[k] = a
		}
		a.n++
		a.sx += x[i]
		a.sy += y[i]
	}
	var sxy, sxx float64
	for i, k := range groups {
		a := g[k]
		dx, dy := x[i]-a.sx/a.n, y[i]-a.sy/a.n
		sxy += dx * dy
		sxx += dx * dx
	}
	gamma := sxy / sxx
	ss := 0.0
	for i, k := range groups {
		a := g[k]
		r := (y[i] - a.sy/a.n) - gamma*(x[i]-a.sx/a.n)
		ss += r * r
	}
	return math.Sqrt(ss / float64(len(y)))
}

func TestTaxi_PUDOCrossByCG(t *testing.T) {
	td := taxiXY(t, "PU_DO", "trip_distance")
	lr := NewLinearRegression()
	if err := lr.Fit(td.X, td.y); err != nil {
		t.Fatal(err)
	}
	if lr.Info.Solver != SolverCG {
		t.Errorf("auto picked %s for %d features, want cg", lr.Info.Solver, td.X.Cols)
	}
	pred, _ := lr.Predict(td.X)
	train := RMSE(td.y, pred)
	vpred, _ := lr.Predict(td.Xval)
	jan := taxiMonth(t, "01")
	opt := withinGroupOptimum(jan.Col("PU_DO").Strings(), jan.Col("trip_distance").Floats(), td.y)
	t.Logf("PU_DO cross: %d features, CG %v, %d iterations, gradient %.2g; train RMSE %.6f (exact optimum %.6f), val RMSE %.6f",
		td.X.Cols, lr.Info.Duration, lr.Info.Iterations, lr.Info.GradNorm, train, opt, RMSE(td.yval, vpred))
	if math.Abs(train-opt) > 1e-4 {
		t.Errorf("CG train RMSE %.8f, exact optimum %.8f", train, opt)
	}
	// The gradient of the unscaled least-squares objective, relative to its
	// value at zero coefficients.
	pr := newLSProblem(td.X, td.y, 0)
	r := make([]float64, len(td.y))
	for i := range r {
		r[i] = td.y[i] - pred[i]
	}
	g := make([]float64, td.X.Cols)
	pr.mulXcT(r, g)
	g0 := make([]float64, td.X.Cols)
	pr.mulXcT(pr.yc, g0)
	if rel := norm(g) / norm(g0); rel > 1e-6 {
		t.Errorf("relative gradient norm %.3g", rel)
	}
}

func TestTaxi_GBDTBeatsLinear(t *testing.T) {
	td := taxiXY(t, "PULocationID", "DOLocationID", "trip_distance")
	lr := NewLinearRegression()
	if err := lr.Fit(td.X, td.y); err != nil {
		t.Fatal(err)
	}
	lpred, _ := lr.Predict(td.Xval)
	linVal := RMSE(td.yval, lpred)
	p := DefaultGBDTParams()
	p.Rounds = 300
	p.LearningRate = 0.1
	p.MaxDepth = 8
	p.MinChildWeight = 20
	p.EarlyStoppingRounds = 20
	p.Seed = 1
	m := NewGBDT(p)
	if err := m.Fit(td.X, td.y, td.Xval, td.yval); err != nil {
		t.Fatal(err)
	}
	gpred, err := m.Predict(td.Xval)
	if err != nil {
		t.Fatal(err)
	}
	gbVal := RMSE(td.yval, gpred)
	t.Logf("val RMSE 2023-02: linear %.4f, GBDT %.4f (best iteration %d of %d, fit %v)", linVal, gbVal, m.BestIteration, len(m.ValLoss), m.FitDuration)
	if math.Abs(gbVal-m.ValLoss[m.BestIteration-1]) > 1e-9 {
		t.Errorf("recorded val RMSE %.6f at the best iteration, Predict gives %.6f", m.ValLoss[m.BestIteration-1], gbVal)
	}
	if gbVal >= linVal {
		t.Errorf("GBDT val RMSE %.4f does not beat linear %.4f", gbVal, linVal)
	}
}

// TestTaxi_GBDTNativeCategorical fits the zones as native categoricals with
// the train_gbdt pipeline's defaults; scikit-learn's HistGradientBoosting
// with native categoricals scores 4.85 to 4.87 on February.
func TestTaxi_GBDTNativeCategorical(t *testing.T) {
	td := taxiXYWith(t, EncoderOptions{Categorical: []string{"PULocationID", "DOLocationID"}},
		"PULocationID", "DOLocationID", "trip_distance")
	p := DefaultGBDTParams()
	p.Rounds = 300
	p.MaxDepth = 8
	p.MinChildWeight = 20
	p.EarlyStoppingRounds = 20
	p.Seed = 1
	p.CategoricalFeatures = td.enc.CategoricalFeatures()
	m := NewGBDT(p)
	if err := m.Fit(td.X, td.y, td.Xval, td.yval); err != nil {
		t.Fatal(err)
	}
	pred, err := m.Predict(td.Xval)
	if err != nil {
		t.Fatal(err)
	}
	v := RMSE(td.yval, pred)
	t.Logf("native categorical zones: val RMSE 2023-02 %.4f (best iteration %d of %d, fit %v)", v, m.BestIteration, len(m.TrainLoss), m.FitDuration)
	if v > 4.90 {
		t.Errorf("val RMSE %.4f, want ≤ 4.90", v)
	}
}
