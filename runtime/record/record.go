package record

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
)

// Recorder records runs in a history store.
type Recorder struct {
	H *history.Store
}

// Begin records a run of plan before it starts and returns its ID; blocks the run executes are
// recorded as queued.
func (r *Recorder) Begin(ctx context.Context, plan *runtime.Plan, trigger string, scheduledAt time.Time) (string, error) {
	id, err := r.Queue(ctx, plan, trigger, scheduledAt)
	if err != nil {
		return "", err
	}
	return id, r.Start(ctx, id)
}

// Queue records a run of plan as queued and returns its ID.
func (r *Recorder) Queue(ctx context.Context, plan *runtime.Plan, trigger string, scheduledAt time.Time) (string, error) {
	if trigger == "" {
		trigger = history.TriggerCLI
	}
	run := &history.PipelineRun{
		Pipeline: plan.Pipeline.Name, Trigger: trigger, Vars: plan.Vars,
		Status: history.Queued, ScheduledAt: scheduledAt,
	}
	for _, b := range plan.Blocks() {
		run.Blocks = append(run.Blocks, history.BlockRun{Name: b, Status: history.Queued})
	}
	if err := r.H.Create(ctx, run); err != nil {
		return "", fmt.Errorf("record run of %s: %w", plan.Pipeline.Name, err)
	}
	return run.ID, nil
}

// Start records that queued run id has started.
func (r *Recorder) Start(ctx context.Context, id string) error {
	return r.update(ctx, id, func(run *history.PipelineRun) {
		run.Status, run.StartedAt = history.Running, time.Now()
	})
}

// Cancel records that run id was cancelled before it started.
func (r *Recorder) Cancel(ctx context.Context, id string) error {
	return r.update(ctx, id, func(run *history.PipelineRun) {
		run.Status, run.EndedAt = history.Cancelled, time.Now()
		for i := range run.Blocks {
			run.Blocks[i].Status = history.Cancelled
		}
	})
}

// Track records the events of run id as they come and forwards each to out (when not nil). It
// returns when in is closed. Errors writing the history are collected and returned; the run goes on.
func (r *Recorder) Track(ctx context.Context, id string, in <-chan runtime.Event, out chan<- runtime.Event) error {
	var errs []error
	logs := map[string][]string{}
	var mu sync.Mutex
	flush := func(block string) {
		mu.Lock()
		lines := logs[block]
		delete(logs, block)
		mu.Unlock()
		if len(lines) > 0 {
			if err := r.H.AppendLog(id, block, lines...); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for e := range in {
		switch e.Kind {
		case runtime.BlockLog:
			mu.Lock()
			logs[e.Block] = append(logs[e.Block], e.Line)
			n := len(logs[e.Block])
			mu.Unlock()
			if n >= 200 {
				flush(e.Block)
			}
		case runtime.BlockStarted:
			flush(e.Block)
			errs = append(errs, r.update(ctx, id, func(run *history.PipelineRun) {
				b := run.Block(e.Block)
				b.Status = history.Running
				if e.Status == runtime.StatusRetrying {
					b.Status = history.Retrying
					if n := len(b.Attempts); n > 0 && b.Attempts[n-1].End.IsZero() {
						b.Attempts[n-1].End = e.Time
					}
				}
				b.Attempts = append(b.Attempts, history.Attempt{Start: e.Time})
			}))
		case runtime.BlockFinished:
			flush(e.Block)
			errs = append(errs, r.update(ctx, id, func(run *history.PipelineRun) {
				b := run.Block(e.Block)
				b.Status = history.Status(e.Status)
				b.Rows, b.Cols, b.Duration = e.Rows, e.Cols, e.Duration
				if n := len(b.Attempts); n > 0 {
					b.Attempts[n-1].End = e.Time
					if e.Err != nil {
						b.Attempts[n-1].Error = e.Err.Error()
					}
				}
				if e.Status == runtime.StatusSucceeded {
					b.OutputRef = ".golem/outputs/" + run.Pipeline + "/" + e.Block
				}
			}))
		}
		if out != nil {
			out <- e
		}
	}
	mu.Lock()
	var rest []string
	for b := range logs {
		rest = append(rest, b)
	}
	mu.Unlock()
	for _, b := range rest {
		flush(b)
	}
	return errors.Join(errs...)
}

// Finish records the end of run id: its result, or the error that stopped it before any block ran.
func (r *Recorder) Finish(ctx context.Context, id string, res *runtime.Result, runErr error) error {
	return r.update(ctx, id, func(run *history.PipelineRun) {
		run.EndedAt = time.Now()
		switch {
		case runErr != nil:
			run.Status, run.Error = history.Failed, runErr.Error()
		case res != nil:
			run.Status = history.Status(res.Status)
			if err := res.Err(); err != nil && res.Status != runtime.StatusSucceeded {
				run.Error = err.Error()
			}
		}
		for i := range run.Blocks {
			if b := &run.Blocks[i]; !b.Status.Terminal() {
				b.Status = history.Cancelled
				if run.Status == history.Failed {
					b.Status = history.Skipped
				}
			}
		}
	})
}

func (r *Recorder) update(ctx context.Context, id string, fn func(*history.PipelineRun)) error {
	// History writes must land even when the run's context is cancelled (Ctrl-C).
	ctx = context.WithoutCancel(ctx)
	_, err := r.H.Update(ctx, id, func(run *history.PipelineRun) error {
		fn(run)
		return nil
	})
	return err
}
