package frame

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// ReadOptions configures ReadParquetWith.
type ReadOptions struct {
	// Columns projects the named columns, in this order; empty reads all.
	Columns []string
	// Timeout bounds each HTTP download attempt; 0 means 60 seconds.
	Timeout time.Duration
	// Retries is the number of HTTP retries after a failed attempt (with
	// exponential backoff from RetryDelay); 0 means 3, negative means none.
	Retries int
	// RetryDelay is the first backoff delay; 0 means 200ms.
	RetryDelay time.Duration
	// Workers is the number of files or columns decoded concurrently; 0 means 2.
	Workers int
}

func (o ReadOptions) withDefaults() ReadOptions {
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 200 * time.Millisecond
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	return o
}

// ReadParquet reads one or more parquet files into one frame. Each path is a
// file, a directory (all *.parquet files below it, sorted), a glob such as
// "data/2023/*.parquet", or an http(s) URL. A path that exists is read as
// written, whatever characters it holds; otherwise the part of it below its
// longest existing directory is a glob (*, ?, [...]), so a project folder named
// "pb[1]" is never a pattern. Files are concatenated in order and their schemas
// unified (see unify.go).
func ReadParquet(paths ...string) (*Frame, error) { return ReadParquetWith(ReadOptions{}, paths...) }

// ReadParquetWith is ReadParquet with options (column projection, HTTP timeout
// and retries).
func ReadParquetWith(opts ReadOptions, paths ...string) (*Frame, error) {
	opts = opts.withDefaults()
	names, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}
	files := make([]*pqFile, len(names))
	defer func() {
		for _, pf := range files {
			pf.close()
		}
	}()
	err = parallel(len(names), opts.Workers, func(i int) error {
		pf, err := openParquet(names[i], opts)
		if err != nil {
			return fmt.Errorf("read %s: %w", names[i], err)
		}
		files[i] = pf
		return nil
	})
	if err != nil {
		return nil, err
	}
	return decodeFiles(files, opts)
}

// expandPaths turns paths, directories and globs into a list of sources.
func expandPaths(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("read: %w: no path given", ErrNoFiles)
	}
	var out []string
	for _, p := range paths {
		switch {
		case isURL(p):
			out = append(out, p)
		case !exists(p) && strings.ContainsAny(p, "*?["):
			m, err := glob(p)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", p, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("read %s: %w", p, ErrNoFiles)
			}
			out = append(out, m...)
		default:
			st, err := os.Stat(p)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", p, err)
			}
			if !st.IsDir() {
				out = append(out, p)
				continue
			}
			var found []string
			err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), ".parquet") {
					found = append(found, path)
				}
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", p, err)
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("read %s: %w (no *.parquet files in directory)", p, ErrNoFiles)
			}
			slices.Sort(found)
			out = append(out, found...)
		}
	}
	return out, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// glob matches pattern p below its longest existing directory, which is taken literally: a project
// at "/tmp/pb[1]" globs "data/*.parquet" inside itself, not "/tmp/pb1". A part without
// metacharacters that does not exist yet is a missing file, not a pattern.
func glob(p string) ([]string, error) {
	dir := filepath.Dir(p)
	for {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	rest, err := filepath.Rel(dir, p)
	if err != nil || !fs.ValidPath(filepath.ToSlash(rest)) {
		m, err := filepath.Glob(p)
		slices.Sort(m)
		return m, err
	}
	if !strings.ContainsAny(rest, "*?[") {
		_, err := os.Stat(p)
		return nil, err
	}
	m, err := fs.Glob(os.DirFS(dir), filepath.ToSlash(rest))
	if err != nil {
		return nil, err
	}
	for i := range m {
		m[i] = filepath.Join(dir, filepath.FromSlash(m[i]))
	}
	slices.Sort(m)
	return m, nil
}

func isURL(p string) bool { return strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") }

// parallel runs fn(0..n-1) on up to workers goroutines and returns the first
// error (by index).
func parallel(n, workers int, fn func(i int) error) error {
	if n == 0 {
		return nil
	}
	errs := make([]error, n)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if errs[i] = fn(i); errs[i] != nil {
				return errs[i]
			}
		}
		return nil
	}
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// pqFile is an opened parquet file and its flat columns.
type pqFile struct {
	name   string
	file   *parquet.File
	cols   []pqCol
	rows   int
	closer io.Closer // the open file, if any
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

// pqCol is one top-level leaf column of a file.
type pqCol struct {
	name   string
	leaf   int // column chunk index
	kind   srcKind
	typ    Type  // frame type
	scale  int64 // timestamp/duration: multiply (>0) or divide (<0) to get micros
	maxDef byte
	skip   string // non-empty: unsupported, with the reason
}

// openParquet opens a parquet file or URL. A local file is read through its
// descriptor, page by page into reused buffers, and must be closed; a URL is
// downloaded into memory.
func openParquet(name string, opts ReadOptions) (*pqFile, error) {
	var r io.ReaderAt
	var size int64
	var closer io.Closer
	if isURL(name) {
		data, err := download(name, opts)
		if err != nil {
			return nil, err
		}
		r, size = bytes.NewReader(data), int64(len(data))
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		st, err := fh.Stat()
		if err != nil || !st.Mode().IsRegular() {
			fh.Close()
			if err == nil {
				err = fmt.Errorf("not a regular file")
			}
			return nil, err
		}
		r, size, closer = fh, st.Size(), fh
	}
	f, err := openParquetReader(r, size)
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, err
	}
	f.name = name
	f.closer = closer
	return f, nil
}

// close releases the file behind pf.
func (pf *pqFile) close() {
	if pf != nil && pf.closer != nil {
		pf.closer.Close()
		pf.closer = nil
	}
}

func openParquetReader(r io.ReaderAt, size int64) (pf *pqFile, err error) {
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
	f, err := parquet.OpenFile(r, size,
		parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(256<<10))
	if err != nil {
		return nil, fmt.Errorf("corrupt parquet file: %w", err)
	}
	pf = &pqFile{file: f, rows: int(f.NumRows())}
	leaf := 0
	for _, fld := range f.Schema().Fields() {
		n := countLeaves(fld)
		c := pqCol{name: fld.Name(), leaf: leaf}
		leaf += n
		if !fld.Leaf() || fld.Repeated() {
			c.skip = "nested or repeated column"
		} else {
			c.maxDef = 0
			if fld.Optional() {
				c.maxDef = 1
			}
			classify(fld.Type(), &c)
		}
		pf.cols = append(pf.cols, c)
	}
	if v, ok := f.Lookup(durationKey); ok {
		for _, n := range strings.Split(v, "\x1f") {
			for i := range pf.cols {
				if pf.cols[i].name == n && pf.cols[i].typ == Int64 {
					pf.cols[i].typ = Duration
				}
			}
		}
	}
	return pf, nil
}

func countLeaves(n parquet.Node) int {
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

// classify sets the decode kind and frame type of a leaf column.
func classify(t parquet.Type, c *pqCol) {
	lt := t.LogicalType()
	var lv format.LogicalTypeValue
	if lt != nil {
		lv = lt.Value
	}
	if _, ok := lv.(*format.NullType); ok {
		c.kind = srcNull
		return
	}
	c.scale = 1
	switch t.Kind() {
	case parquet.Boolean:
		c.kind, c.typ = srcBool, Bool
	case parquet.Int32:
		c.kind, c.typ = srcInt32, Int64
		switch v := lv.(type) {
		case *format.DateType:
			c.typ, c.scale = Timestamp, microsPerDay
		case *format.TimeType:
			c.typ, c.scale = Duration, unitScale(v.Unit)
		case *format.DecimalType:
			c.skip = "DECIMAL column"
		}
		if ct := t.ConvertedType(); ct != nil && *ct == deprecated.Date {
			c.typ, c.scale = Timestamp, microsPerDay
		}
	case parquet.Int64:
		c.kind, c.typ = srcInt64, Int64
		switch v := lv.(type) {
		case *format.TimestampType:
			c.typ, c.scale = Timestamp, unitScale(v.Unit)
		case *format.TimeType:
			c.typ, c.scale = Duration, unitScale(v.Unit)
		case *format.DecimalType:
			c.skip = "DECIMAL column"
		}
		if ct := t.ConvertedType(); ct != nil && lv == nil {
			switch *ct {
			case deprecated.TimestampMillis:
				c.typ, c.scale = Timestamp, 1000
			case deprecated.TimestampMicros:
				c.typ = Timestamp
			}
		}
	case parquet.Int96:
		c.kind, c.typ = srcInt96, Timestamp
	case parquet.Float:
		c.kind, c.typ = srcFloat, Float64
	case parquet.Double:
		c.kind, c.typ = srcDouble, Float64
	case parquet.ByteArray:
		c.kind, c.typ = srcBytes, String
		if _, ok := lv.(*format.DecimalType); ok {
			c.skip = "DECIMAL column"
		}
	default:
		c.skip = fmt.Sprintf("%s column", t)
	}
}

// decodeFiles unifies the schemas of files and decodes every column chunk
// straight into one pre-allocated series per column.
func decodeFiles(files []*pqFile, opts ReadOptions) (*Frame, error) {
	sb := newSchemaBuilder()
	for _, pf := range files {
		for _, c := range pf.cols {
			if c.skip != "" {
				continue
			}
			if err := sb.add(c.name, c.typ, c.kind != srcNull, pf.name); err != nil {
				return nil, fmt.Errorf("read %s: %w", pf.name, err)
			}
		}
	}
	names := sb.names
	if len(opts.Columns) > 0 {
		for _, n := range opts.Columns {
			if _, ok := sb.types[n]; !ok {
				return nil, fmt.Errorf("read %s: %w %q (columns: %s)", files[0].name, ErrNoColumn, n, joinNames(sb.names))
			}
		}
		names = opts.Columns
	}
	total := 0
	offsets := make([]int, len(files))
	for i, pf := range files {
		offsets[i] = total
		total += pf.rows
	}
	cols := make([]*Series, len(names))
	for i, n := range names {
		s := alloc(n, sb.typeOf(n), total)
		s.valid = makeSlice[bool](total)
		cols[i] = s
	}
	type job struct {
		file *pqFile
		col  *pqCol
		dst  *Series
		off  int
	}
	var jobs []job
	for fi, pf := range files {
		for ci, n := range names {
			for k := range pf.cols {
				if pf.cols[k].name == n && pf.cols[k].skip == "" && pf.cols[k].kind != srcNull {
					jobs = append(jobs, job{pf, &pf.cols[k], cols[ci], offsets[fi]})
					break
				}
			}
		}
	}
	err := parallel(len(jobs), opts.Workers, func(i int) error {
		j := jobs[i]
		if err := decodeColumn(j.file, j.col, j.dst, j.off); err != nil {
			return fmt.Errorf("read %s: column %q: %w", j.file.name, j.col.name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range cols {
		s.withMask(s.valid)
	}
	return &Frame{cols: cols, rows: total}, nil
}

// decodeColumn decodes one column of pf into dst rows [off, off+pf.rows).
func decodeColumn(pf *pqFile, c *pqCol, dst *Series, off int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt column data: %v", r)
		}
	}()
	pos := off
	end := off + pf.rows
	dc := &dictCache{}
	for _, rg := range pf.file.RowGroups() {
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
				return fmt.Errorf("page has more rows than the file footer declares")
			}
			if err := decodePage(p, c, dst, pos, dc); err != nil {
				pages.Close()
				return err
			}
			pos += n
			parquet.Release(p)
		}
		pages.Close()
	}
	if pos != end {
		return fmt.Errorf("read %d rows, footer declares %d", pos-off, pf.rows)
	}
	if c.typ.isIntBacked() && c.scale != 1 {
		v := dst.ints[off:end]
		if c.scale > 0 {
			for i := range v {
				v[i] *= c.scale
			}
		} else {
			d := -c.scale
			for i := range v {
				v[i] = floorDiv(v[i], d)
			}
		}
	}
	return nil
}

// dictCache holds the string form of the current dictionary of a column chunk.
type dictCache struct {
	dict parquet.Dictionary
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

func decodePage(p parquet.Page, c *pqCol, dst *Series, pos int, dc *dictCache) error {
	n := int(p.NumRows())
	def := p.DefinitionLevels()
	if c.maxDef == 0 || p.NumNulls() == 0 {
		def = nil // every row holds a value: take the dense fast path
	} else if len(def) != n {
		return fmt.Errorf("page has %d definition levels for %d rows", len(def), n)
	}
	valid := dst.valid[pos : pos+n]
	data := p.Data()
	if dict := p.Dictionary(); dict != nil {
		idx := data.Int32()
		dd := dict.Page().Data()
		switch c.kind {
		case srcInt32:
			if dst.typ == Float64 {
				scatterDictNum(dst.floats[pos:], valid, def, c.maxDef, idx, dd.Int32())
			} else {
				scatterDictNum(dst.ints[pos:], valid, def, c.maxDef, idx, dd.Int32())
			}
		case srcInt64:
			if dst.typ == Float64 {
				scatterDictNum(dst.floats[pos:], valid, def, c.maxDef, idx, dd.Int64())
			} else {
				scatterDictNum(dst.ints[pos:], valid, def, c.maxDef, idx, dd.Int64())
			}
		case srcFloat:
			scatterDictNum(dst.floats[pos:], valid, def, c.maxDef, idx, dd.Float())
		case srcDouble:
			scatterDictNum(dst.floats[pos:], valid, def, c.maxDef, idx, dd.Double())
		case srcInt96:
			scatterDict(dst.ints[pos:], valid, def, c.maxDef, idx, dd.Int96(), int96Micros)
		case srcBytes:
			if dc.dict != dict {
				b, offs := dd.ByteArray()
				dc.dict = dict
				dc.strs = make([]string, max(len(offs)-1, 0))
				for i := range dc.strs {
					dc.strs[i] = string(b[offs[i]:offs[i+1]])
				}
			}
			scatterDict(dst.strs[pos:], valid, def, c.maxDef, idx, dc.strs, func(s string) string { return s })
		case srcBool:
			return fmt.Errorf("%w: dictionary-encoded booleans", ErrUnsupported)
		}
		return nil
	}
	switch c.kind {
	case srcInt32:
		if dst.typ == Float64 {
			scatterNum(dst.floats[pos:], valid, def, c.maxDef, data.Int32())
		} else {
			scatterNum(dst.ints[pos:], valid, def, c.maxDef, data.Int32())
		}
	case srcInt64:
		if dst.typ == Float64 {
			scatterNum(dst.floats[pos:], valid, def, c.maxDef, data.Int64())
		} else {
			scatterNum(dst.ints[pos:], valid, def, c.maxDef, data.Int64())
		}
	case srcFloat:
		scatterNum(dst.floats[pos:], valid, def, c.maxDef, data.Float())
	case srcDouble:
		scatterNum(dst.floats[pos:], valid, def, c.maxDef, data.Double())
	case srcInt96:
		src := data.Int96()
		j := 0
		for i := 0; i < n; i++ {
			if def == nil || def[i] == c.maxDef {
				dst.ints[pos+i] = int96Micros(src[j])
				valid[i] = true
				j++
			}
		}
	case srcBytes:
		b, offs := data.ByteArray()
		out := dst.strs[pos : pos+n]
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
		out := dst.bools[pos : pos+n]
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
