//go:build unix

package filetest

import (
	"os"
	"syscall"
	"testing"
)

// PermUnder calls write(path) with the process's umask set to umask, and returns the
// permission bits of the file it wrote. The umask is the process's: callers must not run in
// parallel with other tests that create files.
func PermUnder(t testing.TB, umask int, path string, write func(path string) error) os.FileMode {
	t.Helper()
	old := syscall.Umask(umask)
	err := write(path)
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}
