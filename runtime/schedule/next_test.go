package schedule

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no tzdata for %s: %v", name, err)
	}
	return loc
}

func cronTrigger(t *testing.T, expr, tz string) Trigger {
	t.Helper()
	spec, err := parseCron(expr)
	if err != nil {
		t.Fatal(err)
	}
	return Trigger{Name: "c", Type: Cron, Cron: expr, cron: spec, Location: mustLoc(t, tz), Enabled: true}
}

// fires returns the next n fire times after 'after'.
func fires(tr Trigger, after time.Time, n int) []time.Time {
	var out []time.Time
	for range n {
		after = Next(tr, after)
		if after.IsZero() {
			break
		}
		out = append(out, after)
	}
	return out
}

func TestNext_Cron(t *testing.T) {
	ams := "Europe/Amsterdam"
	at := func(s string) time.Time { // RFC 3339 with offset
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name  string
		expr  string
		tz    string
		after string
		want  []string
	}{
		{"daily in UTC", "30 2 * * *", "UTC", "2025-01-01T00:00:00Z",
			[]string{"2025-01-01T02:30:00Z", "2025-01-02T02:30:00Z"}},
		{"spring forward: 02:30 runs once on the skipped day, shifted to 03:30", "30 2 * * *", ams, "2025-03-29T12:00:00+01:00",
			[]string{"2025-03-30T03:30:00+02:00", "2025-03-31T02:30:00+02:00"}},
		{"fall back: 02:30 runs once, at the first occurrence", "30 2 * * *", ams, "2025-10-25T12:00:00+02:00",
			[]string{"2025-10-26T02:30:00+02:00", "2025-10-27T02:30:00+01:00"}},
		{"every 30 min follows real time through fall back", "*/30 * * * *", ams, "2025-10-26T01:45:00+02:00",
			[]string{"2025-10-26T02:00:00+02:00", "2025-10-26T02:30:00+02:00", "2025-10-26T02:00:00+01:00", "2025-10-26T02:30:00+01:00", "2025-10-26T03:00:00+01:00"}},
		{"every 30 min has no fires in the skipped hour", "*/30 * * * *", ams, "2025-03-30T01:15:00+01:00",
			[]string{"2025-03-30T01:30:00+01:00", "2025-03-30T03:00:00+02:00", "2025-03-30T03:30:00+02:00"}},
		{"02:30 and 03:30 on the spring day coincide once", "30 2,3 * * *", ams, "2025-03-30T00:00:00+01:00",
			[]string{"2025-03-30T03:30:00+02:00", "2025-03-31T02:30:00+02:00"}},
		{"@daily in New York", "@daily", "America/New_York", "2025-03-08T12:00:00-05:00",
			[]string{"2025-03-09T00:00:00-05:00", "2025-03-10T00:00:00-04:00"}},
		{"weekdays at 9", "0 9 * * 1-5", "UTC", "2025-01-03T10:00:00Z", // Friday
			[]string{"2025-01-06T09:00:00Z", "2025-01-07T09:00:00Z"}},
		{"dom or dow when both given", "0 0 13 * 5", "UTC", "2025-06-01T00:00:00Z", // 6th is Fri, 13th Fri
			[]string{"2025-06-06T00:00:00Z", "2025-06-13T00:00:00Z", "2025-06-20T00:00:00Z"}},
		{"leap day", "0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z", []string{"2028-02-29T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := cronTrigger(t, tt.expr, tt.tz)
			got := fires(tr, at(tt.after), len(tt.want))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				if !got[i].Equal(at(w)) {
					t.Errorf("fire %d = %s, want %s", i, got[i].Format(time.RFC3339), w)
				}
			}
		})
	}
}

func TestNext_IntervalOnceBounds(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 10, 7, 0, 0, time.UTC)
	tests := []struct {
		name  string
		tr    Trigger
		after time.Time
		want  []time.Time
	}{
		{"interval aligned to the epoch", Trigger{Type: Interval, Interval: 15 * time.Minute, Enabled: true}, t0,
			[]time.Time{t0.Add(8 * time.Minute), t0.Add(23 * time.Minute)}},
		{"interval anchored at start", Trigger{Type: Interval, Interval: time.Hour, Start: t0, Enabled: true}, t0.Add(-time.Hour),
			[]time.Time{t0, t0.Add(time.Hour)}},
		{"interval keeps real time across DST", Trigger{Type: Interval, Interval: time.Hour, Enabled: true},
			time.Date(2025, 3, 30, 0, 30, 0, 0, time.UTC),
			[]time.Time{time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC), time.Date(2025, 3, 30, 2, 0, 0, 0, time.UTC)}},
		{"interval stops at end", Trigger{Type: Interval, Interval: time.Hour, Start: t0, End: t0.Add(90 * time.Minute), Enabled: true}, t0,
			[]time.Time{t0.Add(time.Hour)}},
		{"once in the future", Trigger{Type: Once, At: t0, Enabled: true}, t0.Add(-time.Second), []time.Time{t0}},
		{"once in the past", Trigger{Type: Once, At: t0, Enabled: true}, t0, nil},
		{"disabled", Trigger{Type: Interval, Interval: time.Minute}, t0, nil},
		{"bad cron", Trigger{Type: Cron, Cron: "nope", Enabled: true}, t0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fires(tt.tr, tt.after, 3)
			if len(tt.want) < 3 && len(got) > len(tt.want) {
				got = got[:len(tt.want)+min(1, len(got)-len(tt.want))]
			}
			for i := range tt.want {
				if i >= len(got) || !got[i].Equal(tt.want[i]) {
					t.Fatalf("fires = %v, want %v", got, tt.want)
				}
			}
			if tt.name == "once in the future" || tt.name == "interval stops at end" || tt.want == nil {
				if len(got) != len(tt.want) {
					t.Fatalf("fires = %v, want exactly %v", got, tt.want)
				}
			}
		})
	}
}

func BenchmarkNext_EveryMinute(b *testing.B) {
	spec, _ := parseCron("* * * * *")
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	tr := Trigger{Type: Cron, cron: spec, Location: loc, Enabled: true}
	at := time.Date(2025, 3, 30, 0, 0, 0, 0, loc)
	for b.Loop() {
		at = Next(tr, at)
	}
}
