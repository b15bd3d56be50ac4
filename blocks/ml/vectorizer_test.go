package ml

import (
	"errors"
	"reflect"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

func TestDictVectorizer_FitTransform(t *testing.T) {
	tests := []struct {
		name      string
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
			name: "unseen values and null strings are ignored at transform",
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
			wantDense: [][]float64{{0, 1, 5}, {0, 0, 0}, {0, 0, 7}},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewDictVectorizer()
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
			if got := X.Dense(); !reflect.DeepEqual(got, tt.wantDense) {
				t.Errorf("matrix = %v, want %v", got, tt.wantDense)
			}
		})
	}
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
