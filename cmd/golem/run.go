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
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/record"
)

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem run DIR PIPELINE [--var k=v ...] [--block NAME] [--json]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem run takes a project directory and a pipeline name", errUsage)
	}
	dir, pipeline := pos[0], pos[1]
	if *withUp && *down {
		return fmt.Errorf("%w: --with-upstream and --downstream exclude each other", errUsage)
	}
	proj, err := projects.Load(dir)
	if err != nil {
		return err
	}
	opts := runtime.Options{Vars: vars, Blocks: only, NoCache: *noCache, MaxParallel: *parallel, Trigger: "cli"}
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
	plan, err := runtime.Build(proj, pipeline, opts)
	if err != nil {
		return err
	}
	progress := stdout
	if *asJSON {
		progress = stderr
	}
	store := output.NewStore(proj.Dir)
	if err := plan.CheckStoredInputs(store); err != nil {
		return err
	}
	hist, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	rec := &record.Recorder{H: hist}
	runID, err := rec.Begin(ctx, plan, history.TriggerCLI, time.Time{})
	if err != nil {
		return err
	}
	runner := runtime.NewRunner(runtime.RunnerOptions{Store: store, BlockTimeout: *timeout})
	events := make(chan runtime.Event, 256)
	printed := make(chan runtime.Event, 256)
	done := make(chan struct{})
	var trackErr error
	go func() {
		trackErr = rec.Track(ctx, runID, events, printed)
		close(printed)
	}()
	go func() {
		defer close(done)
		printProgress(progress, printed)
	}()
	fmt.Fprintf(progress, "running %s (%d blocks) in %s, run %s\n", pipeline, len(plan.Blocks()), filepath.Clean(dir), runID)
	res, err := runner.RunWithID(ctx, plan, runID, events)
	close(events)
	<-done
	if ferr := rec.Finish(ctx, runID, res, err); ferr != nil {
		fmt.Fprintf(stderr, "golem: warning: %v\n", ferr)
	}
	if trackErr != nil {
		fmt.Fprintf(stderr, "golem: warning: recording the run: %v\n", trackErr)
	}
	if err != nil {
		return err
	}
	printSummary(progress, res)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(jsonSummary(res)); err != nil {
			return err
		}
	}
	if res.Status != runtime.StatusSucceeded {
		return fmt.Errorf("run %s %s", res.RunID, res.Status)
	}
	return nil
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
	fmt.Fprintf(w, "run %s %s in %s: %s\n", res.RunID, res.Status, seconds(res.Duration), strings.Join(parts, ", "))
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
}

func jsonSummary(res *runtime.Result) runSummary {
	s := runSummary{RunID: res.RunID, Pipeline: res.Pipeline, Status: res.Status, Started: res.Started, DurationMS: ms(res.Duration)}
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
