//go:build unix

package frame

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
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
			perm := filetest.PermUnder(t, umask, filepath.Join(dir, w.name), w.write)
			if want := os.FileMode(0o666 &^ umask); perm != want {
				t.Errorf("%s with umask %03o: mode %v, want %v", w.name, umask, perm, want)
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("%s: %d files in its folder, want 1", w.name, len(es))
			}
		}
	}
}
