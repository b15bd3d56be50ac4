package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Objectives of a GBDT: what it predicts and which loss it minimises.
const (
	// ObjectiveSquaredError is regression with squared loss (the default).
	ObjectiveSquaredError = "squared_error"
	// ObjectiveBinary is binary classification with log-loss; labels are 0
	// and 1, and the model predicts the probability of 1.
	ObjectiveBinary = "binary"
	// ObjectiveMulticlass is classification with softmax (multinomial
	// log-loss); labels are 0, 1, ..., NumClass−1. Each round adds one tree
	// per class.
	ObjectiveMulticlass = "multiclass"
)

// GBDTParams configures gradient-boosted trees. Start from DefaultGBDTParams:
// in a literal, zero Rounds, LearningRate, MaxDepth, MaxBins and
// ValidationFraction take their defaults, while a zero Lambda means no L2
// penalty. The JSON names are the option names used by pipelines and
// hyperparameter searches; they are stable.
type GBDTParams struct {
	Objective      string  `json:"objective,omitempty"` // squared_error (default), binary or multiclass
	NumClass       int     `json:"num_class,omitempty"` // multiclass: number of classes; 0 = 1 + the largest label
	Rounds         int     `json:"rounds"`              // boosting rounds, default 100
	LearningRate   float64 `json:"learning_rate"`       // shrinkage, default 0.1
	MaxDepth       int     `json:"max_depth"`           // default 6
	MinChildWeight float64 `json:"min_child_weight"`    // minimum hessian sum in a child (rows, for squared loss)
	Alpha          float64 `json:"alpha"`               // L1 penalty on leaf values
	Lambda         float64 `json:"lambda"`              // L2 penalty on leaf values
	Gamma          float64 `json:"gamma"`               // minimum gain of a split
	// EarlyStoppingRounds > 0 holds out ValidationFraction of the training
	// rows (chosen by Seed) and stops when their loss has not improved for
	// this many rounds, keeping the best round; with an early-stopping set
	// given to FitStop, that set's loss decides instead and every training
	// row is fitted. 0 trains on every row and keeps every round. The
	// validation set given to Fit is never used for it.
	EarlyStoppingRounds int     `json:"early_stopping_rounds"`
	ValidationFraction  float64 `json:"validation_fraction,omitempty"` // default 0.1
	Subsample           float64 `json:"subsample"`                     // fraction of rows per round; 0 or 1 = all
	ColSample           float64 `json:"colsample"`                     // fraction of features per tree; 0 or 1 = all
	MaxBins             int     `json:"max_bins"`                      // histogram bins per numeric feature, default 256, at most 65535
	// CategoricalFeatures lists the features (matrix columns) that hold
	// category codes 0, 1, 2, ... (DictVectorizer.CategoricalFeatures gives
	// them for its ordinal columns). Their splits send any subset of
	// categories left, found by ordering the categories of the node by
	// gradient over hessian, as LightGBM and scikit-learn do.
	CategoricalFeatures []int `json:"categorical_features,omitempty"`
	Seed                int64 `json:"seed"`
	// Workers is the number of goroutines, 0 = GOMAXPROCS. The model does not
	// depend on it, and model files do not record it.
	Workers int `json:"-"`
}

// DefaultGBDTParams returns XGBoost-like defaults: squared error, 100 rounds,
// learning rate 0.1, depth 6, min child weight 1, lambda 1, 256 bins, no
// early stopping.
func DefaultGBDTParams() GBDTParams {
	return GBDTParams{Objective: ObjectiveSquaredError, Rounds: 100, LearningRate: 0.1, MaxDepth: 6,
		MinChildWeight: 1, Lambda: 1, MaxBins: 256, ValidationFraction: 0.1}
}

func (p GBDTParams) withDefaults() GBDTParams {
	if p.Objective == "" {
		p.Objective = ObjectiveSquaredError
	}
	if p.Rounds == 0 {
		p.Rounds = 100
	}
	if p.LearningRate == 0 {
		p.LearningRate = 0.1
	}
	if p.MaxDepth == 0 {
		p.MaxDepth = 6
	}
	if p.MaxBins == 0 {
		p.MaxBins = 256
	}
	if p.ValidationFraction == 0 {
		p.ValidationFraction = 0.1
	}
	if p.Subsample == 0 {
		p.Subsample = 1
	}
	if p.ColSample == 0 {
		p.ColSample = 1
	}
	if p.CategoricalFeatures != nil {
		c := append([]int(nil), p.CategoricalFeatures...)
		sort.Ints(c)
		p.CategoricalFeatures = c
	}
	return p
}

func (p GBDTParams) validate(nfeat int) error {
	bad := func(name string, v any) error { return fmt.Errorf("gbdt: %s = %v: %w", name, v, ErrParam) }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Objective != ObjectiveSquaredError && p.Objective != ObjectiveBinary && p.Objective != ObjectiveMulticlass:
		return bad("objective", fmt.Sprintf("%q (want %s, %s or %s)", p.Objective, ObjectiveSquaredError, ObjectiveBinary, ObjectiveMulticlass))
	case p.NumClass < 0 || p.NumClass == 1 || (p.NumClass > 0 && p.Objective != ObjectiveMulticlass):
		return bad("num_class", p.NumClass)
	case p.Rounds < 0:
		return bad("rounds", p.Rounds)
	case !(p.LearningRate > 0) || !finite(p.LearningRate):
		return bad("learning_rate", p.LearningRate)
	case p.MaxDepth < 1 || p.MaxDepth > 30:
		return bad("max_depth", p.MaxDepth)
	case !(p.MinChildWeight >= 0) || !finite(p.MinChildWeight):
		return bad("min_child_weight", p.MinChildWeight)
	case !(p.Alpha >= 0) || !finite(p.Alpha):
		return bad("alpha", p.Alpha)
	case !(p.Lambda >= 0) || !finite(p.Lambda):
		return bad("lambda", p.Lambda)
	case !(p.Gamma >= 0) || !finite(p.Gamma):
		return bad("gamma", p.Gamma)
	case p.EarlyStoppingRounds < 0:
		return bad("early_stopping_rounds", p.EarlyStoppingRounds)
	case !(p.ValidationFraction > 0 && p.ValidationFraction < 1):
		return bad("validation_fraction", p.ValidationFraction)
	case !(p.Subsample > 0 && p.Subsample <= 1):
		return bad("subsample", p.Subsample)
	case !(p.ColSample > 0 && p.ColSample <= 1):
		return bad("colsample", p.ColSample)
	case p.MaxBins < 2 || p.MaxBins > 65535:
		return bad("max_bins", p.MaxBins)
	case p.Workers < 0:
		return bad("workers", p.Workers)
	}
	for i, j := range p.CategoricalFeatures {
		if j < 0 || j >= nfeat || (i > 0 && p.CategoricalFeatures[i-1] == j) {
			return bad("categorical_features", p.CategoricalFeatures)
		}
	}
	return nil
}

// CategorySet is the set of category codes a categorical split sends left,
// as a bitset: code c is in the set when bit c%64 of word c/64 is 1.
type CategorySet []uint64

// Has reports whether code c is in the set.
func (s CategorySet) Has(c int) bool {
	return c >= 0 && c/64 < len(s) && s[c/64]&(1<<(c%64)) != 0
}

// Node is a node of a tree. A leaf has Feature −1 and adds Value (learning
// rate included) to the score. An inner node sends a row left when its value
// of Feature is ≤ Threshold or, for a categorical split, when the value is a
// category code in Categories; a missing value (NaN) goes left when
// MissingLeft. Absent entries of the sparse matrix are 0. Gain is the loss
// reduction of the split.
type Node struct {
	Feature     int         `json:"f"`
	Threshold   float64     `json:"t,omitempty"`
	Categorical bool        `json:"cat,omitempty"`
	Categories  CategorySet `json:"c,omitempty"`
	MissingLeft bool        `json:"m,omitempty"`
	Left        int         `json:"l,omitempty"`
	Right       int         `json:"r,omitempty"`
	Value       float64     `json:"v,omitempty"`
	Gain        float64     `json:"g,omitempty"`
}

// Tree is a regression tree; Nodes[0] is the root.
type Tree struct {
	Nodes []Node `json:"nodes"`
}

// GBDT is histogram gradient-boosted trees for regression (squared loss) and
// classification (log-loss, softmax), in the manner of XGBoost's hist method,
// LightGBM and scikit-learn's HistGradientBoosting. It trains on the CSR
// matrix directly: absent entries count as 0, NaN entries are missing values
// that learn their own direction at each split, numeric features are cut
// into at most MaxBins quantile bins, and CategoricalFeatures get native
// subset splits. For given inputs and seed the model is the same whatever the
// number of workers.
type GBDT struct {
	Params        GBDTParams `json:"params"`
	NumFeatures   int        `json:"num_features"`
	NumClass      int        `json:"num_class,omitempty"` // classes (2 for binary); 0 for regression
	BaseScore     float64    `json:"base_score"`          // starting score (a logit for binary)
	BaseScores    []float64  `json:"base_scores,omitempty"`
	Trees         []Tree     `json:"trees"`          // multiclass: round r, class k is Trees[r*NumClass+k]
	BestIteration int        `json:"best_iteration"` // rounds kept
	// Metric names the per-round losses: rmse, logloss or mlogloss.
	Metric    string    `json:"metric"`
	TrainLoss []float64 `json:"train_loss"`          // per round, on the rows trained on
	StopLoss  []float64 `json:"stop_loss,omitempty"` // per round, on the early-stopping rows (held out of training, or the set given to FitStop)
	ValLoss   []float64 `json:"val_loss,omitempty"`  // per round, on the validation set given to Fit (only scored)
	// FitDuration is how long Fit took; run metadata, not saved in model files.
	FitDuration time.Duration `json:"-"`
	// OnRound, when set, is called by Fit after each round with the round (from 1), its training
	// loss and its loss on the validation set given to Fit (NaN without one): a block logs the
	// curve with ctx.LogMetricStep, which also lets a search prune a weak trial while it trains.
	OnRound func(round int, trainLoss, valLoss float64) `json:"-"`
}

// NewGBDT returns an unfitted model with the parameters (zero Rounds,
// LearningRate, MaxDepth and MaxBins take their defaults).
func NewGBDT(p GBDTParams) *GBDT { return &GBDT{Params: p.withDefaults()} }

// Kind returns "gbdt", the model kind in model files.
func (m *GBDT) Kind() string { return KindGBDT }

// outputs is the number of scores per row: the classes for multiclass, else 1.
func (m *GBDT) outputs() int {
	if m.Params.Objective == ObjectiveMulticlass {
		return m.NumClass
	}
	return 1
}

// checkLabels checks classification labels and returns the number of classes.
func checkLabels(p GBDTParams, y []float64, what string) (int, error) {
	switch p.Objective {
	case ObjectiveBinary:
		for i, v := range y {
			if v != 0 && v != 1 {
				return 0, fmt.Errorf("fit: %s row %d is %v; binary labels are 0 and 1: %w", what, i, v, ErrParam)
			}
		}
		return 2, nil
	case ObjectiveMulticlass:
		k := 0
		for i, v := range y {
			if v < 0 || v != math.Trunc(v) || v >= maxCategory || (p.NumClass > 0 && int(v) >= p.NumClass) {
				return 0, fmt.Errorf("fit: %s row %d is %v; multiclass labels are 0, 1, ..., num_class-1: %w", what, i, v, ErrParam)
			}
			k = max(k, int(v)+1)
		}
		if p.NumClass > 0 {
			k = p.NumClass
		}
		if k < 2 {
			return 0, fmt.Errorf("fit: %s has one class: %w", what, ErrParam)
		}
		return k, nil
	}
	return 0, nil
}

// Fit trains on X, y. Xval and yval (both nil to skip) are a validation set
// that is only scored: its loss is recorded per round in ValLoss and has no
// influence on the model. Early stopping holds out part of the training rows
// instead (see GBDTParams.EarlyStoppingRounds); FitStop names the
// early-stopping set explicitly.
func (m *GBDT) Fit(X *CSR, y []float64, Xval *CSR, yval []float64) error {
	return m.FitStop(X, y, nil, nil, Xval, yval)
}

// FitStop is Fit with an explicit early-stopping set, as XGBoost's eval_set
// and LightGBM's valid_sets: boosting stops when the loss on Xstop, ystop has
// not improved for EarlyStoppingRounds rounds and keeps the best round, and
// every training row is fitted (ValidationFraction is not used). Xstop and
// ystop both nil hold out ValidationFraction of the training rows instead,
// as Fit does. A stopping set needs EarlyStoppingRounds > 0. Xval, yval are
// only scored, as in Fit.
func (m *GBDT) FitStop(X *CSR, y []float64, Xstop *CSR, ystop []float64, Xval *CSR, yval []float64) error {
	p := m.Params.withDefaults()
	if err := checkXY(X, y); err != nil {
		return err
	}
	if err := p.validate(X.Cols); err != nil {
		return err
	}
	nclass, err := checkLabels(p, y, "y")
	if err != nil {
		return err
	}
	hasStop := Xstop != nil || ystop != nil
	if hasStop {
		if p.EarlyStoppingRounds == 0 {
			return fmt.Errorf("fit: an early-stopping set needs early_stopping_rounds > 0: %w", ErrParam)
		}
		if err := checkSet(p, nclass, "early-stopping", X, Xstop, ystop); err != nil {
			return err
		}
	}
	hasVal := Xval != nil || yval != nil
	if hasVal {
		if err := checkSet(p, nclass, "validation", X, Xval, yval); err != nil {
			return err
		}
	}
	start := time.Now()
	workers := p.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := X.Rows
	cat := make([]bool, X.Cols)
	for _, j := range p.CategoricalFeatures {
		cat[j] = true
	}
	b, err := binRows(X, p.MaxBins, cat)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	// Rows held out for early stopping when no stopping set is given.
	var train, held []int32
	if p.EarlyStoppingRounds > 0 && !hasStop {
		rng := rand.New(rand.NewPCG(uint64(p.Seed), 0x9e3779b97f4a7c15))
		for i := 0; i < n; i++ {
			if rng.Float64() < p.ValidationFraction {
				held = append(held, int32(i))
			} else {
				train = append(train, int32(i))
			}
		}
		if len(held) == 0 || len(train) == 0 {
			return fmt.Errorf("fit: %d rows are too few to hold out validation_fraction %v for early stopping: %w", n, p.ValidationFraction, ErrParam)
		}
	} else {
		train = make([]int32, n)
		for i := range train {
			train[i] = int32(i)
		}
	}
	*m = GBDT{Params: p, NumFeatures: X.Cols, OnRound: m.OnRound}
	K := 1
	switch p.Objective {
	case ObjectiveSquaredError:
		m.Metric = "rmse"
		s := 0.0
		for _, i := range train {
			s += y[i]
		}
		m.BaseScore = s / float64(len(train))
	case ObjectiveBinary:
		m.Metric, m.NumClass = "logloss", 2
		s := 0.0
		for _, i := range train {
			s += y[i]
		}
		q := math.Min(math.Max(s/float64(len(train)), 1e-6), 1-1e-6)
		m.BaseScore = math.Log(q / (1 - q))
	case ObjectiveMulticlass:
		m.Metric, m.NumClass = "mlogloss", nclass
		K = nclass
		cnt := make([]float64, K)
		for _, i := range train {
			cnt[int(y[i])]++
		}
		m.BaseScores = make([]float64, K)
		for k := range cnt {
			m.BaseScores[k] = math.Log(math.Max(cnt[k]/float64(len(train)), 1e-6))
		}
	}
	base := func(k int) float64 {
		if m.BaseScores != nil {
			return m.BaseScores[k]
		}
		return m.BaseScore
	}
	newScores := func(rows int) []float64 {
		s := make([]float64, rows*K)
		for i := 0; i < rows; i++ {
			for k := 0; k < K; k++ {
				s[i*K+k] = base(k)
			}
		}
		return s
	}
	score := newScores(n)
	// The rows scored each round: those early stopping watches (held-out
	// training rows, which share the training scores, or the explicit set)
	// and the validation set.
	var stop, val *scoredSet
	switch {
	case held != nil:
		stop = &scoredSet{X: X, y: y, rows: held, score: score}
	case hasStop:
		stop = &scoredSet{X: Xstop, y: ystop, score: newScores(Xstop.Rows)}
	}
	if hasVal {
		val = &scoredSet{X: Xval, y: yval, score: newScores(Xval.Rows)}
	}
	g := &grower{b: b, p: p, workers: workers, grad: make([]float64, n), hess: make([]float64, n),
		featOK: make([]bool, X.Cols), rows: make([]int32, 0, len(train)), tmp: make([]int32, len(train))}
	if p.Objective == ObjectiveSquaredError {
		for i := range g.hess {
			g.hess[i] = 1
		}
	}
	grads := make([]float64, n*K) // multiclass: per row and class, for the round
	hesss := make([]float64, n*K)
	rng := rand.New(rand.NewPCG(uint64(p.Seed), 0x2545f4914f6cdd1d))
	bestRound, bestStop := 0, math.Inf(1)
	trainIdx := train
	fr := &forest{}
	for round := 1; round <= p.Rounds; round++ {
		switch p.Objective {
		case ObjectiveSquaredError:
			for _, i := range train {
				g.grad[i] = score[i] - y[i]
			}
		case ObjectiveBinary:
			for _, i := range train {
				q := sigmoid(score[i])
				g.grad[i] = q - y[i]
				g.hess[i] = math.Max(q*(1-q), 1e-16)
			}
		case ObjectiveMulticlass:
			prob := make([]float64, K)
			for _, i := range train {
				softmax(score[int(i)*K:int(i)*K+K], prob)
				for k, q := range prob {
					t := 0.0
					if int(y[i]) == k {
						t = 1
					}
					grads[int(i)*K+k] = q - t
					hesss[int(i)*K+k] = math.Max(q*(1-q), 1e-16)
				}
			}
		}
		g.rows = g.rows[:0]
		for _, i := range trainIdx {
			if p.Subsample >= 1 || rng.Float64() < p.Subsample {
				g.rows = append(g.rows, i)
			}
		}
		for k := 0; k < K; k++ {
			for j := range g.featOK {
				g.featOK[j] = p.ColSample >= 1
			}
			if p.ColSample < 1 {
				c := int(math.Ceil(p.ColSample * float64(X.Cols)))
				for _, j := range rng.Perm(X.Cols)[:c] {
					g.featOK[j] = true
				}
			}
			if K > 1 {
				for _, i := range train {
					g.grad[i] = grads[int(i)*K+k]
					g.hess[i] = hesss[int(i)*K+k]
				}
			}
			tree := g.grow()
			m.Trees = append(m.Trees, tree)
			fr.add(&m.Trees[len(m.Trees)-1])
			t := len(fr.roots) - 1
			// Sampled rows know their leaf; the others walk the tree.
			for id, nd := range tree.Nodes {
				if nd.Feature < 0 {
					o := g.open[id]
					for _, r := range g.rows[o.start:o.end] {
						score[int(r)*K+k] += nd.Value
					}
				}
			}
			if len(g.rows) < len(train) {
				in := make([]bool, n)
				for _, r := range g.rows {
					in[r] = true
				}
				var out []int32
				for _, r := range train {
					if !in[r] {
						out = append(out, r)
					}
				}
				fr.addTree(t, X, out, score, K, k, workers)
			}
			for _, set := range []*scoredSet{stop, val} {
				if set != nil {
					fr.addTree(t, set.X, set.rows, set.score, K, k, workers)
				}
			}
		}
		m.TrainLoss = append(m.TrainLoss, lossOf(p.Objective, K, y, score, train))
		if val != nil {
			m.ValLoss = append(m.ValLoss, val.loss(p.Objective, K))
		}
		if m.OnRound != nil {
			vl := math.NaN()
			if val != nil {
				vl = m.ValLoss[len(m.ValLoss)-1]
			}
			m.OnRound(round, m.TrainLoss[len(m.TrainLoss)-1], vl)
		}
		if stop != nil {
			l := stop.loss(p.Objective, K)
			m.StopLoss = append(m.StopLoss, l)
			if l < bestStop {
				bestStop, bestRound = l, round
			}
			if round-bestRound >= p.EarlyStoppingRounds {
				break
			}
		}
	}
	m.BestIteration = len(m.TrainLoss)
	if stop != nil && bestRound > 0 {
		m.BestIteration = bestRound
		m.Trees = m.Trees[:bestRound*K]
	}
	m.FitDuration = time.Since(start)
	return nil
}

// checkSet checks an early-stopping or validation set against the training
// matrix X and the objective's labels (nclass classes).
func checkSet(p GBDTParams, nclass int, what string, X, Xs *CSR, ys []float64) error {
	if Xs == nil || len(ys) == 0 || Xs.Rows == 0 {
		return fmt.Errorf("fit: %s set needs both rows of X and y: %w", what, ErrEmpty)
	}
	if err := Xs.Validate(); err != nil {
		return fmt.Errorf("fit: %s X: %w", what, err)
	}
	if Xs.Rows != len(ys) {
		return fmt.Errorf("fit: %s X has %d rows, y has %d: %w", what, Xs.Rows, len(ys), ErrShape)
	}
	if Xs.Cols != X.Cols {
		return fmt.Errorf("fit: %s X has %d features, X has %d: %w", what, Xs.Cols, X.Cols, ErrShape)
	}
	if err := checkTarget(ys); err != nil {
		return fmt.Errorf("fit: %s %w", what, err)
	}
	if p.Objective != ObjectiveSquaredError {
		q := p
		q.NumClass = nclass
		if _, err := checkLabels(q, ys, what+" y"); err != nil {
			return err
		}
	}
	return nil
}

// scoredSet is a set of rows whose scores Fit keeps up to date each round to
// measure their loss: the rows early stopping watches, or the validation set.
type scoredSet struct {
	X     *CSR
	y     []float64
	rows  []int32 // the rows of X and y in the set; nil = all
	score []float64
}

// loss is the loss of the set's current scores.
func (s *scoredSet) loss(objective string, K int) float64 {
	return lossOf(objective, K, s.y, s.score, s.rows)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// softmax writes the softmax of s to out.
func softmax(s, out []float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = math.Max(mx, v)
	}
	sum := 0.0
	for k, v := range s {
		out[k] = math.Exp(v - mx)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
}

// lossOf returns the loss of the scores on the rows (nil = all rows of y):
// RMSE, log-loss or multinomial log-loss.
func lossOf(objective string, K int, y, score []float64, rows []int32) float64 {
	n := len(y)
	if rows != nil {
		n = len(rows)
	}
	if n == 0 {
		return math.NaN()
	}
	prob := make([]float64, K)
	s := 0.0
	for t := 0; t < n; t++ {
		i := t
		if rows != nil {
			i = int(rows[t])
		}
		switch objective {
		case ObjectiveSquaredError:
			d := score[i] - y[i]
			s += d * d
		case ObjectiveBinary:
			q := math.Min(math.Max(sigmoid(score[i]), 1e-15), 1-1e-15)
			if y[i] == 1 {
				s -= math.Log(q)
			} else {
				s -= math.Log(1 - q)
			}
		case ObjectiveMulticlass:
			softmax(score[i*K:i*K+K], prob)
			s -= math.Log(math.Max(prob[int(y[i])], 1e-15))
		}
	}
	if objective == ObjectiveSquaredError {
		return math.Sqrt(s / float64(n))
	}
	return s / float64(n)
}

// PredictMargin returns the raw scores: the base score plus the sum of the
// kept trees, one per row (regression, binary: the logit) or NumClass per row
// for multiclass (row-major).
func (m *GBDT) PredictMargin(X *CSR) ([]float64, error) {
	if m.Trees == nil && m.NumFeatures == 0 {
		return nil, fmt.Errorf("predict: gbdt: %w", ErrNotFitted)
	}
	if X == nil {
		return nil, fmt.Errorf("predict: nil matrix: %w", ErrBadMatrix)
	}
	if X.Cols != m.NumFeatures {
		return nil, fmt.Errorf("predict: X has %d features, the model was fitted on %d: %w", X.Cols, m.NumFeatures, ErrShape)
	}
	if err := X.Validate(); err != nil {
		return nil, fmt.Errorf("predict: X: %w", err)
	}
	K := m.outputs()
	out := make([]float64, X.Rows*K)
	workers := m.Params.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	fr := compileForest(m.Trees)
	// Rows go through the trees a block at a time, each tree walking every row of the block
	// before the next: one tree's nodes stay in cache for the block, where a row walked through
	// the whole forest misses it tree after tree (as XGBoost's block-of-rows predictor does).
	// Each row still sums its trees in order, so the margins are the same.
	block := max(1, min(64, 1<<16/max(X.Cols, 1)))
	parallelRows(X.Rows, workers, func(lo, hi int) {
		xs := make([]float64, block*X.Cols)
		sum := make([]float64, block)
		for b := lo; b < hi; b += block {
			n := min(block, hi-b)
			for r := range n {
				x := xs[r*X.Cols : (r+1)*X.Cols]
				for p := X.Indptr[b+r]; p < X.Indptr[b+r+1]; p++ {
					x[X.Indices[p]] = X.Data[p]
				}
			}
			for k := 0; k < K; k++ {
				s := m.BaseScore
				if m.BaseScores != nil {
					s = m.BaseScores[k]
				}
				for r := range n {
					sum[r] = s
				}
				for t := k; t < len(m.Trees); t += K {
					for r := range n {
						sum[r] += fr.walk(t, xs[r*X.Cols:(r+1)*X.Cols])
					}
				}
				for r := range n {
					out[(b+r)*K+k] = sum[r]
				}
			}
			for r := range n {
				x := xs[r*X.Cols : (r+1)*X.Cols]
				for p := X.Indptr[b+r]; p < X.Indptr[b+r+1]; p++ {
					x[X.Indices[p]] = 0
				}
			}
		}
	})
	return out, nil
}

// Predict returns one prediction per row: the value for regression, the
// class (0 or 1, at probability 0.5) for binary, the most probable class for
// multiclass. PredictProba gives the probabilities.
func (m *GBDT) Predict(X *CSR) ([]float64, error) {
	s, err := m.PredictMargin(X)
	if err != nil {
		return nil, err
	}
	switch m.Params.Objective {
	case ObjectiveBinary:
		for i, v := range s {
			s[i] = 0
			if v >= 0 {
				s[i] = 1
			}
		}
	case ObjectiveMulticlass:
		K := m.NumClass
		out := make([]float64, X.Rows)
		for i := range out {
			best := 0
			for k := 1; k < K; k++ {
				if s[i*K+k] > s[i*K+best] {
					best = k
				}
			}
			out[i] = float64(best)
		}
		return out, nil
	}
	return s, nil
}

// PredictProba returns the class probabilities of a classifier, one row per
// row of X and one column per class (two for binary: P(0), P(1)); each row
// sums to 1. It makes *GBDT an ml.Classifier, like *LogisticRegression.
func (m *GBDT) PredictProba(X *CSR) (*Proba, error) {
	if m.Params.Objective != ObjectiveBinary && m.Params.Objective != ObjectiveMulticlass {
		return nil, fmt.Errorf("predict proba: objective %q is not a classifier: %w", m.Params.Objective, ErrParam)
	}
	s, err := m.PredictMargin(X)
	if err != nil {
		return nil, err
	}
	if m.Params.Objective == ObjectiveBinary {
		out := &Proba{Classes: []float64{0, 1}, Data: make([]float64, 2*X.Rows)}
		for i, v := range s {
			q := sigmoid(v)
			out.Data[2*i], out.Data[2*i+1] = 1-q, q
		}
		return out, nil
	}
	K := m.NumClass
	out := &Proba{Classes: m.Classes(), Data: make([]float64, K*X.Rows)}
	for i := 0; i < X.Rows; i++ {
		softmax(s[i*K:i*K+K], out.Data[i*K:i*K+K])
	}
	return out, nil
}

// Classes returns the labels of a classifier, 0..NumClass-1 (nil for
// regression).
func (m *GBDT) Classes() []float64 {
	if m.Params.Objective != ObjectiveBinary && m.Params.Objective != ObjectiveMulticlass {
		return nil
	}
	k := m.NumClass
	if m.Params.Objective == ObjectiveBinary {
		k = 2
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

// FeatureGain returns the total gain of the splits on each feature over the
// kept trees (XGBoost's "total_gain"), indexed like the matrix columns.
func (m *GBDT) FeatureGain() []float64 {
	out := make([]float64, m.NumFeatures)
	for _, t := range m.Trees {
		for _, nd := range t.Nodes {
			if nd.Feature >= 0 && nd.Feature < len(out) {
				out[nd.Feature] += nd.Gain
			}
		}
	}
	return out
}

// parallelRows runs fn over [0,n) split into contiguous chunks.
func parallelRows(n, workers int, fn func(lo, hi int)) {
	if workers <= 1 || n < 4096 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// validateTrees checks that the trees only reference existing nodes and
// features, and that the class layout fits.
func (m *GBDT) validateTrees() error {
	if m.Params.Objective == ObjectiveMulticlass && (m.NumClass < 2 || len(m.BaseScores) != m.NumClass || len(m.Trees)%m.NumClass != 0) {
		return fmt.Errorf("multiclass model of %d classes with %d base scores and %d trees: %w", m.NumClass, len(m.BaseScores), len(m.Trees), ErrFormat)
	}
	for ti, t := range m.Trees {
		if len(t.Nodes) == 0 {
			return fmt.Errorf("tree %d has no nodes: %w", ti, ErrFormat)
		}
		for ni, nd := range t.Nodes {
			if nd.Feature < 0 {
				continue
			}
			if nd.Feature >= m.NumFeatures || nd.Left <= ni || nd.Right <= ni || nd.Left >= len(t.Nodes) || nd.Right >= len(t.Nodes) {
				return fmt.Errorf("tree %d node %d refers outside the model: %w", ti, ni, ErrFormat)
			}
		}
	}
	return nil
}
