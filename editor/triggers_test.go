package editor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const triggersYAML = `# schedules of data_preparation
triggers:
  # every night, Amsterdam time
  - name: nightly
    type: cron
    cron: "30 2 * * *"   # 02:30
    timezone: Europe/Amsterdam
    variables: {months: "2023-02"}
  - {name: every5, type: interval, interval: 5m, enabled: false}
`

type triggersBody struct {
	Triggers []TriggerInfo `json:"triggers"`
	Problems []Problem     `json:"problems"`
}

func writeTriggers(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "pipelines/data_preparation/triggers.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTriggers_ListAndToggle(t *testing.T) {
	ts := newTestServer(t, Options{})
	// the example ships a daily trigger: start from a pipeline without one
	if err := os.Remove(filepath.Join(ts.dir, "pipelines/data_preparation/triggers.yaml")); err != nil {
		t.Fatal(err)
	}
	var b triggersBody
	ts.must(200, "GET", "/api/pipelines/data_preparation/triggers", nil, &b)
	if len(b.Triggers) != 0 || len(b.Problems) != 0 {
		t.Fatalf("no triggers.yaml: %+v", b)
	}
	path := writeTriggers(t, ts.dir, triggersYAML)
	ts.must(200, "GET", "/api/pipelines/data_preparation/triggers", nil, &b)
	if len(b.Triggers) != 2 {
		t.Fatalf("triggers = %+v", b)
	}
	n := b.Triggers[0]
	if n.Name != "nightly" || n.Type != "cron" || n.Schedule != "30 2 * * *" || n.Timezone != "Europe/Amsterdam" || !n.Enabled || n.NextRun == nil || n.Variables["months"] != "2023-02" {
		t.Fatalf("nightly = %+v", n)
	}
	next, err := time.Parse(time.RFC3339, *n.NextRun)
	if err != nil || !next.After(time.Now()) || next.After(time.Now().Add(25*time.Hour)) {
		t.Fatalf("next run %v %v", next, err)
	}
	if e := b.Triggers[1]; e.Name != "every5" || e.Enabled || e.NextRun != nil || e.Schedule != "every 5m0s" {
		t.Fatalf("every5 = %+v", e)
	}

	// disable nightly: comments, order and the other keys stay
	var tv TriggerInfo
	ts.must(200, "PUT", "/api/pipelines/data_preparation/triggers/nightly/enabled", map[string]any{"enabled": false}, &tv)
	if tv.Enabled || tv.NextRun != nil {
		t.Fatalf("after disable = %+v", tv)
	}
	got, _ := os.ReadFile(path)
	for _, want := range []string{"# schedules of data_preparation", "# every night, Amsterdam time", "# 02:30", "timezone: Europe/Amsterdam", "enabled: false"} {
		if !strings.Contains(string(got), want) {
			t.Fatalf("%q lost:\n%s", want, got)
		}
	}
	if strings.Index(string(got), "nightly") > strings.Index(string(got), "every5") {
		t.Fatalf("order changed:\n%s", got)
	}
	ts.must(200, "PUT", "/api/pipelines/data_preparation/triggers/every5/enabled", map[string]any{"enabled": true}, &tv)
	ts.must(200, "GET", "/api/pipelines/data_preparation/triggers", nil, &b)
	if b.Triggers[0].Enabled || !b.Triggers[1].Enabled || b.Triggers[1].NextRun == nil {
		t.Fatalf("after toggles = %+v", b.Triggers)
	}

	var e errBody
	if got := ts.do("PUT", "/api/pipelines/data_preparation/triggers/nope/enabled", map[string]any{"enabled": true}, &e); got != 404 {
		t.Fatalf("unknown trigger: %d %+v", got, e)
	}
	if got := ts.do("PUT", "/api/pipelines/data_preparation/triggers/nightly/enabled", map[string]any{}, &e); got != 400 {
		t.Fatalf("no enabled: %d", got)
	}
	if got := ts.do("GET", "/api/pipelines/nope/triggers", nil, &e); got != 404 {
		t.Fatalf("unknown pipeline: %d", got)
	}

	// a broken file: its problems with file:line, and no toggle
	writeTriggers(t, ts.dir, "triggers:\n  - name: bad\n    type: cron\n    cron: \"61 * * * *\"\n")
	ts.must(200, "GET", "/api/pipelines/data_preparation/triggers", nil, &b)
	if len(b.Problems) == 0 || b.Problems[0].File != "pipelines/data_preparation/triggers.yaml" || b.Problems[0].Line == 0 {
		t.Fatalf("problems = %+v", b.Problems)
	}
	if got := ts.do("PUT", "/api/pipelines/data_preparation/triggers/bad/enabled", map[string]any{"enabled": false}, &e); got != 422 || e.Error.Line == 0 {
		t.Fatalf("toggle in a broken file: %d %+v", got, e)
	}
}

// The example's Triggers pages are not empty: a daily data_preparation
// trigger (enabled, with a next run) and a monthly batch_inference one,
// disabled by default (issue 9).
func TestTriggers_ExampleShipsTriggers(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		pipeline, name, schedule string
		enabled                  bool
	}{
		{"data_preparation", "daily", "0 6 * * *", true},
		{"batch_inference", "monthly", "0 7 2 * *", false},
	}
	for _, tc := range tests {
		var b triggersBody
		ts.must(200, "GET", "/api/pipelines/"+tc.pipeline+"/triggers", nil, &b)
		if len(b.Problems) != 0 || len(b.Triggers) != 1 {
			t.Fatalf("%s: %+v", tc.pipeline, b)
		}
		tr := b.Triggers[0]
		if tr.Name != tc.name || tr.Type != "cron" || tr.Schedule != tc.schedule || tr.Enabled != tc.enabled || tr.Timezone != "America/New_York" {
			t.Errorf("%s: trigger %+v", tc.pipeline, tr)
		}
		if (tr.NextRun != nil) != tc.enabled {
			t.Errorf("%s: next run %v with enabled=%v", tc.pipeline, tr.NextRun, tc.enabled)
		}
	}
}
