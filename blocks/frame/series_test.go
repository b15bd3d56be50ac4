package frame

import (
	"math"
	"strconv"
	"testing"
	"time"
)

var t0 = time.Date(2023, 1, 1, 10, 0, 0, 0, time.UTC)

func TestSeries_Constructors(t *testing.T) {
	loc := time.FixedZone("x", 3600)
	tests := []struct {
		name string
		s    *Series
		typ  Type
		want []any
	}{
		{"ints", NewInts("a", []int64{1, 2}), Int64, []any{int64(1), int64(2)}},
		{"floats", NewFloats("a", []float64{1.5}), Float64, []any{1.5}},
		{"strings", NewStrings("a", []string{"x", ""}), String, []any{"x", ""}},
		{"bools", NewBools("a", []bool{true, false}), Bool, []any{true, false}},
		{"times keep wall clock", NewTimes("a", []time.Time{time.Date(2023, 1, 1, 10, 0, 0, 0, loc)}), Timestamp, []any{t0}},
		{"durations", NewDurations("a", []time.Duration{90 * time.Second}), Duration, []any{90 * time.Second}},
		{"with nulls", nulls(NewInts("a", []int64{1, 2, 3}), 1), Int64, []any{int64(1), nil, int64(3)}},
		{"all nulls", NewNulls("a", String, 2), String, []any{nil, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s.Type() != tt.typ || tt.s.Name() != "a" {
				t.Fatalf("type %s name %s", tt.s.Type(), tt.s.Name())
			}
			eqValues(t, tt.s, tt.want)
		})
	}
}

func TestSeries_Access(t *testing.T) {
	s := nulls(NewInts("a", []int64{1, 2, 3}), 1)
	if s.NullCount() != 1 || !s.IsNull(1) || s.IsNull(0) || s.Len() != 3 || s.Count() != 2 {
		t.Fatal("null accounting")
	}
	f := s.Floats()
	if f[0] != 1 || !math.IsNaN(f[1]) || f[2] != 3 {
		t.Fatalf("Floats %v", f)
	}
	if got := s.Strings(); got[0] != "1" || got[1] != "" {
		t.Fatalf("Strings %v", got)
	}
	if s.Rename("b").Name() != "b" || s.Name() != "a" {
		t.Fatal("Rename")
	}
	ts := NewTimes("t", []time.Time{t0})
	if ts.Ints()[0] != t0.UnixMicro() || !ts.Times()[0].Equal(t0) {
		t.Fatal("timestamp micros")
	}
	contains(t, panicMsg(t, func() { NewStrings("s", nil).Ints() }), "Ints", `"s"`, "string")
	contains(t, panicMsg(t, func() { s.WithNulls([]bool{true}) }), "WithNulls: length mismatch 1 vs 3")
	contains(t, panicMsg(t, func() { s.Value(3) }), "Value", "out of range")
}

func TestSeries_Arithmetic(t *testing.T) {
	a := NewInts("a", []int64{1, 2, 3})
	b := nulls(NewInts("b", []int64{10, 20, 30}), 2)
	f := NewFloats("f", []float64{0.5, 1, 2})
	tests := []struct {
		name string
		got  *Series
		typ  Type
		want []any
	}{
		{"int+int", a.Add(b), Int64, []any{int64(11), int64(22), nil}},
		{"int-int", b.Sub(a), Int64, []any{int64(9), int64(18), nil}},
		{"int*int", a.Mul(a), Int64, []any{int64(1), int64(4), int64(9)}},
		{"int/int float", a.Div(NewInts("d", []int64{2, 2, 0})), Float64, []any{0.5, 1.0, math.Inf(1)}},
		{"int+float", a.Add(f), Float64, []any{1.5, 3.0, 5.0}},
		{"float*int null", f.Mul(b), Float64, []any{5.0, 20.0, nil}},
		{"addscalar int stays int", a.AddScalar(2), Int64, []any{int64(3), int64(4), int64(5)}},
		{"addscalar frac", a.AddScalar(0.5), Float64, []any{1.5, 2.5, 3.5}},
		{"subscalar", f.SubScalar(1), Float64, []any{-0.5, 0.0, 1.0}},
		{"mulscalar null", b.MulScalar(2), Int64, []any{int64(20), int64(40), nil}},
		{"divscalar", a.DivScalar(2), Float64, []any{0.5, 1.0, 1.5}},
		{"abs", NewInts("a", []int64{-2, 3}).Abs(), Int64, []any{int64(2), int64(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Type() != tt.typ {
				t.Fatalf("type %s, want %s", tt.got.Type(), tt.typ)
			}
			eqValues(t, tt.got, tt.want)
		})
	}
}

func TestSeries_TimeArithmetic(t *testing.T) {
	pick := NewTimes("pick", []time.Time{t0, t0, t0})
	drop := nulls(NewTimes("drop", []time.Time{t0.Add(90 * time.Second), t0.Add(2 * time.Hour), t0}), 2)
	d := drop.Sub(pick)
	if d.Type() != Duration || d.Name() != "drop" {
		t.Fatalf("type %s", d.Type())
	}
	eqValues(t, d, []any{90 * time.Second, 2 * time.Hour, nil})
	eqValues(t, d.Minutes(), []any{1.5, 120.0, nil})
	eqValues(t, d.Seconds(), []any{90.0, 7200.0, nil})
	eqValues(t, d.Hours(), []any{0.025, 2.0, nil})
	eqValues(t, pick.Add(d), []any{t0.Add(90 * time.Second), t0.Add(2 * time.Hour), nil})
	eqValues(t, d.MulScalar(2), []any{180 * time.Second, 4 * time.Hour, nil})
	contains(t, panicMsg(t, func() { pick.Minutes() }), "Minutes", `"pick"`, "timestamp", "want duration")
}

func TestSeries_ArithmeticErrors(t *testing.T) {
	a := NewInts("a", make([]int64, 10))
	tests := []struct {
		name string
		fn   func()
		want []string
	}{
		{"length", func() { a.Sub(NewInts("b", make([]int64, 12))) }, []string{"frame: Sub: length mismatch 10 vs 12"}},
		{"string", func() { a.Add(NewStrings("s", make([]string, 10))) }, []string{"Add", `"s"`, "string"}},
		{"string scalar", func() { NewStrings("name", nil).MulScalar(2) }, []string{"MulScalar", `"name"`, "string"}},
		{"ts+ts", func() { NewTimes("t", nil).Add(NewTimes("u", nil)) }, []string{"Add", "timestamp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { contains(t, panicMsg(t, tt.fn), tt.want...) })
	}
}

func TestSeries_Comparisons(t *testing.T) {
	x := nulls(NewFloats("x", []float64{0.5, 1, 30, 60, 61, 5}), 5)
	i := NewInts("i", []int64{1, 2, 3})
	s := nulls(NewStrings("s", []string{"a", "b", "c"}), 2)
	tests := []struct {
		name string
		got  *Series
		want []any
	}{
		{"between inclusive", x.Between(1, 60), []any{false, true, true, true, false, nil}},
		{"gt", x.Gt(30), []any{false, false, false, true, true, nil}},
		{"ge", x.Ge(30), []any{false, false, true, true, true, nil}},
		{"lt", i.Lt(2), []any{true, false, false}},
		{"le", i.Le(2), []any{true, true, false}},
		{"int between", i.Between(1.5, 3), []any{false, true, true}},
		{"eq int", i.Eq(2), []any{false, true, false}},
		{"eq int float", i.Eq(2.0), []any{false, true, false}},
		{"ne int", i.Ne(2), []any{true, false, true}},
		{"eq string", s.Eq("b"), []any{false, true, nil}},
		{"ne string", s.Ne("b"), []any{true, false, nil}},
		{"eq nil", s.Eq(nil), []any{false, false, true}},
		{"eq bool", NewBools("b", []bool{true, false}).Eq(true), []any{true, false}},
		{"eq time", NewTimes("t", []time.Time{t0, t0.Add(time.Hour)}).Eq(t0), []any{true, false}},
		{"isin string", s.IsIn("a", "c"), []any{true, false, nil}},
		{"isin int", i.IsIn("3", "1", "x"), []any{true, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Type() != Bool {
				t.Fatalf("type %s", tt.got.Type())
			}
			eqValues(t, tt.got, tt.want)
		})
	}
	contains(t, panicMsg(t, func() { s.Gt(1) }), "Gt", `"s"`, "string")
	contains(t, panicMsg(t, func() { s.Eq(1) }), "Eq", `"s"`, "int")
}

func TestSeries_Logic(t *testing.T) {
	// Kleene logic over all nine combinations of true, false, null.
	a := nulls(NewBools("a", []bool{true, true, true, false, false, false, false, false, false}), 6, 7, 8)
	b := nulls(NewBools("b", []bool{true, false, false, true, false, false, true, false, false}), 2, 5, 8)
	eqValues(t, a.And(b), []any{true, false, nil, false, false, false, nil, false, nil})
	eqValues(t, a.Or(b), []any{true, true, true, true, false, nil, true, nil, nil})
	eqValues(t, b.Not(), []any{false, true, nil, false, true, nil, false, true, nil})
	contains(t, panicMsg(t, func() { a.And(NewInts("n", make([]int64, 9))) }), "And", `"n"`, "int64", "want bool")
}

func TestSeries_Nulls(t *testing.T) {
	s := nulls(NewFloats("x", []float64{1, 2, 3}), 1)
	eqValues(t, s.IsNa(), []any{false, true, false})
	eqValues(t, s.NotNa(), []any{true, false, true})
	eqValues(t, s.FillNull(0), []any{1.0, 0.0, 3.0})
	eqValues(t, nulls(NewInts("i", []int64{1, 2}), 0).FillNull(7), []any{int64(7), int64(2)})
	eqValues(t, nulls(NewInts("i", []int64{1, 2}), 0).FillNull(0.5), []any{0.5, 2.0})
	eqValues(t, nulls(NewStrings("s", []string{"a", "b"}), 0).FillNull("?"), []any{"?", "b"})
	eqValues(t, nulls(NewBools("b", []bool{true, true}), 0).FillNull(false), []any{false, true})
	eqValues(t, nulls(NewTimes("t", []time.Time{t0, t0}), 0).FillNull(t0.Add(time.Hour)), []any{t0.Add(time.Hour), t0})
	if s.FillNull(0).NullCount() != 0 {
		t.Fatal("FillNull left nulls")
	}
	contains(t, panicMsg(t, func() { s.FillNull("x") }), "FillNull", `"x"`, "float64", "string")
}

func TestSeries_Casts(t *testing.T) {
	tests := []struct {
		name string
		got  *Series
		typ  Type
		want []any
	}{
		{"int as string", nulls(NewInts("a", []int64{132, 7, 5000}), 1).AsString(), String, []any{"132", nil, "5000"}},
		{"float as string", NewFloats("a", []float64{1.5, 2}).AsString(), String, []any{"1.5", "2"}},
		{"bool as string", NewBools("a", []bool{true}).AsString(), String, []any{"true"}},
		{"time as string", NewTimes("a", []time.Time{t0}).AsString(), String, []any{"2023-01-01 10:00:00"}},
		{"int as float", NewInts("a", []int64{1, 2}).AsFloat(), Float64, []any{1.0, 2.0}},
		{"string as float", NewStrings("a", []string{"1.5", "x", ""}).AsFloat(), Float64, []any{1.5, nil, nil}},
		{"bool as float", NewBools("a", []bool{true, false}).AsFloat(), Float64, []any{1.0, 0.0}},
		{"float as int truncates", NewFloats("a", []float64{1.9, -1.9, math.NaN()}).AsInt(), Int64, []any{int64(1), int64(-1), nil}},
		{"string as int", NewStrings("a", []string{"12", "3.7", "x"}).AsInt(), Int64, []any{int64(12), int64(3), nil}},
		{"duration as int", NewDurations("a", []time.Duration{time.Second}).AsInt(), Int64, []any{int64(1_000_000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got.Type() != tt.typ {
				t.Fatalf("type %s", tt.got.Type())
			}
			eqValues(t, tt.got, tt.want)
		})
	}
}

func TestSeries_TimeParts(t *testing.T) {
	ts := nulls(NewTimes("t", []time.Time{
		time.Date(2023, 3, 15, 13, 45, 10, 0, time.UTC), // Wednesday
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC),  // Wednesday, before the epoch
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),    // Thursday
		t0,
	}), 3)
	eqValues(t, ts.Year(), []any{int64(2023), int64(1969), int64(2024), nil})
	eqValues(t, ts.Month(), []any{int64(3), int64(12), int64(2), nil})
	eqValues(t, ts.Day(), []any{int64(15), int64(31), int64(29), nil})
	eqValues(t, ts.Hour(), []any{int64(13), int64(23), int64(0), nil})
	eqValues(t, ts.Weekday(), []any{int64(3), int64(3), int64(4), nil})
	tests := []struct {
		unit string
		want time.Time
	}{
		{"minute", time.Date(2023, 3, 15, 13, 45, 0, 0, time.UTC)},
		{"hour", time.Date(2023, 3, 15, 13, 0, 0, 0, time.UTC)},
		{"day", time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC)},
		{"week", time.Date(2023, 3, 13, 0, 0, 0, 0, time.UTC)},
		{"month", time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			got := ts.Truncate(tt.unit)
			if got.Type() != Timestamp || !got.Value(0).(time.Time).Equal(tt.want) || got.Value(3) != nil {
				t.Fatalf("got %v, want %v", got.Value(0), tt.want)
			}
		})
	}
	contains(t, panicMsg(t, func() { ts.Truncate("fortnight") }), "Truncate", "fortnight")
}

func TestSeries_Aggregates(t *testing.T) {
	s := nulls(NewFloats("x", []float64{4, 1, 3, 100, 2}), 3)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"sum", s.Sum(), 10},
		{"mean", s.Mean(), 2.5},
		{"std", s.Std(), math.Sqrt(5.0 / 3)},
		{"min", s.Min(), 1},
		{"max", s.Max(), 4},
		{"median", s.Median(), 2.5},
		{"q25", s.Quantile(0.25), 1.75},
		{"q0", s.Quantile(0), 1},
		{"q1", s.Quantile(1), 4},
		{"int sum", NewInts("i", []int64{1, 2, 3}).Sum(), 6},
		{"int max", NewInts("i", []int64{-1, -5}).Max(), -1},
		{"int median odd", NewInts("i", []int64{5, 1, 3}).Median(), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 1e-12 {
				t.Fatalf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	if s.Count() != 4 {
		t.Fatal("Count")
	}
	empty := NewNulls("e", Float64, 2)
	if !math.IsNaN(empty.Mean()) || !math.IsNaN(empty.Min()) || !math.IsNaN(empty.Median()) || empty.Sum() != 0 {
		t.Fatal("empty aggregates")
	}
	contains(t, panicMsg(t, func() { NewStrings("s", nil).Mean() }), "Mean", `"s"`)
}

func TestSeries_UniqueValueCounts(t *testing.T) {
	s := nulls(NewStrings("s", []string{"b", "a", "b", "c", "a", "b", "z"}), 6)
	eqValues(t, s.Unique(), []any{"b", "a", "c", nil})
	if s.NUnique() != 3 {
		t.Fatal("NUnique")
	}
	vc := s.ValueCounts()
	eqValues(t, vc.Col("value"), []any{"b", "a", "c"})
	eqValues(t, vc.Col("count"), []any{int64(3), int64(2), int64(1)})
	// Ties in count are broken by value.
	vc = NewInts("i", []int64{3, 1, 2, 1, 2, 3}).ValueCounts()
	eqValues(t, vc.Col("value"), []any{int64(1), int64(2), int64(3)})
}

func TestAsString_IntsShareBuffersAndStayIntact(t *testing.T) {
	n := 20000 // several 64 KiB buffers of digits
	v := make([]int64, n)
	for i := range v {
		switch i % 4 {
		case 0:
			v[i] = int64(i % 300) // cached small codes
		case 1:
			v[i] = -int64(i) * 7919
		case 2:
			v[i] = math.MaxInt64 - int64(i)
		default:
			v[i] = math.MinInt64 + int64(i)
		}
	}
	valid := make([]bool, n)
	for i := range valid {
		valid[i] = i%11 != 0
	}
	got := NewInts("a", v).WithNulls(valid).AsString()
	for i, x := range v {
		if !valid[i] {
			if !got.IsNull(i) {
				t.Fatalf("row %d: want null", i)
			}
			continue
		}
		if want := strconv.FormatInt(x, 10); got.Value(i) != want {
			t.Fatalf("row %d: %q, want %q", i, got.Value(i), want)
		}
	}
}
