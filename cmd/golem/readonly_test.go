package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/runtime/history"
)

// golem runs, logs and gc read the history only: a project file with a YAML error (being edited,
// say) must not stop them. gc keeps the runs and outputs of the pipeline it cannot read, and says so.
func TestReadOnlyCommands_WorkWithInvalidProject(t *testing.T) {
	dir := example(t)
	if _, stderr, err := golem(t, "run", dir, "data_preparation"); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	write(t, dir, "pipelines/data_preparation/pipeline.yaml", "name: data_preparation\nblocks: [\n")

	stdout, stderr, err := golem(t, "runs", dir, "data_preparation", "--json")
	if err != nil {
		t.Fatalf("runs: %v\n%s", err, stderr)
	}
	var runs []*history.PipelineRun
	if err := json.Unmarshal([]byte(stdout), &runs); err != nil || len(runs) != 1 {
		t.Fatalf("runs = %d, %v\n%s", len(runs), err, stdout)
	}

	stdout, stderr, err = golem(t, "logs", dir, runs[0].ID, "--block", "ingest")
	if err != nil || !strings.Contains(stdout, "== ingest (succeeded)") {
		t.Fatalf("logs: %v\n%s%s", err, stdout, stderr)
	}

	stdout, stderr, err = golem(t, "gc", dir, "--keep", "1")
	if err != nil {
		t.Fatalf("gc: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "removed 0 runs") {
		t.Errorf("gc removed the runs of a pipeline it could not read:\n%s", stdout)
	}
	if !strings.Contains(stderr, "pipeline.yaml") || !strings.Contains(stderr, "stale outputs") {
		t.Errorf("gc does not say why it kept the outputs:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".golem", "outputs", "data_preparation", "ingest")); err != nil {
		t.Errorf("gc removed the outputs of a pipeline it could not read: %v", err)
	}
}
