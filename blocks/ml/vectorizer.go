package ml

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Column kinds as the encoder records them.
const (
	// KindString marks a categorical column, one-hot encoded as "col=value".
	KindString = "string"
	// KindNumber marks a numeric column, kept as one feature named after it.
	KindNumber = "number"
)

// EncodedColumn is an input column of a fitted DictVectorizer.
type EncodedColumn struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // KindString or KindNumber
}

// Feature is one output column of a DictVectorizer: a numeric input column,
// or one value of a string column.
type Feature struct {
	Name   string `json:"name"`
	Column string `json:"column"`
	Value  string `json:"value,omitempty"` // the category, for string columns
}

// DictVectorizer turns frame columns into a sparse feature matrix the way
// scikit-learn's DictVectorizer does with one dict per row: a string column c
// becomes one 0/1 feature "c=value" per value seen by Fit, a numeric column
// stays one feature "c", and the features are sorted by name. At Transform,
// values not seen by Fit and null strings are ignored (all their features are
// zero); null numbers count as zero. Zeros are not stored in the matrix.
type DictVectorizer struct {
	columns  []EncodedColumn
	features []Feature
	// lookup per input column: category -> feature index (strings), or the
	// feature index of a numeric column in num.
	cats []map[string]int
	num  []int
}

// NewDictVectorizer returns an unfitted encoder.
func NewDictVectorizer() *DictVectorizer { return &DictVectorizer{} }

// column is one input column in plain slices, independent of the frame.
type column struct {
	name  string
	kind  string
	strs  []string  // KindString
	nums  []float64 // KindNumber
	valid []bool    // nil when the column has no nulls
}

func (c *column) len() int {
	if c.kind == KindString {
		return len(c.strs)
	}
	return len(c.nums)
}

// FeatureNames returns the names of the output columns, in matrix order.
func (v *DictVectorizer) FeatureNames() []string {
	out := make([]string, len(v.features))
	for i, f := range v.features {
		out[i] = f.Name
	}
	return out
}

// Features returns the output columns with the input column and category each
// comes from.
func (v *DictVectorizer) Features() []Feature { return append([]Feature(nil), v.features...) }

// Columns returns the input columns the encoder was fitted on.
func (v *DictVectorizer) Columns() []EncodedColumn { return append([]EncodedColumn(nil), v.columns...) }

// ColumnNames returns the names of the input columns the encoder was fitted on.
func (v *DictVectorizer) ColumnNames() []string {
	out := make([]string, len(v.columns))
	for i, c := range v.columns {
		out[i] = c.Name
	}
	return out
}

// NumFeatures returns the number of output columns.
func (v *DictVectorizer) NumFeatures() int { return len(v.features) }

func featureName(col, value string, kind string) string {
	if kind == KindString {
		return col + "=" + value
	}
	return col
}

// fitColumns builds the vocabulary from the columns.
func (v *DictVectorizer) fitColumns(cols []column) error {
	if len(cols) == 0 {
		return fmt.Errorf("fit: no columns given: %w", ErrParam)
	}
	n := cols[0].len()
	if n == 0 {
		return fmt.Errorf("fit: no rows: %w", ErrEmpty)
	}
	seenCol := map[string]bool{}
	var feats []Feature
	var encoded []EncodedColumn
	for ci := range cols {
		c := &cols[ci]
		if seenCol[c.name] {
			return fmt.Errorf("fit: column %q given twice: %w", c.name, ErrParam)
		}
		seenCol[c.name] = true
		if c.len() != n {
			return fmt.Errorf("fit: column %q has %d rows, want %d: %w", c.name, c.len(), n, ErrShape)
		}
		encoded = append(encoded, EncodedColumn{Name: c.name, Kind: c.kind})
		switch c.kind {
		case KindNumber:
			if err := checkFeatureColumn(c); err != nil {
				return fmt.Errorf("fit: %w", err)
			}
			feats = append(feats, Feature{Name: c.name, Column: c.name})
		case KindString:
			seen := map[string]struct{}{}
			for i, s := range c.strs {
				if c.valid != nil && !c.valid[i] {
					continue
				}
				if _, ok := seen[s]; !ok {
					seen[s] = struct{}{}
					feats = append(feats, Feature{Name: featureName(c.name, s, KindString), Column: c.name, Value: s})
				}
			}
		default:
			return fmt.Errorf("fit: column %q of kind %q: %w", c.name, c.kind, ErrColumnType)
		}
	}
	sort.Slice(feats, func(i, j int) bool { return feats[i].Name < feats[j].Name })
	for i := 1; i < len(feats); i++ {
		if feats[i].Name == feats[i-1].Name {
			return fmt.Errorf("fit: feature name %q produced by columns %q and %q: %w",
				feats[i].Name, feats[i-1].Column, feats[i].Column, ErrParam)
		}
	}
	return v.setVocabulary(encoded, feats)
}

// setVocabulary installs a vocabulary and builds the lookup tables.
func (v *DictVectorizer) setVocabulary(cols []EncodedColumn, feats []Feature) error {
	pos := make(map[string]int, len(cols))
	v.cats = make([]map[string]int, len(cols))
	v.num = make([]int, len(cols))
	for i, c := range cols {
		if _, dup := pos[c.Name]; dup {
			return fmt.Errorf("column %q listed twice: %w", c.Name, ErrFormat)
		}
		pos[c.Name] = i
		v.num[i] = -1
		switch c.Kind {
		case KindString:
			v.cats[i] = map[string]int{}
		case KindNumber:
		default:
			return fmt.Errorf("column %q of kind %q: %w", c.Name, c.Kind, ErrColumnType)
		}
	}
	for j, f := range feats {
		ci, ok := pos[f.Column]
		if !ok {
			return fmt.Errorf("feature %q of unknown column %q: %w", f.Name, f.Column, ErrFormat)
		}
		if want := featureName(f.Column, f.Value, cols[ci].Kind); f.Name != want {
			return fmt.Errorf("feature %q should be named %q: %w", f.Name, want, ErrFormat)
		}
		if cols[ci].Kind == KindNumber {
			if v.num[ci] >= 0 {
				return fmt.Errorf("numeric feature %q listed twice: %w", f.Name, ErrFormat)
			}
			v.num[ci] = j
			continue
		}
		if _, dup := v.cats[ci][f.Value]; dup {
			return fmt.Errorf("feature %q listed twice: %w", f.Name, ErrFormat)
		}
		v.cats[ci][f.Value] = j
	}
	v.columns = cols
	v.features = feats
	return nil
}

// checkFeatureColumn reports a NaN or Inf that is not a null in a numeric column.
func checkFeatureColumn(c *column) error {
	for i, x := range c.nums {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if c.valid != nil && !c.valid[i] {
				continue
			}
			return fmt.Errorf("column %q row %d is %v: %w", c.name, i, x, ErrNotFinite)
		}
	}
	return nil
}

// transformColumns encodes the columns, given in the order of v.columns.
func (v *DictVectorizer) transformColumns(cols []column) (*CSR, error) {
	if v.columns == nil {
		return nil, fmt.Errorf("transform: encoder: %w", ErrNotFitted)
	}
	if len(cols) != len(v.columns) {
		return nil, fmt.Errorf("transform: %d columns, encoder has %d: %w", len(cols), len(v.columns), ErrShape)
	}
	n := cols[0].len()
	for ci := range cols {
		c := &cols[ci]
		if c.name != v.columns[ci].Name || c.kind != v.columns[ci].Kind {
			return nil, fmt.Errorf("transform: column %q is %s, encoder fitted %q as %s: %w",
				c.name, c.kind, v.columns[ci].Name, v.columns[ci].Kind, ErrColumnType)
		}
		if c.len() != n {
			return nil, fmt.Errorf("transform: column %q has %d rows, want %d: %w", c.name, c.len(), n, ErrShape)
		}
		if c.kind == KindNumber {
			if err := checkFeatureColumn(c); err != nil {
				return nil, fmt.Errorf("transform: %w", err)
			}
		}
	}
	m := &CSR{Rows: n, Cols: len(v.features), Indptr: make([]int, n+1)}
	m.Indices = make([]int, 0, n*len(cols))
	m.Data = make([]float64, 0, n*len(cols))
	// Feature indices of string columns, looked up once per distinct value.
	idx := make([][]int32, len(cols))
	for ci := range cols {
		c := &cols[ci]
		if c.kind != KindString {
			continue
		}
		ix := make([]int32, n)
		lookup := v.cats[ci]
		last, lastIdx := "", int32(-1)
		if j, ok := lookup[""]; ok {
			lastIdx = int32(j)
		}
		for i, s := range c.strs {
			if c.valid != nil && !c.valid[i] {
				ix[i] = -1
				continue
			}
			if s != last || i == 0 {
				j, ok := lookup[s]
				if !ok {
					j = -1
				}
				last, lastIdx = s, int32(j)
			}
			ix[i] = lastIdx
		}
		idx[ci] = ix
	}
	for i := 0; i < n; i++ {
		start := len(m.Indices)
		for ci := range cols {
			c := &cols[ci]
			var j int
			var x float64
			if c.kind == KindString {
				j = int(idx[ci][i])
				x = 1
			} else {
				j = v.num[ci]
				x = c.nums[i]
				if x == 0 || math.IsNaN(x) { // zero, or null (checked above)
					continue
				}
			}
			if j < 0 {
				continue
			}
			// Insert in column order: rows hold a handful of entries.
			k := len(m.Indices)
			m.Indices = append(m.Indices, j)
			m.Data = append(m.Data, x)
			for k > start && m.Indices[k-1] > j {
				m.Indices[k], m.Indices[k-1] = m.Indices[k-1], m.Indices[k]
				m.Data[k], m.Data[k-1] = m.Data[k-1], m.Data[k]
				k--
			}
		}
		m.Indptr[i+1] = len(m.Indices)
	}
	return m, nil
}

// encoderJSON is the serialised form of a DictVectorizer.
type encoderJSON struct {
	Columns  []EncodedColumn `json:"columns"`
	Features []Feature       `json:"features"`
}

// MarshalJSON writes the vocabulary: input columns and features.
func (v *DictVectorizer) MarshalJSON() ([]byte, error) {
	cols, feats := v.columns, v.features
	if cols == nil {
		cols = []EncodedColumn{}
	}
	if feats == nil {
		feats = []Feature{}
	}
	return json.Marshal(encoderJSON{Columns: cols, Features: feats})
}

// UnmarshalJSON restores a vocabulary written by MarshalJSON.
func (v *DictVectorizer) UnmarshalJSON(b []byte) error {
	var e encoderJSON
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	if len(e.Columns) == 0 {
		*v = DictVectorizer{}
		return nil
	}
	if !sort.SliceIsSorted(e.Features, func(i, j int) bool { return e.Features[i].Name < e.Features[j].Name }) {
		return fmt.Errorf("encoder features are not sorted: %w", ErrFormat)
	}
	return v.setVocabulary(e.Columns, e.Features)
}

// String describes the encoder briefly.
func (v *DictVectorizer) String() string {
	if v.columns == nil {
		return "DictVectorizer(unfitted)"
	}
	return fmt.Sprintf("DictVectorizer(%s -> %d features)", strings.Join(v.ColumnNames(), ", "), len(v.features))
}
