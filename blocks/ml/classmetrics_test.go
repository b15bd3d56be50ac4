package ml

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

func same(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) <= 1e-12 }

// The recorded case of testdata/logistic_sklearn.py: scikit-learn's
// roc_auc_score, log_loss, accuracy_score, precision/recall/f1_score and
// confusion_matrix on fixed vectors with tied scores.
func TestMetrics_MatchScikitLearn(t *testing.T) {
	var want struct {
		Y, P                            []float64
		AUC                             float64 `json:"auc"`
		LogLoss                         float64 `json:"log_loss"`
		Accuracy, Precision, Recall, F1 float64
		Confusion                       [][]int
	}
	if err := json.Unmarshal(sklearnExpected(t)["metrics"], &want); err != nil {
		t.Fatal(err)
	}
	got := BinaryMetrics(want.Y, want.P, 0.5)
	for k, v := range map[string]float64{"auc": want.AUC, "log_loss": want.LogLoss, "accuracy": want.Accuracy,
		"precision": want.Precision, "recall": want.Recall, "f1": want.F1} {
		if !same(got[k], v) {
			t.Errorf("%s = %.15g, scikit-learn %.15g", k, got[k], v)
		}
	}
	pred := make([]float64, len(want.P))
	for i, q := range want.P {
		if q > 0.5 {
			pred[i] = 1
		}
	}
	c, err := ConfusionMatrix(want.Y, pred)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Counts, want.Confusion) || c.Count(1, 0) != want.Confusion[1][0] {
		t.Errorf("confusion %v, scikit-learn %v", c.Counts, want.Confusion)
	}
}

func TestMetrics_Binary(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name               string
		y, pred            []float64
		acc, prec, rec, f1 float64
	}{
		{"perfect", []float64{0, 1, 1, 0}, []float64{0, 1, 1, 0}, 1, 1, 1, 1},
		{"all wrong", []float64{0, 1}, []float64{1, 0}, 0, 0, 0, 0},
		{"tp 2 fp 1 fn 1 tn 1", []float64{1, 1, 1, 0, 0}, []float64{1, 1, 0, 1, 0}, 0.6, 2.0 / 3, 2.0 / 3, 2.0 / 3},
		{"no predicted positive", []float64{1, 0, 0}, []float64{0, 0, 0}, 2.0 / 3, nan, 0, 0},
		{"no positive at all", []float64{0, 0}, []float64{0, 0}, 1, nan, nan, nan},
		{"empty", nil, nil, nan, nan, nan, nan},
		{"lengths differ", []float64{1, 0}, []float64{1}, nan, nan, nan, nan},
		{"labels not 0/1", []float64{1, 2}, []float64{1, 2}, 1, nan, nan, nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, pair := range map[string][2]float64{
				"accuracy":  {Accuracy(tc.y, tc.pred), tc.acc},
				"precision": {Precision(tc.y, tc.pred), tc.prec},
				"recall":    {Recall(tc.y, tc.pred), tc.rec},
				"f1":        {F1(tc.y, tc.pred), tc.f1},
			} {
				if !same(pair[0], pair[1]) {
					t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
				}
			}
		})
	}
}

func TestMetrics_ROCAUC(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name     string
		y, score []float64
		want     float64
	}{
		{"perfect", []float64{0, 0, 1, 1}, []float64{0.1, 0.2, 0.8, 0.9}, 1},
		{"reversed", []float64{0, 0, 1, 1}, []float64{0.9, 0.8, 0.2, 0.1}, 0},
		{"all tied", []float64{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, 0.5},
		// pairs (pos, neg): (0.4 vs 0.1, 0.4 tie, 0.35) = 1 + 0.5 + 1; (0.8 vs all) = 3 → 5.5 / 6
		{"one tie", []float64{0, 0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.4, 0.8}, 5.5 / 6},
		{"one class", []float64{1, 1}, []float64{0.2, 0.3}, nan},
		{"NaN score", []float64{0, 1}, []float64{0.2, nan}, nan},
		{"label 2", []float64{0, 2}, []float64{0.2, 0.3}, nan},
		{"empty", nil, nil, nan},
		{"infinite scores order", []float64{0, 1}, []float64{math.Inf(-1), math.Inf(1)}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ROCAUC(tc.y, tc.score); !same(got, tc.want) {
				t.Errorf("ROCAUC = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMetrics_LogLoss(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		y, p []float64
		want float64
	}{
		{"halves", []float64{0, 1}, []float64{0.5, 0.5}, math.Ln2},
		{"closed form", []float64{1, 0, 1}, []float64{0.9, 0.2, 0.6}, -(math.Log(0.9) + math.Log(0.8) + math.Log(0.6)) / 3},
		{"certain and right", []float64{1, 0}, []float64{1, 0}, -math.Log(1 - probEps)},
		{"certain and wrong is clipped", []float64{1}, []float64{0}, -math.Log(probEps)},
		{"probability above 1", []float64{1}, []float64{1.5}, nan},
		{"NaN probability", []float64{1}, []float64{nan}, nan},
		{"label 2", []float64{2}, []float64{0.5}, nan},
		{"empty", nil, nil, nan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LogLoss(tc.y, tc.p); !same(got, tc.want) {
				t.Errorf("LogLoss = %.15g, want %.15g", got, tc.want)
			}
		})
	}
	p := &Proba{Classes: []float64{2, 5, 7}, Data: []float64{0.2, 0.5, 0.3, 0.1, 0.1, 0.8}}
	if got, want := MultiLogLoss([]float64{5, 7}, p), -(math.Log(0.5)+math.Log(0.8))/2; !same(got, want) {
		t.Errorf("MultiLogLoss = %v, want %v", got, want)
	}
	if got := MultiLogLoss([]float64{5, 3}, p); !math.IsNaN(got) {
		t.Errorf("MultiLogLoss with an unknown label = %v, want NaN", got)
	}
	if got := MultiLogLoss([]float64{5}, p); !math.IsNaN(got) {
		t.Errorf("MultiLogLoss with too few labels = %v, want NaN", got)
	}
}

func TestMetrics_ConfusionMatrix(t *testing.T) {
	c, err := ConfusionMatrix([]float64{2, 5, 7, 7, 5}, []float64{2, 7, 7, 5, 9})
	if err != nil {
		t.Fatal(err)
	}
	want := &Confusion{Labels: []float64{2, 5, 7, 9}, Counts: [][]int{{1, 0, 0, 0}, {0, 0, 1, 1}, {0, 1, 1, 0}, {0, 0, 0, 0}}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v, want %+v", c, want)
	}
	if c.Count(7, 5) != 1 || c.Count(3, 3) != 0 {
		t.Errorf("Count: %d %d", c.Count(7, 5), c.Count(3, 3))
	}
	if _, err := ConfusionMatrix([]float64{1}, nil); err == nil {
		t.Error("lengths differ: want an error")
	}
	if _, err := ConfusionMatrix([]float64{math.NaN()}, []float64{1}); err == nil {
		t.Error("NaN label: want an error")
	}
	if c, err := ConfusionMatrix(nil, nil); err != nil || len(c.Labels) != 0 {
		t.Errorf("empty: %+v, %v", c, err)
	}
}

func TestProba_LabelsAndColumns(t *testing.T) {
	p := &Proba{Classes: []float64{0, 1}, Data: []float64{0.7, 0.3, 0.4, 0.6, 0.5, 0.5}}
	if got := p.Labels(0.5); !reflect.DeepEqual(got, []float64{0, 1, 0}) {
		t.Errorf("Labels(0.5) = %v", got)
	}
	if got := p.Labels(0.25); !reflect.DeepEqual(got, []float64{1, 1, 1}) {
		t.Errorf("Labels(0.25) = %v", got)
	}
	if got, _ := p.Of(1); !reflect.DeepEqual(got, []float64{0.3, 0.6, 0.5}) {
		t.Errorf("Of(1) = %v", got)
	}
	if _, err := p.Of(3); err == nil {
		t.Error("Of(3): want an error")
	}
	m := &Proba{Classes: []float64{1, 2, 3}, Data: []float64{0.2, 0.5, 0.3, 0.4, 0.4, 0.2}}
	if got := m.Labels(0.99); !reflect.DeepEqual(got, []float64{2, 1}) {
		t.Errorf("multiclass labels = %v (first on ties)", got)
	}
	if m.Rows() != 2 || !reflect.DeepEqual(m.Row(1), []float64{0.4, 0.4, 0.2}) {
		t.Errorf("Rows %d Row(1) %v", m.Rows(), m.Row(1))
	}
}

func TestValidation_Folds(t *testing.T) {
	check := func(t *testing.T, folds []Fold, n int, sizes []int) {
		t.Helper()
		if len(folds) != len(sizes) {
			t.Fatalf("%d folds, want %d", len(folds), len(sizes))
		}
		seen := make([]int, n)
		for f, fd := range folds {
			if len(fd.Val) != sizes[f] || len(fd.Train)+len(fd.Val) != n {
				t.Errorf("fold %d: %d val, %d train", f, len(fd.Val), len(fd.Train))
			}
			for _, r := range fd.Val {
				seen[r]++
			}
		}
		for r, c := range seen {
			if c != 1 {
				t.Errorf("row %d validated %d times", r, c)
			}
		}
	}
	t.Run("k-fold like scikit-learn", func(t *testing.T) {
		folds, err := KFold(10, 3, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		check(t, folds, 10, []int{4, 3, 3})
		if !reflect.DeepEqual(folds[1].Val, []int{4, 5, 6}) {
			t.Errorf("fold 1 val %v, want [4 5 6] (scikit-learn's KFold(3))", folds[1].Val)
		}
		sh, _ := KFold(10, 3, true, 7)
		sh2, _ := KFold(10, 3, true, 7)
		check(t, sh, 10, []int{4, 3, 3})
		if !reflect.DeepEqual(sh, sh2) || reflect.DeepEqual(sh, folds) {
			t.Error("shuffled folds: want the same for one seed, unlike unshuffled")
		}
	})
	t.Run("stratified keeps the label shares", func(t *testing.T) {
		y := make([]float64, 100)
		for i := 0; i < 20; i++ {
			y[i*5] = 1
		}
		folds, err := StratifiedKFold(y, 5, 1)
		if err != nil {
			t.Fatal(err)
		}
		check(t, folds, 100, []int{20, 20, 20, 20, 20})
		for f, fd := range folds {
			pos := 0
			for _, r := range fd.Val {
				pos += int(y[r])
			}
			if pos != 4 {
				t.Errorf("fold %d holds %d positives, want 4", f, pos)
			}
		}
	})
	t.Run("time series split like scikit-learn", func(t *testing.T) {
		folds, err := TimeSeriesSplit(10, 3)
		if err != nil {
			t.Fatal(err)
		}
		// scikit-learn's TimeSeriesSplit(3) on 10 rows: train [0..3] val [4,5]; [0..5] [6,7]; [0..7] [8,9].
		want := []Fold{{[]int{0, 1, 2, 3}, []int{4, 5}}, {[]int{0, 1, 2, 3, 4, 5}, []int{6, 7}}, {[]int{0, 1, 2, 3, 4, 5, 6, 7}, []int{8, 9}}}
		if !reflect.DeepEqual(folds, want) {
			t.Errorf("got %v, want %v", folds, want)
		}
	})
	t.Run("time series split by timestamps", func(t *testing.T) {
		base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		ts := []time.Time{base.Add(5 * time.Hour), base, base.Add(3 * time.Hour), base.Add(time.Hour)}
		folds, err := TimeSeriesSplitBy(ts, 1)
		if err != nil {
			t.Fatal(err)
		}
		// Time order: rows 1, 3, 2, 0 — train on the first two, validate on the last two.
		if want := []Fold{{[]int{1, 3}, []int{0, 2}}}; !reflect.DeepEqual(folds, want) {
			t.Errorf("got %v, want %v", folds, want)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for name, err := range map[string]error{
			"k 1":          func() error { _, err := KFold(10, 1, false, 0); return err }(),
			"k above rows": func() error { _, err := KFold(3, 4, false, 0); return err }(),
			"stratified":   func() error { _, err := StratifiedKFold([]float64{1}, 2, 0); return err }(),
			"time k 0":     func() error { _, err := TimeSeriesSplit(10, 0); return err }(),
			"time rows":    func() error { _, err := TimeSeriesSplit(3, 3); return err }(),
		} {
			if err == nil {
				t.Errorf("%s: want an error", name)
			}
		}
	})
}
