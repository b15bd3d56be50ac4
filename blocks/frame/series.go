package frame

import (
	"math"
	"strconv"
	"time"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Series is a named, typed column with a null mask. Series are immutable;
// operations return new Series that may share storage with their inputs.
type Series struct {
	name   string
	typ    Type
	ints   []int64   // Int64, Timestamp, Duration
	floats []float64 // Float64
	strs   []string  // String
	bools  []bool    // Bool
	valid  []bool    // nil: no nulls; else valid[i] is false for a null
	n      int
}

// NewInts returns an int64 series.
func NewInts(name string, v []int64) *Series {
	return &Series{name: name, typ: Int64, ints: v, n: len(v)}
}

// NewFloats returns a float64 series. NaN values are values, not nulls; use
// WithNulls to mark nulls.
func NewFloats(name string, v []float64) *Series {
	return &Series{name: name, typ: Float64, floats: v, n: len(v)}
}

// NewStrings returns a string series.
func NewStrings(name string, v []string) *Series {
	return &Series{name: name, typ: String, strs: v, n: len(v)}
}

// NewBools returns a bool series.
func NewBools(name string, v []bool) *Series {
	return &Series{name: name, typ: Bool, bools: v, n: len(v)}
}

// NewTimes returns a timestamp series holding the wall-clock reading of each
// time (its location is dropped: timestamps are naive).
func NewTimes(name string, v []time.Time) *Series {
	us := make([]int64, len(v))
	for i, t := range v {
		us[i] = timeToMicros(t)
	}
	return &Series{name: name, typ: Timestamp, ints: us, n: len(v)}
}

// NewDurations returns a duration series (stored in microseconds).
func NewDurations(name string, v []time.Duration) *Series {
	us := make([]int64, len(v))
	for i, d := range v {
		us[i] = d.Microseconds()
	}
	return &Series{name: name, typ: Duration, ints: us, n: len(v)}
}

// NewTimestampMicros returns a timestamp series from naive wall-clock
// microseconds since 1970-01-01 00:00:00.
func NewTimestampMicros(name string, us []int64) *Series {
	return &Series{name: name, typ: Timestamp, ints: us, n: len(us)}
}

// NewDurationMicros returns a duration series from microseconds.
func NewDurationMicros(name string, us []int64) *Series {
	return &Series{name: name, typ: Duration, ints: us, n: len(us)}
}

// NewNulls returns a series of n nulls of type t.
func NewNulls(name string, t Type, n int) *Series {
	s := alloc(name, t, n)
	s.valid = hugeslice.Make[bool](n)
	return s
}

// alloc returns a zeroed series of type t and length n without a null mask.
func alloc(name string, t Type, n int) *Series {
	s := &Series{name: name, typ: t, n: n}
	switch t {
	case Int64, Timestamp, Duration:
		s.ints = hugeslice.Make[int64](n)
	case Float64:
		s.floats = hugeslice.Make[float64](n)
	case String:
		s.strs = hugeslice.Make[string](n)
	case Bool:
		s.bools = hugeslice.Make[bool](n)
	}
	return s
}

// WithNulls returns a copy of s in which row i is null where valid[i] is
// false. It panics if len(valid) differs from s.Len().
func (s *Series) WithNulls(valid []bool) *Series {
	if len(valid) != s.n {
		failMsg("WithNulls", ErrLength, "length mismatch %d vs %d (column %q)", len(valid), s.n, s.name)
	}
	c := *s
	c.valid = nil
	for _, ok := range valid {
		if !ok {
			c.valid = append([]bool(nil), valid...)
			break
		}
	}
	c.zeroNulls()
	return &c
}

// zeroNulls makes null slots hold the zero value, copying the data only when one of them does
// not already.
func (s *Series) zeroNulls() {
	if s.valid == nil {
		return
	}
	switch {
	case s.ints != nil:
		s.ints = zeroed(s.ints, s.valid)
	case s.floats != nil:
		s.floats = zeroed(s.floats, s.valid)
	case s.strs != nil:
		s.strs = zeroed(s.strs, s.valid)
	case s.bools != nil:
		s.bools = zeroed(s.bools, s.valid)
	}
}

// zeroed returns v with the zero value wherever valid is false: v itself when it holds zeros
// there already, else a copy.
func zeroed[T comparable](v []T, valid []bool) []T {
	var zero T
	for i, ok := range valid {
		if !ok && v[i] != zero {
			out := append([]T(nil), v...)
			for j, ok := range valid[i:] {
				if !ok {
					out[i+j] = zero
				}
			}
			return out
		}
	}
	return v
}

// Name returns the series name.
func (s *Series) Name() string { return s.name }

// Type returns the element type.
func (s *Series) Type() Type { return s.typ }

// Len returns the number of rows.
func (s *Series) Len() int { return s.n }

// NullCount returns the number of null rows.
func (s *Series) NullCount() int {
	if s.valid == nil {
		return 0
	}
	c := 0
	for _, ok := range s.valid {
		if !ok {
			c++
		}
	}
	return c
}

// IsNull reports whether row i is null.
func (s *Series) IsNull(i int) bool { return s.valid != nil && !s.valid[i] }

// Value returns row i as int64, float64, string, bool, time.Time or
// time.Duration, or nil when it is null.
func (s *Series) Value(i int) any {
	if i < 0 || i >= s.n {
		failMsg("Value", ErrRange, "index %d out of range [0, %d) (column %q)", i, s.n, s.name)
	}
	if s.IsNull(i) {
		return nil
	}
	switch s.typ {
	case Int64:
		return s.ints[i]
	case Float64:
		return s.floats[i]
	case String:
		return s.strs[i]
	case Bool:
		return s.bools[i]
	case Timestamp:
		return microsToTime(s.ints[i])
	case Duration:
		return time.Duration(s.ints[i]) * time.Microsecond
	}
	return nil
}

// Rename returns s under a new name, sharing its data.
func (s *Series) Rename(name string) *Series {
	c := *s
	c.name = name
	return &c
}

// Valid returns the null mask (true for a value), or nil when the series has
// no nulls. Do not modify it.
func (s *Series) Valid() []bool { return s.valid }

// Ints returns the int64 values of an int64, timestamp (microseconds) or
// duration (microseconds) series; nulls hold 0. Floats are truncated and bools
// give 0/1 in a new slice. It panics for strings.
func (s *Series) Ints() []int64 {
	switch s.typ {
	case Int64, Timestamp, Duration:
		return s.ints
	case Float64:
		return s.AsInt().ints
	case Bool:
		return s.AsInt().ints
	}
	s.typeFail("Ints", "int64, float64, bool, timestamp or duration")
	return nil
}

// Floats returns the values as float64 with nulls as NaN. A float64 series
// without nulls returns its storage (do not modify); other types are
// converted (timestamps and durations in microseconds, bools as 0/1).
func (s *Series) Floats() []float64 {
	if s.typ == Float64 && s.valid == nil {
		return s.floats
	}
	out := hugeslice.Make[float64](s.n)
	switch s.typ {
	case Float64:
		copy(out, s.floats)
	case Int64, Timestamp, Duration:
		for i, v := range s.ints {
			out[i] = float64(v)
		}
	case Bool:
		for i, v := range s.bools {
			if v {
				out[i] = 1
			}
		}
	default:
		s.typeFail("Floats", "numeric")
	}
	if s.valid != nil {
		nan := math.NaN()
		for i, ok := range s.valid {
			if !ok {
				out[i] = nan
			}
		}
	}
	return out
}

// Strings returns the values formatted as strings, nulls as "".
func (s *Series) Strings() []string {
	if s.typ == String {
		return s.strs
	}
	return s.AsString().strs
}

// Bools returns the values of a bool series (nulls false). It panics for
// other types.
func (s *Series) Bools() []bool {
	if s.typ != Bool {
		s.typeFail("Bools", "bool")
	}
	return s.bools
}

// Times returns the values of a timestamp series as UTC time.Time values
// (nulls are the zero time). It panics for other types.
func (s *Series) Times() []time.Time {
	if s.typ != Timestamp {
		s.typeFail("Times", "timestamp")
	}
	out := make([]time.Time, s.n)
	for i, v := range s.ints {
		if !s.IsNull(i) {
			out[i] = microsToTime(v)
		}
	}
	return out
}

func (s *Series) typeFail(op, want string) {
	failMsg(op, ErrType, "column %q is %s, want %s", s.name, s.typ, want)
}

// String returns a short description: name, type, length and first values.
func (s *Series) String() string {
	f := &Frame{cols: []*Series{s}, rows: s.n}
	return f.String()
}

// formatValue formats row i for display and CSV; nulls give "".
func (s *Series) formatValue(i int) string {
	if s.IsNull(i) {
		return ""
	}
	switch s.typ {
	case Int64:
		return strconv.FormatInt(s.ints[i], 10)
	case Float64:
		return strconv.FormatFloat(s.floats[i], 'g', -1, 64)
	case String:
		return s.strs[i]
	case Bool:
		return strconv.FormatBool(s.bools[i])
	case Timestamp:
		return formatMicros(s.ints[i])
	case Duration:
		return (time.Duration(s.ints[i]) * time.Microsecond).String()
	}
	return ""
}

func formatMicros(us int64) string {
	t := microsToTime(us)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.999999")
}
