package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/golemlabs/golem/runtime"
)

// ExecutorOptions configure an Executor.
type ExecutorOptions struct {
	BlockTimeout time.Duration // of blocks that set none
	// CancelWait is how long a cancelled run waits for its worker's last word; 0 means 10s.
	CancelWait time.Duration
}

// Executor runs runs on the cluster's workers: it has the runtime.Runner's RunWithID, so the
// dispatcher uses it in place of the local worker executor.
type Executor struct {
	c   *Conn
	o   ExecutorOptions
	sub *nats.Subscription

	mu        sync.Mutex
	workers   map[string]WorkerInfo
	followers map[string]chan frame // runs of this coordinator, by ID: where their frames go
	events    jetstream.ConsumeContext
}

// NewExecutor returns an Executor on c that also follows the workers' heartbeats.
func NewExecutor(c *Conn, o ExecutorOptions) (*Executor, error) {
	if o.CancelWait <= 0 {
		o.CancelWait = 10 * time.Second
	}
	x := &Executor{c: c, o: o, workers: map[string]WorkerInfo{}, followers: map[string]chan frame{}}
	// One consumer follows the frames of every run this coordinator queues from now on (a
	// consumer per run hits the server's limit of consumers with hundreds of runs in flight).
	cons, err := c.JS.OrderedConsumer(context.Background(), eventsStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{eventsPrefix + ">"}, DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		return nil, fmt.Errorf("%w: follow runs: %w", ErrCluster, err)
	}
	if x.events, err = cons.Consume(func(m jetstream.Msg) {
		id := strings.TrimPrefix(m.Subject(), eventsPrefix)
		x.mu.Lock()
		ch := x.followers[id]
		x.mu.Unlock()
		var f frame
		if ch != nil && json.Unmarshal(m.Data(), &f) == nil {
			ch <- f
		}
	}); err != nil {
		return nil, err
	}
	sub, err := c.NC.Subscribe(workersSubject, func(m *nats.Msg) {
		var w WorkerInfo
		if json.Unmarshal(m.Data, &w) == nil && w.Name != "" {
			x.mu.Lock()
			x.workers[w.Name] = w
			x.mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	x.sub = sub
	return x, nil
}

// Workers returns the workers heard from within the last three heartbeats, by name.
func (x *Executor) Workers() []WorkerInfo {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []WorkerInfo
	for name, w := range x.workers {
		if time.Since(w.Time) > 3*heartbeat {
			delete(x.workers, name)
			continue
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b WorkerInfo) int { return cmpString(a.Name, b.Name) })
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Close stops following the workers and the runs.
func (x *Executor) Close() {
	_ = x.sub.Unsubscribe()
	x.events.Stop()
}

// RunWithID queues plan as run runID on the cluster and follows it to its end: events come from
// the worker running it (the newest attempt when JetStream redelivered it), outputs are copied
// into the project's output store as blocks finish.
func (x *Executor) RunWithID(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event) (*runtime.Result, error) {
	bg := context.WithoutCancel(ctx)
	dir, pipeline := plan.Project.Dir, plan.Pipeline.Name
	snap, err := publishSnapshot(bg, x.c.snaps, dir)
	if err != nil {
		return nil, err
	}
	job := Job{RunID: runID, Pipeline: pipeline, Options: plan.Options, Snapshot: snap, RunsOn: plan.Pipeline.RunsOn, BlockTimeout: x.o.BlockTimeout}
	for _, n := range inputNodes(plan) {
		if err := putOutput(bg, x.c.outs, runID+"/in/"+n, dir, pipeline, n); err != nil {
			return nil, err
		}
		job.Inputs = append(job.Inputs, n)
	}
	frames := make(chan frame, 4096)
	x.mu.Lock()
	x.followers[runID] = frames
	x.mu.Unlock()
	defer func() {
		x.mu.Lock()
		delete(x.followers, runID)
		x.mu.Unlock()
	}()
	b, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	// The job is kept by run ID first, so that a coordinator that restarts finds what it follows.
	if _, err := x.c.jobs.Put(bg, runID, b); err != nil {
		return nil, fmt.Errorf("%w: record job %s: %w", ErrCluster, runID, err)
	}
	if _, err := x.c.JS.Publish(bg, runsSubject, b, jetstream.WithMsgID(runID)); err != nil {
		return nil, fmt.Errorf("%w: queue run %s: %w", ErrCluster, runID, err)
	}
	return x.follow(ctx, plan, runID, events, frames)
}

// frames follows the frames of run runID from its first (for a run queued before a restart).
func (x *Executor) frames(ctx context.Context, runID string) (<-chan frame, func(), error) {
	cons, err := x.c.JS.OrderedConsumer(ctx, eventsStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{eventsPrefix + runID}})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: follow run %s: %w", ErrCluster, runID, err)
	}
	frames := make(chan frame, 256)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		var f frame
		if json.Unmarshal(m.Data(), &f) == nil {
			frames <- f
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return frames, cc.Stop, nil
}

// Job returns the job of run runID as the cluster keeps it, for a coordinator that restarted
// while the run was queued or running; ok is false when the cluster never had it.
func (x *Executor) Job(ctx context.Context, runID string) (job Job, ok bool, err error) {
	e, err := x.c.jobs.Get(ctx, runID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, err
	}
	return job, true, json.Unmarshal(e.Value(), &job)
}

// Follow follows a run queued on the cluster by an earlier coordinator to its end, like RunWithID
// without queueing it again; the run's frames are replayed from the first.
func (x *Executor) Follow(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event) (*runtime.Result, error) {
	frames, stop, err := x.frames(context.WithoutCancel(ctx), runID)
	if err != nil {
		return nil, err
	}
	defer stop()
	return x.follow(ctx, plan, runID, events, frames)
}

func (x *Executor) follow(ctx context.Context, plan *runtime.Plan, runID string, events chan<- runtime.Event, frames <-chan frame) (*runtime.Result, error) {
	bg := context.WithoutCancel(ctx)
	dir, pipeline := plan.Project.Dir, plan.Pipeline.Name
	emit := func(e runtime.Event) {
		e.RunID, e.Pipeline = runID, pipeline
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		if events != nil {
			events <- e
		}
	}
	started := time.Now()
	current, worker := 0, ""
	running := map[string]bool{}
	saving := map[string]bool{}
	waiting := time.NewTimer(2 * time.Second)
	defer waiting.Stop()
	var cancelDeadline <-chan time.Time
	done := ctx.Done()
	for {
		select {
		case <-waiting.C:
			if current == 0 {
				n := len(x.Workers())
				msg := fmt.Sprintf("waiting for a worker (%d connected)", n)
				if n == 0 {
					msg = "waiting for a worker: no worker is connected (start one with golem worker --nats URL)"
				}
				emit(runtime.Event{Kind: runtime.RunQueued, Status: runtime.StatusQueued, Line: msg})
				waiting.Reset(30 * time.Second)
			}
			continue
		case <-done:
			done = nil
			_ = x.c.NC.Publish(cancelPrefix+runID, nil)
			_ = x.c.NC.Flush()
			cancelDeadline = time.After(x.o.CancelWait)
			continue
		case <-cancelDeadline:
			return cancelled(plan, runID, started, running), nil
		case f := <-frames:
			if f.Attempt < current {
				continue // a frame of an attempt that lost the run
			}
			if f.Attempt > current {
				for b := range running {
					emit(runtime.Event{Kind: runtime.BlockFinished, Block: b, Status: runtime.StatusRetrying, Worker: worker,
						Err: &runtime.BlockError{Block: b, Message: fmt.Sprintf("worker %s stopped answering: the run goes on as attempt %d on worker %s", worker, f.Attempt, f.Worker)}})
				}
				clear(running)
				clear(saving)
				current, worker = f.Attempt, f.Worker
				emit(runtime.Event{Kind: runtime.RunStarted, Status: runtime.StatusRunning, Worker: worker, Attempt: current,
					Line: fmt.Sprintf("on worker %s (attempt %d)", worker, current)})
			}
			switch {
			case f.Event != nil:
				e := *f.Event
				e.Worker = worker
				switch e.Kind {
				case runtime.RunStarted:
					continue // said above, with the worker
				case runtime.BlockStarted:
					running[e.Block] = true
				case runtime.BlockSaving:
					saving[e.Block] = true
				case runtime.BlockFinished:
					delete(running, e.Block)
					if e.Status == runtime.StatusSucceeded && saving[e.Block] {
						if err := getOutput(bg, x.c.outs, runID+"/out/"+e.Block, dir, pipeline, e.Block); err != nil {
							e.Status, e.Err = runtime.StatusFailed, &runtime.BlockError{Block: e.Block, Message: err.Error()}
						}
					}
				}
				emit(e)
			case f.Result != nil:
				res := f.Result
				res.Worker = worker
				if err := getFiles(bg, x.c.outs, runID+"/files", dir, f.Files); err != nil {
					return nil, fmt.Errorf("run %s on worker %s: %w", runID, worker, err)
				}
				return res, nil
			case f.Error != "":
				return nil, errors.New(f.Error)
			}
		}
	}
}

// inputNodes are the blocks the run does not execute whose stored outputs feed blocks it does.
func inputNodes(plan *runtime.Plan) []string {
	var out []string
	for _, n := range plan.Nodes {
		if !n.Run || n.Source == nil {
			continue
		}
		for _, u := range n.Upstream {
			if !u.Run && u.Source != nil && !slices.Contains(out, u.Name()) {
				out = append(out, u.Name())
			}
		}
	}
	return out
}

// cancelled is the result of a cancelled run whose worker did not answer in time.
func cancelled(plan *runtime.Plan, runID string, started time.Time, running map[string]bool) *runtime.Result {
	res := &runtime.Result{RunID: runID, Pipeline: plan.Pipeline.Name, Status: runtime.StatusCancelled, Started: started, Duration: time.Since(started)}
	for _, b := range plan.Blocks() {
		res.Blocks = append(res.Blocks, runtime.BlockResult{Name: b, Status: runtime.StatusCancelled})
	}
	return res
}
