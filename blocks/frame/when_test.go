package frame

import (
	"math"
	"testing"
	"time"
)

func TestWhen(t *testing.T) {
	x := nulls(NewFloats("x", []float64{-1, 0.5, 5, 50, 0}), 4)
	cases := []struct {
		name string
		got  func() *Series
		want []any
		typ  Type
	}{
		{"scalars with null condition as false", func() *Series {
			return When(x.Lt(0), "neg").When(x.Lt(1), "small").Otherwise("big")
		}, []any{"neg", "small", "big", "big", "big"}, String},
		{"series and scalar unify to float", func() *Series { return Where(x.Lt(0), 0, x) }, []any{0.0, 0.5, 5.0, 50.0, nil}, Float64},
		{"nil value is null", func() *Series { return Where(x.Gt(10), nil, x) }, []any{-1.0, 0.5, 5.0, nil, nil}, Float64},
		{"first true condition wins", func() *Series { return When(x.Gt(0), 1).When(x.Gt(1), 2).Otherwise(3) }, []any{int64(3), int64(1), int64(1), int64(1), int64(3)}, Int64},
		{"durations", func() *Series { return Where(x.Gt(1), time.Minute, nil) }, []any{nil, nil, time.Minute, time.Minute, nil}, Duration},
		{"empty", func() *Series {
			e := NewFloats("e", nil)
			return Where(e.Gt(0), e, 1.5)
		}, []any{}, Float64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.got()
			if s.Type() != tc.typ {
				t.Fatalf("type %s, want %s", s.Type(), tc.typ)
			}
			eqValues(t, s, tc.want)
		})
	}
	t.Run("errors", func(t *testing.T) {
		contains(t, panicMsg(t, func() { When(x, 1) }), "frame: When: condition is float64, want bool")
		contains(t, panicMsg(t, func() { Where(x.Gt(0), "a", 1) }), "values of different types: string and int64")
		contains(t, panicMsg(t, func() { Where(x.Gt(0), NewInts("k", []int64{1}), 1) }), `length mismatch 5 vs 1 (column "k")`)
	})
}

func TestSeries_Math(t *testing.T) {
	f := nulls(NewFloats("f", []float64{-1, 0, 1, 2.25, 9}), 3)
	i := nulls(NewInts("i", []int64{-5, 0, 7, 12, 3}), 4)
	inf := math.Inf(-1)
	cases := []struct {
		name string
		got  *Series
		want []any
	}{
		{"Log", f.Log(), []any{nil, inf, 0.0, nil, math.Log(9)}},
		{"Log1p", f.Log1p(), []any{inf, 0.0, math.Log1p(1), nil, math.Log1p(9)}},
		{"Exp ints", i.Exp(), []any{math.Exp(-5), 1.0, math.Exp(7), math.Exp(12), nil}},
		{"Sqrt", f.Sqrt(), []any{nil, 0.0, 1.0, nil, 3.0}},
		{"Pow", f.Pow(2), []any{1.0, 0.0, 1.0, nil, 81.0}},
		{"Pow fractional of negative is null", f.Pow(0.5), []any{nil, 0.0, 1.0, nil, 3.0}},
		{"Abs", i.Abs(), []any{int64(5), int64(0), int64(7), int64(12), nil}},
		{"Clip ints stay ints", i.Clip(0, 10), []any{int64(0), int64(0), int64(7), int64(10), nil}},
		{"Clip open side", f.Clip(0, math.Inf(1)), []any{0.0, 0.0, 1.0, nil, 9.0}},
		{"Clip fractional bound", i.Clip(0.5, 10), []any{0.5, 0.5, 7.0, 10.0, nil}},
		{"Round", NewFloats("r", []float64{1.25, -1.5, 2.345, 1234}).Round(1), []any{1.3, -1.5, 2.3, 1234.0}},
		{"Round negative decimals", NewFloats("r", []float64{1234, 1250}).Round(-2), []any{1200.0, 1300.0}},
		{"Round ints", i.Round(2), []any{int64(-5), int64(0), int64(7), int64(12), nil}},
		{"empty", NewFloats("e", nil).Log(), []any{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := values(tc.got)
			if len(g) != len(tc.want) {
				t.Fatalf("got %v, want %v", g, tc.want)
			}
			for k := range g {
				if gf, ok := g[k].(float64); ok && math.IsInf(gf, 0) {
					if gf != tc.want[k] {
						t.Fatalf("row %d: got %v, want %v", k, g[k], tc.want[k])
					}
					continue
				}
				eqValues(t, tc.got.slice(k, k+1), tc.want[k:k+1])
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		contains(t, panicMsg(t, func() { NewStrings("s", []string{"a"}).Log() }), `frame: Log: column "s" is string, want numeric`)
		contains(t, panicMsg(t, func() { f.Clip(2, 1) }), "frame: Clip: lo 2 > hi 1")
	})
}
