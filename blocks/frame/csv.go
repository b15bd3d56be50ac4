package frame

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/golemlabs/golem/internal/atomicfile"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// CSVOptions configures ReadCSVWith. The zero value reads as ReadCSV does.
type CSVOptions struct {
	// Delimiter separates fields; 0 means ','.
	Delimiter rune
	// Types forces the type of the named columns instead of inferring it.
	Types map[string]Type
	// NullValues are the field texts read as null. nil means the default
	// DefaultNullValues; []string{""} makes only empty fields null.
	NullValues []string
	// BadLines says what to do with a line that has the wrong number of
	// fields or a broken quote: "error" (the default) fails the read naming
	// the line; "skip" leaves it out, and the skipped lines are counted and
	// reported with their line numbers through Log.
	BadLines string
	// InferRows is how many data rows type inference looks at: 0 (the
	// default) means the whole file. With N > 0 a later value that does not
	// parse as the inferred type is an error naming its line.
	InferRows int
	// TimeLayouts are Go time layouts ("01/02/2006 15:04") tried, in order,
	// before the built-in ones when inferring and parsing timestamps.
	TimeLayouts []string
	// Log receives the report of skipped lines: pass ctx in a block, so it
	// reaches the block's log; nil writes it to the standard logger.
	Log Logger
}

// Logger is what reports go to: *blocks.Context is one.
type Logger interface {
	Logf(format string, args ...any)
}

// DefaultNullValues are the field texts ReadCSV reads as null.
var DefaultNullValues = []string{"", "NA", "N/A", "null", "NaN"}

// ReadCSV reads a CSV file with a header row, inferring each column's type
// over the whole file: int64, float64, bool (true/false), timestamp (RFC 3339,
// "2006-01-02 15:04:05[.ffffff]" or "2006-01-02"; an offset is dropped,
// keeping the wall clock), or string. Quoted fields follow RFC 4180 (a quoted
// field may hold the delimiter, "" for a quote, and line breaks). Fields that
// are empty, NA, N/A, null or NaN are null. A line with the wrong number of
// fields is an error naming it; see ReadCSVWith to skip such lines.
//
//	trips, err := frame.ReadCSV(ctx.Path("data/trips.csv"))
func ReadCSV(path string) (*Frame, error) { return ReadCSVWith(CSVOptions{}, path) }

// ReadCSVWith is ReadCSV with options.
//
//	f, err := frame.ReadCSVWith(frame.CSVOptions{BadLines: "skip", Log: ctx}, path)
func ReadCSVWith(opts CSVOptions, path string) (*Frame, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := parseCSV(data, opts, path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, nil
}

// span is a field's bytes in the (in place unescaped) file buffer.
type span struct{ off, len uint32 }

// csvParser splits a CSV buffer into fields. Quoted fields are unescaped in
// place: the unescaped text is never longer than the quoted one.
type csvParser struct {
	data  []byte
	delim byte
	pos   int
	line  int // line number of the next unread line (1-based)
}

var errQuote = errors.New("broken quote")

// next reads one record into fields (reusing it) and returns the line it
// starts on; ok is false at the end of the data. err reports a broken quote;
// the parser then continues at the next line.
func (p *csvParser) next(fields []span) (out []span, line int, ok bool, err error) {
	out = fields[:0]
	for p.pos < len(p.data) {
		start := p.pos
		line = p.line
		nl := bytes.IndexByte(p.data[start:], '\n')
		end := len(p.data)
		if nl >= 0 {
			end = start + nl
		}
		rec := p.data[start:end]
		if len(rec) > 0 && rec[len(rec)-1] == '\r' {
			rec = rec[:len(rec)-1]
		}
		if bytes.IndexByte(rec, '"') < 0 {
			p.pos, p.line = end+1, p.line+1
			if len(rec) == 0 {
				continue // blank line
			}
			off := start
			for {
				i := bytes.IndexByte(rec, p.delim)
				if i < 0 {
					out = append(out, span{uint32(off), uint32(len(rec))})
					break
				}
				out = append(out, span{uint32(off), uint32(i)})
				rec = rec[i+1:]
				off += i + 1
			}
			return out, line, true, nil
		}
		out, err = p.quoted(out)
		return out, line, true, err
	}
	return out, 0, false, nil
}

// quoted parses a record that contains a quote, byte by byte.
func (p *csvParser) quoted(out []span) ([]span, error) {
	d := p.data
	i := p.pos
	fail := func() ([]span, error) {
		// Resume after the line the record started on.
		j := bytes.IndexByte(d[p.pos:], '\n')
		if j < 0 {
			p.pos = len(d)
		} else {
			p.pos += j + 1
		}
		p.line++
		return out, errQuote
	}
	lines := 0
	for {
		start := i
		if i < len(d) && d[i] == '"' {
			w := i
			i++
			for {
				if i >= len(d) {
					return fail() // no closing quote
				}
				c := d[i]
				if c == '"' {
					if i+1 < len(d) && d[i+1] == '"' {
						d[w] = '"'
						w, i = w+1, i+2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					lines++
				}
				d[w] = c
				w, i = w+1, i+1
			}
			out = append(out, span{uint32(start), uint32(w - start)})
			switch {
			case i >= len(d):
				p.pos, p.line = i, p.line+lines+1
				return out, nil
			case d[i] == p.delim:
				i++
				continue
			case d[i] == '\n':
				p.pos, p.line = i+1, p.line+lines+1
				return out, nil
			case d[i] == '\r' && (i+1 >= len(d) || d[i+1] == '\n'):
				p.pos, p.line = i+2, p.line+lines+1
				return out, nil
			}
			return fail() // text after a closing quote
		}
		// An unquoted field: a quote inside it is kept as text.
		for i < len(d) && d[i] != p.delim && d[i] != '\n' {
			i++
		}
		e := i
		if e > start && i <= len(d) && (i == len(d) || d[i] == '\n') && d[e-1] == '\r' {
			e--
		}
		out = append(out, span{uint32(start), uint32(e - start)})
		if i < len(d) && d[i] == p.delim {
			i++
			continue
		}
		p.pos, p.line = i+1, p.line+lines+1
		return out, nil
	}
}

func parseCSV(data []byte, opts CSVOptions, path string) (*Frame, error) {
	if len(data) >= math.MaxUint32 {
		return nil, errors.New("file larger than 4 GiB")
	}
	delim := byte(',')
	if opts.Delimiter != 0 {
		if opts.Delimiter >= utf8.RuneSelf || opts.Delimiter == '"' || opts.Delimiter == '\n' || opts.Delimiter == '\r' {
			return nil, fmt.Errorf("delimiter %q: want one ASCII character other than a quote or a line break", opts.Delimiter)
		}
		delim = byte(opts.Delimiter)
	}
	switch opts.BadLines {
	case "", "error", "skip":
	default:
		return nil, fmt.Errorf("BadLines %q: want \"error\" or \"skip\"", opts.BadLines)
	}
	skip := opts.BadLines == "skip"
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	p := &csvParser{data: data, delim: delim, line: 1}
	hdr, _, ok, err := p.next(nil)
	if !ok {
		return nil, errors.New("empty CSV file (no header)")
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w in the header", err)
	}
	names := make([]string, len(hdr))
	for i, s := range hdr {
		names[i] = string(data[s.off : s.off+s.len])
	}
	ncol := len(names)
	estimate := bytes.Count(data[p.pos:], []byte{'\n'}) + 1
	cols := make([][]span, ncol)
	for i := range cols {
		cols[i] = make([]span, 0, estimate)
	}
	lines := make([]int32, 0, estimate)
	var skipped []string
	nskipped := 0
	rec := make([]span, 0, ncol)
	for {
		var line int
		rec, line, ok, err = p.next(rec)
		if !ok {
			break
		}
		reason := ""
		switch {
		case err != nil:
			reason = err.Error()
		case len(rec) != ncol:
			reason = fmt.Sprintf("%d fields, want %d", len(rec), ncol)
		}
		if reason != "" {
			if !skip {
				return nil, fmt.Errorf("line %d: %s (BadLines: \"skip\" leaves such lines out)", line, reason)
			}
			nskipped++
			if len(skipped) < 20 {
				skipped = append(skipped, fmt.Sprintf("line %d (%s)", line, reason))
			}
			continue
		}
		for i, s := range rec {
			cols[i] = append(cols[i], s)
		}
		lines = append(lines, int32(line))
	}
	if nskipped > 0 {
		logf := log.Printf
		if opts.Log != nil {
			logf = opts.Log.Logf
		}
		more := ""
		if nskipped > len(skipped) {
			more = fmt.Sprintf(", and %d more", nskipped-len(skipped))
		}
		logf("read %s: skipped %d bad lines: %s%s", path, nskipped, strings.Join(skipped, ", "), more)
	}
	nulls := opts.NullValues
	if nulls == nil {
		nulls = DefaultNullValues
	}
	series := make([]*Series, ncol)
	errs := make([]error, ncol)
	eachCol(ncol, len(lines), func(i int) {
		c := &csvColumn{name: names[i], data: data, spans: cols[i], lines: lines, nulls: nulls, layouts: opts.TimeLayouts, inferRows: opts.InferRows}
		t, forced := opts.Types[names[i]]
		series[i], errs[i] = c.parse(t, forced)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return New(series...)
}

// csvColumn is one column's fields on its way to a Series.
type csvColumn struct {
	name      string
	data      []byte
	spans     []span
	lines     []int32
	nulls     []string
	layouts   []string
	inferRows int
}

func (c *csvColumn) text(i int) string {
	s := c.spans[i]
	if s.len == 0 {
		return ""
	}
	return unsafe.String(&c.data[s.off], int(s.len))
}

func (c *csvColumn) isNull(v string) bool {
	for _, n := range c.nulls {
		if v == n {
			return true
		}
	}
	return false
}

// inferOrder is the order in which types are tried: the first that parses
// every value wins.
var inferOrder = []Type{Int64, Float64, Bool, Timestamp, String}

// parse builds the series: with a forced type, every value must parse; else
// each type of inferOrder is tried until one parses every value (of the
// first inferRows rows, when set; a later failure is then an error).
func (c *csvColumn) parse(t Type, forced bool) (*Series, error) {
	n := len(c.spans)
	valid := hugeslice.Make[bool](n)
	for i := range valid {
		valid[i] = !c.isNull(c.text(i))
	}
	if forced {
		s, bad := c.parseAs(t, valid)
		if bad >= 0 {
			return nil, c.parseErr(t, bad, "")
		}
		return s, nil
	}
	all := true
	for _, ok := range valid {
		if ok {
			all = false
			break
		}
	}
	if all { // nothing to infer from
		return NewNulls(c.name, String, n), nil
	}
	for _, t := range inferOrder {
		s, bad := c.parseAs(t, valid)
		if bad < 0 {
			return s, nil
		}
		if c.inferRows > 0 && bad >= c.inferRows {
			return nil, c.parseErr(t, bad, fmt.Sprintf(" (type inferred from the first %d rows; set InferRows to 0 or give Types)", c.inferRows))
		}
	}
	panic("unreachable: every value parses as a string")
}

func (c *csvColumn) parseErr(t Type, row int, hint string) error {
	return fmt.Errorf("column %q line %d: cannot parse %q as %s%s", c.name, c.lines[row], c.text(row), t, hint)
}

// parseAs parses the non-null values as t; bad is the first row that does
// not parse, or -1.
func (c *csvColumn) parseAs(t Type, valid []bool) (s *Series, bad int) {
	n := len(c.spans)
	s = alloc(c.name, t, n)
	switch t {
	case Int64:
		for i := range n {
			if valid[i] {
				v, ok := parseInt(c.text(i))
				if !ok {
					return nil, i
				}
				s.ints[i] = v
			}
		}
	case Float64:
		for i := range n {
			if valid[i] {
				v, err := strconv.ParseFloat(c.text(i), 64)
				if err != nil {
					return nil, i
				}
				s.floats[i] = v
			}
		}
	case Bool:
		for i := range n {
			if valid[i] {
				v, ok := parseBool(c.text(i))
				if !ok {
					return nil, i
				}
				s.bools[i] = v
			}
		}
	case Timestamp:
		for i := range n {
			if valid[i] {
				v, ok := parseTimeWith(c.text(i), c.layouts)
				if !ok {
					return nil, i
				}
				s.ints[i] = v
			}
		}
	case Duration:
		for i := range n {
			if valid[i] {
				d, err := time.ParseDuration(c.text(i))
				if err != nil {
					return nil, i
				}
				s.ints[i] = d.Microseconds()
			}
		}
	case String:
		// Clone the texts (interning repeated ones) so the file buffer
		// is not kept alive by the column.
		intern := map[string]string{}
		for i := range n {
			if !valid[i] {
				continue
			}
			v := c.text(i)
			if w, ok := intern[v]; ok {
				s.strs[i] = w
				continue
			}
			w := strings.Clone(v)
			if len(intern) < 1<<16 {
				intern[w] = w
			}
			s.strs[i] = w
		}
	}
	return s.withMask(valid), -1
}

// parseInt parses a decimal integer, fast for up to 18 digits.
func parseInt(v string) (int64, bool) {
	s := v
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		k, err := strconv.ParseInt(v, 10, 64)
		return k, err == nil
	}
	var k int64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		k = k*10 + int64(d)
	}
	if neg {
		k = -k
	}
	return k, true
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

func parseTime(v string) (int64, bool) { return parseTimeWith(v, nil) }

// parseTimeWith parses v with the user's layouts first, then the common
// "2006-01-02[ T]15:04:05[.ffffff]" form without allocating, then the
// built-in layouts.
func parseTimeWith(v string, layouts []string) (int64, bool) {
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return timeToMicros(t), true
		}
	}
	if us, ok := parseISO(v); ok {
		return us, true
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return timeToMicros(t), true
		}
	}
	return 0, false
}

// parseISO parses "YYYY-MM-DD", "YYYY-MM-DD hh:mm:ss" and
// "YYYY-MM-DDThh:mm:ss" with an optional fraction of up to 9 digits (no
// offset) into naive microseconds.
func parseISO(v string) (int64, bool) {
	num := func(s string) (int64, bool) {
		var k int64
		for i := 0; i < len(s); i++ {
			d := s[i] - '0'
			if d > 9 {
				return 0, false
			}
			k = k*10 + int64(d)
		}
		return k, true
	}
	if len(v) < 10 || v[4] != '-' || v[7] != '-' {
		return 0, false
	}
	y, ok1 := num(v[0:4])
	m, ok2 := num(v[5:7])
	d, ok3 := num(v[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	days := daysFromCivil(y, m, d)
	if _, m2, _ := civil(days); m2 != m {
		return 0, false
	}
	us := days * microsPerDay
	if len(v) == 10 {
		return us, true
	}
	if len(v) < 19 || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':' {
		return 0, false
	}
	h, ok1 := num(v[11:13])
	mi, ok2 := num(v[14:16])
	s, ok3 := num(v[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	us += ((h*60+mi)*60 + s) * 1_000_000
	if len(v) == 19 {
		return us, true
	}
	frac := v[20:]
	if v[19] != '.' || len(frac) == 0 || len(frac) > 9 {
		return 0, false
	}
	f, ok := num(frac)
	if !ok {
		return 0, false
	}
	for i := len(frac); i < 6; i++ {
		f *= 10
	}
	for i := len(frac); i > 6; i-- {
		f /= 10
	}
	return us + f, true
}

func parseBool(v string) (bool, bool) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
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
