package chart

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Bins is a histogram: Counts[i] counts the values in [Edges[i], Edges[i+1]);
// the last bin also holds its upper edge. Skipped counts the nulls, NaNs and
// infinities left out.
type Bins struct {
	Edges   []float64
	Counts  []int64
	Skipped int
}

// histogram bins the finite values of vals into n equal-width bins between
// their minimum and maximum. All-equal values give one bin of width 1.
func histogram(vals []float64, n int) Bins {
	lo, hi := math.Inf(1), math.Inf(-1)
	skipped := 0
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			skipped++
			continue
		}
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if lo > hi { // no finite value
		return Bins{Skipped: skipped}
	}
	if lo == hi {
		n = 1
		hi = lo + 1
	}
	width := (hi - lo) / float64(n)
	edges := make([]float64, n+1)
	for i := range edges {
		edges[i] = lo + float64(i)*width
	}
	edges[n] = hi
	counts := make([]int64, n)
	scale := float64(n) / (hi - lo)
	last := n - 1
	for _, v := range vals {
		if v >= lo && v <= hi { // false for NaN and out-of-range infinities
			i := int((v - lo) * scale)
			if i > last {
				i = last
			}
			counts[i]++
		}
	}
	return Bins{Edges: edges, Counts: counts, Skipped: skipped}
}

const (
	microsPerMinute = 60 * 1_000_000
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour
)

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// bucketKey returns the ordinal of the interval holding the timestamp us
// (microseconds since the epoch, naive wall clock). Weeks start on Monday.
func bucketKey(us int64, interval string) int64 {
	switch interval {
	case "minute":
		return floorDiv(us, microsPerMinute)
	case "hour":
		return floorDiv(us, microsPerHour)
	case "week":
		return floorDiv(floorDiv(us, microsPerDay)+3, 7) // 1970-01-01 was a Thursday
	case "month":
		y, m, _ := civil(floorDiv(us, microsPerDay))
		return y*12 + m - 1
	}
	return floorDiv(us, microsPerDay)
}

// bucketStart returns the first microsecond of bucket key.
func bucketStart(key int64, interval string) int64 {
	switch interval {
	case "minute":
		return key * microsPerMinute
	case "hour":
		return key * microsPerHour
	case "week":
		return (key*7 - 3) * microsPerDay
	case "month":
		return daysFromCivil(floorDiv(key, 12), key-floorDiv(key, 12)*12+1, 1) * microsPerDay
	}
	return key * microsPerDay
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's algorithm).
func civil(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Buckets is a time series: Values[i] aggregates the rows whose timestamp
// falls in the interval starting at Starts[i] (microseconds). NaN marks an
// interval with no value (a mean over no rows).
type Buckets struct {
	Starts []int64
	Values []float64
}

// maxDense is the widest span of intervals filled densely (empty intervals
// shown as 0); wider series list only the non-empty intervals.
const maxDense = 5000

// timeBuckets aggregates y (or counts rows when agg is count) per interval of
// the timestamps ts; valid marks non-null timestamps (nil: all valid).
func timeBuckets(ts []int64, valid []bool, y []float64, interval, agg string) Buckets {
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	keys := make([]int64, len(ts))
	for i, us := range ts {
		if valid != nil && !valid[i] {
			continue
		}
		k := bucketKey(us, interval)
		keys[i] = k
		first = min(first, k)
		last = max(last, k)
	}
	if first > last {
		return Buckets{}
	}
	acc := newAccumulator(agg, y)
	span := last - first + 1
	if span <= 1<<20 {
		counts := make([]int64, span)
		sums := make([]float64, span)
		ns := make([]int64, span)
		for i, k := range keys {
			if valid != nil && !valid[i] {
				continue
			}
			acc.add(k-first, i, counts, sums, ns)
		}
		var out Buckets
		for j := int64(0); j < span; j++ {
			if counts[j] == 0 && (span > maxDense || agg == "mean") {
				continue
			}
			out.Starts = append(out.Starts, bucketStart(first+j, interval))
			out.Values = append(out.Values, acc.value(counts[j], sums[j], ns[j]))
		}
		return out
	}
	// A very wide span (minutes over decades): aggregate sparsely.
	pos := map[int64]int64{}
	var order []int64
	var counts []int64
	var sums []float64
	var ns []int64
	for i, k := range keys {
		if valid != nil && !valid[i] {
			continue
		}
		j, ok := pos[k]
		if !ok {
			j = int64(len(order))
			pos[k] = j
			order = append(order, k)
			counts, sums, ns = append(counts, 0), append(sums, 0), append(ns, 0)
		}
		acc.add(j, i, counts, sums, ns)
	}
	perm := make([]int, len(order))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(a, b int) int { return cmp.Compare(order[a], order[b]) })
	var out Buckets
	for _, j := range perm {
		out.Starts = append(out.Starts, bucketStart(order[j], interval))
		out.Values = append(out.Values, acc.value(counts[j], sums[j], ns[j]))
	}
	return out
}

// accumulator folds rows into count/sum/n cells for one aggregate.
type accumulator struct {
	agg string
	y   []float64
}

func newAccumulator(agg string, y []float64) accumulator { return accumulator{agg: agg, y: y} }

// add folds row i into cell j.
func (a accumulator) add(j int64, i int, counts []int64, sums []float64, ns []int64) {
	counts[j]++
	if a.y != nil {
		if v := a.y[i]; !math.IsNaN(v) {
			sums[j] += v
			ns[j]++
		}
	}
}

// value is the aggregate of one cell.
func (a accumulator) value(count int64, sum float64, n int64) float64 {
	switch a.agg {
	case "sum":
		return sum
	case "mean":
		if n == 0 {
			return math.NaN()
		}
		return sum / float64(n)
	}
	return float64(count)
}

// Group is one group of a bar, line, pie or box chart.
type Group struct {
	Label string
	Key   float64 // numeric key for ordering numeric labels; NaN for strings
	Count int64   // rows in the group
	Sum   float64 // sum of the non-null y values
	N     int64   // non-null y values
	Value float64 // the aggregate
}

// groupOrder sorts groups: "desc"/"asc" by value (ties by label), "label" by
// key (numeric when the keys are numbers, else by label).
func groupOrder(gs []Group, sortBy string) {
	byLabel := func(a, b Group) int {
		if !math.IsNaN(a.Key) && !math.IsNaN(b.Key) {
			if c := cmp.Compare(a.Key, b.Key); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Label, b.Label)
	}
	switch sortBy {
	case "label":
		slices.SortStableFunc(gs, byLabel)
	case "asc":
		slices.SortStableFunc(gs, func(a, b Group) int {
			if c := cmp.Compare(a.Value, b.Value); c != 0 {
				return c
			}
			return byLabel(a, b)
		})
	default:
		slices.SortStableFunc(gs, func(a, b Group) int {
			if c := cmp.Compare(b.Value, a.Value); c != 0 {
				return c
			}
			return byLabel(a, b)
		})
	}
}

// topGroups keeps the n groups with the largest values (all when n <= 0),
// then orders them by sortBy.
func topGroups(gs []Group, n int, sortBy string) []Group {
	groupOrder(gs, "desc")
	if n > 0 && len(gs) > n {
		gs = gs[:n]
	}
	groupOrder(gs, sortBy)
	return gs
}

// Box is the five-number summary of a group with Tukey whiskers: Low and High
// are the most extreme values within 1.5 IQR of the quartiles; Outliers counts
// the values beyond them.
type Box struct {
	Label                     string
	Low, Q1, Median, Q3, High float64
	N, Outliers               int
}

// boxOf summarises the finite values of vals; it sorts vals in place.
func boxOf(label string, vals []float64) Box {
	vals = slices.DeleteFunc(vals, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
	b := Box{Label: label, N: len(vals)}
	if len(vals) == 0 {
		return b
	}
	slices.Sort(vals)
	b.Q1, b.Median, b.Q3 = quantile(vals, 0.25), quantile(vals, 0.5), quantile(vals, 0.75)
	iqr := b.Q3 - b.Q1
	lo, hi := b.Q1-1.5*iqr, b.Q3+1.5*iqr
	b.Low, b.High = b.Q1, b.Q3
	for _, v := range vals {
		if v >= lo {
			b.Low = v
			break
		}
	}
	for i := len(vals) - 1; i >= 0; i-- {
		if vals[i] <= hi {
			b.High = vals[i]
			break
		}
	}
	for _, v := range vals {
		if v < lo || v > hi {
			b.Outliers++
		}
	}
	return b
}

// quantile interpolates linearly between the closest ranks of sorted
// (the default of numpy and R type 7).
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// sampleRows returns up to n row indices, ascending, drawn uniformly without
// replacement from the rows where ok is true; the same inputs give the same
// sample.
func sampleRows(rows int, ok func(i int) bool, n int) []int {
	cand := make([]int, 0, rows)
	for i := range rows {
		if ok(i) {
			cand = append(cand, i)
		}
	}
	if len(cand) <= n {
		return cand
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n { // partial Fisher–Yates
		j := i + r.IntN(len(cand)-i)
		cand[i], cand[j] = cand[j], cand[i]
	}
	out := cand[:n]
	slices.Sort(out)
	return out
}
