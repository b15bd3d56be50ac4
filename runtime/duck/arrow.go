//go:build duckdb_arrow

package duck

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/golemlabs/golem/blocks/frame"
)

// toRecord hands a frame to Arrow. Numeric, timestamp and duration columns share the frame's
// memory (the frame is immutable and outlives the record); strings and bools are packed.
func toRecord(f *frame.Frame) (arrow.RecordBatch, error) {
	rows := f.NumRows()
	fields := make([]arrow.Field, f.NumCols())
	cols := make([]arrow.Array, f.NumCols())
	for i := range f.NumCols() {
		s := f.ColAt(i)
		var (
			dt   arrow.DataType
			bufs []*memory.Buffer
		)
		valid, nulls := validity(s)
		switch s.Type() {
		case frame.Int64:
			dt, bufs = arrow.PrimitiveTypes.Int64, []*memory.Buffer{valid, bytesOf(s.Ints())}
		case frame.Float64:
			dt, bufs = arrow.PrimitiveTypes.Float64, []*memory.Buffer{valid, bytesOf(s.Floats())}
		case frame.Timestamp:
			dt, bufs = &arrow.TimestampType{Unit: arrow.Microsecond}, []*memory.Buffer{valid, bytesOf(s.Ints())}
		case frame.Duration:
			dt, bufs = &arrow.DurationType{Unit: arrow.Microsecond}, []*memory.Buffer{valid, bytesOf(s.Ints())}
		case frame.Bool:
			b := s.Bools()
			packed := make([]byte, bitutil.BytesForBits(int64(rows)))
			for j, v := range b {
				if v {
					bitutil.SetBit(packed, j)
				}
			}
			dt, bufs = arrow.FixedWidthTypes.Boolean, []*memory.Buffer{valid, memory.NewBufferBytes(packed)}
		case frame.String:
			strs := s.Strings()
			size := 0
			for _, v := range strs {
				size += len(v)
			}
			if size > math.MaxInt32 {
				offsets, data := packStrings[int64](strs, size)
				dt, bufs = arrow.BinaryTypes.LargeString, []*memory.Buffer{valid, bytesOf(offsets), memory.NewBufferBytes(data)}
			} else {
				offsets, data := packStrings[int32](strs, size)
				dt, bufs = arrow.BinaryTypes.String, []*memory.Buffer{valid, bytesOf(offsets), memory.NewBufferBytes(data)}
			}
		default:
			return nil, fmt.Errorf("column %q: type %s has no SQL type", s.Name(), s.Type())
		}
		fields[i] = arrow.Field{Name: s.Name(), Type: dt, Nullable: true}
		cols[i] = array.MakeFromData(array.NewData(dt, rows, bufs, nil, nulls, 0))
	}
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, int64(rows)), nil
}

// packStrings lays strs out as Arrow's offsets and bytes (size: their total length).
func packStrings[O int32 | int64](strs []string, size int) ([]O, []byte) {
	offsets := make([]O, len(strs)+1)
	data := make([]byte, 0, size)
	for j, v := range strs {
		data = append(data, v...)
		offsets[j+1] = O(len(data))
	}
	return offsets, data
}

// sliceStrings appends n strings cut from one copy of a batch's bytes, which the values share:
// Arrow's memory is freed with the batch.
func sliceStrings[O int32 | int64](dst []string, bytes []byte, off []O, n int) []string {
	data := string(bytes)
	for i := range n {
		dst = append(dst, data[off[i]-off[0]:off[i+1]-off[0]])
	}
	return dst
}

// validity returns s's null bitmap (nil when it has no nulls) and its null count.
func validity(s *frame.Series) (*memory.Buffer, int) {
	v := s.Valid()
	if v == nil {
		return nil, 0
	}
	bm := make([]byte, bitutil.BytesForBits(int64(len(v))))
	nulls := 0
	for i, ok := range v {
		if ok {
			bitutil.SetBit(bm, i)
		} else {
			nulls++
		}
	}
	return memory.NewBufferBytes(bm), nulls
}

func bytesOf[T int32 | int64 | float64](v []T) *memory.Buffer {
	if len(v) == 0 {
		return memory.NewBufferBytes(nil)
	}
	return memory.NewBufferBytes(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0]))))
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
