package schedule

import (
	"time"
)

// Type is the kind of a trigger.
type Type string

// The trigger types.
const (
	Cron     Type = "cron"
	Interval Type = "interval"
	Once     Type = "once"
)

// Overlap says what to do when a trigger fires while its pipeline is running.
type Overlap string

// The overlap policies; Skip is the default.
const (
	Skip   Overlap = "skip"   // drop the new fire
	Queue  Overlap = "queue"  // run it after the current run ends
	Cancel Overlap = "cancel" // cancel the current run, then run it
)

// CatchUpPolicy says what to do with fire times missed while no scheduler ran.
type CatchUpPolicy string

// The catch-up policies; None is the default.
const (
	None   CatchUpPolicy = "none"   // forget missed fires
	Latest CatchUpPolicy = "latest" // run the most recent missed fire once
	All    CatchUpPolicy = "all"    // run every missed fire, oldest first, at most Max
)

// CatchUp bounds catching up on missed fires.
type CatchUp struct {
	Policy CatchUpPolicy
	// Window ignores missed fires older than now − Window; 0 means no limit.
	Window time.Duration
	// Max caps how many missed fires the All policy runs (the most recent ones); 0 means DefaultCatchUpMax.
	Max int
}

// DefaultCatchUpMax is the cap of the All policy when Max is 0.
const DefaultCatchUpMax = 10

// Pos is a position in a triggers.yaml file.
type Pos struct {
	File      string
	Line, Col int
}

// Trigger is one entry of a pipeline's triggers.yaml.
type Trigger struct {
	Pipeline string
	Name     string
	Type     Type
	Cron     string         // Type Cron: 5 fields or @yearly @monthly @weekly @daily @midnight @hourly
	Location *time.Location // from timezone:, UTC by default; naive times below are read in it
	Interval time.Duration  // Type Interval; fires at Start + k·Interval (Unix epoch if no Start)
	At       time.Time      // Type Once
	Vars     map[string]string
	Overlap  Overlap
	CatchUp  CatchUp
	Enabled  bool
	Start    time.Time // no fires before Start (zero: no bound)
	End      time.Time // no fires after End (zero: no bound)
	Pos      Pos       // where the trigger is defined

	cron cronSpec
}

// Next returns the first fire time of t strictly after 'after', or the zero
// time if it will not fire again (disabled, past End, a once trigger that
// has fired, an invalid cron expression). It depends only on its arguments.
func Next(t Trigger, after time.Time) time.Time {
	if !t.Enabled {
		return time.Time{}
	}
	loc := t.Location
	if loc == nil {
		loc = time.UTC
	}
	if !t.Start.IsZero() && after.Before(t.Start) {
		after = t.Start.Add(-time.Nanosecond) // Start itself may fire
	}
	var next time.Time
	switch t.Type {
	case Cron:
		spec := t.cron
		if spec == (cronSpec{}) {
			var err error
			if spec, err = parseCron(t.Cron); err != nil {
				return time.Time{}
			}
		}
		next = spec.next(after, loc)
	case Interval:
		if t.Interval <= 0 {
			return time.Time{}
		}
		anchor := t.Start
		if anchor.IsZero() {
			anchor = time.Unix(0, 0)
		}
		if after.Before(anchor) {
			next = anchor
		} else {
			n := after.Sub(anchor)/t.Interval + 1
			next = anchor.Add(n * t.Interval)
			// Sub saturates for spans over 292 years; step the rest.
			for !next.After(after) {
				next = next.Add(t.Interval)
			}
		}
		next = next.In(loc)
	case Once:
		if t.At.After(after) {
			next = t.At
		}
	}
	if next.IsZero() || (!t.End.IsZero() && next.After(t.End)) {
		return time.Time{}
	}
	return next
}
