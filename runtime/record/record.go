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

	mu      sync.Mutex
	pending map[string][]func(*history.PipelineRun) // changes Track left for Finish, by run
}

// Queue records a run of plan as queued and returns its ID.
func (r *Recorder) Queue(ctx context.Context, plan *runtime.Plan, trigger string, scheduledAt time.Time) (string, error) {
	run := newRun(plan, trigger, scheduledAt)
	if err := r.H.Create(ctx, run); err != nil {
		return "", fmt.Errorf("record run of %s: %w", plan.Pipeline.Name, err)
	}
	return run.ID, nil
}

// QueueAndClaim is Queue then Claim in one history write: the run is recorded and, when the
// pipeline's limit allows, started; otherwise it waits behind the run returned.
func (r *Recorder) QueueAndClaim(ctx context.Context, plan *runtime.Plan, trigger string, scheduledAt time.Time, limit int) (id string, started bool, behind string, err error) {
	run := newRun(plan, trigger, scheduledAt)
	started, behind, err = r.H.CreateStarted(context.WithoutCancel(ctx), run, limit)
	if err != nil {
		return "", false, "", fmt.Errorf("record run of %s: %w", plan.Pipeline.Name, err)
	}
	return run.ID, started, behind, nil
}

func newRun(plan *runtime.Plan, trigger string, scheduledAt time.Time) *history.PipelineRun {
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
	return run
}

// Claim records queued run id as running when its pipeline's limit of concurrent runs allows it
// (see history.Store.Claim); otherwise it returns the run it waits behind.
func (r *Recorder) Claim(ctx context.Context, id string, limit int) (started bool, behind string, err error) {
	return r.H.Claim(context.WithoutCancel(ctx), id, limit)
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

// coalesce is how long a block's change may wait to be written: the blocks of a fast run are
// then recorded in a few transactions instead of two each, while a block that runs longer is
// recorded as running within this delay. Block code runs in a worker process, so what is pending
// here survives the crash of a block; Finish writes the rest.
const coalesce = 50 * time.Millisecond

// entryTicks is how many ticks what blocks log (metrics, parameters) may wait to be written: a
// block logging a metric per iteration is written every 250 ms, and when it ends.
const entryTicks = 5

// Track records the events of run id as they come and forwards each to out (when not nil). It
// returns when in is closed; changes not yet written are written by Finish. Errors writing the
// history are collected and returned; the run goes on.
func (r *Recorder) Track(ctx context.Context, id string, in <-chan runtime.Event, out chan<- runtime.Event) error {
	var errs []error
	logs := map[string][]string{}
	flush := func(block string) {
		lines := logs[block]
		delete(logs, block)
		if len(lines) > 0 {
			if err := r.H.AppendLog(id, block, lines...); err != nil {
				errs = append(errs, err)
			}
		}
	}
	var pending []func(*history.PipelineRun)
	write := func() {
		if len(pending) == 0 {
			return
		}
		fns := pending
		pending = nil
		errs = append(errs, r.update(ctx, id, func(run *history.PipelineRun) {
			for _, fn := range fns {
				fn(run)
			}
		}))
	}
	tracked := newTracking(id)
	writeEntries := func() {
		if err := tracked.write(ctx, r.H); err != nil {
			errs = append(errs, err)
		}
	}
	tick := time.NewTicker(coalesce)
	defer tick.Stop()
	ticks := 0
	for {
		var e runtime.Event
		var ok bool
		select {
		case e, ok = <-in:
		case <-tick.C:
			// Log lines reach the history file within one tick of being printed.
			for b := range logs {
				flush(b)
			}
			write()
			if ticks++; ticks%entryTicks == 0 {
				writeEntries()
			}
			continue
		}
		if !ok {
			break
		}
		switch e.Kind {
		case runtime.RunStarted:
			if e.Worker != "" { // an attempt on a cluster worker
				pending = append(pending, func(run *history.PipelineRun) {
					if len(run.Workers) < e.Attempt || e.Attempt == 0 { // not when a restarted coordinator replays it
						run.Workers = append(run.Workers, e.Worker)
					}
				})
				write()
			}
		case runtime.BlockRecord:
			if e.Record != nil {
				tracked.add(e)
			}
		case runtime.BlockLog:
			logs[e.Block] = append(logs[e.Block], e.Line)
			if len(logs[e.Block]) >= 200 {
				flush(e.Block)
			}
		case runtime.BlockStarted:
			flush(e.Block)
			pending = append(pending, func(run *history.PipelineRun) {
				b := run.Block(e.Block)
				for _, a := range b.Attempts {
					if a.Start.Equal(e.Time) {
						return // replayed to a restarted coordinator: recorded already
					}
				}
				b.Status = history.Running
				if e.Status == runtime.StatusRetrying {
					b.Status = history.Retrying
					if n := len(b.Attempts); n > 0 && b.Attempts[n-1].End.IsZero() {
						b.Attempts[n-1].End = e.Time
					}
				}
				b.Attempts = append(b.Attempts, history.Attempt{Start: e.Time})
			})
		case runtime.BlockFinished:
			flush(e.Block)
			tracked.finish(e.Block, e.Status)
			writeEntries()
			pending = append(pending, func(run *history.PipelineRun) {
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
			})
		}
		if out != nil {
			out <- e
		}
	}
	for b := range logs {
		flush(b)
	}
	writeEntries()
	if len(pending) > 0 {
		r.mu.Lock()
		if r.pending == nil {
			r.pending = map[string][]func(*history.PipelineRun){}
		}
		r.pending[id] = append(r.pending[id], pending...)
		r.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Finish records the end of run id: its result, or the error that stopped it before any block ran.
func (r *Recorder) Finish(ctx context.Context, id string, res *runtime.Result, runErr error) error {
	r.mu.Lock()
	pending := r.pending[id]
	delete(r.pending, id)
	r.mu.Unlock()
	return r.update(ctx, id, func(run *history.PipelineRun) {
		for _, fn := range pending {
			fn(run)
		}
		run.EndedAt = time.Now()
		switch {
		case runErr != nil:
			run.Status, run.Error = history.Failed, runErr.Error()
		case res != nil:
			run.Status = history.Status(res.Status)
			if err := res.Err(); err != nil && res.Status != runtime.StatusSucceeded {
				run.Error = err.Error()
			}
			if res.Error != "" {
				run.Error = res.Error
			}
			run.Stderr, run.PeakRSS = res.Stderr, res.PeakRSS
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
