package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/runtime/history"
)

// startHeadless runs golem start --no-editor on dir until the test ends and
// returns its base URL.
func startHeadless(t *testing.T, dir string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"start", dir, "--no-editor", "--port", "0"}, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") {
			base = strings.TrimSuffix(line, "/")
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("no URL in the banner: %v", <-done)
	}
	go io.Copy(io.Discard, pr)
	return base, func() error { cancel(); return <-done }
}

func TestStart_NoEditor(t *testing.T) {
	dir := example(t)
	cfg := filepath.Join(dir, "golem.yaml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, "  api_token: tok-123\n"...), 0o644)
	os.WriteFile(filepath.Join(dir, "pipelines/data_preparation/triggers.yaml"),
		[]byte("triggers:\n  - {name: often, type: interval, interval: 1s}\n"), 0o644)

	base, stop := startHeadless(t, dir)
	get := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/api/health"); got != 200 {
		t.Fatalf("health: %d", got)
	}
	for _, p := range []string{"/", "/index.html", "/api/project", "/api/files", "/api/runs"} {
		if got := get(p); got != 404 {
			t.Errorf("GET %s: %d, want 404 (no editor)", p, got)
		}
	}
	post := func(token string) int {
		req, _ := http.NewRequest("POST", base+"/api/pipelines/data_preparation/runs", strings.NewReader(`{"mode":"with_upstream","block":"prepare"}`))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(""); got != 401 {
		t.Fatalf("trigger without token: %d", got)
	}
	if got := post("tok-123"); got != 202 {
		t.Fatalf("trigger with token: %d", got)
	}

	// the scheduler runs too: wait for the interval trigger's run
	h, err := history.Open(filepath.Join(dir, ".golem"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		runs, _ := h.List(t.Context(), history.Filter{})
		var api, sched bool
		for _, r := range runs {
			api = api || (r.Trigger == history.TriggerAPI && r.Status == history.Succeeded)
			sched = sched || r.Trigger == history.ScheduleTrigger("often")
		}
		if api && sched {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs after 60s: api succeeded %v, scheduled %v", api, sched)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatalf("golem start --no-editor: %v", err)
	}
}
