package frame

import (
	"math"
	"testing"
)

func TestGroups_QuantileStdAndTransform(t *testing.T) {
	f := MustNew(
		nulls(NewStrings("k", []string{"a", "a", "b", "a", "b", "c", "x"}), 6),
		nulls(NewFloats("v", []float64{1, 3, 10, 0, 20, 5, 7}), 3),
	)
	agg := f.GroupBy("k").Agg(Median("v"), Quantile("v", 0.9), Std("v"), Quantile("v", 0.25).As("lo"))
	if want := []string{"k", "v_median", "v_q90", "v_std", "lo"}; !equalStrings(agg.Columns(), want) {
		t.Fatalf("columns %v", agg.Columns())
	}
	eqValues(t, agg.Col("k"), []any{"a", "b", "c", nil})
	eqValues(t, agg.Col("v_median"), []any{2.0, 15.0, 5.0, 7.0})
	eqValues(t, agg.Col("v_q90"), []any{2.8, 19.0, 5.0, 7.0})
	eqValues(t, agg.Col("v_std"), []any{math.Sqrt(2), math.Sqrt(50), nil, nil})
	eqValues(t, agg.Col("lo"), []any{1.5, 12.5, 5.0, 7.0})

	cases := []struct {
		name string
		a    Agg
		want []any
	}{
		{"median", Median("v"), []any{2.0, 2.0, 15.0, 2.0, 15.0, 5.0, 7.0}},
		{"count", Count(), []any{int64(3), int64(3), int64(2), int64(3), int64(2), int64(1), int64(1)}},
		{"mean", Mean("v"), []any{2.0, 2.0, 15.0, 2.0, 15.0, 5.0, 7.0}},
		{"max", Max("v"), []any{3.0, 3.0, 20.0, 3.0, 20.0, 5.0, 7.0}},
	}
	for _, tc := range cases {
		t.Run("Transform "+tc.name, func(t *testing.T) {
			eqValues(t, f.GroupBy("k").Transform(tc.a), tc.want)
		})
	}
	t.Run("fill nulls from the group median", func(t *testing.T) {
		filled := f.Col("v").FillNull(f.GroupBy("k").Transform(Median("v")))
		eqValues(t, filled, []any{1.0, 3.0, 10.0, 2.0, 20.0, 5.0, 7.0})
		if filled.Name() != "v" {
			t.Fatalf("name %q", filled.Name())
		}
	})
	t.Run("empty frame", func(t *testing.T) {
		e := MustNew(NewStrings("k", nil), NewFloats("v", nil))
		eqValues(t, e.GroupBy("k").Transform(Median("v")), []any{})
		if n := e.GroupBy("k").Agg(Quantile("v", 0.5)).NumRows(); n != 0 {
			t.Fatalf("rows %d", n)
		}
	})
	t.Run("errors", func(t *testing.T) {
		contains(t, panicMsg(t, func() { Quantile("v", 1.5) }), "frame: Quantile: q 1.5 outside [0, 1]")
		contains(t, panicMsg(t, func() { f.GroupBy("k").Agg(Quantile("k", 0.5)) }), `column "k" is string, want numeric`)
		contains(t, panicMsg(t, func() { f.Col("v").FillNull(f.Col("k")) }), `cannot fill float64 column "v" with string column "k"`)
	})
}

func TestSeries_Quantiles(t *testing.T) {
	s := nulls(NewInts("x", []int64{4, 1, 3, 2, 100}), 4)
	got := s.Quantiles(0, 0.5, 1)
	if got[0] != 1 || got[1] != 2.5 || got[2] != 4 {
		t.Fatalf("%v", got)
	}
	if q := NewFloats("e", nil).Quantiles(0.5); !math.IsNaN(q[0]) {
		t.Fatalf("empty: %v", q)
	}
}

func TestGroupBy_GridKeys(t *testing.T) {
	// Keys on a wide grid (days in microseconds, multiples of 1000) go
	// through the array factorizer by their step; the result is the same.
	us := []int64{3 * microsPerDay, 0, 3 * microsPerDay, -2 * microsPerDay, 0}
	f := MustNew(nulls(NewTimestampMicros("t", us), 4), NewInts("m", []int64{5000, 1000, 5000, -7000, 3000}))
	g := f.GroupBy("t").Agg(Count())
	eqValues(t, g.Col("t").AsInt(), []any{-2 * int64(microsPerDay), int64(0), 3 * int64(microsPerDay), nil})
	eqValues(t, g.Col("count"), []any{int64(1), int64(1), int64(2), int64(1)})
	eqValues(t, f.GroupBy("m").Transform(Count()), []any{int64(2), int64(1), int64(2), int64(1), int64(1)})
}
