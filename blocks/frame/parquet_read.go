package frame

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/golemlabs/golem/internal/parallel"
	"github.com/golemlabs/golem/internal/parquet"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// ReadOptions configures ReadParquetWith.
type ReadOptions struct {
	// Context stops the read when it is done: an HTTP download in progress
	// and its retries stop at once, and no further file is opened. nil
	// means none. In a block, ReadParquet and ReadParquetWith follow the
	// block's context (ctx.Context()) when Context is nil, so cancelling the
	// run or the block's timeout stops its downloads.
	Context context.Context
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
	if o.Context == nil {
		o.Context = context.Background()
	}
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
	files := make([]*parquet.File, len(names))
	defer func() {
		for _, pf := range files {
			pf.Close()
		}
	}()
	err = parallel.For(len(names), opts.Workers, func(i int) error {
		if err := opts.Context.Err(); err != nil {
			return fmt.Errorf("read %s: %w", names[i], context.Cause(opts.Context))
		}
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
	return decodeFiles(names, files, opts)
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

// openParquet opens a parquet file or URL. A local file is read through its
// descriptor and must be closed; a URL is downloaded into memory.
func openParquet(name string, opts ReadOptions) (*parquet.File, error) {
	if !isURL(name) {
		return parquet.OpenFile(name)
	}
	data, err := download(name, opts)
	if err != nil {
		return nil, err
	}
	return parquet.Open(bytes.NewReader(data), int64(len(data)))
}

// decodeFiles unifies the schemas of files and decodes every column chunk
// straight into one pre-allocated series per column.
func decodeFiles(names []string, files []*parquet.File, opts ReadOptions) (*Frame, error) {
	sb := newSchemaBuilder()
	for i, pf := range files {
		for _, c := range pf.Columns {
			if c.Skip != "" {
				continue
			}
			if err := sb.add(c.Name, Type(c.Type), !c.Null, names[i]); err != nil {
				return nil, fmt.Errorf("read %s: %w", names[i], err)
			}
		}
	}
	cols := sb.names
	if len(opts.Columns) > 0 {
		for _, n := range opts.Columns {
			if _, ok := sb.types[n]; !ok {
				return nil, fmt.Errorf("read %s: %w %q (columns: %s)", names[0], ErrNoColumn, n, joinNames(sb.names))
			}
		}
		cols = opts.Columns
	}
	total := 0
	offsets := make([]int, len(files))
	for i, pf := range files {
		offsets[i] = total
		total += pf.Rows
	}
	out := make([]*Series, len(cols))
	for i, n := range cols {
		s := alloc(n, sb.typeOf(n), total)
		s.valid = hugeslice.Make[bool](total)
		out[i] = s
	}
	type job struct {
		file, col int
		dst       *Series
	}
	var jobs []job
	for fi, pf := range files {
		for ci, n := range cols {
			for k, c := range pf.Columns {
				if c.Name == n && c.Skip == "" && !c.Null {
					jobs = append(jobs, job{fi, k, out[ci]})
					break
				}
			}
		}
	}
	err := parallel.For(len(jobs), opts.Workers, func(i int) error {
		j := jobs[i]
		if err := files[j.file].Decode(j.col, j.dst.column(), offsets[j.file]); err != nil {
			return fmt.Errorf("read %s: column %q: %w", names[j.file], j.dst.name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		s.withMask(s.valid)
	}
	return &Frame{cols: out, rows: total}, nil
}
