package cluster

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// What a snapshot holds: the project's code and pipeline files, and its other files up to a size
// (sample data, small lookup tables); big data is read by workers from paths or URLs they reach.
const (
	maxSnapshotFile = 1 << 20
	maxSnapshot     = 64 << 20
)

// skipDirs are never part of a snapshot.
var skipDirs = []string{".golem", ".git", "node_modules"}

// snapshot packs the project in dir into a tar with sorted names and no times, so that the same
// files give the same bytes, and returns it with its name (sha256-<hex>).
func snapshot(dir string) ([]byte, string, error) {
	var files []string
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." && (slices.Contains(skipDirs, rel) || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > maxSnapshotFile && !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		total += int(info.Size())
		if total > maxSnapshot {
			return fmt.Errorf("%w: project %s is over %d MiB of files under %d KiB: move data out of the project (workers read paths or URLs)", ErrCluster, dir, maxSnapshot>>20, maxSnapshotFile>>10)
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	slices.Sort(files)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, "", err
		}
		if err := tw.WriteHeader(&tar.Header{Name: rel, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return nil, "", err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, "", err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), "sha256-" + hex.EncodeToString(sum[:]), nil
}

// publishSnapshot uploads the project's snapshot unless the store has it, and returns its name.
func publishSnapshot(ctx context.Context, store jetstream.ObjectStore, dir string) (string, error) {
	data, name, err := snapshot(dir)
	if err != nil {
		return "", err
	}
	if _, err := store.GetInfo(ctx, name); err == nil {
		return name, nil
	} else if !errors.Is(err, jetstream.ErrObjectNotFound) {
		return "", err
	}
	if _, err := store.PutBytes(ctx, name, data); err != nil {
		return "", fmt.Errorf("publish snapshot: %w", err)
	}
	return name, nil
}

// fetchSnapshot returns the folder holding snapshot name under cache, downloading and unpacking
// it the first time.
func fetchSnapshot(ctx context.Context, store jetstream.ObjectStore, cache, name string) (string, error) {
	dir := filepath.Join(cache, name)
	if _, err := os.Stat(filepath.Join(dir, "golem.yaml")); err == nil {
		return dir, nil
	}
	data, err := store.GetBytes(ctx, name)
	if err != nil {
		return "", fmt.Errorf("fetch snapshot %s: %w", name, err)
	}
	tmp, err := os.MkdirTemp(cache, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("snapshot %s: %w", name, err)
		}
		rel := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(rel) {
			return "", fmt.Errorf("snapshot %s: path %q leaves the project", name, h.Name)
		}
		p := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "golem.yaml")); serr == nil {
			return dir, nil // another slot unpacked it first
		}
		return "", err
	}
	return dir, nil
}
