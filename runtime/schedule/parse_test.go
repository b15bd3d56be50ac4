package schedule

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	const file = "pipelines/p/triggers.yaml"
	tests := []struct {
		name    string
		yaml    string
		check   func(t *testing.T, ts []Trigger)
		wantErr []string // substrings, each with its position
	}{
		{"full cron trigger", `
triggers:
  - name: nightly
    type: cron
    cron: "30 2 * * *"
    timezone: Europe/Amsterdam
    variables: {month: "2024-01", n: 3}
    overlap: queue
    catch_up: {policy: all, window: 48h, max: 5}
    start: 2025-01-01
    end: 2025-12-31 23:59
`, func(t *testing.T, ts []Trigger) {
			tr := ts[0]
			if tr.Name != "nightly" || tr.Pipeline != "p" || tr.Type != Cron || tr.Location.String() != "Europe/Amsterdam" ||
				tr.Vars["n"] != "3" || tr.Overlap != Queue || tr.CatchUp != (CatchUp{All, 48 * time.Hour, 5}) || !tr.Enabled ||
				tr.Pos.Line != 3 {
				t.Fatalf("%+v", tr)
			}
			if want := time.Date(2025, 1, 1, 0, 0, 0, 0, tr.Location); !tr.Start.Equal(want) {
				t.Fatalf("start %v, want %v (naive times are in the trigger's zone)", tr.Start, want)
			}
		}, nil},
		{"short forms and defaults", `
triggers:
  - {name: every5, type: interval, interval: 5m, catch_up: latest}
  - {name: once, type: once, at: "2025-03-01T09:00:00Z", enabled: false}
`, func(t *testing.T, ts []Trigger) {
			if ts[0].Interval != 5*time.Minute || ts[0].Overlap != Skip || ts[0].CatchUp.Policy != Latest || ts[0].Location != time.UTC {
				t.Fatalf("%+v", ts[0])
			}
			if ts[1].Enabled || !ts[1].At.Equal(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)) {
				t.Fatalf("%+v", ts[1])
			}
		}, nil},
		{"empty file", "", func(t *testing.T, ts []Trigger) {
			if len(ts) != 0 {
				t.Fatal(ts)
			}
		}, nil},
		{"every problem at once, with positions", `
triggers:
  - name: a
    type: cron
    cron: "61 * * * *"
  - name: b
    type: interval
    interval: soon
    timezone: Mars/Olympus
  - name: a
    type: cron
    cron: "@hourly"
    overlap: maybe
    colour: red
  - type: weekly
`, nil, []string{
			file + ":5:11: cron \"61 * * * *\"",
			file + ":8:15: invalid interval \"soon\"",
			file + ":9:15: unknown timezone \"Mars/Olympus\"",
			file + ":13:14: unknown overlap policy \"maybe\"",
			file + ":14:5: unknown key \"colour\"",
			file + ":15:5: trigger has no name",
			file + ":15:11: unknown trigger type \"weekly\"",
		}},
		{"duplicate names", `
triggers:
  - {name: a, type: interval, interval: 1h}
  - {name: a, type: interval, interval: 2h}
`, nil, []string{file + ":4:5: duplicate trigger name \"a\" (first at line 3)"}},
		{"yaml syntax error", "triggers:\n  - name: [\n", nil, []string{file + ":"}},
		{"missing fields per type", `
triggers:
  - {name: c, type: cron}
  - {name: i, type: interval}
  - {name: o, type: once}
  - {name: e, type: every, cron: "@every 1h"}
  - {name: x, type: cron, cron: "@every 1h"}
`, nil, []string{
			":3:", "a cron trigger needs cron",
			":4:", "an interval trigger needs interval",
			":5:", "a once trigger needs at",
			":7:33: cron \"@every 1h\": use type: interval",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := Parse(file, "p", []byte(tt.yaml))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, ts)
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// A project folder whose name holds glob characters still has its triggers found.
func TestLoadProject_DirWithGlobCharacters(t *testing.T) {
	for _, name := range []string{"plain", "pb[1]", "a*b?"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			p := filepath.Join(dir, "pipelines", "p", FileName)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			yaml := "triggers:\n  - name: hourly\n    type: interval\n    interval: 1h\n"
			if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := LoadProject(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(got["p"]) != 1 || got["p"][0].Name != "hourly" {
				t.Errorf("triggers %+v, want p/hourly", got)
			}
		})
	}
}
