package ml

import "testing"

// Benchmarks on January 2023 green-taxi trips (65,946 rows).

func BenchmarkDictVectorizer_FitTransform(b *testing.B) {
	jan := taxiMonth(b, "01")
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewDictVectorizer().FitTransform(jan, "PULocationID", "DOLocationID", "trip_distance"); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLinear(b *testing.B, solver Solver, cols ...string) {
	td := taxiXY(b, cols...)
	b.ResetTimer()
	for b.Loop() {
		m := NewLinearRegression()
		m.Solver = solver
		if err := m.Fit(td.X, td.y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinear_Cholesky(b *testing.B) {
	benchLinear(b, SolverCholesky, "PULocationID", "DOLocationID", "trip_distance")
}
func BenchmarkLinear_CG(b *testing.B) {
	benchLinear(b, SolverCG, "PULocationID", "DOLocationID", "trip_distance")
}
func BenchmarkLinear_CG_PUDO(b *testing.B) { benchLinear(b, SolverCG, "PU_DO", "trip_distance") }

func BenchmarkGBDT_Fit100(b *testing.B) {
	td := taxiXY(b, "PULocationID", "DOLocationID", "trip_distance")
	p := DefaultGBDTParams()
	b.ResetTimer()
	for b.Loop() {
		if err := NewGBDT(p).Fit(td.X, td.y, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// native300 is January's zones (native categoricals) and distance, and train_gbdt's parameters
// for 300 rounds without early stopping.
func native300(b *testing.B) (taxiData, GBDTParams) {
	td := taxiXYWith(b, EncoderOptions{Categorical: []string{"PULocationID", "DOLocationID"}},
		"PULocationID", "DOLocationID", "trip_distance")
	p := DefaultGBDTParams()
	p.Rounds, p.MaxDepth, p.MinChildWeight = 300, 8, 20
	p.CategoricalFeatures = td.enc.CategoricalFeatures()
	return td, p
}

// BenchmarkGBDT_FitNative300 fits 300 rounds (no early stopping) with the
// zones as native categoricals, as train_gbdt does.
func BenchmarkGBDT_FitNative300(b *testing.B) {
	td, p := native300(b)
	b.ResetTimer()
	for b.Loop() {
		if err := NewGBDT(p).Fit(td.X, td.y, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGBDT_PredictNative300 scores January with a 300-round native-categorical model, as
// train_gbdt scores its training and validation sets.
func BenchmarkGBDT_PredictNative300(b *testing.B) {
	td, p := native300(b)
	m := NewGBDT(p)
	if err := m.Fit(td.X, td.y, nil, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.PredictMargin(td.X); err != nil {
			b.Fatal(err)
		}
	}
}
