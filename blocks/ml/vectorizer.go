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
	// Ordinal marks a string column encoded as one feature holding the
	// category's code: its index in Categories.
	Ordinal    bool     `json:"ordinal,omitempty"`
	Categories []string `json:"categories,omitempty"` // ordinal columns: the categories by code
	// Infrequent lists the categories Fit saw fewer than MinFrequency times,
	// lumped into the category InfrequentCategory.
	Infrequent []string `json:"infrequent,omitempty"`
}

// InfrequentCategory is the category that stands for the categories seen
// fewer than EncoderOptions.MinFrequency times: one-hot feature
// "col=(infrequent)", or the last code of an ordinal column.
const InfrequentCategory = "(infrequent)"

// What Transform does with a category that Fit did not see
// (EncoderOptions.Unknown).
const (
	// UnknownIgnore encodes it like a null: no one-hot feature is set (a
	// linear model then predicts its intercept, the effect of an average
	// category; a tree sends the row down the "not this category" side of
	// every split on the column), and an ordinal code is NaN, a missing
	// value that trees send the way they learnt for missing values.
	UnknownIgnore = "ignore"
	// UnknownInfrequent encodes it as InfrequentCategory when the column has
	// one (MinFrequency lumped some categories), else like UnknownIgnore.
	UnknownInfrequent = "infrequent"
	// UnknownError fails Transform, naming the column, row and value.
	UnknownError = "error"
)

// EncoderOptions configure a DictVectorizer. The zero value is scikit-learn's
// DictVectorizer: every string column one-hot, every category kept, unknown
// categories ignored.
type EncoderOptions struct {
	// Categorical lists string columns to encode as one feature holding a
	// category code (0, 1, ... in the sorted order of the categories) instead
	// of one-hot features, for boosted trees' native categorical splits:
	// pass CategoricalFeatures to GBDTParams.CategoricalFeatures.
	Categorical []string `json:"categorical,omitempty"`
	// MinFrequency lumps the categories seen fewer than this many times by
	// Fit into InfrequentCategory, as scikit-learn's OneHotEncoder does; 0 or
	// 1 keeps every category.
	MinFrequency int `json:"min_frequency,omitempty"`
	// Unknown is UnknownIgnore (the default, ""), UnknownInfrequent or
	// UnknownError.
	Unknown string `json:"unknown,omitempty"`
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
// stays one feature "c", and the features are sorted by name. Options encode
// chosen string columns as category codes instead (one feature "c"), lump
// rare categories and say what unknown ones become (see EncoderOptions). At
// Transform, null strings set no one-hot feature (an ordinal code is NaN);
// null numbers are stored as NaN, missing values, which trees learn a
// direction for and linear models count as zero (with a warning). Zeros
// are not stored in the matrix.
type DictVectorizer struct {
	opts     EncoderOptions
	columns  []EncodedColumn
	features []Feature
	// lookup per input column: category -> feature index (one-hot) or code
	// (ordinal), or the feature index of a numeric or ordinal column in num;
	// infreq is the feature index or code of InfrequentCategory, or −1.
	cats   []map[string]int
	num    []int
	infreq []int
}

// NewDictVectorizer returns an unfitted encoder with the default options.
func NewDictVectorizer() *DictVectorizer { return &DictVectorizer{} }

// NewDictVectorizerWith returns an unfitted encoder with the options.
func NewDictVectorizerWith(o EncoderOptions) *DictVectorizer { return &DictVectorizer{opts: o} }

// Options returns the encoder's options.
func (v *DictVectorizer) Options() EncoderOptions { return v.opts }

// CategoricalFeatures returns the matrix columns that hold category codes
// (the ordinal columns), for GBDTParams.CategoricalFeatures.
func (v *DictVectorizer) CategoricalFeatures() []int {
	var out []int
	for ci, c := range v.columns {
		if c.Ordinal {
			out = append(out, v.num[ci])
		}
	}
	sort.Ints(out)
	return out
}

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
	switch v.opts.Unknown {
	case "", UnknownIgnore, UnknownInfrequent, UnknownError:
	default:
		return fmt.Errorf("fit: unknown = %q (want %s, %s or %s): %w", v.opts.Unknown, UnknownIgnore, UnknownInfrequent, UnknownError, ErrParam)
	}
	if v.opts.MinFrequency < 0 {
		return fmt.Errorf("fit: min_frequency = %d: %w", v.opts.MinFrequency, ErrParam)
	}
	n := cols[0].len()
	if n == 0 {
		return fmt.Errorf("fit: no rows: %w", ErrEmpty)
	}
	ordinal := map[string]bool{}
	for _, c := range v.opts.Categorical {
		ordinal[c] = true
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
		ec := EncodedColumn{Name: c.name, Kind: c.kind}
		switch c.kind {
		case KindNumber:
			if ordinal[c.name] {
				return fmt.Errorf("fit: categorical column %q is numeric; cast it to string first: %w", c.name, ErrColumnType)
			}
			if err := checkFeatureColumn(c); err != nil {
				return fmt.Errorf("fit: %w", err)
			}
			feats = append(feats, Feature{Name: c.name, Column: c.name})
		case KindString:
			count := map[string]int{}
			for i, s := range c.strs {
				if c.valid != nil && !c.valid[i] {
					continue
				}
				count[s]++
			}
			var keep []string
			for s, k := range count {
				if k >= v.opts.MinFrequency {
					keep = append(keep, s)
				} else {
					ec.Infrequent = append(ec.Infrequent, s)
				}
			}
			sort.Strings(keep)
			sort.Strings(ec.Infrequent)
			if ec.Infrequent != nil {
				keep = append(keep, InfrequentCategory)
			}
			if ordinal[c.name] {
				ec.Ordinal, ec.Categories = true, keep
				if ec.Categories == nil {
					ec.Categories = []string{}
				}
				feats = append(feats, Feature{Name: c.name, Column: c.name})
				break
			}
			for _, s := range keep {
				feats = append(feats, Feature{Name: featureName(c.name, s, KindString), Column: c.name, Value: s})
			}
		default:
			return fmt.Errorf("fit: column %q of kind %q: %w", c.name, c.kind, ErrColumnType)
		}
		encoded = append(encoded, ec)
	}
	for name := range ordinal {
		if !seenCol[name] {
			return fmt.Errorf("fit: categorical column %q is not among the columns: %w", name, ErrParam)
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
	v.infreq = make([]int, len(cols))
	for i, c := range cols {
		if _, dup := pos[c.Name]; dup {
			return fmt.Errorf("column %q listed twice: %w", c.Name, ErrFormat)
		}
		pos[c.Name] = i
		v.num[i], v.infreq[i] = -1, -1
		switch c.Kind {
		case KindString:
			v.cats[i] = map[string]int{}
			if c.Ordinal {
				for code, s := range c.Categories {
					if _, dup := v.cats[i][s]; dup {
						return fmt.Errorf("column %q lists category %q twice: %w", c.Name, s, ErrFormat)
					}
					v.cats[i][s] = code
				}
			}
		case KindNumber:
			if c.Ordinal {
				return fmt.Errorf("numeric column %q marked ordinal: %w", c.Name, ErrFormat)
			}
		default:
			return fmt.Errorf("column %q of kind %q: %w", c.Name, c.Kind, ErrColumnType)
		}
	}
	for j, f := range feats {
		ci, ok := pos[f.Column]
		if !ok {
			return fmt.Errorf("feature %q of unknown column %q: %w", f.Name, f.Column, ErrFormat)
		}
		kind := cols[ci].Kind
		if cols[ci].Ordinal {
			kind = KindNumber // one feature named after the column
		}
		if want := featureName(f.Column, f.Value, kind); f.Name != want {
			return fmt.Errorf("feature %q should be named %q: %w", f.Name, want, ErrFormat)
		}
		if kind == KindNumber {
			if v.num[ci] >= 0 {
				return fmt.Errorf("feature %q listed twice: %w", f.Name, ErrFormat)
			}
			v.num[ci] = j
			continue
		}
		if _, dup := v.cats[ci][f.Value]; dup {
			return fmt.Errorf("feature %q listed twice: %w", f.Name, ErrFormat)
		}
		v.cats[ci][f.Value] = j
	}
	for i, c := range cols {
		if c.Infrequent == nil {
			continue
		}
		k, ok := v.cats[i][InfrequentCategory]
		if !ok {
			return fmt.Errorf("column %q lumps infrequent categories but has no %q: %w", c.Name, InfrequentCategory, ErrFormat)
		}
		v.infreq[i] = k
		for _, s := range c.Infrequent {
			v.cats[i][s] = k
		}
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
	// Feature index (one-hot) or code (ordinal) of string columns, looked
	// up once per run of equal values; −1 for nulls and ignored unknowns.
	idx := make([][]int32, len(cols))
	for ci := range cols {
		c := &cols[ci]
		if c.kind != KindString {
			continue
		}
		ix := make([]int32, n)
		lookup := v.cats[ci]
		last, lastIdx := "", int32(-1)
		for i, s := range c.strs {
			if c.valid != nil && !c.valid[i] {
				ix[i] = -1
				continue
			}
			if s != last || i == 0 {
				j, ok := lookup[s]
				if !ok {
					switch {
					case v.opts.Unknown == UnknownError:
						return nil, fmt.Errorf("transform: column %q row %d: category %q was not seen by Fit: %w", c.name, i, s, ErrUnknownCategory)
					case v.opts.Unknown == UnknownInfrequent && v.infreq[ci] >= 0:
						j = v.infreq[ci]
					default:
						j = -1
					}
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
			switch {
			case c.kind == KindString && v.columns[ci].Ordinal:
				j, x = v.num[ci], math.NaN()
				if code := idx[ci][i]; code >= 0 {
					x = float64(code)
				}
				if x == 0 {
					continue
				}
			case c.kind == KindString:
				j = int(idx[ci][i])
				x = 1
			default:
				j = v.num[ci]
				x = c.nums[i]
				if c.valid != nil && !c.valid[i] {
					x = math.NaN() // missing
				} else if x == 0 {
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
	Options  *EncoderOptions `json:"options,omitempty"`
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
	e := encoderJSON{Columns: cols, Features: feats}
	if v.opts.Categorical != nil || v.opts.MinFrequency != 0 || v.opts.Unknown != "" {
		o := v.opts
		e.Options = &o
	}
	return json.Marshal(e)
}

// UnmarshalJSON restores a vocabulary written by MarshalJSON.
func (v *DictVectorizer) UnmarshalJSON(b []byte) error {
	var e encoderJSON
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	*v = DictVectorizer{}
	if e.Options != nil {
		v.opts = *e.Options
	}
	if len(e.Columns) == 0 {
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
