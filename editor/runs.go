package editor

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
)

// RunMode says which blocks a run started in the editor runs.
type RunMode string

// The run modes of POST /api/pipelines/{name}/runs.
const (
	// ModeBlock runs only the block, from its upstreams' stored outputs.
	ModeBlock RunMode = "block"
	// ModeWithUpstream runs the block and everything before it.
	ModeWithUpstream RunMode = "with_upstream"
	// ModeDownstream runs the block and everything after it.
	ModeDownstream RunMode = "downstream"
	// ModePipeline runs every block.
	ModePipeline RunMode = "pipeline"
)

var runModes = map[RunMode]runtime.Select{
	ModeBlock:        runtime.SelectOnly,
	ModeWithUpstream: runtime.SelectWithUpstream,
	ModeDownstream:   runtime.SelectWithDownstream,
	ModePipeline:     runtime.SelectAll,
}

// RunRequest is the body of POST /api/pipelines/{name}/runs.
type RunRequest struct {
	// Mode is pipeline when absent.
	Mode RunMode `json:"mode,omitempty"`
	// Block is the block of the modes other than pipeline.
	Block string `json:"block,omitempty"`
	// Vars set the pipeline's variables for this run.
	Vars    map[string]string `json:"vars,omitempty"`
	NoCache bool              `json:"no_cache,omitempty"`
}

// RunRef is the answer of starting, cancelling, retrying or rerunning a run: the run's id.
type RunRef struct {
	RunID string `json:"run_id"`
}

// RunList is the answer of GET /api/runs, newest first.
type RunList struct {
	Runs []Run `json:"runs"`
}

const (
	keepRuns     = 50   // finished runs remembered
	keepLogLines = 2000 // per block, for GET /api/runs/{id}
	maxListRuns  = 500  // largest limit of GET /api/runs
)

// RunBlock is one block of a run.
type RunBlock struct {
	Name       string         `json:"name"`
	Status     history.Status `json:"status"`
	Rows       int            `json:"rows"`
	Cols       int            `json:"cols"`
	DurationMS int64          `json:"duration_ms"`
	Error      *Problem       `json:"error"`
	Logs       []string       `json:"logs"`
	// StartedAt and EndedAt bound the block's attempts ("" until known).
	StartedAt string       `json:"started_at,omitempty"`
	EndedAt   string       `json:"ended_at,omitempty"`
	Attempts  []RunAttempt `json:"attempts,omitempty"`
}

// RunAttempt is one try of a block (a block with retries has several).
type RunAttempt struct {
	Start string `json:"start"`
	End   string `json:"end,omitempty"` // "" while it runs
	Error string `json:"error,omitempty"`
}

// setAttempts fills b's attempts and start/end times from the history's.
func (b *RunBlock) setAttempts(as []history.Attempt) {
	if len(as) == 0 {
		return
	}
	b.Attempts = make([]RunAttempt, len(as))
	for i, a := range as {
		b.Attempts[i] = RunAttempt{Start: stamp(a.Start), Error: a.Error}
		if !a.End.IsZero() {
			b.Attempts[i].End = stamp(a.End)
		}
	}
	b.StartedAt, b.EndedAt = b.Attempts[0].Start, b.Attempts[len(as)-1].End
}

// Run is a run as GET /api/runs shows it. Mode is the run's trigger (editor, api, cli,
// schedule:<name>, retry:<id>), the vocabulary of golem runs.
type Run struct {
	RunID      string         `json:"run_id"`
	Pipeline   string         `json:"pipeline"`
	Mode       string         `json:"mode"`
	Status     history.Status `json:"status"`
	StartedAt  string         `json:"started_at"`
	DurationMS int64          `json:"duration_ms"`
	Error      string         `json:"error,omitempty"`
	Stderr     []string       `json:"stderr,omitempty"`
	Workers    []string       `json:"workers,omitempty"` // cluster workers of the run's attempts, in order
	Blocks     []RunBlock     `json:"blocks,omitempty"`
}

// eventMessage turns a run event into its websocket message. Run state itself is not kept here:
// the recorder writes it to the history, which GET /api/runs reads.
func eventMessage(ev runtime.Event) WSMessage {
	m := WSMessage{Type: string(ev.Kind), Time: stamp(ev.Time), RunID: ev.RunID, Pipeline: ev.Pipeline, Block: ev.Block, Status: ev.Status}
	switch ev.Kind {
	case runtime.RunQueued, runtime.RunStarted:
		m.Mode, m.Blocks = ev.Trigger, ev.Blocks
		if ev.Line != "" {
			m.Line = ptr(ev.Line)
		}
	case runtime.BlockStarted:
		if m.Status == "" {
			m.Status = runtime.StatusRunning
		}
	case runtime.BlockLog:
		m.Line = ptr(ev.Line)
	case runtime.BlockFinished:
		m.Rows, m.Cols, m.DurationMS = ptr(ev.Rows), ptr(ev.Cols), ptr(ev.Duration.Milliseconds())
		if ev.Err != nil {
			m.Error = blockProblem(ev.Err)
		}
	case runtime.RunFinished:
		m.DurationMS = ptr(ev.Duration.Milliseconds())
		if ev.Line != "" {
			m.Line = ptr(ev.Line)
		}
	}
	return m
}

func blockProblem(e *runtime.BlockError) *Problem {
	return &Problem{Message: e.Message, File: e.File, Line: e.Line, Col: e.Col, Stack: e.Stack}
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request) error {
	var req RunRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Mode == "" {
		req.Mode = ModePipeline
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
	// A run over the pipeline's max_concurrent_runs is accepted and waits queued.
	id, err := s.dispatcher.Submit(context.WithoutCancel(r.Context()), dispatch.Request{Pipeline: name, Options: opts, Trigger: trigger})
	if err != nil {
		return invalid(err)
	}
	writeJSON(w, http.StatusAccepted, RunRef{RunID: id})
	return nil
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
	if ev.Kind == runtime.BlockRecord {
		return // metric points and parameters: the Experiments page reads them from the history
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	s.hub.broadcast(eventMessage(ev))
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
	limit, err := intParam(r, "limit", keepRuns, 1, maxListRuns)
	if err != nil {
		return err
	}
	withBlocks := r.URL.Query().Get("blocks") == "true"
	writeJSON(w, http.StatusOK, RunList{Runs: s.recentRuns(r.Context(), pipeline, limit, withBlocks)})
	return nil
}

// recentRuns lists runs newest first, from the history (runs of the CLI and the scheduler too);
// with withBlocks, each with its blocks' status and times (not their logs).
func (s *Server) recentRuns(ctx context.Context, pipeline string, limit int, withBlocks bool) []Run {
	out := []Run{}
	hs, err := s.history.List(ctx, history.Filter{Pipeline: pipeline, Limit: limit})
	if err != nil {
		s.log.Printf("editor: list runs: %v", err)
		return out
	}
	for _, h := range hs {
		out = append(out, viewHistoryRun(h, withBlocks))
	}
	return out
}

// lastRun is the newest run of pipeline, nil if none.
func (s *Server) lastRun(ctx context.Context, pipeline string) *Run {
	if l := s.recentRuns(ctx, pipeline, 1, false); len(l) > 0 {
		return &l[0]
	}
	return nil
}

func viewHistoryRun(h *history.PipelineRun, withBlocks bool) Run {
	started := h.StartedAt
	if started.IsZero() {
		started = h.QueuedAt
	}
	v := Run{RunID: h.ID, Pipeline: h.Pipeline, Mode: h.Trigger, Status: h.Status, StartedAt: stamp(started), DurationMS: h.Duration().Milliseconds(),
		Error: h.Error, Workers: h.Workers}
	if h.Status == history.Running || h.Status == history.Retrying {
		v.DurationMS = time.Since(h.StartedAt).Milliseconds()
	}
	if withBlocks {
		for _, b := range h.Blocks {
			bv := RunBlock{Name: b.Name, Status: b.Status, Rows: b.Rows, Cols: b.Cols, DurationMS: b.Duration.Milliseconds(), Logs: []string{}}
			bv.setAttempts(b.Attempts)
			if n := len(b.Attempts); n > 0 && b.Attempts[n-1].Error != "" {
				bv.Error = &Problem{Message: b.Attempts[n-1].Error}
			}
			v.Blocks = append(v.Blocks, bv)
		}
	}
	return v
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	h, err := s.history.Get(r.Context(), id)
	if errors.Is(err, history.ErrNotFound) || errors.Is(err, history.ErrInvalidID) {
		return errorf(http.StatusNotFound, codeNotFound, "no run %q", id)
	}
	if err != nil {
		return err
	}
	v := viewHistoryRun(h, true)
	v.Stderr = h.Stderr
	for i := range v.Blocks {
		if lines, err := s.history.Logs(id, v.Blocks[i].Name); err == nil {
			v.Blocks[i].Logs = lines[max(0, len(lines)-keepLogLines):]
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if h, err := s.history.Get(r.Context(), id); err == nil && h.Status.Terminal() {
		return errorf(http.StatusConflict, codeConflict, "run %s already %s", id, h.Status)
	}
	if err := s.dispatcher.Cancel(id); err != nil {
		if errors.Is(err, dispatch.ErrNoRun) {
			return errorf(http.StatusNotFound, codeNotFound, "no active run %q", id)
		}
		return err
	}
	writeJSON(w, http.StatusAccepted, RunRef{RunID: id})
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
	ctx := context.WithoutCancel(r.Context())
	var newID string
	if retry {
		newID, err = s.dispatcher.Retry(ctx, id)
		if errors.Is(err, dispatch.ErrNothingToRetry) {
			return errorf(http.StatusConflict, codeConflict, "run %s (%s) has no failed, crashed or cancelled block to retry: use rerun", id, old.Status)
		}
	} else {
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
	writeJSON(w, http.StatusAccepted, RunRef{RunID: newID})
	return nil
}
