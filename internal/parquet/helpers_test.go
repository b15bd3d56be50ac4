package parquet

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/internal/atomicfile"
)

// testColumns has n rows of every type with nulls scattered through them;
// its strings take card distinct values.
func testColumns(n, card int) []Column {
	r := rand.New(rand.NewPCG(1, 2))
	ints, floats := make([]int64, n), make([]float64, n)
	strs, bools := make([]string, n), make([]bool, n)
	ts, valid, sparse := make([]int64, n), make([]bool, n), make([]bool, n)
	for i := range n {
		ints[i] = r.Int64N(1000) - 500
		floats[i] = r.NormFloat64()
		strs[i] = fmt.Sprint("z", r.IntN(card))
		bools[i] = r.IntN(2) == 0
		ts[i] = 1_672_531_200_000_000 + r.Int64N(1e12)
		valid[i] = r.IntN(10) != 0
		sparse[i] = r.IntN(1000) == 0
	}
	return []Column{
		{Name: "i", Type: Int64, Ints: ints, Valid: valid},
		{Name: "f", Type: Float64, Floats: floats},
		{Name: "s", Type: String, Strs: strs, Valid: valid},
		{Name: "b", Type: Bool, Bools: bools, Valid: valid},
		{Name: "t", Type: Timestamp, Ints: ts},
		{Name: "d", Type: Duration, Ints: ints, Valid: sparse},
		{Name: "allnull", Type: String, Strs: strs, Valid: make([]bool, n)},
	}
}

// smallColumns has three rows of every type, each column but the last with a null.
func smallColumns() []Column {
	return []Column{
		{Name: "i", Type: Int64, Ints: []int64{1, -2, 3}, Valid: []bool{true, false, true}},
		{Name: "f", Type: Float64, Floats: []float64{1.5, 2.5, -3}, Valid: []bool{true, true, false}},
		{Name: "s", Type: String, Strs: []string{"a", "", "ccc"}, Valid: []bool{false, true, true}},
		{Name: "b", Type: Bool, Bools: []bool{true, false, true}, Valid: []bool{true, false, true}},
		{Name: "t", Type: Timestamp, Ints: []int64{1_672_531_200_000_000, 1_672_531_200_001_500, -220_000_000_000_000}, Valid: []bool{true, false, true}},
		{Name: "d", Type: Duration, Ints: []int64{60_000_000, -1_000_000, 0}, Valid: []bool{true, true, false}},
		{Name: "full", Type: Int64, Ints: []int64{7, 8, 9}},
	}
}

// writeTemp writes cols to a new file and returns its path.
func writeTemp(t testing.TB, rows int, cols []Column) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.parquet")
	if err := atomicfile.Write(p, atomicfile.Options{}, func(w io.Writer) error { return Write(w, rows, cols) }); err != nil {
		t.Fatal(err)
	}
	return p
}

// alloc returns an empty column of type t with room for n rows and a mask.
func alloc(name string, t Type, n int) Column {
	c := Column{Name: name, Type: t, Valid: make([]bool, n)}
	switch {
	case t.intBacked():
		c.Ints = make([]int64, n)
	case t == Float64:
		c.Floats = make([]float64, n)
	case t == String:
		c.Strs = make([]string, n)
	default:
		c.Bools = make([]bool, n)
	}
	return c
}

// readAll decodes every readable column of the file at path.
func readAll(t testing.TB, path string) []Column {
	t.Helper()
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Column
	for i, ci := range f.Columns {
		if ci.Skip != "" {
			continue
		}
		c := alloc(ci.Name, ci.Type, f.Rows)
		if err := f.Decode(i, c, 0); err != nil {
			t.Fatalf("column %s: %v", ci.Name, err)
		}
		out = append(out, c)
	}
	return out
}

// value is row i of c (nil for null).
func value(c Column, i int) any {
	if c.Valid != nil && !c.Valid[i] {
		return nil
	}
	switch {
	case c.Type.intBacked():
		return c.Ints[i]
	case c.Type == Float64:
		return c.Floats[i]
	case c.Type == String:
		return c.Strs[i]
	}
	return c.Bools[i]
}

// sameColumns fails t unless got holds the names, types and values of want.
func sameColumns(t testing.TB, got, want []Column, rows int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d columns, want %d", len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if g.Name != w.Name || g.Type != w.Type {
			t.Fatalf("column %d is %s of type %d, want %s of type %d", k, g.Name, g.Type, w.Name, w.Type)
		}
		for i := range rows {
			if gv, wv := value(g, i), value(w, i); gv != wv {
				t.Fatalf("column %s row %d: %v, want %v", w.Name, i, gv, wv)
			}
		}
	}
}
