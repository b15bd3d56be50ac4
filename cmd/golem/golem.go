package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/golemlabs/golem/runtime/worker"
)

// errSilent marks an error already reported to the user; main only sets the exit code.
var errSilent = errors.New("already reported")

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

const usage = `golem — block-based pipelines in Go

Usage:
  golem init DIR [--example taxi]          scaffold a project
  golem run DIR PIPELINE [flags]           run a pipeline headless (golem run -h for flags)
  golem start [DIR] [--port 6789] [--host 127.0.0.1] [--no-editor]   the browser editor and the scheduler (--no-editor: headless, API trigger only)
  golem runs DIR [PIPELINE] [--json]       list recorded runs
  golem logs DIR RUN [--block NAME]        print a run's logs
  golem retry DIR RUN                      re-run a failed run from its failed blocks
  golem gc DIR [--keep N]                  drop old runs, their logs and stale outputs
  golem experiments DIR [PIPELINE] [--json]   what blocks logged: parameters, metrics, models, trials
  golem models DIR [--json]                the model registry; golem models DIR alias NAME VERSION ALIAS
  golem backfill DIR PIPELINE --var months=2023-01..2023-12 [--each months] [--nats URL]   one run per value
  golem secrets set|list|rm DIR [NAME]    encrypted secrets for connection profiles (values never shown)
  golem worker --nats URL [--name N] [--slots N] [--labels a,b]   run runs of a cluster
  golem version                            print the version
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// run dispatches to a subcommand; it is main without the process around it, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if os.Getenv("GOGC") == "" {
		tuneGC()
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmds := map[string]command{
		"init":        runInit,
		"run":         runRun,
		"runs":        runRuns,
		"start":       runStart,
		"retry":       runRetry,
		"gc":          runGC,
		"logs":        runLogs,
		"worker":      runWorker,
		"backfill":    runBackfill,
		"experiments": runExperiments,
		"models":      runModels,
		"secrets":     runSecrets,
		// The worker process of a run (runtime/worker), started by golem itself.
		worker.Arg: func(context.Context, []string, io.Writer, io.Writer) error {
			if worker.Main() != 0 {
				return errSilent
			}
			return nil
		},
		"version": func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "golem", version)
			return nil
		},
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// parseInterspersed parses flags that may come before, between or after positional arguments,
// as `golem run DIR PIPELINE --var k=v` needs; it returns the positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %w", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// varsFlag collects repeated --var k=v flags.
type varsFlag map[string]string

func (v varsFlag) String() string { return "" }

func (v varsFlag) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("--var %q: want name=value", s)
	}
	v[strings.TrimSpace(k)] = val
	return nil
}

// listFlag collects a repeated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// printJSON writes v as indented JSON: what every --json of the CLI prints.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newTable returns the column-aligned writer of the CLI's listings; Flush prints it.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0) }
