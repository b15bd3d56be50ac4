package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/golemlabs/golem/runtime/cluster"
)

// runWorker serves a cluster: it takes runs from the NATS server and runs each in a worker process,
// from a snapshot of the project's code, with no checkout of the project here.
func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("golem worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("nats", "", "the cluster's NATS server, e.g. nats://coordinator:4222 (required)")
	token := fs.String("nats-token", "", "token of the NATS server (default $GOLEM_NATS_TOKEN)")
	ca := fs.String("nats-ca", "", "PEM file of the CA of the NATS server's TLS certificate (default: the system's)")
	host, _ := os.Hostname()
	name := fs.String("name", host, "the worker's name in the history and the editor")
	slots := fs.Int("slots", 1, "runs at once")
	labels := fs.String("labels", "", "comma-separated labels this worker offers (pipelines' runs_on)")
	dir := fs.String("dir", "", "where snapshots and runs go (default: golem-worker in the user's cache folder)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: golem worker --nats URL [--name NAME] [--slots N] [--labels a,b] [--dir DIR]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *url == "" {
		fs.Usage()
		return fmt.Errorf("%w: golem worker needs --nats URL and takes no arguments", errUsage)
	}
	if *slots < 1 {
		return fmt.Errorf("%w: --slots %d: want at least 1", errUsage, *slots)
	}
	if *dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		*dir = filepath.Join(cache, "golem-worker")
	}
	if *token == "" {
		*token = os.Getenv("GOLEM_NATS_TOKEN")
	}
	var ls []string
	for _, l := range strings.Split(*labels, ",") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	conn, err := cluster.Connect(ctx, *url, "golem worker "+*name, cluster.ConnOptions{Token: *token, CA: *ca})
	if err != nil {
		return err
	}
	defer conn.Close()
	w := cluster.NewWorker(conn, cluster.WorkerOptions{Name: *name, Slots: *slots, Labels: ls, Dir: *dir,
		Logf: func(format string, args ...any) { fmt.Fprintf(stderr, "golem worker: "+format+"\n", args...) }})
	fmt.Fprintf(stdout, "golem worker %s serving %s with %d slot(s)\n", *name, *url, *slots)
	return w.Serve(ctx)
}
