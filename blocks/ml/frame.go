package ml

import (
	"fmt"
	"strings"

	"github.com/golemlabs/golem/blocks/frame"
)

// frameColumn reads one column of f into plain slices.
func frameColumn(f *frame.Frame, name string) (column, error) {
	if !f.Has(name) {
		return column{}, fmt.Errorf("column %q (columns: %s): %w", name, strings.Join(f.Columns(), ", "), ErrMissingColumn)
	}
	s := f.Col(name)
	c := column{name: name}
	switch t := s.Type(); t {
	case frame.String:
		c.kind, c.strs = KindString, s.Strings()
	case frame.Int64, frame.Float64, frame.Bool:
		c.kind, c.nums = KindNumber, s.Floats()
	default:
		return column{}, fmt.Errorf("column %q is %s (want string, int64, float64 or bool; cast it first): %w", name, t, ErrColumnType)
	}
	if s.NullCount() > 0 {
		c.valid = make([]bool, s.Len())
		for i := range c.valid {
			c.valid[i] = !s.IsNull(i)
		}
	}
	return c, nil
}

func frameColumns(f *frame.Frame, names []string) ([]column, error) {
	if f == nil {
		return nil, fmt.Errorf("nil frame: %w", ErrEmpty)
	}
	cols := make([]column, len(names))
	for i, name := range names {
		c, err := frameColumn(f, name)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return cols, nil
}

// Fit learns the vocabulary of the columns of f: one feature "col=value"
// per distinct non-null value of a string column, one feature "col" per
// numeric (int64, float64, bool) column, sorted by name. It refits from
// scratch.
func (v *DictVectorizer) Fit(f *frame.Frame, cols ...string) error {
	if f == nil || f.NumRows() == 0 {
		return fmt.Errorf("fit: frame has no rows: %w", ErrEmpty)
	}
	cs, err := frameColumns(f, cols)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	return v.fitColumns(cs)
}

// Transform encodes the fitted columns of f as a CSR matrix with one row per
// frame row and one column per feature.
func (v *DictVectorizer) Transform(f *frame.Frame) (*CSR, error) {
	if v.columns == nil {
		return nil, fmt.Errorf("transform: encoder: %w", ErrNotFitted)
	}
	cs, err := frameColumns(f, v.ColumnNames())
	if err != nil {
		return nil, fmt.Errorf("transform: %w", err)
	}
	return v.transformColumns(cs)
}

// FitTransform fits the encoder on the columns of f and encodes f.
func (v *DictVectorizer) FitTransform(f *frame.Frame, cols ...string) (*CSR, error) {
	if f == nil || f.NumRows() == 0 {
		return nil, fmt.Errorf("fit: frame has no rows: %w", ErrEmpty)
	}
	cs, err := frameColumns(f, cols)
	if err != nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	if err := v.fitColumns(cs); err != nil {
		return nil, err
	}
	return v.transformColumns(cs)
}

// Target returns column name of f as float64 values for training, with an
// error naming the first null, NaN or infinite row.
func Target(f *frame.Frame, name string) ([]float64, error) {
	if f == nil || f.NumRows() == 0 {
		return nil, fmt.Errorf("target: frame has no rows: %w", ErrEmpty)
	}
	c, err := frameColumn(f, name)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if c.kind != KindNumber {
		return nil, fmt.Errorf("target: column %q is not numeric: %w", name, ErrColumnType)
	}
	for i := range c.nums {
		if c.valid != nil && !c.valid[i] {
			return nil, fmt.Errorf("target: column %q row %d is null: %w", name, i, ErrNotFinite)
		}
	}
	if err := checkTarget(c.nums); err != nil {
		return nil, fmt.Errorf("target: column %q: %w", name, err)
	}
	return append([]float64(nil), c.nums...), nil
}
