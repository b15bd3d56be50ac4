package runtime

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/runtime/artifact"
)

// Trial makes a run one trial of a search (blocks/search): it runs the function Entry of its only
// block (selected with SelectOnly) with Params added to the variables, does not store the
// block's output, and tags what the block logs with the trial's number.
type Trial struct {
	Number int               `json:"number"`
	Entry  string            `json:"entry"`
	Params map[string]string `json:"params"`
	Values map[string]any    `json:"values,omitempty"`
}

// TrialFunc runs a trial of block in a worker process of its own, sending what it logs through
// emit (records tagged with the trial's number, log lines) as events of the block's run.
type TrialFunc func(ctx context.Context, plan *Plan, runID, block string, t blocks.TrialRequest, emit func(Event)) blocks.TrialResult

// ModelFunc resolves a registered model reference (name, name@alias, name/version).
type ModelFunc func(ctx context.Context, ref string) (blocks.ModelVersion, error)

// tracker is the blocks.Tracker of one block attempt: records become BlockRecord events, which
// the supervisor's recorder stores in the history.
type tracker struct {
	ctx       context.Context
	r         *Runner
	x         *execution
	n         *Node
	artifacts *artifact.Store
	trial     int
}

func newTracker(ctx context.Context, r *Runner, x *execution, n *Node) *tracker {
	t := &tracker{ctx: ctx, r: r, x: x, n: n, artifacts: artifact.NewStore(x.plan.Project.Dir)}
	if tr := x.plan.Options.Trial; tr != nil {
		t.trial = tr.Number
	}
	return t
}

func (t *tracker) Record(rec blocks.Record) {
	if t.trial > 0 {
		rec.Trial = t.trial
	}
	if rec.Kind == blocks.RecordModel {
		rec.CodeHash = codeHash(t.x.plan, t.n)
	}
	t.x.emit(Event{Kind: BlockRecord, Block: t.n.Name(), Record: &rec})
}

func (t *tracker) PutArtifact(data []byte) (string, error) { return t.artifacts.Put(data) }

func (t *tracker) Model(ref string) (blocks.ModelVersion, []byte, error) {
	if t.r.o.Models == nil {
		return blocks.ModelVersion{}, nil, fmt.Errorf("load model %q: this run has no model registry", ref)
	}
	v, err := t.r.o.Models(t.ctx, ref)
	if err != nil {
		return v, nil, err
	}
	data, err := t.artifacts.Read(v.Hash)
	if err != nil {
		return v, nil, fmt.Errorf("load model %s version %d: %w", v.Name, v.Version, err)
	}
	return v, data, nil
}

func (t *tracker) RunTrial(req blocks.TrialRequest) blocks.TrialResult {
	if t.r.o.Trials == nil {
		return blocks.TrialResult{Status: StatusFailed, Err: fmt.Errorf("trial %d: this run cannot start trials (searches run in a worker process: golem run or the editor)", req.Number)}
	}
	if t.trial > 0 {
		return blocks.TrialResult{Status: StatusFailed, Err: fmt.Errorf("trial %d: a trial cannot start a search of its own", req.Number)}
	}
	// A trial's worker reads the block's inputs from the output store: wait until they are stored.
	for _, u := range t.n.Upstream {
		if st := t.x.states[u.Name()]; st != nil && st.saved != nil {
			select {
			case <-st.saved:
			case <-t.ctx.Done():
				return blocks.TrialResult{Status: StatusCancelled, Err: t.ctx.Err()}
			}
		}
	}
	return t.r.o.Trials(t.ctx, t.x.plan, t.x.runID, t.n.Name(), req, t.x.emit)
}

// codeHash identifies a block's code: its file and the utils packages it reaches, as the cache key
// hashes them (without upstreams and variables). Registered models record it as lineage.
func codeHash(plan *Plan, n *Node) string {
	h := sha256.New()
	h.Write(n.Code)
	h.Write([]byte{0})
	if n.Source != nil {
		for _, imp := range utilsClosure(plan.Project.Dir, n.Source.Imports) {
			hashDir(h, filepath.Join(plan.Project.Dir, filepath.FromSlash(imp)), imp)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
