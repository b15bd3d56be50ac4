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

// BenchmarkHandOff measures a year of trips (~787k × 20) into DuckDB and back into a frame.
// into_duckdb reads every value of every column through golem_frame (count(COLUMNS(*))), which
// native_scan does on a DuckDB table holding the same rows: their difference is the hand-off in.
// back_to_frame is SELECT * of that table into a frame: the hand-off out.
func BenchmarkHandOff(b *testing.B) {
	f := taxiYear(b)
	b.Logf("frame %d × %d", f.NumRows(), f.NumCols())
	ctx := context.Background()
	db, err := Open(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Add("trips", f)
	if _, err := db.Run(ctx, Script{Text: "CREATE TEMP TABLE native AS SELECT * FROM trips"}, nil); err != nil {
		b.Fatal(err)
	}
	countAll := func(b *testing.B, table string) {
		for b.Loop() {
			out, err := db.Run(ctx, Script{Text: "SELECT count(COLUMNS(*)) FROM " + table}, nil)
			if err != nil {
				b.Fatal(err)
			}
			if out.NumCols() != f.NumCols() {
				b.Fatalf("%d counts, want %d", out.NumCols(), f.NumCols())
			}
		}
	}
	b.Run("into_duckdb", func(b *testing.B) { countAll(b, "trips") })
	b.Run("native_scan", func(b *testing.B) { countAll(b, "native") })
	b.Run("back_to_frame", func(b *testing.B) {
		for b.Loop() {
			out, err := db.Run(ctx, Script{Text: "SELECT * FROM native"}, nil)
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
