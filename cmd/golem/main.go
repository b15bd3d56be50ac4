// Command golem is the Golem pipeline IDE: golem init scaffolds a project, golem start serves the
// editor and the scheduler, and golem run runs a pipeline headless.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errSilent) {
			fmt.Fprintf(os.Stderr, "golem: %v\n", err)
		}
		os.Exit(exitCode(err))
	}
}
