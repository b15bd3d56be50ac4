//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

// A new file gets the mode os.Create would give it: 0666 less the umask (os.CreateTemp gives 0600).
func TestWrite_HonoursUmask(t *testing.T) {
	for _, tt := range []struct {
		umask int
		perm  os.FileMode
		want  os.FileMode
	}{
		{0o022, 0, 0o644},
		{0o002, 0, 0o664},
		{0o077, 0, 0o600},
		{0o022, 0o600, 0o600},
	} {
		write := func(p string) error { return WriteFile(p, []byte("a\n"), Options{Perm: tt.perm}) }
		if perm := filetest.PermUnder(t, tt.umask, filepath.Join(t.TempDir(), "out.csv"), write); perm != tt.want {
			t.Errorf("umask %03o perm %v: mode %v, want %v", tt.umask, tt.perm, perm, tt.want)
		}
	}
}
