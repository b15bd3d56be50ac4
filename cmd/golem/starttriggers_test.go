package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const badTriggers = "triggers:\n  - {name: nightly, type: cron, cron: \"every night\"}\n"

// golem start --no-editor is the production scheduler: schedules that do not load stop it at
// start, naming the file and line, instead of serving without them.
func TestStart_NoEditorRefusesInvalidTriggers(t *testing.T) {
	dir := hostileProject(t)
	write(t, dir, "pipelines/calm/triggers.yaml", badTriggers)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "start", dir, "--no-editor", "--port", "0")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("golem start --no-editor served with an invalid triggers.yaml:\n%s", out)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "pipelines/calm/triggers.yaml:2:") {
		t.Fatalf("the error does not name the file and line:\n%s", out)
	}
}

// A triggers.yaml broken while golem start serves keeps the schedules it had, and /api/health
// says so until the file is fixed.
func TestStart_HealthShowsTriggersBrokenWhileServing(t *testing.T) {
	dir := hostileProject(t)
	good := "triggers:\n  - {name: nightly, type: cron, cron: \"0 3 * * *\"}\n"
	write(t, dir, "pipelines/calm/triggers.yaml", good)
	api := apiClient{t: t, base: golemStart(t, dir, "--no-editor")}
	type health struct {
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
	}
	waitHealth := func(want bool) health {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			var h health
			if code := api.do("GET", "/api/health", nil, &h); code != http.StatusOK {
				t.Fatalf("health: %d", code)
			}
			if h.OK == want {
				return h
			}
			if time.Now().After(deadline) {
				t.Fatalf("health still %+v after 15s", h)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitHealth(true)
	write(t, dir, "pipelines/calm/triggers.yaml", badTriggers)
	h := waitHealth(false)
	if len(h.Problems) != 1 || !strings.HasPrefix(h.Problems[0], "pipelines/calm/triggers.yaml:2:") {
		b, _ := json.Marshal(h)
		t.Fatalf("health %s, want the problem at pipelines/calm/triggers.yaml:2", b)
	}
	write(t, dir, "pipelines/calm/triggers.yaml", good)
	if h := waitHealth(true); len(h.Problems) != 0 {
		t.Fatalf("fixed file, health %+v", h)
	}
}
