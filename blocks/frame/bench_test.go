package frame

import (
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/internal/taxitest"
)

func year2023(b testing.TB) string {
	taxitest.Month(b, "12")
	return filepath.Join(taxitest.Dir(b), "2023", "*.parquet")
}

func BenchmarkReadParquet_Month(b *testing.B) {
	p := taxitest.Month(b, "01")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadParquet(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadParquet_Year(b *testing.B) {
	p := year2023(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadParquet(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDurationFilter_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		prepare(f)
	}
}

func BenchmarkPipeline_Year(b *testing.B) {
	p := year2023(b)
	b.ReportAllocs()
	for b.Loop() {
		f, err := ReadParquet(p)
		if err != nil {
			b.Fatal(err)
		}
		f = prepare(f)
		f = f.With("PULocationID", f.Col("PULocationID").AsString()).With("DOLocationID", f.Col("DOLocationID").AsString())
	}
}

func BenchmarkGroupBy_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	f = prepare(f)
	b.ReportAllocs()
	for b.Loop() {
		f.GroupBy("PULocationID").Agg(Count(), Mean("duration"), Median("trip_distance"))
	}
}

func BenchmarkGroupBy_TwoKeys_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.GroupBy("PULocationID", "DOLocationID").Agg(Count(), Sum("total_amount"))
	}
}

func BenchmarkSort_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		f.Sort("trip_distance", false)
	}
}

func BenchmarkWriteParquet_Month(b *testing.B) {
	f, err := ReadParquet(taxitest.Month(b, "01"))
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "out.parquet")
	b.ReportAllocs()
	for b.Loop() {
		if err := f.WriteParquet(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEditorPage(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		page := f.Slice(500_000, 500_050)
		for i := 0; i < page.NumRows(); i++ {
			for _, c := range page.cols {
				_ = c.Value(i)
			}
		}
	}
}

func BenchmarkWriteParquet_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "out.parquet")
	b.ReportAllocs()
	for b.Loop() {
		if err := f.WriteParquet(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAsString_Year(b *testing.B) {
	f, err := ReadParquetWith(ReadOptions{Columns: []string{"PULocationID"}}, year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	s := f.Col("PULocationID")
	b.ReportAllocs()
	for b.Loop() {
		s.AsString()
	}
}

// zones is a 265-row lookup table shaped like the taxi zone lookup
// (LocationID, Borough, Zone).
func zones() *Frame {
	ids := make([]int64, 265)
	boroughs := make([]string, 265)
	names := make([]string, 265)
	for i := range ids {
		ids[i] = int64(i + 1)
		boroughs[i] = [...]string{"Manhattan", "Brooklyn", "Queens", "Bronx", "Staten Island"}[i%5]
		names[i] = "zone " + NewInts("", []int64{ids[i]}).Strings()[0]
	}
	return MustNew(NewInts("PULocationID", ids), NewStrings("Borough", boroughs), NewStrings("Zone", names))
}

// BenchmarkJoin_Year joins the 2023 trips kept by prepare (753k) with a
// 265-row zone table on PULocationID.
func BenchmarkJoin_Year(b *testing.B) {
	f, err := ReadParquet(year2023(b))
	if err != nil {
		b.Fatal(err)
	}
	f = prepare(f)
	z := zones()
	for _, how := range []string{"inner", "left"} {
		b.Run(how, func(b *testing.B) {
			b.ReportAllocs()
			var out *Frame
			for b.Loop() {
				out = f.Join(z, how, "PULocationID")
			}
			b.ReportMetric(float64(f.NumRows()), "rows")
			b.ReportMetric(float64(out.NumRows()), "out_rows")
		})
	}
}
