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

func TestTimeBuckets_DayCountSumMean(t *testing.T) {
	ts := []int64{micros("2023-01-01 00:10"), micros("2023-01-01 23:59"), micros("2023-01-03 12:00"), micros("2023-01-03 13:00"), 0}
	valid := []bool{true, true, true, true, false}
	y := []float64{1, 2, 3, math.NaN(), 100}
	day0, day2 := micros("2023-01-01 00:00"), micros("2023-01-03 00:00")
	day1 := micros("2023-01-02 00:00")
	tests := []struct {
		agg    string
		starts []int64
		values []float64
	}{
		{"count", []int64{day0, day1, day2}, []float64{2, 0, 2}},
		{"sum", []int64{day0, day1, day2}, []float64{3, 0, 3}},
		{"mean", []int64{day0, day2}, []float64{1.5, 3}}, // no empty days for means
	}
	for _, tt := range tests {
		t.Run(tt.agg, func(t *testing.T) {
			var yy []float64
			if tt.agg != "count" {
				yy = y
			}
			b := timeBuckets(ts, valid, yy, "day", tt.agg)
			if !slices.Equal(b.Starts, tt.starts) || !slices.Equal(b.Values, tt.values) {
				t.Fatalf("got %v %v, want %v %v", b.Starts, b.Values, tt.starts, tt.values)
			}
		})
	}
}

func TestBucketKey_Intervals(t *testing.T) {
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
			got := bucketStart(bucketKey(micros(tt.in), tt.interval), tt.interval)
			if got != micros(tt.start) {
				t.Fatalf("start = %s, want %s", time.UnixMicro(got).UTC(), tt.start)
			}
		})
	}
}

func TestGroupBy_TopAndSort(t *testing.T) {
	key := frame.NewStrings("zone", []string{"a", "b", "a", "c", "b", "a", "d"})
	y := []float64{1, 2, 3, 4, 5, 6, math.NaN()}
	gs, ids := groupBy(key, y, "sum")
	if want := []int32{0, 1, 0, 2, 1, 0, 3}; !slices.Equal(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	top := topGroups(gs, 2, "desc")
	if len(top) != 2 || top[0].Label != "a" || top[0].Value != 10 || top[1].Label != "b" || top[1].Value != 7 {
		t.Fatalf("top = %+v", top)
	}
	gs, _ = groupBy(key, y, "mean")
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
}

func TestGroupBy_IntKeysSortNumerically(t *testing.T) {
	key := frame.NewInts("PULocationID", []int64{10, 9, 100, 9})
	gs, _ := groupBy(key, nil, "count")
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
	vals := []float64{100, 1, 2, 3, 4, 5, 6, 7, 8, 9, math.NaN()}
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
