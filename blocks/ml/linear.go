package ml

import (
	"fmt"
	"math"
	"time"
)

// Solver selects how LinearRegression solves its least-squares problem.
type Solver string

const (
	// SolverAuto uses Cholesky up to AutoCGFeatures features and CG above.
	SolverAuto Solver = "auto"
	// SolverCholesky accumulates the normal equations XᵀX from the sparse rows
	// and solves them by Cholesky with a tiny ridge, refined by preconditioned
	// conjugate gradients until the solution is the exact least-squares one.
	// Memory and time grow with the square and cube of the feature count.
	SolverCholesky Solver = "cholesky"
	// SolverCG runs conjugate gradients on the least-squares problem (CGLS)
	// directly on the CSR matrix, never forming XᵀX: for many features.
	SolverCG Solver = "cg"
)

// AutoCGFeatures is the feature count above which SolverAuto picks SolverCG.
const AutoCGFeatures = 2000

// tinyRidge is the ridge added to the column-scaled normal equations (whose
// diagonal is 1) so that Cholesky succeeds on rank-deficient problems; the
// refinement that follows removes its effect.
const tinyRidge = 1e-7

// LinearRegression is least-squares linear regression with an intercept, and
// ridge regression when Alpha > 0 (the intercept is never penalised, as in
// scikit-learn).
//
// Features are centred and scaled to unit norm inside the solver. When the
// problem is rank-deficient (duplicate columns, one-hot columns plus the
// intercept) both solvers return the same least-squares solution: the one of
// minimum norm in the scaled coordinates, so that predictions do not depend
// on the solver and the training error is the exact least-squares minimum.
type LinearRegression struct {
	Alpha   float64 `json:"alpha"`              // L2 penalty; 0 is ordinary least squares
	Solver  Solver  `json:"solver,omitempty"`   // "" means SolverAuto
	Tol     float64 `json:"tol,omitempty"`      // relative gradient norm to reach; 0 means 1e-10
	MaxIter int     `json:"max_iter,omitempty"` // iteration cap of the CG solvers; 0 means a default

	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	Info      SolveInfo `json:"info"`
	// Warnings says what Fit noticed but went on with, such as missing
	// values (NaN) counted as zeros; blocks should log them.
	Warnings []string `json:"warnings,omitempty"`
}

// SolveInfo describes how a Fit went.
type SolveInfo struct {
	Solver     Solver        `json:"solver"`
	Iterations int           `json:"iterations"` // CG or refinement iterations
	GradNorm   float64       `json:"grad_norm"`  // final ‖gradient‖ / ‖gradient at zero‖, column-scaled
	Ridge      float64       `json:"ridge"`      // tiny ridge used by the Cholesky factor
	Duration   time.Duration `json:"-"`          // run metadata, not saved in model files
}

// NewLinearRegression returns ordinary least squares with an intercept.
func NewLinearRegression() *LinearRegression { return &LinearRegression{Solver: SolverAuto} }

// NewRidge returns ridge regression with penalty alpha·‖coef‖² and an intercept.
func NewRidge(alpha float64) *LinearRegression {
	return &LinearRegression{Alpha: alpha, Solver: SolverAuto}
}

// Kind returns "linear", the model kind in model files.
func (m *LinearRegression) Kind() string { return KindLinear }

// NumFeatures returns the feature count of a fitted model (0 before Fit).
func (m *LinearRegression) NumFeatures() int { return len(m.Coef) }

// checkXY validates a training matrix and target.
func checkXY(X *CSR, y []float64) error {
	if X == nil || X.Rows == 0 || len(y) == 0 {
		return fmt.Errorf("fit: no rows: %w", ErrEmpty)
	}
	if err := X.Validate(); err != nil {
		return fmt.Errorf("fit: X: %w", err)
	}
	if X.Rows != len(y) {
		return fmt.Errorf("fit: X has %d rows, y has %d: %w", X.Rows, len(y), ErrShape)
	}
	if err := checkTarget(y); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	return nil
}

// lsProblem is the centred, column-scaled least-squares problem
// min ‖yc − Xc·D·z‖² + alpha·‖D·z‖², with coef = D·z.
type lsProblem struct {
	X     *CSR
	n, p  int
	xbar  []float64
	ybar  float64
	yc    []float64
	d     []float64 // column scale: 1/‖centred column‖, 0 for constant columns
	alpha float64
	// scratch
	u, w []float64
}

func newLSProblem(X *CSR, y []float64, alpha float64) *lsProblem {
	n, p := X.Rows, X.Cols
	pr := &lsProblem{X: X, n: n, p: p, alpha: alpha, xbar: make([]float64, p), d: make([]float64, p),
		yc: make([]float64, n), u: make([]float64, n), w: make([]float64, p)}
	cnt := make([]int, p)
	for k, j := range X.Indices {
		pr.xbar[j] += X.Data[k]
		cnt[j]++
	}
	for j := range pr.xbar {
		pr.xbar[j] /= float64(n)
	}
	for _, v := range y {
		pr.ybar += v
	}
	pr.ybar /= float64(n)
	for i, v := range y {
		pr.yc[i] = v - pr.ybar
	}
	ss := make([]float64, p)
	for k, j := range X.Indices {
		t := X.Data[k] - pr.xbar[j]
		ss[j] += t * t
	}
	for j := range ss {
		ss[j] += float64(n-cnt[j]) * pr.xbar[j] * pr.xbar[j]
		// A column is constant when its centred norm is rounding noise.
		if ss[j] > 1e-24*float64(n)*(1+pr.xbar[j]*pr.xbar[j]) {
			pr.d[j] = 1 / math.Sqrt(ss[j])
		}
	}
	return pr
}

// apply sets out = (D·Xcᵀ·Xc·D + alpha·D²)·z, computed from the sparse rows.
func (pr *lsProblem) apply(z, out []float64) {
	v := pr.w
	for j := range v {
		v[j] = pr.d[j] * z[j]
	}
	pr.mulXc(v, pr.u)
	pr.mulXcT(pr.u, out)
	for j := range out {
		out[j] = pr.d[j]*out[j] + pr.alpha*pr.d[j]*pr.d[j]*z[j]
	}
}

// mulXc sets out = Xc·v = X·v − (x̄ᵀv)·1.
func (pr *lsProblem) mulXc(v, out []float64) {
	pr.X.mulVec(v, out)
	s := dot(pr.xbar, v)
	for i := range out {
		out[i] -= s
	}
}

// mulXcT sets out = Xcᵀ·r = Xᵀ·r − x̄·Σr.
func (pr *lsProblem) mulXcT(r, out []float64) {
	pr.X.mulTVec(r, out)
	s := 0.0
	for _, v := range r {
		s += v
	}
	for j := range out {
		out[j] -= pr.xbar[j] * s
	}
}

// rhs returns D·Xcᵀ·yc.
func (pr *lsProblem) rhs() []float64 {
	b := make([]float64, pr.p)
	pr.mulXcT(pr.yc, b)
	for j := range b {
		b[j] *= pr.d[j]
	}
	return b
}

// Fit solves for the coefficients and intercept.
func (m *LinearRegression) Fit(X *CSR, y []float64) error {
	if err := checkXY(X, y); err != nil {
		return err
	}
	if m.Alpha < 0 || math.IsNaN(m.Alpha) || math.IsInf(m.Alpha, 0) {
		return fmt.Errorf("fit: alpha %v: %w", m.Alpha, ErrParam)
	}
	solver := m.Solver
	switch solver {
	case "", SolverAuto:
		solver = SolverCholesky
		if X.Cols > AutoCGFeatures {
			solver = SolverCG
		}
	case SolverCholesky, SolverCG:
	default:
		return fmt.Errorf("fit: solver %q (want auto, cholesky or cg): %w", m.Solver, ErrParam)
	}
	tol := m.Tol
	if tol <= 0 {
		tol = 1e-10
	}
	m.Warnings = nil
	X, nulls := X.nanAsZero()
	if nulls > 0 {
		m.Warnings = append(m.Warnings, fmt.Sprintf("%d missing values (NaN) in X counted as 0; impute them, or use boosted trees, which learn a direction for them", nulls))
	}
	start := time.Now()
	pr := newLSProblem(X, y, m.Alpha)
	var z []float64
	var info SolveInfo
	var err error
	if solver == SolverCholesky {
		maxIter := m.MaxIter
		if maxIter <= 0 {
			maxIter = 100
		}
		z, info, err = solveCholesky(pr, tol, maxIter)
	} else {
		maxIter := m.MaxIter
		if maxIter <= 0 {
			maxIter = 20*X.Cols + 1000
		}
		z, info, err = solveCGLS(pr, tol, maxIter)
	}
	info.Solver = solver
	info.Duration = time.Since(start)
	if err != nil {
		return fmt.Errorf("fit: %s: %w", solver, err)
	}
	coef := make([]float64, pr.p)
	for j := range coef {
		coef[j] = pr.d[j] * z[j]
	}
	m.Coef = coef
	m.Intercept = pr.ybar - dot(pr.xbar, coef)
	m.Info = info
	return nil
}

// Predict returns X·coef + intercept.
func (m *LinearRegression) Predict(X *CSR) ([]float64, error) {
	if m.Coef == nil {
		return nil, fmt.Errorf("predict: linear model: %w", ErrNotFitted)
	}
	if X == nil {
		return nil, fmt.Errorf("predict: nil matrix: %w", ErrBadMatrix)
	}
	if X.Cols != len(m.Coef) {
		return nil, fmt.Errorf("predict: X has %d features, the model was fitted on %d: %w", X.Cols, len(m.Coef), ErrShape)
	}
	if err := X.Validate(); err != nil {
		return nil, fmt.Errorf("predict: X: %w", err)
	}
	X, _ = X.nanAsZero()
	out := make([]float64, X.Rows)
	X.mulVec(m.Coef, out)
	for i := range out {
		out[i] += m.Intercept
	}
	return out, nil
}

// normalMatrix returns the dense, column-scaled, centred normal matrix
// D·(XᵀX − n·x̄x̄ᵀ)·D + alpha·D² (row-major, full), accumulated from the
// sparse rows.
func (pr *lsProblem) normalMatrix() []float64 {
	p, X := pr.p, pr.X
	a := make([]float64, p*p)
	for i := 0; i < X.Rows; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for k := lo; k < hi; k++ {
			r, xr := X.Indices[k], X.Data[k]
			row := a[r*p:]
			for l := lo; l <= k; l++ { // lower triangle: column ≤ row
				row[X.Indices[l]] += xr * X.Data[l]
			}
		}
	}
	n := float64(pr.n)
	for r := 0; r < p; r++ {
		for c := 0; c <= r; c++ {
			v := (a[r*p+c] - n*pr.xbar[r]*pr.xbar[c]) * pr.d[r] * pr.d[c]
			a[r*p+c], a[c*p+r] = v, v
		}
		a[r*p+r] += pr.alpha * pr.d[r] * pr.d[r]
	}
	return a
}

// solveCholesky factors the normal matrix plus a tiny ridge and uses it as
// the preconditioner of conjugate gradients on the exact operator. Starting
// from zero, every iterate stays in the range of the normal matrix, so the
// limit is the minimum-norm solution (in scaled coordinates).
func solveCholesky(pr *lsProblem, tol float64, maxIter int) ([]float64, SolveInfo, error) {
	p := pr.p
	a := pr.normalMatrix()
	var info SolveInfo
	var l []float64
	ridge := tinyRidge
	for try := 0; ; try++ {
		l = append(l[:0], a...)
		for j := 0; j < p; j++ {
			l[j*p+j] += ridge
		}
		if choleskyInPlace(l, p) {
			break
		}
		if try == 5 {
			return nil, info, fmt.Errorf("normal equations not positive definite: %w", ErrNoConvergence)
		}
		ridge *= 100
	}
	info.Ridge = ridge
	precond := func(r, out []float64) { choleskySolve(l, p, r, out) }
	z, it, g, err := pcg(pr, precond, tol, maxIter)
	info.Iterations, info.GradNorm = it, g
	return z, info, err
}

// pcg solves the normal equations apply(z) = rhs by preconditioned conjugate
// gradients from z = 0. It returns the solution, the iteration count and the
// final relative residual.
func pcg(pr *lsProblem, precond func(r, out []float64), tol float64, maxIter int) ([]float64, int, float64, error) {
	p := pr.p
	b := pr.rhs()
	bn := norm(b)
	z := make([]float64, p)
	if bn == 0 {
		return z, 0, 0, nil
	}
	r := append([]float64(nil), b...)
	s := make([]float64, p)
	precond(r, s)
	dir := append([]float64(nil), s...)
	q := make([]float64, p)
	rs := dot(r, s)
	rel := 1.0
	best, bestRel := append([]float64(nil), z...), 1.0
	for it := 1; it <= maxIter; it++ {
		pr.apply(dir, q)
		den := dot(dir, q)
		if den <= 0 || rs <= 0 {
			break
		}
		step := rs / den
		for j := range z {
			z[j] += step * dir[j]
		}
		// Recompute the residual exactly from the sparse operator: the
		// refinement must not trust the rounded normal matrix.
		pr.apply(z, q)
		for j := range r {
			r[j] = b[j] - q[j]
		}
		rel = norm(r) / bn
		if rel < bestRel {
			bestRel = rel
			copy(best, z)
		}
		if rel <= tol {
			return z, it, rel, nil
		}
		precond(r, s)
		rsNew := dot(r, s)
		beta := rsNew / rs
		rs = rsNew
		for j := range dir {
			dir[j] = s[j] + beta*dir[j]
		}
		if it == maxIter {
			break
		}
	}
	// Rounding stops the residual above a very tight tolerance: accept the
	// best iterate when it is at the accuracy floor of float64.
	if bestRel <= math.Max(tol, 1e-7) {
		return best, maxIter, bestRel, nil
	}
	return nil, maxIter, bestRel, fmt.Errorf("relative gradient %.3g after %d iterations: %w", bestRel, maxIter, ErrNoConvergence)
}

// solveCGLS runs CGLS on [Xc·D; √alpha·D]·z ≈ [yc; 0] without forming XᵀX.
// From z = 0 its iterates stay in the row space, so it converges to the
// minimum-norm solution (in scaled coordinates) like the Cholesky path.
func solveCGLS(pr *lsProblem, tol float64, maxIter int) ([]float64, SolveInfo, error) {
	n, p := pr.n, pr.p
	var info SolveInfo
	sqa := math.Sqrt(pr.alpha)
	z := make([]float64, p)
	r := append([]float64(nil), pr.yc...) // residual, data part
	r2 := make([]float64, p)              // residual, penalty part: −√α·D·z
	s := make([]float64, p)
	v := make([]float64, p)
	q := make([]float64, n)
	q2 := make([]float64, p)
	grad := func() { // s = Dᵀ·Xcᵀ·r + √α·D·r2
		pr.mulXcT(r, s)
		for j := range s {
			s[j] = pr.d[j]*s[j] + sqa*pr.d[j]*r2[j]
		}
	}
	grad()
	s0 := norm(s)
	if s0 == 0 {
		return z, info, nil
	}
	dir := append([]float64(nil), s...)
	gamma := dot(s, s)
	for it := 1; it <= maxIter; it++ {
		for j := range v {
			v[j] = pr.d[j] * dir[j]
		}
		pr.mulXc(v, q)
		for j := range q2 {
			q2[j] = sqa * v[j]
		}
		delta := dot(q, q) + dot(q2, q2)
		if delta <= 0 {
			break
		}
		a := gamma / delta
		for j := range z {
			z[j] += a * dir[j]
		}
		for i := range r {
			r[i] -= a * q[i]
		}
		for j := range r2 {
			r2[j] -= a * q2[j]
		}
		if it%50 == 0 { // refresh the residual against drift
			for j := range v {
				v[j] = pr.d[j] * z[j]
			}
			pr.mulXc(v, q)
			for i := range r {
				r[i] = pr.yc[i] - q[i]
			}
			for j := range r2 {
				r2[j] = -sqa * v[j]
			}
		}
		grad()
		g := dot(s, s)
		info.Iterations = it
		info.GradNorm = math.Sqrt(g) / s0
		if info.GradNorm <= tol {
			return z, info, nil
		}
		beta := g / gamma
		gamma = g
		for j := range dir {
			dir[j] = s[j] + beta*dir[j]
		}
	}
	if info.GradNorm <= math.Max(tol, 1e-7) {
		return z, info, nil
	}
	return nil, info, fmt.Errorf("relative gradient %.3g after %d iterations: %w", info.GradNorm, info.Iterations, ErrNoConvergence)
}

// choleskyInPlace overwrites the lower triangle of the row-major p×p matrix a
// with its Cholesky factor L (a = L·Lᵀ). It reports false when a pivot is not
// positive.
func choleskyInPlace(a []float64, p int) bool {
	for i := 0; i < p; i++ {
		ri := a[i*p : i*p+p]
		for j := 0; j <= i; j++ {
			rj := a[j*p : j*p+p]
			s := ri[j] - dot(ri[:j], rj[:j])
			if j == i {
				if !(s > 0) {
					return false
				}
				ri[i] = math.Sqrt(s)
			} else {
				ri[j] = s / rj[j]
			}
		}
	}
	return true
}

// choleskySolve solves L·Lᵀ·x = b with the factor from choleskyInPlace.
func choleskySolve(l []float64, p int, b, x []float64) {
	for i := 0; i < p; i++ { // L·t = b
		row := l[i*p : i*p+i]
		x[i] = (b[i] - dot(row, x[:i])) / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- { // Lᵀ·x = t
		x[i] /= l[i*p+i]
		xi := x[i]
		for k := 0; k < i; k++ {
			x[k] -= l[i*p+k] * xi
		}
	}
}

func dot(a, b []float64) float64 {
	s0, s1, s2, s3 := 0.0, 0.0, 0.0, 0.0
	n := len(a)
	b = b[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < n; i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }
