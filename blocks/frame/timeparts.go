package frame

import "github.com/golemlabs/golem/internal/hugeslice"

const microsPerDay = 86_400_000_000

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civil converts days since 1970-01-01 to year, month, day (proleptic
// Gregorian; Howard Hinnant's algorithm).
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func (s *Series) timePart(op string, f func(us int64) int64) *Series {
	if s.typ != Timestamp {
		s.typeFail(op, "timestamp")
	}
	out := hugeslice.Make[int64](s.n)
	for i, x := range s.ints {
		out[i] = f(x)
	}
	return &Series{name: s.name, typ: Int64, ints: out, valid: s.valid, n: s.n}
}

// Year returns the calendar year of each timestamp.
func (s *Series) Year() *Series {
	return s.timePart("Year", func(us int64) int64 { y, _, _ := civil(floorDiv(us, microsPerDay)); return y })
}

// Month returns the month (1–12) of each timestamp.
func (s *Series) Month() *Series {
	return s.timePart("Month", func(us int64) int64 { _, m, _ := civil(floorDiv(us, microsPerDay)); return m })
}

// Day returns the day of the month (1–31) of each timestamp.
func (s *Series) Day() *Series {
	return s.timePart("Day", func(us int64) int64 { _, _, d := civil(floorDiv(us, microsPerDay)); return d })
}

// Hour returns the hour (0–23) of each timestamp.
func (s *Series) Hour() *Series {
	return s.timePart("Hour", func(us int64) int64 { return (us - floorDiv(us, microsPerDay)*microsPerDay) / 3_600_000_000 })
}

// Weekday returns the day of the week as in Go's time.Weekday: 0 is Sunday,
// 6 is Saturday.
func (s *Series) Weekday() *Series {
	return s.timePart("Weekday", func(us int64) int64 { return (floorDiv(us, microsPerDay)%7 + 7 + 4) % 7 })
}

// Truncate rounds each timestamp down to the start of its minute, hour, day,
// week (Monday 00:00) or month.
func (s *Series) Truncate(unit string) *Series {
	var f func(int64) int64
	step := func(k int64) func(int64) int64 { return func(us int64) int64 { return floorDiv(us, k) * k } }
	switch unit {
	case "second":
		f = step(1_000_000)
	case "minute":
		f = step(60_000_000)
	case "hour":
		f = step(3_600_000_000)
	case "day":
		f = step(microsPerDay)
	case "week":
		f = func(us int64) int64 {
			d := floorDiv(us, microsPerDay)
			wd := (d%7 + 7 + 3) % 7 // 0 = Monday
			return (d - wd) * microsPerDay
		}
	case "month":
		f = func(us int64) int64 {
			y, m, _ := civil(floorDiv(us, microsPerDay))
			return daysFromCivil(y, m, 1) * microsPerDay
		}
	default:
		failMsg("Truncate", ErrRange, "unknown unit %q for column %q (want second, minute, hour, day, week or month)", unit, s.name)
	}
	r := s.timePart("Truncate", f)
	r.typ = Timestamp
	return r
}
