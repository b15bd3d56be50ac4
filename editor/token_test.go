package editor

import (
	"bytes"
	"strings"
	"testing"
)

// The API token comes from GOLEM_API_TOKEN, else .golem/api_token, else
// settings.api_token of golem.yaml; a wrong token's 401 names the source
// that won, so the order is visible without starting runs.
func TestAPITrigger_TokenSources(t *testing.T) {
	const path = "/api/pipelines/data_preparation/runs"
	tests := []struct {
		name             string
		env, file, cfg   string
		wantSource       string
		wantProjectWarns bool
	}{
		{"env", "env-tok", "", "", "GOLEM_API_TOKEN", false},
		{"file", "", "file-tok", "", ".golem/api_token", false},
		{"golem.yaml, warned", "", "", "cfg-tok", "settings.api_token of golem.yaml", true},
		{"env beats file and golem.yaml", "env-tok", "file-tok", "cfg-tok", "GOLEM_API_TOKEN", true},
		{"file beats golem.yaml", "", "file-tok", "cfg-tok", ".golem/api_token", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOLEM_API_TOKEN", tc.env)
			ts := newTestServer(t, Options{})
			if tc.file != "" {
				setAPIToken(t, ts.dir, tc.file)
			}
			if tc.cfg != "" {
				setConfigAPIToken(t, ts.dir, tc.cfg)
			}
			var e errBody
			got := ts.do("POST", path, map[string]any{"mode": "pipeline"}, &e, "Origin", "", "Authorization", "Bearer wrong")
			if got != 401 || !strings.Contains(e.Error.Message, "want the token from "+tc.wantSource) {
				t.Fatalf("wrong token: %d %q, want 401 naming %s", got, e.Error.Message, tc.wantSource)
			}
			var body struct {
				Problems []Problem `json:"problems"`
			}
			ts.must(200, "GET", "/api/project", nil, &body)
			var warned bool
			for _, p := range body.Problems {
				if p.Severity == "warning" && p.File == "golem.yaml" && p.Line > 0 && strings.Contains(p.Message, "settings.api_token") {
					warned = true
				}
			}
			if warned != tc.wantProjectWarns {
				t.Fatalf("project problems %+v: warning %v, want %v", body.Problems, warned, tc.wantProjectWarns)
			}
		})
	}
}

func TestNew_WarnsAboutATokenInGolemYAML(t *testing.T) {
	for _, inConfig := range []bool{false, true} {
		var logs bytes.Buffer
		ts := newTestServer(t, Options{})
		if inConfig {
			setConfigAPIToken(t, ts.dir, "cfg-tok")
		}
		if _, err := New(Options{ProjectDir: ts.dir, History: ts.s.history, Dispatcher: ts.s.dispatcher, Log: &logs}); err != nil {
			t.Fatal(err)
		}
		warned := strings.Contains(logs.String(), "warning: golem.yaml:") && strings.Contains(logs.String(), "settings.api_token")
		if warned != inConfig {
			t.Fatalf("token in golem.yaml %v: log %q", inConfig, logs.String())
		}
	}
}
