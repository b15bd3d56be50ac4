package frame

import (
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/internal/taxitest"
)

// prepare is the data_preparation pipeline's core: trip duration in minutes,
// kept when 1 <= duration <= 60.
func prepare(f *Frame) *Frame {
	d := f.Col("lpep_dropoff_datetime").Sub(f.Col("lpep_pickup_datetime")).Minutes()
	f = f.With("duration", d)
	return f.Filter(d.Between(1, 60))
}

func TestTaxi_ReadMonth(t *testing.T) {
	f, err := ReadParquet(taxitest.Month(t, "01"))
	if err != nil {
		t.Fatal(err)
	}
	if r, c := f.Shape(); r != 68211 || c != 20 {
		t.Fatalf("shape %d x %d", r, c)
	}
	want := map[string]Type{
		"VendorID": Int64, "lpep_pickup_datetime": Timestamp, "store_and_fwd_flag": String,
		"PULocationID": Int64, "trip_distance": Float64, "ehail_fee": Float64,
	}
	for _, fl := range f.Schema() {
		if w, ok := want[fl.Name]; ok && w != fl.Type {
			t.Errorf("%s is %s, want %s", fl.Name, fl.Type, w)
		}
	}
	if n := f.Col("ehail_fee").NullCount(); n != 68211 {
		t.Fatalf("ehail_fee nulls %d", n)
	}
	if got := f.Col("lpep_pickup_datetime").formatValue(0); got != "2023-01-01 00:26:10" {
		t.Fatalf("first pickup %s", got)
	}
}

func TestTaxi_ReadQuarterUnifies(t *testing.T) {
	taxitest.Month(t, "03")
	f, err := ReadParquet(filepath.Join(taxitest.Dir(t), "2023", "0[1-3].parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 68211+64809+72044 {
		t.Fatalf("rows %d", f.NumRows())
	}
	want := map[string]Type{
		"VendorID":     Int64,   // int64 in Jan, int32 later
		"PULocationID": Int64,   // int64 in Jan, int32 later
		"RatecodeID":   Float64, // double in Jan, int64 later
		"payment_type": Float64,
		"ehail_fee":    Float64, // NULL-typed in Jan, double later
	}
	for _, fl := range f.Schema() {
		if w, ok := want[fl.Name]; ok && w != fl.Type {
			t.Errorf("%s is %s, want %s", fl.Name, fl.Type, w)
		}
	}
	// Jan's rows keep their values after unification.
	jan, _ := ReadParquet(taxitest.Month(t, "01"))
	a, b := f.Col("PULocationID").Ints()[:68211], jan.Col("PULocationID").Ints()
	if !equalInts(a, b) {
		t.Fatal("January PULocationID changed")
	}
}

func TestTaxi_DurationFilter(t *testing.T) {
	tests := []struct {
		month string
		rows  int
	}{
		{"01", 65946},
		{"02", 62574},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			f, err := ReadParquet(taxitest.Month(t, tt.month))
			if err != nil {
				t.Fatal(err)
			}
			if got := prepare(f).NumRows(); got != tt.rows {
				t.Fatalf("rows %d, want %d", got, tt.rows)
			}
		})
	}
}

func TestTaxi_PersistRoundTrip(t *testing.T) {
	f, err := ReadParquet(taxitest.Month(t, "01"))
	if err != nil {
		t.Fatal(err)
	}
	f = prepare(f)
	p := filepath.Join(t.TempDir(), "out.parquet")
	if err := f.WriteParquet(p); err != nil {
		t.Fatal(err)
	}
	g, err := ReadParquet(p)
	if err != nil {
		t.Fatal(err)
	}
	sameFrame(t, g.Slice(1000, 1100), f.Slice(1000, 1100))
	if g.NumRows() != 65946 {
		t.Fatal(g.NumRows())
	}
}
