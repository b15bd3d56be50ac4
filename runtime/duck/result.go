//go:build cgo

package duck

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"unsafe"

	bindings "github.com/duckdb/duckdb-go-bindings"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/internal/hugeslice"
)

// A result column is read straight from DuckDB's vectors, chunk by chunk (each vector's values
// copied once into a part of the chunk's size), and its parts are joined into one slice of the
// final size when the result ends: the only fresh memory the size of the result is the frame's
// own, backed by huge pages (hugeslice).

// column gathers one result column into a frame series.
type column struct {
	name  string
	src   bindings.Type // DuckDB's type
	typ   frame.Type
	scale float64       // DECIMAL: 10^scale
	inner bindings.Type // DECIMAL: storage type; ENUM: index type
	dict  []string      // ENUM: the dictionary
	parts []part
	nulls bool // some row is null
}

// part is one chunk's values of a column (one of the slices is set) and its validity.
type part struct {
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
	valid []bool // nil: no nulls in the chunk
}

// newColumn returns the collector for a result column of logical type lt, or an error naming the
// column when a frame cannot hold it.
func newColumn(name string, lt bindings.LogicalType) (*column, error) {
	c := &column{name: name, src: bindings.GetTypeId(lt)}
	switch c.src {
	case bindings.TypeTinyInt, bindings.TypeSmallInt, bindings.TypeInteger, bindings.TypeBigInt,
		bindings.TypeUTinyInt, bindings.TypeUSmallInt, bindings.TypeUInteger, bindings.TypeUBigInt:
		c.typ = frame.Int64
	case bindings.TypeFloat, bindings.TypeDouble, bindings.TypeHugeInt:
		c.typ = frame.Float64
	case bindings.TypeDecimal:
		c.typ, c.inner, c.scale = frame.Float64, bindings.DecimalInternalType(lt), math.Pow10(int(bindings.DecimalScale(lt)))
	case bindings.TypeVarchar, bindings.TypeUUID, bindings.TypeSQLNull:
		c.typ = frame.String
	case bindings.TypeEnum:
		c.typ, c.inner = frame.String, bindings.EnumInternalType(lt)
		c.dict = make([]string, bindings.EnumDictionarySize(lt))
		for i := range c.dict {
			c.dict[i] = bindings.EnumDictionaryValue(lt, bindings.IdxT(i))
		}
	case bindings.TypeBoolean:
		c.typ = frame.Bool
	case bindings.TypeDate, bindings.TypeTimestamp, bindings.TypeTimestampS, bindings.TypeTimestampMS,
		bindings.TypeTimestampNS, bindings.TypeTimestampTZ:
		c.typ = frame.Timestamp
	case bindings.TypeTime, bindings.TypeInterval:
		c.typ = frame.Duration
	default:
		return nil, fmt.Errorf("%w: column %q is %s, which a frame cannot hold: cast it (to VARCHAR, DOUBLE, BIGINT, BOOLEAN or TIMESTAMP) or unnest it", ErrType, name, typeName(lt))
	}
	return c, nil
}

// typeName is DuckDB's name of a logical type, for errors.
func typeName(lt bindings.LogicalType) string {
	switch bindings.GetTypeId(lt) {
	case bindings.TypeList:
		return "a LIST"
	case bindings.TypeStruct:
		return "a STRUCT"
	case bindings.TypeMap:
		return "a MAP"
	case bindings.TypeArray:
		return "an ARRAY"
	case bindings.TypeUnion:
		return "a UNION"
	case bindings.TypeBlob:
		return "a BLOB"
	case bindings.TypeTimeTZ:
		return "a TIME WITH TIME ZONE"
	}
	return fmt.Sprintf("DuckDB type %d", bindings.GetTypeId(lt))
}

// add appends the n rows of vec, a flat vector (DuckDB flattens the chunks it hands out).
func (c *column) add(vec bindings.Vector, n int) error {
	p := part{valid: validity(bindings.VectorGetValidity(vec), n)}
	c.nulls = c.nulls || p.valid != nil
	data := bindings.VectorGetData(vec)
	switch c.src {
	case bindings.TypeBigInt, bindings.TypeTimestamp, bindings.TypeTimestampTZ:
		p.ints = append([]int64(nil), unsafe.Slice((*int64)(data), n)...)
	case bindings.TypeInteger:
		p.ints = widen[int32](data, n, 1)
	case bindings.TypeSmallInt:
		p.ints = widen[int16](data, n, 1)
	case bindings.TypeTinyInt:
		p.ints = widen[int8](data, n, 1)
	case bindings.TypeUInteger:
		p.ints = widen[uint32](data, n, 1)
	case bindings.TypeUSmallInt:
		p.ints = widen[uint16](data, n, 1)
	case bindings.TypeUTinyInt:
		p.ints = widen[uint8](data, n, 1)
	case bindings.TypeUBigInt:
		p.ints = make([]int64, n)
		for i, v := range unsafe.Slice((*uint64)(data), n) {
			if v > math.MaxInt64 && (p.valid == nil || p.valid[i]) {
				return fmt.Errorf("%w: column %q: value %d does not fit an int64: cast it to DOUBLE", ErrType, c.name, v)
			}
			p.ints[i] = int64(v)
		}
	case bindings.TypeTimestampS:
		p.ints = widen[int64](data, n, 1_000_000)
	case bindings.TypeTimestampMS:
		p.ints = widen[int64](data, n, 1000)
	case bindings.TypeTimestampNS:
		p.ints = make([]int64, n)
		for i, v := range unsafe.Slice((*int64)(data), n) {
			p.ints[i] = v / 1000
		}
	case bindings.TypeDate:
		p.ints = widen[int32](data, n, 86_400_000_000)
	case bindings.TypeTime:
		p.ints = append([]int64(nil), unsafe.Slice((*int64)(data), n)...)
	case bindings.TypeInterval:
		// int32 months, int32 days, int64 microseconds.
		p.ints = make([]int64, n)
		for i, iv := range unsafe.Slice((*[16]byte)(data), n) {
			months, days := int32(binary.LittleEndian.Uint32(iv[:4])), int32(binary.LittleEndian.Uint32(iv[4:8]))
			if months != 0 && (p.valid == nil || p.valid[i]) {
				return fmt.Errorf("%w: column %q holds an interval of months, which a duration cannot hold: use epoch(...) or date_diff", ErrType, c.name)
			}
			p.ints[i] = int64(days)*86_400_000_000 + int64(binary.LittleEndian.Uint64(iv[8:]))
		}
	case bindings.TypeDouble:
		p.flts = append([]float64(nil), unsafe.Slice((*float64)(data), n)...)
	case bindings.TypeFloat:
		p.flts = toFloats[float32](data, n, 1)
	case bindings.TypeHugeInt:
		p.flts = hugeints(data, n, 1)
	case bindings.TypeDecimal:
		switch c.inner {
		case bindings.TypeSmallInt:
			p.flts = toFloats[int16](data, n, c.scale)
		case bindings.TypeInteger:
			p.flts = toFloats[int32](data, n, c.scale)
		case bindings.TypeBigInt:
			p.flts = toFloats[int64](data, n, c.scale)
		default:
			p.flts = hugeints(data, n, c.scale)
		}
	case bindings.TypeBoolean:
		p.bools = append([]bool(nil), unsafe.Slice((*bool)(data), n)...)
	case bindings.TypeVarchar:
		p.strs = readStrings(data, n, p.valid)
	case bindings.TypeUUID:
		p.strs = make([]string, n)
		for i, u := range unsafe.Slice((*[16]byte)(data), n) {
			if p.valid == nil || p.valid[i] {
				p.strs[i] = uuid(u)
			}
		}
	case bindings.TypeEnum:
		p.strs = make([]string, n)
		for i := range n {
			if p.valid != nil && !p.valid[i] {
				continue
			}
			var k uint64
			switch c.inner {
			case bindings.TypeUTinyInt:
				k = uint64(*(*uint8)(unsafe.Add(data, i)))
			case bindings.TypeUSmallInt:
				k = uint64(*(*uint16)(unsafe.Add(data, 2*i)))
			default:
				k = uint64(*(*uint32)(unsafe.Add(data, 4*i)))
			}
			p.strs[i] = c.dict[k]
		}
	case bindings.TypeSQLNull:
		p.strs = make([]string, n)
		p.valid = make([]bool, n)
		c.nulls = true
	}
	c.parts = append(c.parts, p)
	return nil
}

// validity returns a vector's validity mask m as one bool a row, or nil when no row is null.
func validity(m unsafe.Pointer, n int) []bool {
	if m == nil {
		return nil
	}
	mask := unsafe.Slice((*uint64)(m), (n+63)/64)
	for w, bits := range mask {
		want := ^uint64(0)
		if rest := n - w*64; rest < 64 {
			want = 1<<rest - 1
		}
		if bits&want != want {
			valid := make([]bool, n)
			for i := range valid {
				valid[i] = mask[i/64]>>(i%64)&1 == 1
			}
			return valid
		}
	}
	return nil
}

// widen converts n values of T at data to int64, times mul.
func widen[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](data unsafe.Pointer, n int, mul int64) []int64 {
	out := make([]int64, n)
	for i, v := range unsafe.Slice((*T)(data), n) {
		out[i] = int64(v) * mul
	}
	return out
}

// toFloats converts n values of T at data to float64, divided by div.
func toFloats[T float32 | int16 | int32 | int64](data unsafe.Pointer, n int, div float64) []float64 {
	out := make([]float64, n)
	for i, v := range unsafe.Slice((*T)(data), n) {
		out[i] = float64(v) / div
	}
	return out
}

// hugeints converts n 128-bit integers (uint64 low, int64 high) to float64, divided by div.
func hugeints(data unsafe.Pointer, n int, div float64) []float64 {
	out := make([]float64, n)
	for i, h := range unsafe.Slice((*[16]byte)(data), n) {
		lo, hi := binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:])
		neg := int64(hi) < 0
		if neg { // the magnitude, two's complement
			lo, hi = ^lo+1, ^hi
			if lo == 0 {
				hi++
			}
		}
		v := float64(hi)*(1<<64) + float64(lo)
		if neg {
			v = -v
		}
		out[i] = v / div
	}
	return out
}

// readStrings copies n of DuckDB's string_t (uint32 length, then up to 12 bytes inline or a
// 4-byte prefix and a pointer) into one Go string and returns the values sliced from it.
func readStrings(data unsafe.Pointer, n int, valid []bool) []string {
	st := unsafe.Slice((*[16]byte)(data), n)
	size := 0
	for i := range st {
		if valid == nil || valid[i] {
			size += int(binary.LittleEndian.Uint32(st[i][:4]))
		}
	}
	buf := make([]byte, 0, size)
	ends := make([]int, n)
	for i := range st {
		if valid == nil || valid[i] {
			l := int(binary.LittleEndian.Uint32(st[i][:4]))
			if l <= 12 {
				buf = append(buf, st[i][4:4+l]...)
			} else {
				buf = append(buf, unsafe.Slice(*(**byte)(unsafe.Pointer(&st[i][8])), l)...)
			}
		}
		ends[i] = len(buf)
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	out := make([]string, n)
	start := 0
	for i, end := range ends {
		out[i] = all[start:end]
		start = end
	}
	return out
}

// uuid formats DuckDB's UUID (a 128-bit integer, low word first, its top bit flipped to sort).
func uuid(u [16]byte) string {
	var b [16]byte
	hi := binary.LittleEndian.Uint64(u[8:]) ^ (1 << 63)
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], binary.LittleEndian.Uint64(u[:8]))
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// series joins the column's parts into one series, its nulls zeroed.
func (c *column) series() *frame.Series {
	n := 0
	for _, p := range c.parts {
		n += len(p.ints) + len(p.flts) + len(p.strs) + len(p.bools)
	}
	var valid []bool
	if c.nulls {
		valid = hugeslice.Make[bool](n)[:0]
		for _, p := range c.parts {
			if p.valid == nil {
				for range max(len(p.ints), len(p.flts), len(p.strs), len(p.bools)) {
					valid = append(valid, true)
				}
				continue
			}
			valid = append(valid, p.valid...)
		}
	}
	var s *frame.Series
	switch c.typ {
	case frame.Int64:
		s = frame.NewInts(c.name, join(c.parts, n, valid, func(p part) []int64 { return p.ints }))
	case frame.Timestamp:
		s = frame.NewTimestampMicros(c.name, join(c.parts, n, valid, func(p part) []int64 { return p.ints }))
	case frame.Duration:
		s = frame.NewDurationMicros(c.name, join(c.parts, n, valid, func(p part) []int64 { return p.ints }))
	case frame.Float64:
		s = frame.NewFloats(c.name, join(c.parts, n, valid, func(p part) []float64 { return p.flts }))
	case frame.String:
		s = frame.NewStrings(c.name, join(c.parts, n, valid, func(p part) []string { return p.strs }))
	case frame.Bool:
		s = frame.NewBools(c.name, join(c.parts, n, valid, func(p part) []bool { return p.bools }))
	}
	c.parts = nil
	if valid != nil {
		s = s.WithNulls(valid)
	}
	return s
}

// join concatenates the parts' slices of one kind into one of size n, zero where valid is false
// (so that WithNulls keeps the values instead of copying them).
func join[T any](parts []part, n int, valid []bool, get func(part) []T) []T {
	out := hugeslice.Make[T](n)[:0]
	for _, p := range parts {
		out = append(out, get(p)...)
	}
	var zero T
	for i, ok := range valid {
		if !ok {
			out[i] = zero
		}
	}
	return out
}
