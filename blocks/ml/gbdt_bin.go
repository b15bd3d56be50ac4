package ml

import (
	"fmt"
	"math"
	"sort"
)

// maxCategory bounds the category codes of a categorical feature: each code
// gets its own histogram bin, and the missing bin comes after them.
const maxCategory = 1<<16 - 1

// featureBins describes how one feature is cut into histogram bins. A
// numeric feature has len(edges) value bins (bin k holds the values at most
// edges[k]); a categorical feature has one bin per category code. Every
// feature has one more bin after its value bins for missing values (NaN).
type featureBins struct {
	categorical bool
	edges       []float64 // numeric: ascending upper edges, the last +Inf
	nbins       int       // value bins; the missing bin is nbins
	offset      int       // global index of the feature's bin 0
	zeroBin     int       // bin of absent entries (the value 0)
}

// binnedRows is the training matrix with every stored entry replaced by its
// global bin (feature offset + bin), row by row, as the CSR input is laid
// out. Absent entries are not stored: they fall in their feature's zero
// bin, which histograms fill from the node totals.
type binnedRows struct {
	n, p  int
	ptr   []int
	bins  []uint32
	feats []featureBins
	total int // bins over all features, missing bins included
	// binFeat maps a global bin back to its feature.
	binFeat []int32
	// dense holds, for features stored in at least half of the rows, the
	// feature's own bin of every row (absent entries in the zero bin), so
	// that partitioning rows reads one value per row; nil for the others.
	dense [][]uint16
}

// binRows bins X for training. Numeric features get at most maxBins quantile
// bins; categorical ones (cat[j]) one bin per code, which must be a whole
// number in [0, 65536).
func binRows(X *CSR, maxBins int, cat []bool) (*binnedRows, error) {
	n, p := X.Rows, X.Cols
	b := &binnedRows{n: n, p: p, ptr: X.Indptr, bins: make([]uint32, len(X.Indices)), feats: make([]featureBins, p)}
	// Values per column, NaN left out, to find quantile edges.
	counts := make([]int, p)
	for _, j := range X.Indices {
		counts[j]++
	}
	colPtr := make([]int, p+1)
	for j := 0; j < p; j++ {
		colPtr[j+1] = colPtr[j] + counts[j]
	}
	vals := make([]float64, len(X.Indices))
	next := append([]int(nil), colPtr[:p]...)
	nonNaN := make([]int, p)
	for k, j := range X.Indices {
		v := X.Data[k]
		if math.IsNaN(v) {
			continue
		}
		if cat[j] && (v < 0 || v >= maxCategory || v != math.Trunc(v)) {
			row := sort.Search(n, func(i int) bool { return X.Indptr[i+1] > k })
			return nil, fmt.Errorf("row %d, feature %d: %v is not a category code (a whole number in [0, %d)): %w", row, j, v, maxCategory, ErrParam)
		}
		vals[next[j]] = v
		next[j]++
		nonNaN[j]++
	}
	off := 0
	for j := 0; j < p; j++ {
		f := &b.feats[j]
		v := vals[colPtr[j] : colPtr[j]+nonNaN[j]]
		zeros := n - counts[j]
		if cat[j] {
			f.categorical = true
			hi := 0.0
			for _, x := range v {
				hi = math.Max(hi, x)
			}
			f.nbins = int(hi) + 1
			f.zeroBin = 0
		} else {
			f.edges = binEdges(v, zeros, maxBins)
			f.nbins = len(f.edges)
			f.zeroBin = sort.SearchFloat64s(f.edges, 0)
		}
		f.offset = off
		off += f.nbins + 1
	}
	b.total = off
	b.binFeat = make([]int32, off)
	for j := range b.feats {
		f := &b.feats[j]
		for k := 0; k <= f.nbins; k++ {
			b.binFeat[f.offset+k] = int32(j)
		}
	}
	for k, j := range X.Indices {
		b.bins[k] = uint32(b.feats[j].bin(X.Data[k]))
	}
	b.dense = make([][]uint16, p)
	for j := 0; j < p; j++ {
		if 2*counts[j] >= n {
			col := make([]uint16, n)
			z := uint16(b.feats[j].zeroBin)
			for i := range col {
				col[i] = z
			}
			b.dense[j] = col
		}
	}
	for i := 0; i < n; i++ {
		for k := X.Indptr[i]; k < X.Indptr[i+1]; k++ {
			if col := b.dense[X.Indices[k]]; col != nil {
				col[i] = uint16(int(b.bins[k]) - b.feats[X.Indices[k]].offset)
			}
		}
	}
	return b, nil
}

// bin returns the global bin of value v of the feature.
func (f *featureBins) bin(v float64) int {
	switch {
	case math.IsNaN(v):
		return f.offset + f.nbins
	case f.categorical:
		return f.offset + int(v)
	}
	return f.offset + sort.SearchFloat64s(f.edges, v)
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
