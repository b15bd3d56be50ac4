package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/output"
)

// orphanGrace is how long a worker whose supervisor is gone (stdin closed) lets its run stop by
// cancellation before it exits anyway.
const orphanGrace = 3 * time.Second

// Serve is the worker process: it reads a Job from in, runs it and writes its events and result
// to out. It returns an error only when no job could be read; a run that cannot start is reported
// to the supervisor as an error frame. When in closes before the run ends, the run is cancelled and
// the process exits within orphanGrace.
func Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	br := bufio.NewReader(in)
	line, err := br.ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return fmt.Errorf("%w: read job: %w", ErrWorker, err)
	}
	var job Job
	if err := json.Unmarshal(line, &job); err != nil {
		return fmt.Errorf("%w: decode job: %w", ErrWorker, err)
	}
	// Relative paths in blocks mean the project's files, as in a run that starts in the project.
	if err := os.Chdir(job.ProjectDir); err != nil {
		return fmt.Errorf("%w: %w", ErrWorker, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, br)
		cancel()
		time.AfterFunc(orphanGrace, func() { os.Exit(3) })
	}()
	// Every frame passes the project's secret values through the redactor: log lines, errors and
	// small JSON values reach the history, the editor and golem run --json only from here.
	w := &frameWriter{out: out, redact: secret.ForProject(job.ProjectDir)}
	res, err := run(ctx, job, w)
	if err != nil {
		return w.write(frame{Error: err.Error()})
	}
	return w.write(frame{Result: res})
}

func run(ctx context.Context, job Job, w *frameWriter) (*runtime.Result, error) {
	proj, err := projects.Load(job.ProjectDir)
	if err != nil {
		return nil, err
	}
	plan, err := runtime.Build(proj, job.Pipeline, job.Options)
	if err != nil {
		return nil, err
	}
	store := output.NewStore(proj.Dir)
	store.Mask = w.redact.Bytes // JSON outputs are served by the editor: stored masked too
	trials := New(Options{Command: job.Command, BlockTimeout: job.BlockTimeout, MemoryLimit: job.MemoryLimit})
	defer trials.Close()
	runner := runtime.NewRunner(runtime.RunnerOptions{
		Store:        store,
		BlockTimeout: job.BlockTimeout,
		MemoryLimit:  job.MemoryLimit,
		OnEvent: func(e runtime.Event) {
			if e.Kind == runtime.BlockRecord {
				w.record(e)
				return
			}
			_ = w.write(frame{Event: &e})
		},
		Trials: trials.RunTrial,
		Models: resolveModel(proj.Dir),
	})
	return runner.RunWithID(ctx, plan, job.RunID, nil)
}
