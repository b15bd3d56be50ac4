package projecttest

import (
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
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
		filetest.Write(t, dir, "golem.yaml", DefaultConfig)
	}
	filetest.WriteAll(t, dir, files)
	return dir
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
