package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/golemlabs/golem/editor"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/cluster"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/schedule"
	"github.com/golemlabs/golem/runtime/worker"
)

// runStart serves the browser editor on the project in DIR (default ".")
// and fires its schedules until ctx is cancelled (Ctrl-C).
func runStart(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", editor.DefaultPort, "port to listen on")
	host := fs.String("host", editor.DefaultHost, "address to listen on; any non-loopback address requires a token")
	token := fs.String("token", "", "access token required on every request (generated when --host is not loopback)")
	nf := addNATSFlags(fs, true)
	noEditor := fs.Bool("no-editor", false, "headless production mode: run the schedules and serve only GET /api/health and the API trigger (settings.api_token)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem start [DIR] [--port 6789] [--host 127.0.0.1] [--token T] [--no-editor]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fs.Usage()
		return fmt.Errorf("%w: golem start takes at most one directory", errUsage)
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("%w: --port %d out of range", errUsage, *port)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if _, err := projects.Load(abs); errors.Is(err, projects.ErrNotProject) {
		return fmt.Errorf("%s: %w: create one with golem init", dir, err)
	}
	// Runs left unfinished by an earlier golem start are marked crashed once the cluster's (if
	// any) are adopted below.
	h, err := history.Open(filepath.Join(abs, ".golem"), history.Options{})
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "golem: "+format+"\n", args...) }
	dopts := dispatch.Options{ProjectDir: abs, History: h, Logf: logf, Worker: worker.Options{Spares: 1}}
	var workers func() []editor.WorkerInfo
	if nf.enabled() {
		x, stopCluster, err := nf.executor(ctx, abs, stdout)
		if err != nil {
			return err
		}
		defer stopCluster()
		dopts.Executor = x
		// Runs execute on the workers, which bound them by their slots: here a run only waits.
		dopts.MaxRuns = 256
		workers = func() []editor.WorkerInfo {
			var out []editor.WorkerInfo
			for _, w := range x.Workers() {
				out = append(out, editor.WorkerInfo{Name: w.Name, Labels: w.Labels, Slots: w.Slots, Running: w.Running, LastHeartbeat: w.Time.UTC().Format(time.RFC3339)})
			}
			return out
		}
	}
	d := dispatch.New(dispatch.Options{ProjectDir: abs, History: h, Logf: logf, Worker: dopts.Worker, Executor: dopts.Executor, MaxRuns: dopts.MaxRuns,
		EditorURL: "http://" + net.JoinHostPort(*host, strconv.Itoa(*port))})
	defer d.Close()
	if x, ok := dopts.Executor.(*cluster.Executor); ok {
		adoptClusterRuns(ctx, h, x, d, logf)
	}
	if _, err := h.MarkCrashed(ctx, history.ProcessAlive); err != nil {
		return err
	}

	sched, err := newScheduler(d, h)
	if err != nil {
		return err
	}
	// problems are the triggers files that did not load at the last reload, for GET /api/health.
	var problems atomic.Pointer[[]string]
	problems.Store(&[]string{})
	reload := func() error {
		err := sched.Reload(ctx, abs)
		list := errorList(err)
		problems.Store(&list)
		if err != nil {
			logf("triggers: %v", err)
		}
		return err
	}
	if *noEditor {
		// Production: schedules that do not load stop the start instead of running without them.
		if err := reload(); err != nil {
			return fmt.Errorf("triggers: %w", err)
		}
	}
	srv, err := editor.New(editor.Options{ProjectDir: abs, Host: *host, Port: *port, Token: *token, Log: stderr,
		History: h, Dispatcher: d, Headless: *noEditor, Workers: workers,
		Problems: func() []string { return *problems.Load() },
		OnChange: func(rel string) {
			if path.Base(rel) == schedule.FileName {
				_ = reload()
			}
		}})
	if err != nil {
		return err
	}
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	if !*noEditor {
		_ = reload()
	}
	schedDone := make(chan error, 1)
	go func() { schedDone <- sched.Run(ctx) }()

	if *noEditor {
		fmt.Fprintf(stdout, "golem serving %s headless (schedules, API trigger)\n    %s\n", dir, srv.APIURL())
	} else {
		fmt.Fprintf(stdout, "golem editor serving %s\n    %s\n", dir, srv.URL())
	}
	if srv.Token() != "" && !*noEditor {
		fmt.Fprintln(stdout, "open the URL above once: the token is then kept in a cookie")
	}
	fmt.Fprintln(stdout, "press Ctrl-C to stop")
	err = srv.Serve(ctx, ln)
	if serr := <-schedDone; serr != nil && !errors.Is(serr, context.Canceled) {
		err = errors.Join(err, serr)
	}
	return err
}

// errorList flattens err (errors.Join's tree) into its messages; nil gives an empty list.
func errorList(err error) []string {
	if err == nil {
		return []string{}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, errorList(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

// adoptClusterRuns takes over the runs an earlier coordinator queued on the cluster and did not
// see end: the cluster kept them (and ran them, if a worker was there), so they are followed to
// their end instead of being marked crashed.
func adoptClusterRuns(ctx context.Context, h *history.Store, x *cluster.Executor, d *dispatch.Dispatcher, logf func(string, ...any)) {
	ids, err := h.Orphans(ctx)
	if err != nil {
		logf("cluster: runs to adopt: %v", err)
		return
	}
	for _, id := range ids {
		job, ok, err := x.Job(ctx, id)
		if err != nil || !ok {
			continue
		}
		if err := d.Adopt(ctx, id, job.Options); err != nil {
			logf("cluster: adopt run %s: %v", id, err)
			continue
		}
		logf("cluster: following run %s of %s, queued before the restart", id, job.Pipeline)
	}
}

// dispatchRuns lets the scheduler see and cancel runs it did not launch.
type dispatchRuns struct{ d *dispatch.Dispatcher }

func (r dispatchRuns) Running(pipeline string) bool { return r.d.Running(pipeline) }
func (r dispatchRuns) Cancel(pipeline string) error { return r.d.CancelPipeline(pipeline) }

// newScheduler fires triggers as runs of d, remembering fire times in the history.
func newScheduler(d *dispatch.Dispatcher, fires schedule.FireStore) (*schedule.Scheduler, error) {
	return schedule.New(schedule.Options{
		Runs:  dispatchRuns{d},
		Fires: fires,
		Launch: func(ctx context.Context, f schedule.TriggerFire) error {
			id, err := d.Submit(ctx, dispatch.Request{Pipeline: f.Pipeline, Trigger: f.RunTrigger(), ScheduledAt: f.ScheduledAt,
				Options: runtime.Options{Vars: f.Vars}})
			if err != nil {
				return err
			}
			res, err := d.Wait(ctx, id)
			if ctx.Err() != nil {
				_ = d.Cancel(id)
				return ctx.Err()
			}
			if err != nil {
				return err
			}
			return res.Err()
		},
	})
}
