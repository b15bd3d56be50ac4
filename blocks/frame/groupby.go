package frame

import (
	"math"
	"slices"
	"strconv"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Groups is a frame split into groups by key columns; aggregate it with Agg.
type Groups struct {
	f     *Frame
	keys  []string
	codes []int32 // group of each row
	first []int   // first row of each group
	order []int   // groups in output (key-sorted) order
}

// GroupBy groups the rows by the values of one or more key columns of any
// type (a null key forms its own group). Aggregate with Agg; the output is
// sorted by the keys, nulls last.
func (f *Frame) GroupBy(cols ...string) *Groups {
	if len(cols) == 0 {
		failMsg("GroupBy", ErrNoColumn, "no key columns (columns: %s)", joinNames(f.Columns()))
	}
	keys := make([]*Series, len(cols))
	for i, n := range cols {
		keys[i] = f.cols[f.mustIndex("GroupBy", n)]
	}
	codes, first := factorizeMany(keys, f.rows)
	// Sort the groups by their key values.
	kf := make([]*Series, len(keys))
	for i, k := range keys {
		kf[i] = k.take(first)
	}
	order := sortIndex(kf, nil, len(first))
	if order == nil {
		order = make([]int, len(first))
		for i := range order {
			order[i] = i
		}
	}
	return &Groups{f: f, keys: cols, codes: codes, first: first, order: order}
}

// NumGroups returns the number of groups.
func (g *Groups) NumGroups() int { return len(g.first) }

// Agg is one aggregation of a group: build it with Count, Sum, Mean, Min,
// Max, Median, Quantile or Std, and rename its output column with As.
type Agg struct {
	kind string
	col  string
	name string
	q    float64 // for quantile
}

// As returns the aggregation with its output column called name.
func (a Agg) As(name string) Agg { a.name = name; return a }

func (a Agg) outName() string {
	if a.name != "" {
		return a.name
	}
	switch a.kind {
	case "count":
		return "count"
	case "quantile":
		return a.col + "_q" + strconv.FormatFloat(a.q*100, 'f', -1, 64)
	}
	return a.col + "_" + a.kind
}

// Count counts the rows of each group; its column is "count".
func Count() Agg { return Agg{kind: "count"} }

// Sum sums a column per group (nulls skipped); int64 and duration columns
// keep their type, others give float64. Its column is "<col>_sum".
func Sum(col string) Agg { return Agg{kind: "sum", col: col} }

// Mean averages a column per group (nulls skipped) as float64; "<col>_mean".
func Mean(col string) Agg { return Agg{kind: "mean", col: col} }

// Min takes the smallest non-null value per group, keeping the column type; "<col>_min".
func Min(col string) Agg { return Agg{kind: "min", col: col} }

// Max takes the largest non-null value per group, keeping the column type; "<col>_max".
func Max(col string) Agg { return Agg{kind: "max", col: col} }

// Median takes the median of the non-null values per group as float64; "<col>_median".
func Median(col string) Agg { return Agg{kind: "quantile", col: col, q: 0.5, name: col + "_median"} }

// Quantile takes the q-quantile (0 ≤ q ≤ 1, linear interpolation as pandas)
// of the non-null values per group as float64; its column is "<col>_q<100q>",
// for example "fare_q90" for q = 0.9.
func Quantile(col string, q float64) Agg {
	if q < 0 || q > 1 || q != q {
		failMsg("Quantile", ErrRange, "q %g outside [0, 1] (column %q)", q, col)
	}
	return Agg{kind: "quantile", col: col, q: q}
}

// Std takes the sample standard deviation (n−1, as pandas) of the non-null
// values per group as float64 (null for fewer than two); "<col>_std".
func Std(col string) Agg { return Agg{kind: "std", col: col} }

// Transform computes one aggregation per group and returns it on every row of
// the frame (a group's value repeated on its rows, pandas' transform), named
// as the aggregation's column.
//
//	med := f.GroupBy("Pclass").Transform(frame.Median("Age"))
//	f = f.With("Age", f.Col("Age").FillNull(med))
func (g *Groups) Transform(a Agg) *Series {
	s := g.aggregateOne(a)
	idx := hugeslice.Make[int](len(g.codes))
	for i, c := range g.codes {
		idx[i] = int(c)
	}
	return s.take(idx).Rename(a.outName())
}

// aggregateOne computes a per group, in group-code order.
func (g *Groups) aggregateOne(a Agg) *Series {
	if a.kind == "count" {
		counts := make([]int64, len(g.first))
		for _, c := range g.codes {
			counts[c]++
		}
		return NewInts("", counts)
	}
	return g.aggregate(a, g.f.cols[g.f.mustIndex("Agg", a.col)])
}

// Agg computes the aggregations for every group and returns a frame of the key
// columns followed by one column per aggregation, one row per group, sorted
// by the keys. With no aggregations it returns the keys and a count.
func (g *Groups) Agg(aggs ...Agg) *Frame {
	if len(aggs) == 0 {
		aggs = []Agg{Count()}
	}
	ng := len(g.first)
	var cols []*Series
	firstSorted := make([]int, ng)
	for i, gi := range g.order {
		firstSorted[i] = g.first[gi]
	}
	for _, k := range g.keys {
		cols = append(cols, g.f.Col(k).take(firstSorted))
	}
	for _, a := range aggs {
		cols = append(cols, g.aggregateOne(a).take(g.order).Rename(a.outName()))
	}
	f, err := New(cols...)
	if err != nil {
		panic(&Error{Op: "Agg", Err: err.(*Error).Err})
	}
	return f
}

// aggregate computes one aggregation per group in group-code order.
func (g *Groups) aggregate(a Agg, s *Series) *Series {
	ng := len(g.first)
	op := "Agg " + a.kind
	switch s.typ {
	case String:
		if a.kind != "min" && a.kind != "max" {
			failMsg(op, ErrType, "column %q is %s, want numeric", s.name, s.typ)
		}
	case Bool:
		if a.kind == "min" || a.kind == "max" {
			failMsg(op, ErrType, "column %q is %s, want numeric or string", s.name, s.typ)
		}
		s = s.AsInt()
	case Timestamp:
		if a.kind != "min" && a.kind != "max" {
			failMsg(op, ErrType, "column %q is %s, want numeric", s.name, s.typ)
		}
	}
	isNull := func(i int) bool { return s.valid != nil && !s.valid[i] }
	n := make([]int64, ng)
	for i, c := range g.codes {
		if !isNull(i) {
			n[c]++
		}
	}
	validFromCounts := func() []bool {
		v := make([]bool, ng)
		for i, c := range n {
			v[i] = c > 0
		}
		return v
	}
	switch a.kind {
	case "sum", "mean":
		if s.typ.isIntBacked() && a.kind == "sum" {
			out := make([]int64, ng)
			for i, c := range g.codes {
				out[c] += s.ints[i] // null slots hold 0
			}
			if s.valid != nil {
				clear(out)
				for i, c := range g.codes {
					if s.valid[i] {
						out[c] += s.ints[i]
					}
				}
			}
			return &Series{typ: s.typ, ints: out, n: ng}
		}
		out := make([]float64, ng)
		if s.typ == Float64 {
			for i, c := range g.codes {
				if !isNull(i) {
					out[c] += s.floats[i]
				}
			}
		} else {
			for i, c := range g.codes {
				if !isNull(i) {
					out[c] += float64(s.ints[i])
				}
			}
		}
		if a.kind == "sum" {
			return NewFloats("", out)
		}
		for i := range out {
			out[i] /= float64(n[i])
		}
		if s.typ == Duration {
			return (&Series{typ: Duration, ints: roundAll(out), n: ng}).withMask(validFromCounts())
		}
		return NewFloats("", out).withMask(validFromCounts())
	case "min", "max":
		isMax := a.kind == "max"
		seen := make([]bool, ng)
		res := alloc("", s.typ, ng)
		for i, c := range g.codes {
			if isNull(i) {
				continue
			}
			switch s.typ {
			case Float64:
				v := s.floats[i]
				if !seen[c] || (isMax && v > res.floats[c]) || (!isMax && v < res.floats[c]) {
					res.floats[c] = v
				}
			case String:
				v := s.strs[i]
				if !seen[c] || (isMax && v > res.strs[c]) || (!isMax && v < res.strs[c]) {
					res.strs[c] = v
				}
			default:
				v := s.ints[i]
				if !seen[c] || (isMax && v > res.ints[c]) || (!isMax && v < res.ints[c]) {
					res.ints[c] = v
				}
			}
			seen[c] = true
		}
		return res.withMask(seen)
	case "quantile", "std":
		// Counting sort of the rows by group, then a quantile per group.
		start := make([]int64, ng+1)
		for i := range n {
			start[i+1] = start[i] + n[i]
		}
		vals := make([]float64, start[ng])
		pos := slices.Clone(start[:ng])
		raw := s.rawFloats()
		for i, c := range g.codes {
			if !isNull(i) {
				vals[pos[c]] = raw[i]
				pos[c]++
			}
		}
		out := make([]float64, ng)
		for gi := range out {
			part := vals[start[gi]:start[gi+1]]
			if a.kind == "std" {
				out[gi] = stdOf(part)
				continue
			}
			slices.Sort(part)
			out[gi] = quantileSorted(part, a.q)
		}
		if a.kind == "std" {
			v := validFromCounts()
			for i, c := range n {
				v[i] = c > 1
			}
			if s.typ == Duration {
				return (&Series{typ: Duration, ints: roundAll(out), n: ng}).withNullMask(v)
			}
			return NewFloats("", out).withNullMask(v)
		}
		if s.typ == Duration {
			return (&Series{typ: Duration, ints: roundAll(out), n: ng}).withMask(validFromCounts())
		}
		return NewFloats("", out).withMask(validFromCounts())
	}
	failMsg("Agg", ErrUnsupported, "unknown aggregation %q", a.kind)
	return nil
}

func roundAll(v []float64) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		if !math.IsNaN(x) {
			out[i] = int64(math.Round(x))
		}
	}
	return out
}
