package ml

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

// tipsMonth reads the credit-card trips of a real green-taxi month as the
// example's train_tip_classifier prepares them: zones as strings, trip
// distance, and the label tipped = tip_amount > 0.
func tipsMonth(tb testing.TB, year, month string) *frame.Frame {
	tb.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "taxi", "green", year, month+".parquet")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("taxi data not available (%v): the tip-classifier tests need ../shared/data/taxi/green", err)
	}
	f, err := frame.ReadParquetWith(frame.ReadOptions{Columns: []string{
		"PULocationID", "DOLocationID", "trip_distance", "payment_type", "tip_amount"}}, path)
	if err != nil {
		tb.Fatal(err)
	}
	f = f.Filter(f.Col("payment_type").Eq(1).And(f.Col("tip_amount").NotNa()).And(f.Col("trip_distance").NotNa()))
	f = f.With("tipped", f.Col("tip_amount").Gt(0))
	f = f.With("PULocationID", f.Col("PULocationID").AsString()).With("DOLocationID", f.Col("DOLocationID").AsString())
	return f
}

func tipsXY(tb testing.TB) (X, Xval *CSR, y, yval []float64) {
	tb.Helper()
	jan, feb := tipsMonth(tb, "2023", "01"), tipsMonth(tb, "2023", "02")
	enc := NewDictVectorizer()
	X, err := enc.FitTransform(jan, "PULocationID", "DOLocationID", "trip_distance")
	if err != nil {
		tb.Fatal(err)
	}
	if Xval, err = enc.Transform(feb); err != nil {
		tb.Fatal(err)
	}
	if y, err = Target(jan, "tipped"); err != nil {
		tb.Fatal(err)
	}
	if yval, err = Target(feb, "tipped"); err != nil {
		tb.Fatal(err)
	}
	return X, Xval, y, yval
}

// BenchmarkTips_Logistic fits the tip classifier of the example (January
// 2023, credit-card trips) and scores February; bench/tips_sklearn.py fits
// scikit-learn's LogisticRegression on the same rows.
func BenchmarkTips_Logistic(b *testing.B) {
	X, Xval, y, yval := tipsXY(b)
	b.ReportAllocs()
	var m *LogisticRegression
	for b.Loop() {
		m = NewLogisticRegression()
		if err := m.Fit(X, y); err != nil {
			b.Fatal(err)
		}
	}
	p, _ := m.PredictProba(Xval)
	b.ReportMetric(ROCAUC(yval, p.Col(1)), "val_auc")
	b.ReportMetric(LogLoss(yval, p.Col(1)), "val_logloss")
}

// BenchmarkTips_GBDT fits boosted trees with the log-loss objective on the
// same rows, with the example's defaults (200 rounds, depth 6).
func BenchmarkTips_GBDT(b *testing.B) {
	X, Xval, y, yval := tipsXY(b)
	b.ReportAllocs()
	var m *GBDT
	for b.Loop() {
		p := DefaultGBDTParams()
		p.Objective, p.Rounds = ObjectiveBinary, 200
		m = NewGBDT(p)
		if err := m.Fit(X, y, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	p, _ := m.PredictProba(Xval)
	b.ReportMetric(ROCAUC(yval, p.Col(1)), "val_auc")
	b.ReportMetric(LogLoss(yval, p.Col(1)), "val_logloss")
}
