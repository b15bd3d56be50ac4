package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFirstRun_CloneScaffoldVetBuild is the README's order on a fresh clone
// (issue 9): `make run` scaffolds the example project inside the checkout,
// after which `make test` (go vet ./..., go build ./...) must still pass. It
// clones the repository's committed state into a temporary folder, runs
// `make scaffold` there (the step `make run` takes before starting the
// editor, same folder), and runs go vet and go build in the clone.
func TestFirstRun_CloneScaffoldVetBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("clones and vets the whole repository: skipped with -short")
	}
	for _, tool := range []string{"git", "make", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: cannot clone the repository and scaffold it as make run does", tool)
		}
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not inside a git checkout: %v", err)
	}
	clone := filepath.Join(t.TempDir(), "golem")
	cmd := func(dir, name string, args ...string) string {
		t.Helper()
		c := exec.CommandContext(t.Context(), name, args...)
		c.Dir = dir
		c.Env = append(hermetic(os.Environ()), "GOWORK=off", "GOFLAGS=")
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
		}
		return string(out)
	}
	cmd("", "git", "clone", "--quiet", "--no-hardlinks", strings.TrimSpace(string(top)), clone)

	before := projectFolders(t, clone)
	cmd(clone, "make", "--no-print-directory", "scaffold")
	var added []string
	for f := range projectFolders(t, clone) {
		if !before[f] {
			added = append(added, f)
		}
	}
	if len(added) != 1 {
		t.Fatalf("make scaffold wrote %d project folders in the clone (%v), want 1", len(added), added)
	}
	example := added[0]
	t.Logf("make scaffold wrote %s/", example)
	for _, f := range []string{"golem.yaml", "pipelines/data_preparation/pipeline.yaml", "data_loaders/ingest.go"} {
		if _, err := os.Stat(filepath.Join(clone, example, f)); err != nil {
			t.Fatalf("scaffolded example lacks %s: %v", f, err)
		}
	}
	cmd(clone, "go", "vet", "./...")
	cmd(clone, "go", "build", "./...")
}

// projectFolders returns the top-level folders of dir that hold a golem.yaml.
func projectFolders(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "golem.yaml")); e.IsDir() && err == nil {
			out[e.Name()] = true
		}
	}
	return out
}

// hermetic drops the variables an outer make passes down (MAKEFLAGS can
// carry EXAMPLE=… or a jobserver), so the clone's make runs as a user's would.
func hermetic(env []string) []string {
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			out = append(out, kv)
		}
	}
	return out
}
