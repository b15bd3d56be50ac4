package frame

import (
	"bytes"
	"fmt"
	"io"

	"github.com/golemlabs/golem/internal/parquet"
)

// ReadParquetBytes reads parquet files held in memory (downloaded objects, for example), unifying
// their schemas as ReadParquet does; names label them in errors and must match data one to one.
func ReadParquetBytes(names []string, data [][]byte) (*Frame, error) {
	if len(names) != len(data) {
		return nil, fmt.Errorf("ReadParquetBytes: %d names for %d files", len(names), len(data))
	}
	files := make([]*parquet.File, len(data))
	defer func() {
		for _, pf := range files {
			pf.Close()
		}
	}()
	for i, d := range data {
		pf, err := parquet.Open(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", names[i], err)
		}
		files[i] = pf
	}
	return decodeFiles(names, files, ReadOptions{}.withDefaults())
}

// ReadCSVBytes reads CSV held in memory as ReadCSVWith reads a file (name labels it in errors).
// It unescapes quoted fields in place: data is not usable afterwards.
func ReadCSVBytes(name string, data []byte, opts CSVOptions) (*Frame, error) {
	f, err := parseCSV(data, opts, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return f, nil
}

// WriteParquetTo writes the frame to w as WriteParquet writes a file.
func (f *Frame) WriteParquetTo(w io.Writer) error { return f.writeParquet(w) }

// WriteCSVTo writes the frame to w as WriteCSV writes a file.
func (f *Frame) WriteCSVTo(w io.Writer) error { return f.writeCSV(w) }
