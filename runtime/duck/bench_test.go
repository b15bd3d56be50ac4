//go:build cgo

package duck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bindings "github.com/duckdb/duckdb-go-bindings"

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
// into_duckdb reads every value of every column through golem_frame (min(COLUMNS(*))), which
// native_scan does on a DuckDB table holding the same rows: their difference is the hand-off in.
// back_to_frame is SELECT * of that table into a frame: the hand-off out; frame_copy is the
// same frame copied by the frame package, the cost of its fresh memory alone.
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
			out, err := db.Run(ctx, Script{Text: "SELECT min(COLUMNS(*)) FROM " + table}, nil)
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
	// The floor on this machine: a frame's own copy of itself into fresh memory.
	b.Run("frame_copy", func(b *testing.B) {
		for b.Loop() {
			out, err := frame.Concat(f)
			if err != nil {
				b.Fatal(err)
			}
			if out.NumRows() != f.NumRows() {
				b.Fatalf("%d rows, want %d", out.NumRows(), f.NumRows())
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

// BenchmarkScanFill is the hand-off into DuckDB alone: golem_frame's copy of every column of a
// year of trips into DuckDB vectors (one reused chunk, 2,048 rows at a time), without the query
// that would read them.
func BenchmarkScanFill(b *testing.B) {
	f := taxiYear(b)
	id := addScanFrame(f)
	defer dropScanFrame(id)
	sf, _ := scanFrames.Load(id)
	types := make([]bindings.LogicalType, f.NumCols())
	for i := range types {
		t, _ := sqlType(f.ColAt(i).Type())
		types[i] = bindings.CreateLogicalType(t)
	}
	chunk := bindings.CreateDataChunk(types)
	defer bindings.DestroyDataChunk(&chunk)
	for i := range types {
		bindings.DestroyLogicalType(&types[i])
	}
	step := int(bindings.VectorSize())
	for b.Loop() {
		for from := 0; from < f.NumRows(); from += step {
			bindings.DataChunkReset(chunk)
			n := min(step, f.NumRows()-from)
			for c := range f.NumCols() {
				if err := fillVector(bindings.DataChunkGetVector(chunk, bindings.IdxT(c)), sf.(*scanFrame), c, from, n); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
