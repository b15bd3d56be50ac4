package chart

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
)

func TestHistogram_HandComputedBins(t *testing.T) {
	// 0..10 in 5 bins of width 2: [0,2) [2,4) [4,6) [6,8) [8,10]
	vals := []float64{0, 1, 1.99, 2, 3, 5, 7.5, 8, 10, math.NaN(), math.Inf(1)}
	b := histogram(vals, 5)
	if want := []float64{0, 2, 4, 6, 8, 10}; !slices.Equal(b.Edges, want) {
		t.Fatalf("edges = %v, want %v", b.Edges, want)
	}
	if want := []int64{3, 2, 1, 1, 2}; !slices.Equal(b.Counts, want) {
		t.Fatalf("counts = %v, want %v", b.Counts, want)
	}
	if b.Skipped != 2 {
		t.Fatalf("skipped = %d, want 2", b.Skipped)
	}
}

func TestHistogram_Degenerate(t *testing.T) {
	tests := []struct {
		name   string
		vals   []float64
		counts []int64
	}{
		{"empty", nil, nil},
		{"all null", []float64{math.NaN()}, nil},
		{"all equal", []float64{3, 3, 3}, []int64{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := histogram(tt.vals, 10).Counts; !slices.Equal(got, tt.counts) {
				t.Fatalf("counts = %v, want %v", got, tt.counts)
			}
		})
	}
}

func micros(s string) int64 {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

// tsSeries is a timestamp series of the given times (microseconds); a
// negative index in nullAt makes that row null.
func tsSeries(us []int64, nullAt ...int) *frame.Series {
	s := frame.NewTimestampMicros("t", us)
	if len(nullAt) == 0 {
		return s
	}
	ok := make([]bool, len(us))
	for i := range ok {
		ok[i] = !slices.Contains(nullAt, i)
	}
	return s.WithNulls(ok)
}

func TestTimeBuckets_DayAggregates(t *testing.T) {
	ts := tsSeries([]int64{micros("2023-01-01 00:10"), micros("2023-01-01 23:59"), micros("2023-01-03 12:00"), micros("2023-01-03 13:00"), 0}, 4)
	y := finite("y", []float64{1, 2, 3, math.NaN(), 100})
	day0, day2 := micros("2023-01-01 00:00"), micros("2023-01-03 00:00")
	day1 := micros("2023-01-02 00:00")
	tests := []struct {
		agg    string
		q      float64
		starts []int64
		values []float64
	}{
		{"count", 0, []int64{day0, day1, day2}, []float64{2, 0, 2}},
		{"sum", 0, []int64{day0, day1, day2}, []float64{3, 0, 3}},
		{"mean", 0, []int64{day0, day2}, []float64{1.5, 3}}, // no empty days for means
		{"median", 0, []int64{day0, day2}, []float64{1.5, 3}},
		{"quantile", 0.9, []int64{day0, day2}, []float64{1.9, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.agg, func(t *testing.T) {
			var yy *frame.Series
			if tt.agg != "count" {
				yy = y
			}
			b := timeBuckets(ts, yy, "day", tt.agg, tt.q)
			if !slices.Equal(b.Starts, tt.starts) || len(b.Values) != len(tt.values) {
				t.Fatalf("got %v %v, want %v %v", b.Starts, b.Values, tt.starts, tt.values)
			}
			for i := range b.Values {
				if math.Abs(b.Values[i]-tt.values[i]) > 1e-9 {
					t.Fatalf("got %v %v, want %v %v", b.Starts, b.Values, tt.starts, tt.values)
				}
			}
		})
	}
	t.Run("empty and all null", func(t *testing.T) {
		if b := timeBuckets(tsSeries(nil), nil, "day", "count", 0); len(b.Starts) != 0 {
			t.Fatalf("empty: %+v", b)
		}
		if b := timeBuckets(tsSeries([]int64{0}, 0), nil, "day", "count", 0); len(b.Starts) != 0 {
			t.Fatalf("all null: %+v", b)
		}
	})
}

func TestTimeBuckets_Intervals(t *testing.T) {
	tests := []struct {
		interval, in, start string
	}{
		{"minute", "2023-03-05 10:17", "2023-03-05 10:17"},
		{"hour", "2023-03-05 10:17", "2023-03-05 10:00"},
		{"day", "2023-03-05 10:17", "2023-03-05 00:00"},
		{"week", "2023-03-05 10:17", "2023-02-27 00:00"}, // Sunday -> Monday before
		{"week", "2023-03-06 00:00", "2023-03-06 00:00"}, // Monday
		{"month", "2023-03-05 10:17", "2023-03-01 00:00"},
		{"month", "2024-02-29 23:59", "2024-02-01 00:00"},
		{"day", "1969-12-31 23:00", "1969-12-31 00:00"}, // before the epoch
		{"month", "1969-12-31 23:00", "1969-12-01 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.interval+" "+tt.in, func(t *testing.T) {
			b := timeBuckets(tsSeries([]int64{micros(tt.in)}), nil, tt.interval, "count", 0)
			if len(b.Starts) != 1 || b.Starts[0] != micros(tt.start) {
				t.Fatalf("starts = %v, want %s", b.Starts, tt.start)
			}
		})
	}
	// Months fill densely across a year end.
	b := timeBuckets(tsSeries([]int64{micros("2023-11-05 10:00"), micros("2024-02-01 00:00")}), nil, "month", "count", 0)
	if want := []int64{micros("2023-11-01 00:00"), micros("2023-12-01 00:00"), micros("2024-01-01 00:00"), micros("2024-02-01 00:00")}; !slices.Equal(b.Starts, want) || !slices.Equal(b.Values, []float64{1, 0, 0, 1}) {
		t.Fatalf("months %v %v", b.Starts, b.Values)
	}
}

func TestGroupBy_TopAndSort(t *testing.T) {
	key := frame.NewStrings("zone", []string{"a", "b", "a", "c", "b", "a", "d"})
	y := finite("y", []float64{1, 2, 3, 4, 5, 6, math.NaN()})
	gs := groupBy(key, y, "sum", 0)
	top := topGroups(gs, 2, "desc")
	if len(top) != 2 || top[0].Label != "a" || top[0].Value != 10 || top[1].Label != "b" || top[1].Value != 7 {
		t.Fatalf("top = %+v", top)
	}
	gs = groupBy(key, y, "mean", 0)
	byLabel := topGroups(gs, 0, "label")
	var labels []string
	var means []float64
	for _, g := range byLabel {
		labels = append(labels, g.Label)
		means = append(means, g.Value)
	}
	if !slices.Equal(labels, []string{"a", "b", "c", "d"}) {
		t.Fatalf("labels = %v", labels)
	}
	if means[0] != 10.0/3 || means[1] != 3.5 || means[2] != 4 || !math.IsNaN(means[3]) {
		t.Fatalf("means = %v", means)
	}
	med := topGroups(groupBy(key, y, "median", 0), 0, "label")
	if med[0].Value != 3 || med[1].Value != 3.5 || !math.IsNaN(med[3].Value) {
		t.Fatalf("medians = %+v", med)
	}
	nullKey := frame.NewStrings("zone", []string{"a", ""}).WithNulls([]bool{true, false})
	if gs := groupBy(nullKey, nil, "count", 0); len(gs) != 2 || gs[1].Label != "null" || gs[1].Count != 1 {
		t.Fatalf("null group: %+v", gs)
	}
	if gs := groupBy(frame.NewStrings("zone", nil), nil, "count", 0); len(gs) != 0 {
		t.Fatalf("empty: %+v", gs)
	}
}

func TestGroupBy_IntKeysSortNumerically(t *testing.T) {
	key := frame.NewInts("PULocationID", []int64{10, 9, 100, 9})
	gs := groupBy(key, nil, "count", 0)
	gs = topGroups(gs, 0, "label")
	var labels []string
	for _, g := range gs {
		labels = append(labels, g.Label)
	}
	if !slices.Equal(labels, []string{"9", "10", "100"}) || gs[0].Value != 2 {
		t.Fatalf("groups = %+v", gs)
	}
}

func TestPieGroups_FoldsRestIntoOther(t *testing.T) {
	gs := []Group{{Label: "a", Count: 5, Value: 5}, {Label: "b", Count: 3, Value: 3}, {Label: "c", Count: 1, Value: 1}, {Label: "d", Count: 1, Value: 1}}
	got := pieGroups(gs, 2, "count")
	if len(got) != 3 || got[2].Label != "other" || got[2].Value != 2 {
		t.Fatalf("pie = %+v", got)
	}
}

func TestBoxOf_TukeyWhiskers(t *testing.T) {
	// 1..9 and an outlier 100: q1=3.25 median=5.5 q3=7.75, iqr=4.5, fences -3.5 .. 14.5
	vals := finite("v", []float64{100, 1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN(), math.Inf(1)})
	b := boxOf("x", vals)
	want := Box{Label: "x", Low: 1, Q1: 3.25, Median: 5.5, Q3: 7.75, High: 9, N: 10, Outliers: 1}
	if b != want {
		t.Fatalf("box = %+v, want %+v", b, want)
	}
}

func TestSampleRows_BoundedDeterministicValid(t *testing.T) {
	ok := func(i int) bool { return i%3 != 0 }
	a := sampleRows(10000, ok, 500)
	b := sampleRows(10000, ok, 500)
	if len(a) != 500 || !slices.Equal(a, b) || !slices.IsSorted(a) {
		t.Fatalf("sample: len %d, equal %v, sorted %v", len(a), slices.Equal(a, b), slices.IsSorted(a))
	}
	for _, i := range a {
		if !ok(i) {
			t.Fatalf("sampled invalid row %d", i)
		}
	}
	if got := sampleRows(10, ok, 500); len(got) != 6 {
		t.Fatalf("small input: %d rows, want 6", len(got))
	}
}

func testFrame(t *testing.T) *frame.Frame {
	t.Helper()
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 100
	pick := make([]time.Time, n)
	dur := make([]float64, n)
	zone := make([]string, n)
	dist := make([]float64, n)
	for i := range n {
		pick[i] = start.Add(time.Duration(i) * 6 * time.Hour) // 4 per day, 25 days
		dur[i] = float64(i % 10)
		zone[i] = string(rune('a' + i%4))
		dist[i] = float64(i) / 10
	}
	return frame.MustNew(
		frame.NewTimes("pickup", pick),
		frame.NewFloats("duration", dur),
		frame.NewStrings("zone", zone),
		frame.NewFloats("dist", dist),
	)
}

func TestBuild_EveryTypeGivesValidJSON(t *testing.T) {
	f := testFrame(t)
	specs := []Spec{
		{Name: "h", Type: TypeHistogram, Column: "duration", Bins: 10},
		{Name: "ts", Type: TypeTimeSeries, X: "pickup", Interval: "day"},
		{Name: "tsm", Type: TypeTimeSeries, X: "pickup", Y: "duration", Agg: "mean", Interval: "week"},
		{Name: "bar", Type: TypeBar, X: "zone", Y: "dist", Agg: "sum", Top: 3},
		{Name: "line", Type: TypeLine, X: "dist", Y: "duration", Agg: "mean", Bins: 5},
		{Name: "line-t", Type: TypeLine, X: "pickup", Interval: "month"},
		{Name: "sc", Type: TypeScatter, X: "dist", Y: "duration", Sample: 20},
		{Name: "pie", Type: TypePie, X: "zone", Top: 2},
		{Name: "box", Type: TypeBox, Column: "duration", X: "zone"},
		{Name: "bar-median", Type: TypeBar, X: "zone", Y: "duration", Agg: "median"},
		{Name: "ts-p90", Type: TypeTimeSeries, X: "pickup", Y: "duration", Agg: "quantile", Quantile: 0.9},
		{Name: "line-median", Type: TypeLine, X: "dist", Y: "duration", Agg: "median", Bins: 5},
	}
	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			res, err := Build(f, s)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(res.Option)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"series"`) || len(b) > 20000 {
				t.Fatalf("option (%d bytes): %.300s", len(b), b)
			}
		})
	}
}

func TestBuild_HistogramOption(t *testing.T) {
	res, err := Build(testFrame(t), Spec{Name: "h", Type: TypeHistogram, Column: "duration", Bins: 10})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.Option)
	var opt struct {
		XAxis []struct {
			Type string   `json:"type"`
			Data []string `json:"data"`
		} `json:"xAxis"`
		Series []struct {
			Type string `json:"type"`
			Data []struct {
				Value int `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &opt); err != nil {
		t.Fatal(err)
	}
	// duration is i%10 over 100 rows: 0..9 in 10 bins of 0.9 -> 10 each
	if len(opt.Series) != 1 || opt.Series[0].Type != "bar" || len(opt.Series[0].Data) != 10 {
		t.Fatalf("series = %+v", opt.Series)
	}
	for _, d := range opt.Series[0].Data {
		if d.Value != 10 {
			t.Fatalf("bin counts = %+v", opt.Series[0].Data)
		}
	}
	if opt.XAxis[0].Data[0] != "0.0 – 0.9" {
		t.Fatalf("labels = %v", opt.XAxis[0].Data)
	}
}

func TestBuild_TimeSeriesCountsPerDay(t *testing.T) {
	res, err := Build(testFrame(t), Spec{Name: "ts", Type: TypeTimeSeries, X: "pickup"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.Option)
	if !strings.Contains(string(b), `["2023-01-01",4]`) || !strings.Contains(string(b), `["2023-01-25",4]`) || strings.Contains(string(b), "2023-01-26") {
		t.Fatalf("option: %s", b)
	}
}

func TestBuild_Errors(t *testing.T) {
	f := testFrame(t)
	tests := []struct {
		name string
		spec Spec
		want error
	}{
		{"unknown type", Spec{Name: "a", Type: "radar"}, ErrSpec},
		{"bad name", Spec{Name: "a b", Type: TypeHistogram, Column: "duration"}, ErrSpec},
		{"missing column", Spec{Name: "a", Type: TypeHistogram, Column: "nope"}, ErrColumn},
		{"string histogram", Spec{Name: "a", Type: TypeHistogram, Column: "zone"}, ErrColumn},
		{"timeseries on floats", Spec{Name: "a", Type: TypeTimeSeries, X: "dist"}, ErrColumn},
		{"mean without y", Spec{Name: "a", Type: TypeBar, X: "zone", Agg: "mean"}, ErrSpec},
		{"median without y", Spec{Name: "a", Type: TypeBar, X: "zone", Agg: "median"}, ErrSpec},
		{"quantile out of range", Spec{Name: "a", Type: TypeBar, X: "zone", Y: "dist", Agg: "quantile", Quantile: 1.5}, ErrSpec},
		{"quantile without agg quantile", Spec{Name: "a", Type: TypeBar, X: "zone", Y: "dist", Agg: "mean", Quantile: 0.5}, ErrSpec},
		{"median pie", Spec{Name: "a", Type: TypePie, X: "zone", Y: "dist", Agg: "median"}, ErrSpec},
		{"too many bins", Spec{Name: "a", Type: TypeHistogram, Column: "dist", Bins: 100000}, ErrSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(f, tt.spec)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
