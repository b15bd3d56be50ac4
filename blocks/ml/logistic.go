package ml

import (
	"fmt"
	"math"
	"time"
)

// LogisticRegression is L2-regularised logistic regression with an
// intercept: binary for two classes, multinomial (softmax, one coefficient
// row per class) for more. It minimises the objective of scikit-learn's
// LogisticRegression(C=C) with its default penalty and multi_class:
//
//	½·‖W‖² + C·Σᵢ logloss(yᵢ, softmax(W·xᵢ + b))
//
// (the intercept b is not penalised), so for the same C the coefficients,
// probabilities and metrics agree with scikit-learn's on the same rows. The
// problem is strictly convex: Fit runs Newton's method to the optimum
// (tolerance Tol), so the answer does not depend on the solver.
//
// Labels are any float64 values (0/1, a bool or int column through Target,
// or class codes); Classes lists them ascending and probabilities follow
// that order. For two classes Coef has one row, for the second class, as in
// scikit-learn.
type LogisticRegression struct {
	C         float64 `json:"c"`                  // inverse of the L2 strength, as scikit-learn's C; 0 means 1
	Solver    Solver  `json:"solver,omitempty"`   // "" or SolverAuto, SolverCholesky, SolverCG
	Tol       float64 `json:"tol,omitempty"`      // relative gradient norm to reach; 0 means 1e-8
	MaxIter   int     `json:"max_iter,omitempty"` // Newton iterations at most; 0 means 100
	Threshold float64 `json:"threshold"`          // binary decision threshold on P(Classes[1]); 0 means 0.5

	Labels    []float64    `json:"classes"`
	Coef      [][]float64  `json:"coef"`      // one row per class (one row, the second class's, for two classes)
	Intercept []float64    `json:"intercept"` // one per row of Coef
	Info      LogisticInfo `json:"info"`
}

// LogisticInfo describes how a LogisticRegression fit went.
type LogisticInfo struct {
	Solver       Solver        `json:"solver"`
	Iterations   int           `json:"iterations"`    // Newton iterations
	CGIterations int           `json:"cg_iterations"` // inner conjugate-gradient iterations (SolverCG)
	GradNorm     float64       `json:"grad_norm"`     // final ‖gradient‖ / ‖gradient at zero‖
	Loss         float64       `json:"loss"`          // mean training log-loss at the optimum (no penalty)
	Duration     time.Duration `json:"duration_ns"`
}

// NewLogisticRegression returns logistic regression with C = 1 (scikit-learn's
// default) and a decision threshold of 0.5.
func NewLogisticRegression() *LogisticRegression {
	return &LogisticRegression{C: 1, Solver: SolverAuto, Threshold: 0.5}
}

// Kind returns "logistic", the model kind in model files.
func (m *LogisticRegression) Kind() string { return KindLogistic }

// Classes returns the training labels, ascending (nil before Fit).
func (m *LogisticRegression) Classes() []float64 { return append([]float64(nil), m.Labels...) }

// NumFeatures returns the feature count of a fitted model (0 before Fit).
func (m *LogisticRegression) NumFeatures() int {
	if len(m.Coef) == 0 {
		return 0
	}
	return len(m.Coef[0])
}

func (m *LogisticRegression) threshold() float64 {
	if m.Threshold == 0 {
		return 0.5
	}
	return m.Threshold
}

// logProblem is the fit in column-scaled coordinates: w_kj = d_j·z_kj. The
// parameter vector holds, per score row k, z_k0..z_k(p-1) then b_k.
type logProblem struct {
	X    *CSR
	xs   []float64 // X.Data scaled by d of its column
	y    []int32
	n, p int
	k    int // score rows: 1 for two classes, else the class count
	d    []float64
	lam  float64 // 1/C
	// at the last eval: margins, then probabilities (binary: P(class 1))
	prob []float64
	// scratch for Hessian-vector products
	u []float64
}

func newLogProblem(X *CSR, y []int32, nc int, c float64) *logProblem {
	n, p := X.Rows, X.Cols
	k := nc
	if nc == 2 {
		k = 1
	}
	pr := &logProblem{X: X, y: y, n: n, p: p, k: k, lam: 1 / c, d: make([]float64, p),
		prob: make([]float64, n*k), u: make([]float64, n*k)}
	ss := make([]float64, p)
	for q, j := range X.Indices {
		ss[j] += X.Data[q] * X.Data[q]
	}
	for j := range pr.d {
		pr.d[j] = 1
		if ss[j] > 0 {
			pr.d[j] = 1 / math.Sqrt(ss[j]/float64(n))
		}
	}
	pr.xs = make([]float64, len(X.Data))
	for q, j := range X.Indices {
		pr.xs[q] = X.Data[q] * pr.d[j]
	}
	return pr
}

func (pr *logProblem) dim() int { return pr.k * (pr.p + 1) }

// eval computes the probabilities at theta and returns the objective
// Σ loss + ½·λ·Σ d²z² (in scaled coordinates, equal to ½‖W‖²/C).
func (pr *logProblem) eval(theta []float64) float64 {
	X, p, k := pr.X, pr.p, pr.k
	loss := 0.0
	m := make([]float64, k)
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c := 0; c < k; c++ {
			row := theta[c*(p+1):]
			s := row[p]
			for q := lo; q < hi; q++ {
				s += pr.xs[q] * row[X.Indices[q]]
			}
			m[c] = s
		}
		if k == 1 {
			s := m[0]
			// log(1+e^s) − y·s, stable for large |s|.
			sp := math.Max(s, 0) + math.Log1p(math.Exp(-math.Abs(s)))
			if pr.y[i] == 1 {
				loss += sp - s
			} else {
				loss += sp
			}
			pr.prob[i] = sigmoid(s)
			continue
		}
		mx := m[0]
		for _, v := range m[1:] {
			mx = math.Max(mx, v)
		}
		z := 0.0
		for c := range m {
			e := math.Exp(m[c] - mx)
			pr.prob[i*k+c] = e
			z += e
		}
		for c := range m {
			pr.prob[i*k+c] /= z
		}
		loss += mx + math.Log(z) - m[pr.y[i]]
	}
	pen := 0.0
	for c := 0; c < k; c++ {
		row := theta[c*(p+1):]
		for j := 0; j < p; j++ {
			t := pr.d[j] * row[j]
			pen += t * t
		}
	}
	return loss + 0.5*pr.lam*pen
}

// grad sets g to the gradient at the theta of the last eval.
func (pr *logProblem) grad(theta, g []float64) {
	X, p, k := pr.X, pr.p, pr.k
	clear(g)
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c := 0; c < k; c++ {
			r := pr.prob[i*k+c]
			if (k == 1 && pr.y[i] == 1) || (k > 1 && int(pr.y[i]) == c) {
				r--
			}
			if r == 0 {
				continue
			}
			gr := g[c*(p+1):]
			for q := lo; q < hi; q++ {
				gr[X.Indices[q]] += r * pr.xs[q]
			}
			gr[p] += r
		}
	}
	for c := 0; c < k; c++ {
		off := c * (p + 1)
		for j := 0; j < p; j++ {
			g[off+j] += pr.lam * pr.d[j] * pr.d[j] * theta[off+j]
		}
	}
}

// hessVec sets out = H·v at the probabilities of the last eval.
func (pr *logProblem) hessVec(v, out []float64) {
	X, p, k := pr.X, pr.p, pr.k
	u := pr.u
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c := 0; c < k; c++ {
			row := v[c*(p+1):]
			s := row[p]
			for q := lo; q < hi; q++ {
				s += pr.xs[q] * row[X.Indices[q]]
			}
			u[i*k+c] = s
		}
		if k == 1 {
			pi := pr.prob[i]
			u[i] *= pi * (1 - pi)
			continue
		}
		pu := 0.0
		for c := 0; c < k; c++ {
			pu += pr.prob[i*k+c] * u[i*k+c]
		}
		for c := 0; c < k; c++ {
			u[i*k+c] = pr.prob[i*k+c] * (u[i*k+c] - pu)
		}
	}
	clear(out)
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c := 0; c < k; c++ {
			t := u[i*k+c]
			if t == 0 {
				continue
			}
			o := out[c*(p+1):]
			for q := lo; q < hi; q++ {
				o[X.Indices[q]] += t * pr.xs[q]
			}
			o[p] += t
		}
	}
	for c := 0; c < k; c++ {
		off := c * (p + 1)
		for j := 0; j < p; j++ {
			out[off+j] += pr.lam * pr.d[j] * pr.d[j] * v[off+j]
		}
	}
}

// hessDiag returns the diagonal of H at the last eval, the preconditioner
// of the CG solver.
func (pr *logProblem) hessDiag() []float64 {
	X, p, k := pr.X, pr.p, pr.k
	dg := make([]float64, pr.dim())
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c := 0; c < k; c++ {
			pi := pr.prob[i*k+c]
			w := pi * (1 - pi)
			o := dg[c*(p+1):]
			for q := lo; q < hi; q++ {
				o[X.Indices[q]] += w * pr.xs[q] * pr.xs[q]
			}
			o[p] += w
		}
	}
	for c := 0; c < k; c++ {
		off := c * (p + 1)
		for j := 0; j < p; j++ {
			dg[off+j] += pr.lam * pr.d[j] * pr.d[j]
		}
	}
	return dg
}

// hessDense returns the full Hessian (row-major, lower triangle filled,
// dim×dim) at the last eval, accumulated from the sparse rows.
func (pr *logProblem) hessDense() []float64 {
	X, p, k := pr.X, pr.p, pr.k
	D := pr.dim()
	h := make([]float64, D*D)
	var cols []int
	var vals []float64
	for i := 0; i < pr.n; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		cols = append(cols[:0], X.Indices[lo:hi]...)
		vals = append(vals[:0], pr.xs[lo:hi]...)
		cols, vals = append(cols, p), append(vals, 1) // the intercept
		for c := 0; c < k; c++ {
			pc := pr.prob[i*k+c]
			for c2 := 0; c2 <= c; c2++ {
				var w float64
				switch {
				case k == 1:
					w = pc * (1 - pc)
				case c2 == c:
					w = pc * (1 - pc)
				default:
					w = -pc * pr.prob[i*k+c2]
				}
				if w == 0 {
					continue
				}
				for a, ja := range cols {
					ra := h[(c*(p+1)+ja)*D+c2*(p+1):]
					wa := w * vals[a]
					for b, jb := range cols {
						if c2 == c && jb > ja {
							break // lower triangle of the diagonal block
						}
						ra[jb] += wa * vals[b]
					}
				}
			}
		}
	}
	for c := 0; c < k; c++ {
		off := c * (p + 1)
		for j := 0; j < p; j++ {
			h[(off+j)*D+off+j] += pr.lam * pr.d[j] * pr.d[j]
		}
	}
	for r := 0; r < D; r++ {
		for c := 0; c < r; c++ {
			h[c*D+r] = h[r*D+c]
		}
	}
	return h
}

// Fit learns the classes of y and the coefficients for X.
func (m *LogisticRegression) Fit(X *CSR, y []float64) error {
	start := time.Now()
	if X == nil || X.Rows == 0 || len(y) == 0 {
		return fmt.Errorf("fit: no rows: %w", ErrEmpty)
	}
	if err := X.Validate(); err != nil {
		return fmt.Errorf("fit: X: %w", err)
	}
	if X.Rows != len(y) {
		return fmt.Errorf("fit: X has %d rows, y has %d: %w", X.Rows, len(y), ErrShape)
	}
	c := m.C
	if c == 0 {
		c = 1
	}
	if !(c > 0) || math.IsInf(c, 0) {
		return fmt.Errorf("fit: C = %v, want a positive number: %w", m.C, ErrParam)
	}
	if t := m.Threshold; !(t >= 0 && t <= 1) {
		return fmt.Errorf("fit: threshold %v outside [0,1]: %w", t, ErrParam)
	}
	tol := m.Tol
	if tol == 0 {
		tol = 1e-8
	}
	if !(tol > 0) {
		return fmt.Errorf("fit: tol %v: %w", m.Tol, ErrParam)
	}
	maxIter := m.MaxIter
	if maxIter == 0 {
		maxIter = 100
	}
	if maxIter < 0 {
		return fmt.Errorf("fit: max iterations %d: %w", m.MaxIter, ErrParam)
	}
	classes, idx, err := encodeClasses(y)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	pr := newLogProblem(X, idx, len(classes), c)
	solver := m.Solver
	switch solver {
	case "", SolverAuto:
		solver = SolverCholesky
		if pr.dim() > AutoCGFeatures {
			solver = SolverCG
		}
	case SolverCholesky, SolverCG:
	default:
		return fmt.Errorf("fit: unknown solver %q (want auto, cholesky or cg): %w", m.Solver, ErrParam)
	}
	theta, info, err := pr.newton(solver, tol, maxIter)
	if err != nil {
		return fmt.Errorf("fit: logistic regression: %w", err)
	}
	info.Solver = solver
	info.Duration = time.Since(start)
	p := pr.p
	coef := make([][]float64, pr.k)
	icpt := make([]float64, pr.k)
	for k := range coef {
		coef[k] = make([]float64, p)
		for j := 0; j < p; j++ {
			coef[k][j] = pr.d[j] * theta[k*(p+1)+j]
		}
		icpt[k] = theta[k*(p+1)+p]
	}
	if pr.k > 1 { // softmax intercepts are defined up to a constant: centre them
		mean := 0.0
		for _, b := range icpt {
			mean += b
		}
		mean /= float64(pr.k)
		for k := range icpt {
			icpt[k] -= mean
		}
	}
	m.Labels, m.Coef, m.Intercept, m.Info = classes, coef, icpt, info
	return nil
}

// newton minimises the objective from zero by Newton's method with a
// backtracking line search; the Newton system is solved by Cholesky of the
// dense Hessian or by preconditioned conjugate gradients.
func (pr *logProblem) newton(solver Solver, tol float64, maxIter int) ([]float64, LogisticInfo, error) {
	D := pr.dim()
	theta := make([]float64, D)
	g := make([]float64, D)
	step := make([]float64, D)
	trial := make([]float64, D)
	gTrial := make([]float64, D)
	var info LogisticInfo
	f := pr.eval(theta)
	pr.grad(theta, g)
	g0 := norm(g)
	if g0 == 0 {
		info.Loss = f / float64(pr.n)
		return theta, info, nil
	}
	rel := 1.0
	info.GradNorm = rel
	for it := 1; it <= maxIter; it++ {
		switch solver {
		case SolverCholesky:
			if err := pr.choleskyStep(g, step); err != nil {
				return nil, info, err
			}
		default:
			cgIt := pr.cgStep(g, step, math.Min(0.5, math.Sqrt(rel)))
			info.CGIterations += cgIt
		}
		gs := dot(g, step)
		if !(gs < 0) { // not a descent direction: fall back to the gradient
			for j := range step {
				step[j] = -g[j]
			}
			gs = -dot(g, g)
		}
		alpha := 1.0
		accepted := false
		for ls := 0; ls < 40; ls++ {
			for j := range trial {
				trial[j] = theta[j] + alpha*step[j]
			}
			ft := pr.eval(trial)
			if ft <= f+1e-4*alpha*gs {
				accepted = true
				f = ft
				break
			}
			// Near the optimum the decrease is below the rounding of f:
			// take the step when it still shrinks the gradient.
			if ft <= f+1e-12*math.Abs(f) {
				pr.grad(trial, gTrial)
				if norm(gTrial) < norm(g) {
					accepted = true
					f = ft
					break
				}
			}
			alpha /= 2
		}
		if !accepted {
			pr.eval(theta) // restore the probabilities of theta
			break
		}
		theta, trial = trial, theta
		pr.grad(theta, g)
		rel = norm(g) / g0
		info.Iterations, info.GradNorm = it, rel
		if rel <= tol {
			break
		}
	}
	info.Loss = pr.meanLoss(theta, f)
	if info.GradNorm <= math.Max(tol, 1e-7) { // 1e-7: the rounding floor of a very tight tol
		return theta, info, nil
	}
	return nil, info, fmt.Errorf("relative gradient %.3g after %d Newton iterations: %w", info.GradNorm, info.Iterations, ErrNoConvergence)
}

// meanLoss is the mean log-loss (the objective without its penalty).
func (pr *logProblem) meanLoss(theta []float64, f float64) float64 {
	pen := 0.0
	for c := 0; c < pr.k; c++ {
		for j := 0; j < pr.p; j++ {
			t := pr.d[j] * theta[c*(pr.p+1)+j]
			pen += t * t
		}
	}
	return (f - 0.5*pr.lam*pen) / float64(pr.n)
}

// choleskyStep solves H·step = −g with the dense Hessian. A tiny ridge
// keeps the factorisation alive where H is singular: the softmax intercepts
// are defined up to a constant, and the gradient has no component there.
func (pr *logProblem) choleskyStep(g, step []float64) error {
	D := pr.dim()
	h := pr.hessDense()
	scale := 0.0
	for j := 0; j < D; j++ {
		scale = math.Max(scale, h[j*D+j])
	}
	l := make([]float64, len(h))
	ridge := 1e-12 * scale
	for try := 0; ; try++ {
		copy(l, h)
		for j := 0; j < D; j++ {
			l[j*D+j] += ridge
		}
		if choleskyInPlace(l, D) {
			break
		}
		if try == 6 {
			return fmt.Errorf("Hessian not positive definite: %w", ErrNoConvergence)
		}
		ridge *= 100
	}
	neg := make([]float64, D)
	for j := range neg {
		neg[j] = -g[j]
	}
	choleskySolve(l, D, neg, step)
	return nil
}

// cgStep solves H·step = −g approximately by Jacobi-preconditioned
// conjugate gradients to the relative residual eta; it returns the
// iterations used.
func (pr *logProblem) cgStep(g, step []float64, eta float64) int {
	D := pr.dim()
	dg := pr.hessDiag()
	clear(step)
	r := make([]float64, D)
	for j := range r {
		r[j] = -g[j]
	}
	s := make([]float64, D)
	for j := range s {
		s[j] = r[j] / dg[j]
	}
	dir := append([]float64(nil), s...)
	q := make([]float64, D)
	rs := dot(r, s)
	r0 := norm(r)
	maxIt := max(50, 2*D)
	for it := 1; it <= maxIt; it++ {
		pr.hessVec(dir, q)
		den := dot(dir, q)
		if den <= 0 {
			return it
		}
		a := rs / den
		for j := range step {
			step[j] += a * dir[j]
			r[j] -= a * q[j]
		}
		if norm(r) <= eta*r0 {
			return it
		}
		for j := range s {
			s[j] = r[j] / dg[j]
		}
		rsNew := dot(r, s)
		beta := rsNew / rs
		rs = rsNew
		for j := range dir {
			dir[j] = s[j] + beta*dir[j]
		}
	}
	return maxIt
}

// decision returns the scores W·x + b of every row, row-major (n × rows of Coef).
func (m *LogisticRegression) decision(X *CSR) ([]float64, error) {
	if len(m.Coef) == 0 || len(m.Labels) < 2 {
		return nil, fmt.Errorf("predict: logistic regression: %w", ErrNotFitted)
	}
	if X == nil {
		return nil, fmt.Errorf("predict: nil matrix: %w", ErrBadMatrix)
	}
	if X.Cols != m.NumFeatures() {
		return nil, fmt.Errorf("predict: X has %d features, the model %d: %w", X.Cols, m.NumFeatures(), ErrShape)
	}
	if err := X.Validate(); err != nil {
		return nil, fmt.Errorf("predict: X: %w", err)
	}
	k := len(m.Coef)
	out := make([]float64, X.Rows*k)
	for i := 0; i < X.Rows; i++ {
		lo, hi := X.Indptr[i], X.Indptr[i+1]
		for c, w := range m.Coef {
			s := m.Intercept[c]
			for q := lo; q < hi; q++ {
				s += X.Data[q] * w[X.Indices[q]]
			}
			out[i*k+c] = s
		}
	}
	return out, nil
}

// PredictProba returns the probability of every class for every row of X.
func (m *LogisticRegression) PredictProba(X *CSR) (*Proba, error) {
	s, err := m.decision(X)
	if err != nil {
		return nil, err
	}
	nc := len(m.Labels)
	p := &Proba{Classes: m.Classes(), Data: make([]float64, X.Rows*nc)}
	if len(m.Coef) == 1 {
		for i, v := range s {
			q := sigmoid(v)
			p.Data[2*i], p.Data[2*i+1] = 1-q, q
		}
		return p, nil
	}
	for i := 0; i < X.Rows; i++ {
		row, out := s[i*nc:(i+1)*nc], p.Data[i*nc:(i+1)*nc]
		mx := row[0]
		for _, v := range row[1:] {
			mx = math.Max(mx, v)
		}
		z := 0.0
		for c, v := range row {
			out[c] = math.Exp(v - mx)
			z += out[c]
		}
		for c := range out {
			out[c] /= z
		}
	}
	return p, nil
}

// Predict returns the predicted label of every row of X: for two classes
// Classes[1] when its probability is above Threshold, else Classes[0]; for
// more classes the most probable one.
func (m *LogisticRegression) Predict(X *CSR) ([]float64, error) {
	p, err := m.PredictProba(X)
	if err != nil {
		return nil, err
	}
	return p.Labels(m.threshold()), nil
}

// DecisionFunction returns W·x + b for every row: for two classes one score
// per row (the log-odds of Classes[1]); for more, row-major scores, one per
// class. It matches scikit-learn's decision_function.
func (m *LogisticRegression) DecisionFunction(X *CSR) ([]float64, error) {
	return m.decision(X)
}
