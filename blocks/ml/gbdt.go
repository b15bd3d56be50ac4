package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// GBDTParams configures a gradient-boosted tree regressor. Start from
// DefaultGBDTParams: in a literal, zero Rounds, LearningRate, MaxDepth and
// MaxBins take their defaults, while a zero Lambda means no L2 penalty.
type GBDTParams struct {
	Rounds              int     `json:"rounds"`                // boosting rounds (trees), default 100
	LearningRate        float64 `json:"learning_rate"`         // shrinkage, default 0.1
	MaxDepth            int     `json:"max_depth"`             // default 6
	MinChildWeight      float64 `json:"min_child_weight"`      // minimum hessian sum (rows, for squared loss) in a child
	Alpha               float64 `json:"alpha"`                 // L1 penalty on leaf values
	Lambda              float64 `json:"lambda"`                // L2 penalty on leaf values
	Gamma               float64 `json:"gamma"`                 // minimum gain of a split
	EarlyStoppingRounds int     `json:"early_stopping_rounds"` // stop when validation RMSE has not improved for this many rounds; 0 = off
	Subsample           float64 `json:"subsample"`             // fraction of rows per round; 0 or 1 = all
	ColSample           float64 `json:"colsample"`             // fraction of features per tree; 0 or 1 = all
	MaxBins             int     `json:"max_bins"`              // histogram bins per feature, default 256, at most 65535
	Seed                int64   `json:"seed"`
	Workers             int     `json:"workers,omitempty"` // goroutines; 0 = GOMAXPROCS. Results do not depend on it.
}

// DefaultGBDTParams returns XGBoost-like defaults: 100 rounds, learning rate
// 0.1, depth 6, min child weight 1, lambda 1, 256 bins.
func DefaultGBDTParams() GBDTParams {
	return GBDTParams{Rounds: 100, LearningRate: 0.1, MaxDepth: 6, MinChildWeight: 1, Lambda: 1, MaxBins: 256}
}

func (p GBDTParams) withDefaults() GBDTParams {
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
	if p.Subsample == 0 {
		p.Subsample = 1
	}
	if p.ColSample == 0 {
		p.ColSample = 1
	}
	return p
}

func (p GBDTParams) validate() error {
	bad := func(name string, v any) error { return fmt.Errorf("gbdt: %s = %v: %w", name, v, ErrParam) }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Rounds < 0:
		return bad("rounds", p.Rounds)
	case !(p.LearningRate > 0) || !finite(p.LearningRate):
		return bad("learning rate", p.LearningRate)
	case p.MaxDepth < 1 || p.MaxDepth > 30:
		return bad("max depth", p.MaxDepth)
	case !(p.MinChildWeight >= 0) || !finite(p.MinChildWeight):
		return bad("min child weight", p.MinChildWeight)
	case !(p.Alpha >= 0) || !finite(p.Alpha):
		return bad("alpha", p.Alpha)
	case !(p.Lambda >= 0) || !finite(p.Lambda):
		return bad("lambda", p.Lambda)
	case !(p.Gamma >= 0) || !finite(p.Gamma):
		return bad("gamma", p.Gamma)
	case p.EarlyStoppingRounds < 0:
		return bad("early stopping rounds", p.EarlyStoppingRounds)
	case !(p.Subsample > 0 && p.Subsample <= 1):
		return bad("subsample", p.Subsample)
	case !(p.ColSample > 0 && p.ColSample <= 1):
		return bad("colsample", p.ColSample)
	case p.MaxBins < 2 || p.MaxBins > 65535:
		return bad("max bins", p.MaxBins)
	case p.Workers < 0:
		return bad("workers", p.Workers)
	}
	return nil
}

// Node is a node of a regression tree. An inner node sends a row left when
// its value of Feature is ≤ Threshold (absent entries are 0); a leaf has
// Feature −1 and adds Value (learning rate included) to the prediction.
type Node struct {
	Feature   int     `json:"f"`
	Threshold float64 `json:"t,omitempty"`
	Left      int     `json:"l,omitempty"`
	Right     int     `json:"r,omitempty"`
	Value     float64 `json:"v,omitempty"`
}

// Tree is a regression tree; Nodes[0] is the root.
type Tree struct {
	Nodes []Node `json:"nodes"`
}

// GBDT is a histogram gradient-boosted tree regressor with squared loss, in
// the manner of XGBoost's hist method and LightGBM. It trains on the CSR
// matrix directly: absent entries count as 0, each feature is cut into at
// most MaxBins quantile bins, and histograms are built in parallel over
// features. For a given seed the trees do not depend on scheduling or on the
// number of workers.
type GBDT struct {
	Params        GBDTParams    `json:"params"`
	NumFeatures   int           `json:"num_features"`
	BaseScore     float64       `json:"base_score"`
	Trees         []Tree        `json:"trees"`
	BestIteration int           `json:"best_iteration"` // rounds kept: the best validation round, or all rounds
	TrainRMSE     []float64     `json:"train_rmse"`     // per round
	ValRMSE       []float64     `json:"val_rmse,omitempty"`
	FitDuration   time.Duration `json:"fit_duration_ns"`
}

// NewGBDT returns an unfitted regressor with the parameters (zero Rounds,
// LearningRate, MaxDepth and MaxBins take their defaults).
func NewGBDT(p GBDTParams) *GBDT { return &GBDT{Params: p.withDefaults()} }

// Kind returns "gbdt", the model kind in model files.
func (m *GBDT) Kind() string { return KindGBDT }

// binned is a CSC copy of the training matrix with each entry replaced by its
// histogram bin.
type binned struct {
	n, p    int
	colPtr  []int
	rows    []int32
	bins    []uint16
	edges   [][]float64 // upper bin edges per feature; the last is +Inf
	zeroBin []int       // bin of the value 0 per feature
}

func binMatrix(X *CSR, maxBins int) *binned {
	n, p := X.Rows, X.Cols
	b := &binned{n: n, p: p, colPtr: make([]int, p+1), edges: make([][]float64, p), zeroBin: make([]int, p)}
	for _, j := range X.Indices {
		b.colPtr[j+1]++
	}
	for j := 0; j < p; j++ {
		b.colPtr[j+1] += b.colPtr[j]
	}
	nnz := len(X.Indices)
	b.rows = make([]int32, nnz)
	vals := make([]float64, nnz)
	b.bins = make([]uint16, nnz)
	next := append([]int(nil), b.colPtr[:p]...)
	for i := 0; i < n; i++ {
		for k := X.Indptr[i]; k < X.Indptr[i+1]; k++ {
			j := X.Indices[k]
			b.rows[next[j]] = int32(i)
			vals[next[j]] = X.Data[k]
			next[j]++
		}
	}
	for j := 0; j < p; j++ {
		v := vals[b.colPtr[j]:b.colPtr[j+1]]
		b.edges[j] = binEdges(v, n-len(v), maxBins)
		e := b.edges[j]
		for k, x := range v {
			b.bins[b.colPtr[j]+k] = uint16(sort.SearchFloat64s(e, x))
		}
		b.zeroBin[j] = sort.SearchFloat64s(e, 0)
	}
	return b
}

// binEdges returns ascending upper edges (the last +Inf) cutting the values,
// plus zeros zeros, into at most maxBins bins of about equal counts; each
// distinct value gets its own bin when there are few enough.
func binEdges(vals []float64, zeros, maxBins int) []float64 {
	s := append([]float64(nil), vals...)
	if zeros > 0 {
		s = append(s, 0)
	}
	sort.Float64s(s)
	type vc struct {
		v float64
		c int
	}
	var d []vc
	for _, x := range s {
		c := 1
		if x == 0 && zeros > 0 {
			c = zeros
			if len(d) > 0 && d[len(d)-1].v == 0 {
				d[len(d)-1].c += c
				continue
			}
		}
		if len(d) > 0 && d[len(d)-1].v == x {
			d[len(d)-1].c += c
			continue
		}
		d = append(d, vc{x, c})
	}
	var edges []float64
	if len(d) <= maxBins {
		for i := 0; i+1 < len(d); i++ {
			edges = append(edges, d[i].v+(d[i+1].v-d[i].v)/2)
		}
	} else {
		total := len(vals) + zeros
		acc, cut := 0, 1
		for i := 0; i+1 < len(d); i++ {
			acc += d[i].c
			if float64(acc) >= float64(cut)*float64(total)/float64(maxBins) {
				edges = append(edges, d[i].v+(d[i+1].v-d[i].v)/2)
				for float64(acc) >= float64(cut)*float64(total)/float64(maxBins) {
					cut++
				}
				if len(edges) == maxBins-1 {
					break
				}
			}
		}
	}
	return append(edges, math.Inf(1))
}

type splitCand struct {
	gain   float64
	bin    int
	gl, hl float64
}

func leafWeight(g, h, alpha, lambda float64) float64 {
	t := softThreshold(g, alpha)
	if h+lambda == 0 {
		return 0
	}
	return -t / (h + lambda)
}

func softThreshold(g, alpha float64) float64 {
	switch {
	case g > alpha:
		return g - alpha
	case g < -alpha:
		return g + alpha
	}
	return 0
}

func leafScore(g, h, alpha, lambda float64) float64 {
	if h+lambda == 0 {
		return 0
	}
	t := softThreshold(g, alpha)
	return t * t / (h + lambda)
}

// Fit trains on X, y. Xval and yval (both nil to skip) give the validation
// set: its RMSE is recorded per round and drives early stopping.
func (m *GBDT) Fit(X *CSR, y []float64, Xval *CSR, yval []float64) error {
	p := m.Params.withDefaults()
	if err := p.validate(); err != nil {
		return err
	}
	if err := checkXY(X, y); err != nil {
		return err
	}
	hasVal := Xval != nil || yval != nil
	if hasVal {
		if Xval == nil || len(yval) == 0 || Xval.Rows == 0 {
			return fmt.Errorf("fit: validation set needs both rows of X and y: %w", ErrEmpty)
		}
		if err := Xval.Validate(); err != nil {
			return fmt.Errorf("fit: validation X: %w", err)
		}
		if Xval.Rows != len(yval) {
			return fmt.Errorf("fit: validation X has %d rows, y has %d: %w", Xval.Rows, len(yval), ErrShape)
		}
		if Xval.Cols != X.Cols {
			return fmt.Errorf("fit: validation X has %d features, X has %d: %w", Xval.Cols, X.Cols, ErrShape)
		}
		if err := checkTarget(yval); err != nil {
			return fmt.Errorf("fit: validation %w", err)
		}
	} else if p.EarlyStoppingRounds > 0 {
		return fmt.Errorf("fit: early stopping needs a validation set: %w", ErrParam)
	}
	start := time.Now()
	workers := p.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := X.Rows
	b := binMatrix(X, p.MaxBins)
	m.Params = p
	m.NumFeatures = X.Cols
	m.Trees = nil
	m.TrainRMSE, m.ValRMSE = nil, nil
	base := 0.0
	for _, v := range y {
		base += v
	}
	base /= float64(n)
	m.BaseScore = base
	pred := make([]float64, n)
	for i := range pred {
		pred[i] = base
	}
	var vpred []float64
	if hasVal {
		vpred = make([]float64, Xval.Rows)
		for i := range vpred {
			vpred[i] = base
		}
	}
	g := &grower{b: b, p: p, workers: workers, grad: make([]float64, n), sampled: make([]bool, n),
		nodeOf: make([]int32, n), rowSlot: make([]int32, n), dest: make([]int32, n), destStamp: make([]int32, n)}
	rng := rand.New(rand.NewPCG(uint64(p.Seed), 0x2545f4914f6cdd1d))
	bestRound, bestVal := 0, math.Inf(1)
	allFeats := make([]int, X.Cols)
	for j := range allFeats {
		allFeats[j] = j
	}
	for round := 1; round <= p.Rounds; round++ {
		for i := range g.grad {
			g.grad[i] = pred[i] - y[i]
		}
		for i := range g.sampled {
			g.sampled[i] = p.Subsample >= 1 || rng.Float64() < p.Subsample
		}
		feats := allFeats
		if p.ColSample < 1 {
			k := int(math.Ceil(p.ColSample * float64(X.Cols)))
			feats = rng.Perm(X.Cols)[:k]
			sort.Ints(feats)
		}
		tree := g.grow(feats)
		for i := range pred {
			pred[i] += tree.Nodes[g.nodeOf[i]].Value
		}
		m.Trees = append(m.Trees, tree)
		m.TrainRMSE = append(m.TrainRMSE, RMSE(y, pred))
		if hasVal {
			parallelRows(Xval.Rows, workers, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					vpred[i] += tree.predictRow(Xval, i)
				}
			})
			r := RMSE(yval, vpred)
			m.ValRMSE = append(m.ValRMSE, r)
			if r < bestVal {
				bestVal, bestRound = r, round
			}
			if p.EarlyStoppingRounds > 0 && round-bestRound >= p.EarlyStoppingRounds {
				break
			}
		}
	}
	if hasVal && bestRound > 0 {
		m.Trees = m.Trees[:bestRound]
		m.BestIteration = bestRound
	} else {
		m.BestIteration = len(m.Trees)
	}
	m.FitDuration = time.Since(start)
	return nil
}

// grower builds one tree level by level.
type grower struct {
	b       *binned
	p       GBDTParams
	workers int
	grad    []float64
	sampled []bool
	nodeOf  []int32 // node of every row (sampled or not)
	rowSlot []int32 // slot of the row's node among the nodes being split, or −1
	dest    []int32
	// destStamp[i] == stamp marks dest[i] as set during the current level.
	destStamp []int32
	stamp     int32
	// per tree
	nodes []Node
	nodeG []float64
	nodeH []float64
}

func (g *grower) grow(feats []int) Tree {
	p, b := g.p, g.b
	n := b.n
	clear(g.nodeOf)
	var G, H float64
	for i := 0; i < n; i++ {
		if g.sampled[i] {
			G += g.grad[i]
			H++
		}
	}
	g.nodes = append(g.nodes[:0], Node{Feature: -1})
	g.nodeG = append(g.nodeG[:0], G)
	g.nodeH = append(g.nodeH[:0], H)
	active := []int{0}
	for depth := 0; depth < p.MaxDepth && len(active) > 0; depth++ {
		slotOf := make([]int32, len(g.nodes))
		for i := range slotOf {
			slotOf[i] = -1
		}
		for s, id := range active {
			slotOf[id] = int32(s)
		}
		for i := 0; i < n; i++ {
			if g.sampled[i] {
				g.rowSlot[i] = slotOf[g.nodeOf[i]]
			} else {
				g.rowSlot[i] = -1
			}
		}
		ns := len(active)
		best := g.findSplits(feats, active, ns)
		// Apply the splits.
		type applied struct {
			node, feat, bin int
		}
		var splits []applied
		var next []int
		for s, id := range active {
			c := best[s]
			if c.feat < 0 {
				continue
			}
			f := c.feat
			left, right := len(g.nodes), len(g.nodes)+1
			g.nodes[id] = Node{Feature: f, Threshold: b.edges[f][c.bin], Left: left, Right: right}
			gl, hl := c.gl, c.hl
			gr, hr := g.nodeG[id]-gl, g.nodeH[id]-hl
			g.nodes = append(g.nodes, Node{Feature: -1}, Node{Feature: -1})
			g.nodeG = append(g.nodeG, gl, gr)
			g.nodeH = append(g.nodeH, hl, hr)
			splits = append(splits, applied{id, f, c.bin})
			if depth+1 < p.MaxDepth {
				if hl >= 2*p.MinChildWeight && hl >= 2 {
					next = append(next, left)
				}
				if hr >= 2*p.MinChildWeight && hr >= 2 {
					next = append(next, right)
				}
			}
		}
		if len(splits) == 0 {
			break
		}
		// Rows with an entry in the split feature go by their bin; the others
		// have value 0 and follow the zero bin.
		g.stamp++
		zeroChild := make([]int32, len(g.nodes))
		for i := range zeroChild {
			zeroChild[i] = -1
		}
		for _, sp := range splits {
			nd := g.nodes[sp.node]
			zeroChild[sp.node] = int32(nd.Right)
			if b.zeroBin[sp.feat] <= sp.bin {
				zeroChild[sp.node] = int32(nd.Left)
			}
			rows, bins := b.rows[b.colPtr[sp.feat]:b.colPtr[sp.feat+1]], b.bins[b.colPtr[sp.feat]:b.colPtr[sp.feat+1]]
			left, right, node, bin, stamp := int32(nd.Left), int32(nd.Right), int32(sp.node), uint16(sp.bin), g.stamp
			for k, r := range rows {
				if g.nodeOf[r] != node {
					continue
				}
				g.destStamp[r] = stamp
				if bins[k] <= bin {
					g.dest[r] = left
				} else {
					g.dest[r] = right
				}
			}
		}
		nodeOf, dest, destStamp, stamp := g.nodeOf, g.dest[:n], g.destStamp[:n], g.stamp
		for i := range nodeOf[:n] {
			zc := zeroChild[nodeOf[i]]
			if zc < 0 {
				continue
			}
			if destStamp[i] == stamp {
				nodeOf[i] = dest[i]
			} else {
				nodeOf[i] = zc
			}
		}
		active = next
	}
	for id := range g.nodes {
		if g.nodes[id].Feature < 0 {
			g.nodes[id].Value = p.LearningRate * leafWeight(g.nodeG[id], g.nodeH[id], p.Alpha, p.Lambda)
		}
	}
	return Tree{Nodes: append([]Node(nil), g.nodes...)}
}

type nodeSplit struct {
	feat, bin int
	gl, hl    float64
}

// findSplits returns the best split of every active node (feat −1 if none),
// building histograms in parallel over features. Each feature's histogram is
// summed in row order by one goroutine and the reduction runs in feature
// order, so the result does not depend on scheduling.
func (g *grower) findSplits(feats, active []int, ns int) []nodeSplit {
	p, b := g.p, g.b
	cands := make([]splitCand, len(feats)*ns)
	var nextFeat atomic.Int64
	var wg sync.WaitGroup
	workers := min(g.workers, len(feats))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hg, hh []float64
			for {
				fi := int(nextFeat.Add(1) - 1)
				if fi >= len(feats) {
					return
				}
				j := feats[fi]
				nb := len(b.edges[j])
				size := ns * nb
				if cap(hg) < size {
					hg, hh = make([]float64, size), make([]float64, size)
				}
				hg, hh = hg[:size], hh[:size]
				clear(hg)
				clear(hh)
				rows, bins := b.rows[b.colPtr[j]:b.colPtr[j+1]], b.bins[b.colPtr[j]:b.colPtr[j+1]]
				rowSlot, grad := g.rowSlot, g.grad
				for k, r := range rows {
					s := rowSlot[r]
					if s < 0 {
						continue
					}
					at := int(s)*nb + int(bins[k])
					hg[at] += grad[r]
					hh[at]++
				}
				zb := b.zeroBin[j]
				for s, id := range active {
					hgs, hhs := hg[s*nb:(s+1)*nb], hh[s*nb:(s+1)*nb]
					var sg, sh float64
					for k := range hgs {
						sg += hgs[k]
						sh += hhs[k]
					}
					if zh := g.nodeH[id] - sh; zh > 0 {
						hgs[zb] += g.nodeG[id] - sg
						hhs[zb] += zh
					}
					cands[fi*ns+s] = bestSplit(hgs, hhs, g.nodeG[id], g.nodeH[id], p)
				}
			}
		}()
	}
	wg.Wait()
	out := make([]nodeSplit, ns)
	for s := range out {
		out[s] = nodeSplit{feat: -1}
		bestGain := p.Gamma
		for fi, j := range feats {
			c := cands[fi*ns+s]
			if c.bin >= 0 && c.gain > bestGain && c.gain > 1e-12 {
				bestGain = c.gain
				out[s] = nodeSplit{feat: j, bin: c.bin, gl: c.gl, hl: c.hl}
			}
		}
	}
	return out
}

// bestSplit scans one feature's histogram of one node.
func bestSplit(hg, hh []float64, G, H float64, p GBDTParams) splitCand {
	best := splitCand{bin: -1}
	parent := leafScore(G, H, p.Alpha, p.Lambda)
	var gl, hl float64
	for k := 0; k+1 < len(hg); k++ {
		if hh[k] == 0 {
			continue
		}
		gl += hg[k]
		hl += hh[k]
		if hl < p.MinChildWeight {
			continue
		}
		hr := H - hl
		if hr < p.MinChildWeight || hr <= 0 {
			break
		}
		gain := 0.5 * (leafScore(gl, hl, p.Alpha, p.Lambda) + leafScore(G-gl, hr, p.Alpha, p.Lambda) - parent)
		if gain > best.gain || best.bin < 0 {
			best = splitCand{gain: gain, bin: k, gl: gl, hl: hl}
		}
	}
	return best
}

// predictRow walks the tree for row i of X.
func (t *Tree) predictRow(X *CSR, i int) float64 {
	lo, hi := X.Indptr[i], X.Indptr[i+1]
	nd := &t.Nodes[0]
	for nd.Feature >= 0 {
		v := 0.0
		for k := lo; k < hi; k++ {
			if c := X.Indices[k]; c >= nd.Feature {
				if c == nd.Feature {
					v = X.Data[k]
				}
				break
			}
		}
		if v <= nd.Threshold {
			nd = &t.Nodes[nd.Left]
		} else {
			nd = &t.Nodes[nd.Right]
		}
	}
	return nd.Value
}

// Predict returns the base score plus the sum of the kept trees for each row.
func (m *GBDT) Predict(X *CSR) ([]float64, error) {
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
	out := make([]float64, X.Rows)
	workers := m.Params.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parallelRows(X.Rows, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := m.BaseScore
			for t := range m.Trees {
				s += m.Trees[t].predictRow(X, i)
			}
			out[i] = s
		}
	})
	return out, nil
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

// validate checks that the trees only reference existing nodes and features.
func (m *GBDT) validateTrees() error {
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
