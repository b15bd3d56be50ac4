package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/golemlabs/golem/projects"
)

func runInit(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	example := fs.String("example", "", "scaffold an example project (taxi)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem init DIR [--example taxi]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: golem init takes one directory", errUsage)
	}
	if err := projects.Init(pos[0], *example); err != nil {
		return err
	}
	what := "an empty project"
	if *example != "" {
		what = "the " + *example + " example project"
	}
	fmt.Fprintf(stdout, "created %s in %s\n", what, pos[0])
	return nil
}
