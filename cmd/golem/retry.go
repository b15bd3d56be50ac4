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
	d := dispatch.New(dispatch.Options{ProjectDir: proj.Dir, History: h})
	defer d.Close()
	events, stop := d.Subscribe()
	id, err := d.Retry(ctx, pos[1])
	if err != nil {
		stop()
		return err
	}
	fmt.Fprintf(stdout, "retrying run %s from its failed blocks as run %s\n", pos[1], id)
	printed := make(chan runtime.Event, 256)
	done := make(chan struct{})
	go func() {
		defer close(done)
		printProgress(stdout, printed)
	}()
	go func() {
		defer close(printed)
		for e := range events {
			if e.RunID != id {
				continue
			}
			printed <- e
			if e.Kind == runtime.RunFinished {
				return
			}
		}
	}()
	res, err := d.Wait(ctx, id)
	<-done
	stop()
	if err != nil {
		return err
	}
	printSummary(stdout, res)
	if res.Status != runtime.StatusSucceeded {
		return fmt.Errorf("run %s %s", res.RunID, res.Status)
	}
	return nil
}
