package parquet

import (
	"strconv"
	"testing"

	"github.com/golemlabs/golem/internal/taxitest"
)

// January 2023 was written by another writer (pyarrow): dictionary pages,
// int64 location IDs, a NULL-typed ehail_fee, naive microsecond timestamps.
func TestDecode_TaxiJanuary(t *testing.T) {
	f, err := OpenFile(taxitest.Month(t, "01"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Rows != 68211 {
		t.Fatalf("%d rows, want 68211", f.Rows)
	}
	byName := map[string]int{}
	for i, c := range f.Columns {
		byName[c.Name] = i
	}
	if c := f.Columns[byName["ehail_fee"]]; !c.Null {
		t.Errorf("ehail_fee: %+v, want a NULL-typed column", c)
	}
	pick := alloc("lpep_pickup_datetime", Timestamp, f.Rows)
	if err := f.Decode(byName["lpep_pickup_datetime"], pick, 0); err != nil {
		t.Fatal(err)
	}
	// 2023-01-01 00:26:10, the first trip of the file.
	if pick.Ints[0] != 1_672_532_770_000_000 || !pick.Valid[0] {
		t.Errorf("first pickup %d", pick.Ints[0])
	}
	loc := alloc("PULocationID", Int64, f.Rows)
	if err := f.Decode(byName["PULocationID"], loc, 0); err != nil {
		t.Fatal(err)
	}
	for i, v := range loc.Ints {
		if !loc.Valid[i] || v < 1 || v > 265 {
			t.Fatalf("row %d: location %d valid=%v", i, v, loc.Valid[i])
		}
	}
}

func BenchmarkBuildDict_LocationStrings_Year(b *testing.B) {
	var strs []string
	var small [1024]string // one string per location, shared as frame's AsString shares them
	for m := 1; m <= 12; m++ {
		f, err := OpenFile(taxitest.Month(b, strconv.Itoa(100 + m)[1:]))
		if err != nil {
			b.Fatal(err)
		}
		for i, c := range f.Columns {
			if c.Name != "PULocationID" {
				continue
			}
			col := alloc(c.Name, Int64, f.Rows)
			if err := f.Decode(i, col, 0); err != nil {
				b.Fatal(err)
			}
			for _, v := range col.Ints {
				if small[v] == "" {
					small[v] = strconv.FormatInt(v, 10)
				}
				strs = append(strs, small[v])
			}
		}
		f.Close()
	}
	s := &Column{Name: "PULocationID", Type: String, Strs: strs}
	b.ReportAllocs()
	for b.Loop() {
		if buildDict(s, 0, len(strs)) == nil {
			b.Fatal("no dictionary")
		}
	}
}
