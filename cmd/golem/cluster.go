package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/golemlabs/golem/runtime/cluster"
)

// natsFlags are the cluster flags of golem start and golem run.
type natsFlags struct {
	url, listen, token, ca, cert, key *string
}

func addNATSFlags(fs *flag.FlagSet, listen bool) natsFlags {
	n := natsFlags{
		url:   fs.String("nats", "", "run on the cluster of this NATS server (JetStream enabled), e.g. nats://host:4222"),
		token: fs.String("nats-token", "", "token of the NATS server (default $GOLEM_NATS_TOKEN)"),
		ca:    fs.String("nats-ca", "", "PEM file of the CA of the NATS server's TLS certificate (default: the system's)"),
	}
	if listen {
		n.listen = fs.String("nats-listen", "", "start an embedded NATS server with JetStream on this address (host:port) and run on its cluster")
		n.cert = fs.String("nats-tls-cert", "", "with --nats-listen: the server's TLS certificate (PEM); clients then need TLS")
		n.key = fs.String("nats-tls-key", "", "with --nats-listen: the key of --nats-tls-cert (PEM)")
	} else {
		n.listen, n.cert, n.key = new(string), new(string), new(string)
	}
	return n
}

func (n natsFlags) enabled() bool { return *n.url != "" || *n.listen != "" }

// clusterExecutor connects to the cluster the flags name — starting the embedded server for
// --nats-listen — and returns its executor and what to call when done.
func (n natsFlags) executor(ctx context.Context, projectDir string, stdout io.Writer) (*cluster.Executor, func(), error) {
	if *n.url != "" && *n.listen != "" {
		return nil, nil, fmt.Errorf("%w: --nats and --nats-listen exclude each other", errUsage)
	}
	token := *n.token
	if token == "" {
		token = os.Getenv("GOLEM_NATS_TOKEN")
	}
	url := *n.url
	var stop []func()
	cleanup := func() {
		for i := len(stop) - 1; i >= 0; i-- {
			stop[i]()
		}
	}
	if *n.listen != "" {
		srv, err := cluster.StartEmbedded(*n.listen, filepath.Join(projectDir, ".golem", "nats"),
			cluster.EmbeddedOptions{Token: token, TLSCert: *n.cert, TLSKey: *n.key})
		if err != nil {
			return nil, nil, err
		}
		stop = append(stop, srv.Shutdown)
		url = srv.URL()
		fmt.Fprintf(stdout, "NATS JetStream serving the cluster on %s (workers: golem worker --nats %s)\n", url, url)
	}
	ca := *n.ca
	if ca == "" && *n.listen != "" && *n.cert != "" {
		ca = *n.cert // the embedded server's own certificate, self-signed or not, is trusted here
	}
	conn, err := cluster.Connect(ctx, url, "golem coordinator", cluster.ConnOptions{Token: token, CA: ca})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	stop = append(stop, conn.Close)
	x, err := cluster.NewExecutor(conn, cluster.ExecutorOptions{})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	stop = append(stop, x.Close)
	return x, cleanup, nil
}
