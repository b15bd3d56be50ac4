package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/golemlabs/golem/internal/atomicfile"
)

// outputFiles are the files of a stored block output (runtime/output): its description and one
// of its two encodings.
var outputFiles = []string{"meta.json", "output.parquet", "output.json"}

// outputDir is where the output store of the project in dir keeps block's output of pipeline.
func outputDir(dir, pipeline, block string) string {
	return filepath.Join(dir, ".golem", "outputs", pipeline, block)
}

// putOutput copies a stored block output from the project in dir to the object store under prefix.
func putOutput(ctx context.Context, store jetstream.ObjectStore, prefix, dir, pipeline, block string) error {
	src := outputDir(dir, pipeline, block)
	for _, f := range outputFiles {
		b, err := os.ReadFile(filepath.Join(src, f))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := store.PutBytes(ctx, prefix+"/"+f, b); err != nil {
			return fmt.Errorf("upload output of %s: %w", block, err)
		}
	}
	return nil
}

// getOutput copies a block output from the object store under prefix into the project in dir,
// replacing the one stored there (the description last, so a reader never sees a half output).
func getOutput(ctx context.Context, store jetstream.ObjectStore, prefix, dir, pipeline, block string) error {
	dst := outputDir(dir, pipeline, block)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	got := false
	for _, f := range []string{"output.parquet", "output.json", "meta.json"} {
		b, err := store.GetBytes(ctx, prefix+"/"+f)
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			_ = os.Remove(filepath.Join(dst, f))
			continue
		}
		if err != nil {
			return fmt.Errorf("download output of %s: %w", block, err)
		}
		// Like the output store's own writes: replaced at once, not fsynced (a cache).
		if err := atomicfile.WriteFile(filepath.Join(dst, f), b, atomicfile.Options{}); err != nil {
			return err
		}
		got = true
	}
	if !got {
		return fmt.Errorf("output of block %q: not in the cluster's object store", block)
	}
	return nil
}
