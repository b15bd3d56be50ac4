package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/worker"
)

// WorkerOptions configure a Worker.
type WorkerOptions struct {
	Name   string
	Slots  int      // runs at once; 0 means 1
	Labels []string // what the worker offers to pipelines' runs_on
	Dir    string   // snapshots and the folders of runs
	Exec   worker.Options
	Logf   func(string, ...any)
}

// Worker takes runs from the cluster and runs each in a worker process of its own.
type Worker struct {
	c    *Conn
	o    WorkerOptions
	exec *worker.Executor

	mu      sync.Mutex
	running map[string]context.CancelFunc
}

// NewWorker returns a Worker on c.
func NewWorker(c *Conn, o WorkerOptions) *Worker {
	if o.Slots <= 0 {
		o.Slots = 1
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	o.Exec.Spares = o.Slots
	return &Worker{c: c, o: o, exec: worker.New(o.Exec), running: map[string]context.CancelFunc{}}
}

// Serve takes and runs jobs until ctx is done, then waits for the runs it has.
func (w *Worker) Serve(ctx context.Context) error {
	defer w.exec.Close()
	cons, err := w.c.JS.Consumer(ctx, runsStream, consumerName)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCluster, err)
	}
	cancelSub, err := w.c.NC.Subscribe(cancelPrefix+">", func(m *nats.Msg) {
		w.mu.Lock()
		cancel := w.running[strings.TrimPrefix(m.Subject, cancelPrefix)]
		w.mu.Unlock()
		if cancel != nil {
			cancel()
		}
	})
	if err != nil {
		return err
	}
	defer cancelSub.Unsubscribe()
	go w.beat(ctx)
	slots := make(chan struct{}, w.o.Slots)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			<-slots
			if ctx.Err() != nil {
				return nil
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		got := false
		for m := range batch.Messages() {
			got = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				w.handle(ctx, m)
			}()
		}
		if !got {
			<-slots
		}
	}
}

// beat publishes the worker's heartbeat until ctx is done.
func (w *Worker) beat(ctx context.Context) {
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		w.mu.Lock()
		info := WorkerInfo{Name: w.o.Name, Labels: w.o.Labels, Slots: w.o.Slots, Time: time.Now()}
		for id := range w.running {
			info.Running = append(info.Running, id)
		}
		w.mu.Unlock()
		if b, err := json.Marshal(info); err == nil {
			_ = w.c.NC.Publish(workersSubject, b)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// handle runs one delivery of a job.
func (w *Worker) handle(ctx context.Context, m jetstream.Msg) {
	var job Job
	if err := json.Unmarshal(m.Data(), &job); err != nil {
		_ = m.Term()
		return
	}
	for _, l := range job.RunsOn {
		if !slices.Contains(w.o.Labels, l) {
			_ = m.NakWithDelay(250 * time.Millisecond) // for a worker with the labels
			return
		}
	}
	// Attempts are counted in the lease, not by JetStream's deliveries (a worker without the labels
	// hands a job back, which is no attempt). The lease also says which attempt owns the run: an
	// older one that is still alive stops.
	attempt := 1
	if e, err := w.c.leases.Get(ctx, job.RunID); err == nil {
		prev, _ := strconv.Atoi(string(e.Value()))
		attempt = prev + 1
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		_ = m.Nak()
		return
	}
	if attempt > maxAttempts {
		b, _ := json.Marshal(frame{Attempt: attempt, Worker: w.o.Name,
			Error: fmt.Sprintf("run %s given up after %d attempts: the workers running it stopped answering", job.RunID, maxAttempts)})
		_, _ = w.c.JS.Publish(ctx, eventsPrefix+job.RunID, b)
		_ = m.Term()
		return
	}
	if _, err := w.c.leases.Put(ctx, job.RunID, []byte(strconv.Itoa(attempt))); err != nil {
		_ = m.Nak()
		return
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.mu.Lock()
	w.running[job.RunID] = cancel
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(w.running, job.RunID)
		w.mu.Unlock()
	}()
	var lost bool
	var lostMu sync.Mutex
	stopBeat := make(chan struct{})
	defer close(stopBeat)
	go func() {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		for {
			select {
			case <-stopBeat:
				return
			case <-t.C:
				_ = m.InProgress()
				if e, err := w.c.leases.Get(ctx, job.RunID); err == nil && string(e.Value()) != strconv.Itoa(attempt) {
					lostMu.Lock()
					lost = true
					lostMu.Unlock()
					cancel()
					return
				}
			}
		}
	}()
	publish := func(f frame) {
		f.Attempt, f.Worker = attempt, w.o.Name
		if b, err := json.Marshal(f); err == nil {
			_, _ = w.c.JS.PublishAsync(eventsPrefix+job.RunID, b)
		}
	}
	publish(frame{}) // the attempt begins here
	w.o.Logf("run %s of %s: attempt %d", job.RunID, job.Pipeline, attempt)
	res, files, runErr := w.run(runCtx, job, publish)
	lostMu.Lock()
	gone := lost
	lostMu.Unlock()
	if gone {
		w.o.Logf("run %s: attempt %d lost the run to a newer attempt", job.RunID, attempt)
		return
	}
	if runErr != nil {
		publish(frame{Error: runErr.Error()})
	} else {
		publish(frame{Result: res, Files: files})
	}
	select {
	case <-w.c.JS.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
	}
	_ = m.DoubleAck(context.WithoutCancel(ctx))
	if res != nil {
		w.o.Logf("run %s: %s", job.RunID, res.Status)
	}
}

// run runs job in a folder of its own made from the project's snapshot, and uploads the files the
// run wrote there.
func (w *Worker) run(ctx context.Context, job Job, publish func(frame)) (*runtime.Result, []string, error) {
	snaps := filepath.Join(w.o.Dir, "snapshots")
	if err := os.MkdirAll(snaps, 0o755); err != nil {
		return nil, nil, err
	}
	snap, err := fetchSnapshot(ctx, w.c.snaps, snaps, job.Snapshot)
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Join(w.o.Dir, "runs", job.RunID)
	if err := copyTree(snap, dir); err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	for _, b := range job.Inputs {
		if err := getOutput(ctx, w.c.outs, job.RunID+"/in/"+b, dir, job.Pipeline, b); err != nil {
			return nil, nil, err
		}
	}
	proj, err := projects.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	plan, err := runtime.Build(proj, job.Pipeline, job.Options)
	if err != nil {
		return nil, nil, err
	}
	events := make(chan runtime.Event, 256)
	forwarded := make(chan struct{})
	go func() {
		defer close(forwarded)
		for e := range events {
			if e.Kind == runtime.BlockSaving {
				publish(frame{Event: &e})
				continue
			}
			if e.Kind == runtime.BlockFinished && e.Status == runtime.StatusSucceeded {
				// The output is in the object store before the coordinator hears the block ended.
				if err := putOutput(ctx, w.c.outs, job.RunID+"/out/"+e.Block, dir, job.Pipeline, e.Block); err != nil {
					e.Status, e.Err = runtime.StatusFailed, &runtime.BlockError{Block: e.Block, Message: err.Error()}
				}
			}
			publish(frame{Event: &e})
		}
	}()
	x := w.exec
	if job.BlockTimeout > 0 {
		o := w.o.Exec
		o.BlockTimeout, o.Spares = job.BlockTimeout, 0
		x = worker.New(o)
	}
	res, err := x.RunWithID(ctx, plan, job.RunID, events)
	close(events)
	<-forwarded
	if err != nil {
		return nil, nil, err
	}
	files, err := changedFiles(snap, dir)
	if err == nil {
		err = putFiles(context.WithoutCancel(ctx), w.c.outs, job.RunID+"/files", dir, files)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("files the run wrote: %w", err)
	}
	return res, files, nil
}

// copyTree makes dst a copy of the folder src (a copy, not links: a block that rewrites a project
// file must not change the cached snapshot).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}
