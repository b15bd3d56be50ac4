package projects

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/golemlabs/golem/internal/atomicfile"
)

// Resolve returns the absolute path of rel, a slash- or OS-separated path
// relative to the project directory. It rejects empty, absolute and ".."
// paths and paths whose existing part resolves, through symlinks, outside the
// project (ErrOutsideProject). The path need not exist.
func (p *Project) Resolve(rel string) (string, error) {
	return resolve(p.Dir, rel)
}

func resolve(dir, rel string) (string, error) {
	if rel == "" || strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("path %q: %w", rel, ErrOutsideProject)
	}
	local := filepath.FromSlash(rel)
	if filepath.IsAbs(local) || strings.HasPrefix(rel, "/") || !filepath.IsLocal(local) {
		return "", fmt.Errorf("path %q: %w", rel, ErrOutsideProject)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", fmt.Errorf("project dir: %w", err)
	}
	abs := filepath.Join(root, local)
	// Resolve symlinks in the longest existing prefix of the path.
	existing, rest := abs, ""
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", rel, err)
	}
	if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is a symlink to %s: %w", rel, real, ErrOutsideProject)
	}
	return filepath.Join(real, rest), nil
}

// ReadFile reads the project file rel (confined like Resolve).
func (p *Project) ReadFile(rel string) ([]byte, error) {
	abs, err := p.Resolve(rel)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(abs)
}

// WriteFile atomically writes data to the project file rel, creating parent
// folders: it writes a temporary file in the same folder, fsyncs it, renames
// it over the target and fsyncs the folder, so a crash leaves either the old
// or the new content.
func (p *Project) WriteFile(rel string, data []byte) error {
	abs, err := p.Resolve(rel)
	if err != nil {
		return err
	}
	return writeAtomic(abs, data)
}

// FileVersion returns the content version of project file rel (hex sha256 of
// its content). A missing file yields an error wrapping fs.ErrNotExist.
func (p *Project) FileVersion(rel string) (string, error) {
	data, err := p.ReadFile(rel)
	if err != nil {
		return "", err
	}
	return version(data), nil
}

// Version returns the content version of data, as FileVersion computes it.
func Version(data []byte) string { return version(data) }

func version(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// WriteFileIfVersion writes rel atomically only if its current content
// version is ver (as returned by FileVersion); ver "" means the file must not
// exist yet. Otherwise it returns an error wrapping ErrConflict and leaves the
// file alone. It returns the new version.
func (p *Project) WriteFileIfVersion(rel string, data []byte, ver string) (string, error) {
	abs, err := p.Resolve(rel)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cur, err := os.ReadFile(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if ver != "" {
			return "", fmt.Errorf("write %s: %w (it was deleted)", rel, ErrConflict)
		}
	case err != nil:
		return "", fmt.Errorf("write %s: %w", rel, err)
	case ver == "":
		return "", fmt.Errorf("write %s: %w (it already exists)", rel, ErrConflict)
	case version(cur) != ver:
		return "", fmt.Errorf("write %s: %w", rel, ErrConflict)
	}
	if err := writeAtomic(abs, data); err != nil {
		return "", err
	}
	return version(data), nil
}

// writeAtomic replaces the project file abs, creating its folders, keeping its mode, and syncing
// file and folder: project files are the user's work, not a cache.
func writeAtomic(abs string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", abs, err)
	}
	return atomicfile.WriteFile(abs, data, atomicfile.Options{KeepMode: true, Sync: true})
}
