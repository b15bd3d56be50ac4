package frame

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// durationKey is the parquet key/value metadata entry listing the columns
// that hold durations (parquet has no duration type; they are INT64 micros).
const durationKey = "golem.frame.durations"

// orderedGroup is a parquet group whose fields keep the frame's column order
// (parquet.Group is a map and sorts its fields by name).
type orderedGroup struct {
	parquet.Group
	order []string
}

func (g orderedGroup) Fields() []parquet.Field {
	fields := make([]parquet.Field, len(g.order))
	byName := map[string]parquet.Field{}
	for _, f := range g.Group.Fields() {
		byName[f.Name()] = f
	}
	for i, n := range g.order {
		fields[i] = byName[n]
	}
	return fields
}

func parquetNode(t Type) parquet.Node {
	switch t {
	case Int64, Duration:
		return parquet.Int(64)
	case Float64:
		return parquet.Leaf(parquet.DoubleType)
	case String:
		return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	case Bool:
		return parquet.Leaf(parquet.BooleanType)
	case Timestamp:
		return parquet.TimestampAdjusted(parquet.Microsecond, false)
	}
	return nil
}

// rowGroupRows is the number of rows per parquet row group written.
const rowGroupRows = 1 << 20

// WriteParquet writes the frame to path as a snappy-compressed parquet file
// (every column optional; timestamps as TIMESTAMP(MICROS, not UTC-adjusted);
// durations as INT64 microseconds, recorded in the file's metadata so that
// ReadParquet restores them). The file is written to a temporary name and
// renamed into place.
func (f *Frame) WriteParquet(path string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err = f.writeParquet(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (f *Frame) writeParquet(out *bufio.Writer) error {
	g := orderedGroup{Group: parquet.Group{}}
	var durs []string
	for _, c := range f.cols {
		g.Group[c.name] = parquet.Optional(parquetNode(c.typ))
		g.order = append(g.order, c.name)
		if c.typ == Duration {
			durs = append(durs, c.name)
		}
	}
	opts := []parquet.WriterOption{
		parquet.NewSchema("frame", g),
		parquet.Compression(&parquet.Snappy),
	}
	if len(durs) > 0 {
		opts = append(opts, parquet.KeyValueMetadata(durationKey, strings.Join(durs, "\x1f")))
	}
	w := parquet.NewWriter(out, opts...)
	buf := make([]parquet.Value, 0, 4096)
	for lo := 0; lo < f.rows || (lo == 0 && f.rows == 0); lo += rowGroupRows {
		hi := min(lo+rowGroupRows, f.rows)
		cws := w.ColumnWriters()
		for ci, c := range f.cols {
			for i := lo; i < hi; {
				buf = buf[:0]
				for ; i < hi && len(buf) < cap(buf); i++ {
					buf = append(buf, c.parquetValue(i, ci))
				}
				if _, err := cws[ci].WriteRowValues(buf); err != nil {
					return fmt.Errorf("column %q: %w", c.name, err)
				}
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if f.rows == 0 {
			break
		}
	}
	return w.Close()
}

func (s *Series) parquetValue(i, col int) parquet.Value {
	if s.valid != nil && !s.valid[i] {
		return parquet.NullValue().Level(0, 0, col)
	}
	var v parquet.Value
	switch s.typ {
	case Int64, Timestamp, Duration:
		v = parquet.Int64Value(s.ints[i])
	case Float64:
		v = parquet.DoubleValue(s.floats[i])
	case String:
		str := s.strs[i]
		v = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(str), len(str)))
	case Bool:
		v = parquet.BooleanValue(s.bools[i])
	}
	return v.Level(0, 1, col)
}
