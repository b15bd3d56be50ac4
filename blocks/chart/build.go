package chart

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
)

// Result is a chart ready to draw.
type Result struct {
	Spec Spec `json:"spec"`
	// Rows is the number of rows aggregated.
	Rows int `json:"rows"`
	// Option is the echarts option (go-echarts' chart.JSON()): aggregates
	// only, never raw rows.
	Option map[string]any `json:"option"`
}

// Build aggregates f for the chart s over all its rows and returns the
// echarts option. A missing column or a column of the wrong type is an error
// wrapping ErrColumn; an invalid spec one wrapping ErrSpec.
func Build(f *frame.Frame, s Spec) (res *Result, err error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s = s.withDefaults()
	defer func() { // frame reports misuse by panicking with *frame.Error
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("chart %q: %w: %v", s.Name, ErrColumn, r)
		}
	}()
	var opt map[string]any
	switch s.Type {
	case TypeHistogram:
		opt, err = buildHistogram(f, s)
	case TypeTimeSeries:
		opt, err = buildTimeSeries(f, s)
	case TypeBar, TypePie:
		opt, err = buildGroups(f, s)
	case TypeLine:
		opt, err = buildLine(f, s)
	case TypeScatter:
		opt, err = buildScatter(f, s)
	case TypeBox:
		opt, err = buildBox(f, s)
	}
	if err != nil {
		return nil, err
	}
	return &Result{Spec: s, Rows: f.NumRows(), Option: opt}, nil
}

// column returns the named column if its type is one of types.
func column(f *frame.Frame, s Spec, name string, types ...frame.Type) (*frame.Series, error) {
	if !f.Has(name) {
		return nil, fmt.Errorf("chart %q: %w: no column %q (columns: %s)", s.Name, ErrColumn, name, joinNames(f.Columns()))
	}
	c := f.Col(name)
	if len(types) == 0 {
		return c, nil
	}
	for _, t := range types {
		if c.Type() == t {
			return c, nil
		}
	}
	want := ""
	for i, t := range types {
		if i > 0 {
			want += " or "
		}
		want += t.String()
	}
	return nil, fmt.Errorf("chart %q: %w: column %q is %s, want %s", s.Name, ErrColumn, name, c.Type(), want)
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		if i == 20 {
			return out + "…"
		}
		out += n
	}
	return out
}

// numeric returns a numeric column as float64 with nulls as NaN; durations
// are in minutes. unit names the unit for axis labels.
func numeric(f *frame.Frame, s Spec, name string) (vals []float64, unit string, err error) {
	c, err := column(f, s, name, frame.Int64, frame.Float64, frame.Duration, frame.Bool)
	if err != nil {
		return nil, "", err
	}
	vals = c.Floats()
	if c.Type() == frame.Duration {
		out := make([]float64, len(vals))
		for i, v := range vals {
			out[i] = v / microsPerMinute
		}
		return out, "min", nil
	}
	return vals, "", nil
}

// yValues returns the y column as a float64 series (durations in minutes,
// NaN and ±Inf null), or nil when agg is count.
func yValues(f *frame.Frame, s Spec) (*frame.Series, error) {
	if s.Agg == "count" || s.Y == "" {
		return nil, nil
	}
	y, _, err := numeric(f, s, s.Y)
	if err != nil {
		return nil, err
	}
	return finite("y", y), nil
}

// groupBy aggregates y (nil for counts) per value of key with frame's
// GroupBy; a null key forms the group labelled "null".
func groupBy(key, y *frame.Series, agg string, q float64) []Group {
	f := frame.MustNew(key.Rename("k"))
	if y != nil {
		f = f.With("y", y)
	}
	g := aggregate(f, "k", agg, q)
	k := g.Col("k")
	counts, values := g.Col("count").Ints(), g.Col("value").Floats()
	var sums []float64
	var ns []int64
	if g.Has("sum") {
		sums, ns = g.Col("sum").Floats(), g.Col("n").Ints()
	}
	groups := make([]Group, g.NumRows())
	for i := range groups {
		gr := Group{Label: "null", Key: math.NaN(), Count: counts[i], Value: values[i], raw: k.Value(i)}
		if sums != nil {
			gr.Sum, gr.N = sums[i], ns[i]
		}
		if !k.IsNull(i) {
			switch k.Type() {
			case frame.String:
				gr.Label = k.Strings()[i]
			case frame.Float64:
				v := k.Floats()[i]
				gr.Label, gr.Key = strconv.FormatFloat(v, 'g', -1, 64), v
			default: // int64, timestamp, duration, bool (as 0/1)
				v := k.Ints()[i]
				gr.Label, gr.Key = formatKey(k.Type(), v), float64(v)
			}
		}
		groups[i] = gr
	}
	return groups
}

func formatKey(t frame.Type, v int64) string {
	switch t {
	case frame.Timestamp:
		return formatTime(v, "second")
	case frame.Duration:
		return (time.Duration(v) * time.Microsecond).String()
	case frame.Bool:
		return strconv.FormatBool(v != 0)
	}
	return strconv.FormatInt(v, 10)
}

// formatTime formats a naive timestamp (microseconds) at the precision of an
// interval, in a form echarts parses as local wall-clock time.
func formatTime(us int64, interval string) string {
	t := time.UnixMicro(us).UTC()
	switch interval {
	case "minute", "hour":
		return t.Format("2006-01-02 15:04")
	case "day", "week":
		return t.Format("2006-01-02")
	case "month":
		return t.Format("2006-01")
	}
	return t.Format("2006-01-02 15:04:05")
}

func buildHistogram(f *frame.Frame, s Spec) (map[string]any, error) {
	vals, unit, err := numeric(f, s, s.Column)
	if err != nil {
		return nil, err
	}
	return histogramOption(s, histogram(vals, s.Bins), unit), nil
}

func buildTimeSeries(f *frame.Frame, s Spec) (map[string]any, error) {
	x, err := column(f, s, s.X, frame.Timestamp)
	if err != nil {
		return nil, err
	}
	y, err := yValues(f, s)
	if err != nil {
		return nil, err
	}
	b := timeBuckets(x, y, s.Interval, s.Agg, s.Quantile)
	return timeSeriesOption(s, b), nil
}

func buildGroups(f *frame.Frame, s Spec) (map[string]any, error) {
	key, err := column(f, s, s.X)
	if err != nil {
		return nil, err
	}
	y, err := yValues(f, s)
	if err != nil {
		return nil, err
	}
	groups := groupBy(key, y, s.Agg, s.Quantile)
	if s.Type == TypePie {
		return pieOption(s, pieGroups(groups, s.Top, s.Agg)), nil
	}
	return barOption(s, topGroups(groups, min(s.Top, MaxGroups), s.Sort)), nil
}

// pieGroups keeps the top n groups by value and folds the rest into "other".
func pieGroups(gs []Group, n int, agg string) []Group {
	groupOrder(gs, "desc")
	if len(gs) <= n {
		return gs
	}
	other := Group{Label: "other", Key: math.NaN()}
	for _, g := range gs[n:] {
		other.Count += g.Count
		other.Sum += g.Sum
		other.N += g.N
	}
	switch agg {
	case "sum":
		other.Value = other.Sum
	case "mean":
		other.Value = other.Sum / float64(other.N)
	default:
		other.Value = float64(other.Count)
	}
	return append(gs[:n:n], other)
}

func buildLine(f *frame.Frame, s Spec) (map[string]any, error) {
	key, err := column(f, s, s.X)
	if err != nil {
		return nil, err
	}
	if key.Type() == frame.Timestamp {
		return buildTimeSeries(f, s)
	}
	y, err := yValues(f, s)
	if err != nil {
		return nil, err
	}
	if key.Type() == frame.Float64 { // continuous x: aggregate per bin
		bins := histogramGroups(key.Floats(), y, s.Bins, s.Agg, s.Quantile)
		return lineOption(s, bins, true), nil
	}
	groups := groupBy(key, y, s.Agg, s.Quantile)
	groups = topGroups(groups, MaxGroups, "label")
	return lineOption(s, groups, false), nil
}

// histogramGroups aggregates y (nil for counts) per equal-width bin of x; a
// group's Key is its bin centre. Empty bins count 0 (sum 0, other
// aggregates NaN).
func histogramGroups(x []float64, y *frame.Series, n int, agg string, q float64) []Group {
	b := histogram(x, n)
	if len(b.Counts) == 0 {
		return nil
	}
	lo, hi := b.Edges[0], b.Edges[len(b.Edges)-1]
	scale := float64(len(b.Counts)) / (hi - lo)
	bin := make([]int64, len(x))
	ok := make([]bool, len(x))
	for i, v := range x {
		if v >= lo && v <= hi {
			bin[i], ok[i] = int64(min(int((v-lo)*scale), len(b.Counts)-1)), true
		}
	}
	gs := make([]Group, len(b.Counts))
	for i := range gs {
		gs[i].Key = (b.Edges[i] + b.Edges[i+1]) / 2
		gs[i].Label = fmtNum(gs[i].Key, b.Edges[1]-b.Edges[0])
		if agg != "count" && agg != "sum" {
			gs[i].Value = math.NaN()
		}
	}
	for _, g := range groupBy(frame.NewInts("bin", bin).WithNulls(ok), y, agg, q) {
		if math.IsNaN(g.Key) {
			continue // rows outside the bins
		}
		j := int(g.Key)
		gs[j].Count, gs[j].Sum, gs[j].N, gs[j].Value = g.Count, g.Sum, g.N, g.Value
	}
	return gs
}

func buildScatter(f *frame.Frame, s Spec) (map[string]any, error) {
	xc, err := column(f, s, s.X, frame.Int64, frame.Float64, frame.Duration, frame.Timestamp)
	if err != nil {
		return nil, err
	}
	y, _, err := numeric(f, s, s.Y)
	if err != nil {
		return nil, err
	}
	var x []float64
	if xc.Type() == frame.Duration {
		x, _, _ = numeric(f, s, s.X)
	} else {
		x = xc.Floats()
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	rows := sampleRows(len(x), func(i int) bool { return finite(x[i]) && finite(y[i]) }, s.Sample)
	pts := make([][2]any, len(rows))
	for k, i := range rows {
		if xc.Type() == frame.Timestamp {
			pts[k] = [2]any{formatTime(int64(x[i]), "second"), y[i]}
		} else {
			pts[k] = [2]any{x[i], y[i]}
		}
	}
	return scatterOption(s, pts, xc.Type() == frame.Timestamp), nil
}

func buildBox(f *frame.Frame, s Spec) (map[string]any, error) {
	vals, unit, err := numeric(f, s, s.Column)
	if err != nil {
		return nil, err
	}
	v := finite(s.Column, vals)
	if s.X == "" {
		return boxOption(s, []Box{boxOf(s.Column, v)}, unit), nil
	}
	key, err := column(f, s, s.X)
	if err != nil {
		return nil, err
	}
	// The largest groups, in label order, each summarised from its rows.
	kept := topGroups(groupBy(key, nil, "count", 0), s.Top, "label")
	one := frame.MustNew(v.Rename("v"))
	boxes := make([]Box, len(kept))
	for k, g := range kept {
		mask := key.IsNa()
		if g.raw != nil {
			mask = key.Eq(g.raw)
		}
		boxes[k] = boxOf(g.Label, one.Filter(mask).Col("v"))
	}
	return boxOption(s, boxes, unit), nil
}
