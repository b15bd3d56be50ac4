package chart

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
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

const microsPerMinute = 60 * 1_000_000

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

// minInterval is the shortest length of each interval, in microseconds.
var minInterval = map[string]int64{"minute": 60e6, "hour": 3600e6, "day": 86400e6, "week": 7 * 86400e6, "month": 28 * 86400e6}

// timeBuckets aggregates y (nil when agg is count) per interval of the
// timestamps x, with frame's Truncate and GroupBy. Counts and sums fill
// empty intervals with 0 when the span is at most maxDense intervals; other
// aggregates list the non-empty intervals only.
func timeBuckets(x, y *frame.Series, interval, agg string, q float64) Buckets {
	f := frame.MustNew(x.Truncate(interval).Rename("t"))
	if y != nil {
		f = f.With("y", y)
	}
	g := aggregate(f.DropNulls("t"), "t", agg, q)
	if g.NumRows() == 0 {
		return Buckets{}
	}
	starts := g.Col("t").Ints()
	if agg == "count" || agg == "sum" {
		first, last := starts[0], starts[len(starts)-1]
		if (last-first)/minInterval[interval] < maxDense {
			all := frame.MustNew(frame.DateRange(time.UnixMicro(first).UTC(), time.UnixMicro(last).UTC(), interval).Rename("t"))
			g = all.Join(g, "left", "t")
			g = g.With("value", g.Col("value").FillNull(0))
			starts = g.Col("t").Ints()
		}
	}
	return Buckets{Starts: starts, Values: g.Col("value").Floats()}
}

// aggregate groups f by key with frame's GroupBy: columns key, "count"
// (rows), "sum" and "n" (sum and number of the non-null y values, when f
// has a column y) and "value", the aggregate agg of y (q for a quantile).
func aggregate(f *frame.Frame, key, agg string, q float64) *frame.Frame {
	aggs := []frame.Agg{frame.Count()}
	if f.Has("y") {
		f = f.With("n", f.Col("y").NotNa().AsInt())
		aggs = append(aggs, frame.Sum("y").As("sum"), frame.Sum("n").As("n"))
		switch agg {
		case "mean":
			aggs = append(aggs, frame.Mean("y").As("value"))
		case "median":
			aggs = append(aggs, frame.Median("y").As("value"))
		case "quantile":
			aggs = append(aggs, frame.Quantile("y", q).As("value"))
		}
	}
	g := f.GroupBy(key).Agg(aggs...)
	switch {
	case g.Has("value"):
	case agg == "sum" && g.Has("sum"):
		g = g.With("value", g.Col("sum").AsFloat())
	default:
		g = g.With("value", g.Col("count").AsFloat())
	}
	return g
}

// Group is one group of a bar, line, pie or box chart.
type Group struct {
	Label string
	Key   float64 // numeric key for ordering numeric labels; NaN for strings
	Count int64   // rows in the group
	Sum   float64 // sum of the non-null y values
	N     int64   // non-null y values
	Value float64 // the aggregate

	raw any // the key value (nil for the null group), as frame's Series.Value gives it
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

// boxOf summarises the non-null values of vals with frame's quantiles.
func boxOf(label string, vals *frame.Series) Box {
	b := Box{Label: label, N: vals.Count()}
	if b.N == 0 {
		return b
	}
	q := vals.Quantiles(0.25, 0.5, 0.75)
	b.Q1, b.Median, b.Q3 = q[0], q[1], q[2]
	iqr := b.Q3 - b.Q1
	inside := frame.MustNew(vals.Rename("v")).Filter(vals.Between(b.Q1-1.5*iqr, b.Q3+1.5*iqr)).Col("v")
	b.Low, b.High = inside.Min(), inside.Max()
	b.Outliers = b.N - inside.Len()
	return b
}

// finite returns vals as a float64 series in which NaN and ±Inf are null.
func finite(name string, vals []float64) *frame.Series {
	ok := make([]bool, len(vals))
	for i, v := range vals {
		ok[i] = !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return frame.NewFloats(name, vals).WithNulls(ok)
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
