package sample

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Months are the months the example project ships with.
var Months = []string{"2023-01", "2023-02", "2023-03"}

// RowsPerMonth is the number of trips generated per month file.
const RowsPerMonth = 3000

// Trip is one row of a green-taxi file; nil pointers are nulls. The field
// order and tags reproduce the TLC schema.
type Trip struct {
	VendorID             *int32   `parquet:"VendorID"`
	PickupDatetime       *int64   `parquet:"lpep_pickup_datetime,timestamp(microsecond:local)"`
	DropoffDatetime      *int64   `parquet:"lpep_dropoff_datetime,timestamp(microsecond:local)"`
	StoreAndFwdFlag      *string  `parquet:"store_and_fwd_flag"`
	RatecodeID           *int64   `parquet:"RatecodeID"`
	PULocationID         *int32   `parquet:"PULocationID"`
	DOLocationID         *int32   `parquet:"DOLocationID"`
	PassengerCount       *int64   `parquet:"passenger_count"`
	TripDistance         *float64 `parquet:"trip_distance"`
	FareAmount           *float64 `parquet:"fare_amount"`
	Extra                *float64 `parquet:"extra"`
	MtaTax               *float64 `parquet:"mta_tax"`
	TipAmount            *float64 `parquet:"tip_amount"`
	TollsAmount          *float64 `parquet:"tolls_amount"`
	EhailFee             *float64 `parquet:"ehail_fee"`
	ImprovementSurcharge *float64 `parquet:"improvement_surcharge"`
	TotalAmount          *float64 `parquet:"total_amount"`
	PaymentType          *int64   `parquet:"payment_type"`
	TripType             *int64   `parquet:"trip_type"`
	CongestionSurcharge  *float64 `parquet:"congestion_surcharge"`
}

// zones are pickup/dropoff zone IDs seen often in green-taxi data, with a
// popularity weight.
var zones = []struct {
	id     int32
	weight float64
}{
	{74, 10}, {75, 9}, {41, 8}, {42, 6}, {166, 5}, {95, 5}, {82, 5}, {7, 4}, {97, 4}, {129, 4},
	{260, 3}, {244, 3}, {116, 3}, {181, 3}, {65, 3}, {43, 2}, {236, 2}, {152, 2}, {24, 2}, {25, 2},
	{61, 2}, {33, 2}, {223, 2}, {226, 2}, {179, 2}, {92, 1}, {145, 1}, {146, 1}, {193, 1}, {255, 1},
	{256, 1}, {112, 1}, {36, 1}, {37, 1}, {17, 1}, {52, 1}, {189, 1}, {228, 1}, {168, 1}, {264, 1},
}

type zoneGeo struct{ x, y, slow float64 }

// Green writes rows synthetic trips with pickups in the given month to w as
// parquet. The same arguments always produce the same bytes.
func Green(w io.Writer, year int, month time.Month, rows int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, uint64(year)*100+uint64(month)))
	// Whether a card trip is tipped comes from its own stream, so that the
	// other columns stay what they were before tips depended on anything.
	tipRng := rand.New(rand.NewPCG(seed^0x7469707321, uint64(year)*100+uint64(month)))
	geo := zoneGeography()
	var total float64
	for _, z := range zones {
		total += z.weight
	}
	pickZone := func() int {
		r := rng.Float64() * total
		for i, z := range zones {
			r -= z.weight
			if r < 0 {
				return i
			}
		}
		return len(zones) - 1
	}
	start := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	span := end.Sub(start)

	trips := make([]Trip, rows)
	for i := range trips {
		pu := pickZone()
		do := pu
		if rng.Float64() < 0.8 {
			do = pickZone()
		}
		// Pickup: uniform day, hours weighted towards daytime.
		at := start.Add(time.Duration(rng.Int64N(int64(span/time.Second))) * time.Second)
		if h := at.Hour(); h < 6 && rng.Float64() < 0.6 {
			at = at.Add(time.Duration(6+rng.IntN(10)) * time.Hour)
			if !at.Before(end) {
				at = at.Add(-24 * time.Hour)
			}
		}
		a, b := geo[pu], geo[do]
		dist := math.Hypot(a.x-b.x, a.y-b.y)*1.3 + rng.ExpFloat64()*0.7 + 0.2
		if rng.Float64() < 0.004 {
			dist = 0
		}
		dist = round2(dist)
		speed := 14.0 / a.slow / b.slow // mph
		if h := at.Hour(); (h >= 7 && h <= 9) || (h >= 16 && h <= 18) {
			speed *= 0.7
		} else if h < 6 {
			speed *= 1.3
		}
		minutes := 2 + dist/speed*60 + rng.NormFloat64()*1.5
		switch u := rng.Float64(); {
		case u < 0.02: // meter started and stopped at once
			minutes = rng.Float64() * 0.95
		case u < 0.04: // meter left running
			minutes = 61 + rng.Float64()*240
		case minutes < 1.5:
			minutes = 1.5 + rng.Float64()
		}
		drop := at.Add(time.Duration(minutes * float64(time.Minute)).Truncate(time.Second))

		t := &trips[i]
		vendor := int32(2)
		if rng.Float64() < 0.2 {
			vendor = 1
		}
		t.VendorID = &vendor
		t.PickupDatetime = ptr(at.UnixMicro())
		t.DropoffDatetime = ptr(drop.UnixMicro())
		t.PULocationID = ptr(zones[pu].id)
		t.DOLocationID = ptr(zones[do].id)
		t.TripDistance = ptr(dist)
		fare := round2(3 + 1.75*dist + 0.5*math.Max(minutes, 0))
		if minutes > 60 {
			fare = round2(3 + 1.75*dist + 30)
		}
		extra := []float64{0, 1, 2.5}[rng.IntN(3)]
		tolls := 0.0
		if dist > 8 && rng.Float64() < 0.2 {
			tolls = 6.55
		}
		t.FareAmount, t.Extra, t.MtaTax, t.TollsAmount = ptr(fare), ptr(extra), ptr(0.5), ptr(tolls)
		t.ImprovementSurcharge = ptr(1.0)
		if rng.Float64() < 0.04 { // rows from street-hail apps: no rate, passengers, payment...
			tip := 0.0
			t.TipAmount = &tip
			t.TotalAmount = ptr(round2(fare + extra + 0.5 + tolls + 1))
			continue
		}
		flag := "N"
		if rng.Float64() < 0.005 {
			flag = "Y"
		}
		t.StoreAndFwdFlag = &flag
		rate := int64(1)
		if rng.Float64() < 0.03 {
			rate = 5
		}
		t.RatecodeID = &rate
		t.PassengerCount = ptr(int64([]int{1, 1, 1, 1, 1, 1, 2, 2, 3, 5}[rng.IntN(10)]))
		pay := int64(1)
		if rng.Float64() < 0.35 {
			pay = 2
		}
		t.PaymentType = &pay
		tip := 0.0
		if pay == 1 {
			tip = round2(fare * (0.1 + rng.Float64()*0.15))
			// About a fifth of card trips leave no tip, more of the short
			// ones and of some pickup zones: the tip classifier's signal.
			logit := 0.4 + 0.35*math.Min(dist, 8) + float64(pu%4-1)*0.6
			if tipRng.Float64() > 1/(1+math.Exp(-logit)) {
				tip = 0
			}
		}
		t.TipAmount = &tip
		tripType := int64(1)
		if rate == 5 {
			tripType = 2
		}
		t.TripType = &tripType
		cong := 0.0
		if rng.Float64() < 0.15 {
			cong = 2.75
		}
		t.CongestionSurcharge = &cong
		t.TotalAmount = ptr(round2(fare + extra + 0.5 + tip + tolls + 1 + cong))
	}
	sort.SliceStable(trips, func(i, j int) bool { return *trips[i].PickupDatetime < *trips[j].PickupDatetime })

	pw := parquet.NewGenericWriter[Trip](w, parquet.Compression(&parquet.Zstd))
	if _, err := pw.Write(trips); err != nil {
		return fmt.Errorf("write green %d-%02d: %w", year, month, err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write green %d-%02d: %w", year, month, err)
	}
	return nil
}

// zoneGeography places the zones on a plane (miles) with a congestion
// factor, from a fixed seed.
func zoneGeography() []zoneGeo {
	rng := rand.New(rand.NewPCG(2023, 1))
	g := make([]zoneGeo, len(zones))
	for i := range g {
		g[i] = zoneGeo{x: rng.Float64() * 4, y: rng.Float64() * 6, slow: 0.8 + rng.Float64()*0.6}
	}
	return g
}

// WriteFiles writes dir/<year>/<MM>.parquet for each month ("2006-01") with
// RowsPerMonth trips each.
func WriteFiles(dir string, months []string) error {
	for _, m := range months {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			return fmt.Errorf("sample month %q: %w", m, err)
		}
		path := filepath.Join(dir, fmt.Sprint(t.Year()), fmt.Sprintf("%02d.parquet", int(t.Month())))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := Green(f, t.Year(), t.Month(), RowsPerMonth, 42); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
