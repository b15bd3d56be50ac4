package filetest

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes content to dir/rel (a slash path), creating folders as needed.
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

// WriteAll writes files (slash paths to contents) under dir.
func WriteAll(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		Write(t, dir, rel, content)
	}
}
