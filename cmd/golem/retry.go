package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/dispatch"
)

// runRetry re-runs a failed run from its failed blocks, with the run's variables, feeding them
// their upstreams' stored outputs.
func runRetry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem retry", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem retry DIR RUN")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem retry takes a project directory and a run ID", errUsage)
	}
	proj, err := projects.Load(pos[0])
	if err != nil {
		return err
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	d := dispatch.New(dispatch.Options{ProjectDir: proj.Dir, History: h,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, "golem: "+format+"\n", args...) }})
	defer d.Close()
	req, err := d.RetryRequest(ctx, pos[1])
	if err != nil {
		return err
	}
	res, err := submitAndFollow(ctx, d, req, stdout, stderr, func(e runtime.Event) string {
		return fmt.Sprintf("retrying run %s from its failed blocks as run %s", pos[1], e.RunID)
	})
	if err != nil {
		return err
	}
	printSummary(stdout, res)
	if res.Status != runtime.StatusSucceeded {
		return fmt.Errorf("run %s %s", res.RunID, res.Status)
	}
	return nil
}
