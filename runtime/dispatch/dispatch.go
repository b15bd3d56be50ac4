package dispatch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/notify"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/record"
	"github.com/golemlabs/golem/runtime/worker"
)

// Executor executes a planned run: a worker process per run in production (runtime/worker), or
// the in-process runtime.Runner where a test wants one.
type Executor interface {
	RunWithID(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event) (*runtime.Result, error)
}

// Follower is an Executor that can follow a run an earlier process queued on it (the cluster's):
// a coordinator that restarts adopts the runs the cluster still has.
type Follower interface {
	Follow(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event) (*runtime.Result, error)
}

// Options configure a Dispatcher.
type Options struct {
	ProjectDir string
	History    *history.Store
	// Executor runs the runs; nil means a worker process per run (worker.New), so that block code
	// never runs in the dispatcher's process.
	Executor Executor
	// Worker configures the default executor (ignored when Executor is set).
	Worker    worker.Options
	Notifier  *notify.Notifier     // nil: notify.New with its default retries
	EditorURL string               // base URL of the editor, for links in webhooks
	MaxRuns   int                  // runs executing at once in this process, across pipelines; 0 = 4
	KeepRuns  int                  // runs kept per pipeline when the project sets none; 0 = 100
	Poll      time.Duration        // how often a queued run looks for a slot another process freed; 0 = 100ms
	Logf      func(string, ...any) // operational messages; nil = discarded
}

// Request asks for a run.
type Request struct {
	Pipeline    string
	Options     runtime.Options
	Trigger     string    // history trigger: manual, cli, api, schedule:<name>, retry:<id>
	ScheduledAt time.Time // the fire time of a scheduled run
}

// Dispatcher runs pipelines on request: every entry point (golem run, the editor, schedules, the
// API trigger, retries) submits here, so queueing, limits, recording, notifications and
// cancellation are written once. It is safe for concurrent use.
//
// A pipeline's max_concurrent_runs is enforced through the history, so that runs of several
// processes (golem start and golem run on one project) queue behind each other, first come first
// served; MaxRuns bounds the runs executing in this process.
type Dispatcher struct {
	o      Options
	rec    *record.Recorder
	store  *output.Store
	global chan struct{}

	mu      sync.Mutex
	closed  bool
	runs    map[string]*run
	subs    map[chan runtime.Event]bool
	ended   map[string]int // runs ended per pipeline since its last prune
	changed chan struct{}  // closed (and replaced) when a run of this process ends
	wg      sync.WaitGroup
	notes   sync.WaitGroup // webhooks being delivered
}

type run struct {
	id       string
	pipeline string
	trigger  string
	plan     *runtime.Plan
	limit    int
	ctx      context.Context
	cancel   context.CancelFunc
	done     chan struct{}
	started  bool   // recorded as running (holding a global slot) when submitted
	adopted  bool   // queued by an earlier process: followed, holds no slot
	behind   string // the run it waits behind, as last told to subscribers
	res      *runtime.Result
	err      error
}

// New returns a Dispatcher for the project in o.ProjectDir.
func New(o Options) *Dispatcher {
	if o.MaxRuns <= 0 {
		o.MaxRuns = 4
	}
	if o.KeepRuns <= 0 {
		o.KeepRuns = 100
	}
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Executor == nil {
		o.Executor = worker.New(o.Worker)
	}
	if o.Notifier == nil {
		o.Notifier = notify.New(notify.Options{})
	}
	return &Dispatcher{
		o: o, rec: &record.Recorder{H: o.History}, store: output.NewStore(o.ProjectDir), global: make(chan struct{}, o.MaxRuns),
		runs: map[string]*run{}, subs: map[chan runtime.Event]bool{}, ended: map[string]int{}, changed: make(chan struct{}),
	}
}

// Submit validates req against the project as it is on disk now, records the run as queued and
// returns its ID; the run starts as soon as the pipeline's concurrency limit allows. Planning
// errors come back positioned (file:line), before anything is recorded.
func (d *Dispatcher) Submit(ctx context.Context, req Request) (string, error) {
	proj, err := projects.Load(d.o.ProjectDir)
	if err != nil {
		return "", err
	}
	trigger := req.Trigger
	if trigger == "" {
		trigger = history.TriggerManual
	}
	opts := req.Options
	if opts.Trigger == "" {
		opts.Trigger = trigger
	}
	if opts.ExecutionTime.IsZero() {
		opts.ExecutionTime = req.ScheduledAt
	}
	plan, err := runtime.Build(proj, req.Pipeline, opts)
	if err != nil {
		return "", err
	}
	if err := plan.CheckStoredInputs(d.store); err != nil {
		return "", err
	}
	limit := plan.Pipeline.Settings.MaxConcurrentRuns
	// A run that finds a slot free is recorded and started in one history write.
	var id, behind string
	started := false
	select {
	case d.global <- struct{}{}:
		id, started, behind, err = d.rec.QueueAndClaim(ctx, plan, trigger, req.ScheduledAt, limit)
		if !started {
			<-d.global
		}
	default:
		id, err = d.rec.Queue(ctx, plan, trigger, req.ScheduledAt)
	}
	if err != nil {
		return "", err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{id: id, pipeline: req.Pipeline, trigger: trigger, plan: plan, limit: limit,
		ctx: rctx, cancel: cancel, done: make(chan struct{}), started: started, behind: behind}
	if !d.register(r) {
		if started {
			<-d.global
		}
		_ = d.rec.Cancel(ctx, id)
		return "", ErrClosed
	}
	d.broadcast(runtime.Event{Kind: runtime.RunQueued, RunID: id, Pipeline: r.pipeline, Status: runtime.StatusQueued,
		Trigger: trigger, Blocks: plan.Blocks(), Time: time.Now()})
	if behind != "" {
		d.broadcast(runtime.Event{Kind: runtime.RunQueued, RunID: id, Pipeline: r.pipeline, Status: runtime.StatusQueued,
			Line: "queued behind run " + behind, Trigger: trigger, Time: time.Now()})
	}
	go d.execute(r)
	return id, nil
}

// Adopt takes over run id, which an earlier process (a coordinator that ended) queued on the
// executor: it becomes this process's run, followed to its end and recorded like one submitted
// here. opts are the run's options as queued.
func (d *Dispatcher) Adopt(ctx context.Context, id string, opts runtime.Options) error {
	if _, ok := d.o.Executor.(Follower); !ok {
		return fmt.Errorf("adopt run %s: the executor cannot follow runs it did not start", id)
	}
	old, err := d.o.History.Get(ctx, id)
	if err != nil {
		return err
	}
	proj, err := projects.Load(d.o.ProjectDir)
	if err != nil {
		return err
	}
	plan, err := runtime.Build(proj, old.Pipeline, opts)
	if err != nil {
		return fmt.Errorf("adopt run %s: %w", id, err)
	}
	if err := d.o.History.Adopt(ctx, id); err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{id: id, pipeline: old.Pipeline, trigger: old.Trigger, plan: plan, limit: plan.Pipeline.Settings.MaxConcurrentRuns,
		ctx: rctx, cancel: cancel, done: make(chan struct{}), adopted: true}
	if !d.register(r) {
		return ErrClosed
	}
	go d.execute(r)
	return nil
}

// register makes r one of the dispatcher's runs; false (and r cancelled) after Close.
func (d *Dispatcher) register(r *run) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		r.cancel()
		return false
	}
	d.runs[r.id] = r
	d.wg.Add(1)
	return true
}

// admit waits until run r may start — a slot of this process, then its pipeline's slot in the
// history — and records it as running. It returns false, having recorded nothing but the
// cancellation, when r is cancelled first: a cancelled queued run never starts and holds no slot.
func (d *Dispatcher) admit(r *run) bool {
	bg := context.Background()
	told := r.behind
	for {
		select {
		case d.global <- struct{}{}:
		case <-r.ctx.Done():
			return false
		}
		if r.ctx.Err() != nil {
			<-d.global
			return false
		}
		d.mu.Lock()
		changed := d.changed
		d.mu.Unlock()
		started, behind, err := d.rec.Claim(bg, r.id, r.limit)
		if started {
			if r.ctx.Err() == nil {
				return true
			}
			<-d.global
			return false
		}
		<-d.global
		if errors.Is(err, history.ErrNotQueued) {
			return false
		}
		if err != nil {
			d.o.Logf("queue run %s: %v", r.id, err)
		}
		if behind != "" && behind != told {
			told = behind
			d.broadcast(runtime.Event{Kind: runtime.RunQueued, RunID: r.id, Pipeline: r.pipeline, Status: runtime.StatusQueued,
				Line: "queued behind run " + behind, Trigger: r.trigger, Time: time.Now()})
		}
		select {
		case <-changed:
		case <-time.After(d.o.Poll):
		case <-r.ctx.Done():
			return false
		}
	}
}

func (d *Dispatcher) execute(r *run) {
	defer d.wg.Done()
	defer close(r.done)
	defer func() {
		d.mu.Lock()
		close(d.changed)
		d.changed = make(chan struct{})
		d.mu.Unlock()
	}()
	bg := context.Background()
	if !r.adopted && !r.started && !d.admit(r) {
		r.err = fmt.Errorf("run %s: %w", r.id, runtime.ErrCancelled)
		if err := d.rec.Cancel(bg, r.id); err != nil {
			d.o.Logf("record cancel of %s: %v", r.id, err)
		}
		d.broadcast(runtime.Event{Kind: runtime.RunFinished, RunID: r.id, Pipeline: r.pipeline, Status: runtime.StatusCancelled, Time: time.Now()})
		return
	}
	if !r.adopted {
		defer func() { <-d.global }()
	}
	events := make(chan runtime.Event, 256)
	fan := make(chan runtime.Event, 256)
	tracked := make(chan struct{})
	go func() {
		if err := d.rec.Track(bg, r.id, events, fan); err != nil {
			d.o.Logf("record run %s: %v", r.id, err)
		}
		close(fan)
	}()
	var finished []runtime.Event
	go func() {
		defer close(tracked)
		for e := range fan {
			if e.Kind == runtime.RunFinished {
				finished = append(finished, e) // told once the history has the run's end
				continue
			}
			d.broadcast(e)
		}
	}()
	var res *runtime.Result
	var err error
	if f, ok := d.o.Executor.(Follower); ok && r.adopted {
		res, err = f.Follow(r.ctx, r.plan, r.id, events)
	} else {
		res, err = d.o.Executor.RunWithID(r.ctx, r.plan, r.id, events)
	}
	close(events)
	<-tracked
	r.res, r.err = res, err
	if ferr := d.rec.Finish(bg, r.id, res, err); ferr != nil {
		d.o.Logf("record end of %s: %v", r.id, ferr)
	}
	for _, e := range finished {
		d.broadcast(e)
	}
	if err != nil {
		d.broadcast(runtime.Event{Kind: runtime.RunFinished, RunID: r.id, Pipeline: r.pipeline, Status: runtime.StatusFailed, Line: err.Error(), Time: time.Now()})
	}
	d.notify(r)
	d.prune(r)
}

// Wait blocks until run id ends and returns its result.
func (d *Dispatcher) Wait(ctx context.Context, id string) (*runtime.Result, error) {
	d.mu.Lock()
	r, ok := d.runs[id]
	d.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoRun, id)
	}
	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Cancel stops run id, queued or running.
func (d *Dispatcher) Cancel(id string) error {
	d.mu.Lock()
	r, ok := d.runs[id]
	d.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoRun, id)
	}
	r.cancel()
	return nil
}

// Running reports whether a run of pipeline is queued or executing here.
func (d *Dispatcher) Running(pipeline string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.runs {
		if r.pipeline == pipeline {
			select {
			case <-r.done:
			default:
				return true
			}
		}
	}
	return false
}

// CancelPipeline stops every queued and running run of pipeline.
func (d *Dispatcher) CancelPipeline(pipeline string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.runs {
		if r.pipeline == pipeline {
			r.cancel()
		}
	}
	return nil
}

// Subscribe returns a channel receiving every run's events and a function that ends the
// subscription. A subscriber that falls behind loses log lines and records (metric points),
// never status events.
func (d *Dispatcher) Subscribe() (<-chan runtime.Event, func()) {
	ch := make(chan runtime.Event, 4096)
	d.mu.Lock()
	d.subs[ch] = true
	d.mu.Unlock()
	return ch, func() {
		d.mu.Lock()
		if d.subs[ch] {
			delete(d.subs, ch)
			close(ch)
		}
		d.mu.Unlock()
	}
}

func (d *Dispatcher) broadcast(e runtime.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for ch := range d.subs {
		if e.Kind == runtime.BlockLog || e.Kind == runtime.BlockRecord { // the history has them all
			select {
			case ch <- e:
			default:
			}
			continue
		}
		select {
		case ch <- e:
		case <-time.After(time.Second):
		}
	}
}

// ProjectDir returns the directory of the project the dispatcher runs.
func (d *Dispatcher) ProjectDir() string { return d.o.ProjectDir }

// Retry starts a new run of run id's pipeline, with its variables, from its failed blocks: they
// and everything downstream of them run again, their upstreams' stored outputs feed them.
func (d *Dispatcher) Retry(ctx context.Context, id string) (string, error) {
	req, err := d.RetryRequest(ctx, id)
	if err != nil {
		return "", err
	}
	return d.Submit(ctx, req)
}

// RetryRequest is the request Retry submits for run id.
func (d *Dispatcher) RetryRequest(ctx context.Context, id string) (Request, error) {
	old, err := d.o.History.Get(ctx, id)
	if err != nil {
		return Request{}, err
	}
	var failed []string
	for _, b := range old.Blocks {
		switch b.Status {
		case history.Failed, history.Crashed, history.Cancelled:
			failed = append(failed, b.Name)
		}
	}
	if len(failed) == 0 && (old.Status == history.Failed || old.Status == history.Crashed) {
		// The run died before any block failed (its worker could not start, say): retry what
		// did not succeed.
		for _, b := range old.Blocks {
			if b.Status == history.Skipped || b.Status == history.Queued {
				failed = append(failed, b.Name)
			}
		}
	}
	if len(failed) == 0 {
		return Request{}, fmt.Errorf("run %s (%s): %w", id, old.Status, ErrNothingToRetry)
	}
	return Request{
		Pipeline: old.Pipeline, Trigger: history.RetryTrigger(id), ScheduledAt: old.ScheduledAt,
		Options: runtime.Options{Vars: overrides(old), Blocks: failed, Select: runtime.SelectWithDownstream},
	}, nil
}

// overrides are the recorded variables of a run, to re-apply them.
func overrides(r *history.PipelineRun) map[string]string {
	m := map[string]string{}
	for k, v := range r.Vars {
		m[k] = v
	}
	return m
}

// Close cancels every run, waits for them to end and for their webhooks to be delivered.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	for _, r := range d.runs {
		r.cancel()
	}
	d.mu.Unlock()
	d.wg.Wait()
	d.notes.Wait()
	if c, ok := d.o.Executor.(interface{ Close() }); ok {
		c.Close()
	}
}

func (d *Dispatcher) notify(r *run) {
	hooks := r.plan.Pipeline.Notifications
	alerts := d.alerts(r)
	if len(hooks) == 0 {
		return
	}
	run, err := d.o.History.Get(context.Background(), r.id)
	if err != nil {
		d.o.Logf("notify %s: %v", r.id, err)
		return
	}
	p := notify.Payload{
		RunID: run.ID, Pipeline: run.Pipeline, Status: string(run.Status), Trigger: run.Trigger, Error: run.Error,
		StartedAt: run.StartedAt, EndedAt: run.EndedAt, Duration: run.Duration().Seconds(),
	}
	if r.res != nil {
		p.FailedBlock = r.res.FailedBlock()
	} else if fb := run.FailedBlock(); fb != nil {
		p.FailedBlock = fb.Name
	}
	if d.o.EditorURL != "" {
		p.URL = notify.RunURL(d.o.EditorURL, run.Pipeline, run.ID)
	}
	p.Alerts = alerts
	d.notes.Add(1)
	go func() {
		defer d.notes.Done()
		if err := d.o.Notifier.Notify(context.Background(), hooks, p); err != nil {
			d.o.Logf("webhook for run %s: %v", run.ID, err)
		}
	}()
}

// alerts checks the pipeline's alert rules against the metrics the run's blocks logged.
func (d *Dispatcher) alerts(r *run) []notify.Alert {
	rules := r.plan.Pipeline.Alerts
	if len(rules) == 0 {
		return nil
	}
	entries, err := d.o.History.Entries(context.Background(), history.EntryFilter{RunID: r.id, NoTrials: true})
	if err != nil {
		d.o.Logf("alerts of %s: %v", r.id, err)
		return nil
	}
	var out []notify.Alert
	for _, rule := range rules {
		for _, e := range entries {
			v, ok := e.Metrics[rule.Metric]
			if !ok || (rule.Block != "" && rule.Block != e.Block) {
				continue
			}
			if how, fired := rule.Fires(v); fired {
				out = append(out, notify.Alert{Metric: rule.Metric, Block: e.Block, Value: v, Rule: how})
				d.o.Logf("alert: run %s of %s: %s of block %s is %g, %s", r.id, r.pipeline, rule.Metric, e.Block, v, how)
			}
		}
	}
	return out
}

func (d *Dispatcher) prune(r *run) {
	keep := r.plan.Project.Config.Settings.KeepRuns
	if keep <= 0 {
		keep = d.o.KeepRuns
	}
	// Pruning is a write transaction: do it every tenth run, keeping at most keep+9 runs.
	d.mu.Lock()
	d.ended[r.pipeline]++
	due := d.ended[r.pipeline] >= 10 || d.ended[r.pipeline] == 1
	if due {
		d.ended[r.pipeline] = 1
	}
	d.mu.Unlock()
	if due {
		if _, err := d.o.History.Prune(context.Background(), r.pipeline, keep); err != nil {
			d.o.Logf("prune runs of %s: %v", r.pipeline, err)
		}
	}
	d.mu.Lock()
	if len(d.runs) > 1000 {
		for id, x := range d.runs {
			select {
			case <-x.done:
				delete(d.runs, id)
			default:
			}
		}
	}
	d.mu.Unlock()
}
