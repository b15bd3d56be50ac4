package schedule_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/runtime/schedule"
	"github.com/golemlabs/golem/runtime/schedule/scheduletest"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// harness records launches; each launched run blocks until released.
type harness struct {
	mu       sync.Mutex
	launched []schedule.TriggerFire
	events   []schedule.Event
	release  map[time.Time]chan struct{}
	block    bool
	finished chan schedule.TriggerFire
}

func newHarness(block bool) *harness {
	return &harness{release: map[time.Time]chan struct{}{}, block: block, finished: make(chan schedule.TriggerFire, 100)}
}

func (h *harness) launch(ctx context.Context, f schedule.TriggerFire) error {
	h.mu.Lock()
	h.launched = append(h.launched, f)
	h.mu.Unlock()
	ch := h.gate(f.ScheduledAt)
	if h.block {
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// gate returns the channel that releases the run scheduled at 'at'.
func (h *harness) gate(at time.Time) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := h.release[at]
	if ch == nil {
		ch = make(chan struct{})
		h.release[at] = ch
	}
	return ch
}

func (h *harness) observe(ev schedule.Event) {
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
	if ev.Kind == schedule.EventFinished {
		h.finished <- ev.Fire
	}
}

func (h *harness) times() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []time.Duration
	for _, f := range h.launched {
		out = append(out, f.ScheduledAt.Sub(t0))
	}
	return out
}

func (h *harness) count(kind schedule.EventKind) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, e := range h.events {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func (h *harness) finish(t *testing.T, at time.Time) {
	t.Helper()
	close(h.gate(at))
	if f := <-h.finished; !f.ScheduledAt.Equal(at) {
		t.Fatalf("finished %v, want %v", f.ScheduledAt, at)
	}
}

func interval(name string, d time.Duration) schedule.Trigger {
	return schedule.Trigger{Name: name, Type: schedule.Interval, Interval: d, Enabled: true, Overlap: schedule.Skip,
		CatchUp: schedule.CatchUp{Policy: schedule.None}, Location: time.UTC}
}

func newScheduler(t *testing.T, h *harness, fires schedule.FireStore) *schedule.Scheduler {
	t.Helper()
	s, err := schedule.New(schedule.Options{Launch: h.launch, Observe: h.observe, Fires: fires, Clock: scheduletest.NewClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScheduler_CatchUp(t *testing.T) {
	const h1 = time.Hour
	tests := []struct {
		name    string
		catchUp schedule.CatchUp
		// last fire was at t0; the scheduler wakes at t0+5h30m: missed 1h..5h
		want []time.Duration
	}{
		{"none", schedule.CatchUp{Policy: schedule.None}, nil},
		{"latest", schedule.CatchUp{Policy: schedule.Latest}, []time.Duration{5 * h1}},
		{"all", schedule.CatchUp{Policy: schedule.All}, []time.Duration{h1, 2 * h1, 3 * h1, 4 * h1, 5 * h1}},
		{"all with cap keeps the newest", schedule.CatchUp{Policy: schedule.All, Max: 2}, []time.Duration{4 * h1, 5 * h1}},
		{"all within a window", schedule.CatchUp{Policy: schedule.All, Window: 150 * time.Minute}, []time.Duration{4 * h1, 5 * h1}},
		{"latest within a window that excludes all", schedule.CatchUp{Policy: schedule.Latest, Window: 10 * time.Minute}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(false)
			fires := &schedule.MemFires{}
			_ = fires.SetLastFire(t.Context(), "p", "hourly", t0)
			s := newScheduler(t, h, fires)
			tr := interval("hourly", h1)
			tr.CatchUp = tt.catchUp
			if err := s.Set(t.Context(), "p", []schedule.Trigger{tr}); err != nil {
				t.Fatal(err)
			}
			next := s.Tick(t.Context(), t0.Add(5*h1+30*time.Minute))
			s.Wait()
			if got := h.times(); !slices.Equal(got, tt.want) {
				t.Fatalf("launched %v, want %v", got, tt.want)
			}
			if !next.Equal(t0.Add(6 * h1)) {
				t.Fatalf("next wake %v, want +6h", next.Sub(t0))
			}
			last, _ := fires.LastFire(t.Context(), "p", "hourly")
			if len(tt.want) > 0 && !last.Equal(t0.Add(5*h1)) {
				t.Fatalf("last fire recorded %v, want +5h", last.Sub(t0))
			}
			// nothing more to do at the same instant
			s.Tick(t.Context(), t0.Add(5*h1+30*time.Minute))
			s.Wait()
			if got := h.times(); len(got) != len(tt.want) {
				t.Fatalf("second tick launched again: %v", got)
			}
		})
	}
}

func TestScheduler_OnTimeAndNeverFiredTrigger(t *testing.T) {
	h := newHarness(false)
	s := newScheduler(t, h, nil)
	// never fired before: starts from now (the clock's t0), nothing is "missed"
	tr := interval("hourly", time.Hour)
	tr.CatchUp.Policy = schedule.All
	if err := s.Set(t.Context(), "p", []schedule.Trigger{tr}); err != nil {
		t.Fatal(err)
	}
	s.Tick(t.Context(), t0.Add(30*time.Minute))
	s.Tick(t.Context(), t0.Add(time.Hour+10*time.Second)) // 10 s late: within grace, on time
	s.Wait()
	if got := h.times(); !slices.Equal(got, []time.Duration{time.Hour}) {
		t.Fatalf("launched %v", got)
	}
	h.mu.Lock()
	f := h.launched[0]
	h.mu.Unlock()
	if f.CatchUp || f.RunTrigger() != "schedule:hourly" || f.Pipeline != "p" {
		t.Fatalf("fire = %+v", f)
	}
}

func TestScheduler_Overlap(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		name    string
		overlap schedule.Overlap
		// fires at +1m (runs, blocks), +2m (overlaps); then the first run is released
		wantLaunched []time.Duration
		wantEvent    schedule.EventKind
	}{
		{"skip drops the overlapping fire", schedule.Skip, []time.Duration{m}, schedule.EventSkipped},
		{"queue runs it after", schedule.Queue, []time.Duration{m, 2 * m}, schedule.EventQueued},
		{"cancel stops the running one first", schedule.Cancel, []time.Duration{m, 2 * m}, schedule.EventCancel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(true)
			s := newScheduler(t, h, nil)
			tr := interval("every", m)
			tr.Overlap = tt.overlap
			if err := s.Set(t.Context(), "p", []schedule.Trigger{tr}); err != nil {
				t.Fatal(err)
			}
			s.Tick(t.Context(), t0.Add(m))
			s.Tick(t.Context(), t0.Add(2*m))
			if h.count(tt.wantEvent) != 1 {
				t.Fatalf("%s events: %d", tt.wantEvent, h.count(tt.wantEvent))
			}
			if tt.overlap == schedule.Cancel {
				<-h.finished // the first run saw its context cancelled
			} else {
				h.finish(t, t0.Add(m))
			}
			if tt.overlap != schedule.Skip {
				h.finish(t, t0.Add(2*m))
			}
			s.Wait()
			if got := h.times(); !slices.Equal(got, tt.wantLaunched) {
				t.Fatalf("launched %v, want %v", got, tt.wantLaunched)
			}
		})
	}
}

// externalRuns is a Runs hook reporting a run started elsewhere.
type externalRuns struct {
	mu        sync.Mutex
	running   bool
	cancelled int
}

func (e *externalRuns) Running(string) bool { e.mu.Lock(); defer e.mu.Unlock(); return e.running }
func (e *externalRuns) Cancel(string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cancelled++
	e.running = false
	return nil
}

func TestScheduler_OverlapWithExternalRuns(t *testing.T) {
	tests := []struct {
		name         string
		overlap      schedule.Overlap
		wantLaunched int
		wantCancel   int
	}{
		{"skip", schedule.Skip, 0, 0},
		{"cancel asks the hook to stop it", schedule.Cancel, 1, 1},
		{"queue waits and polls", schedule.Queue, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(false)
			ext := &externalRuns{running: true}
			s, _ := schedule.New(schedule.Options{Launch: h.launch, Observe: h.observe, Runs: ext, Clock: scheduletest.NewClock(t0), Poll: time.Second})
			tr := interval("every", time.Hour)
			tr.Overlap = tt.overlap
			_ = s.Set(t.Context(), "p", []schedule.Trigger{tr})
			next := s.Tick(t.Context(), t0.Add(time.Hour))
			if tt.overlap == schedule.Queue {
				if !next.Equal(t0.Add(time.Hour + time.Second)) {
					t.Fatalf("queue should poll at +1s, next = %v", next.Sub(t0))
				}
				ext.mu.Lock()
				ext.running = false
				ext.mu.Unlock()
				s.Tick(t.Context(), next)
			}
			s.Wait()
			if got := len(h.times()); got != tt.wantLaunched || ext.cancelled != tt.wantCancel {
				t.Fatalf("launched %d (want %d), cancelled %d (want %d)", got, tt.wantLaunched, ext.cancelled, tt.wantCancel)
			}
		})
	}
}

func TestScheduler_DisabledTrigger(t *testing.T) {
	h := newHarness(false)
	s := newScheduler(t, h, nil)
	tr := interval("off", time.Minute)
	tr.Enabled = false
	_ = s.Set(t.Context(), "p", []schedule.Trigger{tr})
	if next := s.Tick(t.Context(), t0.Add(time.Hour)); !next.IsZero() {
		t.Fatalf("disabled trigger scheduled a wake at %v", next)
	}
	s.Wait()
	if len(h.times()) != 0 {
		t.Fatal("disabled trigger fired")
	}
}

func write(t *testing.T, dir, pipeline, yaml string) {
	t.Helper()
	p := filepath.Join(dir, "pipelines", pipeline, schedule.FileName)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(s *schedule.Scheduler) []string {
	var out []string
	for _, tr := range s.Triggers() {
		out = append(out, tr.Pipeline+"/"+tr.Name)
	}
	return out
}

func TestScheduler_Reload(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(false)
	s := newScheduler(t, h, nil)
	ctx := t.Context()
	steps := []struct {
		name    string
		change  func()
		want    []string
		wantErr bool
	}{
		{"initial", func() {
			write(t, dir, "a", "triggers:\n  - {name: x, type: interval, interval: 1h}\n  - {name: y, type: interval, interval: 2h}\n")
			write(t, dir, "b", "triggers:\n  - {name: z, type: cron, cron: '@daily'}\n")
		}, []string{"a/x", "a/y", "b/z"}, false},
		{"trigger deleted from the file is deleted", func() {
			write(t, dir, "a", "triggers:\n  - {name: x, type: interval, interval: 1h}\n")
		}, []string{"a/x", "b/z"}, false},
		{"broken file keeps the previous triggers", func() {
			write(t, dir, "b", "triggers:\n  - {name: z, type: cron, cron: 'bad'}\n")
		}, []string{"a/x", "b/z"}, true},
		{"file removed removes its triggers", func() {
			os.RemoveAll(filepath.Join(dir, "pipelines", "b"))
		}, []string{"a/x"}, false},
		{"emptied file removes its triggers", func() {
			write(t, dir, "a", "triggers: []\n")
		}, nil, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			err := s.Reload(ctx, dir)
			if (err != nil) != st.wantErr {
				t.Fatalf("Reload = %v", err)
			}
			if got := names(s); !slices.Equal(got, st.want) {
				t.Fatalf("triggers %v, want %v", got, st.want)
			}
		})
	}
}

// TestScheduler_Run drives the real loop with the fake clock: nothing sleeps.
func TestScheduler_Run(t *testing.T) {
	clock := scheduletest.NewClock(t0)
	h := newHarness(false)
	s, _ := schedule.New(schedule.Options{Launch: h.launch, Observe: h.observe, Clock: clock})
	_ = s.Set(t.Context(), "p", []schedule.Trigger{interval("every", 10*time.Minute)})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	for i := 1; i <= 3; i++ {
		at := clock.WaitTimers(1)
		if want := t0.Add(time.Duration(i) * 10 * time.Minute); !at.Equal(want) {
			t.Fatalf("timer at %v, want %v", at, want)
		}
		clock.Set(at)
		<-h.finished
	}
	// a trigger added while running wakes the loop
	_ = s.Set(t.Context(), "q", []schedule.Trigger{interval("soon", time.Minute)})
	for clock.WaitTimers(1) != t0.Add(31*time.Minute) {
	}
	clock.Set(t0.Add(31 * time.Minute))
	if f := <-h.finished; f.Pipeline != "q" {
		t.Fatalf("fired %+v", f)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Run = %v", err)
	}
	if got := h.times(); !slices.Equal(got, []time.Duration{10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 31 * time.Minute}) {
		t.Fatalf("launched %v", got)
	}
}
