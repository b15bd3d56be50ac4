package schedule

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"sync"
	"time"
)

// TriggerFire is one firing of a trigger, handed to Options.Launch.
type TriggerFire struct {
	Pipeline string
	Trigger  string
	Vars     map[string]string
	// ScheduledAt is the fire time the run stands for (the execution time
	// blocks see), which for a catch-up fire lies in the past.
	ScheduledAt time.Time
	CatchUp     bool
}

// RunTrigger returns the history trigger string of the fire: schedule:<name>.
func (f TriggerFire) RunTrigger() string { return "schedule:" + f.Trigger }

// Runs lets the scheduler see and stop runs of a pipeline that it did not
// launch itself (from the editor, the API or another process). Running may
// also count runs this scheduler launched, as long as they no longer count
// once Launch has returned.
type Runs interface {
	Running(pipeline string) bool
	Cancel(pipeline string) error
}

// FireStore keeps the last fire time of each trigger across restarts, from
// which missed fires are computed. history.Store implements it.
type FireStore interface {
	LastFire(ctx context.Context, pipeline, trigger string) (time.Time, error)
	SetLastFire(ctx context.Context, pipeline, trigger string, t time.Time) error
}

// EventKind says what the scheduler did with a fire.
type EventKind string

// Event kinds.
const (
	EventLaunched EventKind = "launched" // Launch was called
	EventFinished EventKind = "finished" // Launch returned (Err set if it failed)
	EventSkipped  EventKind = "skipped"  // overlap skip, or a full queue
	EventQueued   EventKind = "queued"   // overlap queue or cancel: waits for the pipeline
	EventCancel   EventKind = "cancel"   // overlap cancel: the running run was asked to stop
	EventMissed   EventKind = "missed"   // a missed fire dropped by the catch-up policy
	EventError    EventKind = "error"    // the FireStore failed
)

// Event reports a scheduling decision, for logs and tests.
type Event struct {
	Kind EventKind
	Fire TriggerFire
	Err  error
}

// Options configure a Scheduler. Launch is required.
type Options struct {
	// Launch starts a run and returns when it has ended; its context is
	// cancelled by the cancel overlap policy and when Run returns.
	Launch func(ctx context.Context, f TriggerFire) error
	Clock  Clock     // nil means RealClock
	Runs   Runs      // nil: only runs launched here count for overlap
	Fires  FireStore // nil: an in-memory store (no catch-up across restarts)
	// Grace is how late a fire may be handled and still count as on time
	// rather than missed; 0 means one minute.
	Grace time.Duration
	// MaxQueue bounds queued fires per pipeline; 0 means 16. Further fires are skipped.
	MaxQueue int
	// Poll is how often a queue waiting on runs reported by Runs is retried; 0 means 5s.
	Poll time.Duration
	// Observe, if set, is called (synchronously, keep it quick) with every decision.
	Observe func(Event)
}

type entry struct {
	t      Trigger
	cursor time.Time // fires at or before cursor are done
}

type launch struct{ cancel context.CancelFunc }

type pipeState struct {
	inflight map[*launch]bool
	queue    []TriggerFire
}

// Scheduler fires the triggers of a project. Set or Reload its triggers,
// then call Run.
type Scheduler struct {
	o       Options
	mu      sync.Mutex
	entries map[string]*entry // pipeline \x00 name
	pipes   map[string]*pipeState
	wake    chan struct{}
	runCtx  context.Context
	wg      sync.WaitGroup
}

// New returns a Scheduler with no triggers.
func New(o Options) (*Scheduler, error) {
	if o.Launch == nil {
		return nil, ErrNoLaunch
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	if o.Fires == nil {
		o.Fires = &MemFires{}
	}
	if o.Grace <= 0 {
		o.Grace = time.Minute
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 16
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	return &Scheduler{o: o, entries: map[string]*entry{}, pipes: map[string]*pipeState{},
		wake: make(chan struct{}, 1), runCtx: context.Background()}, nil
}

func entryKey(pipeline, name string) string { return pipeline + "\x00" + name }

// Set replaces the triggers of pipeline (nil removes them all). A trigger
// that keeps its name keeps its place in time; a new one starts from its
// last fire in the FireStore or, if it never fired, from now.
func (s *Scheduler) Set(ctx context.Context, pipeline string, triggers []Trigger) error {
	now := s.o.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := map[string]bool{}
	var errs []error
	for _, t := range triggers {
		t.Pipeline = pipeline
		k := entryKey(pipeline, t.Name)
		keep[k] = true
		if e, ok := s.entries[k]; ok {
			e.t = t
			continue
		}
		last, err := s.o.Fires.LastFire(ctx, pipeline, t.Name)
		if err != nil {
			errs = append(errs, fmt.Errorf("trigger %s/%s: %w", pipeline, t.Name, err))
		}
		if last.IsZero() {
			last = now
		}
		s.entries[k] = &entry{t: t, cursor: last}
	}
	for k, e := range s.entries {
		if e.t.Pipeline == pipeline && !keep[k] {
			delete(s.entries, k)
		}
	}
	s.poke()
	return errors.Join(errs...)
}

// Reload reads every pipelines/*/triggers.yaml under projectDir and makes
// them the scheduler's triggers: triggers deleted from a file, or files
// deleted, are removed. A file with problems keeps its pipeline's previous
// triggers; the problems are returned.
func (s *Scheduler) Reload(ctx context.Context, projectDir string) error {
	all, loadErr := LoadProject(projectDir)
	// A pipeline whose file exists but did not load keeps its triggers.
	bad := map[string]bool{}
	for _, f := range triggerFiles(projectDir) {
		if p := filepath.Base(filepath.Dir(f)); all[p] == nil {
			bad[p] = true
		}
	}
	s.mu.Lock()
	current := map[string]bool{}
	for _, e := range s.entries {
		current[e.t.Pipeline] = true
	}
	s.mu.Unlock()
	errs := []error{loadErr}
	for p := range current {
		if _, ok := all[p]; !ok && !bad[p] {
			errs = append(errs, s.Set(ctx, p, nil))
		}
	}
	for p, ts := range all {
		errs = append(errs, s.Set(ctx, p, ts))
	}
	return errors.Join(errs...)
}

// Triggers returns the current triggers, ordered by pipeline and name.
func (s *Scheduler) Triggers() []Trigger {
	s.mu.Lock()
	defer s.mu.Unlock()
	es := s.sorted()
	out := make([]Trigger, len(es))
	for i, e := range es {
		out[i] = e.t
	}
	return out
}

// NextFire returns when the named trigger fires next, or the zero time.
func (s *Scheduler) NextFire(pipeline, name string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[entryKey(pipeline, name)]
	if !ok {
		return time.Time{}
	}
	return Next(e.t, e.cursor)
}

func (s *Scheduler) sorted() []*entry {
	es := make([]*entry, 0, len(s.entries))
	for _, e := range s.entries {
		es = append(es, e)
	}
	sortTriggers(es)
	return es
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run fires triggers until ctx ends, then cancels the runs it launched,
// waits for their Launch calls to return and returns ctx.Err().
func (s *Scheduler) Run(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.runCtx = runCtx
	s.mu.Unlock()
	defer func() {
		cancel()
		s.wg.Wait()
	}()
	for {
		now := s.o.Clock.Now()
		next := s.Tick(runCtx, now)
		var timer Timer
		var fired <-chan time.Time
		if !next.IsZero() {
			timer = s.o.Clock.NewTimer(max(next.Sub(now), 0))
			fired = timer.C()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return ctx.Err()
		case <-fired:
		case <-s.wake:
			if timer != nil {
				timer.Stop()
			}
		}
	}
}

// Tick handles every fire due at now and returns when the next one is due
// (zero if none). Run calls it; tests may drive it directly.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, e := range s.sorted() {
		if !e.t.Enabled {
			continue
		}
		onTime, catchUp, missed := s.due(e, now)
		for _, at := range missed {
			s.emit(Event{Kind: EventMissed, Fire: s.fire(e, at, true)})
		}
		for _, at := range catchUp { // catch-up fires run one after another
			s.dispatch(s.fire(e, at, true), Queue)
		}
		if !onTime.IsZero() {
			s.dispatch(s.fire(e, onTime, false), e.t.Overlap)
		}
		if last := lastOf(onTime, catchUp, missed); !last.IsZero() {
			e.cursor = last
			if err := s.o.Fires.SetLastFire(ctx, e.t.Pipeline, e.t.Name, last); err != nil {
				s.emit(Event{Kind: EventError, Fire: s.fire(e, last, false), Err: err})
			}
		}
		// Every fire up to now is handled (run, queued or dropped by the policy).
		if e.cursor.Before(now) {
			e.cursor = now
		}
		earliest(Next(e.t, e.cursor))
	}
	for p, ps := range s.pipes { // queues waiting on runs we do not see end
		s.drain(p)
		if len(ps.queue) > 0 && len(ps.inflight) == 0 {
			earliest(now.Add(s.o.Poll))
		}
	}
	return next
}

func lastOf(onTime time.Time, lists ...[]time.Time) time.Time {
	last := onTime
	for _, l := range lists {
		if n := len(l); n > 0 && l[n-1].After(last) {
			last = l[n-1]
		}
	}
	return last
}

// maxDue bounds how many past fire times are enumerated per tick.
const maxDue = 100_000

// due splits the fire times in (cursor, now] into the on-time one (within
// Grace of now), those to catch up on and those dropped by the policy.
func (s *Scheduler) due(e *entry, now time.Time) (onTime time.Time, catchUp, missed []time.Time) {
	from := e.cursor
	c := e.t.CatchUp
	graceStart := now.Add(-s.o.Grace)
	if c.Window > 0 && from.Before(now.Add(-c.Window)) {
		from = now.Add(-c.Window)
	}
	if c.Policy == None && from.Before(graceStart) {
		from = graceStart // missed fires are simply forgotten; do not enumerate them
	}
	var times []time.Time
	for at := Next(e.t, from); !at.IsZero() && !at.After(now) && len(times) < maxDue; at = Next(e.t, at) {
		times = append(times, at)
	}
	if n := len(times); n > 0 && !times[n-1].Before(graceStart) {
		onTime, times = times[n-1], times[:n-1]
	}
	switch c.Policy {
	case Latest:
		if n := len(times); n > 0 && onTime.IsZero() {
			return onTime, times[n-1:], times[:n-1]
		}
		return onTime, nil, times // an on-time fire covers the missed ones
	case All:
		limit := c.Max
		if limit == 0 {
			limit = DefaultCatchUpMax
		}
		if len(times) > limit {
			return onTime, times[len(times)-limit:], times[:len(times)-limit]
		}
		return onTime, times, nil
	}
	return onTime, nil, times
}

func (s *Scheduler) fire(e *entry, at time.Time, catchUp bool) TriggerFire {
	return TriggerFire{Pipeline: e.t.Pipeline, Trigger: e.t.Name, Vars: maps.Clone(e.t.Vars), ScheduledAt: at, CatchUp: catchUp}
}

func (s *Scheduler) emit(ev Event) {
	if s.o.Observe != nil {
		s.o.Observe(ev)
	}
}

func (s *Scheduler) pipe(p string) *pipeState {
	ps := s.pipes[p]
	if ps == nil {
		ps = &pipeState{inflight: map[*launch]bool{}}
		s.pipes[p] = ps
	}
	return ps
}

func (s *Scheduler) busy(p string) bool {
	return len(s.pipe(p).inflight) > 0 || (s.o.Runs != nil && s.o.Runs.Running(p))
}

// dispatch applies the overlap policy to f. Called with s.mu held.
func (s *Scheduler) dispatch(f TriggerFire, overlap Overlap) {
	ps := s.pipe(f.Pipeline)
	if !s.busy(f.Pipeline) && len(ps.queue) == 0 {
		s.start(f)
		return
	}
	switch overlap {
	case Queue:
		s.enqueue(f)
	case Cancel:
		for l := range ps.inflight {
			l.cancel()
		}
		if s.o.Runs != nil && s.o.Runs.Running(f.Pipeline) {
			if err := s.o.Runs.Cancel(f.Pipeline); err != nil {
				s.emit(Event{Kind: EventError, Fire: f, Err: err})
			}
		}
		s.emit(Event{Kind: EventCancel, Fire: f})
		ps.queue = append([]TriggerFire{f}, ps.queue...) // next in line
		s.emit(Event{Kind: EventQueued, Fire: f})
	default:
		s.emit(Event{Kind: EventSkipped, Fire: f})
	}
}

func (s *Scheduler) enqueue(f TriggerFire) {
	ps := s.pipe(f.Pipeline)
	if len(ps.queue) >= s.o.MaxQueue {
		s.emit(Event{Kind: EventSkipped, Fire: f, Err: fmt.Errorf("queue of %s is full (%d)", f.Pipeline, s.o.MaxQueue)})
		return
	}
	ps.queue = append(ps.queue, f)
	s.emit(Event{Kind: EventQueued, Fire: f})
	s.drain(f.Pipeline)
}

// drain starts the next queued fire of p if p is idle. Called with s.mu held.
func (s *Scheduler) drain(p string) {
	ps := s.pipe(p)
	if len(ps.queue) == 0 || s.busy(p) {
		return
	}
	f := ps.queue[0]
	ps.queue = ps.queue[1:]
	s.start(f)
}

// start launches f in its own goroutine. Called with s.mu held.
func (s *Scheduler) start(f TriggerFire) {
	ctx, cancel := context.WithCancel(s.runCtx)
	l := &launch{cancel: cancel}
	ps := s.pipe(f.Pipeline)
	ps.inflight[l] = true
	s.emit(Event{Kind: EventLaunched, Fire: f})
	s.wg.Go(func() {
		err := s.o.Launch(ctx, f)
		cancel()
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(ps.inflight, l)
		s.emit(Event{Kind: EventFinished, Fire: f, Err: err})
		s.drain(f.Pipeline)
	})
}

// Wait blocks until every launched run has returned. Tests use it after Tick.
func (s *Scheduler) Wait() { s.wg.Wait() }

// MemFires is an in-memory FireStore.
type MemFires struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// LastFire returns the recorded time or zero.
func (m *MemFires) LastFire(_ context.Context, pipeline, trigger string) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[entryKey(pipeline, trigger)], nil
}

// SetLastFire records t.
func (m *MemFires) SetLastFire(_ context.Context, pipeline, trigger string, t time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]time.Time{}
	}
	m.m[entryKey(pipeline, trigger)] = t
	return nil
}
