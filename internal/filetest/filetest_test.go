package filetest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteAll_CreatesFolders(t *testing.T) {
	dir := t.TempDir()
	WriteAll(t, dir, map[string]string{"a/b/c.txt": "c", "d.txt": "d"})
	for rel, want := range map[string]string{"a/b/c.txt": "c", "d.txt": "d"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", rel, got, err, want)
		}
	}
}
