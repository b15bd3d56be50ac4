package sample

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// realFile is the real February 2023 file, in the data folder beside the checkout (as the other
// real-data tests find it); the test skips without it.
const realFile = "../../../shared/data/taxi/green/2023/02.parquet"

func generate(t *testing.T, month time.Month) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Green(&buf, 2023, month, RowsPerMonth, 42); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, data []byte) *parquet.File {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGreen_Deterministic(t *testing.T) {
	a, b := generate(t, time.February), generate(t, time.February)
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	if c := generate(t, time.March); bytes.Equal(a, c) {
		t.Fatal("different months give the same bytes")
	}
}

// schemaBody drops the message name line, which differs.
func schemaBody(s *parquet.Schema) string {
	str := s.String()
	_, body, _ := strings.Cut(str, "\n")
	return body
}

func TestGreen_SchemaMatchesRealFile(t *testing.T) {
	data, err := os.ReadFile(realFile)
	if err != nil {
		t.Skipf("real file not available: %v", err)
	}
	real := open(t, data)
	ours := open(t, generate(t, time.February))
	if got, want := schemaBody(ours.Schema()), schemaBody(real.Schema()); got != want {
		t.Fatalf("schema differs\n got: %s\nwant: %s", got, want)
	}
}

func TestGreen_Values(t *testing.T) {
	f := open(t, generate(t, time.January))
	r := parquet.NewGenericReader[Trip](f)
	rows := make([]Trip, RowsPerMonth+1)
	n, err := r.Read(rows)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if n != RowsPerMonth {
		t.Fatalf("rows = %d, want %d", n, RowsPerMonth)
	}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 1, 0)
	var short, long, nullPassengers int
	for _, tr := range rows[:n] {
		pu := time.UnixMicro(*tr.PickupDatetime).UTC()
		if pu.Before(start) || !pu.Before(end) {
			t.Fatalf("pickup %v outside January 2023", pu)
		}
		d := time.UnixMicro(*tr.DropoffDatetime).Sub(pu).Minutes()
		if d < 0 {
			t.Fatalf("negative duration %v", d)
		}
		if d < 1 {
			short++
		}
		if d > 60 {
			long++
		}
		if tr.EhailFee != nil {
			t.Fatal("ehail_fee must be null")
		}
		if tr.PassengerCount == nil {
			nullPassengers++
		}
		if *tr.TripDistance < 0 || *tr.TripDistance > 60 {
			t.Fatalf("trip_distance %v", *tr.TripDistance)
		}
		if *tr.PULocationID < 1 || *tr.PULocationID > 265 {
			t.Fatalf("PULocationID %v", *tr.PULocationID)
		}
	}
	for name, c := range map[string]int{"under 1 minute": short, "over 60 minutes": long, "null passenger_count": nullPassengers} {
		if pct := 100 * float64(c) / float64(n); pct < 0.5 || pct > 8 {
			t.Errorf("%s: %.1f%% of rows, want a few percent", name, pct)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFiles(dir, []string{"2023-03"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dir + "/2023/03.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, generate(t, time.March)) {
		t.Fatal("WriteFiles output differs from Green")
	}
}
