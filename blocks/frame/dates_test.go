package frame

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDateFromParts(t *testing.T) {
	y := nulls(NewInts("y", []int64{2023, 2024, 2023, 2023, 1969, 2023}), 5)
	m := NewFloats("m", []float64{1, 2, 13, 2, 12, 1})
	d := NewInts("d", []int64{31, 29, 1, 30, 31, 1})
	cases := []struct {
		name string
		got  *Series
		want []any
	}{
		{"with day; impossible dates and null parts are null", DateFromParts(y, m, d), []any{day(2023, 1, 31), day(2024, 2, 29), nil, nil, day(1969, 12, 31), nil}},
		{"nil day is the first", DateFromParts(y, m, nil), []any{day(2023, 1, 1), day(2024, 2, 1), nil, day(2023, 2, 1), day(1969, 12, 1), nil}},
		{"fractional part is null", DateFromParts(NewInts("y", []int64{2023}), NewFloats("m", []float64{1.5}), nil), []any{nil}},
		{"empty", DateFromParts(NewInts("y", nil), NewInts("m", nil), nil), []any{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.Type() != Timestamp {
				t.Fatalf("type %s", tc.got.Type())
			}
			eqValues(t, tc.got, tc.want)
		})
	}
	contains(t, panicMsg(t, func() { DateFromParts(NewStrings("y", []string{"x"}), m, nil) }), `frame: DateFromParts: column "y" is string`)
	contains(t, panicMsg(t, func() { DateFromParts(y, NewInts("m", []int64{1}), nil) }), "length mismatch 6 vs 1")
}

func TestSeries_ParseTimeFormatTime(t *testing.T) {
	s := nulls(NewStrings("s", []string{"01/31/2023 11:05 PM", "garbage", "", "02/01/2023 12:00 AM"}), 2)
	got := s.ParseTime("01/02/2006 03:04 PM")
	eqValues(t, got, []any{time.Date(2023, 1, 31, 23, 5, 0, 0, time.UTC), nil, nil, day(2023, 2, 1)})
	eqValues(t, got.FormatTime("2006-01"), []any{"2023-01", nil, nil, "2023-02"})
	eqValues(t, NewStrings("e", nil).ParseTime("2006"), []any{})
	contains(t, panicMsg(t, func() { NewInts("i", []int64{1}).ParseTime("2006") }), `frame: ParseTime: column "i" is int64, want string`)
	contains(t, panicMsg(t, func() { NewInts("i", []int64{1}).FormatTime("2006") }), `frame: FormatTime: column "i" is int64, want timestamp`)
}

func TestDateRange(t *testing.T) {
	cases := []struct {
		name       string
		start, end time.Time
		unit       string
		want       []any
	}{
		{"days", time.Date(2023, 1, 30, 15, 0, 0, 0, time.UTC), day(2023, 2, 1), "day", []any{day(2023, 1, 30), day(2023, 1, 31), day(2023, 2, 1)}},
		{"months across a year", day(2023, 11, 15), day(2024, 1, 1), "month", []any{day(2023, 11, 1), day(2023, 12, 1), day(2024, 1, 1)}},
		{"weeks start Monday", day(2023, 1, 4), day(2023, 1, 16), "week", []any{day(2023, 1, 2), day(2023, 1, 9), day(2023, 1, 16)}},
		{"end before start", day(2023, 2, 1), day(2023, 1, 1), "day", []any{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { eqValues(t, DateRange(tc.start, tc.end, tc.unit), tc.want) })
	}
	contains(t, panicMsg(t, func() { DateRange(day(2023, 1, 1), day(2023, 1, 2), "fortnight") }), `unknown unit "fortnight"`)
}
