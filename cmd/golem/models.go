package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/golemlabs/golem/runtime/history"
)

const modelsUsage = `Usage:
  golem models DIR [--json]                       the registered models, their versions and aliases
  golem models DIR alias NAME VERSION ALIAS       point ALIAS (champion, challenger, ...) at a version
  golem models DIR unalias NAME ALIAS             remove an alias
  golem models DIR tag NAME[/VERSION] KEY VALUE   set a tag on a model or a version (an empty VALUE removes it)`

// runModels lists the model registry, or moves an alias or a tag.
func runModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem models", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the models as a JSON array, each with its versions")
	fs.Usage = func() {
		fmt.Fprintln(stderr, modelsUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 {
		fs.Usage()
		return fmt.Errorf("%w: golem models takes a project directory", errUsage)
	}
	proj, _, err := loadForHistory(pos[0])
	if err != nil {
		return err
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return modelsChange(ctx, h, pos[1:], stdout, fs.Usage)
	}
	out, err := h.Registry(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stdout, "no registered models (a block registers one with ctx.LogModel)")
		return nil
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "MODEL\tVERSION\tALIASES\tCREATED\tRUN\tPIPELINE/BLOCK\tMETRICS")
	for _, m := range out {
		for _, v := range m.Versions {
			aliases := strings.Join(v.Aliases, ",")
			if aliases == "" {
				aliases = "-"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s/%s\t%s\n", m.Name, v.Version, aliases, v.Created.Local().Format("2006-01-02 15:04:05"),
				v.RunID, v.Pipeline, v.Block, metricsText(v.Metrics))
		}
	}
	return tw.Flush()
}

func modelsChange(ctx context.Context, h *history.Store, args []string, stdout io.Writer, usage func()) error {
	bad := func(msg string) error {
		usage()
		return fmt.Errorf("%w: %s", errUsage, msg)
	}
	switch args[0] {
	case "alias":
		if len(args) != 4 {
			return bad("golem models DIR alias NAME VERSION ALIAS")
		}
		v, err := strconv.Atoi(args[2])
		if err != nil || v <= 0 {
			return bad(fmt.Sprintf("version %q is not a number from 1", args[2]))
		}
		if err := h.SetAlias(ctx, args[1], args[3], v); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s@%s → version %d\n", args[1], args[3], v)
		return nil
	case "unalias":
		if len(args) != 3 {
			return bad("golem models DIR unalias NAME ALIAS")
		}
		if err := h.RemoveAlias(ctx, args[1], args[2]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed %s@%s\n", args[1], args[2])
		return nil
	case "tag":
		if len(args) != 4 {
			return bad("golem models DIR tag NAME[/VERSION] KEY VALUE")
		}
		name, version := args[1], 0
		if n, v, ok := strings.Cut(args[1], "/"); ok {
			var err error
			if version, err = strconv.Atoi(v); err != nil || version <= 0 {
				return bad(fmt.Sprintf("version %q is not a number from 1", v))
			}
			name = n
		}
		return h.SetTag(ctx, name, version, args[2], args[3])
	}
	return bad(fmt.Sprintf("unknown models command %q (alias, unalias or tag)", args[0]))
}
