package editor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/runtime/history"
)

func TestRetryAndRerun(t *testing.T) {
	ts := newTestServer(t, Options{})
	src := filepath.Join(ts.dir, "transformers/prepare.go")
	good, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const head = "(*frame.Frame, error) {\n"
	bad := strings.Replace(string(good), head, head+"\treturn nil, fmt.Errorf(\"boom\")\n", 1)
	if bad == string(good) {
		t.Fatal("prepare.go: entry function not found")
	}
	if !strings.Contains(bad, "\"fmt\"") {
		bad = strings.Replace(bad, "import (", "import (\n\t\"fmt\"", 1)
	}
	if err := os.WriteFile(src, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var started struct {
		RunID string `json:"run_id"`
	}
	vars := map[string]string{"months": "2023-01"}
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "with_upstream", "block": "prepare", "vars": vars}, &started)
	failed := waitRun(t, ts.s.history, started.RunID)
	if failed.Status != history.Failed {
		t.Fatalf("broken run = %s", failed.Status)
	}
	var fv Run
	ts.must(200, "GET", "/api/runs/"+started.RunID, nil, &fv)
	for _, b := range fv.Blocks {
		if b.Name == "prepare" && (len(b.Attempts) == 0 || !strings.Contains(b.Attempts[len(b.Attempts)-1].Error, "boom") || b.EndedAt == "") {
			t.Fatalf("failed block = %+v", b)
		}
	}

	// retry from the failed block, once the code is fixed
	if err := os.WriteFile(src, good, 0o644); err != nil {
		t.Fatal(err)
	}
	var retried struct {
		RunID string `json:"run_id"`
	}
	ts.must(202, "POST", "/api/runs/"+started.RunID+"/retry", nil, &retried)
	r := waitRun(t, ts.s.history, retried.RunID)
	if r.Trigger != "retry:"+started.RunID || r.Status != history.Succeeded || r.Vars["months"] != "2023-01" {
		t.Fatalf("retry = trigger %q status %q vars %v", r.Trigger, r.Status, r.Vars)
	}
	var names []string
	for _, b := range r.Blocks {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "prepare,export_trips,export_warehouse" {
		t.Fatalf("retried blocks = %v, want prepare and its downstream", names)
	}

	// nothing failed: a clear 409
	var e errBody
	if got := ts.do("POST", "/api/runs/"+retried.RunID+"/retry", nil, &e); got != 409 || !strings.Contains(e.Error.Message, "no failed") {
		t.Fatalf("retry of a succeeded run: %d %+v", got, e)
	}
	if got := ts.do("POST", "/api/runs/nope/retry", nil, &e); got != 404 {
		t.Fatalf("retry of an unknown run: %d", got)
	}

	// rerun: the whole pipeline with the same variables
	var rerun struct {
		RunID string `json:"run_id"`
	}
	ts.must(202, "POST", "/api/runs/"+started.RunID+"/rerun", nil, &rerun)
	rr := waitRun(t, ts.s.history, rerun.RunID)
	if rr.Status != history.Succeeded || rr.Pipeline != "data_preparation" || rr.Vars["months"] != "2023-01" || len(rr.Blocks) < 3 {
		t.Fatalf("rerun = status %q pipeline %q vars %v blocks %d", rr.Status, rr.Pipeline, rr.Vars, len(rr.Blocks))
	}
	if got := ts.do("POST", "/api/runs/nope/rerun", nil, &e); got != 404 {
		t.Fatalf("rerun of an unknown run: %d", got)
	}
}
