package ml

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

func TestDictVectorizer_FitTransform(t *testing.T) {
	tests := []struct {
		name      string
		opts      EncoderOptions
		fit       *frame.Frame
		cols      []string
		apply     *frame.Frame // nil: the fit frame
		wantNames []string
		wantDense [][]float64
	}{
		{
			name: "one-hot and numeric sorted like sklearn",
			fit: frame.MustNew(
				frame.NewStrings("PU", []string{"b", "a", "b"}),
				frame.NewFloats("dist", []float64{1.5, 0, 2}),
				frame.NewStrings("DO", []string{"x", "y", "x"}),
			),
			cols:      []string{"PU", "dist", "DO"},
			wantNames: []string{"DO=x", "DO=y", "PU=a", "PU=b", "dist"},
			wantDense: [][]float64{{1, 0, 0, 1, 1.5}, {0, 1, 1, 0, 0}, {1, 0, 0, 1, 2}},
		},
		{
			name: "unseen values and null strings are ignored at transform, null numbers are missing",
			fit: frame.MustNew(
				frame.NewStrings("c", []string{"1", "2"}),
				frame.NewInts("n", []int64{3, 4}),
			),
			cols: []string{"c", "n"},
			apply: frame.MustNew(
				frame.NewStrings("c", []string{"2", "9", "1"}).WithNulls([]bool{true, true, false}),
				frame.NewInts("n", []int64{5, 6, 7}).WithNulls([]bool{true, false, true}),
			),
			wantNames: []string{"c=1", "c=2", "n"},
			wantDense: [][]float64{{0, 1, 5}, {0, 0, nan}, {0, 0, 7}},
		},
		{
			name: "null strings get no feature at fit, bools are numeric",
			fit: frame.MustNew(
				frame.NewStrings("c", []string{"a", "zz", ""}).WithNulls([]bool{true, false, true}),
				frame.NewBools("b", []bool{true, false, true}),
			),
			cols:      []string{"c", "b"},
			wantNames: []string{"b", "c=", "c=a"},
			wantDense: [][]float64{{1, 0, 1}, {0, 0, 0}, {1, 1, 0}},
		},
		{
			name: "ordinal columns hold category codes in sorted order, unknown and null are missing",
			opts: EncoderOptions{Categorical: []string{"zone"}},
			fit: frame.MustNew(
				frame.NewStrings("zone", []string{"b", "a", "c", "b"}),
				frame.NewStrings("other", []string{"x", "y", "x", "x"}),
			),
			cols: []string{"zone", "other"},
			apply: frame.MustNew(
				frame.NewStrings("zone", []string{"c", "a", "zz", "b"}).WithNulls([]bool{true, true, true, false}),
				frame.NewStrings("other", []string{"y", "x", "x", "x"}),
			),
			wantNames: []string{"other=x", "other=y", "zone"},
			wantDense: [][]float64{{0, 1, 2}, {1, 0, 0}, {1, 0, nan}, {1, 0, nan}},
		},
		{
			name: "min_frequency lumps rare categories, unknown ones join them when asked",
			opts: EncoderOptions{MinFrequency: 2, Unknown: UnknownInfrequent},
			fit: frame.MustNew(
				frame.NewStrings("c", []string{"a", "a", "b", "c", "d", "d"}),
			),
			cols: []string{"c"},
			apply: frame.MustNew(
				frame.NewStrings("c", []string{"a", "b", "c", "d", "new"}),
			),
			wantNames: []string{"c=(infrequent)", "c=a", "c=d"},
			wantDense: [][]float64{{0, 1, 0}, {1, 0, 0}, {1, 0, 0}, {0, 0, 1}, {1, 0, 0}},
		},
		{
			name: "min_frequency on an ordinal column: the lump is the last code",
			opts: EncoderOptions{Categorical: []string{"c"}, MinFrequency: 2},
			fit: frame.MustNew(
				frame.NewStrings("c", []string{"a", "a", "b", "c", "d", "d"}),
			),
			cols: []string{"c"},
			apply: frame.MustNew(
				frame.NewStrings("c", []string{"a", "b", "d", "new"}),
			),
			wantNames: []string{"c"},
			wantDense: [][]float64{{0}, {2}, {1}, {nan}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewDictVectorizerWith(tt.opts)
			X, err := v.FitTransform(tt.fit, tt.cols...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.apply != nil {
				if X, err = v.Transform(tt.apply); err != nil {
					t.Fatal(err)
				}
			}
			if err := X.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := v.FeatureNames(); !reflect.DeepEqual(got, tt.wantNames) {
				t.Errorf("names = %q, want %q", got, tt.wantNames)
			}
			if got := X.Dense(); !sameDense(got, tt.wantDense) {
				t.Errorf("matrix = %v, want %v", got, tt.wantDense)
			}
			var w DictVectorizer
			if b, err := json.Marshal(v); err != nil {
				t.Fatal(err)
			} else if err := w.UnmarshalJSON(b); err != nil {
				t.Fatal(err)
			}
			in := tt.apply
			if in == nil {
				in = tt.fit
			}
			if Y, err := w.Transform(in); err != nil || !sameDense(Y.Dense(), X.Dense()) || !reflect.DeepEqual(w.Options(), v.Options()) {
				t.Errorf("after a JSON round trip: %v, %v (options %+v)", Y, err, w.Options())
			}
		})
	}
}

var nan = math.NaN()

// sameDense compares matrices, NaN equal to NaN.
func sameDense(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] && !(math.IsNaN(a[i][j]) && math.IsNaN(b[i][j])) {
				return false
			}
		}
	}
	return true
}

func TestDictVectorizer_Errors(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("a", []string{"x"}), frame.NewFloats("n", []float64{1}))
	empty := frame.MustNew(frame.NewStrings("a", []string{}))
	times := frame.MustNew(frame.NewDurationMicros("d", []int64{1}))
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"missing column is named", func() error { return NewDictVectorizer().Fit(f, "a", "nope") }, ErrMissingColumn},
		{"empty frame", func() error { return NewDictVectorizer().Fit(empty, "a") }, ErrEmpty},
		{"no columns", func() error { return NewDictVectorizer().Fit(f) }, ErrParam},
		{"column twice", func() error { return NewDictVectorizer().Fit(f, "a", "a") }, ErrParam},
		{"duration column", func() error { return NewDictVectorizer().Fit(times, "d") }, ErrColumnType},
		{"transform before fit", func() error { _, err := NewDictVectorizer().Transform(f); return err }, ErrNotFitted},
		{"transform with a column missing", func() error {
			v := NewDictVectorizer()
			if err := v.Fit(f, "a", "n"); err != nil {
				return err
			}
			_, err := v.Transform(frame.MustNew(frame.NewStrings("a", []string{"x"})))
			return err
		}, ErrMissingColumn},
		{"transform with a changed type", func() error {
			v := NewDictVectorizer()
			if err := v.Fit(f, "a"); err != nil {
				return err
			}
			_, err := v.Transform(frame.MustNew(frame.NewFloats("a", []float64{1})))
			return err
		}, ErrColumnType},
		{"unknown category with unknown=error", func() error {
			v := NewDictVectorizerWith(EncoderOptions{Unknown: UnknownError})
			if err := v.Fit(f, "a"); err != nil {
				return err
			}
			_, err := v.Transform(frame.MustNew(frame.NewStrings("a", []string{"x", "q"})))
			return err
		}, ErrUnknownCategory},
		{"bad unknown option", func() error { return NewDictVectorizerWith(EncoderOptions{Unknown: "drop"}).Fit(f, "a") }, ErrParam},
		{"numeric categorical column", func() error {
			return NewDictVectorizerWith(EncoderOptions{Categorical: []string{"n"}}).Fit(f, "n")
		}, ErrColumnType},
		{"categorical column not fitted", func() error {
			return NewDictVectorizerWith(EncoderOptions{Categorical: []string{"zone"}}).Fit(f, "a")
		}, ErrParam},
		{"NaN feature", func() error {
			return NewDictVectorizer().Fit(frame.MustNew(frame.NewFloats("n", []float64{1, 0 / zero()})), "n")
		}, ErrNotFinite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			t.Log(err)
		})
	}
}

func zero() float64 { return 0 }

func TestDictVectorizer_JSONRoundTrip(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("a", []string{"x", "y"}), frame.NewFloats("a=x2", []float64{1, 2}))
	v := NewDictVectorizer()
	X, err := v.FitTransform(f, "a", "a=x2")
	if err != nil {
		t.Fatal(err)
	}
	b, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var w DictVectorizer
	if err := w.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	Y, err := w.Transform(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(X, Y) || !reflect.DeepEqual(v.FeatureNames(), w.FeatureNames()) {
		t.Fatalf("round trip differs: %v vs %v", X.Dense(), Y.Dense())
	}
}
