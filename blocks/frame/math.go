package frame

import (
	"math"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// mapFloat applies fn to every value of a numeric series (int64 or float64)
// and returns float64; a NaN result is null (the log of a negative number,
// for example), nulls stay null.
func (s *Series) mapFloat(op string, fn func(float64) float64) *Series {
	if !s.typ.isNumeric() {
		s.typeFail(op, "numeric")
	}
	src := s.rawFloats()
	out := hugeslice.Make[float64](s.n)
	var valid []bool
	for i, x := range src {
		y := fn(x)
		if y != y && (s.valid == nil || s.valid[i]) {
			if valid == nil {
				valid = validCopy(s.valid, s.n)
			}
			valid[i] = false
			y = 0
		}
		out[i] = y
	}
	if valid == nil {
		valid = s.valid
	}
	return (&Series{name: s.name, typ: Float64, floats: out, n: s.n}).withNullMask(valid)
}

// Log returns the natural logarithm as float64; Log of 0 is -Inf, of a
// negative number null.
func (s *Series) Log() *Series { return s.mapFloat("Log", math.Log) }

// Log1p returns log(1+x) as float64, accurate for small x (pandas' np.log1p).
func (s *Series) Log1p() *Series { return s.mapFloat("Log1p", math.Log1p) }

// Exp returns e**x as float64.
func (s *Series) Exp() *Series { return s.mapFloat("Exp", math.Exp) }

// Sqrt returns the square root as float64; of a negative number null.
func (s *Series) Sqrt() *Series { return s.mapFloat("Sqrt", math.Sqrt) }

// Pow returns x**p as float64; a result that is not a real number (a
// negative number to a fractional power) is null.
func (s *Series) Pow(p float64) *Series {
	return s.mapFloat("Pow", func(x float64) float64 { return math.Pow(x, p) })
}

// Clip limits the values to [lo, hi]; use math.Inf for an open side. An
// int64 series stays int64 when lo and hi are whole numbers (or infinite).
func (s *Series) Clip(lo, hi float64) *Series {
	if lo > hi {
		failMsg("Clip", ErrRange, "lo %g > hi %g (column %q)", lo, hi, s.name)
	}
	whole := func(v float64) bool { return math.IsInf(v, 0) || v == math.Trunc(v) }
	if s.typ == Int64 && whole(lo) && whole(hi) {
		l, h := int64(math.MinInt64), int64(math.MaxInt64)
		if !math.IsInf(lo, 0) {
			l = int64(lo)
		}
		if !math.IsInf(hi, 0) {
			h = int64(hi)
		}
		out := hugeslice.Make[int64](s.n)
		for i, x := range s.ints {
			out[i] = min(max(x, l), h)
		}
		return &Series{name: s.name, typ: Int64, ints: out, valid: s.valid, n: s.n}
	}
	return s.mapFloat("Clip", func(x float64) float64 { return math.Min(math.Max(x, lo), hi) })
}

// Round rounds to the given number of decimals (half away from zero);
// negative decimals round to tens, hundreds, ... An int64 series is
// returned as it is for decimals >= 0.
func (s *Series) Round(decimals int) *Series {
	if s.typ == Int64 && decimals >= 0 {
		return s
	}
	p := math.Pow(10, float64(decimals))
	return s.mapFloat("Round", func(x float64) float64 {
		if math.IsInf(x, 0) {
			return x
		}
		return math.Round(x*p) / p
	})
}
