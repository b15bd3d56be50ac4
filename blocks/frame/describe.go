package frame

import (
	"math"
	"slices"
)

// describeStats are the row labels of Describe, in order.
var describeStats = []string{"count", "nulls", "mean", "std", "min", "25%", "50%", "75%", "max"}

// Describe summarises the numeric (int64 and float64) columns like pandas'
// DataFrame.describe: a string column "statistic" with the rows count, nulls,
// mean, std, min, 25%, 50%, 75% and max, and one float64 column per numeric
// input column. count is the number of non-null values, std the sample
// standard deviation, quantiles interpolate linearly; statistics of a column
// without values are null.
func (f *Frame) Describe() *Frame {
	cols := []*Series{NewStrings("statistic", slices.Clone(describeStats))}
	var num []*Series
	for _, c := range f.cols {
		if c.typ.isNumeric() {
			num = append(num, c)
		}
	}
	out := make([]*Series, len(num))
	eachCol(len(num), f.rows, func(i int) {
		c := num[i]
		v := c.nonNullFloats("Describe")
		slices.Sort(v)
		nan := math.NaN()
		mean, std, mn, mx := nan, stdOf(v), nan, nan
		if len(v) > 0 {
			s := 0.0
			for _, x := range v {
				s += x
			}
			mean, mn, mx = s/float64(len(v)), v[0], v[len(v)-1]
		}
		vals := []float64{float64(len(v)), float64(c.n - len(v)), mean, std, mn,
			quantileSorted(v, 0.25), quantileSorted(v, 0.5), quantileSorted(v, 0.75), mx}
		valid := make([]bool, len(vals))
		for k, x := range vals {
			valid[k] = !math.IsNaN(x)
		}
		out[i] = NewFloats(c.name, vals).withMask(valid)
	})
	cols = append(cols, out...)
	return MustNew(cols...)
}
