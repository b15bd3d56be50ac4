package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/worker"
)

// runBackfill runs a pipeline once per value of a variable's range — one run per month of
// 2023-01..2023-12 — through the dispatcher (locally, or on the cluster with --nats), follows them
// together and records them as one group: their trigger is backfill:<group>.
func runBackfill(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vars := varsFlag{}
	fs.Var(vars, "var", "set a declared variable: --var name=value (repeatable); the --each one holds a range")
	each := fs.String("each", "", "the variable to split into one run per value (default: the only --var whose value is a range)")
	parallel := fs.Int("parallel", 4, "runs at once on this machine (the cluster's workers set their own)")
	nf := addNATSFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem backfill DIR PIPELINE --var months=2023-01..2023-12 [--each months] [--nats URL]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: golem backfill takes a project directory and a pipeline name", errUsage)
	}
	dir, pipeline := pos[0], pos[1]
	if *each == "" {
		for k, v := range vars {
			if strings.Contains(v, "..") || strings.Contains(v, ",") {
				if *each != "" {
					return fmt.Errorf("%w: several --var values are ranges: say which to split with --each", errUsage)
				}
				*each = k
			}
		}
	}
	if *each == "" {
		return fmt.Errorf("%w: no --var holds a range (a..b or a,b,c): nothing to backfill", errUsage)
	}
	values, err := expandRange(vars[*each])
	if err != nil {
		return fmt.Errorf("%w: --var %s: %w", errUsage, *each, err)
	}
	proj, err := projects.Load(dir)
	if err != nil {
		return err
	}
	hist, err := openHistory(ctx, proj.Dir)
	if err != nil {
		return err
	}
	var exec dispatch.Executor
	maxRuns := max(*parallel, 1)
	if nf.enabled() {
		maxRuns = 256 // the workers' slots bound the runs
		x, stop, err := nf.executor(ctx, proj.Dir, stderr)
		if err != nil {
			return err
		}
		defer stop()
		exec = x
	} else {
		x := worker.New(worker.Options{})
		defer x.Close()
		exec = x
	}
	d := dispatch.New(dispatch.Options{ProjectDir: proj.Dir, History: hist, Executor: exec, MaxRuns: maxRuns,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, "golem: "+format+"\n", args...) }})
	defer d.Close()
	group := time.Now().UTC().Format("20060102T150405")
	trigger := history.BackfillTrigger(group)
	fmt.Fprintf(stdout, "backfill %s of %s: %d runs, %s = %s … %s\n", group, pipeline, len(values), *each, values[0], values[len(values)-1])
	ids := make([]string, len(values))
	for i, v := range values {
		vs := map[string]string{}
		for k, x := range vars {
			vs[k] = x
		}
		vs[*each] = v
		id, err := d.Submit(ctx, dispatch.Request{Pipeline: pipeline, Trigger: trigger, Options: runtime.Options{Vars: vs}})
		if err != nil {
			for _, prev := range ids[:i] {
				_ = d.Cancel(prev)
			}
			return fmt.Errorf("%s=%s: %w", *each, v, err)
		}
		ids[i] = id
	}
	stopCancel := context.AfterFunc(ctx, func() {
		for _, id := range ids {
			_ = d.Cancel(id)
		}
	})
	defer stopCancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	counts := map[string]int{}
	var failed []error
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := d.Wait(context.WithoutCancel(ctx), id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				counts[runtime.StatusFailed]++
				failed = append(failed, fmt.Errorf("%s=%s: %w", *each, values[i], err))
				fmt.Fprintf(stdout, "%-10s %s=%-12s run %s  %v\n", runtime.StatusFailed, *each, values[i], id, err)
			default:
				counts[res.Status]++
				where := ""
				if res.Worker != "" {
					where = " on " + res.Worker
				}
				fmt.Fprintf(stdout, "%-10s %s=%-12s run %s  %s%s\n", res.Status, *each, values[i], id, seconds(res.Duration), where)
				if res.Status != runtime.StatusSucceeded {
					failed = append(failed, fmt.Errorf("%s=%s: run %s %s", *each, values[i], id, res.Status))
				}
			}
		}()
	}
	wg.Wait()
	var parts []string
	for _, s := range []string{runtime.StatusSucceeded, runtime.StatusFailed, runtime.StatusCancelled} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	fmt.Fprintf(stdout, "backfill %s: %s (recorded with trigger %s)\n", group, strings.Join(parts, ", "), trigger)
	if len(failed) > 0 {
		return fmt.Errorf("backfill %s: %w", group, errors.Join(failed...))
	}
	return nil
}

// expandRange turns "2023-01..2023-12" (months), "2023-01-01..2023-01-31" (days), "1..5" (ints) or
// "a,b,c" into its values.
func expandRange(s string) ([]string, error) {
	if strings.Contains(s, ",") {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	}
	from, to, ok := strings.Cut(s, "..")
	if !ok {
		return []string{s}, nil
	}
	const maxRuns = 10000
	for _, layout := range []struct {
		layout string
		step   func(time.Time) time.Time
	}{{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }}, {"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }}} {
		a, errA := time.Parse(layout.layout, from)
		b, errB := time.Parse(layout.layout, to)
		if errA != nil || errB != nil {
			continue
		}
		if b.Before(a) {
			return nil, fmt.Errorf("range %q ends before it starts", s)
		}
		var out []string
		for t := a; !t.After(b); t = layout.step(t) {
			if out = append(out, t.Format(layout.layout)); len(out) > maxRuns {
				return nil, fmt.Errorf("range %q has over %d values", s, maxRuns)
			}
		}
		return out, nil
	}
	a, errA := strconv.Atoi(from)
	b, errB := strconv.Atoi(to)
	if errA != nil || errB != nil {
		return nil, fmt.Errorf("range %q: want months (2023-01..2023-12), days (2023-01-01..2023-01-31), integers (1..5) or a list (a,b,c)", s)
	}
	if b < a || b-a >= maxRuns {
		return nil, fmt.Errorf("range %q is empty or over %d values", s, maxRuns)
	}
	var out []string
	for i := a; i <= b; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out, nil
}
