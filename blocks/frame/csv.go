package frame

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/internal/atomicfile"
)

// CSVOptions configures ReadCSVWith.
type CSVOptions struct {
	// Delimiter separates fields; 0 means ','.
	Delimiter rune
	// Types forces the type of the named columns instead of inferring it.
	Types map[string]Type
}

// ReadCSV reads a CSV file with a header row, inferring each column's type:
// int64, float64, bool (true/false), timestamp (RFC 3339, "2006-01-02
// 15:04:05" or "2006-01-02"; an offset is dropped, keeping the wall clock), or
// string. Empty fields are null.
func ReadCSV(path string) (*Frame, error) { return ReadCSVWith(CSVOptions{}, path) }

// ReadCSVWith is ReadCSV with options.
func ReadCSVWith(opts CSVOptions, path string) (*Frame, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer file.Close()
	f, err := readCSV(bufio.NewReaderSize(file, 1<<16), opts)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, nil
}

func readCSV(r io.Reader, opts CSVOptions) (*Frame, error) {
	cr := csv.NewReader(r)
	if opts.Delimiter != 0 {
		cr.Comma = opts.Delimiter
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty CSV file (no header)")
		}
		return nil, err
	}
	names := append([]string(nil), header...)
	if len(names) > 0 {
		names[0] = strings.TrimPrefix(names[0], "\ufeff")
	}
	raw := make([][]string, len(names))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for i, v := range rec {
			raw[i] = append(raw[i], strings.Clone(v))
		}
	}
	cols := make([]*Series, len(names))
	for i, n := range names {
		t, forced := opts.Types[n]
		if !forced {
			t = inferType(raw[i])
		}
		s, err := parseColumn(n, t, raw[i])
		if err != nil {
			return nil, err
		}
		cols[i] = s
	}
	return New(cols...)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

func parseTime(v string) (int64, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return timeToMicros(t), true
		}
	}
	return 0, false
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// inferType returns the narrowest type that parses every non-empty value.
func inferType(vals []string) Type {
	isInt, isFloat, isBool, isTime := true, true, true, true
	any := false
	for _, v := range vals {
		if v == "" {
			continue
		}
		any = true
		if isInt {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				isInt = false
			}
		}
		if !isInt && isFloat {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				isFloat = false
			}
		}
		if isBool {
			if _, ok := parseBool(v); !ok {
				isBool = false
			}
		}
		if isTime {
			if _, ok := parseTime(v); !ok {
				isTime = false
			}
		}
		if !isInt && !isFloat && !isBool && !isTime {
			return String
		}
	}
	switch {
	case !any:
		return String
	case isInt:
		return Int64
	case isFloat:
		return Float64
	case isBool:
		return Bool
	case isTime:
		return Timestamp
	}
	return String
}

func parseColumn(name string, t Type, vals []string) (*Series, error) {
	s := alloc(name, t, len(vals))
	valid := make([]bool, len(vals))
	for i, v := range vals {
		if v == "" {
			continue
		}
		var ok bool
		switch t {
		case Int64:
			k, err := strconv.ParseInt(v, 10, 64)
			s.ints[i], ok = k, err == nil
		case Float64:
			f, err := strconv.ParseFloat(v, 64)
			s.floats[i], ok = f, err == nil
		case Bool:
			s.bools[i], ok = parseBool(v)
		case Timestamp:
			s.ints[i], ok = parseTime(v)
		case Duration:
			d, err := time.ParseDuration(v)
			s.ints[i], ok = d.Microseconds(), err == nil
		case String:
			s.strs[i], ok = v, true
		}
		if !ok {
			return nil, fmt.Errorf("column %q row %d: cannot parse %q as %s", name, i+1, v, t)
		}
		valid[i] = true
	}
	return s.withMask(valid), nil
}

// WriteCSV writes the frame to path as CSV with a header row; nulls are empty
// fields, timestamps "2006-01-02 15:04:05[.ffffff]" and durations Go duration
// strings ("1h2m3s"). Like WriteParquet it replaces path atomically, with the
// mode os.Create gives.
func (f *Frame) WriteCSV(path string) error {
	return atomicfile.Write(path, atomicfile.Options{}, f.writeCSV)
}

func (f *Frame) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(f.Columns()); err != nil {
		return err
	}
	rec := make([]string, len(f.cols))
	for i := 0; i < f.rows; i++ {
		for j, c := range f.cols {
			rec[j] = c.formatValue(i)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
