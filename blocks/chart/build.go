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

// yValues returns the y column for sum/mean, or nil when agg is count.
func yValues(f *frame.Frame, s Spec) ([]float64, error) {
	if s.Agg == "count" || s.Y == "" {
		return nil, nil
	}
	y, _, err := numeric(f, s, s.Y)
	return y, err
}

// groupBy groups the rows of key; ids[i] is the group of row i. Nulls form a
// group labelled "null". y (nil for counts) is accumulated per group.
func groupBy(key *frame.Series, y []float64, agg string) (groups []Group, ids []int32) {
	n := key.Len()
	ids = make([]int32, n)
	valid := key.Valid()
	nullID := int32(-1)
	newGroup := func(label string, k float64) int32 {
		groups = append(groups, Group{Label: label, Key: k})
		return int32(len(groups) - 1)
	}
	switch key.Type() {
	case frame.String:
		strs := key.Strings()
		pos := map[string]int32{}
		for i, v := range strs {
			if valid != nil && !valid[i] {
				if nullID < 0 {
					nullID = newGroup("null", math.NaN())
				}
				ids[i] = nullID
				continue
			}
			id, ok := pos[v]
			if !ok {
				id = newGroup(v, math.NaN())
				pos[v] = id
			}
			ids[i] = id
		}
	case frame.Int64, frame.Timestamp, frame.Duration, frame.Bool:
		ints := key.Ints() // bools as 0/1
		pos := map[int64]int32{}
		for i, v := range ints {
			if valid != nil && !valid[i] {
				if nullID < 0 {
					nullID = newGroup("null", math.NaN())
				}
				ids[i] = nullID
				continue
			}
			id, ok := pos[v]
			if !ok {
				id = newGroup(formatKey(key.Type(), v), float64(v))
				pos[v] = id
			}
			ids[i] = id
		}
	default: // Float64
		fl := key.Floats()
		pos := map[float64]int32{}
		for i, v := range fl {
			if math.IsNaN(v) {
				if nullID < 0 {
					nullID = newGroup("null", math.NaN())
				}
				ids[i] = nullID
				continue
			}
			id, ok := pos[v]
			if !ok {
				id = newGroup(strconv.FormatFloat(v, 'g', -1, 64), v)
				pos[v] = id
			}
			ids[i] = id
		}
	}
	for i, id := range ids {
		g := &groups[id]
		g.Count++
		if y != nil && !math.IsNaN(y[i]) {
			g.Sum += y[i]
			g.N++
		}
	}
	acc := newAccumulator(agg, y)
	for i := range groups {
		groups[i].Value = acc.value(groups[i].Count, groups[i].Sum, groups[i].N)
	}
	return groups, ids
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
	b := timeBuckets(x.Ints(), x.Valid(), y, s.Interval, s.Agg)
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
	groups, _ := groupBy(key, y, s.Agg)
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
	other.Value = newAccumulator(agg, []float64{}).value(other.Count, other.Sum, other.N)
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
		bins := histogramGroups(key.Floats(), y, s.Bins, s.Agg)
		return lineOption(s, bins, true), nil
	}
	groups, _ := groupBy(key, y, s.Agg)
	groups = topGroups(groups, MaxGroups, "label")
	return lineOption(s, groups, false), nil
}

// histogramGroups aggregates y per equal-width bin of x; a group's Key is
// its bin centre.
func histogramGroups(x, y []float64, n int, agg string) []Group {
	b := histogram(x, n)
	if len(b.Counts) == 0 {
		return nil
	}
	lo, hi := b.Edges[0], b.Edges[len(b.Edges)-1]
	scale := float64(len(b.Counts)) / (hi - lo)
	gs := make([]Group, len(b.Counts))
	for i := range gs {
		gs[i].Key = (b.Edges[i] + b.Edges[i+1]) / 2
	}
	for i, v := range x {
		if !(v >= lo && v <= hi) {
			continue
		}
		j := min(int((v-lo)*scale), len(gs)-1)
		gs[j].Count++
		if y != nil && !math.IsNaN(y[i]) {
			gs[j].Sum += y[i]
			gs[j].N++
		}
	}
	acc := newAccumulator(agg, y)
	for i := range gs {
		gs[i].Value = acc.value(gs[i].Count, gs[i].Sum, gs[i].N)
		gs[i].Label = fmtNum(gs[i].Key, b.Edges[1]-b.Edges[0])
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
	if s.X == "" {
		return boxOption(s, []Box{boxOf(s.Column, append([]float64(nil), vals...))}, unit), nil
	}
	key, err := column(f, s, s.X)
	if err != nil {
		return nil, err
	}
	groups, ids := groupBy(key, nil, "count")
	// keep the largest groups, in label order
	idx := make(map[string]int, len(groups))
	for i, g := range groups {
		idx[g.Label] = i
	}
	kept := topGroups(append([]Group(nil), groups...), s.Top, "label")
	slot := make([]int, len(groups))
	for i := range slot {
		slot[i] = -1
	}
	perGroup := make([][]float64, len(kept))
	for k, g := range kept {
		slot[idx[g.Label]] = k
		perGroup[k] = make([]float64, 0, g.Count)
	}
	for i, id := range ids {
		if k := slot[id]; k >= 0 {
			perGroup[k] = append(perGroup[k], vals[i])
		}
	}
	boxes := make([]Box, len(kept))
	for k, g := range kept {
		boxes[k] = boxOf(g.Label, perGroup[k])
	}
	return boxOption(s, boxes, unit), nil
}
