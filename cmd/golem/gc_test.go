package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// golem gc removes the partial outputs that runs killed mid-write left (kill -9 of a worker),
// with a dead writer's pid or, from older versions, untouched for over an hour.
func TestGC_RemovesStaleTempOutputs(t *testing.T) {
	dir := example(t)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip(err)
	}
	out := filepath.Join(dir, ".golem", "outputs", "data_preparation", "ingest")
	stale := []string{
		filepath.Join(out, fmt.Sprintf(".output.parquet.tmp-%d-0a1b2c3d", gone.Process.Pid)),
		filepath.Join(out, ".output.parquet.tmp"),
		filepath.Join(out, "..output.parquet.tmp.tmp123"),
	}
	for _, p := range stale {
		write(t, dir, mustRel(t, dir, p), "partial")
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, err := golem(t, "gc", dir)
	if err != nil {
		t.Fatalf("gc: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "3 partial output files") {
		t.Errorf("gc output does not count the partial files:\n%s", stdout)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
}

func mustRel(t *testing.T, base, p string) string {
	t.Helper()
	r, err := filepath.Rel(base, p)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(r)
}
