package projecttest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/projects"
)

// DefaultConfig is the golem.yaml New writes when files has none.
const DefaultConfig = "name: test\n"

// New writes files (project-relative slash paths to contents) into a fresh temporary directory and
// returns it. A golem.yaml is added when files has none.
func New(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if _, ok := files["golem.yaml"]; !ok {
		Write(t, dir, "golem.yaml", DefaultConfig)
	}
	for rel, content := range files {
		Write(t, dir, rel, content)
	}
	return dir
}

// Write writes content to dir/rel, creating folders as needed.
func Write(t testing.TB, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Load loads the project in dir and fails the test on any problem.
func Load(t testing.TB, dir string) *projects.Project {
	t.Helper()
	p, err := projects.Load(dir)
	if err != nil {
		t.Fatalf("load project %s: %v", dir, err)
	}
	return p
}

// PipelineFile is the path of pipeline name's pipeline.yaml inside a project.
func PipelineFile(name string) string { return "pipelines/" + name + "/pipeline.yaml" }
