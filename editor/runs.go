package editor

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
)

// Run modes of POST /api/pipelines/{name}/runs.
var runModes = map[string]runtime.Select{
	"block":         runtime.SelectOnly,
	"with_upstream": runtime.SelectWithUpstream,
	"downstream":    runtime.SelectWithDownstream,
	"pipeline":      runtime.SelectAll,
}

const (
	keepRuns     = 50   // finished runs remembered
	keepLogLines = 2000 // per block, for GET /api/runs/{id}
)

// blockRunView is one block of a run.
type blockRunView struct {
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	Rows       int      `json:"rows"`
	Cols       int      `json:"cols"`
	DurationMS int64    `json:"duration_ms"`
	Error      *problem `json:"error"`
	Logs       []string `json:"logs"`
}

// runView is a run as GET /api/runs shows it.
type runView struct {
	RunID      string         `json:"run_id"`
	Pipeline   string         `json:"pipeline"`
	Mode       string         `json:"mode"`
	Status     string         `json:"status"`
	StartedAt  string         `json:"started_at"`
	DurationMS int64          `json:"duration_ms"`
	Blocks     []blockRunView `json:"blocks,omitempty"`
}

type run struct {
	view    runView
	started time.Time
	cancel  context.CancelFunc
	done    chan struct{}
}

// runs remembers the active runs and the last finished ones.
type runs struct {
	mu   sync.Mutex
	all  []*run // oldest first
	byID map[string]*run
}

func newRuns() *runs { return &runs{byID: map[string]*run{}} }

func (rs *runs) add(r *run) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, o := range rs.all {
		if o.view.Pipeline == r.view.Pipeline && o.view.Status == runtime.StatusRunning {
			return errorf(http.StatusConflict, codeConflict, "pipeline %q is already running (run %s): cancel it or wait", o.view.Pipeline, o.view.RunID)
		}
	}
	rs.all = append(rs.all, r)
	rs.byID[r.view.RunID] = r
	for len(rs.all) > keepRuns {
		i := slices.IndexFunc(rs.all, func(o *run) bool { return o.view.Status != runtime.StatusRunning })
		if i < 0 {
			break
		}
		delete(rs.byID, rs.all[i].view.RunID)
		rs.all = slices.Delete(rs.all, i, i+1)
	}
	return nil
}

func (rs *runs) get(id string) (*run, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.byID[id]
	return r, ok
}

// snapshot copies a run's view.
func (rs *runs) snapshot(r *run) runView {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	v := r.view
	v.Blocks = slices.Clone(v.Blocks)
	for i := range v.Blocks {
		v.Blocks[i].Logs = slices.Clone(v.Blocks[i].Logs)
	}
	if v.Status == runtime.StatusRunning {
		v.DurationMS = time.Since(r.started).Milliseconds()
	}
	return v
}

func (rs *runs) list(pipeline string) []runView {
	rs.mu.Lock()
	all := slices.Clone(rs.all)
	rs.mu.Unlock()
	out := []runView{}
	for i := len(all) - 1; i >= 0; i-- {
		if pipeline == "" || all[i].view.Pipeline == pipeline {
			v := rs.snapshot(all[i])
			v.Blocks = nil
			out = append(out, v)
		}
	}
	return out
}

// last is the newest run of pipeline, nil if none.
func (rs *runs) last(pipeline string) *runView {
	if l := rs.list(pipeline); len(l) > 0 {
		return &l[0]
	}
	return nil
}

func (rs *runs) cancelAll() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.all {
		r.cancel()
	}
}

// apply folds an event into the run's view and returns its websocket message.
func (rs *runs) apply(r *run, ev runtime.Event) message {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	m := message{Type: string(ev.Kind), Time: stamp(ev.Time), RunID: ev.RunID, Pipeline: ev.Pipeline, Block: ev.Block, Status: ev.Status}
	blk := func() *blockRunView {
		for i := range r.view.Blocks {
			if r.view.Blocks[i].Name == ev.Block {
				return &r.view.Blocks[i]
			}
		}
		r.view.Blocks = append(r.view.Blocks, blockRunView{Name: ev.Block, Status: runtime.StatusQueued, Logs: []string{}})
		return &r.view.Blocks[len(r.view.Blocks)-1]
	}
	switch ev.Kind {
	case runtime.RunStarted:
		m.Mode = r.view.Mode
		for _, b := range r.view.Blocks {
			m.Blocks = append(m.Blocks, b.Name)
		}
	case runtime.BlockStarted:
		b := blk()
		b.Status = runtime.StatusRunning
		if m.Status == "" {
			m.Status = runtime.StatusRunning
		}
	case runtime.BlockLog:
		b := blk()
		if len(b.Logs) < keepLogLines {
			b.Logs = append(b.Logs, ev.Line)
		}
		m.Line = ptr(ev.Line)
	case runtime.BlockFinished:
		b := blk()
		b.Status, b.Rows, b.Cols, b.DurationMS = ev.Status, ev.Rows, ev.Cols, ev.Duration.Milliseconds()
		m.Rows, m.Cols, m.DurationMS = ptr(ev.Rows), ptr(ev.Cols), ptr(ev.Duration.Milliseconds())
		if ev.Err != nil {
			b.Error = blockProblem(ev.Err)
			m.Error = b.Error
		}
	case runtime.RunFinished:
		r.view.Status = ev.Status
		r.view.DurationMS = ev.Duration.Milliseconds()
		m.DurationMS = ptr(r.view.DurationMS)
	}
	return m
}

func blockProblem(e *runtime.BlockError) *problem {
	return &problem{Message: e.Message, File: e.File, Line: e.Line, Col: e.Col, Stack: e.Stack}
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Mode    string            `json:"mode"`
		Block   string            `json:"block"`
		Vars    map[string]string `json:"vars"`
		NoCache bool              `json:"no_cache"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Mode == "" {
		req.Mode = "pipeline"
	}
	sel, ok := runModes[req.Mode]
	if !ok {
		return errorf(http.StatusBadRequest, codeBadRequest, "unknown mode %q (block, with_upstream, downstream, pipeline)", req.Mode)
	}
	opts := runtime.Options{Vars: req.Vars, Select: sel, NoCache: req.NoCache, Trigger: "editor"}
	if sel != runtime.SelectAll {
		if req.Block == "" {
			return errorf(http.StatusBadRequest, codeBadRequest, "mode %s needs a block", req.Mode)
		}
		opts.Blocks = []string{req.Block}
	}
	name := r.PathValue("name")
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	if _, err := p.Pipeline(name); err != nil {
		return err
	}
	plan, err := buildPlan(p, name, opts)
	if err != nil {
		return err
	}
	if err := plan.CheckStoredInputs(s.store); err != nil {
		return invalid(err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(s.baseCtx))
	if s.baseCtx.Err() != nil {
		cancel()
		return errorf(http.StatusServiceUnavailable, codeInternal, "server is shutting down")
	}
	rn := &run{started: time.Now(), cancel: cancel, done: make(chan struct{}),
		view: runView{RunID: runtime.NewRunID(), Pipeline: name, Mode: req.Mode, Status: runtime.StatusRunning, StartedAt: stamp(time.Now())}}
	for _, b := range plan.Blocks() {
		rn.view.Blocks = append(rn.view.Blocks, blockRunView{Name: b, Status: runtime.StatusQueued, Logs: []string{}})
	}
	if err := s.runs.add(rn); err != nil {
		cancel()
		return err
	}
	stop := context.AfterFunc(s.baseCtx, cancel) // server shutdown cancels runs
	go s.execute(ctx, rn, plan, stop)
	writeJSON(w, http.StatusAccepted, map[string]string{"run_id": rn.view.RunID})
	return nil
}

// buildPlan wraps runtime.Build, recovering from a panic in it.
func buildPlan(p *projects.Project, name string, opts runtime.Options) (plan *runtime.Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plan %s: internal error: %v", name, r)
		}
	}()
	plan, err = runtime.Build(p, name, opts)
	if err != nil {
		return nil, invalid(err)
	}
	return plan, nil
}

// invalid makes an unclassified planning error a 422.
func invalid(err error) error {
	if e := toAPIError(err); e.Status == http.StatusInternalServerError {
		e.Status, e.Code = http.StatusUnprocessableEntity, codeInvalid
		return e
	}
	return err
}

// execute runs plan, forwarding its events to the websocket; it never
// panics the server.
func (s *Server) execute(ctx context.Context, rn *run, plan *runtime.Plan, stop func() bool) {
	defer stop()
	defer close(rn.done)
	defer rn.cancel()
	events := make(chan runtime.Event, 256)
	forwarded := make(chan struct{})
	finished := false
	go func() {
		defer close(forwarded)
		for ev := range events {
			if ev.Kind == runtime.RunFinished {
				finished = true
			}
			s.hub.broadcast(s.runs.apply(rn, ev))
			if ev.Kind == runtime.BlockFinished && ev.Status == runtime.StatusSucceeded && ev.Cols > 0 {
				// the page asks for this output and its charts next: read it now
				go func() {
					defer func() { _ = recover() }()
					s.storedFrame(ev.Pipeline, ev.Block)
				}()
			}
		}
	}()
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("runner panicked: %v", r)
			}
		}()
		_, err = s.runner.RunWithID(ctx, plan, rn.view.RunID, events)
	}()
	close(events)
	<-forwarded
	if !finished { // the runner failed before or without finishing: close the run
		status := runtime.StatusFailed
		if ctx.Err() != nil {
			status = runtime.StatusCancelled
		}
		m := s.runs.apply(rn, runtime.Event{Kind: runtime.RunFinished, Time: time.Now(), RunID: rn.view.RunID, Pipeline: rn.view.Pipeline, Status: status, Duration: time.Since(rn.started)})
		if err != nil {
			m.Error = &problem{Message: err.Error()}
		}
		s.hub.broadcast(m)
	}
	if err != nil {
		s.log.Printf("editor: run %s: %v", rn.view.RunID, err)
	}
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"runs": s.runs.list(r.URL.Query().Get("pipeline"))})
	return nil
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	rn, ok := s.runs.get(r.PathValue("id"))
	if !ok {
		return errorf(http.StatusNotFound, codeNotFound, "no run %q (the editor remembers the last %d)", r.PathValue("id"), keepRuns)
	}
	writeJSON(w, http.StatusOK, s.runs.snapshot(rn))
	return nil
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) error {
	rn, ok := s.runs.get(r.PathValue("id"))
	if !ok {
		return errorf(http.StatusNotFound, codeNotFound, "no run %q", r.PathValue("id"))
	}
	if v := s.runs.snapshot(rn); v.Status != runtime.StatusRunning {
		return errorf(http.StatusConflict, codeConflict, "run %s already %s", v.RunID, v.Status)
	}
	rn.cancel()
	writeJSON(w, http.StatusAccepted, map[string]string{"run_id": rn.view.RunID})
	return nil
}
