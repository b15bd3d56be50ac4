//go:build unix

package frame

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Exported files get the mode os.Create gives (0666 less the umask), as model files do, and leave
// no temporary file behind.
func TestWrite_FileModeHonoursUmask(t *testing.T) {
	f := MustNew(NewInts("x", []int64{1, 2}))
	writers := []struct {
		name  string
		write func(path string) error
	}{
		{"out.parquet", f.WriteParquet},
		{"out.csv", f.WriteCSV},
	}
	for _, umask := range []int{0o022, 0o002} {
		for _, w := range writers {
			dir := t.TempDir()
			p := filepath.Join(dir, w.name)
			old := syscall.Umask(umask)
			err := w.write(p)
			syscall.Umask(old)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if want := os.FileMode(0o666 &^ umask); st.Mode().Perm() != want {
				t.Errorf("%s with umask %03o: mode %v, want %v", w.name, umask, st.Mode().Perm(), want)
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("%s: %d files in its folder, want 1", w.name, len(es))
			}
		}
	}
}
