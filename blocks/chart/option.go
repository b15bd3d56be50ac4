package chart

import (
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// num returns v for JSON, nil for NaN and infinities (echarts: no value).
func num(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// fmtNum formats v with as many decimals as a step of size step needs.
func fmtNum(v, step float64) string {
	dec := 0
	if step > 0 && !math.IsInf(step, 0) {
		dec = max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
		for dec < 8 {
			scaled := step * math.Pow10(dec)
			if math.Abs(scaled-math.Round(scaled)) < 1e-6*scaled {
				break
			}
			dec++
		}
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

func title(s Spec, sub string) charts.GlobalOpts {
	return charts.WithTitleOpts(opts.Title{Title: s.Name, Subtitle: sub})
}

func axisTooltip() charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"})
}

func noLegend() charts.GlobalOpts {
	return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)})
}

func valueLabel(s Spec) string {
	if s.Agg == "count" || s.Y == "" {
		return "count"
	}
	return s.Agg + " " + s.Y
}

func histogramOption(s Spec, b Bins, unit string) map[string]any {
	name := s.Column
	if unit != "" {
		name += " (" + unit + ")"
	}
	labels := make([]string, len(b.Counts))
	data := make([]opts.BarData, len(b.Counts))
	step := 0.0
	if len(b.Edges) > 1 {
		step = b.Edges[1] - b.Edges[0]
	}
	for i, c := range b.Counts {
		labels[i] = fmtNum(b.Edges[i], step) + " – " + fmtNum(b.Edges[i+1], step)
		data[i] = opts.BarData{Value: c}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		title(s, "histogram, "+strconv.Itoa(len(b.Counts))+" bins"),
		axisTooltip(), noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: name, NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "count"}),
	)
	bar.SetXAxis(labels).AddSeries("count", data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "1%"}))
	bar.Validate()
	return bar.JSON()
}

func timeSeriesOption(s Spec, b Buckets) map[string]any {
	data := make([]opts.LineData, 0, len(b.Starts))
	for i, start := range b.Starts {
		if math.IsNaN(b.Values[i]) {
			continue
		}
		data = append(data, opts.LineData{Value: []any{formatTime(start, s.Interval), b.Values[i]}})
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		title(s, valueLabel(s)+" per "+s.Interval),
		axisTooltip(), noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Name: s.X, NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: valueLabel(s)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside"}),
	)
	line.AddSeries(valueLabel(s), data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(data) < 60)}))
	line.Validate()
	return line.JSON()
}

func barOption(s Spec, gs []Group) map[string]any {
	labels := make([]string, len(gs))
	data := make([]opts.BarData, len(gs))
	for i, g := range gs {
		labels[i] = g.Label
		data[i] = opts.BarData{Value: num(g.Value)}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		title(s, valueLabel(s)+" by "+s.X),
		axisTooltip(), noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: s.X, NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: valueLabel(s)}),
	)
	bar.SetXAxis(labels).AddSeries(valueLabel(s), data)
	bar.Validate()
	return bar.JSON()
}

func lineOption(s Spec, gs []Group, continuous bool) map[string]any {
	line := charts.NewLine()
	xType := "category"
	if continuous {
		xType = "value"
	}
	line.SetGlobalOptions(
		title(s, valueLabel(s)+" by "+s.X),
		axisTooltip(), noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: xType, Name: s.X, NameLocation: "middle", NameGap: 30}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: valueLabel(s)}),
	)
	data := make([]opts.LineData, 0, len(gs))
	labels := make([]string, 0, len(gs))
	for _, g := range gs {
		if continuous {
			if math.IsNaN(g.Value) {
				continue
			}
			data = append(data, opts.LineData{Value: []any{g.Key, g.Value}})
		} else {
			labels = append(labels, g.Label)
			data = append(data, opts.LineData{Value: num(g.Value)})
		}
	}
	if !continuous {
		line.SetXAxis(labels)
	}
	line.AddSeries(valueLabel(s), data)
	line.Validate()
	return line.JSON()
}

func pieOption(s Spec, gs []Group) map[string]any {
	data := make([]opts.PieData, len(gs))
	for i, g := range gs {
		data[i] = opts.PieData{Name: g.Label, Value: num(g.Value)}
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(
		title(s, valueLabel(s)+" by "+s.X),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		noLegend(),
	)
	pie.AddSeries(valueLabel(s), data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"35%", "65%"}}))
	pie.Validate()
	return pie.JSON()
}

func scatterOption(s Spec, pts [][2]any, timeX bool) map[string]any {
	data := make([]opts.ScatterData, len(pts))
	for i, p := range pts {
		data[i] = opts.ScatterData{Value: []any{p[0], p[1]}, SymbolSize: 4}
	}
	xType := "value"
	if timeX {
		xType = "time"
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(
		title(s, strconv.Itoa(len(pts))+" sampled points"),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: xType, Name: s.X, NameLocation: "middle", NameGap: 30, Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: s.Y, Scale: opts.Bool(true)}),
	)
	sc.AddSeries(s.Y, data)
	sc.Validate()
	return sc.JSON()
}

func boxOption(s Spec, boxes []Box, unit string) map[string]any {
	name := s.Column
	if unit != "" {
		name += " (" + unit + ")"
	}
	labels := make([]string, len(boxes))
	data := make([]opts.BoxPlotData, len(boxes))
	for i, b := range boxes {
		labels[i] = b.Label
		if b.N == 0 {
			continue
		}
		data[i] = opts.BoxPlotData{Name: b.Label, Value: []float64{b.Low, b.Q1, b.Median, b.Q3, b.High}}
	}
	box := charts.NewBoxPlot()
	box.SetGlobalOptions(
		title(s, "box plot, whiskers at 1.5 IQR"),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		noLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: s.X}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: name, Scale: opts.Bool(true)}),
	)
	box.SetXAxis(labels).AddSeries(name, data)
	box.Validate()
	return box.JSON()
}
