package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

// openHistory opens the run history of the project in dir and marks runs left running by a
// process that died as crashed.
func openHistory(ctx context.Context, dir string) (*history.Store, error) {
	h, err := history.Open(filepath.Join(dir, ".golem"), history.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := h.MarkCrashed(ctx, history.ProcessAlive); err != nil {
		return nil, err
	}
	return h, nil
}

// loadForHistory loads the project in dir for a command that needs only its history. Problems in
// project files do not stop it (a project being edited still has its runs): they come back as
// invalid, next to the project as far as Load could read it. A folder without golem.yaml is an error.
func loadForHistory(dir string) (proj *projects.Project, invalid, err error) {
	proj, err = projects.Load(dir)
	if proj == nil {
		return nil, nil, err
	}
	return proj, err, nil
}

func runRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem runs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the runs as JSON")
	status := fs.String("status", "", "only runs with this status")
	limit := fs.Int("limit", 50, "at most this many runs (0: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem runs DIR [PIPELINE] [--status S] [--limit N] [--json]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem runs takes a project directory and optionally a pipeline", errUsage)
	}
	proj, invalid, err := loadForHistory(pos[0])
	if err != nil {
		return err
	}
	f := history.Filter{Status: history.Status(*status), Limit: *limit}
	if len(pos) == 2 {
		if _, err := proj.Pipeline(pos[1]); err != nil && invalid == nil {
			return err // with problems, the pipeline may be one that did not load
		}
		f.Pipeline = pos[1]
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	runs, err := h.List(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if runs == nil {
			runs = []*history.PipelineRun{}
		}
		return printJSON(stdout, runs)
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "RUN\tPIPELINE\tSTATUS\tTRIGGER\tSTARTED\tDURATION\tERROR")
	for _, r := range runs {
		started := r.QueuedAt
		if !r.StartedAt.IsZero() {
			started = r.StartedAt
		}
		errLine, _, _ := strings.Cut(r.Error, "\n")
		if len(errLine) > 80 {
			errLine = errLine[:77] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Pipeline, r.Status, r.Trigger,
			started.Local().Format("2006-01-02 15:04:05"), seconds(r.Duration()), errLine)
	}
	return tw.Flush()
}

func runLogs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem logs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	block := fs.String("block", "", "only this block's log")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem logs DIR RUN [--block NAME]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem logs takes a project directory and a run ID", errUsage)
	}
	proj, _, err := loadForHistory(pos[0])
	if err != nil {
		return err
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	run, err := h.Get(ctx, pos[1])
	if err != nil {
		return err
	}
	names := []string{}
	for _, b := range run.Blocks {
		if *block == "" || b.Name == *block {
			names = append(names, b.Name)
		}
	}
	if *block != "" && len(names) == 0 {
		return fmt.Errorf("run %s has no block %q", run.ID, *block)
	}
	for _, name := range names {
		lines, err := h.Logs(run.ID, name)
		if err != nil {
			return err
		}
		b := run.Block(name)
		fmt.Fprintf(stdout, "== %s (%s)\n", name, b.Status)
		for _, a := range b.Attempts {
			if a.Error != "" {
				fmt.Fprintf(stdout, "   error: %s\n", a.Error)
			}
		}
		for _, l := range lines {
			fmt.Fprintln(stdout, l)
		}
	}
	if *block == "" && len(run.Stderr) > 0 {
		// A run whose worker process died: what it wrote last, the Go crash report first.
		fmt.Fprintf(stdout, "== worker process (the run failed: %s)\n", run.Error)
		for _, l := range run.Stderr {
			fmt.Fprintln(stdout, l)
		}
	}
	return nil
}
