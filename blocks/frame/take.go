package frame

import (
	"github.com/golemlabs/golem/internal/parallel"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// gather returns a[idx[0]], a[idx[1]], ...
func gather[T any](a []T, idx []int) []T {
	if a == nil {
		return nil
	}
	out := hugeslice.Make[T](len(idx))
	for i, j := range idx {
		out[i] = a[j]
	}
	return out
}

// take returns the rows of s at idx (which must be in range).
func (s *Series) take(idx []int) *Series {
	c := &Series{name: s.name, typ: s.typ, n: len(idx)}
	c.ints = gather(s.ints, idx)
	c.floats = gather(s.floats, idx)
	c.strs = gather(s.strs, idx)
	c.bools = gather(s.bools, idx)
	if s.valid != nil {
		c.withMask(gather(s.valid, idx))
	}
	return c
}

// slice returns rows [i, j) of s sharing storage.
func (s *Series) slice(i, j int) *Series {
	c := &Series{name: s.name, typ: s.typ, n: j - i}
	if s.ints != nil {
		c.ints = s.ints[i:j:j]
	}
	if s.floats != nil {
		c.floats = s.floats[i:j:j]
	}
	if s.strs != nil {
		c.strs = s.strs[i:j:j]
	}
	if s.bools != nil {
		c.bools = s.bools[i:j:j]
	}
	if s.valid != nil {
		c.withMask(s.valid[i:j:j])
	}
	return c
}

// eachCol runs fn for every column index, on two goroutines for big frames.
func eachCol(ncols, rows int, fn func(i int)) {
	parallel.For(ncols, parallel.Workers(rows), func(i int) error { fn(i); return nil })
}

// take returns the rows of f at idx.
func (f *Frame) take(idx []int) *Frame {
	cols := make([]*Series, len(f.cols))
	eachCol(len(cols), len(idx), func(i int) { cols[i] = f.cols[i].take(idx) })
	return &Frame{cols: cols, rows: len(idx)}
}
