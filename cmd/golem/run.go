package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/worker"
)

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("golem run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vars := varsFlag{}
	var only listFlag
	fs.Var(vars, "var", "set a declared variable: --var name=value (repeatable)")
	fs.Var(&only, "block", "run only this block, from its upstreams' stored outputs (repeatable)")
	withUp := fs.Bool("with-upstream", false, "with --block: also run the blocks upstream of it")
	down := fs.Bool("downstream", false, "with --block: also run the blocks downstream of it")
	asJSON := fs.Bool("json", false, "print a machine-readable summary on stdout (progress goes to stderr)")
	noCache := fs.Bool("no-cache", false, "run cached blocks even when their cache is fresh")
	parallel := fs.Int("max-parallel", 0, "blocks run at once (default: the pipeline's setting, else 2)")
	timeout := fs.Duration("block-timeout", 0, "default timeout of a block that sets none (0: none)")
	nf := addNATSFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem run DIR PIPELINE [--var k=v ...] [--block NAME] [--json]")
		fs.PrintDefaults()
	}
	summarised := false
	defer func() {
		// A script that reads --json's stdout gets an object also when the run never started.
		if err != nil && *asJSON && !summarised {
			printJSONError(stdout, err)
		}
	}()
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem run takes a project directory and a pipeline name", errUsage)
	}
	if *parallel < 0 {
		return fmt.Errorf("%w: --max-parallel %d: give 1 or more, or 0 for the pipeline's setting", errUsage, *parallel)
	}
	dir, pipeline := pos[0], pos[1]
	var exec dispatch.Executor
	if nf.enabled() {
		x, stopCluster, err := nf.executor(ctx, dir, stderr)
		if err != nil {
			return err
		}
		defer stopCluster()
		exec = x
	} else {
		// The worker process starts now: its start overlaps with loading, planning and recording.
		x := worker.New(worker.Options{BlockTimeout: *timeout})
		x.Prestart()
		defer x.Close()
		exec = x
	}
	if *withUp && *down {
		return fmt.Errorf("%w: --with-upstream and --downstream exclude each other", errUsage)
	}
	proj, err := projects.Load(dir)
	if err != nil {
		return err
	}
	opts := runtime.Options{Vars: vars, Blocks: only, NoCache: *noCache, MaxParallel: *parallel}
	switch {
	case len(only) == 0:
		opts.Select = runtime.SelectAll
	case *withUp:
		opts.Select = runtime.SelectWithUpstream
	case *down:
		opts.Select = runtime.SelectWithDownstream
	default:
		opts.Select = runtime.SelectOnly
	}
	progress := stdout
	if *asJSON {
		progress = stderr
	}
	hist, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	// golem run is one more client of the dispatcher: it queues behind other runs of the pipeline
	// (also those of a golem start on the same project), runs in a worker process, is recorded and
	// sends the pipeline's webhooks like a run from the editor.
	d := dispatch.New(dispatch.Options{ProjectDir: proj.Dir, History: hist, Executor: exec,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, "golem: "+format+"\n", args...) }})
	defer d.Close()
	res, err := submitAndFollow(ctx, d, dispatch.Request{Pipeline: pipeline, Trigger: history.TriggerCLI, Options: opts}, progress, stderr,
		func(e runtime.Event) string {
			return fmt.Sprintf("running %s (%d blocks) in %s, run %s", pipeline, len(e.Blocks), filepath.Clean(dir), e.RunID)
		})
	if err != nil {
		return err
	}
	printSummary(progress, res)
	summarised = true
	if *asJSON {
		if err := printJSON(stdout, jsonSummary(res)); err != nil {
			return err
		}
	}
	if res.Status != runtime.StatusSucceeded {
		return fmt.Errorf("run %s %s", res.RunID, res.Status)
	}
	return nil
}

// submitAndFollow submits req to d, prints the run's progress to progress (header makes its first
// line from the run_queued event) and waits for its end; a wait in the queue is said on stderr.
// Cancelling ctx (Ctrl-C) cancels the run, which is then recorded and reported as cancelled.
func submitAndFollow(ctx context.Context, d *dispatch.Dispatcher, req dispatch.Request, progress, stderr io.Writer, header func(runtime.Event) string) (*runtime.Result, error) {
	events, stop := d.Subscribe()
	defer stop()
	id, err := d.Submit(ctx, req)
	if err != nil {
		return nil, err
	}
	printed := make(chan runtime.Event, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		printProgress(progress, printed)
	}()
	go func() {
		defer close(printed)
		for e := range events {
			if e.RunID != id {
				continue
			}
			switch {
			case e.Kind == runtime.RunQueued && e.Line != "":
				fmt.Fprintf(stderr, "golem: %s\n", e.Line)
			case e.Kind == runtime.RunQueued:
				if header != nil {
					fmt.Fprintln(progress, header(e))
				}
			default:
				printed <- e
			}
			if e.Kind == runtime.RunFinished {
				return
			}
		}
	}()
	stopCancel := context.AfterFunc(ctx, func() { _ = d.Cancel(id) })
	defer stopCancel()
	res, err := d.Wait(context.WithoutCancel(ctx), id)
	stop()
	<-done
	if err != nil {
		return nil, err
	}
	if res.Error != "" && len(res.Stderr) > 0 {
		cause, _, _ := strings.Cut(res.Error, "\n")
		fmt.Fprintf(stderr, "golem: the run's worker process died (%s); its last stderr lines: golem logs %s %s\n",
			cause, filepath.Clean(d.ProjectDir()), res.RunID)
	}
	return res, nil
}

// printProgress writes a line per finished block, and its logs.
func printProgress(w io.Writer, events <-chan runtime.Event) {
	for e := range events {
		switch e.Kind {
		case runtime.BlockLog:
			fmt.Fprintf(w, "  %s | %s\n", e.Block, e.Line)
		case runtime.BlockFinished:
			shape := ""
			if e.Rows > 0 || e.Cols > 0 {
				shape = fmt.Sprintf("%s × %d", commas(e.Rows), e.Cols)
			}
			fmt.Fprintf(w, "%-10s %-24s %-16s %8s\n", e.Status, e.Block, shape, seconds(e.Duration))
			if e.Err != nil {
				fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(e.Err.Error(), "\n", "\n    "))
			}
		}
	}
}

func printSummary(w io.Writer, res *runtime.Result) {
	counts := map[string]int{}
	for _, b := range res.Blocks {
		counts[b.Status]++
	}
	var parts []string
	for _, s := range []string{runtime.StatusSucceeded, runtime.StatusCached, runtime.StatusFailed, runtime.StatusSkipped, runtime.StatusCancelled} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	peak := ""
	if res.PeakRSS > 0 {
		peak = fmt.Sprintf(" (worker peak memory %s)", mib(res.PeakRSS))
	}
	fmt.Fprintf(w, "run %s %s in %s: %s%s\n", res.RunID, res.Status, seconds(res.Duration), strings.Join(parts, ", "), peak)
}

type blockSummary struct {
	Name       string              `json:"name"`
	Status     string              `json:"status"`
	DurationMS float64             `json:"duration_ms"`
	Attempts   int                 `json:"attempts,omitempty"`
	Rows       *int                `json:"rows,omitempty"`
	Cols       *int                `json:"cols,omitempty"`
	Type       string              `json:"type,omitempty"`
	Value      json.RawMessage     `json:"value,omitempty"`
	Error      *runtime.BlockError `json:"error,omitempty"`
}

type runSummary struct {
	RunID      string         `json:"run_id"`
	Pipeline   string         `json:"pipeline"`
	Status     string         `json:"status"`
	Started    time.Time      `json:"started"`
	DurationMS float64        `json:"duration_ms"`
	Blocks     []blockSummary `json:"blocks"`
	Error      string         `json:"error,omitempty"`
	PeakRSS    int64          `json:"peak_rss_bytes,omitempty"`
}

// printJSONError prints, for --json, the error of a run that did not start, with the status and
// error fields of a summary.
func printJSONError(w io.Writer, err error) {
	_ = printJSON(w, struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}{runtime.StatusFailed, err.Error()})
}

func jsonSummary(res *runtime.Result) runSummary {
	s := runSummary{RunID: res.RunID, Pipeline: res.Pipeline, Status: res.Status, Started: res.Started, DurationMS: ms(res.Duration),
		Error: res.Error, PeakRSS: res.PeakRSS}
	for _, b := range res.Blocks {
		bs := blockSummary{Name: b.Name, Status: b.Status, DurationMS: ms(b.Duration), Attempts: b.Attempts, Type: b.GoType, Value: b.Value, Error: b.Err}
		if b.GoType == "*frame.Frame" {
			rows, cols := b.Rows, b.Cols
			bs.Rows, bs.Cols = &rows, &cols
		}
		s.Blocks = append(s.Blocks, bs)
	}
	return s
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func commas(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
