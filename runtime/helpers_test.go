package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/projecttest"
	"github.com/golemlabs/golem/runtime/output"
)

// project writes files plus pipeline p's pipeline.yaml (blocks given as YAML list items) into a
// temporary project and returns its directory.
func project(t testing.TB, pipelineBlocks string, files map[string]string) string {
	t.Helper()
	all := map[string]string{projecttest.PipelineFile("p"): "name: p\nblocks:\n" + pipelineBlocks}
	for k, v := range files {
		all[k] = v
	}
	return projecttest.New(t, all)
}

// load loads dir even when validation reports problems, so Build's own checks can be tested.
func load(t testing.TB, dir string) *projects.Project {
	t.Helper()
	p, err := projects.Load(dir)
	if p == nil {
		t.Fatalf("load: %v", err)
	}
	return p
}

// runResult is what a test run produced.
type runResult struct {
	*Result
	Events []Event
}

func (r runResult) block(t testing.TB, name string) BlockResult {
	t.Helper()
	for _, b := range r.Blocks {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no result for block %q in %+v", name, r.Blocks)
	return BlockResult{}
}

// runDir builds pipeline p of the project in dir and runs it, collecting every event.
func runDir(t testing.TB, ctx context.Context, dir string, opts Options, ro RunnerOptions) (runResult, error) {
	t.Helper()
	plan, err := Build(load(t, dir), "p", opts)
	if err != nil {
		return runResult{}, err
	}
	if ro.Store == nil {
		ro.Store = output.NewStore(dir)
	}
	events := make(chan Event, 64)
	var got []Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			got = append(got, e)
		}
	}()
	res, err := NewRunner(ro).Run(ctx, plan, events)
	close(events)
	<-done
	return runResult{Result: res, Events: got}, err
}

// mustRun is runDir that fails the test when the run cannot start.
func mustRun(t testing.TB, dir string, opts Options, ro RunnerOptions) runResult {
	t.Helper()
	r, err := runDir(t, t.Context(), dir, opts, ro)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return r
}

func wantStatus(t testing.TB, r runResult, block, status string) BlockResult {
	t.Helper()
	b := r.block(t, block)
	if b.Status != status {
		t.Errorf("block %s: status %s, want %s (err: %v, logs: %q)", block, b.Status, status, errString(b.Err), b.Logs)
	}
	return b
}

func errString(e *BlockError) string {
	if e == nil {
		return "<nil>"
	}
	return e.Error()
}

func wantErrContains(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error lacks %q:\n%v", p, err)
		}
	}
}

func wantIs(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("error is not %v: %v", target, err)
	}
}

const loaderFrame = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.MustNew(frame.NewInts("x", []int64{1, 2, 3})), nil
}
`

func nilStore(dir string) *output.Store { return output.NewStore(dir) }
