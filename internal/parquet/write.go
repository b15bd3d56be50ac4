package parquet

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
	"sync"
	"unsafe"

	"github.com/golemlabs/golem/internal/parallel"
	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/rle"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// The writer below encodes parquet directly, column by column, from the
// typed slices of the frame: values without nulls are compressed straight
// from the slice's memory, definition levels come from the null mask, strings
// are dictionary-encoded while they have few distinct values, pages are
// snappy-compressed (the fast s2 encoder, output compatible with every snappy
// decoder) and columns are encoded on two goroutines and written in order as
// they finish. Pages are DATA_PAGE_V2 (levels stored uncompressed), as
// parquet-go itself writes them. Going through parquet-go's row writer cost
// ~1 µs per value; this costs ~10 ns.

const (
	// rowGroupRows is the number of rows per parquet row group written.
	rowGroupRows = 1 << 20
	// pageRows is the number of rows per data page (512 KiB of int64s).
	pageRows = 1 << 16
	// maxDictEntries is the number of distinct strings above which a string
	// column chunk is written PLAIN instead of dictionary-encoded.
	maxDictEntries = 1 << 16
	// createdBy names the writer in the file footer.
	createdBy = "golem frame"
)

// Write writes rows rows of cols to w as one snappy-compressed parquet file
// (every column optional; timestamps as TIMESTAMP(MICROS, not UTC-adjusted);
// durations as INT64 microseconds, listed in the file's key/value metadata so
// that Open restores them). Every column must hold rows values.
func Write(w io.Writer, rows int, cols []Column) error {
	for _, c := range cols {
		if n := c.len(); n != rows || (c.Valid != nil && len(c.Valid) != rows) {
			return fmt.Errorf("column %q has %d values (%d validity flags), want %d", c.Name, n, len(c.Valid), rows)
		}
	}
	return writeFile(w, rows, cols)
}

// len returns the number of values c holds.
func (c *Column) len() int {
	switch {
	case c.Type.intBacked():
		return len(c.Ints)
	case c.Type == Float64:
		return len(c.Floats)
	case c.Type == String:
		return len(c.Strs)
	}
	return len(c.Bools)
}

// schemaElement describes column s in the parquet schema (as parquet-go
// describes the same types, so files look alike whichever wrote them).
func (s *Column) schemaElement() format.SchemaElement {
	e := format.SchemaElement{
		Name:           s.Name,
		RepetitionType: thrift.New(format.Optional),
	}
	switch s.Type {
	case Int64, Duration:
		e.Type = thrift.New(format.Int64)
		e.ConvertedType = thrift.New(deprecated.Int64)
		e.LogicalType.Value = &format.IntType{BitWidth: 64, IsSigned: true}
	case Float64:
		e.Type = thrift.New(format.Double)
	case String:
		e.Type = thrift.New(format.ByteArray)
		e.ConvertedType = thrift.New(deprecated.UTF8)
		e.LogicalType.Value = &format.StringType{}
	case Bool:
		e.Type = thrift.New(format.Boolean)
	case Timestamp:
		// No converted type: TIMESTAMP_MICROS would mean UTC-adjusted.
		e.Type = thrift.New(format.Int64)
		e.LogicalType.Value = &format.TimestampType{IsAdjustedToUTC: false, Unit: format.TimeUnit{Value: &format.MicroSeconds{}}}
	}
	return e
}

func (s *Column) physicalType() format.Type {
	switch s.Type {
	case Float64:
		return format.Double
	case String:
		return format.ByteArray
	case Bool:
		return format.Boolean
	}
	return format.Int64
}

// countingWriter tracks the file offset.
type countingWriter struct {
	w   io.Writer
	off int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.off += int64(n)
	return n, err
}

func writeFile(out io.Writer, rows int, cols []Column) error {
	w := &countingWriter{w: out}
	if _, err := io.WriteString(w, "PAR1"); err != nil {
		return err
	}
	md := format.FileMetaData{
		Version:   1,
		NumRows:   int64(rows),
		CreatedBy: createdBy,
		Schema:    make(thrift.Slice[format.SchemaElement], 0, len(cols)+1),
	}
	md.Schema = append(md.Schema, format.SchemaElement{Name: "frame", NumChildren: thrift.New(int32(len(cols)))})
	var durs []string
	for _, c := range cols {
		md.Schema = append(md.Schema, c.schemaElement())
		if c.Type == Duration {
			durs = append(durs, c.Name)
		}
	}
	if len(durs) > 0 {
		md.KeyValueMetadata = thrift.Slice[format.KeyValue]{{Key: durationKey, Value: strings.Join(durs, "\x1f")}}
	}
	for lo := 0; lo < rows && len(cols) > 0; lo += rowGroupRows {
		hi := min(lo+rowGroupRows, rows)
		rg, err := writeRowGroup(w, cols, lo, hi)
		if err != nil {
			return err
		}
		rg.Ordinal = int16(len(md.RowGroups))
		md.RowGroups = append(md.RowGroups, rg)
	}
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &md)
	if err != nil {
		return err
	}
	footer = binary.LittleEndian.AppendUint32(footer, uint32(len(footer)))
	footer = append(footer, "PAR1"...)
	_, err = w.Write(footer)
	return err
}

// writeRowGroup encodes the columns of rows [lo, hi) on two goroutines and
// writes each one as soon as it and the columns before it are encoded, so
// that only a few encoded columns are held at a time.
func writeRowGroup(w *countingWriter, cols []Column, lo, hi int) (format.RowGroup, error) {
	rg := format.RowGroup{NumRows: int64(hi - lo), FileOffset: w.off}
	chunks := make([]columnChunk, len(cols))
	done := make([]chan struct{}, len(cols))
	for i := range done {
		done[i] = make(chan struct{})
	}
	// Scratch buffers go from one column to the next (one set per
	// goroutine), and so do the buffers of the encoded columns once written.
	var scratch sync.Pool
	bufs := &pageBufs{}
	go parallel.For(len(cols), parallel.Workers(hi-lo), func(i int) error {
		e, _ := scratch.Get().(*chunkEncoder)
		if e == nil {
			e = &chunkEncoder{}
		}
		chunks[i] = e.encode(&cols[i], lo, hi, bufs)
		scratch.Put(e)
		close(done[i])
		return nil
	})
	var err error
	for i := range chunks {
		<-done[i]
		c := &chunks[i]
		if err != nil {
			continue // drain the encoders
		}
		if c.err != nil {
			err = fmt.Errorf("column %q: %w", cols[i].Name, c.err)
			continue
		}
		cm := c.meta
		start := w.off
		cm.DataPageOffset += start
		if c.hasDict {
			cm.DictionaryPageOffset = start
		}
		for _, p := range c.pages {
			if _, err = w.Write(p); err != nil {
				break
			}
		}
		bufs.put(c.pages)
		c.pages = nil
		rg.Columns = append(rg.Columns, format.ColumnChunk{FileOffset: start, MetaData: cm})
		rg.TotalByteSize += cm.TotalUncompressedSize
		rg.TotalCompressedSize += cm.TotalCompressedSize
	}
	return rg, err
}

// columnChunk is one column of a row group, encoded as pages (header and
// data); offsets in meta are relative to the start of the first page.
type columnChunk struct {
	pages   [][]byte
	meta    format.ColumnMetaData
	hasDict bool
	err     error
}

// chunkEncoder accumulates the pages of one column chunk.
type chunkEncoder struct {
	s        *Column
	bufs     *pageBufs
	pages    [][]byte
	size     int64  // bytes in pages
	body     []byte // page values scratch
	comp     []byte // compression scratch
	scratch  []byte // level and index encoding scratch
	protocol thrift.CompactProtocol
	uncomp   int64
	nulls    int64
	err      error
}

// encode encodes rows [lo, hi) of s, reusing e's scratch buffers.
func (e *chunkEncoder) encode(s *Column, lo, hi int, bufs *pageBufs) columnChunk {
	*e = chunkEncoder{s: s, bufs: bufs, body: e.body[:0], comp: e.comp[:0], scratch: e.scratch[:0]}
	meta := format.ColumnMetaData{
		Type:         s.physicalType(),
		PathInSchema: thrift.Slice[string]{s.Name},
		Codec:        format.Snappy,
		NumValues:    int64(hi - lo),
	}
	var dict *stringDict
	if s.Type == String {
		dict = buildDict(s, lo, hi)
	}
	npages := int32((hi - lo + pageRows - 1) / pageRows)
	if dict != nil {
		meta.Encoding = thrift.Slice[format.Encoding]{format.Plain, format.RLE, format.RLEDictionary}
		e.writeDictPage(dict)
		meta.DataPageOffset = e.size
		meta.EncodingStats = thrift.Slice[format.PageEncodingStats]{
			{PageType: format.DictionaryPage, Encoding: format.Plain, Count: 1},
			{PageType: format.DataPageV2, Encoding: format.RLEDictionary, Count: npages},
		}
	} else {
		meta.Encoding = thrift.Slice[format.Encoding]{format.Plain, format.RLE}
		meta.EncodingStats = thrift.Slice[format.PageEncodingStats]{
			{PageType: format.DataPageV2, Encoding: format.Plain, Count: npages},
		}
	}
	next := 0 // next dictionary index (dict.idx holds one per non-null row)
	npages = 0
	for p := lo; p < hi && e.err == nil; npages++ {
		q := min(p+pageRows, hi)
		if dict == nil && s.Type == String {
			q = p + plainStringRows(s.Strs[p:q])
		}
		next = e.writeDataPage(p, q, dict, next)
		p = q
	}
	meta.EncodingStats[len(meta.EncodingStats)-1].Count = npages
	meta.TotalUncompressedSize = e.uncomp
	meta.TotalCompressedSize = e.size
	meta.Statistics.NullCount = e.nulls
	return columnChunk{pages: e.pages, meta: meta, hasDict: dict != nil, err: e.err}
}

// appendPage snappy-compresses values and adds a page made of the header h,
// levels (stored as they are) and the compressed values.
func (e *chunkEncoder) appendPage(h *format.PageHeader, levels, values []byte) {
	if need := s2.MaxEncodedLen(len(values)); cap(e.comp) < need {
		e.comp = make([]byte, need)
	}
	comp := s2.EncodeSnappy(e.comp[:cap(e.comp)], values)
	h.UncompressedPageSize = int32(len(levels) + len(values))
	h.CompressedPageSize = int32(len(levels) + len(comp))
	hdr, err := thrift.Marshal(&e.protocol, h)
	if err != nil {
		e.err = err
		return
	}
	page := e.bufs.get(len(hdr) + len(levels) + len(comp))
	page = append(append(append(page, hdr...), levels...), comp...)
	e.pages = append(e.pages, page)
	e.size += int64(len(page))
	e.uncomp += int64(len(hdr)) + int64(h.UncompressedPageSize)
}

func (e *chunkEncoder) writeDictPage(d *stringDict) {
	body := e.body[:0]
	for _, v := range d.values {
		body = binary.LittleEndian.AppendUint32(body, uint32(len(v)))
		body = append(body, v...)
	}
	e.body = body
	e.appendPage(&format.PageHeader{
		Type:                 format.DictionaryPage,
		DictionaryPageHeader: thrift.New(format.DictionaryPageHeader{NumValues: int32(len(d.values)), Encoding: format.Plain}),
	}, nil, body)
}

// writeDataPage writes rows [p, q) as one v2 data page and returns the index
// into dict.idx after the page's values.
func (e *chunkEncoder) writeDataPage(p, q int, dict *stringDict, next int) int {
	s := e.s
	n := q - p
	var valid []bool
	nulls := 0
	if s.Valid != nil {
		valid = s.Valid[p:q]
		for _, ok := range valid {
			if !ok {
				nulls++
			}
		}
		if nulls == 0 {
			valid = nil
		}
	}
	e.nulls += int64(nulls)
	// Definition levels, RLE without a length prefix in v2 pages.
	levels := e.scratch[:0]
	if valid == nil {
		levels = binary.AppendUvarint(levels, uint64(n)<<1) // one run of n ones
		levels = append(levels, 1)
	} else {
		// A Go bool is one byte holding 0 or 1: the mask is the level array.
		var err error
		levels, err = (&rle.Encoding{BitWidth: 1}).EncodeLevels(levels, unsafe.Slice((*uint8)(unsafe.Pointer(&valid[0])), n))
		if err != nil {
			e.err = err
			return next
		}
	}
	e.scratch = levels
	enc := format.Plain
	body := e.body[:0]
	switch {
	case dict != nil:
		enc = format.RLEDictionary
		idx := dict.idx[next : next+n-nulls]
		next += n - nulls
		width := max(1, bits.Len(uint(len(dict.values)-1)))
		body = append(body, byte(width))
		var err error
		body, err = appendRLE(body, idx, width)
		if err != nil {
			e.err = err
			return next
		}
	case s.Type == String:
		for i, v := range s.Strs[p:q] {
			if valid == nil || valid[i] {
				body = binary.LittleEndian.AppendUint32(body, uint32(len(v)))
				body = append(body, v...)
			}
		}
	case (s.Type == Float64 || s.Type.intBacked()) && valid == nil && littleEndian:
		// taken from the slice below, without a copy
	case s.Type == Float64:
		body = appendFixed(body, s.Floats[p:q], valid, math.Float64bits)
	case s.Type == Bool:
		body = appendBits(body, s.Bools[p:q], valid)
	default:
		body = appendFixed(body, s.Ints[p:q], valid, func(v int64) uint64 { return uint64(v) })
	}
	e.body = body
	values := body
	if valid == nil && littleEndian {
		// PLAIN fixed-width values are the little-endian memory of the slice.
		switch s.Type {
		case Float64:
			values = asBytes(s.Floats[p:q])
		case Int64, Timestamp, Duration:
			values = asBytes(s.Ints[p:q])
		}
	}
	e.appendPage(&format.PageHeader{
		Type: format.DataPageV2,
		DataPageHeaderV2: thrift.New(format.DataPageHeaderV2{
			NumValues:                  int32(n),
			NumNulls:                   int32(nulls),
			NumRows:                    int32(n),
			Encoding:                   enc,
			DefinitionLevelsByteLength: int32(len(levels)),
			IsCompressed:               thrift.New(true),
			Statistics:                 format.Statistics{NullCount: int64(nulls)},
		}),
	}, levels, values)
	return next
}

// pageBufs recycles the buffers of encoded pages once they are written, so
// that writing a big frame touches little new memory.
type pageBufs struct {
	mu   sync.Mutex
	free [][]byte
}

// get returns an empty buffer with room for n bytes.
func (b *pageBufs) get(n int) []byte {
	b.mu.Lock()
	best := -1
	for i, f := range b.free {
		if cap(f) >= n && (best < 0 || cap(f) < cap(b.free[best])) {
			best = i
		}
	}
	if best >= 0 {
		f := b.free[best]
		last := len(b.free) - 1
		b.free[best], b.free[last] = b.free[last], nil
		b.free = b.free[:last]
		b.mu.Unlock()
		return f[:0]
	}
	b.mu.Unlock()
	return make([]byte, 0, n+n/4)
}

// put returns written pages for reuse.
func (b *pageBufs) put(pages [][]byte) {
	b.mu.Lock()
	b.free = append(b.free, pages...)
	b.mu.Unlock()
}

// appendRLE appends idx in the RLE/bit-packed hybrid encoding at width bits.
func appendRLE(dst []byte, idx []int32, width int) ([]byte, error) {
	// EncodeInt32 writes from dst[:0]; encode after a copy of dst's tail.
	off := len(dst)
	out, err := (&rle.Encoding{BitWidth: width}).EncodeInt32(dst[off:], idx)
	if err != nil {
		return dst, err
	}
	if len(out) > 0 && len(dst) < cap(dst) && &out[0] == &dst[:off+1][off] {
		return dst[:off+len(out)], nil
	}
	return append(dst, out...), nil
}

// pageBytes bounds the values of a PLAIN string page.
const pageBytes = 1 << 20

// plainStringRows returns how many of v (at least one) fit in a PLAIN page
// of about pageBytes.
func plainStringRows(v []string) int {
	size := 0
	for i, x := range v {
		size += 4 + len(x)
		if size > pageBytes && i > 0 {
			return i
		}
	}
	return len(v)
}

// appendFixed appends the non-null values of v as PLAIN 8-byte little-endian
// values.
func appendFixed[T int64 | float64](dst []byte, v []T, valid []bool, bitsOf func(T) uint64) []byte {
	off := len(dst)
	dst = growBytes(dst, 8*len(v))
	out := dst[off:]
	k := 0
	if valid == nil {
		for _, x := range v {
			binary.LittleEndian.PutUint64(out[k:k+8], bitsOf(x))
			k += 8
		}
	} else {
		for i, x := range v {
			if valid[i] {
				binary.LittleEndian.PutUint64(out[k:k+8], bitsOf(x))
				k += 8
			}
		}
	}
	return dst[:off+k]
}

// appendBits appends the non-null values of v as PLAIN booleans (bit-packed,
// least significant bit first).
func appendBits(dst []byte, v []bool, valid []bool) []byte {
	var acc byte
	k := 0
	for i, x := range v {
		if valid != nil && !valid[i] {
			continue
		}
		if x {
			acc |= 1 << (k & 7)
		}
		k++
		if k&7 == 0 {
			dst = append(dst, acc)
			acc = 0
		}
	}
	if k&7 != 0 {
		dst = append(dst, acc)
	}
	return dst
}

// littleEndian reports whether int64 and float64 values are stored
// little-endian in memory, as PLAIN encoding stores them.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// asBytes returns the memory of v.
func asBytes[T int64 | float64](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*len(v))
}

// growBytes extends b by n bytes (contents unspecified).
func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// stringDict is the dictionary of a string column chunk: its distinct values
// in order of appearance and the index of every non-null row's value.
type stringDict struct {
	values []string
	idx    []int32
}

// buildDict dictionary-encodes rows [lo, hi) of a string series, or returns
// nil when it has more than maxDictEntries distinct values. Strings sharing
// storage (the common case: the reader and AsString share them) are found
// through a small cache keyed by their data pointer before the map.
func buildDict(s *Column, lo, hi int) *stringDict {
	type slot struct {
		p   *byte
		n   int
		idx int32
	}
	var cache [1 << 9]slot
	m := make(map[string]int32)
	d := &stringDict{idx: make([]int32, 0, hi-lo)}
	var valid []bool
	if s.Valid != nil {
		valid = s.Valid[lo:hi]
	}
	for i, v := range s.Strs[lo:hi] {
		if valid != nil && !valid[i] {
			continue
		}
		p := unsafe.StringData(v)
		// Fibonacci hashing: strings a byte apart (AsString's digits) spread.
		h := uint64(uintptr(unsafe.Pointer(p))+uintptr(len(v))) * 0x9E3779B97F4A7C15 >> (64 - 9)
		if c := &cache[h]; c.p == p && c.n == len(v) && p != nil {
			d.idx = append(d.idx, c.idx)
			continue
		}
		k, ok := m[v]
		if !ok {
			if len(d.values) == maxDictEntries {
				return nil
			}
			k = int32(len(d.values))
			m[v] = k
			d.values = append(d.values, v)
		}
		cache[h] = slot{p, len(v), k}
		d.idx = append(d.idx, k)
	}
	if len(d.values) == 0 {
		return nil // all null: PLAIN with no values
	}
	return d
}
