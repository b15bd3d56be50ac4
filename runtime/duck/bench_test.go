//go:build duckdb_arrow

package duck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/blocks/frame"
)

// taxiYear reads the 12 months of 2023 (the real files under ../shared/data), or skips.
func taxiYear(b *testing.B) *frame.Frame {
	b.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "taxi", "green", "2023")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("real taxi data not found at %s (CI has it beside the repository): %v", dir, err)
	}
	var parts []*frame.Frame
	for m := 1; m <= 12; m++ {
		f, err := frame.ReadParquet(filepath.Join(dir, fmt.Sprintf("%02d.parquet", m)))
		if err != nil {
			b.Fatal(err)
		}
		parts = append(parts, f)
	}
	f, err := frame.Concat(parts...)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkHandOff measures a year of trips (~787k × 20) into DuckDB (Arrow, then a temporary
// table) and back into a frame.
func BenchmarkHandOff(b *testing.B) {
	f := taxiYear(b)
	b.Logf("frame %d × %d", f.NumRows(), f.NumCols())
	ctx := context.Background()
	b.Run("into_duckdb", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db, err := Open(ctx, Options{})
			if err != nil {
				b.Fatal(err)
			}
			db.Add("trips", f)
			b.StartTimer()
			if _, err := db.Run(ctx, Script{Text: "SELECT count(*) FROM trips"}, nil); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
	})
	b.Run("back_to_frame", func(b *testing.B) {
		db, err := Open(ctx, Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.Add("trips", f)
		if _, err := db.Run(ctx, Script{Text: "SELECT count(*) FROM trips"}, nil); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			out, err := db.Run(ctx, Script{Text: "SELECT * FROM trips"}, nil)
			if err != nil {
				b.Fatal(err)
			}
			if out.NumRows() != f.NumRows() {
				b.Fatalf("%d rows back, want %d", out.NumRows(), f.NumRows())
			}
		}
	})
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			db, err := Open(ctx, Options{})
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
}
