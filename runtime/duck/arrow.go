//go:build duckdb_arrow

package duck

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/golemlabs/golem/blocks/frame"
)

// sliceStrings appends n strings cut from one copy of a batch's bytes, which the values share:
// Arrow's memory is freed with the batch.
func sliceStrings[O int32 | int64](dst []string, bytes []byte, off []O, n int) []string {
	data := string(bytes)
	for i := range n {
		dst = append(dst, data[off[i]-off[0]:off[i+1]-off[0]])
	}
	return dst
}

// column gathers one result column across record batches into a frame series.
type column struct {
	name  string
	dt    arrow.DataType
	typ   frame.Type
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
	valid []bool // nil until the first null
	n     int
	// parts hold earlier batches' values: each batch is gathered in slices of its own size and
	// series joins them once, instead of growing one slice (and copying it) batch after batch.
	parts []part
}

type part struct {
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
}

// newColumn returns the collector for a result column of type dt, or an error naming the column
// when a frame cannot hold it.
func newColumn(name string, dt arrow.DataType) (*column, error) {
	c := &column{name: name, dt: dt}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		c.typ = frame.Int64
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		c.typ = frame.Float64
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW, arrow.DICTIONARY:
		if d, ok := dt.(*arrow.DictionaryType); ok && d.ValueType.ID() != arrow.STRING && d.ValueType.ID() != arrow.LARGE_STRING {
			return nil, unsupported(name, dt)
		}
		c.typ = frame.String
	case arrow.BOOL:
		c.typ = frame.Bool
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		c.typ = frame.Timestamp
	case arrow.DURATION, arrow.TIME32, arrow.TIME64, arrow.INTERVAL_MONTH_DAY_NANO:
		c.typ = frame.Duration
	case arrow.NULL:
		c.typ = frame.String
	default:
		return nil, unsupported(name, dt)
	}
	return c, nil
}

func unsupported(name string, dt arrow.DataType) error {
	return fmt.Errorf("%w: column %q is %s, which a frame cannot hold: cast it (to VARCHAR, DOUBLE, BIGINT, BOOLEAN or TIMESTAMP) or unnest it", ErrType, name, dt)
}

// add appends a batch's values of this column.
func (c *column) add(a arrow.Array) error {
	n := a.Len()
	switch c.typ {
	case frame.Int64, frame.Timestamp, frame.Duration:
		c.ints = make([]int64, 0, n)
	case frame.Float64:
		c.flts = make([]float64, 0, n)
	case frame.String:
		c.strs = make([]string, 0, n)
	case frame.Bool:
		c.bools = make([]bool, 0, n)
	}
	defer func() {
		c.parts = append(c.parts, part{c.ints, c.flts, c.strs, c.bools})
		c.ints, c.flts, c.strs, c.bools = nil, nil, nil, nil
	}()
	base := c.n
	if a.NullN() > 0 {
		if c.valid == nil {
			c.valid = make([]bool, base, max(base+n, 1024))
			for i := range c.valid {
				c.valid[i] = true
			}
		}
		for i := range n {
			c.valid = append(c.valid, a.IsValid(i))
		}
	} else if c.valid != nil {
		for range n {
			c.valid = append(c.valid, true)
		}
	}
	c.n += n
	switch a := a.(type) {
	case *array.Int64:
		c.ints = append(c.ints, a.Int64Values()...)
	case *array.Int32:
		c.ints = appendConv(c.ints, a.Int32Values())
	case *array.Int16:
		c.ints = appendConv(c.ints, a.Int16Values())
	case *array.Int8:
		c.ints = appendConv(c.ints, a.Int8Values())
	case *array.Uint64:
		for _, v := range a.Uint64Values() {
			if v > math.MaxInt64 {
				return fmt.Errorf("%w: column %q: value %d does not fit an int64: cast it to DOUBLE", ErrType, c.name, v)
			}
			c.ints = append(c.ints, int64(v))
		}
	case *array.Uint32:
		c.ints = appendConv(c.ints, a.Uint32Values())
	case *array.Uint16:
		c.ints = appendConv(c.ints, a.Uint16Values())
	case *array.Uint8:
		c.ints = appendConv(c.ints, a.Uint8Values())
	case *array.Float64:
		c.flts = append(c.flts, a.Float64Values()...)
	case *array.Float32:
		for _, v := range a.Float32Values() {
			c.flts = append(c.flts, float64(v))
		}
	case *array.Float16:
		for i := range n {
			c.flts = append(c.flts, float64(a.Value(i).Float32()))
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := range n {
			c.flts = append(c.flts, a.Value(i).ToFloat64(scale))
		}
	case *array.String:
		c.strs = sliceStrings(c.strs, a.ValueBytes(), a.ValueOffsets(), n)
	case *array.LargeString:
		c.strs = sliceStrings(c.strs, a.ValueBytes(), a.ValueOffsets(), n)
	case *array.StringView:
		for i := range n {
			c.strs = append(c.strs, strings.Clone(a.Value(i)))
		}
	case *array.Dictionary:
		dict := a.Dictionary()
		for i := range n {
			if a.IsNull(i) {
				c.strs = append(c.strs, "")
				continue
			}
			c.strs = append(c.strs, strings.Clone(dict.ValueStr(a.GetValueIndex(i))))
		}
	case *array.Null:
		if c.valid == nil {
			c.valid = make([]bool, base, base+n)
		}
		for range n {
			c.strs = append(c.strs, "")
			c.valid = append(c.valid, false)
		}
		c.valid = c.valid[:c.n]
	case *array.Boolean:
		for i := range n {
			c.bools = append(c.bools, a.Value(i))
		}
	case *array.Timestamp:
		per := unitMicros(a.DataType().(*arrow.TimestampType).Unit)
		for _, v := range a.TimestampValues() {
			c.ints = append(c.ints, per(int64(v)))
		}
	case *array.Date32:
		for _, v := range a.Date32Values() {
			c.ints = append(c.ints, int64(v)*86_400_000_000)
		}
	case *array.Date64:
		for _, v := range a.Date64Values() {
			c.ints = append(c.ints, int64(v)*1000)
		}
	case *array.Duration:
		per := unitMicros(a.DataType().(*arrow.DurationType).Unit)
		for _, v := range a.DurationValues() {
			c.ints = append(c.ints, per(int64(v)))
		}
	case *array.Time32:
		per := unitMicros(a.DataType().(*arrow.Time32Type).Unit)
		for _, v := range a.Time32Values() {
			c.ints = append(c.ints, per(int64(v)))
		}
	case *array.Time64:
		per := unitMicros(a.DataType().(*arrow.Time64Type).Unit)
		for _, v := range a.Time64Values() {
			c.ints = append(c.ints, per(int64(v)))
		}
	case *array.MonthDayNanoInterval:
		for i := range n {
			v := a.Value(i)
			if a.IsNull(i) {
				v = arrow.MonthDayNanoInterval{}
			}
			if v.Months != 0 {
				return fmt.Errorf("%w: column %q holds an interval of months, which a duration cannot hold: use epoch(...) or date_diff", ErrType, c.name)
			}
			c.ints = append(c.ints, int64(v.Days)*86_400_000_000+v.Nanoseconds/1000)
		}
	default:
		return unsupported(c.name, a.DataType())
	}
	return nil
}

func appendConv[T int8 | int16 | int32 | uint8 | uint16 | uint32](dst []int64, src []T) []int64 {
	for _, v := range src {
		dst = append(dst, int64(v))
	}
	return dst
}

// unitMicros converts a count of unit to microseconds (a frame's unit), truncating nanoseconds.
func unitMicros(u arrow.TimeUnit) func(int64) int64 {
	switch u {
	case arrow.Second:
		return func(v int64) int64 { return v * 1_000_000 }
	case arrow.Millisecond:
		return func(v int64) int64 { return v * 1000 }
	case arrow.Nanosecond:
		return func(v int64) int64 { return v / 1000 }
	}
	return func(v int64) int64 { return v }
}

// series returns the collected column.
func (c *column) series() *frame.Series {
	c.ints, c.flts, c.strs, c.bools = join(c.parts, func(p part) []int64 { return p.ints }),
		join(c.parts, func(p part) []float64 { return p.flts }),
		join(c.parts, func(p part) []string { return p.strs }),
		join(c.parts, func(p part) []bool { return p.bools })
	c.parts = nil
	var s *frame.Series
	switch c.typ {
	case frame.Int64:
		s = frame.NewInts(c.name, orEmpty(c.ints))
	case frame.Float64:
		s = frame.NewFloats(c.name, orEmpty(c.flts))
	case frame.String:
		s = frame.NewStrings(c.name, orEmpty(c.strs))
	case frame.Bool:
		s = frame.NewBools(c.name, orEmpty(c.bools))
	case frame.Timestamp:
		s = frame.NewTimestampMicros(c.name, orEmpty(c.ints))
	case frame.Duration:
		s = frame.NewDurationMicros(c.name, orEmpty(c.ints))
	}
	if c.valid != nil {
		s = s.WithNulls(c.valid)
	}
	return s
}

// join concatenates the parts' slices of one kind into one of the exact size.
func join[T any](parts []part, get func(part) []T) []T {
	n := 0
	for _, p := range parts {
		n += len(get(p))
	}
	if n == 0 {
		return nil
	}
	out := make([]T, 0, n)
	for _, p := range parts {
		out = append(out, get(p)...)
	}
	return out
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
