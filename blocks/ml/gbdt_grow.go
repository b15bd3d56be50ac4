package ml

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
)

// Tree growth: depth-wise, with the rows of each open node kept together in
// one index array (sorted by row within a node), histograms of (gradient,
// hessian, count) per bin, and the subtraction trick: of two siblings only
// the one with fewer rows is summed from its rows, the other is its parent's
// histogram minus it. A level therefore reads each row at most once (rows of
// larger siblings not at all).
//
// Determinism: a node's rows are summed in chunks of histChunk rows, each
// chunk in row order, and the chunks are added in order, so the sums — and
// the trees — do not depend on the number of workers or on scheduling.

const (
	// histChunk is the number of rows one histogram task sums.
	histChunk = 16384
	// catSupport is the least number of rows a category needs in a node to
	// be placed by a categorical split (others go right), and the smoothing
	// added to its hessian when categories are ordered (as scikit-learn's
	// MIN_CAT_SUPPORT).
	catSupport = 10
)

type grower struct {
	b          *binnedRows
	p          GBDTParams
	workers    int
	grad, hess []float64
	featOK     []bool // features this tree may split on
	rows, tmp  []int32
	free       [][]float64 // spare histograms
	scratch    [][]float64 // spare chunk histograms
	// per tree
	nodes []Node
	open  []openNode // per node id
}

// openNode is the growth state of a node.
type openNode struct {
	start, end int     // its rows: rows[start:end]
	g, h, c    float64 // sums of gradient, hessian and rows
	hist       []float64
}

// candidate is the best split found for a node.
type candidate struct {
	feat       int
	gain       float64
	bin        int // numeric: the last value bin that goes left
	missLeft   bool
	catLeft    CategorySet // categorical: value bins that go left
	gl, hl, cl float64
}

func (g *grower) getHist() []float64 {
	if k := len(g.free); k > 0 {
		h := g.free[k-1]
		g.free = g.free[:k-1]
		clear(h)
		return h
	}
	return make([]float64, 3*g.b.total)
}

func (g *grower) putHist(h []float64) {
	if h != nil {
		g.free = append(g.free, h)
	}
}

// histJob sums the histogram of one node from its rows into out.
type histJob struct {
	rows []int32
	out  []float64
	node int
}

// buildHists runs the jobs in parallel, in chunks of histChunk rows, and
// fills every feature's zero bin (entries absent from the sparse rows) from
// the node's totals.
func (g *grower) buildHists(jobs []histJob) {
	type task struct {
		job     int
		rows    []int32
		buf     []float64
		chunk   bool // buf is a chunk to add to the job's histogram
		g, h, c float64
	}
	var tasks []task
	for ji, j := range jobs {
		if len(j.rows) <= histChunk {
			tasks = append(tasks, task{job: ji, rows: j.rows, buf: j.out})
			continue
		}
		for lo := 0; lo < len(j.rows); lo += histChunk {
			var buf []float64
			if k := len(g.scratch); k > 0 {
				buf = g.scratch[k-1]
				g.scratch = g.scratch[:k-1]
				clear(buf)
			} else {
				buf = make([]float64, 3*g.b.total)
			}
			tasks = append(tasks, task{job: ji, rows: j.rows[lo:min(lo+histChunk, len(j.rows))], buf: buf, chunk: true})
		}
	}
	ptr, bins, grad, hess := g.b.ptr, g.b.bins, g.grad, g.hess
	run := func(t *task) {
		hist := t.buf
		var G, H float64
		for _, r := range t.rows {
			gr, hr := grad[r], hess[r]
			G += gr
			H += hr
			for k := ptr[r]; k < ptr[r+1]; k++ {
				b := int(bins[k]) * 3
				hist[b] += gr
				hist[b+1] += hr
				hist[b+2]++
			}
		}
		t.g, t.h, t.c = G, H, float64(len(t.rows))
	}
	parallelTasks(len(tasks), g.workers, func(i int) { run(&tasks[i]) })
	// Reduce the chunks of each job in order, then fill the zero bins.
	type total struct{ g, h, c float64 }
	totals := make([]total, len(jobs))
	byJob := make([][][]float64, len(jobs))
	var reduce []int
	for _, t := range tasks {
		tot := &totals[t.job]
		tot.g += t.g
		tot.h += t.h
		tot.c += t.c
		if t.chunk {
			if byJob[t.job] == nil {
				reduce = append(reduce, t.job)
			}
			byJob[t.job] = append(byJob[t.job], t.buf)
		}
	}
	parallelTasks(len(reduce), g.workers, func(i int) {
		ji := reduce[i]
		out := jobs[ji].out
		for _, buf := range byJob[ji] {
			for k, v := range buf {
				out[k] += v
			}
		}
	})
	for _, bufs := range byJob {
		g.scratch = append(g.scratch, bufs...)
	}
	parallelTasks(len(jobs), g.workers, func(ji int) {
		fillZeroBins(g.b, jobs[ji].out, totals[ji].g, totals[ji].h, totals[ji].c)
	})
}

// fillZeroBins adds to each feature's zero bin the rows of the node that
// have no stored entry for the feature.
func fillZeroBins(b *binnedRows, hist []float64, G, H, C float64) {
	for j := range b.feats {
		f := &b.feats[j]
		var sg, sh, sc float64
		for k := f.offset; k <= f.offset+f.nbins; k++ {
			sg += hist[3*k]
			sh += hist[3*k+1]
			sc += hist[3*k+2]
		}
		if dc := C - sc; dc > 0 {
			z := 3 * (f.offset + f.zeroBin)
			hist[z] += G - sg
			hist[z+1] += H - sh
			hist[z+2] += dc
		}
	}
}

// parallelTasks runs fn(0..n-1) on up to workers goroutines.
func parallelTasks(n, workers int, fn func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// grow builds one tree on the rows in g.rows (the sampled training rows, in
// ascending order) with the gradients in g.grad and g.hess. Afterwards the
// rows of each leaf are g.rows[open[id].start:open[id].end].
func (g *grower) grow() Tree {
	p := g.p
	g.nodes = append(g.nodes[:0], Node{Feature: -1})
	root := openNode{start: 0, end: len(g.rows), hist: g.getHist()}
	g.buildHists([]histJob{{rows: g.rows, out: root.hist}})
	for _, r := range g.rows {
		root.g += g.grad[r]
		root.h += g.hess[r]
	}
	root.c = float64(len(g.rows))
	g.open = append(g.open[:0], root)
	var active []int
	if g.splittable(0) {
		active = []int{0}
	} else {
		g.putHist(g.open[0].hist)
	}
	for depth := 0; depth < p.MaxDepth && len(active) > 0; depth++ {
		cands := make([]candidate, len(active))
		parallelTasks(len(active), g.workers, func(i int) { cands[i] = g.bestSplit(active[i]) })
		type pair struct{ parent, left, right int }
		var pairs []pair
		for i, id := range active {
			c := cands[i]
			if c.feat < 0 {
				g.putHist(g.open[id].hist)
				g.open[id].hist = nil
				continue
			}
			left, right := len(g.nodes), len(g.nodes)+1
			f := &g.b.feats[c.feat]
			nd := Node{Feature: c.feat, Left: left, Right: right, MissingLeft: c.missLeft, Gain: c.gain}
			if f.categorical {
				nd.Categorical, nd.Categories = true, c.catLeft
			} else {
				nd.Threshold = f.edges[c.bin]
			}
			g.nodes[id] = nd
			g.nodes = append(g.nodes, Node{Feature: -1}, Node{Feature: -1})
			par := g.open[id]
			g.open = append(g.open,
				openNode{g: c.gl, h: c.hl, c: c.cl},
				openNode{g: par.g - c.gl, h: par.h - c.hl, c: par.c - c.cl})
			pairs = append(pairs, pair{id, left, right})
		}
		if len(pairs) == 0 {
			break
		}
		parallelTasks(len(pairs), g.workers, func(i int) {
			pr := pairs[i]
			g.partition(pr.parent, pr.left, pr.right)
		})
		active = active[:0]
		if depth+1 >= p.MaxDepth {
			for _, pr := range pairs {
				g.putHist(g.open[pr.parent].hist)
				g.open[pr.parent].hist = nil
			}
			break
		}
		// Children to split further: sum the smaller sibling, subtract for the other.
		var jobs []histJob
		for _, pr := range pairs {
			l, r := &g.open[pr.left], &g.open[pr.right]
			if !g.splittable(pr.left) && !g.splittable(pr.right) {
				g.putHist(g.open[pr.parent].hist)
				g.open[pr.parent].hist = nil
				continue
			}
			small := pr.left
			if r.end-r.start < l.end-l.start {
				small = pr.right
			}
			sn := &g.open[small]
			sn.hist = g.getHist()
			jobs = append(jobs, histJob{rows: g.rows[sn.start:sn.end], out: sn.hist, node: small})
		}
		g.buildHists(jobs)
		for _, pr := range pairs {
			parent := g.open[pr.parent].hist
			if parent == nil {
				continue
			}
			g.open[pr.parent].hist = nil
			small, large := pr.left, pr.right
			if g.open[pr.left].hist == nil {
				small, large = pr.right, pr.left
			}
			sh := g.open[small].hist
			for k := range parent {
				parent[k] -= sh[k]
			}
			g.open[large].hist = parent
			for _, id := range []int{pr.left, pr.right} {
				if g.splittable(id) {
					active = append(active, id)
				} else {
					g.putHist(g.open[id].hist)
					g.open[id].hist = nil
				}
			}
		}
	}
	for id := range g.nodes {
		if g.nodes[id].Feature < 0 {
			o := g.open[id]
			g.nodes[id].Value = p.LearningRate * leafWeight(o.g, o.h, p.Alpha, p.Lambda)
		}
	}
	return Tree{Nodes: append([]Node(nil), g.nodes...)}
}

func (g *grower) splittable(id int) bool {
	o := g.open[id]
	return o.c >= 2 && o.h >= 2*g.p.MinChildWeight
}

// partition splits the rows of parent into its children, keeping row order.
func (g *grower) partition(parent, left, right int) {
	nd := g.nodes[parent]
	f := &g.b.feats[nd.Feature]
	goLeft := make([]bool, f.nbins+1)
	for k := range goLeft[:f.nbins] {
		if f.categorical {
			goLeft[k] = nd.Categories.Has(k)
		} else {
			goLeft[k] = f.edges[k] <= nd.Threshold
		}
	}
	goLeft[f.nbins] = nd.MissingLeft
	zeroLeft := goLeft[f.zeroBin]
	lo, hi := uint32(f.offset), uint32(f.offset+f.nbins+1)
	o := g.open[parent]
	rows, tmp := g.rows[o.start:o.end], g.tmp[o.start:o.end]
	ptr, bins := g.b.ptr, g.b.bins
	nl, nr := 0, len(rows)
	if col := g.b.dense[nd.Feature]; col != nil {
		// Branch-free: write the row to both ends and advance one of them.
		// A write that is not kept is overwritten later (a slot below nl is
		// only rewritten by kept left writes, one at or above nr only by kept
		// right writes).
		left01 := make([]int, len(goLeft))
		for k, l := range goLeft {
			if l {
				left01[k] = 1
			}
		}
		for _, r := range rows {
			l := left01[col[r]]
			tmp[nl] = r
			tmp[nr-1] = r
			nl += l
			nr -= 1 - l
		}
		rows = rows[:0]
	}
	for _, r := range rows {
		toLeft := zeroLeft
		for k := ptr[r]; k < ptr[r+1]; k++ {
			b := bins[k]
			if b < lo {
				continue
			}
			if b < hi {
				toLeft = goLeft[b-lo]
			}
			break
		}
		if toLeft {
			tmp[nl] = r
			nl++
		} else {
			nr--
			tmp[nr] = r
		}
	}
	// The right rows were written backwards.
	rows = g.rows[o.start:o.end]
	for i, j := nl, len(rows)-1; i < j; i, j = i+1, j-1 {
		tmp[i], tmp[j] = tmp[j], tmp[i]
	}
	copy(rows, tmp)
	g.open[left].start, g.open[left].end = o.start, o.start+nl
	g.open[right].start, g.open[right].end = o.start+nl, o.end
}

// bestSplit returns the best split of the node over the allowed features
// (feat −1 when no split gains more than gamma).
func (g *grower) bestSplit(id int) candidate {
	p := g.p
	o := g.open[id]
	best := candidate{feat: -1, gain: math.Max(p.Gamma, 1e-12)}
	parent := leafScore(o.g, o.h, p.Alpha, p.Lambda)
	for j := range g.b.feats {
		if !g.featOK[j] {
			continue
		}
		f := &g.b.feats[j]
		h := o.hist[3*f.offset : 3*(f.offset+f.nbins+1)]
		var c candidate
		if f.categorical {
			c = categoricalSplit(h, f.nbins, o, parent, p)
		} else {
			c = numericSplit(h, f.nbins, o, parent, p)
		}
		if c.feat >= 0 && c.gain > best.gain {
			c.feat = j
			best = c
		}
	}
	return best
}

// splitGain is the loss reduction of sending (gl, hl, cl) left and the
// rest of the node right, or −Inf when a child is too small.
func splitGain(gl, hl, cl float64, o openNode, parent float64, p GBDTParams) float64 {
	gr, hr, cr := o.g-gl, o.h-hl, o.c-cl
	if cl < 1 || cr < 1 || hl < p.MinChildWeight || hr < p.MinChildWeight || hl <= 0 || hr <= 0 {
		return math.Inf(-1)
	}
	return 0.5 * (leafScore(gl, hl, p.Alpha, p.Lambda) + leafScore(gr, hr, p.Alpha, p.Lambda) - parent)
}

// numericSplit scans the thresholds of a numeric feature's histogram h
// (nbins value bins, then the missing bin), trying the missing values on
// either side. Without missing values in the node they go to the child with
// more rows.
func numericSplit(h []float64, nbins int, o openNode, parent float64, p GBDTParams) candidate {
	best := candidate{feat: -1, gain: math.Inf(-1)}
	gm, hm, cm := h[3*nbins], h[3*nbins+1], h[3*nbins+2]
	var gl, hl, cl float64
	for k := 0; k < nbins; k++ {
		if h[3*k+2] == 0 {
			continue
		}
		gl += h[3*k]
		hl += h[3*k+1]
		cl += h[3*k+2]
		if gain := splitGain(gl, hl, cl, o, parent, p); gain > best.gain {
			best = candidate{feat: 0, gain: gain, bin: k, gl: gl, hl: hl, cl: cl}
		}
		if cm > 0 {
			if gain := splitGain(gl+gm, hl+hm, cl+cm, o, parent, p); gain > best.gain {
				best = candidate{feat: 0, gain: gain, bin: k, missLeft: true, gl: gl + gm, hl: hl + hm, cl: cl + cm}
			}
		}
	}
	if best.feat >= 0 && cm == 0 {
		best.missLeft = best.cl > o.c-best.cl
	}
	return best
}

// categoricalSplit orders the categories of the node with enough rows by
// gradient over hessian and scans the splits between them in both orders,
// as LightGBM and scikit-learn do; categories with fewer rows go right.
// Missing values count as one more category.
func categoricalSplit(h []float64, nbins int, o openNode, parent float64, p GBDTParams) candidate {
	type cat struct {
		bin int
		key float64
	}
	var cats []cat
	for k := 0; k <= nbins; k++ {
		if c := h[3*k+2]; c >= catSupport {
			cats = append(cats, cat{k, h[3*k] / (h[3*k+1] + catSupport)})
		}
	}
	best := candidate{feat: -1, gain: math.Inf(-1)}
	if len(cats) == 0 {
		return best
	}
	sort.Slice(cats, func(a, b int) bool {
		if cats[a].key != cats[b].key {
			return cats[a].key < cats[b].key
		}
		return cats[a].bin < cats[b].bin
	})
	bestDir, bestLen := 0, 0
	for dir := 0; dir < 2; dir++ {
		var gl, hl, cl float64
		for t := 0; t < len(cats); t++ {
			k := cats[t].bin
			if dir == 1 {
				k = cats[len(cats)-1-t].bin
			}
			gl += h[3*k]
			hl += h[3*k+1]
			cl += h[3*k+2]
			if gain := splitGain(gl, hl, cl, o, parent, p); gain > best.gain {
				best = candidate{feat: 0, gain: gain, gl: gl, hl: hl, cl: cl}
				bestDir, bestLen = dir, t+1
			}
		}
	}
	if best.feat < 0 {
		return best
	}
	set := make(CategorySet, (nbins+63)/64)
	for t := 0; t < bestLen; t++ {
		k := cats[t].bin
		if bestDir == 1 {
			k = cats[len(cats)-1-t].bin
		}
		if k == nbins {
			best.missLeft = true
			continue
		}
		set[k/64] |= 1 << (k % 64)
	}
	for len(set) > 0 && set[len(set)-1] == 0 {
		set = set[:len(set)-1]
	}
	best.catLeft = set
	if h[3*nbins+2] == 0 {
		best.missLeft = best.cl > o.c-best.cl
	}
	return best
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
