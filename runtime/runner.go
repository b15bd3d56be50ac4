package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/internal/jsonvalue"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/retry"
)

// Statuses of runs and block runs: the history's words (history.Status), so that a status means
// the same in events, results, the history, golem runs and the editor.
const (
	StatusQueued    = string(history.Queued)
	StatusRunning   = string(history.Running)
	StatusSucceeded = string(history.Succeeded)
	StatusFailed    = string(history.Failed)
	StatusCancelled = string(history.Cancelled)
	StatusSkipped   = string(history.Skipped)
	StatusCached    = string(history.Cached)
	StatusRetrying  = string(history.Retrying)
)

// EventKind names what an Event reports.
type EventKind string

// Event kinds, in the order a run emits them.
const (
	RunQueued     EventKind = "run_queued" // waiting for a slot; Line says behind which run
	RunStarted    EventKind = "run_started"
	BlockStarted  EventKind = "block_started"
	BlockLog      EventKind = "block_log"
	BlockSaving   EventKind = "block_saving" // its code is done; its output is being stored
	BlockFinished EventKind = "block_finished"
	BlockRecord   EventKind = "block_record" // a parameter, metric, artifact or model the block logged (Record)
	RunFinished   EventKind = "run_finished"
)

// Event is progress of a run, sent on the channel given to Runner.Run.
type Event struct {
	Kind     EventKind      `json:"type"`
	Time     time.Time      `json:"time"`
	RunID    string         `json:"run_id"`
	Pipeline string         `json:"pipeline"`
	Block    string         `json:"block,omitempty"`
	Status   string         `json:"status,omitempty"`
	Line     string         `json:"line,omitempty"`
	Rows     int            `json:"rows,omitempty"`
	Cols     int            `json:"cols,omitempty"`
	Attempt  int            `json:"attempt,omitempty"`
	Duration time.Duration  `json:"duration,omitempty"`
	Err      *BlockError    `json:"error,omitempty"`
	Trigger  string         `json:"trigger,omitempty"` // run_queued, run_started: who asked for the run
	Worker   string         `json:"worker,omitempty"`  // the cluster worker that runs the run (attempt: its attempt)
	Blocks   []string       `json:"blocks,omitempty"`  // run_queued, run_started: the blocks it executes
	Record   *blocks.Record `json:"record,omitempty"`  // block_record: what the block logged
}

// Result is the outcome of a run.
type Result struct {
	RunID    string        `json:"run_id"`
	Pipeline string        `json:"pipeline"`
	Status   string        `json:"status"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Blocks   []BlockResult `json:"blocks"`
	// Error is what ended the run besides its blocks: the death of its worker process.
	Error string `json:"error,omitempty"`
	// Stderr holds the last lines the run's worker process wrote to stderr when it died.
	Stderr []string `json:"stderr,omitempty"`
	// Worker is the cluster worker that ran the run's last attempt ("" for a local run).
	Worker string `json:"worker,omitempty"`
	// PeakRSS is the peak resident memory of the run's worker process, in bytes (0: unknown).
	PeakRSS int64 `json:"peak_rss,omitempty"`
}

// Err returns the first block error of a failed run, or nil.
func (r *Result) Err() error {
	for _, b := range r.Blocks {
		if b.Err != nil {
			return b.Err
		}
	}
	if r.Status != StatusSucceeded {
		return fmt.Errorf("run %s %s", r.RunID, r.Status)
	}
	return nil
}

// FailedBlock names the block that failed the run: the one whose error is the run's Error when
// set (a worker's death also fails the blocks it interrupted), else the first failed block.
func (r *Result) FailedBlock() string {
	for _, b := range r.Blocks {
		if b.Err != nil && b.Status == StatusFailed && (r.Error == "" || b.Err.Error() == r.Error) {
			return b.Name
		}
	}
	return ""
}

// BlockResult is the outcome of one block in a run.
type BlockResult struct {
	Name     string          `json:"name"`
	Status   string          `json:"status"`
	Attempts int             `json:"attempts,omitempty"`
	Duration time.Duration   `json:"duration_ns"`
	Rows     int             `json:"rows,omitempty"`
	Cols     int             `json:"cols,omitempty"`
	GoType   string          `json:"type,omitempty"`
	Value    json.RawMessage `json:"value,omitempty"` // small JSON outputs only
	Err      *BlockError     `json:"error,omitempty"`
	Logs     []string        `json:"-"`
}

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	Store        *output.Store
	MaxParallel  int           // default for plans that set none; 0 = 2
	BlockTimeout time.Duration // default for blocks that set none; 0 = no timeout
	SenseEvery   time.Duration // how often a sensor is polled; 0 = 1s
	Clock        retry.Clock   // nil = real time
	MaxLogLines  int           // per block kept in the result; 0 = 10,000
	// MemoryLimit is the run's memory limit (bytes), of which SQL blocks' DuckDB may use a share;
	// 0 leaves DuckDB its default.
	MemoryLimit int64
	// OnEvent, when set, receives every event synchronously as it happens, before the events
	// channel: a worker process writes it to its supervisor before the block goes on, so a crash
	// right after a log line does not lose the line.
	OnEvent func(Event)
	// Trials runs the trials of searches in worker processes; nil refuses searches.
	Trials TrialFunc
	// Models resolves registered models for ml.LoadModel; nil refuses.
	Models ModelFunc
}

// Runner executes plans.
type Runner struct {
	o RunnerOptions
}

// NewRunner returns a Runner.
func NewRunner(o RunnerOptions) *Runner {
	if o.MaxParallel <= 0 {
		o.MaxParallel = 2
	}
	if o.SenseEvery <= 0 {
		o.SenseEvery = time.Second
	}
	if o.Clock == nil {
		o.Clock = retry.Real{}
	}
	if o.MaxLogLines <= 0 {
		o.MaxLogLines = 10000
	}
	return &Runner{o: o}
}

// NewRunID returns a new, time-ordered run identifier.
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

type nodeState struct {
	done   chan struct{}
	saved  chan struct{} // closed once the block's output is stored (or will not be)
	status string
	value  any
	stored func() (any, error) // loads a cached block's stored output, once, for the first downstream that needs it
	key    string              // cache key of the output
	res    BlockResult
}

// execution is the state of one run of a plan that its blocks share.
type execution struct {
	plan   *Plan
	runID  string
	states map[string]*nodeState // by block name
	emit   func(Event)
	saves  sync.WaitGroup // outputs being persisted while their downstreams already run
}

// slot is a block's place among the blocks that may run at once: held until its output is
// stored, by the block or by its background save.
type slot struct {
	release func()
	saving  bool // set when a background save takes over the slot
}

// Run executes plan and returns its result; events, when not nil, receive progress and must be
// drained by the caller. A failed block fails the run and skips its downstreams; independent
// blocks go on. Cancelling ctx stops running blocks promptly.
func (r *Runner) Run(ctx context.Context, plan *Plan, events chan<- Event) (*Result, error) {
	return r.RunWithID(ctx, plan, NewRunID(), events)
}

// RunWithID is Run with a run identifier chosen by the caller (recorded in history beforehand).
func (r *Runner) RunWithID(ctx context.Context, plan *Plan, runID string, events chan<- Event) (*Result, error) {
	if err := plan.CheckStoredInputs(r.o.Store); err != nil {
		return nil, err
	}
	// Partial outputs of a run whose worker was killed mid-write would stay forever otherwise.
	if plan.Options.Trial == nil { // a trial runs beside its search's run, which may be saving
		_, _ = r.o.Store.RemoveStale(plan.Pipeline.Name)
	}
	pipeline := plan.Pipeline.Name
	res := &Result{RunID: runID, Pipeline: pipeline, Started: time.Now()}
	var emitMu sync.Mutex
	emit := func(e Event) {
		if events == nil && r.o.OnEvent == nil {
			return
		}
		e.RunID, e.Pipeline = runID, pipeline
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		emitMu.Lock()
		defer emitMu.Unlock()
		if r.o.OnEvent != nil {
			r.o.OnEvent(e)
		}
		if events != nil {
			events <- e
		}
	}
	emit(Event{Kind: RunStarted, Status: StatusRunning, Trigger: plan.Options.Trigger, Blocks: plan.Blocks()})

	maxPar := plan.Options.MaxParallel
	if maxPar <= 0 {
		maxPar = plan.Pipeline.Settings.MaxParallelBlocks
	}
	if maxPar <= 0 {
		maxPar = plan.Project.Config.Settings.MaxParallelBlocks
	}
	if maxPar <= 0 {
		maxPar = r.o.MaxParallel
	}
	runCtx := ctx
	if t := plan.Pipeline.Settings.Timeout.D(); t > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	sem := make(chan struct{}, maxPar)
	x := &execution{plan: plan, runID: runID, states: map[string]*nodeState{}, emit: emit}
	states := x.states
	for _, n := range plan.Nodes {
		states[n.Name()] = &nodeState{done: make(chan struct{}), saved: make(chan struct{})}
	}
	// consumers counts, per block, the downstream blocks of this run still to read its value; the
	// last one drops it, so a long pipeline does not hold every intermediate frame until the end.
	var consumeMu sync.Mutex
	consumers := map[string]int{}
	for _, n := range plan.Nodes {
		if n.Run && n.Source != nil {
			for _, u := range n.Upstream {
				consumers[u.Name()]++
			}
		}
	}
	consumed := func(n *Node) {
		consumeMu.Lock()
		defer consumeMu.Unlock()
		for _, u := range n.Upstream {
			consumers[u.Name()]--
			if consumers[u.Name()] == 0 {
				states[u.Name()].value = nil
				states[u.Name()].stored = nil
			}
		}
	}
	var wg sync.WaitGroup
	for _, n := range plan.Nodes {
		st := states[n.Name()]
		if !n.Run || n.Source == nil {
			close(st.done)
			close(st.saved)
			st.status = ""
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := &slot{}
			defer func() {
				if !sl.saving {
					close(st.saved)
				}
			}()
			defer consumed(n)
			defer close(st.done)
			st.res = BlockResult{Name: n.Name()}
			for _, u := range n.Upstream {
				us := states[u.Name()]
				<-us.done
				if us.status != "" && us.status != StatusSucceeded && us.status != StatusCached {
					st.status = StatusSkipped
					st.res.Status = StatusSkipped
					st.res.Err = &BlockError{Block: n.Name(), Message: fmt.Sprintf("skipped: upstream %q %s", u.Name(), us.status)}
					emit(Event{Kind: BlockFinished, Block: n.Name(), Status: StatusSkipped, Err: st.res.Err})
					return
				}
			}
			select {
			case sem <- struct{}{}:
			case <-runCtx.Done():
				st.status = StatusCancelled
				st.res.Status = StatusCancelled
				emit(Event{Kind: BlockFinished, Block: n.Name(), Status: StatusCancelled})
				return
			}
			// The slot is held until the block's output is stored, so MaxParallel bounds blocks
			// and saves together (MaxParallel 1 stays strictly serial).
			sl.release = sync.OnceFunc(func() { <-sem })
			defer func() {
				if !sl.saving {
					sl.release()
				}
			}()
			r.execNode(runCtx, x, n, st, sl)
		}()
	}
	wg.Wait()
	x.saves.Wait()
	res.Status = StatusSucceeded
	for _, n := range plan.Nodes {
		st := states[n.Name()]
		if st.status == "" {
			continue
		}
		res.Blocks = append(res.Blocks, st.res)
		switch st.res.Status {
		case StatusFailed, StatusSkipped:
			if res.Status == StatusSucceeded {
				res.Status = StatusFailed
			}
		case StatusCancelled:
			res.Status = StatusCancelled
		}
	}
	if ctx.Err() != nil {
		res.Status = StatusCancelled
	}
	res.Duration = time.Since(res.Started)
	emit(Event{Kind: RunFinished, Status: res.Status, Duration: res.Duration})
	return res, nil
}

// execNode runs one block. Once it succeeds its downstreams may start from the value in memory
// while the output is persisted in the background (saves): parquet encoding of a large frame
// overlaps with downstream work. The block's final status and block_finished event come once its
// output is stored, and the run ends only after every save.
func (r *Runner) execNode(ctx context.Context, x *execution, n *Node, st *nodeState, sl *slot) {
	plan, emit := x.plan, x.emit
	start := time.Now()
	var logMu sync.Mutex
	log := func(line string) {
		logMu.Lock()
		if len(st.res.Logs) < r.o.MaxLogLines {
			st.res.Logs = append(st.res.Logs, line)
		}
		logMu.Unlock()
		emit(Event{Kind: BlockLog, Block: n.Name(), Line: line})
	}
	st.key = cacheKey(plan, n, r.upstreamKeys(x, n))
	trial := plan.Options.Trial != nil
	if m, ok := cached(r.o.Store, plan, n, st.key, r.o.Clock.Now()); ok && !trial {
		// The stored output is read only when a downstream that runs needs it: a cached block
		// whose downstreams are all cached costs its meta.json (a month of trips was 17 MB read).
		st.status, st.stored = StatusCached, sync.OnceValues(func() (any, error) {
			v, _, err := r.o.Store.Load(plan.Pipeline.Name, n.Name())
			return v, err
		})
		st.res.Status, st.res.Rows, st.res.Cols, st.res.GoType = StatusCached, m.Rows, m.Cols, m.GoType
		st.res.Duration = time.Since(start)
		emit(Event{Kind: BlockFinished, Block: n.Name(), Status: StatusCached, Rows: m.Rows, Cols: m.Cols, Duration: st.res.Duration})
		return
	}
	emit(Event{Kind: BlockStarted, Block: n.Name(), Status: StatusRunning})

	inputs, err := r.inputs(x, n)
	var out any
	if err == nil {
		policy := r.policy(plan, n)
		var attempts []retry.Attempt
		attempts, err = retry.Do(ctx, r.o.Clock, policy, func(ctx context.Context, attempt int) error {
			if attempt > 1 {
				emit(Event{Kind: BlockStarted, Block: n.Name(), Status: StatusRetrying, Attempt: attempt})
				log(fmt.Sprintf("retrying (attempt %d of %d)", attempt, policy.Count+1))
			}
			var err error
			out, err = r.attempt(ctx, x, n, inputs, log)
			return err
		})
		st.res.Attempts = len(attempts)
	}
	st.res.Duration = time.Since(start)
	if err != nil {
		st.status = StatusFailed
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			st.status = StatusCancelled
		}
		st.res.Status = st.status
		st.res.Err = asBlockError(n, err)
		emit(Event{Kind: BlockFinished, Block: n.Name(), Status: st.status, Duration: st.res.Duration, Err: st.res.Err})
		return
	}
	st.value = out
	if f, ok := out.(*frame.Frame); ok && f != nil {
		st.res.Rows, st.res.Cols = f.Shape()
	}
	if out != nil {
		st.res.GoType = reflect.TypeOf(out).String()
		if _, ok := out.(*frame.Frame); !ok {
			if b, err := jsonvalue.Marshal(out); err == nil && len(b) <= 4096 {
				st.res.Value = b
			}
		}
	}
	// Downstreams read only st.status, st.value and st.key (after st.done closes); from here the
	// save owns st.res.
	st.status = StatusSucceeded
	finish := func(err error) {
		st.res.Duration = time.Since(start)
		if err != nil {
			st.res.Status = StatusFailed
			st.res.Err = asBlockError(n, err)
			emit(Event{Kind: BlockFinished, Block: n.Name(), Status: StatusFailed, Duration: st.res.Duration, Err: st.res.Err})
			return
		}
		st.res.Status = StatusSucceeded
		emit(Event{Kind: BlockFinished, Block: n.Name(), Status: StatusSucceeded, Rows: st.res.Rows, Cols: st.res.Cols, Duration: st.res.Duration})
	}
	if out == nil || trial { // a trial's value is its result, not the block's output
		finish(nil)
		return
	}
	emit(Event{Kind: BlockSaving, Block: n.Name(), Status: StatusRunning})
	x.saves.Add(1)
	sl.saving = true
	go func() {
		defer x.saves.Done()
		defer close(st.saved)
		defer sl.release()
		_, err := r.o.Store.SaveKeyed(plan.Pipeline.Name, n.Name(), out, x.runID, st.key)
		finish(err)
	}()
}

// upstreamKeys returns the cache keys of n's upstreams: from this run, or from their stored outputs.
func (r *Runner) upstreamKeys(x *execution, n *Node) []string {
	plan, states := x.plan, x.states
	var keys []string
	for _, u := range n.Upstream {
		if u.Run && u.Source != nil {
			keys = append(keys, states[u.Name()].key)
			continue
		}
		if m, err := r.o.Store.Meta(plan.Pipeline.Name, u.Name()); err == nil {
			k := m.CacheKey
			if k == "" {
				k = m.RunID
			}
			keys = append(keys, k)
		} else {
			keys = append(keys, "none")
		}
	}
	return keys
}

// inputs gathers a node's upstream outputs: from this run, or from the output store.
func (r *Runner) inputs(x *execution, n *Node) ([]any, error) {
	plan, states := x.plan, x.states
	if !n.Source.Kind.TakesInputs() {
		return nil, nil
	}
	var ins []any
	for _, u := range inputsOf(n) {
		if us := states[u.Name()]; u.Run && us.stored == nil {
			ins = append(ins, us.value)
			continue
		} else if u.Run {
			v, err := us.stored()
			if err != nil {
				return nil, fmt.Errorf("load cached output of upstream %q: %w", u.Name(), err)
			}
			ins = append(ins, v)
			continue
		}
		v, _, err := r.o.Store.Load(plan.Pipeline.Name, u.Name())
		if err != nil {
			return nil, fmt.Errorf("load output of upstream %q: %w", u.Name(), err)
		}
		ins = append(ins, v)
	}
	return ins, nil
}

func (r *Runner) policy(plan *Plan, n *Node) retry.Policy {
	rs := n.Block.Retries
	if rs == nil {
		rs = plan.Pipeline.Settings.Retries
	}
	if rs == nil {
		rs = plan.Project.Config.Settings.Retries
	}
	if rs == nil {
		return retry.Policy{}
	}
	return retry.Policy{Count: rs.Count, Delay: rs.Delay.D(), Backoff: rs.Backoff, MaxDelay: rs.MaxDelay.D(), Jitter: rs.Jitter}
}

func (r *Runner) timeout(plan *Plan, n *Node) time.Duration {
	return plan.BlockTimeout(n, r.o.BlockTimeout)
}

// BlockTimeout is n's timeout: the block's own, else the project's, else def (0: none).
func (p *Plan) BlockTimeout(n *Node, def time.Duration) time.Duration {
	if t := n.Block.Timeout.D(); t > 0 {
		return t
	}
	if t := p.Project.Config.Settings.BlockTimeout.D(); t > 0 {
		return t
	}
	return def
}

// attempt runs a block once in a fresh interpreter, then its Test function.
func (r *Runner) attempt(ctx context.Context, x *execution, n *Node, inputs []any, log func(string)) (out any, err error) {
	plan := x.plan
	timeout := r.timeout(plan, n)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	if n.Source.SQL {
		out, err := r.attemptSQL(ctx, x, n, inputs, log)
		if err != nil && ctx.Err() != nil {
			err = stopError(n, ctx.Err(), timeout, err)
		}
		return out, err
	}
	it, err := newInterpreter(plan.Project.Dir, n, log, append(slices.Clone(n.Source.Imports), plan.utilsImports()...))
	if err != nil {
		return nil, err
	}
	defer it.close()
	if err := it.followContext(ctx); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = stopError(n, ctx.Err(), timeout, err)
		}
	}()
	if err := it.load(ctx); err != nil {
		return nil, retry.Permanent(err) // compile errors do not go away on retry
	}
	src := n.Source
	ft, err := it.funcType(ctx, src.Entry.Name)
	if err != nil {
		return nil, err
	}
	sqlFn, closeSQL := r.sqlHook(x, n, inputs)
	defer closeSQL()
	entry, results := src.Entry.Name, len(src.Entry.Results)
	var trialParams map[string]any
	if t := plan.Options.Trial; t != nil {
		entry, trialParams = t.Entry, t.Values
		if ft, err = it.funcType(ctx, entry); err != nil {
			return nil, retry.Permanent(fmt.Errorf("search trial: the block has no function %s: %w", entry, err))
		}
		if ft.NumOut() != 2 || ft.Out(0).Kind() != reflect.Float64 {
			return nil, retry.Permanent(&BlockError{Block: n.Name(), File: src.File,
				Message: fmt.Sprintf("search trial: %s must return (float64, error): the value the search minimises or maximises", entry)})
		}
		results = 1
	}
	bctx := blocks.NewContext(blocks.ContextOptions{
		Context: ctx, Vars: plan.Vars, Log: it.logLine, ProjectDir: plan.Project.Dir,
		ExecutionTime: plan.executionTime(), Pipeline: plan.Pipeline.Name, Block: n.Name(), RunID: x.runID,
		SQL: sqlFn, Tracker: newTracker(ctx, r, x, n), TrialParams: trialParams,
	})
	args := []reflect.Value{reflect.ValueOf(bctx)}
	if ft.NumIn() != len(inputs)+1 {
		return nil, &BlockError{Block: n.Name(), File: src.File, Line: src.Entry.Pos.Line, Col: src.Entry.Pos.Column,
			Message: fmt.Sprintf("%s takes %d inputs, got %d", entry, ft.NumIn()-1, len(inputs))}
	}
	ups := inputsOf(n)
	for i, in := range inputs {
		v, err := convert(in, ft.In(i+1))
		if err != nil {
			p := src.Entry.Params[i]
			return nil, &BlockError{Block: n.Name(), File: src.File, Line: p.Pos.Line, Col: p.Pos.Column,
				Message: fmt.Sprintf("parameter %d (%s) from upstream %q: %v", i+1, p.Display, ups[i].Name(), err)}
		}
		args = append(args, v)
	}
	if src.Kind == blocks.Sensor {
		return r.sense(ctx, it, n, args)
	}
	out, err = it.call(ctx, entry, args, results)
	if err != nil {
		return nil, err
	}
	if trialParams != nil || plan.Options.Trial != nil {
		return out, nil
	}
	if f, ok := out.(*frame.Frame); (ok && f == nil) || (out == nil && len(src.Entry.Results) == 1 && src.Entry.Results[0].Key == "*"+blocks.ModulePath+"/frame.Frame") {
		return nil, &BlockError{Block: n.Name(), File: src.File, Line: src.Entry.Pos.Line, Col: src.Entry.Pos.Column,
			Message: fmt.Sprintf("%s returned a nil *frame.Frame and no error: return a frame (frame.MustNew() has no rows) or an error", src.Entry.Name)}
	}
	if src.Test != nil {
		if err := r.test(ctx, it, n, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *Runner) sense(ctx context.Context, it *interpreter, n *Node, args []reflect.Value) (any, error) {
	for {
		out, err := it.call(ctx, n.Source.Entry.Name, args, 1)
		if err != nil {
			return nil, err
		}
		if ok, _ := out.(bool); ok {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-r.o.Clock.After(r.o.SenseEvery):
		}
	}
}

func (r *Runner) test(ctx context.Context, it *interpreter, n *Node, out any) error {
	tt, err := it.funcType(ctx, "Test")
	if err != nil {
		return err
	}
	var args []reflect.Value
	if tt.NumIn() == 1 {
		v, err := convert(out, tt.In(0))
		if err != nil {
			return &BlockError{Block: n.Name(), File: n.Source.File, Line: n.Source.Test.Pos.Line, Message: "Test: " + err.Error()}
		}
		args = append(args, v)
	}
	if _, err := it.call(ctx, "Test", args, 0); err != nil {
		var be *BlockError
		if errors.As(err, &be) && be.Line == 0 {
			be.Line, be.Col = n.Source.Test.Pos.Line, n.Source.Test.Pos.Column
			be.Message = "test failed: " + be.Message
		}
		return err
	}
	return nil
}

// stopError explains a block stopped by its timeout or by cancellation.
func stopError(n *Node, ctxErr error, timeout time.Duration, cause error) error {
	be := asBlockError(n, cause)
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		be.Message = fmt.Sprintf("stopped after its timeout of %s", timeout)
		be.Err = ErrTimeout
	} else {
		be.Message = "cancelled"
		be.Err = ErrCancelled
	}
	return be
}

func asBlockError(n *Node, err error) *BlockError {
	var be *BlockError
	if errors.As(err, &be) {
		be.Message = cutMessage(be.Message)
		return be
	}
	for errors.Unwrap(err) != nil && retry.IsPermanent(err) {
		err = errors.Unwrap(err)
	}
	file := ""
	if n.Source != nil {
		file = n.Source.File
	}
	return &BlockError{Block: n.Name(), File: file, Message: cutMessage(err.Error()), Err: err}
}

// executionTime is the time the run stands for: the scheduled time, else the plan's first use.
func (p *Plan) executionTime() time.Time {
	if !p.Options.ExecutionTime.IsZero() {
		return p.Options.ExecutionTime
	}
	p.startOnce.Do(func() { p.started = time.Now() })
	return p.started
}
