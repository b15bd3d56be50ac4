package frame

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func sample() *Frame {
	return MustNew(
		NewInts("id", []int64{1, 2, 3, 4, 5}),
		nulls(NewFloats("x", []float64{5, 1, 4, 1, 0}), 4),
		NewStrings("s", []string{"b", "a", "b", "c", "a"}),
	)
}

func TestNew_Errors(t *testing.T) {
	tests := []struct {
		name string
		cols []*Series
		want error
		msg  string
	}{
		{"length", []*Series{NewInts("a", []int64{1}), NewInts("b", nil)}, ErrLength, `frame: New: length mismatch 1 vs 0 (columns "a", "b")`},
		{"duplicate", []*Series{NewInts("a", nil), NewInts("a", nil)}, ErrDuplicate, `frame: New: duplicate column "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cols...)
			if !errors.Is(err, tt.want) || err.Error() != tt.msg {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestFrame_Shape(t *testing.T) {
	f := sample()
	if r, c := f.Shape(); r != 5 || c != 3 || f.NumRows() != 5 || f.NumCols() != 3 {
		t.Fatal("shape")
	}
	if strings.Join(f.Columns(), ",") != "id,x,s" || !f.Has("x") || f.Has("y") {
		t.Fatal("columns")
	}
	if sc := f.Schema(); sc[1] != (Field{"x", Float64}) || sc[2].Type.String() != "string" {
		t.Fatalf("schema %v", sc)
	}
}

func TestFrame_SliceHeadTail(t *testing.T) {
	f := sample()
	tests := []struct {
		name string
		got  *Frame
		want []any
	}{
		{"head", f.Head(2), []any{int64(1), int64(2)}},
		{"head past end", f.Head(10), []any{int64(1), int64(2), int64(3), int64(4), int64(5)}},
		{"tail", f.Tail(2), []any{int64(4), int64(5)}},
		{"tail zero", f.Tail(0), []any{}},
		{"slice", f.Slice(1, 3), []any{int64(2), int64(3)}},
		{"slice clamped", f.Slice(-1, 99), []any{int64(1), int64(2), int64(3), int64(4), int64(5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { eqValues(t, tt.got.Col("id"), tt.want) })
	}
	if f.Slice(3, 5).Col("x").Value(1) != nil || f.Slice(3, 5).Col("x").NullCount() != 1 {
		t.Fatal("slice keeps nulls")
	}
	if f.Slice(0, 3).Col("x").NullCount() != 0 {
		t.Fatal("slice without nulls")
	}
}

func TestFrame_SelectDropRenameWith(t *testing.T) {
	f := sample()
	if got := strings.Join(f.Select("s", "id").Columns(), ","); got != "s,id" {
		t.Fatal(got)
	}
	if got := strings.Join(f.Drop("x").Columns(), ","); got != "id,s" {
		t.Fatal(got)
	}
	if got := strings.Join(f.Rename("x", "y").Columns(), ","); got != "id,y,s" || f.Has("y") {
		t.Fatal(got)
	}
	g := f.With("d", f.Col("id").MulScalar(2))
	eqValues(t, g.Col("d"), []any{int64(2), int64(4), int64(6), int64(8), int64(10)})
	g = f.With("id", f.Col("id").AddScalar(1))
	if strings.Join(g.Columns(), ",") != "id,x,s" || g.Col("id").Value(0) != int64(2) {
		t.Fatal("With replace")
	}
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"col", func() { f.Col("durtion") }, `frame: Col: no column "durtion" (columns: id, x, s)`},
		{"select", func() { f.Select("nope") }, `frame: Select: no column "nope" (columns: id, x, s)`},
		{"drop", func() { f.Drop("nope") }, `frame: Drop: no column "nope"`},
		{"rename dup", func() { f.Rename("x", "s") }, `frame: Rename: column "s" already exists`},
		{"with len", func() { f.With("z", NewInts("z", []int64{1})) }, `frame: With: length mismatch 5 vs 1 (column "z")`},
		{"filter type", func() { f.Filter(f.Col("id")) }, `frame: Filter: mask is int64, want bool`},
		{"filter len", func() { f.Filter(NewBools("m", []bool{true})) }, `frame: Filter: length mismatch 5 vs 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { contains(t, panicMsg(t, tt.fn), tt.want) })
	}
}

func TestFrame_FilterDropNulls(t *testing.T) {
	f := sample()
	// Null in the mask (x is null in the last row) counts as false.
	got := f.Filter(f.Col("x").Ge(1))
	eqValues(t, got.Col("id"), []any{int64(1), int64(2), int64(3), int64(4)})
	eqValues(t, f.Filter(f.Col("x").Lt(1).Or(f.Col("s").Eq("a"))).Col("id"), []any{int64(2), int64(5)})
	eqValues(t, f.DropNulls().Col("id"), []any{int64(1), int64(2), int64(3), int64(4)})
	eqValues(t, f.DropNulls("s").Col("id"), []any{int64(1), int64(2), int64(3), int64(4), int64(5)})
	eqValues(t, f.Filter(f.Col("x").IsNa()).Col("s"), []any{"a"})
}

func TestFrame_Sort(t *testing.T) {
	f := sample()
	tests := []struct {
		name string
		got  *Frame
		want []any
	}{
		{"asc nulls last stable", f.Sort("x", false), []any{int64(2), int64(4), int64(3), int64(1), int64(5)}},
		{"desc nulls last stable", f.Sort("x", true), []any{int64(1), int64(3), int64(2), int64(4), int64(5)}},
		{"string", f.Sort("s", false), []any{int64(2), int64(5), int64(1), int64(3), int64(4)}},
		{"by s desc then x asc", f.SortBy([]string{"s", "x"}, []bool{true, false}), []any{int64(4), int64(3), int64(1), int64(2), int64(5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { eqValues(t, tt.got.Col("id"), tt.want) })
	}
}

func TestFrame_GroupBy(t *testing.T) {
	f := MustNew(
		NewStrings("k", []string{"b", "a", "b", "a", "c", "b"}),
		NewInts("k2", []int64{1, 1, 2, 1, 1, 1}),
		nulls(NewFloats("v", []float64{1, 2, 3, 4, 5, 6}), 4),
		NewInts("n", []int64{10, 20, 30, 40, 50, 60}),
		NewTimes("t", []time.Time{t0, t0.Add(time.Hour), t0, t0, t0, t0.Add(2 * time.Hour)}),
	)
	g := f.GroupBy("k").Agg(Count(), Sum("v"), Mean("v"), Min("v"), Max("v"), Median("v"), Sum("n").As("total"), Max("t"))
	if strings.Join(g.Columns(), ",") != "k,count,v_sum,v_mean,v_min,v_max,v_median,total,t_max" {
		t.Fatal(g.Columns())
	}
	eqValues(t, g.Col("k"), []any{"a", "b", "c"})
	eqValues(t, g.Col("count"), []any{int64(2), int64(3), int64(1)})
	eqValues(t, g.Col("v_sum"), []any{6.0, 10.0, 0.0})
	eqValues(t, g.Col("v_mean"), []any{3.0, 10.0 / 3, nil})
	eqValues(t, g.Col("v_min"), []any{2.0, 1.0, nil})
	eqValues(t, g.Col("v_max"), []any{4.0, 6.0, nil})
	eqValues(t, g.Col("v_median"), []any{3.0, 3.0, nil})
	eqValues(t, g.Col("total"), []any{int64(60), int64(100), int64(50)})
	eqValues(t, g.Col("t_max"), []any{t0.Add(time.Hour), t0.Add(2 * time.Hour), t0})

	// Two keys of different types, output sorted by both.
	g2 := f.GroupBy("k2", "k").Agg(Count())
	eqValues(t, g2.Col("k2"), []any{int64(1), int64(1), int64(1), int64(2)})
	eqValues(t, g2.Col("k"), []any{"a", "b", "c", "b"})
	eqValues(t, g2.Col("count"), []any{int64(2), int64(2), int64(1), int64(1)})

	// A null key is its own group, sorted last.
	g3 := f.GroupBy("v").Agg(Count())
	if g3.NumRows() != 6 || g3.Col("v").Value(5) != nil {
		t.Fatalf("null group: %v", g3)
	}
	contains(t, panicMsg(t, func() { f.GroupBy("nope") }), `frame: GroupBy: no column "nope"`)
	contains(t, panicMsg(t, func() { f.GroupBy("k").Agg(Mean("k")) }), "Agg mean", `"k"`, "string")
}

func TestFrame_Describe(t *testing.T) {
	f := MustNew(
		nulls(NewFloats("x", []float64{1, 2, 3, 4, 0}), 4),
		NewStrings("s", []string{"a", "b", "c", "d", "e"}),
		NewInts("i", []int64{10, 20, 30, 40, 50}),
	)
	d := f.Describe()
	if strings.Join(d.Columns(), ",") != "statistic,x,i" || d.NumRows() != 9 {
		t.Fatal(d.Columns())
	}
	eqValues(t, d.Col("statistic"), []any{"count", "nulls", "mean", "std", "min", "25%", "50%", "75%", "max"})
	eqValues(t, d.Col("x"), []any{4.0, 1.0, 2.5, 1.2909944487358056, 1.0, 1.75, 2.5, 3.25, 4.0})
	eqValues(t, d.Col("i"), []any{5.0, 0.0, 30.0, 15.811388300841896, 10.0, 20.0, 30.0, 40.0, 50.0})
}

func TestFrame_SampleSplit(t *testing.T) {
	n := 1000
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i)
	}
	f := MustNew(NewInts("id", ids))
	a, b := f.Sample(10, 42), f.Sample(10, 42)
	if a.NumRows() != 10 || !equalInts(a.Col("id").Ints(), b.Col("id").Ints()) {
		t.Fatal("Sample not deterministic")
	}
	if equalInts(a.Col("id").Ints(), f.Sample(10, 43).Col("id").Ints()) {
		t.Fatal("Sample ignores seed")
	}
	if f.SampleFrac(0.25, 1).NumRows() != 250 {
		t.Fatal("SampleFrac")
	}
	tr, te := f.Split(0.8, 7)
	if tr.NumRows() != 800 || te.NumRows() != 200 {
		t.Fatal("Split sizes")
	}
	seen := map[int64]bool{}
	for _, part := range []*Frame{tr, te} {
		prev := int64(-1)
		for _, v := range part.Col("id").Ints() {
			if seen[v] || v <= prev {
				t.Fatal("Split overlaps or is unordered")
			}
			seen[v], prev = true, v
		}
	}
	tr2, _ := f.Split(0.8, 7)
	if !equalInts(tr.Col("id").Ints(), tr2.Col("id").Ints()) {
		t.Fatal("Split not deterministic")
	}
	contains(t, panicMsg(t, func() { f.Sample(1001, 1) }), "Sample", "1001")
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestConcat(t *testing.T) {
	a := MustNew(NewInts("id", []int64{1, 2}), NewInts("v", []int64{1, 2}), NewNulls("e", Float64, 2))
	b := MustNew(NewInts("id", []int64{3}), NewFloats("v", []float64{2.5}), NewStrings("e", []string{"x"}), NewBools("new", []bool{true}))
	got, err := Concat(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Col("v").Type() != Float64 || got.Col("e").Type() != String {
		t.Fatal(got.Schema())
	}
	eqValues(t, got.Col("v"), []any{1.0, 2.0, 2.5})
	eqValues(t, got.Col("e"), []any{nil, nil, "x"})
	eqValues(t, got.Col("new"), []any{nil, nil, true})
	_, err = Concat(a, MustNew(NewStrings("id", []string{"x"})))
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), `column "id" is int64 in frame 0 but string in frame 1`) {
		t.Fatalf("err %v", err)
	}
}

func TestFrame_String(t *testing.T) {
	f := MustNew(NewInts("id", []int64{1, 22}), nulls(NewStrings("name", []string{"a", "b"}), 1))
	want := "frame 2 rows x 2 cols\n" +
		"id     name\n" +
		"int64  string\n" +
		"    1  a\n" +
		"   22  null\n"
	if got := f.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}
