package frame

import (
	"io"

	"github.com/golemlabs/golem/internal/atomicfile"
	"github.com/golemlabs/golem/internal/parquet"
)

// WriteParquet writes the frame to path as a snappy-compressed parquet file
// (every column optional; timestamps as TIMESTAMP(MICROS, not UTC-adjusted);
// durations as INT64 microseconds, recorded in the file's metadata so that
// ReadParquet restores them). The file is written to a temporary name and
// renamed into place, with the mode os.Create gives (0666 less the umask).
// The encoder is internal/parquet.
func (f *Frame) WriteParquet(path string) error {
	return atomicfile.Write(path, atomicfile.Options{}, f.writeParquet)
}

func (f *Frame) writeParquet(w io.Writer) error {
	return parquet.Write(w, f.rows, f.columns())
}

// columns returns the frame's series as the parquet codec's columns, sharing
// their memory.
func (f *Frame) columns() []parquet.Column {
	cols := make([]parquet.Column, len(f.cols))
	for i, s := range f.cols {
		cols[i] = s.column()
	}
	return cols
}

// column returns s as a parquet codec column sharing its memory (frame.Type
// and parquet.Type list the types in the same order).
func (s *Series) column() parquet.Column {
	return parquet.Column{Name: s.name, Type: parquet.Type(s.typ), Ints: s.ints, Floats: s.floats, Strs: s.strs, Bools: s.bools, Valid: s.valid}
}
