package frame

import (
	"math"
	"time"

	"github.com/golemlabs/golem/internal/hugeslice"
)

// DateFromParts builds timestamps (midnight) from year, month and day columns
// of int64 (or whole float64) values; day may be nil for the first of the
// month. A null part or an impossible date (month 13, February 30) gives null.
//
//	f.With("month_start", frame.DateFromParts(f.Col("year"), f.Col("month"), nil))
func DateFromParts(year, month, day *Series) *Series {
	const op = "DateFromParts"
	parts := []*Series{year, month, day}
	n := -1
	for k, p := range parts {
		if p == nil {
			if k < 2 {
				failMsg(op, ErrType, "year and month must not be nil")
			}
			continue
		}
		if !p.typ.isNumeric() {
			p.typeFail(op, "int64 or float64")
		}
		if n >= 0 && p.n != n {
			failMsg(op, ErrLength, "length mismatch %d vs %d (column %q)", n, p.n, p.name)
		}
		n = p.n
	}
	get := func(p *Series, i int) (int64, bool) {
		if p == nil {
			return 1, true
		}
		if p.valid != nil && !p.valid[i] {
			return 0, false
		}
		if p.typ == Int64 {
			return p.ints[i], true
		}
		f := p.floats[i]
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return int64(f), true
	}
	out := hugeslice.Make[int64](n)
	valid := hugeslice.Make[bool](n)
	for i := range out {
		y, ok1 := get(year, i)
		m, ok2 := get(month, i)
		d, ok3 := get(day, i)
		if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 || y < -290000 || y > 290000 {
			continue
		}
		days := daysFromCivil(y, m, d)
		if _, m2, _ := civil(days); m2 != m { // day past the month's end
			continue
		}
		out[i], valid[i] = days*microsPerDay, true
	}
	return (&Series{name: "date", typ: Timestamp, ints: out, n: n}).withMask(valid)
}

// ParseTime parses a string column into timestamps with a Go time layout
// ("2006-01-02", "01/02/2006 15:04", time.RFC3339, ...); values that do not
// parse are null. An offset in the text is dropped, keeping the wall clock.
//
//	f.Col("pickup").ParseTime("01/02/2006 03:04:05 PM")
func (s *Series) ParseTime(layout string) *Series {
	if s.typ != String {
		s.typeFail("ParseTime", "string")
	}
	out := hugeslice.Make[int64](s.n)
	valid := hugeslice.Make[bool](s.n)
	for i, v := range s.strs {
		if s.IsNull(i) {
			continue
		}
		if t, err := time.Parse(layout, v); err == nil {
			out[i], valid[i] = timeToMicros(t), true
		}
	}
	return (&Series{name: s.name, typ: Timestamp, ints: out, n: s.n}).withMask(valid)
}

// FormatTime formats a timestamp column as strings with a Go time layout.
//
//	f.Col("pickup").FormatTime("2006-01")
func (s *Series) FormatTime(layout string) *Series {
	if s.typ != Timestamp {
		s.typeFail("FormatTime", "timestamp")
	}
	out := hugeslice.Make[string](s.n)
	for i, v := range s.ints {
		if !s.IsNull(i) {
			out[i] = microsToTime(v).Format(layout)
		}
	}
	return &Series{name: s.name, typ: String, strs: out, valid: s.valid, n: s.n}
}

// DateRange returns the timestamps from start to end (inclusive) one unit
// apart, in a column named "date": unit is second, minute, hour, day, week
// (from Monday) or month. start is truncated to the unit first, as Truncate
// does.
//
//	days := frame.DateRange(first, last, "day")
func DateRange(start, end time.Time, unit string) *Series {
	s := timeToMicros(start)
	e := timeToMicros(end)
	first := NewTimestampMicros("date", []int64{s}).Truncate(unit).ints[0]
	var out []int64
	for us := first; us <= e; us = nextInterval(us, unit) {
		out = append(out, us)
		if len(out) > 10_000_000 {
			failMsg("DateRange", ErrRange, "more than 10,000,000 %ss from %s to %s", unit, formatMicros(s), formatMicros(e))
		}
	}
	return NewTimestampMicros("date", out)
}

// nextInterval returns the start of the interval after the one starting at
// us (naive microseconds, already truncated to unit): the unit is second,
// minute, hour, day, week or month.
func nextInterval(us int64, unit string) int64 {
	switch unit {
	case "second":
		return us + 1_000_000
	case "minute":
		return us + 60_000_000
	case "hour":
		return us + 3_600_000_000
	case "day":
		return us + microsPerDay
	case "week":
		return us + 7*microsPerDay
	case "month":
		y, m, _ := civil(floorDiv(us, microsPerDay))
		if m == 12 {
			y, m = y+1, 0
		}
		return daysFromCivil(y, m+1, 1)*microsPerDay + (us - floorDiv(us, microsPerDay)*microsPerDay)
	}
	failMsg("DateRange", ErrRange, "unknown unit %q (want second, minute, hour, day, week or month)", unit)
	return 0
}
