package ml

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Fold is one split of cross-validation: the row numbers to train on and
// the row numbers to validate on, each ascending.
type Fold struct {
	Train []int `json:"train"`
	Val   []int `json:"val"`
}

// KFold splits the rows 0..n-1 into k folds of consecutive rows (of the
// shuffled rows when shuffle is true, with seed), as scikit-learn's KFold:
// the first n%k folds hold one row more. Fold i validates on its rows and
// trains on all the others.
func KFold(n, k int, shuffle bool, seed int64) ([]Fold, error) {
	if k < 2 || k > n {
		return nil, fmt.Errorf("k-fold: %d folds of %d rows (want 2 ≤ k ≤ rows): %w", k, n, ErrParam)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if shuffle {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	folds := make([]Fold, k)
	start := 0
	for f := range folds {
		size := n / k
		if f < n%k {
			size++
		}
		folds[f] = split(n, order[start:start+size])
		start += size
	}
	return folds, nil
}

// StratifiedKFold is KFold keeping the share of every label of y about
// the same in each fold: the rows of each label (shuffled with seed) are
// dealt to the folds in turn.
func StratifiedKFold(y []float64, k int, seed int64) ([]Fold, error) {
	n := len(y)
	if k < 2 || k > n {
		return nil, fmt.Errorf("stratified k-fold: %d folds of %d rows (want 2 ≤ k ≤ rows): %w", k, n, ErrParam)
	}
	if err := checkTarget(y); err != nil {
		return nil, fmt.Errorf("stratified k-fold: %w", err)
	}
	byLabel := map[float64][]int{}
	var labels []float64
	for i, v := range y {
		if _, ok := byLabel[v]; !ok {
			labels = append(labels, v)
		}
		byLabel[v] = append(byLabel[v], i)
	}
	sort.Float64s(labels)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	val := make([][]int, k)
	next := 0
	for _, l := range labels {
		rows := byLabel[l]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, r := range rows {
			val[next] = append(val[next], r)
			next = (next + 1) % k
		}
	}
	folds := make([]Fold, k)
	for f := range folds {
		folds[f] = split(n, val[f])
	}
	return folds, nil
}

// TimeSeriesSplit makes k time-ordered folds of rows 0..n-1 that are in
// time order, as scikit-learn's TimeSeriesSplit(n_splits=k): the rows are
// cut into k+1 blocks of n/(k+1) rows (the first block takes the rest),
// and fold i validates on block i+1 after training on every row before it.
// No fold trains on rows later than the ones it validates on.
func TimeSeriesSplit(n, k int) ([]Fold, error) {
	if k < 1 || n < k+1 {
		return nil, fmt.Errorf("time-series split: %d folds of %d rows (want k ≥ 1 and rows > k): %w", k, n, ErrParam)
	}
	size := n / (k + 1)
	folds := make([]Fold, k)
	for f := range folds {
		valStart := n - (k-f)*size
		fd := Fold{Train: make([]int, valStart), Val: make([]int, size)}
		for i := range fd.Train {
			fd.Train[i] = i
		}
		for i := range fd.Val {
			fd.Val[i] = valStart + i
		}
		folds[f] = fd
	}
	return folds, nil
}

// TimeSeriesSplitBy is TimeSeriesSplit for rows in any order: the rows are
// ordered by t (ties keep their row order) and the folds hold the original
// row numbers, e.g. ml.TimeSeriesSplitBy(trips.Col("lpep_pickup_datetime").Times(), 5).
func TimeSeriesSplitBy(t []time.Time, k int) ([]Fold, error) {
	order := make([]int, len(t))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return t[order[a]].Before(t[order[b]]) })
	folds, err := TimeSeriesSplit(len(t), k)
	if err != nil {
		return nil, err
	}
	for f := range folds {
		for _, part := range [][]int{folds[f].Train, folds[f].Val} {
			for i, r := range part {
				part[i] = order[r]
			}
			sort.Ints(part)
		}
	}
	return folds, nil
}

// split returns the fold validating on val (any order) and training on the
// other rows of 0..n-1.
func split(n int, val []int) Fold {
	in := make([]bool, n)
	for _, r := range val {
		in[r] = true
	}
	f := Fold{Train: make([]int, 0, n-len(val)), Val: make([]int, 0, len(val))}
	for i, v := range in {
		if v {
			f.Val = append(f.Val, i)
		} else {
			f.Train = append(f.Train, i)
		}
	}
	return f
}
