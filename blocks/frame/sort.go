package frame

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Sort returns the frame sorted by one column, ascending unless desc; the
// sort is stable and nulls come last.
func (f *Frame) Sort(col string, desc bool) *Frame {
	return f.SortBy([]string{col}, []bool{desc})
}

// SortBy returns the frame sorted by several columns; desc[i] (missing means
// false) makes column i descending. The sort is stable and nulls come last
// in every column, whatever the direction.
func (f *Frame) SortBy(cols []string, desc []bool) *Frame {
	if len(desc) > len(cols) {
		failMsg("SortBy", ErrLength, "%d directions for %d columns", len(desc), len(cols))
	}
	keys := make([]*Series, len(cols))
	for i, n := range cols {
		keys[i] = f.cols[f.mustIndex("SortBy", n)]
	}
	idx := sortIndex(keys, desc, f.rows)
	if idx == nil {
		return f
	}
	return f.take(idx)
}

// sortIndex returns the stable sorting permutation of the rows by keys, or
// nil when the rows are already in order.
func sortIndex(keys []*Series, desc []bool, n int) []int {
	if len(keys) == 1 && keys[0].typ != Bool {
		return sortOne(keys[0], len(desc) > 0 && desc[0])
	}
	cmps := make([]func(a, b int) int, len(keys))
	for i, s := range keys {
		d := i < len(desc) && desc[i]
		cmps[i] = s.comparator(d)
	}
	less := func(a, b int) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return cmp.Compare(a, b) // stability
	}
	sorted := true
	for i := 1; i < n; i++ {
		if less(i-1, i) > 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	idx := hugeslice.Make[int](n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, less)
	return idx
}

// comparator returns a row comparison for s with nulls last.
func (s *Series) comparator(desc bool) func(a, b int) int {
	var c func(a, b int) int
	switch s.typ {
	case Int64, Timestamp, Duration:
		v := s.ints
		c = func(a, b int) int { return cmp.Compare(v[a], v[b]) }
	case Float64:
		v := s.floats
		c = func(a, b int) int { return cmp.Compare(v[a], v[b]) }
	case String:
		v := s.strs
		c = func(a, b int) int { return strings.Compare(v[a], v[b]) }
	case Bool:
		v := s.bools
		c = func(a, b int) int {
			x, y := 0, 0
			if v[a] {
				x = 1
			}
			if v[b] {
				y = 1
			}
			return x - y
		}
	}
	if desc {
		asc := c
		c = func(a, b int) int { return -asc(a, b) }
	}
	if s.valid == nil {
		return c
	}
	valid := s.valid
	return func(a, b int) int {
		va, vb := valid[a], valid[b]
		switch {
		case va && vb:
			return c(a, b)
		case va:
			return -1
		case vb:
			return 1
		}
		return 0
	}
}

type keyed[T any] struct {
	v T
	i int
}

// sortOne sorts by a single column: nulls are set aside (in row order) and
// the rest sorted as (value, row) pairs, which is stable and cache-friendly.
func sortOne(s *Series, desc bool) []int {
	switch s.typ {
	case Float64:
		return radixSortIndex(s, s.floats, desc, floatKey)
	case String:
		return sortPairs(s, s.strs, desc, strings.Compare)
	default:
		return radixSortIndex(s, s.ints, desc, intKey)
	}
}

// floatKey maps x to an unsigned key in the order of cmp.Compare: NaN
// first, -0 equal to +0.
func floatKey(x float64) uint64 {
	if x != x {
		return 0
	}
	if x == 0 {
		x = 0
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// intKey maps x to an unsigned key in the same order.
func intKey(x int64) uint64 { return uint64(x) ^ 1<<63 }

// radixBits is the digit width of radixSortIndex (2048 buckets fit in L1).
const radixBits = 11

// radixSortIndex returns the stable sorting permutation of the rows of s by
// key(vals[i]), nulls last in row order, or nil when the rows are already in
// order. It is an LSD radix sort of (key, row) pairs, which is stable; passes
// over digits that every key shares are skipped.
func radixSortIndex[T any](s *Series, vals []T, desc bool, key func(T) uint64) []int {
	n := s.n
	keys := hugeslice.Make[uint64](n)[:0]
	rows := hugeslice.Make[uint32](n)[:0]
	var nullRows []int
	var flip uint64
	if desc {
		flip = ^uint64(0)
	}
	sorted := true
	var prev uint64
	for i, v := range vals {
		if s.valid != nil && !s.valid[i] {
			nullRows = append(nullRows, i)
			continue
		}
		k := key(v) ^ flip
		if len(keys) > 0 && k < prev {
			sorted = false
		}
		prev = k
		keys = append(keys, k)
		rows = append(rows, uint32(i))
	}
	if sorted && (len(nullRows) == 0 || nullRows[0] == len(keys)) {
		return nil
	}
	const buckets = 1 << radixBits
	const passes = (64 + radixBits - 1) / radixBits
	var counts [passes][buckets]uint32
	for _, k := range keys {
		for p := range passes {
			counts[p][k>>(p*radixBits)&(buckets-1)]++
		}
	}
	m := len(keys)
	keys2 := hugeslice.Make[uint64](m)
	rows2 := hugeslice.Make[uint32](m)
	for p := range passes {
		c := &counts[p]
		if c[keys[0]>>(p*radixBits)&(buckets-1)] == uint32(m) {
			continue // every key has this digit
		}
		var sum uint32
		for b := range c {
			c[b], sum = sum, sum+c[b]
		}
		shift := p * radixBits
		for j, k := range keys {
			d := k >> shift & (buckets - 1)
			at := c[d]
			c[d]++
			keys2[at] = k
			rows2[at] = rows[j]
		}
		keys, keys2 = keys2, keys
		rows, rows2 = rows2, rows
	}
	idx := make([]int, 0, n)
	for _, r := range rows {
		idx = append(idx, int(r))
	}
	return append(idx, nullRows...)
}

func sortPairs[T any](s *Series, vals []T, desc bool, c func(a, b T) int) []int {
	pairs := make([]keyed[T], 0, s.n)
	var nullRows []int
	sorted := true
	for i, v := range vals {
		if s.valid != nil && !s.valid[i] {
			nullRows = append(nullRows, i)
			continue
		}
		if sorted && len(pairs) > 0 {
			r := c(pairs[len(pairs)-1].v, v)
			if desc {
				r = -r
			}
			sorted = r <= 0
		}
		pairs = append(pairs, keyed[T]{v, i})
	}
	if sorted && (len(nullRows) == 0 || nullRows[0] == len(pairs)) {
		return nil
	}
	if desc {
		slices.SortFunc(pairs, func(a, b keyed[T]) int {
			if r := c(b.v, a.v); r != 0 {
				return r
			}
			return cmp.Compare(a.i, b.i)
		})
	} else {
		slices.SortFunc(pairs, func(a, b keyed[T]) int {
			if r := c(a.v, b.v); r != 0 {
				return r
			}
			return cmp.Compare(a.i, b.i)
		})
	}
	idx := make([]int, 0, s.n)
	for _, p := range pairs {
		idx = append(idx, p.i)
	}
	return append(idx, nullRows...)
}
