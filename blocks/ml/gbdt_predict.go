package ml

import "math"

// flatNode is a Node packed for prediction (32 bytes); the categories of all
// categorical splits share one bitset slice.
type flatNode struct {
	feat        int32 // −1 for a leaf
	left, right int32 // node indices in the flat slice
	catOff      int32 // categorical: offset of the bitset in cats, else −1
	catLen      int32
	missLeft    bool
	value       float64 // threshold, or the leaf value
}

// forest is a set of trees compiled for prediction.
type forest struct {
	nodes []flatNode
	cats  []uint64
	roots []int32
}

func compileForest(trees []Tree) *forest {
	f := &forest{}
	for t := range trees {
		f.add(&trees[t])
	}
	return f
}

// add appends a tree.
func (f *forest) add(t *Tree) {
	base := int32(len(f.nodes))
	for _, nd := range t.Nodes {
		fn := flatNode{feat: int32(nd.Feature), catOff: -1, missLeft: nd.MissingLeft}
		switch {
		case nd.Feature < 0:
			fn.value = nd.Value
		case nd.Categorical:
			fn.catOff, fn.catLen = int32(len(f.cats)), int32(len(nd.Categories))
			f.cats = append(f.cats, nd.Categories...)
		default:
			fn.value = nd.Threshold
		}
		if nd.Feature >= 0 {
			fn.left, fn.right = base+int32(nd.Left), base+int32(nd.Right)
		}
		f.nodes = append(f.nodes, fn)
	}
	f.roots = append(f.roots, base)
}

// walk returns the leaf value of tree t for the dense row x.
func (f *forest) walk(t int, x []float64) float64 {
	nodes := f.nodes
	nd := &nodes[f.roots[t]]
	for nd.feat >= 0 {
		v := x[nd.feat]
		var left bool
		switch {
		case v != v: // NaN: missing
			left = nd.missLeft
		case nd.catOff >= 0:
			left = false
			if v >= 0 && v < maxCategory && v == math.Trunc(v) {
				c := int32(v)
				if w := c / 64; w < nd.catLen {
					left = f.cats[nd.catOff+w]&(1<<(c%64)) != 0
				}
			}
		default:
			left = v <= nd.value
		}
		if left {
			nd = &nodes[nd.left]
		} else {
			nd = &nodes[nd.right]
		}
	}
	return nd.value
}

// rowScratch expands sparse rows into a dense vector, one row at a time.
type rowScratch struct {
	x []float64
}

// load sets the scratch to row i of X and returns it; unload clears it.
func (s *rowScratch) load(X *CSR, i int) []float64 {
	if s.x == nil {
		s.x = make([]float64, X.Cols)
	}
	for k := X.Indptr[i]; k < X.Indptr[i+1]; k++ {
		s.x[X.Indices[k]] = X.Data[k]
	}
	return s.x
}

func (s *rowScratch) unload(X *CSR, i int) {
	for k := X.Indptr[i]; k < X.Indptr[i+1]; k++ {
		s.x[X.Indices[k]] = 0
	}
}

// addTree adds tree t's value to out[i*stride+k] for the rows of X (all
// rows, or the listed ones).
func (f *forest) addTree(t int, X *CSR, rows []int32, out []float64, stride, k, workers int) {
	n := X.Rows
	if rows != nil {
		n = len(rows)
	}
	parallelRows(n, workers, func(lo, hi int) {
		var s rowScratch
		for j := lo; j < hi; j++ {
			i := j
			if rows != nil {
				i = int(rows[j])
			}
			out[i*stride+k] += f.walk(t, s.load(X, i))
			s.unload(X, i)
		}
	})
}
