package dispatch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/notify"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/record"
)

// Options configure a Dispatcher.
type Options struct {
	ProjectDir string
	History    *history.Store
	Runner     *runtime.Runner      // nil: a runner on the project's output store
	Notifier   *notify.Notifier     // nil: webhooks are not sent
	EditorURL  string               // base URL of the editor, for links in webhooks
	MaxRuns    int                  // runs executing at once across pipelines; 0 = 4
	KeepRuns   int                  // runs kept per pipeline when the project sets none; 0 = 100
	Logf       func(string, ...any) // operational messages; nil = discarded
}

// Request asks for a run.
type Request struct {
	Pipeline    string
	Options     runtime.Options
	Trigger     string    // history trigger: editor, api, schedule:<name>, retry:<id>
	ScheduledAt time.Time // the fire time of a scheduled run
}

// Dispatcher runs pipelines on request. It is safe for concurrent use.
type Dispatcher struct {
	o      Options
	rec    *record.Recorder
	store  *output.Store
	global chan struct{}

	mu      sync.Mutex
	closed  bool
	runs    map[string]*run
	active  map[string]int // pipeline -> runs executing
	waiting map[string][]*run
	subs    map[chan runtime.Event]bool
	ended   map[string]int // runs ended per pipeline since its last prune
	wg      sync.WaitGroup
}

type run struct {
	id       string
	pipeline string
	plan     *runtime.Plan
	limit    int
	ctx      context.Context
	cancel   context.CancelFunc
	start    chan struct{} // closed when the run may start
	done     chan struct{}
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
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	store := output.NewStore(o.ProjectDir)
	if o.Runner == nil {
		o.Runner = runtime.NewRunner(runtime.RunnerOptions{Store: store})
	}
	return &Dispatcher{
		o: o, rec: &record.Recorder{H: o.History}, store: store, global: make(chan struct{}, o.MaxRuns),
		runs: map[string]*run{}, active: map[string]int{}, waiting: map[string][]*run{}, subs: map[chan runtime.Event]bool{}, ended: map[string]int{},
	}
}

// Submit validates req against the project as it is on disk now, records the run as queued and
// returns its ID; the run starts as soon as the pipeline's concurrency limit allows.
func (d *Dispatcher) Submit(ctx context.Context, req Request) (string, error) {
	proj, err := projects.Load(d.o.ProjectDir)
	if err != nil {
		return "", err
	}
	opts := req.Options
	if opts.Trigger == "" {
		opts.Trigger = req.Trigger
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
	trigger := req.Trigger
	if trigger == "" {
		trigger = history.TriggerManual
	}
	id, err := d.rec.Queue(ctx, plan, trigger, req.ScheduledAt)
	if err != nil {
		return "", err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r := &run{id: id, pipeline: req.Pipeline, plan: plan, limit: plan.Pipeline.Settings.MaxConcurrentRuns,
		ctx: rctx, cancel: cancel, start: make(chan struct{}), done: make(chan struct{})}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		cancel()
		_ = d.rec.Finish(ctx, id, nil, ErrClosed)
		return "", ErrClosed
	}
	d.runs[id] = r
	d.waiting[r.pipeline] = append(d.waiting[r.pipeline], r)
	d.wg.Add(1)
	d.promote(r.pipeline)
	d.mu.Unlock()
	go d.execute(r)
	return id, nil
}

// promote lets waiting runs of pipeline start while its limit allows; d.mu is held.
func (d *Dispatcher) promote(pipeline string) {
	for len(d.waiting[pipeline]) > 0 {
		r := d.waiting[pipeline][0]
		if r.limit > 0 && d.active[pipeline] >= r.limit {
			return
		}
		d.waiting[pipeline] = d.waiting[pipeline][1:]
		d.active[pipeline]++
		close(r.start)
	}
}

func (d *Dispatcher) execute(r *run) {
	defer d.wg.Done()
	defer close(r.done)
	bg := context.Background()
	select {
	case <-r.start:
	case <-r.ctx.Done():
		d.mu.Lock()
		for i, w := range d.waiting[r.pipeline] {
			if w == r {
				d.waiting[r.pipeline] = append(d.waiting[r.pipeline][:i:i], d.waiting[r.pipeline][i+1:]...)
				break
			}
		}
		started := false
		select {
		case <-r.start:
			started = true
		default:
		}
		d.mu.Unlock()
		if !started {
			r.err = fmt.Errorf("run %s: %w", r.id, runtime.ErrCancelled)
			_ = d.rec.Cancel(bg, r.id)
			d.broadcast(runtime.Event{Kind: runtime.RunFinished, RunID: r.id, Pipeline: r.pipeline, Status: runtime.StatusCancelled, Time: time.Now()})
			return
		}
		<-r.start
	}
	defer func() {
		d.mu.Lock()
		d.active[r.pipeline]--
		d.promote(r.pipeline)
		d.mu.Unlock()
	}()
	select {
	case d.global <- struct{}{}:
	case <-r.ctx.Done():
	}
	defer func() {
		select {
		case <-d.global:
		default:
		}
	}()
	if err := d.rec.Start(bg, r.id); err != nil {
		d.o.Logf("record start of %s: %v", r.id, err)
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
	go func() {
		defer close(tracked)
		for e := range fan {
			d.broadcast(e)
		}
	}()
	res, err := d.o.Runner.RunWithID(r.ctx, r.plan, r.id, events)
	close(events)
	<-tracked
	r.res, r.err = res, err
	if err != nil {
		d.broadcast(runtime.Event{Kind: runtime.RunFinished, RunID: r.id, Pipeline: r.pipeline, Status: runtime.StatusFailed, Time: time.Now()})
	}
	if ferr := d.rec.Finish(bg, r.id, res, err); ferr != nil {
		d.o.Logf("record end of %s: %v", r.id, ferr)
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
	return d.active[pipeline] > 0 || len(d.waiting[pipeline]) > 0
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
// subscription. A subscriber that falls behind loses log lines, never status events.
func (d *Dispatcher) Subscribe() (<-chan runtime.Event, func()) {
	ch := make(chan runtime.Event, 1024)
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
		if e.Kind == runtime.BlockLog {
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

// Retry starts a new run of run id's pipeline, with its variables, from its failed blocks: they
// and everything downstream of them run again, their upstreams' stored outputs feed them.
func (d *Dispatcher) Retry(ctx context.Context, id string) (string, error) {
	old, err := d.o.History.Get(ctx, id)
	if err != nil {
		return "", err
	}
	var failed []string
	for _, b := range old.Blocks {
		switch b.Status {
		case history.Failed, history.Crashed, history.Cancelled:
			failed = append(failed, b.Name)
		}
	}
	if len(failed) == 0 {
		return "", fmt.Errorf("run %s (%s): %w", id, old.Status, ErrNothingToRetry)
	}
	return d.Submit(ctx, Request{
		Pipeline: old.Pipeline, Trigger: history.RetryTrigger(id), ScheduledAt: old.ScheduledAt,
		Options: runtime.Options{Vars: overrides(old), Blocks: failed, Select: runtime.SelectWithDownstream},
	})
}

// overrides are the recorded variables of a run, to re-apply them.
func overrides(r *history.PipelineRun) map[string]string {
	m := map[string]string{}
	for k, v := range r.Vars {
		m[k] = v
	}
	return m
}

// Close cancels every run and waits for them to end.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	for _, r := range d.runs {
		r.cancel()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

func (d *Dispatcher) notify(r *run) {
	hooks := r.plan.Pipeline.Notifications
	if d.o.Notifier == nil || len(hooks) == 0 {
		return
	}
	run, err := d.o.History.Get(context.Background(), r.id)
	if err != nil {
		d.o.Logf("notify %s: %v", r.id, err)
		return
	}
	var hs []notify.Hook
	for _, h := range hooks {
		hook := notify.Hook{URL: h.URL, Format: notify.Format(h.Format)}
		for _, on := range h.On {
			hook.On = append(hook.On, notify.On(on))
		}
		hs = append(hs, hook)
	}
	p := notify.Payload{
		RunID: run.ID, Pipeline: run.Pipeline, Status: string(run.Status), Trigger: run.Trigger, Error: run.Error,
		StartedAt: run.StartedAt, EndedAt: run.EndedAt, Duration: run.Duration().Seconds(),
	}
	if fb := run.FailedBlock(); fb != nil {
		p.FailedBlock = fb.Name
	}
	if d.o.EditorURL != "" {
		p.URL = notify.RunURL(d.o.EditorURL, run.Pipeline, run.ID)
	}
	go func() {
		if err := d.o.Notifier.Notify(context.Background(), hs, p); err != nil {
			d.o.Logf("webhook for run %s: %v", run.ID, err)
		}
	}()
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
