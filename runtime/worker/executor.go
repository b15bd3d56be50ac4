package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
	"github.com/golemlabs/golem/runtime"
)

// Options configure an Executor.
type Options struct {
	// Command is the worker's argv; nil means this executable with the argument Arg.
	Command []string
	// Env is added to the worker's environment.
	Env []string
	// BlockTimeout is the timeout of blocks that set none (0: none).
	BlockTimeout time.Duration
	// MemoryLimit applies to runs whose project and pipeline set none; 0 means DefaultMemoryLimit.
	MemoryLimit int64
	// Grace is how long past its timeout a block may take to stop by itself before its worker is
	// killed; 0 means 2s.
	Grace time.Duration
	// Poll is how often the worker's memory and its blocks' timeouts are checked; 0 means 50ms.
	Poll time.Duration
	// Spares is how many worker processes are kept started ahead of the next runs, so that a
	// run does not wait for a process to start (~50 ms: the golem binary's initialisation).
	Spares int
}

// Executor runs each run in a worker process of its own. It is safe for concurrent use.
type Executor struct {
	o Options

	mu       sync.Mutex
	spares   []*proc
	starting int
	closed   bool
}

// proc is a started worker process waiting for its job.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	tail   *stderrTail
}

// New returns an Executor.
func New(o Options) *Executor {
	if o.Grace <= 0 {
		o.Grace = 2 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 50 * time.Millisecond
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = DefaultMemoryLimit()
	}
	x := &Executor{o: o}
	for range o.Spares {
		x.Prestart()
	}
	return x
}

// Prestart starts a worker process for a next run now, so that its start overlaps with the work
// before the run (loading and planning the project, recording the run).
func (x *Executor) Prestart() {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return
	}
	x.starting++
	x.mu.Unlock()
	p, err := x.start()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.starting--
	switch {
	case err != nil:
	case x.closed:
		p.kill()
	default:
		x.spares = append(x.spares, p)
	}
}

// Close ends the spare worker processes.
func (x *Executor) Close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	for _, p := range x.spares {
		p.kill()
	}
	x.spares = nil
}

func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.stdin.Close()
	_ = p.cmd.Wait()
}

// take returns a spare worker process, or a new one, and starts spares to keep Spares of them.
func (x *Executor) take() (*proc, error) {
	x.mu.Lock()
	var p *proc
	if n := len(x.spares); n > 0 {
		p, x.spares = x.spares[0], x.spares[1:]
	}
	refill := x.o.Spares - len(x.spares) - x.starting
	x.mu.Unlock()
	for range max(refill, 0) {
		go x.Prestart()
	}
	if p == nil {
		return x.start()
	}
	return p, nil
}

// start starts a worker process; it waits for its job on stdin.
func (x *Executor) start() (*proc, error) {
	argv := x.o.Command
	if len(argv) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("%w: find the golem executable: %w", ErrWorker, err)
		}
		argv = []string{exe, Arg}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// No GOMEMLIMIT: near a soft limit the collector runs back to back, and a block that keeps
	// allocating took 15 s instead of 2 to reach a 300 MiB limit. The supervisor kills at the limit.
	cmd.Env = append(os.Environ(), x.o.Env...)
	p := &proc{cmd: cmd, tail: &stderrTail{}}
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if p.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	cmd.Stderr = p.tail
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start %s: %w", ErrWorker, argv[0], err)
	}
	return p, nil
}

// MemoryLimit is the limit a run of plan gets: the pipeline's, else the project's, else the
// executor's default.
func (x *Executor) MemoryLimit(plan *runtime.Plan) int64 {
	if m := plan.Pipeline.Settings.MemoryLimit; m > 0 {
		return int64(m)
	}
	if m := plan.Project.Config.Settings.MemoryLimit; m > 0 {
		return int64(m)
	}
	return x.o.MemoryLimit
}

// session is the supervisor's view of one worker running one run.
type session struct {
	x       *Executor
	plan    *runtime.Plan
	runID   string
	events  chan<- runtime.Event
	started time.Time
	limit   int64

	mu       sync.Mutex
	running  map[string]time.Time // block → start of its current attempt
	saving   map[string]bool      // blocks whose code is done and whose output is being stored
	finished map[string]runtime.BlockResult
	killed   string // why the supervisor killed the worker, "" if it did not
	cancel   bool   // killed because the run was cancelled
}

// RunWithID runs plan as run runID in a new worker process and returns its result; events, when
// not nil, receive its progress and must be drained. The death of the worker fails the run (see
// the package documentation); an error is returned only when the run could not start.
func (x *Executor) RunWithID(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event) (*runtime.Result, error) {
	s := &session{x: x, plan: plan, runID: runID, events: events, started: time.Now(), limit: x.MemoryLimit(plan),
		running: map[string]time.Time{}, saving: map[string]bool{}, finished: map[string]runtime.BlockResult{}}
	job, err := json.Marshal(Job{ProjectDir: plan.Project.Dir, Pipeline: plan.Pipeline.Name, RunID: runID,
		Options: plan.Options, BlockTimeout: x.o.BlockTimeout, Command: x.o.Command, MemoryLimit: x.MemoryLimit(plan)})
	if err != nil {
		return nil, err
	}
	p, err := x.take()
	if err != nil {
		return nil, err
	}
	cmd, stdin, stdout, tail := p.cmd, p.stdin, p.stdout, p.tail
	// stdin stays open for the whole run: the worker exits when it closes.
	_, _ = stdin.Write(append(job, '\n'))
	watched := make(chan struct{})
	stopWatch := make(chan struct{})
	go func() {
		defer close(watched)
		s.watch(ctx, cmd.Process, stopWatch)
	}()

	var res *runtime.Result
	var startErr string
	protoErr := s.read(stdout, func(f frame) {
		switch {
		case f.Event != nil:
			s.observe(*f.Event)
		case len(f.Records) > 0:
			for _, e := range f.Records {
				s.observe(e)
			}
		case f.Result != nil:
			res = f.Result
		case f.Error != "":
			startErr = f.Error
		}
	})
	waitErr := cmd.Wait()
	close(stopWatch)
	<-watched
	_ = stdin.Close()

	s.mu.Lock()
	killed := s.killed
	s.mu.Unlock()
	peak := peakRSS(cmd.ProcessState)
	switch {
	case res != nil && killed == "":
		res.PeakRSS = peak
		return res, nil
	case startErr != "" && killed == "":
		return nil, errors.New(startErr)
	}
	cause := killed
	lines := tail.lines()
	if cause == "" {
		cause = crashCause(lines)
	}
	if cause == "" && protoErr != nil {
		cause = protoErr.Error()
	}
	if cause == "" {
		cause = exitCause(waitErr, s.limit, peak)
	}
	res = s.failed(cause, lines)
	res.PeakRSS = peak
	return res, nil
}

// read decodes frames from the worker's stdout until it closes.
func (s *session) read(r io.Reader, fn func(frame)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var bad error
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var f frame
			if jerr := json.Unmarshal(line, &f); jerr != nil {
				if bad == nil {
					bad = fmt.Errorf("%w: bad frame %.80q: %w", ErrWorker, line, jerr)
				}
			} else {
				fn(f)
			}
		}
		if err != nil {
			return bad
		}
	}
}

// observe follows the state of the run's blocks and forwards the event.
func (s *session) observe(e runtime.Event) {
	s.mu.Lock()
	switch e.Kind {
	case runtime.BlockStarted:
		s.running[e.Block] = time.Now()
	case runtime.BlockSaving:
		s.saving[e.Block] = true
	case runtime.BlockFinished:
		delete(s.running, e.Block)
		delete(s.saving, e.Block)
		s.finished[e.Block] = runtime.BlockResult{Name: e.Block, Status: e.Status, Duration: e.Duration, Rows: e.Rows, Cols: e.Cols, Err: e.Err}
	}
	s.mu.Unlock()
	s.emit(e)
}

func (s *session) emit(e runtime.Event) {
	if s.events == nil {
		return
	}
	e.RunID, e.Pipeline = s.runID, s.plan.Pipeline.Name
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	s.events <- e
}

// watch kills the worker when the run is cancelled, when it passes the memory limit, or when a
// block or the pipeline outlives its timeout by more than the grace the worker gets to stop it.
func (s *session) watch(ctx context.Context, p *os.Process, stop <-chan struct{}) {
	tick := time.NewTicker(s.x.o.Poll)
	defer tick.Stop()
	kill := func(why string, cancel bool) {
		s.mu.Lock()
		if s.killed == "" {
			s.killed, s.cancel = why, cancel
		}
		s.mu.Unlock()
		_ = p.Kill()
	}
	pipelineTimeout := s.plan.Pipeline.Settings.Timeout.D()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			kill("cancelled", true)
			return
		case now := <-tick.C:
			if rss := residentBytes(p.Pid); s.limit > 0 && rss > s.limit {
				kill(fmt.Sprintf("killed: memory limit %s reached (resident %s)", projects.Size(s.limit), projects.Size(rss)), false)
				return
			}
			if pipelineTimeout > 0 && now.Sub(s.started) > pipelineTimeout+s.x.o.Grace {
				kill(fmt.Sprintf("killed: the pipeline's timeout of %s passed and the run did not stop", pipelineTimeout), false)
				return
			}
			s.mu.Lock()
			var over string
			for b, start := range s.running {
				if s.saving[b] {
					continue
				}
				if t := s.plan.BlockTimeout(s.plan.Node(b), s.x.o.BlockTimeout); t > 0 && now.Sub(start) > t+s.x.o.Grace {
					over = fmt.Sprintf("stopped after its timeout of %s (the block did not stop by itself: its worker was killed)", t)
				}
			}
			s.mu.Unlock()
			if over != "" {
				kill(over, false)
				return
			}
		}
	}
}

// failed builds the result of a run whose worker died or was killed: blocks that were running get
// the cause, blocks that finished keep their result, blocks not started are skipped (or cancelled).
func (s *session) failed(cause string, stderr []string) *runtime.Result {
	s.mu.Lock()
	cancelled := s.cancel
	running := make(map[string]time.Time, len(s.running))
	saving := map[string]bool{}
	for b, t := range s.running {
		if s.saving[b] {
			saving[b] = true
		} else {
			running[b] = t
		}
	}
	s.mu.Unlock()
	status := runtime.StatusFailed
	if cancelled {
		status = runtime.StatusCancelled
	}
	res := &runtime.Result{RunID: s.runID, Pipeline: s.plan.Pipeline.Name, Status: status, Started: s.started}
	if !cancelled {
		// The crash report comes straight from the worker's stderr, past the frame writer's
		// redaction: mask the project's secrets here.
		red := secret.ForProject(s.plan.Project.Dir)
		cause = red.String(cause)
		for i := range stderr {
			stderr[i] = red.String(stderr[i])
		}
		res.Error, res.Stderr = cause, stderr
	}
	for _, name := range s.plan.Blocks() {
		s.mu.Lock()
		br, done := s.finished[name]
		s.mu.Unlock()
		if done {
			res.Blocks = append(res.Blocks, br)
			continue
		}
		n := s.plan.Node(name)
		br = runtime.BlockResult{Name: name, Status: status}
		start, wasRunning := running[name]
		switch {
		case saving[name] && !cancelled:
			br.Status = runtime.StatusFailed
			first, _, _ := strings.Cut(cause, "\n")
			br.Err = &runtime.BlockError{Block: name, File: n.Source.File, Message: "its output was not stored: the run's worker process died (" + first + ")"}
		case wasRunning:
			br.Duration = time.Since(start)
			br.Err = &runtime.BlockError{Block: name, File: n.Source.File, Message: cause}
			if !cancelled {
				br.Err.Line = tracePosition(stderr, n.Source.File)
				br.Err.Stack = traceExcerpt(stderr)
			}
		case cancelled:
		default:
			br.Status = runtime.StatusSkipped
			br.Err = &runtime.BlockError{Block: name, Message: "skipped: the run's worker process ended before the block started"}
		}
		if wasRunning && br.Err != nil && !cancelled && res.Error == cause {
			res.Error = br.Err.Error() // the run failed at this block
		}
		res.Blocks = append(res.Blocks, br)
		s.emit(runtime.Event{Kind: runtime.BlockFinished, Block: name, Status: br.Status, Duration: br.Duration, Err: br.Err})
	}
	res.Duration = time.Since(s.started)
	s.emit(runtime.Event{Kind: runtime.RunFinished, Status: status, Duration: res.Duration})
	return res
}

// exitCause describes a worker that ended without a result or a Go crash report.
func exitCause(err error, limit, peak int64) string {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		if err == nil {
			return "the worker process ended without a result"
		}
		return "the worker process failed: " + err.Error()
	}
	if code := ee.ExitCode(); code >= 0 {
		return fmt.Sprintf("the worker process exited with code %d", code)
	}
	msg := "the worker process was killed: " + ee.String()
	if peak > limit*8/10 {
		msg += fmt.Sprintf(" (it had reached %s: out of memory?)", projects.Size(peak))
	}
	return msg
}
