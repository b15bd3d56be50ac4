package atomicfile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Options configure Write.
type Options struct {
	// Perm is the mode of a new file before the umask, as for os.OpenFile; 0 means 0o666, the
	// mode os.Create gives.
	Perm fs.FileMode
	// KeepMode gives the new file the mode of the file it replaces, when there is one.
	KeepMode bool
	// Sync flushes the file to disk before the rename and the folder after it, so the new
	// content survives a power cut. Leave it off for caches a run rebuilds: two fsyncs were most
	// of a no-op block's time.
	Sync bool
}

// tempMark separates a target's name from the writer's pid in a temporary name:
// .output.parquet.tmp-1234-9f86d081.
const tempMark = ".tmp-"

// legacyAge is how old a temporary file without a pid (written by an older Golem) must be before
// RemoveStale deletes it: no write takes that long without touching its file.
const legacyAge = time.Hour

// WriteFile replaces path with data.
func WriteFile(path string, data []byte, o Options) error {
	return Write(path, o, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces path with what write writes (through a 1 MiB buffer): to a temporary file in
// path's folder, renamed over path once write and the close succeed. On any error the temporary
// file is removed and path is unchanged.
func Write(path string, o Options, write func(w io.Writer) error) (err error) {
	perm := o.Perm
	if perm == 0 {
		perm = 0o666
	}
	var keep fs.FileMode
	if o.KeepMode {
		if st, err := os.Stat(path); err == nil {
			if st.IsDir() {
				return fmt.Errorf("write %s: is a directory", path)
			}
			keep = st.Mode().Perm()
		}
	}
	dir := filepath.Dir(path)
	f, err := create(dir, filepath.Base(path), perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if keep != 0 {
		if err = f.Chmod(keep); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if o.Sync {
		if err = f.Sync(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if o.Sync {
		return SyncDir(dir)
	}
	return nil
}

// create opens a new temporary file for base in dir, named .<base>.tmp-<pid>-<random>. Unlike
// os.CreateTemp (always 0600) it creates the file with perm, so the umask applies as for os.Create.
func create(dir, base string, perm fs.FileMode) (*os.File, error) {
	prefix := "." + base + tempMark + strconv.Itoa(os.Getpid()) + "-"
	for range 100 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("no free temporary name for %s in %s", base, dir)
}

// SyncDir flushes dir's entries to disk, so that a rename or a new file in it survives a power
// cut. Systems that cannot sync a folder are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether the base name is a temporary file of Write, or of the writers Golem had
// before it (.tmp-*, .<name>.tmp*).
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp")
}

// writerPID returns the pid recorded in a temporary name, or 0 when it records none.
func writerPID(name string) int {
	i := strings.LastIndex(name, tempMark)
	if i < 0 {
		return 0
	}
	pid, rest, ok := strings.Cut(name[i+len(tempMark):], "-")
	if !ok || rest == "" {
		return 0
	}
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// RemoveStale deletes, under dir, the temporary files whose writer is gone: its pid no longer
// runs (it was killed mid-write), or the name has no pid and the file has not changed for an hour.
// It returns the paths removed; a missing dir is no error.
func RemoveStale(dir string) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !IsTemp(d.Name()) {
			return nil
		}
		if pid := writerPID(d.Name()); pid != 0 {
			if pid == os.Getpid() || alive(pid) {
				return nil
			}
		} else if info, err := d.Info(); err != nil || time.Since(info.ModTime()) < legacyAge {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		removed = append(removed, p)
		return nil
	})
	return removed, err
}
