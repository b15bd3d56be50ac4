package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/golemlabs/golem/internal/atomicfile"
)

// Files a run writes into its project folder on a worker — a model under models/, an export
// under output/ — come back to the coordinator's project, as they would be there after a local run.

// changedFiles returns the files of the run folder dir that the snapshot in snap does not have, or
// has with other bytes, as slash paths; .golem (outputs travel on their own) is left out.
func changedFiles(snap, dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == ".golem" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if same(filepath.Join(snap, rel), p) {
			return nil
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

// same reports whether files a and b exist with the same bytes.
func same(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA != nil || errB != nil || ia.Size() != ib.Size() {
		return false
	}
	if ia.Size() > 64<<20 {
		return false // a big file in the snapshot is data, not code: send it rather than compare
	}
	ba, errA := os.ReadFile(a)
	bb, errB := os.ReadFile(b)
	return errA == nil && errB == nil && bytes.Equal(ba, bb)
}

// putFiles uploads the files (slash paths under dir) to the object store under prefix.
func putFiles(ctx context.Context, store jetstream.ObjectStore, prefix, dir string, files []string) error {
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		_, err = store.Put(ctx, jetstream.ObjectMeta{Name: prefix + "/" + rel}, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("upload %s: %w", rel, err)
		}
	}
	return nil
}

// getFiles writes the files from the object store under prefix into the project in dir, each
// replaced at once.
func getFiles(ctx context.Context, store jetstream.ObjectStore, prefix, dir string, files []string) error {
	for _, rel := range files {
		p := filepath.FromSlash(rel)
		if !filepath.IsLocal(p) {
			return fmt.Errorf("file %q leaves the project", rel)
		}
		dst := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		obj, err := store.Get(ctx, prefix+"/"+rel)
		if err != nil {
			return fmt.Errorf("download %s: %w", rel, err)
		}
		// As the block wrote it on the worker: with the project's atomic writer, unsynced like an export.
		err = atomicfile.Write(dst, atomicfile.Options{}, func(w io.Writer) error {
			_, err := io.Copy(w, obj)
			return err
		})
		obj.Close()
		if err != nil {
			return fmt.Errorf("write %s: %w", rel, err)
		}
	}
	return nil
}
