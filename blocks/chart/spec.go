package chart

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// Chart types.
const (
	TypeHistogram  = "histogram"
	TypeTimeSeries = "timeseries"
	TypeBar        = "bar"
	TypeLine       = "line"
	TypeScatter    = "scatter"
	TypePie        = "pie"
	TypeBox        = "box"
)

// Types returns the chart types in display order.
func Types() []string {
	return []string{TypeHistogram, TypeTimeSeries, TypeBar, TypeLine, TypeScatter, TypePie, TypeBox}
}

// Aggs returns the aggregations of y a chart can show per group or interval.
func Aggs() []string { return []string{"count", "sum", "mean", "median", "quantile"} }

// Limits on spec values.
const (
	DefaultBins   = 30
	MaxBins       = 500
	DefaultSample = 2000
	MaxSample     = 10000
	MaxGroups     = 1000 // bar and line charts never draw more groups than this
)

// Spec is one chart of a block, as stored in pipeline.yaml.
//
//golem:tsname ChartSpec
type Spec struct {
	Name   string `json:"name" yaml:"name"`
	Type   string `json:"type" yaml:"type"`
	Column string `json:"column,omitempty" yaml:"column,omitempty"`
	Bins   int    `json:"bins,omitempty" yaml:"bins,omitempty"`
	X      string `json:"x,omitempty" yaml:"x,omitempty"`
	Y      string `json:"y,omitempty" yaml:"y,omitempty"`
	Agg    string `json:"agg,omitempty" yaml:"agg,omitempty"`
	// Quantile is the q of agg: quantile (0 to 1).
	Quantile float64 `json:"quantile,omitempty" yaml:"quantile,omitempty"`
	Interval string  `json:"interval,omitempty" yaml:"interval,omitempty"`
	Top      int     `json:"top,omitempty" yaml:"top,omitempty"`
	Sort     string  `json:"sort,omitempty" yaml:"sort,omitempty"`
	Sample   int     `json:"sample,omitempty" yaml:"sample,omitempty"`
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Validate reports every problem of s at once, each wrapping ErrSpec.
func (s Spec) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("chart %q: %w: %s", s.Name, ErrSpec, fmt.Sprintf(format, args...)))
	}
	if !nameRE.MatchString(s.Name) {
		bad("name must be letters, digits, _ or -")
	}
	if !slices.Contains(Types(), s.Type) {
		bad("unknown type %q (types: histogram, timeseries, bar, line, scatter, pie, box)", s.Type)
	}
	if s.Bins < 0 || s.Bins > MaxBins {
		bad("bins %d out of range 1..%d", s.Bins, MaxBins)
	}
	if s.Top < 0 {
		bad("top must be positive")
	}
	if s.Sample < 0 || s.Sample > MaxSample {
		bad("sample %d out of range 1..%d", s.Sample, MaxSample)
	}
	if s.Agg != "" && !slices.Contains(Aggs(), s.Agg) {
		bad("unknown agg %q (count, sum, mean, median, quantile)", s.Agg)
	}
	if s.Agg == "quantile" && (s.Quantile < 0 || s.Quantile > 1 || s.Quantile != s.Quantile) {
		bad("quantile %g out of range 0..1", s.Quantile)
	}
	if s.Quantile != 0 && s.Agg != "quantile" {
		bad("quantile is set but agg is %q, not quantile", s.Agg)
	}
	if s.Type == TypePie && (s.Agg == "median" || s.Agg == "quantile") {
		bad("a pie shows parts of a whole: agg %s does not add up (use count, sum or mean)", s.Agg)
	}
	if s.Interval != "" && !slices.Contains([]string{"minute", "hour", "day", "week", "month"}, s.Interval) {
		bad("unknown interval %q (minute, hour, day, week, month)", s.Interval)
	}
	if s.Sort != "" && !slices.Contains([]string{"desc", "asc", "label"}, s.Sort) {
		bad("unknown sort %q (desc, asc, label)", s.Sort)
	}
	if s.Agg != "" && s.Agg != "count" && s.Y == "" {
		bad("agg %s needs y", s.Agg)
	}
	switch s.Type {
	case TypeHistogram:
		if s.Column == "" {
			bad("histogram needs column")
		}
	case TypeBox:
		if s.Column == "" && s.Y == "" {
			bad("box needs column")
		}
	case TypeTimeSeries, TypeBar, TypeLine, TypePie:
		if s.X == "" {
			bad("%s needs x", s.Type)
		}
	case TypeScatter:
		if s.X == "" || s.Y == "" {
			bad("scatter needs x and y")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// withDefaults fills the defaults the spec leaves out.
func (s Spec) withDefaults() Spec {
	if s.Bins == 0 {
		s.Bins = DefaultBins
	}
	if s.Agg == "" {
		s.Agg = "count"
	}
	if s.Interval == "" {
		s.Interval = "day"
	}
	if s.Sample == 0 {
		s.Sample = DefaultSample
	}
	if s.Sort == "" {
		s.Sort = "desc"
	}
	if s.Top == 0 {
		switch s.Type {
		case TypeBar:
			s.Top = 20
		case TypePie, TypeBox:
			s.Top = 10
		}
	}
	if s.Type == TypeBox && s.Column == "" {
		s.Column = s.Y
	}
	return s
}
