package chart

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

// taxi2023 is all 12 months of 2023 green-taxi trips, read once, with the
// duration column (minutes) the example pipeline computes.
var taxi2023 = sync.OnceValues(func() (*frame.Frame, error) {
	paths, _ := filepath.Glob("../../../shared/data/taxi/green/2023/*.parquet")
	if len(paths) == 0 {
		return nil, os.ErrNotExist
	}
	f, err := frame.ReadParquet(paths...)
	if err != nil {
		return nil, err
	}
	d := f.Col("lpep_dropoff_datetime").Sub(f.Col("lpep_pickup_datetime")).Minutes()
	return f.With("duration", d), nil
})

func benchBuild(b *testing.B, s Spec) {
	f, err := taxi2023()
	if err != nil {
		b.Skipf("taxi data: %v", err)
	}
	for b.Loop() {
		if _, err := Build(f, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(f.NumRows()), "rows")
}

// BenchmarkHistogram_Duration2023: histogram of trip durations over 2023.
func BenchmarkHistogram_Duration2023(b *testing.B) {
	benchBuild(b, Spec{Name: "durations", Type: TypeHistogram, Column: "duration", Bins: 40})
}

// BenchmarkTimeSeries_Daily2023: trips per day over 2023.
func BenchmarkTimeSeries_Daily2023(b *testing.B) {
	benchBuild(b, Spec{Name: "trips_per_day", Type: TypeTimeSeries, X: "lpep_pickup_datetime", Interval: "day"})
}

// BenchmarkBar_PULocation2023: trips per pickup zone, top 20.
func BenchmarkBar_PULocation2023(b *testing.B) {
	benchBuild(b, Spec{Name: "zones", Type: TypeBar, X: "PULocationID", Top: 20})
}

// BenchmarkScatter_DistanceDuration2023: 2000 sampled points.
func BenchmarkScatter_DistanceDuration2023(b *testing.B) {
	benchBuild(b, Spec{Name: "dist", Type: TypeScatter, X: "trip_distance", Y: "duration"})
}

// BenchmarkBar_MedianDurationPerZone2023: median duration per pickup zone.
func BenchmarkBar_MedianDurationPerZone2023(b *testing.B) {
	benchBuild(b, Spec{Name: "zones", Type: TypeBar, X: "PULocationID", Y: "duration", Agg: "median", Top: 20})
}

// BenchmarkBox_DurationPerPayment2023: duration quartiles per payment type.
func BenchmarkBox_DurationPerPayment2023(b *testing.B) {
	benchBuild(b, Spec{Name: "box", Type: TypeBox, Column: "duration", X: "payment_type"})
}
