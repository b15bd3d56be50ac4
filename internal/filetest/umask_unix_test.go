//go:build unix

package filetest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPermUnder_IsOsCreateUnderTheUmask(t *testing.T) {
	create := func(p string) error {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		return f.Close()
	}
	for _, umask := range []int{0o022, 0o077} {
		if got, want := PermUnder(t, umask, filepath.Join(t.TempDir(), "f"), create), os.FileMode(0o666&^umask); got != want {
			t.Errorf("umask %03o: %v, want %v", umask, got, want)
		}
	}
}
