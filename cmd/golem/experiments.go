package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/golemlabs/golem/runtime/history"
)

// runExperiments lists the experiment entries: what blocks logged (parameters, metrics, models),
// one entry per run and block and per trial of a search.
func runExperiments(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem experiments", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the entries as a JSON array")
	limit := fs.Int("limit", 0, "at most this many entries, newest first (0: all)")
	parent := fs.String("parent", "", "only the trials of this search (an entry id RUN/BLOCK)")
	noTrials := fs.Bool("no-trials", false, "leave out the trials of searches")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem experiments DIR [PIPELINE] [--json] [--limit N] [--parent RUN/BLOCK] [--no-trials]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem experiments takes a project directory and optionally a pipeline", errUsage)
	}
	proj, _, err := loadForHistory(pos[0])
	if err != nil {
		return err
	}
	h, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	f := history.EntryFilter{Limit: *limit, Parent: *parent, NoTrials: *noTrials}
	if len(pos) == 2 {
		f.Pipeline = pos[1]
	}
	entries, err := h.Entries(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if entries == nil {
			entries = []*history.Entry{}
		}
		return printJSON(stdout, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "no experiment entries (blocks log them with ctx.LogParam, ctx.LogMetric and ctx.LogModel)")
		return nil
	}
	tw := newTable(stdout)
	fmt.Fprintln(tw, "ENTRY\tPIPELINE\tSTATUS\tMETRICS\tPARAMS\tMODEL")
	for _, e := range entries {
		model := "-"
		if n := len(e.Models); n > 0 {
			model = fmt.Sprintf("%s/%d", e.Models[n-1].Name, e.Models[n-1].Version)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.ID(), e.Pipeline, e.Status, metricsText(e.Metrics), paramsText(e.Params), model)
	}
	return tw.Flush()
}

func metricsText(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.FormatFloat(m[k], 'g', 5, 64)
	}
	return cut(strings.Join(parts, " "), 60)
}

func paramsText(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := string(m[k])
		var f float64
		if json.Unmarshal(m[k], &f) == nil {
			v = strconv.FormatFloat(f, 'g', 4, 64)
		} else {
			var s string
			if json.Unmarshal(m[k], &s) == nil {
				v = s
			}
		}
		parts[i] = k + "=" + v
	}
	return cut(strings.Join(parts, " "), 60)
}

func cut(s string, n int) string {
	if len(s) <= n {
		if s == "" {
			return "-"
		}
		return s
	}
	return s[:n-1] + "…"
}
