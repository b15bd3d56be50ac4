package schedule

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

const starBit = 1 << 63

// cronSpec is a parsed 5-field cron expression.
type cronSpec struct {
	minute, hour, dom, month, dow uint64
}

// parseCron parses a standard cron expression or descriptor (@daily ...).
// @every and TZ= prefixes are rejected: use type interval and timezone.
func parseCron(expr string) (cronSpec, error) {
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "TZ=") || strings.HasPrefix(e, "CRON_TZ=") {
		return cronSpec{}, fmt.Errorf("cron %q: put the zone in the timezone field, not in the expression", expr)
	}
	if strings.HasPrefix(e, "@every") {
		return cronSpec{}, fmt.Errorf("cron %q: use type: interval with interval: <duration>", expr)
	}
	s, err := cron.ParseStandard(e)
	if err != nil {
		return cronSpec{}, fmt.Errorf("cron %q: %v", expr, err)
	}
	sp, ok := s.(*cron.SpecSchedule)
	if !ok {
		return cronSpec{}, fmt.Errorf("cron %q: unsupported expression", expr)
	}
	return cronSpec{minute: sp.Minute, hour: sp.Hour, dom: sp.Dom, month: sp.Month, dow: sp.Dow}, nil
}

// everyHour reports whether the hour field matches all hours: such
// schedules follow elapsed time across DST changes, not the wall clock.
func (c cronSpec) everyHour() bool { return c.hour&(1<<24-1) == 1<<24-1 }

func (c cronSpec) dayMatches(y int, m time.Month, d int, loc *time.Location) bool {
	if c.month&(1<<uint(m)) == 0 {
		return false
	}
	wd := time.Date(y, m, d, 12, 0, 0, 0, loc).Weekday()
	domOK := c.dom&(1<<uint(d)) != 0
	dowOK := c.dow&(1<<uint(wd)) != 0
	if c.dom&starBit != 0 || c.dow&starBit != 0 { // as in cron: either field '*' means AND
		return domOK && dowOK
	}
	return domOK || dowOK
}

// instants returns the instants at which the wall time y-m-d h:min occurs in
// loc: none (skipped by a DST jump), one, or two (clocks went back).
func instants(y int, m time.Month, d, h, min int, loc *time.Location) []time.Time {
	naive := time.Date(y, m, d, h, min, 0, 0, time.UTC)
	guess := time.Date(y, m, d, h, min, 0, 0, loc)
	var out []time.Time
	var seen [3]int
	for i, probe := range [3]time.Time{guess.Add(-26 * time.Hour), guess, guess.Add(26 * time.Hour)} {
		_, off := probe.Zone()
		if (i > 0 && seen[0] == off) || (i > 1 && seen[1] == off) {
			continue
		}
		seen[i] = off
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if ty, tm, td := t.Date(); ty == y && tm == m && td == d && t.Hour() == h && t.Minute() == min {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// next returns the first fire time strictly after 'after', or the zero time
// if there is none within about 8 years (enough for Feb 29 on a weekday).
func (c cronSpec) next(after time.Time, loc *time.Location) time.Time {
	local := after.In(loc)
	y, m, d := local.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // calendar arithmetic only
	wallClock := !c.everyHour()
	// Wall-clock order matches instant order except within a DST change, so
	// candidates more than 3 hours of wall time away are cut off early.
	const maxSlack = 3 * 60
	afterWall := local.Hour()*60 + local.Minute()
	for i := 0; i < 366*8+2; i++ {
		cy, cm, cd := day.AddDate(0, 0, i).Date()
		if !c.dayMatches(cy, cm, cd, loc) {
			continue
		}
		// On a day without a zone change wall order is instant order: the
		// first candidate after 'after' is the answer. Otherwise allow slack.
		slack := 0
		_, offStart := time.Date(cy, cm, cd, 0, 0, 0, 0, loc).Zone()
		_, offEnd := time.Date(cy, cm, cd, 23, 59, 0, 0, loc).Zone()
		if offStart != offEnd {
			slack = maxSlack
		}
		var best time.Time
		bestWall := -1
	hours:
		for hours := c.hour &^ starBit; hours != 0; hours &= hours - 1 {
			h := bits.TrailingZeros64(hours)
			for mins := c.minute &^ starBit; mins != 0; mins &= mins - 1 {
				mi := bits.TrailingZeros64(mins)
				wall := h*60 + mi
				if i == 0 && wall < afterWall-max(slack, 1) {
					continue
				}
				if bestWall >= 0 && wall > bestWall+slack {
					break hours
				}
				ts := instants(cy, cm, cd, h, mi, loc)
				switch {
				case len(ts) == 0 && wallClock: // skipped by a jump: run shifted by it
					ts = []time.Time{time.Date(cy, cm, cd, h, mi, 0, 0, loc)}
				case len(ts) == 2 && wallClock: // repeated: run at the first only
					ts = ts[:1]
				}
				for _, t := range ts {
					if t.After(after) && (best.IsZero() || t.Before(best)) {
						best, bestWall = t, wall
					}
				}
			}
		}
		if !best.IsZero() {
			return best
		}
	}
	return time.Time{}
}
