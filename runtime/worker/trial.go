package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
)

// RunTrial runs one trial of a search that block runs in run runID (see runtime.Trial): the
// block's trial function, in a worker process of its own, from the block's stored inputs. What
// the trial logs comes back through emit as records of the block (tagged with the trial's number)
// and its log lines prefixed with "trial N:"; req.OnStep sees its stepped points and may stop it.
func (x *Executor) RunTrial(ctx context.Context, plan *runtime.Plan, runID, block string, req blocks.TrialRequest, emit func(runtime.Event)) blocks.TrialResult {
	opts := runtime.Options{Vars: plan.Options.Vars, Blocks: []string{block}, Select: runtime.SelectOnly, Trigger: plan.Options.Trigger,
		ExecutionTime: plan.Options.ExecutionTime, MaxParallel: 1,
		Trial: &runtime.Trial{Number: req.Number, Entry: req.Entry, Params: req.Params, Values: req.Values}}
	tplan, err := runtime.Build(plan.Project, plan.Pipeline.Name, opts)
	if err != nil {
		return blocks.TrialResult{Status: runtime.StatusFailed, Err: fmt.Errorf("trial %d: %w", req.Number, err)}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan runtime.Event, 256)
	var mu sync.Mutex
	metrics := map[string]float64{}
	pruned := false
	var last float64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			switch e.Kind {
			case runtime.BlockRecord:
				rec := *e.Record
				emit(runtime.Event{Kind: runtime.BlockRecord, Block: block, Record: &rec})
				if rec.Kind != blocks.RecordMetric {
					continue
				}
				mu.Lock()
				metrics[rec.Name] = rec.Number
				stop := !pruned && rec.Stepped && req.OnStep != nil && req.OnStep(rec.Name, rec.Step, rec.Number)
				if stop {
					pruned, last = true, rec.Number
				}
				mu.Unlock()
				if stop {
					cancel()
				}
			case runtime.BlockLog:
				emit(runtime.Event{Kind: runtime.BlockLog, Block: block, Line: fmt.Sprintf("trial %d: %s", req.Number, e.Line)})
			}
		}
	}()
	res, err := x.RunWithID(ctx, tplan, runID, events)
	close(events)
	<-done
	mu.Lock()
	defer mu.Unlock()
	out := blocks.TrialResult{Metrics: metrics}
	switch {
	case pruned:
		out.Status, out.Value = "pruned", last
	case err != nil:
		out.Status, out.Err = runtime.StatusFailed, fmt.Errorf("trial %d: %w", req.Number, err)
	case res.Status != runtime.StatusSucceeded:
		out.Status, out.Err = res.Status, fmt.Errorf("trial %d: %w", req.Number, res.Err())
	default:
		out.Status = runtime.StatusSucceeded
		for _, b := range res.Blocks {
			if b.Name == block && len(b.Value) > 0 {
				if err := json.Unmarshal(b.Value, &out.Value); err != nil {
					out.Status, out.Err = runtime.StatusFailed, fmt.Errorf("trial %d: its value %s: %w", req.Number, b.Value, err)
				}
			}
		}
	}
	return out
}

// resolveModel resolves registered models from the project's history, read only: the worker
// never writes the history.
func resolveModel(projectDir string) runtime.ModelFunc {
	h := history.OpenReader(filepath.Join(projectDir, ".golem"), history.Options{})
	return func(ctx context.Context, ref string) (blocks.ModelVersion, error) {
		v, err := h.ResolveModel(ctx, ref)
		if errors.Is(err, history.ErrNoAlias) {
			return blocks.ModelVersion{}, fmt.Errorf("%w: %w", blocks.ErrNoAlias, err)
		}
		if err != nil {
			return blocks.ModelVersion{}, fmt.Errorf("load model %q: %w", ref, err)
		}
		_, alias, _, _ := history.ParseModelRef(ref)
		return blocks.ModelVersion{Name: v.Name, Version: v.Version, Alias: alias, RunID: v.RunID, Pipeline: v.Pipeline,
			Block: v.Block, Hash: v.Hash}, nil
	}
}
