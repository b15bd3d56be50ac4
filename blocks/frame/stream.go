package frame

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// ReadParquetBytes reads parquet files held in memory (downloaded objects, for example), unifying
// their schemas as ReadParquet does; names label them in errors and must match data one to one.
func ReadParquetBytes(names []string, data [][]byte) (*Frame, error) {
	if len(names) != len(data) {
		return nil, fmt.Errorf("ReadParquetBytes: %d names for %d files", len(names), len(data))
	}
	opts := ReadOptions{}.withDefaults()
	files := make([]*pqFile, len(data))
	for i, d := range data {
		pf, err := openParquetReader(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", names[i], err)
		}
		pf.name = names[i]
		files[i] = pf
	}
	return decodeFiles(files, opts)
}

// ReadCSVFrom reads CSV with a header row from r, as ReadCSVWith reads a file.
func ReadCSVFrom(r io.Reader, opts CSVOptions) (*Frame, error) {
	return readCSV(bufio.NewReaderSize(r, 1<<16), opts)
}

// WriteParquetTo writes the frame to w as WriteParquet writes a file.
func (f *Frame) WriteParquetTo(w io.Writer) error { return f.writeParquet(w) }

// WriteCSVTo writes the frame to w as WriteCSV writes a file.
func (f *Frame) WriteCSVTo(w io.Writer) error { return f.writeCSV(w) }
