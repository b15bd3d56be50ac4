package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestWrite_ReplacesOrLeavesUnchanged(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		write func(w io.Writer) error
		want  string
		err   error
	}{
		{"replaces", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", nil},
		{"writer fails: old content stays", func(w io.Writer) error {
			io.WriteString(w, "half")
			return boom
		}, "old", boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "f.txt")
			if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, sync := range []bool{false, true} {
				err := Write(p, Options{Sync: sync}, tt.write)
				if !errors.Is(err, tt.err) {
					t.Fatalf("sync %v: err %v, want %v", sync, err, tt.err)
				}
				if b, _ := os.ReadFile(p); string(b) != tt.want {
					t.Errorf("sync %v: content %q, want %q", sync, b, tt.want)
				}
			}
			if names := list(t, dir); !slices.Equal(names, []string{"f.txt"}) {
				t.Errorf("files left: %v", names)
			}
		})
	}
}

func TestWrite_KeepMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.sh")
	if err := os.WriteFile(p, []byte("old"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), Options{KeepMode: true}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o750 {
		t.Errorf("mode %v, want 0750", st.Mode().Perm())
	}
	if err := WriteFile(t.TempDir(), []byte("x"), Options{KeepMode: true}); err == nil {
		t.Error("writing over a directory: no error")
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip("no true command:", err)
	}
	dead := strconv.Itoa(gone.Process.Pid)
	me := strconv.Itoa(os.Getpid())
	old := time.Now().Add(-2 * legacyAge)
	files := []struct {
		name    string
		modTime time.Time
		removed bool
	}{
		{"p/b/.output.parquet.tmp-" + dead + "-0a1b2c3d", time.Time{}, true},
		{"p/b/.meta.json.tmp-" + me + "-0a1b2c3d", time.Time{}, false},
		{"p/b/output.parquet", old, false},
		{"p/b/.tmp-123456", old, true},                // an older writer's name, untouched for hours
		{"p/b/..output.parquet.tmp.tmp99", old, true}, // frame's older name
		{"p/c/.tmp-654321", time.Time{}, false},       // no pid and recent: may be being written
		{"p/c/meta.json", time.Time{}, false},
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !f.modTime.IsZero() {
			if err := os.Chtimes(p, f.modTime, f.modTime); err != nil {
				t.Fatal(err)
			}
		}
	}
	removed, err := RemoveStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		_, err := os.Stat(p)
		if gotRemoved := errors.Is(err, fs.ErrNotExist); gotRemoved != f.removed {
			t.Errorf("%s: removed %v, want %v", f.name, gotRemoved, f.removed)
		}
		if f.removed && !slices.Contains(removed, p) {
			t.Errorf("%s not in the list of removed %v", f.name, removed)
		}
	}
	if _, err := RemoveStale(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("missing dir: %v", err)
	}
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
