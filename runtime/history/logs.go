package history

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// LogPath returns the file holding the log of block in run runID, for
// callers that want to tail it.
func (s *Store) LogPath(runID, block string) (string, error) {
	if !ValidID(runID) {
		return "", fmt.Errorf("%w: %q", ErrInvalidID, runID)
	}
	if err := validName("block", block); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, LogsDir, runID, block+".log"), nil
}

// AppendLog appends lines to the log of block in run runID. A line holding
// newlines becomes several lines. Each call is one write with O_APPEND, so
// several writers (goroutines or processes) never interleave within a call.
func (s *Store) AppendLog(runID, block string, lines ...string) error {
	path, err := s.LogPath(runID, block)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimSuffix(l, "\n"))
		b.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("append log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("append log: %w", err)
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append log %s: %w", path, err)
	}
	return nil
}

// Logs returns the lines logged by block in run runID; none if it logged nothing.
func (s *Store) Logs(runID, block string) ([]string, error) {
	path, err := s.LogPath(runID, block)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return lines, fmt.Errorf("read log %s: %w", path, err)
	}
	return lines, nil
}

// RemoveLogs deletes every log of run runID.
func (s *Store) RemoveLogs(runID string) error {
	if !ValidID(runID) {
		return fmt.Errorf("%w: %q", ErrInvalidID, runID)
	}
	if err := os.RemoveAll(filepath.Join(s.dir, LogsDir, runID)); err != nil {
		return fmt.Errorf("remove logs of %s: %w", runID, err)
	}
	return nil
}
