package ml

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

func trainFrame() *frame.Frame {
	return frame.MustNew(
		frame.NewStrings("PU", []string{"1", "2", "1", "3", "2", "3", "1", "2"}),
		frame.NewStrings("DO", []string{"a", "b", "b", "a", "a", "b", "a", "b"}),
		frame.NewFloats("dist", []float64{1, 2.5, 3, 0.5, 4, 2, 1.5, 6}),
		frame.NewFloats("duration", []float64{5, 11, 13, 3, 15, 9, 6.5, 24}),
	)
}

func TestSaveModel_RoundTrip(t *testing.T) {
	f := trainFrame()
	unseen := frame.MustNew( // unseen category, a null and a new column order
		frame.NewFloats("dist", []float64{2, 3}),
		frame.NewStrings("DO", []string{"zz", "a"}),
		frame.NewStrings("PU", []string{"2", ""}).WithNulls([]bool{true, false}),
	)
	models := []struct {
		name string
		fit  func(X *CSR, y []float64) (Model, error)
	}{
		{"linear", func(X *CSR, y []float64) (Model, error) { m := NewLinearRegression(); return m, m.Fit(X, y) }},
		{"ridge cg", func(X *CSR, y []float64) (Model, error) {
			m := NewRidge(0.5)
			m.Solver = SolverCG
			return m, m.Fit(X, y)
		}},
		{"gbdt", func(X *CSR, y []float64) (Model, error) {
			m := NewGBDT(GBDTParams{Rounds: 20, MaxDepth: 3, Lambda: 1, MinChildWeight: 1})
			return m, m.Fit(X, y, X, y)
		}},
	}
	for _, tt := range models {
		t.Run(tt.name, func(t *testing.T) {
			enc := NewDictVectorizer()
			X, err := enc.FitTransform(f, "PU", "DO", "dist")
			if err != nil {
				t.Fatal(err)
			}
			y, err := Target(f, "duration")
			if err != nil {
				t.Fatal(err)
			}
			m, err := tt.fit(X, y)
			if err != nil {
				t.Fatal(err)
			}
			b := NewBundle(m, enc, "duration")
			b.Metrics["train_rmse"] = 1.25
			b.Training["months"] = []string{"2023-01"}
			b.Training["rows"] = 8
			path := filepath.Join(t.TempDir(), "model.json")
			if err := SaveModel(path, b); err != nil {
				t.Fatal(err)
			}
			got, err := ReadModel(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range []*frame.Frame{f, unseen} {
				want, err := b.Predict(in)
				if err != nil {
					t.Fatal(err)
				}
				have, err := got.Predict(in)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(want, have) {
					t.Errorf("predictions after load %v, before %v", have, want)
				}
			}
			if got.Model.Kind() != m.Kind() || got.Target != "duration" || got.Metrics["train_rmse"] != 1.25 ||
				got.Training["rows"] != 8.0 {
				t.Errorf("metadata lost: %+v", got)
			}
			if !reflect.DeepEqual(got.Encoder.FeatureNames(), enc.FeatureNames()) {
				t.Errorf("features %q, want %q", got.Encoder.FeatureNames(), enc.FeatureNames())
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("temporary files left: %v", entries)
			}
		})
	}
}

func TestLoadModel_Errors(t *testing.T) {
	f := trainFrame()
	enc := NewDictVectorizer()
	X, _ := enc.FitTransform(f, "PU", "DO", "dist")
	y, _ := Target(f, "duration")
	m := NewLinearRegression()
	if err := m.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	good, err := json.Marshal(NewBundle(m, enc, "duration"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(fn func(d map[string]any)) []byte {
		var d map[string]any
		if err := json.Unmarshal(good, &d); err != nil {
			t.Fatal(err)
		}
		fn(d)
		b, _ := json.Marshal(d)
		return b
	}
	tests := []struct {
		name    string
		content []byte
		want    error
		mention string
	}{
		{"truncated", good[:len(good)/2], ErrFormat, "truncated"},
		{"empty", nil, ErrFormat, "truncated"},
		{"newer version", edit(func(d map[string]any) { d["version"] = FormatVersion + 1 }), ErrVersion, "version 3"},
		{"other format", edit(func(d map[string]any) { d["format"] = "pickle" }), ErrFormat, "pickle"},
		{"unknown kind", edit(func(d map[string]any) { d["kind"] = "svm" }), ErrFormat, "svm"},
		{"coefficients do not match the encoder", edit(func(d map[string]any) {
			d["linear"].(map[string]any)["coef"] = []float64{1}
		}), ErrFormat, "coefficients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(path, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadModel(path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q should name the file and mention %q", err, tt.mention)
			}
		})
	}
	if _, err := ReadModel(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestTarget_Errors(t *testing.T) {
	tests := []struct {
		name string
		f    *frame.Frame
		col  string
		want error
		row  string
	}{
		{"null names the row", frame.MustNew(frame.NewFloats("y", []float64{1, 2, 3}).WithNulls([]bool{true, true, false})), "y", ErrNotFinite, "row 2"},
		{"NaN names the row", frame.MustNew(frame.NewFloats("y", []float64{1, 0 / zero()})), "y", ErrNotFinite, "row 1"},
		{"missing column", frame.MustNew(frame.NewFloats("y", []float64{1})), "duration", ErrMissingColumn, "duration"},
		{"string target", frame.MustNew(frame.NewStrings("y", []string{"a"})), "y", ErrColumnType, "y"},
		{"no rows", frame.MustNew(frame.NewFloats("y", nil)), "y", ErrEmpty, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Target(tt.f, tt.col)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.row) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tt.want, tt.row)
			}
		})
	}
}

func TestMetricsAndSplit(t *testing.T) {
	y, p := []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}
	if got := RMSE(y, p); got != 0.7071067811865476 {
		t.Errorf("RMSE = %v", got)
	}
	if got := MAE(y, p); got != 0.5 {
		t.Errorf("MAE = %v", got)
	}
	if got := R2(y, p); got != 0.6 {
		t.Errorf("R2 = %v", got)
	}
	if got := RMSE(y, p[:2]); got == got {
		t.Errorf("RMSE of mismatched lengths = %v, want NaN", got)
	}
	tr, va, err := SplitIndices(100, 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	tr2, va2, _ := SplitIndices(100, 0.2, 7)
	_, va3, _ := SplitIndices(100, 0.2, 8)
	if len(tr) != 80 || len(va) != 20 || !reflect.DeepEqual(tr, tr2) || !reflect.DeepEqual(va, va2) || reflect.DeepEqual(va, va3) {
		t.Errorf("split: %d/%d, same seed equal %v, other seed differs %v", len(tr), len(va), reflect.DeepEqual(va, va2), !reflect.DeepEqual(va, va3))
	}
	seen := map[int]bool{}
	for _, i := range append(append([]int{}, tr...), va...) {
		seen[i] = true
	}
	if len(seen) != 100 {
		t.Errorf("split covers %d of 100 indices", len(seen))
	}
	if _, _, err := SplitIndices(10, 1.5, 1); !errors.Is(err, ErrParam) {
		t.Errorf("fraction 1.5: %v", err)
	}
}
