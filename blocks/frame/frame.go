package frame

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// Frame is an ordered set of equally long, uniquely named Series. Frames are
// immutable: every method returns a new Frame that may share column storage.
type Frame struct {
	cols []*Series
	rows int
}

// New returns a frame of the given columns, which must have distinct names
// and equal lengths.
func New(cols ...*Series) (*Frame, error) {
	f := &Frame{cols: make([]*Series, 0, len(cols))}
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		if c == nil {
			return nil, &Error{Op: "New", Err: fmt.Errorf("%w: column %d is nil", ErrType, i)}
		}
		if seen[c.name] {
			return nil, &Error{Op: "New", Err: wrapped{fmt.Sprintf("duplicate column %q", c.name), ErrDuplicate}}
		}
		seen[c.name] = true
		if i == 0 {
			f.rows = c.n
		} else if c.n != f.rows {
			return nil, &Error{Op: "New", Err: wrapped{fmt.Sprintf("length mismatch %d vs %d (columns %q, %q)", f.rows, c.n, cols[0].name, c.name), ErrLength}}
		}
		f.cols = append(f.cols, c)
	}
	return f, nil
}

// MustNew is like New but panics with the *Error.
func MustNew(cols ...*Series) *Frame {
	f, err := New(cols...)
	if err != nil {
		panic(err)
	}
	return f
}

// NumRows returns the number of rows.
func (f *Frame) NumRows() int { return f.rows }

// NumCols returns the number of columns.
func (f *Frame) NumCols() int { return len(f.cols) }

// Shape returns the numbers of rows and columns.
func (f *Frame) Shape() (rows, cols int) { return f.rows, len(f.cols) }

// Columns returns the column names in order.
func (f *Frame) Columns() []string {
	out := make([]string, len(f.cols))
	for i, c := range f.cols {
		out[i] = c.name
	}
	return out
}

// Schema returns the name and type of every column.
func (f *Frame) Schema() []Field {
	out := make([]Field, len(f.cols))
	for i, c := range f.cols {
		out[i] = Field{Name: c.name, Type: c.typ}
	}
	return out
}

// Has reports whether the frame has a column called name.
func (f *Frame) Has(name string) bool { return f.index(name) >= 0 }

func (f *Frame) index(name string) int {
	for i, c := range f.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

func (f *Frame) mustIndex(op, name string) int {
	i := f.index(name)
	if i < 0 {
		failMsg(op, ErrNoColumn, "no column %q (columns: %s)", name, joinNames(f.Columns()))
	}
	return i
}

// Col returns the column called name; it panics if there is none.
func (f *Frame) Col(name string) *Series { return f.cols[f.mustIndex("Col", name)] }

// ColAt returns the i-th column.
func (f *Frame) ColAt(i int) *Series {
	if i < 0 || i >= len(f.cols) {
		failMsg("ColAt", ErrRange, "column index %d out of range [0, %d)", i, len(f.cols))
	}
	return f.cols[i]
}

// Value returns the value at row i of column name (nil for null), as Series.Value.
func (f *Frame) Value(i int, name string) any { return f.Col(name).Value(i) }

// Slice returns rows [i, j), sharing storage; bounds are clamped to [0, NumRows].
func (f *Frame) Slice(i, j int) *Frame {
	i = clamp(i, 0, f.rows)
	j = clamp(j, i, f.rows)
	cols := make([]*Series, len(f.cols))
	for k, c := range f.cols {
		cols[k] = c.slice(i, j)
	}
	return &Frame{cols: cols, rows: j - i}
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Head returns the first n rows (all rows if there are fewer).
func (f *Frame) Head(n int) *Frame { return f.Slice(0, n) }

// Tail returns the last n rows (all rows if there are fewer).
func (f *Frame) Tail(n int) *Frame { return f.Slice(f.rows-clamp(n, 0, f.rows), f.rows) }

// Select returns the named columns in the given order.
func (f *Frame) Select(names ...string) *Frame {
	cols := make([]*Series, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			failMsg("Select", ErrDuplicate, "column %q selected twice", n)
		}
		seen[n] = true
		cols = append(cols, f.cols[f.mustIndex("Select", n)])
	}
	return &Frame{cols: cols, rows: f.rows}
}

// Drop returns the frame without the named columns; naming a missing column panics.
func (f *Frame) Drop(names ...string) *Frame {
	drop := make(map[string]bool, len(names))
	for _, n := range names {
		f.mustIndex("Drop", n)
		drop[n] = true
	}
	cols := make([]*Series, 0, len(f.cols))
	for _, c := range f.cols {
		if !drop[c.name] {
			cols = append(cols, c)
		}
	}
	return &Frame{cols: cols, rows: f.rows}
}

// Rename returns the frame with column old renamed to new.
func (f *Frame) Rename(old, new string) *Frame {
	i := f.mustIndex("Rename", old)
	if old != new && f.index(new) >= 0 {
		failMsg("Rename", ErrDuplicate, "column %q already exists", new)
	}
	cols := append([]*Series(nil), f.cols...)
	cols[i] = cols[i].Rename(new)
	return &Frame{cols: cols, rows: f.rows}
}

// With returns the frame with s added as column name, replacing an existing
// column of that name in place. An empty frame takes the length of s.
func (f *Frame) With(name string, s *Series) *Frame {
	if s == nil {
		failMsg("With", ErrType, "nil series for column %q", name)
	}
	if len(f.cols) > 0 && s.n != f.rows {
		failMsg("With", ErrLength, "length mismatch %d vs %d (column %q)", f.rows, s.n, name)
	}
	if s.name != name {
		s = s.Rename(name)
	}
	cols := append([]*Series(nil), f.cols...)
	if i := f.index(name); i >= 0 {
		cols[i] = s
	} else {
		cols = append(cols, s)
	}
	return &Frame{cols: cols, rows: s.n}
}

// Filter returns the rows where mask is true; null mask values count as false.
func (f *Frame) Filter(mask *Series) *Frame {
	if mask == nil || mask.typ != Bool {
		t := "nil"
		if mask != nil {
			t = mask.typ.String()
		}
		failMsg("Filter", ErrType, "mask is %s, want bool", t)
	}
	if mask.n != f.rows {
		failMsg("Filter", ErrLength, "length mismatch %d vs %d (mask %q)", f.rows, mask.n, mask.name)
	}
	return f.take(maskIndex(mask))
}

// maskIndex returns the rows where mask is true and not null.
func maskIndex(mask *Series) []int {
	count := 0
	for _, b := range mask.bools {
		if b {
			count++
		}
	}
	idx := hugeslice.Make[int](count)[:0]
	if mask.valid == nil {
		for i, b := range mask.bools {
			if b {
				idx = append(idx, i)
			}
		}
	} else {
		for i, b := range mask.bools {
			if b && mask.valid[i] {
				idx = append(idx, i)
			}
		}
	}
	return idx
}

// DropNulls returns the rows that have no null in the named columns (in any
// column when none are named).
func (f *Frame) DropNulls(cols ...string) *Frame {
	check := f.cols
	if len(cols) > 0 {
		check = make([]*Series, len(cols))
		for i, n := range cols {
			check[i] = f.cols[f.mustIndex("DropNulls", n)]
		}
	}
	var keep []bool
	for _, c := range check {
		if c.valid == nil {
			continue
		}
		if keep == nil {
			keep = append([]bool(nil), c.valid...)
			continue
		}
		for i, ok := range c.valid {
			keep[i] = keep[i] && ok
		}
	}
	if keep == nil {
		return f
	}
	return f.take(maskIndex(boolSeries("", keep, nil)))
}

// String renders the shape and the first 10 rows as an aligned text table.
func (f *Frame) String() string {
	const maxRows = 10
	const maxWidth = 24
	var b strings.Builder
	fmt.Fprintf(&b, "frame %d rows x %d cols\n", f.rows, len(f.cols))
	if len(f.cols) == 0 {
		return b.String()
	}
	n := min(f.rows, maxRows)
	cells := make([][]string, len(f.cols))
	widths := make([]int, len(f.cols))
	for j, c := range f.cols {
		col := make([]string, 0, n+2)
		col = append(col, c.name, c.typ.String())
		for i := 0; i < n; i++ {
			v := c.formatValue(i)
			if c.IsNull(i) {
				v = "null"
			}
			if utf8.RuneCountInString(v) > maxWidth {
				v = string([]rune(v)[:maxWidth-1]) + "…"
			}
			col = append(col, v)
		}
		for _, v := range col {
			widths[j] = max(widths[j], utf8.RuneCountInString(v))
		}
		cells[j] = col
	}
	for i := 0; i < n+2; i++ {
		for j := range f.cols {
			if j > 0 {
				b.WriteString("  ")
			}
			v := cells[j][i]
			pad := widths[j] - utf8.RuneCountInString(v)
			if f.cols[j].typ.isNumeric() && i >= 2 {
				b.WriteString(strings.Repeat(" ", pad))
				b.WriteString(v)
			} else {
				b.WriteString(v)
				if j < len(f.cols)-1 {
					b.WriteString(strings.Repeat(" ", pad))
				}
			}
		}
		b.WriteByte('\n')
	}
	if f.rows > n {
		fmt.Fprintf(&b, "... %d more rows\n", f.rows-n)
	}
	return b.String()
}
