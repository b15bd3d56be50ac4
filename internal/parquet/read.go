package parquet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// File is an opened parquet file: its row count and its top-level columns.
type File struct {
	// Rows is the number of rows the footer declares.
	Rows int
	// Columns are the file's top-level columns, in schema order.
	Columns []ColumnInfo

	file   *pq.File
	closer io.Closer // the open file, if any
}

// ColumnInfo describes one top-level column of a file.
type ColumnInfo struct {
	Name string
	// Type is the type the column decodes to.
	Type Type
	// Null is set for a column of parquet's NULL type: every row is null and
	// the column has no type of its own.
	Null bool
	// Skip, when not empty, says why the column cannot be read (nested,
	// repeated, DECIMAL, ...); Decode refuses it.
	Skip string

	leaf   int // column chunk index
	kind   srcKind
	scale  int64 // timestamp/duration: multiply (>0) or divide (<0) to get micros
	maxDef byte
}

// srcKind is how a parquet column's values are decoded.
type srcKind uint8

const (
	srcNull srcKind = iota
	srcBool
	srcInt32
	srcInt64
	srcInt96
	srcFloat
	srcDouble
	srcBytes
)

// OpenFile opens the parquet file at path. It is read through its descriptor,
// page by page into reused buffers; Close releases it.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		fh.Close()
		if err == nil {
			err = errors.New("not a regular file")
		}
		return nil, err
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// Close releases the file OpenFile opened; it does nothing for Open's files.
func (f *File) Close() error {
	if f == nil || f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Open reads the footer of the parquet data in r (size bytes) and classifies
// its columns. A malformed footer is an error, never a panic.
func Open(r io.ReaderAt, size int64) (pf *File, err error) {
	defer func() {
		// parquet-go may panic on some malformed inputs; report them as errors.
		if r := recover(); r != nil {
			pf, err = nil, fmt.Errorf("corrupt parquet file: %v", r)
		}
	}()
	var head, tail [4]byte
	if size >= 12 {
		if _, err := r.ReadAt(head[:], 0); err != nil {
			return nil, err
		}
		if _, err := r.ReadAt(tail[:], size-4); err != nil {
			return nil, err
		}
	}
	if size < 12 || string(head[:]) != "PAR1" || string(tail[:]) != "PAR1" {
		return nil, errors.New("not a parquet file (missing PAR1 magic; truncated or corrupt)")
	}
	f, err := pq.OpenFile(r, size,
		pq.SkipPageIndex(true), pq.SkipBloomFilters(true), pq.ReadBufferSize(256<<10))
	if err != nil {
		return nil, fmt.Errorf("corrupt parquet file: %w", err)
	}
	pf = &File{file: f, Rows: int(f.NumRows())}
	leaf := 0
	for _, fld := range f.Schema().Fields() {
		n := countLeaves(fld)
		c := ColumnInfo{Name: fld.Name(), leaf: leaf}
		leaf += n
		if !fld.Leaf() || fld.Repeated() {
			c.Skip = "nested or repeated column"
		} else {
			if fld.Optional() {
				c.maxDef = 1
			}
			classify(fld.Type(), &c)
		}
		pf.Columns = append(pf.Columns, c)
	}
	if v, ok := f.Lookup(durationKey); ok {
		for _, n := range strings.Split(v, "\x1f") {
			for i := range pf.Columns {
				if pf.Columns[i].Name == n && pf.Columns[i].Type == Int64 {
					pf.Columns[i].Type = Duration
				}
			}
		}
	}
	return pf, nil
}

func countLeaves(n pq.Node) int {
	if n.Leaf() {
		return 1
	}
	c := 0
	for _, f := range n.Fields() {
		c += countLeaves(f)
	}
	return c
}

func unitScale(u format.TimeUnit) int64 {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return 1000
	case *format.NanoSeconds:
		return -1000
	}
	return 1
}

// classify sets the decode kind and type of a leaf column.
func classify(t pq.Type, c *ColumnInfo) {
	lt := t.LogicalType()
	var lv format.LogicalTypeValue
	if lt != nil {
		lv = lt.Value
	}
	if _, ok := lv.(*format.NullType); ok {
		c.kind, c.Null = srcNull, true
		return
	}
	c.scale = 1
	switch t.Kind() {
	case pq.Boolean:
		c.kind, c.Type = srcBool, Bool
	case pq.Int32:
		c.kind, c.Type = srcInt32, Int64
		switch v := lv.(type) {
		case *format.DateType:
			c.Type, c.scale = Timestamp, microsPerDay
		case *format.TimeType:
			c.Type, c.scale = Duration, unitScale(v.Unit)
		case *format.DecimalType:
			c.Skip = "DECIMAL column"
		}
		if ct := t.ConvertedType(); ct != nil && *ct == deprecated.Date {
			c.Type, c.scale = Timestamp, microsPerDay
		}
	case pq.Int64:
		c.kind, c.Type = srcInt64, Int64
		switch v := lv.(type) {
		case *format.TimestampType:
			c.Type, c.scale = Timestamp, unitScale(v.Unit)
		case *format.TimeType:
			c.Type, c.scale = Duration, unitScale(v.Unit)
		case *format.DecimalType:
			c.Skip = "DECIMAL column"
		}
		if ct := t.ConvertedType(); ct != nil && lv == nil {
			switch *ct {
			case deprecated.TimestampMillis:
				c.Type, c.scale = Timestamp, 1000
			case deprecated.TimestampMicros:
				c.Type = Timestamp
			}
		}
	case pq.Int96:
		c.kind, c.Type = srcInt96, Timestamp
	case pq.Float:
		c.kind, c.Type = srcFloat, Float64
	case pq.Double:
		c.kind, c.Type = srcDouble, Float64
	case pq.ByteArray:
		c.kind, c.Type = srcBytes, String
		if _, ok := lv.(*format.DecimalType); ok {
			c.Skip = "DECIMAL column"
		}
	default:
		c.Skip = fmt.Sprintf("%s column", t)
	}
}

// Decode decodes column i of f into rows [off, off+f.Rows) of dst, marking
// the rows that hold a value in dst.Valid (which it never clears). dst.Type
// is the column's type or, for an Int64 column, Float64 (the unified type of
// a column that is a double in other files); its slice and Valid must hold
// off+f.Rows rows. A NULL-typed column writes nothing. Corrupt page data is an
// error, never a panic.
func (f *File) Decode(i int, dst Column, off int) (err error) {
	c := &f.Columns[i]
	switch {
	case c.Skip != "":
		return fmt.Errorf("%w: %s", ErrUnsupported, c.Skip)
	case c.Null:
		return nil
	case dst.Type != c.Type && !(dst.Type == Float64 && c.Type == Int64):
		return fmt.Errorf("cannot decode a column of type %d into one of type %d", c.Type, dst.Type)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt column data: %v", r)
		}
	}()
	pos := off
	end := off + f.Rows
	dc := &dictCache{}
	for _, rg := range f.file.RowGroups() {
		pages := rg.ColumnChunks()[c.leaf].Pages()
		for {
			p, err := pages.ReadPage()
			if err == io.EOF {
				break
			}
			if err != nil {
				pages.Close()
				return err
			}
			n := int(p.NumRows())
			if pos+n > end {
				pages.Close()
				return errors.New("page has more rows than the file footer declares")
			}
			if err := decodePage(p, c, dst, pos, dc); err != nil {
				pages.Close()
				return err
			}
			pos += n
			pq.Release(p)
		}
		pages.Close()
	}
	if pos != end {
		return fmt.Errorf("read %d rows, footer declares %d", pos-off, f.Rows)
	}
	if dst.Type.intBacked() && c.scale != 1 {
		v := dst.Ints[off:end]
		if c.scale > 0 {
			for i := range v {
				v[i] *= c.scale
			}
		} else {
			// Nanoseconds to microseconds, rounding towards minus infinity.
			d := -c.scale
			for i, x := range v {
				q := x / d
				if x%d < 0 {
					q--
				}
				v[i] = q
			}
		}
	}
	return nil
}

// dictCache holds the string form of the current dictionary of a column chunk.
type dictCache struct {
	dict pq.Dictionary
	strs []string
}

type number interface {
	~int32 | ~int64 | ~float32 | ~float64
}

// scatterNum writes src (the page's non-null values) into dst at the rows
// whose definition level is maxDef, marking them valid.
func scatterNum[S, D number](dst []D, valid []bool, def []byte, maxDef byte, src []S) {
	if def == nil {
		valid = valid[:len(src)]
		dst = dst[:len(src)]
		for i, v := range src {
			dst[i] = D(v)
		}
		for i := range src {
			valid[i] = true
		}
		return
	}
	j := 0
	dst = dst[:len(def)]
	valid = valid[:len(def)]
	for i, d := range def {
		if d == maxDef {
			dst[i] = D(src[j])
			valid[i] = true
			j++
		}
	}
}

// scatterDict writes dict[idx[k]] for the k-th non-null row.
func scatterDict[S any, D any](dst []D, valid []bool, def []byte, maxDef byte, idx []int32, dict []S, conv func(S) D) {
	if def == nil {
		for i, k := range idx {
			dst[i] = conv(dict[k])
			valid[i] = true
		}
		return
	}
	j := 0
	for i, d := range def {
		if d == maxDef {
			dst[i] = conv(dict[idx[j]])
			valid[i] = true
			j++
		}
	}
}

func scatterDictNum[S, D number](dst []D, valid []bool, def []byte, maxDef byte, idx []int32, dict []S) {
	if def == nil {
		dst = dst[:len(idx)]
		valid = valid[:len(idx)]
		for i, k := range idx {
			dst[i] = D(dict[k])
		}
		for i := range valid {
			valid[i] = true
		}
		return
	}
	j := 0
	dst = dst[:len(def)]
	valid = valid[:len(def)]
	for i, d := range def {
		if d == maxDef {
			dst[i] = D(dict[idx[j]])
			valid[i] = true
			j++
		}
	}
}

func int96Micros(v deprecated.Int96) int64 {
	nanos := int64(uint64(v[1])<<32 | uint64(v[0]))
	days := int64(v[2]) - 2440588
	return days*microsPerDay + nanos/1000
}

func decodePage(p pq.Page, c *ColumnInfo, dst Column, pos int, dc *dictCache) error {
	n := int(p.NumRows())
	def := p.DefinitionLevels()
	if c.maxDef == 0 || p.NumNulls() == 0 {
		def = nil // every row holds a value: take the dense fast path
	} else if len(def) != n {
		return fmt.Errorf("page has %d definition levels for %d rows", len(def), n)
	}
	valid := dst.Valid[pos : pos+n]
	data := p.Data()
	if dict := p.Dictionary(); dict != nil {
		idx := data.Int32()
		dd := dict.Page().Data()
		switch c.kind {
		case srcInt32:
			if dst.Type == Float64 {
				scatterDictNum(dst.Floats[pos:], valid, def, c.maxDef, idx, dd.Int32())
			} else {
				scatterDictNum(dst.Ints[pos:], valid, def, c.maxDef, idx, dd.Int32())
			}
		case srcInt64:
			if dst.Type == Float64 {
				scatterDictNum(dst.Floats[pos:], valid, def, c.maxDef, idx, dd.Int64())
			} else {
				scatterDictNum(dst.Ints[pos:], valid, def, c.maxDef, idx, dd.Int64())
			}
		case srcFloat:
			scatterDictNum(dst.Floats[pos:], valid, def, c.maxDef, idx, dd.Float())
		case srcDouble:
			scatterDictNum(dst.Floats[pos:], valid, def, c.maxDef, idx, dd.Double())
		case srcInt96:
			scatterDict(dst.Ints[pos:], valid, def, c.maxDef, idx, dd.Int96(), int96Micros)
		case srcBytes:
			if dc.dict != dict {
				b, offs := dd.ByteArray()
				dc.dict = dict
				dc.strs = make([]string, max(len(offs)-1, 0))
				for i := range dc.strs {
					dc.strs[i] = string(b[offs[i]:offs[i+1]])
				}
			}
			scatterDict(dst.Strs[pos:], valid, def, c.maxDef, idx, dc.strs, func(s string) string { return s })
		case srcBool:
			return fmt.Errorf("%w: dictionary-encoded booleans", ErrUnsupported)
		}
		return nil
	}
	switch c.kind {
	case srcInt32:
		if dst.Type == Float64 {
			scatterNum(dst.Floats[pos:], valid, def, c.maxDef, data.Int32())
		} else {
			scatterNum(dst.Ints[pos:], valid, def, c.maxDef, data.Int32())
		}
	case srcInt64:
		if dst.Type == Float64 {
			scatterNum(dst.Floats[pos:], valid, def, c.maxDef, data.Int64())
		} else {
			scatterNum(dst.Ints[pos:], valid, def, c.maxDef, data.Int64())
		}
	case srcFloat:
		scatterNum(dst.Floats[pos:], valid, def, c.maxDef, data.Float())
	case srcDouble:
		scatterNum(dst.Floats[pos:], valid, def, c.maxDef, data.Double())
	case srcInt96:
		src := data.Int96()
		j := 0
		for i := 0; i < n; i++ {
			if def == nil || def[i] == c.maxDef {
				dst.Ints[pos+i] = int96Micros(src[j])
				valid[i] = true
				j++
			}
		}
	case srcBytes:
		b, offs := data.ByteArray()
		out := dst.Strs[pos : pos+n]
		j := 0
		for i := 0; i < n; i++ {
			if def == nil || def[i] == c.maxDef {
				out[i] = string(b[offs[j]:offs[j+1]])
				valid[i] = true
				j++
			}
		}
	case srcBool:
		bits := data.Boolean()
		out := dst.Bools[pos : pos+n]
		j := 0
		for i := 0; i < n; i++ {
			if def == nil || def[i] == c.maxDef {
				out[i] = bits[j>>3]>>(j&7)&1 == 1
				valid[i] = true
				j++
			}
		}
	}
	return nil
}
