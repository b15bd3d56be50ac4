package editor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
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
	// StartedAt and EndedAt bound the block's attempts ("" until known).
	StartedAt string        `json:"started_at,omitempty"`
	EndedAt   string        `json:"ended_at,omitempty"`
	Attempts  []attemptView `json:"attempts,omitempty"`
}

// attemptView is one try of a block (a block with retries has several).
type attemptView struct {
	Start string `json:"start"`
	End   string `json:"end,omitempty"` // "" while it runs
	Error string `json:"error,omitempty"`
}

// setAttempts fills b's attempts and start/end times from the history's.
func (b *blockRunView) setAttempts(as []history.Attempt) {
	if len(as) == 0 {
		return
	}
	b.Attempts = make([]attemptView, len(as))
	for i, a := range as {
		b.Attempts[i] = attemptView{Start: stamp(a.Start), Error: a.Error}
		if !a.End.IsZero() {
			b.Attempts[i].End = stamp(a.End)
		}
	}
	b.StartedAt, b.EndedAt = b.Attempts[0].Start, b.Attempts[len(as)-1].End
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
}

// runs remembers the active runs and the last finished ones.
type runs struct {
	mu   sync.Mutex
	all  []*run // oldest first
	byID map[string]*run
}

func newRuns() *runs { return &runs{byID: map[string]*run{}} }

// upsert returns run id, creating it (running, started now) when unknown:
// events may arrive before Submit returns, and runs started elsewhere (the
// scheduler) appear only through their events.
func (rs *runs) upsert(id, pipeline string) *run {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.upsertLocked(id, pipeline)
}

func (rs *runs) upsertLocked(id, pipeline string) *run {
	if r, ok := rs.byID[id]; ok {
		return r
	}
	now := time.Now()
	r := &run{started: now, view: runView{RunID: id, Pipeline: pipeline, Status: runtime.StatusRunning, StartedAt: stamp(now)}}
	rs.all = append(rs.all, r)
	rs.byID[id] = r
	for len(rs.all) > keepRuns {
		i := slices.IndexFunc(rs.all, func(o *run) bool { return o.view.Status != runtime.StatusRunning })
		if i < 0 {
			break
		}
		delete(rs.byID, rs.all[i].view.RunID)
		rs.all = slices.Delete(rs.all, i, i+1)
	}
	return r
}

// running reports whether a run of pipeline is running here.
func (rs *runs) running(pipeline string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.ContainsFunc(rs.all, func(r *run) bool { return r.view.Pipeline == pipeline && r.view.Status == runtime.StatusRunning })
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
		v.Blocks[i].Attempts = slices.Clone(v.Blocks[i].Attempts)
	}
	if v.Status == runtime.StatusRunning {
		v.DurationMS = time.Since(r.started).Milliseconds()
	}
	return v
}

func (rs *runs) list(pipeline string, withBlocks bool) []runView {
	rs.mu.Lock()
	all := slices.Clone(rs.all)
	rs.mu.Unlock()
	out := []runView{}
	for i := len(all) - 1; i >= 0; i-- {
		if pipeline == "" || all[i].view.Pipeline == pipeline {
			v := rs.snapshot(all[i])
			if !withBlocks {
				v.Blocks = nil
			}
			for j := range v.Blocks {
				v.Blocks[j].Logs = []string{}
			}
			out = append(out, v)
		}
	}
	return out
}

// apply folds an event into its run's view and returns its websocket message.
func (rs *runs) apply(ev runtime.Event) message {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.upsertLocked(ev.RunID, ev.Pipeline)
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
		b.Attempts = append(b.Attempts, attemptView{Start: stamp(ev.Time)})
		if b.StartedAt == "" {
			b.StartedAt = stamp(ev.Time)
		}
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
		if n := len(b.Attempts); n > 0 { // blocks that never started have no times
			b.EndedAt = stamp(ev.Time)
			if b.Attempts[n-1].End == "" {
				b.Attempts[n-1].End = b.EndedAt
				if ev.Err != nil {
					b.Attempts[n-1].Error = ev.Err.Message
				}
			}
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
	trigger, runTrigger := history.TriggerManual, history.TriggerEditor
	if byAPITrigger(r) {
		trigger, runTrigger = history.TriggerAPI, history.TriggerAPI
	}
	opts := runtime.Options{Vars: req.Vars, Select: sel, NoCache: req.NoCache, Trigger: runTrigger}
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
	// Plan here too: its errors come back positioned, before anything is recorded.
	plan, err := buildPlan(p, name, opts)
	if err != nil {
		return err
	}
	if err := plan.CheckStoredInputs(s.store); err != nil {
		return invalid(err)
	}
	s.submitMu.Lock()
	defer s.submitMu.Unlock()
	if s.runs.running(name) {
		return errorf(http.StatusConflict, codeConflict, "pipeline %q is already running: cancel it or wait", name)
	}
	id, err := s.dispatcher.Submit(context.WithoutCancel(r.Context()), dispatch.Request{Pipeline: name, Options: opts, Trigger: trigger})
	if err != nil {
		return invalid(err)
	}
	s.runs.mu.Lock()
	rn := s.runs.upsertLocked(id, name)
	rn.view.Mode = req.Mode
	for _, b := range plan.Blocks() {
		if !slices.ContainsFunc(rn.view.Blocks, func(v blockRunView) bool { return v.Name == b }) {
			rn.view.Blocks = append(rn.view.Blocks, blockRunView{Name: b, Status: runtime.StatusQueued, Logs: []string{}})
		}
	}
	s.runs.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"run_id": id})
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

// forward turns the dispatcher's events (runs from the editor, the
// scheduler, retries) into websocket messages until ctx is done.
func (s *Server) forward(ctx context.Context) {
	events, stop := s.dispatcher.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			s.forwardEvent(ev)
		}
	}
}

func (s *Server) forwardEvent(ev runtime.Event) {
	defer func() { // never let a bad event take the server down
		if p := recover(); p != nil {
			s.log.Printf("editor: event %s of run %s: %v", ev.Kind, ev.RunID, p)
		}
	}()
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	if ev.Kind == runtime.RunStarted {
		// a run from startRun may start before startRun has recorded its
		// mode and blocks: wait for it (runs from elsewhere pass at once)
		s.submitMu.Lock()
		s.submitMu.Unlock() //nolint:staticcheck // a barrier, not a critical section
	}
	s.hub.broadcast(s.runs.apply(ev))
	if ev.Kind == runtime.BlockFinished && ev.Status == runtime.StatusSucceeded && ev.Cols > 0 {
		// the page asks for this output and its charts next: read it now
		go func() {
			defer func() { _ = recover() }()
			s.storedFrame(ev.Pipeline, ev.Block)
		}()
	}
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	pipeline := r.URL.Query().Get("pipeline")
	limit, err := intParam(r, "limit", keepRuns)
	if err != nil {
		return err
	}
	withBlocks := r.URL.Query().Get("blocks") == "true"
	writeJSON(w, http.StatusOK, map[string]any{"runs": s.recentRuns(r.Context(), pipeline, min(max(limit, 1), 500), withBlocks)})
	return nil
}

// recentRuns lists runs newest first: the history (runs from the CLI and
// the scheduler too), with this server's live view of running ones; with
// withBlocks, each with its blocks' status and times (not their logs).
func (s *Server) recentRuns(ctx context.Context, pipeline string, limit int, withBlocks bool) []runView {
	out := []runView{}
	seen := map[string]bool{}
	if s.history != nil {
		if hs, err := s.history.List(ctx, history.Filter{Pipeline: pipeline, Limit: limit}); err == nil {
			for _, h := range hs {
				v := viewHistoryRun(h, withBlocks)
				if live, ok := s.runs.get(h.ID); ok {
					lv := s.runs.snapshot(live)
					v.Status, v.DurationMS, v.Mode = lv.Status, lv.DurationMS, lv.Mode
					if withBlocks && lv.Status == runtime.StatusRunning {
						for i := range v.Blocks { // the live status is fresher
							if j := slices.IndexFunc(lv.Blocks, func(b blockRunView) bool { return b.Name == v.Blocks[i].Name }); j >= 0 {
								v.Blocks[i].Status = lv.Blocks[j].Status
							}
						}
					}
				}
				seen[h.ID] = true
				out = append(out, v)
			}
		}
	}
	for _, v := range s.runs.list(pipeline, withBlocks) {
		if !seen[v.RunID] {
			out = append(out, v)
		}
	}
	slices.SortStableFunc(out, func(a, b runView) int { return strings.Compare(b.StartedAt, a.StartedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// lastRun is the newest run of pipeline, nil if none.
func (s *Server) lastRun(ctx context.Context, pipeline string) *runView {
	if l := s.recentRuns(ctx, pipeline, 1, false); len(l) > 0 {
		return &l[0]
	}
	return nil
}

func viewHistoryRun(h *history.PipelineRun, withBlocks bool) runView {
	started := h.StartedAt
	if started.IsZero() {
		started = h.QueuedAt
	}
	v := runView{RunID: h.ID, Pipeline: h.Pipeline, Mode: h.Trigger, Status: string(h.Status), StartedAt: stamp(started), DurationMS: h.Duration().Milliseconds()}
	if withBlocks {
		for _, b := range h.Blocks {
			bv := blockRunView{Name: b.Name, Status: string(b.Status), Rows: b.Rows, Cols: b.Cols, DurationMS: b.Duration.Milliseconds(), Logs: []string{}}
			bv.setAttempts(b.Attempts)
			if n := len(b.Attempts); n > 0 && b.Attempts[n-1].Error != "" {
				bv.Error = &problem{Message: b.Attempts[n-1].Error}
			}
			v.Blocks = append(v.Blocks, bv)
		}
	}
	return v
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if rn, ok := s.runs.get(id); ok {
		v := s.runs.snapshot(rn)
		if s.history != nil { // the recorded attempt times are authoritative
			if h, err := s.history.Get(r.Context(), id); err == nil {
				for _, hb := range h.Blocks {
					if i := slices.IndexFunc(v.Blocks, func(b blockRunView) bool { return b.Name == hb.Name }); i >= 0 {
						v.Blocks[i].setAttempts(hb.Attempts)
					}
				}
			}
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
	if s.history != nil {
		if h, err := s.history.Get(r.Context(), id); err == nil {
			v := viewHistoryRun(h, true)
			for i := range v.Blocks {
				if lines, err := s.history.Logs(id, v.Blocks[i].Name); err == nil {
					v.Blocks[i].Logs = lines[max(0, len(lines)-keepLogLines):]
				}
			}
			writeJSON(w, http.StatusOK, v)
			return nil
		}
	}
	return errorf(http.StatusNotFound, codeNotFound, "no run %q", id)
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if rn, ok := s.runs.get(id); ok {
		if v := s.runs.snapshot(rn); v.Status != runtime.StatusRunning {
			return errorf(http.StatusConflict, codeConflict, "run %s already %s", v.RunID, v.Status)
		}
	}
	if err := s.dispatcher.Cancel(id); err != nil {
		if errors.Is(err, dispatch.ErrNoRun) {
			return errorf(http.StatusNotFound, codeNotFound, "no active run %q", id)
		}
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"run_id": id})
	return nil
}

// retryRun starts a run of run id's failed blocks and everything downstream
// of them, with the run's variables (history trigger retry:<id>).
func (s *Server) retryRun(w http.ResponseWriter, r *http.Request) error {
	return s.again(w, r, true)
}

// rerunRun starts a full run of run id's pipeline with its variables.
func (s *Server) rerunRun(w http.ResponseWriter, r *http.Request) error {
	return s.again(w, r, false)
}

func (s *Server) again(w http.ResponseWriter, r *http.Request, retry bool) error {
	id := r.PathValue("id")
	if s.history == nil {
		return errorf(http.StatusNotFound, codeNotFound, "no run %q", id)
	}
	old, err := s.history.Get(r.Context(), id)
	if err != nil {
		if errors.Is(err, history.ErrNotFound) {
			return errorf(http.StatusNotFound, codeNotFound, "no run %q in the history", id)
		}
		return err
	}
	if !old.Status.Terminal() {
		return errorf(http.StatusConflict, codeConflict, "run %s is still %s: wait for it to end or cancel it", id, old.Status)
	}
	s.submitMu.Lock()
	defer s.submitMu.Unlock()
	if s.runs.running(old.Pipeline) {
		return errorf(http.StatusConflict, codeConflict, "pipeline %q is already running: cancel it or wait", old.Pipeline)
	}
	ctx := context.WithoutCancel(r.Context())
	var newID, mode string
	if retry {
		mode = "retry"
		newID, err = s.dispatcher.Retry(ctx, id)
		if errors.Is(err, dispatch.ErrNothingToRetry) {
			return errorf(http.StatusConflict, codeConflict, "run %s (%s) has no failed, crashed or cancelled block to retry: use rerun", id, old.Status)
		}
	} else {
		mode = "pipeline"
		vars := map[string]string{}
		for k, v := range old.Vars {
			vars[k] = v
		}
		newID, err = s.dispatcher.Submit(ctx, dispatch.Request{Pipeline: old.Pipeline, Trigger: history.TriggerManual,
			Options: runtime.Options{Vars: vars, Select: runtime.SelectAll, Trigger: history.TriggerEditor}})
	}
	if err != nil {
		return invalid(err)
	}
	s.runs.mu.Lock()
	rn := s.runs.upsertLocked(newID, old.Pipeline)
	rn.view.Mode = mode
	s.runs.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"run_id": newID})
	return nil
}
