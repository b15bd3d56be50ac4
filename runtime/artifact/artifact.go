package artifact

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

// ErrNotFound reports an artifact that is not stored.
var ErrNotFound = errors.New("artifact not stored")

// Store keeps artifacts in Dir, as Dir/<first two hex digits>/<sha256 hex>.
type Store struct {
	Dir string
}

// NewStore returns the artifact store of the project in projectDir.
func NewStore(projectDir string) *Store {
	return &Store{Dir: filepath.Join(projectDir, ".golem", "artifacts")}
}

// ValidHash says whether h is a SHA-256 in lowercase hex, as Put returns.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, r := range h {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// Path returns the file of the artifact with hash h.
func (s *Store) Path(h string) string { return filepath.Join(s.Dir, h[:2], h) }

// Put stores data and returns its hash; bytes already stored are not written again.
func (s *Store) Put(data []byte) (string, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	p := s.Path(h)
	if st, err := os.Stat(p); err == nil && st.Size() == int64(len(data)) {
		return h, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("store artifact: %w", err)
	}
	if err := atomicfile.WriteFile(p, data, atomicfile.Options{Sync: true}); err != nil {
		return "", fmt.Errorf("store artifact: %w", err)
	}
	return h, nil
}

// Read returns the bytes of the artifact with hash h.
func (s *Store) Read(h string) ([]byte, error) {
	if !ValidHash(h) {
		return nil, fmt.Errorf("%w: bad hash %q", ErrNotFound, h)
	}
	b, err := os.ReadFile(s.Path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (removed from %s?)", ErrNotFound, h, s.Dir)
	}
	return b, err
}

// Prune removes every stored artifact whose hash keep does not hold, and partial files of
// killed writers; it returns how many artifacts it removed.
func (s *Store) Prune(keep map[string]bool) (int, error) {
	dirs, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	if _, err := atomicfile.RemoveStale(s.Dir); err != nil {
		errs = append(errs, err)
	}
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		sub := filepath.Join(s.Dir, d.Name())
		files, err := os.ReadDir(sub)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, f := range files {
			name := f.Name()
			if !ValidHash(name) || keep[name] || strings.HasPrefix(name, ".") {
				continue
			}
			if err := os.Remove(filepath.Join(sub, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			n++
		}
	}
	return n, errors.Join(errs...)
}
