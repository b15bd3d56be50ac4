package editor

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

const testAPIToken = "s3cret-api-token"

// setAPIToken writes the project's API token to .golem/api_token.
func setAPIToken(t *testing.T, dir, token string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(projects.APITokenFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// setConfigAPIToken adds settings.api_token to the project's golem.yaml (the
// old place, still honoured with a warning).
func setConfigAPIToken(t *testing.T, dir, token string) {
	t.Helper()
	path := filepath.Join(dir, "golem.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("  api_token: "+token+"\n")...) // settings: is the file's last map
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitRun polls the history until run id has finished.
func waitRun(t *testing.T, h *history.Store, id string) *history.PipelineRun {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := h.Get(t.Context(), id)
		if err == nil && r.Status.Terminal() {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not finish: %+v %v", id, r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAPITrigger(t *testing.T) {
	t.Setenv("GOLEM_API_TOKEN", "") // a developer's own token must not enable the trigger here
	const path = "/api/pipelines/data_preparation/runs"
	body := map[string]any{"mode": "with_upstream", "block": "prepare"}
	for _, headless := range []bool{false, true} {
		t.Run(map[bool]string{false: "editor", true: "headless"}[headless], func(t *testing.T) {
			ts := newTestServer(t, Options{Headless: headless})
			var e errBody
			if got := ts.do("POST", path, body, &e, "Origin", ""); got != 403 || e.Error.Message != "API trigger disabled: set GOLEM_API_TOKEN or write the token to .golem/api_token in the project" {
				t.Fatalf("no api_token configured: %d %+v", got, e)
			}
			setAPIToken(t, ts.dir, testAPIToken)
			tests := []struct {
				name    string
				headers []string
				want    int
			}{
				{"no token", []string{"Origin", ""}, 401},
				{"not bearer", []string{"Origin", "", "Authorization", "Basic " + testAPIToken}, 401},
				{"wrong token", []string{"Origin", "", "Authorization", "Bearer wrong"}, 401},
				{"token prefix", []string{"Origin", "", "Authorization", "Bearer s3cret"}, 401},
				{"foreign origin with the token", []string{"Origin", "http://evil.example.com", "Authorization", "Bearer " + testAPIToken}, 403},
			}
			for _, tt := range tests {
				e = errBody{}
				if got := ts.do("POST", path, body, &e, tt.headers...); got != tt.want || e.Error.Message == "" {
					t.Fatalf("%s: %d %+v, want %d", tt.name, got, e, tt.want)
				}
			}
			runs, _ := ts.s.history.List(t.Context(), history.Filter{})
			if len(runs) != 0 {
				t.Fatalf("refused triggers recorded runs: %+v", runs)
			}
			var started struct {
				RunID string `json:"run_id"`
			}
			ts.must(202, "POST", path, body, &started, "Origin", "", "Authorization", "Bearer "+testAPIToken)
			r := waitRun(t, ts.s.history, started.RunID)
			if r.Trigger != history.TriggerAPI || r.Status != history.Succeeded || r.Pipeline != "data_preparation" {
				t.Fatalf("recorded run = trigger %q status %q pipeline %q", r.Trigger, r.Status, r.Pipeline)
			}
		})
	}
}

func TestAPITrigger_EditorPageStillWorks(t *testing.T) {
	// the page is same-origin and needs no API token, even when one is set
	ts := newTestServer(t, Options{})
	setAPIToken(t, ts.dir, testAPIToken)
	var started struct {
		RunID string `json:"run_id"`
	}
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "block", "block": "ingest"}, &started, "Origin", ts.ts.URL)
	if r := waitRun(t, ts.s.history, started.RunID); r.Trigger != history.TriggerManual {
		t.Fatalf("editor run trigger = %q", r.Trigger)
	}
}

func TestHeadless_ServesOnlyHealthAndTrigger(t *testing.T) {
	ts := newTestServer(t, Options{Headless: true})
	ts.must(200, "GET", "/api/health", nil, nil)
	for _, p := range []string{"/", "/api/project", "/api/files", "/api/pipelines", "/api/runs"} {
		if got := ts.do("GET", p, nil, nil); got != 404 {
			t.Errorf("GET %s headless: %d, want 404", p, got)
		}
	}
	if got := ts.do("PUT", "/api/files/golem.yaml", map[string]string{"content": "x"}, nil); got != 404 {
		t.Errorf("PUT file headless: %d", got)
	}
}
