package frame

import (
	"math"
	"slices"
)

// nonNullFloats returns the non-null values as float64 (a new slice).
func (s *Series) nonNullFloats(op string) []float64 {
	if s.typ == String {
		failMsg(op, ErrType, "column %q is %s, want numeric", s.name, s.typ)
	}
	out := make([]float64, 0, s.n)
	switch s.typ {
	case Float64:
		if s.valid == nil {
			return append(out, s.floats...)
		}
		for i, v := range s.floats {
			if s.valid[i] {
				out = append(out, v)
			}
		}
	case Bool:
		for i, v := range s.bools {
			if !s.IsNull(i) {
				f := 0.0
				if v {
					f = 1
				}
				out = append(out, f)
			}
		}
	default:
		for i, v := range s.ints {
			if s.valid == nil || s.valid[i] {
				out = append(out, float64(v))
			}
		}
	}
	return out
}

// Count returns the number of non-null values.
func (s *Series) Count() int { return s.n - s.NullCount() }

// Sum returns the sum of the non-null values (0 when there are none).
// Timestamps and durations sum their microseconds; bools count trues.
func (s *Series) Sum() float64 {
	switch s.typ {
	case Float64:
		t := 0.0
		if s.valid == nil {
			for _, v := range s.floats {
				t += v
			}
		} else {
			for i, v := range s.floats {
				if s.valid[i] {
					t += v
				}
			}
		}
		return t
	case Int64, Timestamp, Duration:
		var t int64
		for _, v := range s.ints { // null slots hold 0 or are masked below
			t += v
		}
		if s.valid != nil {
			t = 0
			for i, v := range s.ints {
				if s.valid[i] {
					t += v
				}
			}
		}
		return float64(t)
	}
	t := 0.0
	for _, v := range s.nonNullFloats("Sum") {
		t += v
	}
	return t
}

// Mean returns the mean of the non-null values (NaN when there are none).
func (s *Series) Mean() float64 {
	c := s.Count()
	if s.typ == String {
		s.typeFail("Mean", "numeric")
	}
	if c == 0 {
		return math.NaN()
	}
	return s.Sum() / float64(c)
}

// Std returns the sample standard deviation (n−1 denominator, as pandas) of
// the non-null values; NaN for fewer than two values.
func (s *Series) Std() float64 {
	v := s.nonNullFloats("Std")
	return stdOf(v)
}

func stdOf(v []float64) float64 {
	if len(v) < 2 {
		return math.NaN()
	}
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		d := x - m
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(v)-1))
}

// Min returns the smallest non-null value as float64 (NaN when there are none).
func (s *Series) Min() float64 { return s.extreme("Min", false) }

// Max returns the largest non-null value as float64 (NaN when there are none).
func (s *Series) Max() float64 { return s.extreme("Max", true) }

func (s *Series) extreme(op string, isMax bool) float64 {
	switch s.typ {
	case Int64, Timestamp, Duration:
		found := false
		var best int64
		for i, v := range s.ints {
			if s.valid != nil && !s.valid[i] {
				continue
			}
			if !found || (isMax && v > best) || (!isMax && v < best) {
				best, found = v, true
			}
		}
		if !found {
			return math.NaN()
		}
		return float64(best)
	case Float64:
		best := math.NaN()
		for i, v := range s.floats {
			if (s.valid != nil && !s.valid[i]) || v != v {
				continue
			}
			if best != best || (isMax && v > best) || (!isMax && v < best) {
				best = v
			}
		}
		return best
	}
	v := s.nonNullFloats(op)
	if len(v) == 0 {
		return math.NaN()
	}
	if isMax {
		return slices.Max(v)
	}
	return slices.Min(v)
}

// Median returns the 0.5 quantile.
func (s *Series) Median() float64 { return s.Quantile(0.5) }

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the non-null values with
// linear interpolation, as pandas; NaN when there are none.
func (s *Series) Quantile(q float64) float64 {
	if q < 0 || q > 1 || q != q {
		failMsg("Quantile", ErrRange, "q %g outside [0, 1] (column %q)", q, s.name)
	}
	v := s.nonNullFloats("Quantile")
	slices.Sort(v)
	return quantileSorted(v, q)
}

// Quantiles returns the qs-quantiles of the non-null values (one sort for
// all of them), as Quantile.
//
//	q := f.Col("fare").Quantiles(0.25, 0.5, 0.75)
func (s *Series) Quantiles(qs ...float64) []float64 {
	for _, q := range qs {
		if q < 0 || q > 1 || q != q {
			failMsg("Quantiles", ErrRange, "q %g outside [0, 1] (column %q)", q, s.name)
		}
	}
	v := s.nonNullFloats("Quantiles")
	slices.Sort(v)
	out := make([]float64, len(qs))
	for i, q := range qs {
		out[i] = quantileSorted(v, q)
	}
	return out
}

func quantileSorted(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(v)-1)
	frac := pos - float64(lo)
	if frac == 0 {
		return v[lo]
	}
	return v[lo] + (v[hi]-v[lo])*frac
}

// Unique returns the distinct values in order of first appearance (a null,
// if any, appears once).
func (s *Series) Unique() *Series {
	_, first := s.factorize()
	return s.take(first)
}

// NUnique returns the number of distinct non-null values.
func (s *Series) NUnique() int {
	_, first := s.factorize()
	if s.NullCount() > 0 {
		return len(first) - 1
	}
	return len(first)
}

// ValueCounts returns a frame with columns "value" (the distinct non-null
// values) and "count" (int64), sorted by count descending, then by value.
func (s *Series) ValueCounts() *Frame {
	codes, first := s.factorize()
	counts := make([]int64, len(first))
	for _, c := range codes {
		counts[c]++
	}
	keep := first[:0:0]
	cnt := make([]int64, 0, len(first))
	for g, r := range first {
		if s.IsNull(r) {
			continue
		}
		keep = append(keep, r)
		cnt = append(cnt, counts[g])
	}
	f := MustNew(s.take(keep).Rename("value"), NewInts("count", cnt))
	return f.SortBy([]string{"count", "value"}, []bool{true, false})
}
