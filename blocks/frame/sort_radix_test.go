package frame

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSort_RadixMatchesComparisonSort checks the radix sort of numeric
// columns against the stable comparison sort of (value, row) pairs on data
// with ties, NaN, ±0, ±Inf, extreme integers and nulls, both directions.
func TestSort_RadixMatchesComparisonSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 5000
	floats, ints := make([]float64, n), make([]int64, n)
	valid := make([]bool, n)
	special := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), -1e-300, 1e300}
	for i := range n {
		switch r.IntN(4) {
		case 0:
			floats[i] = special[r.IntN(len(special))]
		case 1:
			floats[i] = float64(r.IntN(5)) // ties
		default:
			floats[i] = r.NormFloat64() * 1e6
		}
		switch r.IntN(4) {
		case 0:
			ints[i] = []int64{math.MinInt64, math.MaxInt64, -1, 0}[r.IntN(4)]
		case 1:
			ints[i] = int64(r.IntN(5))
		default:
			ints[i] = r.Int64() - math.MaxInt64/2
		}
		valid[i] = r.IntN(8) != 0
	}
	cols := []*Series{
		NewFloats("f", floats), NewFloats("f", floats).WithNulls(valid),
		NewInts("i", ints), NewInts("i", ints).WithNulls(valid),
		NewTimestampMicros("t", ints).WithNulls(valid),
	}
	for _, s := range cols {
		for _, desc := range []bool{false, true} {
			got := sortOne(s, desc)
			var want []int
			if s.typ == Float64 {
				want = sortPairs(s, s.floats, desc, cmp.Compare[float64])
			} else {
				want = sortPairs(s, s.ints, desc, cmp.Compare[int64])
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s %s (nulls %v) desc=%v: radix order differs", s.name, s.typ, s.valid != nil, desc)
			}
		}
	}
}

func TestSort_RadixAlreadySortedAndAllNull(t *testing.T) {
	tests := []struct {
		name string
		s    *Series
		desc bool
	}{
		{"ascending", NewInts("a", []int64{1, 2, 2, 3}), false},
		{"descending", NewFloats("a", []float64{3, 2, 2, math.NaN()}), true},
		{"nulls already last", nulls(NewInts("a", []int64{1, 2, 0}), 2), false},
		{"all null", nulls(NewFloats("a", []float64{1, 2}), 0, 1), false},
		{"empty", NewInts("a", nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if idx := sortOne(tt.s, tt.desc); idx != nil {
				t.Fatalf("order %v, want nil (already sorted)", idx)
			}
		})
	}
}
