package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/artifact"
	"github.com/golemlabs/golem/runtime/output"
)

// runGC applies output retention: old runs (with their logs) beyond keep_runs per pipeline,
// stored outputs of pipelines and blocks that no longer exist, and partial outputs that writers
// killed mid-write left.
func runGC(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem gc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keep := fs.Int("keep", 0, "runs to keep per pipeline (default: settings.keep_runs, else 100)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem gc DIR [--keep N]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: golem gc takes a project directory", errUsage)
	}
	proj, invalid, err := loadForHistory(pos[0])
	if err != nil {
		return err
	}
	n := *keep
	if n <= 0 {
		n = proj.Config.Settings.KeepRuns
	}
	if n <= 0 {
		n = 100
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	pipelines, err := h.Pipelines(ctx)
	if err != nil {
		return err
	}
	runs := 0
	for _, p := range pipelines {
		keepN := n
		if !pipelineExists(proj, p) {
			keepN = 0 // a deleted pipeline keeps no history
		}
		removed, err := h.Prune(ctx, p, keepN)
		if err != nil {
			return err
		}
		runs += len(removed)
	}
	outputs := 0
	if invalid != nil {
		// Which blocks a pipeline still has is unknown while its file does not load: keep every output.
		fmt.Fprintf(stderr, "golem gc: stale outputs kept: the project has problems (fix them and run gc again):\n%v\n", invalid)
	} else if outputs, err = pruneOutputs(proj); err != nil {
		return err
	}
	partial, err := output.NewStore(proj.Dir).RemoveStale("")
	if err != nil {
		return err
	}
	// Artifacts and registered models nothing points to any more (their runs were pruned).
	keepArtifacts, err := h.ArtifactHashes(ctx)
	if err != nil {
		return err
	}
	artifacts, err := artifact.NewStore(proj.Dir).Prune(keepArtifacts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d runs (keeping %d per pipeline, and every run that registered a model version), %d stale outputs, %d partial output files and %d artifacts\n",
		runs, n, outputs, len(partial), artifacts)
	return nil
}

// pipelineExists says whether the project still has the pipeline: loaded, or with a pipeline file
// on disk that did not load.
func pipelineExists(proj *projects.Project, name string) bool {
	if _, ok := proj.Pipelines[name]; ok {
		return true
	}
	if !projects.ValidName(name) {
		return false
	}
	_, err := os.Stat(filepath.Join(proj.Dir, filepath.FromSlash(projects.PipelineFilePath(name))))
	return err == nil
}

// pruneOutputs removes stored outputs of pipelines and blocks that are gone from the project.
func pruneOutputs(proj *projects.Project) (int, error) {
	store := output.NewStore(proj.Dir)
	pipes, err := os.ReadDir(store.Dir)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, pd := range pipes {
		pl, ok := proj.Pipelines[pd.Name()]
		if !ok {
			if err := os.RemoveAll(filepath.Join(store.Dir, pd.Name())); err != nil {
				return removed, err
			}
			removed++
			continue
		}
		blocks, err := os.ReadDir(filepath.Join(store.Dir, pd.Name()))
		if err != nil {
			return removed, err
		}
		for _, bd := range blocks {
			if pl.Block(bd.Name()) == nil {
				if err := os.RemoveAll(filepath.Join(store.Dir, pd.Name(), bd.Name())); err != nil {
					return removed, err
				}
				removed++
			}
		}
	}
	return removed, nil
}
