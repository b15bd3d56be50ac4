package ml

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RMSE returns the root mean squared error of pred against y. It returns NaN
// when the slices are empty or of different lengths.
func RMSE(y, pred []float64) float64 {
	if len(y) == 0 || len(y) != len(pred) {
		return math.NaN()
	}
	s := 0.0
	for i, v := range y {
		d := v - pred[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(y)))
}

// MAE returns the mean absolute error of pred against y. It returns NaN when
// the slices are empty or of different lengths.
func MAE(y, pred []float64) float64 {
	if len(y) == 0 || len(y) != len(pred) {
		return math.NaN()
	}
	s := 0.0
	for i, v := range y {
		s += math.Abs(v - pred[i])
	}
	return s / float64(len(y))
}

// R2 returns the coefficient of determination of pred against y (1 is a
// perfect fit, 0 is as good as predicting the mean). It returns NaN when the
// slices are empty or of different lengths; for a constant y it returns 1 for
// an exact prediction and -Inf otherwise.
func R2(y, pred []float64) float64 {
	if len(y) == 0 || len(y) != len(pred) {
		return math.NaN()
	}
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	var ssRes, ssTot float64
	for i, v := range y {
		d := v - pred[i]
		ssRes += d * d
		t := v - mean
		ssTot += t * t
	}
	if ssTot == 0 {
		if ssRes == 0 {
			return 1
		}
		return math.Inf(-1)
	}
	return 1 - ssRes/ssTot
}

// SplitIndices shuffles the indices 0..n-1 with the seed and puts the first
// round(valFrac·n) of them in val and the others in train, each sorted
// ascending. The result depends only on n, valFrac and seed.
func SplitIndices(n int, valFrac float64, seed int64) (train, val []int, err error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("split of %d rows: %w", n, ErrParam)
	}
	if !(valFrac >= 0 && valFrac <= 1) {
		return nil, nil, fmt.Errorf("validation fraction %v outside [0,1]: %w", valFrac, ErrParam)
	}
	nVal := int(math.Round(valFrac * float64(n)))
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	inVal := make([]bool, n)
	perm := rng.Perm(n)
	for _, i := range perm[:nVal] {
		inVal[i] = true
	}
	train = make([]int, 0, n-nVal)
	val = make([]int, 0, nVal)
	for i, v := range inVal {
		if v {
			val = append(val, i)
		} else {
			train = append(train, i)
		}
	}
	return train, val, nil
}

// checkTarget returns an error naming the first row of y that is not finite.
func checkTarget(y []float64) error {
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("target row %d is %v: %w", i, v, ErrNotFinite)
		}
	}
	return nil
}
