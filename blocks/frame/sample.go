package frame

import (
	"math"
	"math/rand/v2"
	"slices"
)

func rng(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// pick returns k distinct row indexes chosen at random with seed, sorted.
func pick(n, k int, seed int64) (chosen, rest []int) {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	r := rng(seed)
	for i := 0; i < k; i++ { // partial Fisher–Yates
		j := i + r.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	chosen, rest = perm[:k], perm[k:]
	slices.Sort(chosen)
	slices.Sort(rest)
	return chosen, rest
}

// Sample returns n rows chosen at random without replacement, deterministic
// for a given seed; the rows keep their original relative order. It panics
// if n is negative or greater than NumRows.
func (f *Frame) Sample(n int, seed int64) *Frame {
	if n < 0 || n > f.rows {
		failMsg("Sample", ErrRange, "n %d outside [0, %d]", n, f.rows)
	}
	idx, _ := pick(f.rows, n, seed)
	return f.take(idx)
}

// SampleFrac returns round(frac × NumRows) rows as Sample does; frac must be
// in [0, 1].
func (f *Frame) SampleFrac(frac float64, seed int64) *Frame {
	if frac < 0 || frac > 1 || frac != frac {
		failMsg("SampleFrac", ErrRange, "frac %g outside [0, 1]", frac)
	}
	return f.Sample(int(math.Round(frac*float64(f.rows))), seed)
}

// Split divides the rows at random into a (round(frac × NumRows) rows) and b
// (the rest), deterministic for a given seed; each part keeps the original
// row order.
func (f *Frame) Split(frac float64, seed int64) (a, b *Frame) {
	if frac < 0 || frac > 1 || frac != frac {
		failMsg("Split", ErrRange, "frac %g outside [0, 1]", frac)
	}
	ia, ib := pick(f.rows, int(math.Round(frac*float64(f.rows))), seed)
	return f.take(ia), f.take(ib)
}
