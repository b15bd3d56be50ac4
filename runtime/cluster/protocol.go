package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/golemlabs/golem/runtime"
)

// Names of the JetStream streams, buckets and subjects the cluster uses.
const (
	runsStream     = "GOLEM_RUNS"
	runsSubject    = "golem.runs"
	eventsStream   = "GOLEM_EVENTS"
	eventsPrefix   = "golem.events."
	cancelPrefix   = "golem.cancel."
	workersSubject = "golem.workers"
	consumerName   = "golem-workers"
	snapshotBucket = "golem-snapshots"
	outputBucket   = "golem-outputs"
	leaseBucket    = "golem-leases"
	jobBucket      = "golem-jobs" // the job of every run, by run ID, for a coordinator that restarts
)

// Timings of the fault handling: a worker says it is alive every heartbeat; JetStream gives a job
// to another worker once ackWait passes without a word from the one that had it.
const (
	heartbeat   = 2 * time.Second
	ackWait     = 10 * time.Second
	maxAttempts = 5 // workers a run may lose before it fails
)

// Job is a run handed to the cluster.
type Job struct {
	RunID    string          `json:"run_id"`
	Pipeline string          `json:"pipeline"`
	Options  runtime.Options `json:"options"`
	Snapshot string          `json:"snapshot"` // the name of the project snapshot in golem-snapshots
	// Inputs are the blocks whose stored outputs feed the run, under <run>/in/<block>/ in golem-outputs.
	Inputs       []string      `json:"inputs,omitempty"`
	RunsOn       []string      `json:"runs_on,omitempty"` // labels a worker needs
	BlockTimeout time.Duration `json:"block_timeout,omitempty"`
	MemoryLimit  int64         `json:"memory_limit,omitempty"`
}

// frame is what a worker publishes about a run: its attempt begins (worker set, nothing else), an
// event, its result, or the error that kept it from starting.
type frame struct {
	Attempt int             `json:"attempt"`
	Worker  string          `json:"worker"`
	Event   *runtime.Event  `json:"event,omitempty"`
	Result  *runtime.Result `json:"result,omitempty"`
	Error   string          `json:"error,omitempty"`
	// Files the run wrote into its project folder, under <run>/files/ in golem-outputs (with Result).
	Files []string `json:"files,omitempty"`
}

// WorkerInfo is a worker's heartbeat on golem.workers.
type WorkerInfo struct {
	Name    string    `json:"name"`
	Labels  []string  `json:"labels,omitempty"`
	Slots   int       `json:"slots"`
	Running []string  `json:"running,omitempty"` // run IDs
	Time    time.Time `json:"time"`
}

// Conn is a connection to the cluster's NATS server with its streams and buckets set up.
type Conn struct {
	NC     *nats.Conn
	JS     jetstream.JetStream
	runs   jetstream.Stream
	snaps  jetstream.ObjectStore
	outs   jetstream.ObjectStore
	leases jetstream.KeyValue
	jobs   jetstream.KeyValue
}

// ConnOptions say how to reach the cluster's NATS server.
type ConnOptions struct {
	Token string // presented to the server when not empty
	CA    string // PEM file of the CA that signed the server's TLS certificate (tls:// URLs); "" = the system's
}

// Connect connects to url (a comma-separated list for a NATS cluster) and creates the streams and
// buckets if they do not exist.
func Connect(ctx context.Context, url, name string, o ConnOptions) (*Conn, error) {
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(500 * time.Millisecond)}
	if o.Token != "" {
		opts = append(opts, nats.Token(o.Token))
	}
	if o.CA != "" {
		opts = append(opts, nats.RootCAs(o.CA))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: connect to %s: %w", ErrCluster, url, err)
	}
	c := &Conn{NC: nc}
	if err := c.setup(ctx); err != nil {
		nc.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrCluster, url, err)
	}
	return c, nil
}

func (c *Conn) setup(ctx context.Context) (err error) {
	if c.JS, err = jetstream.New(c.NC); err != nil {
		return err
	}
	if c.runs, err = c.JS.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: runsStream, Subjects: []string{runsSubject}, Retention: jetstream.WorkQueuePolicy,
		Storage: jetstream.FileStorage, Duplicates: time.Hour,
	}); err != nil {
		return fmt.Errorf("stream %s: %w (is JetStream enabled?)", runsStream, err)
	}
	if _, err = c.JS.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: eventsStream, Subjects: []string{eventsPrefix + ">"}, Storage: jetstream.FileStorage, MaxAge: 24 * time.Hour,
	}); err != nil {
		return fmt.Errorf("stream %s: %w", eventsStream, err)
	}
	if _, err = c.JS.CreateOrUpdateConsumer(ctx, runsStream, jetstream.ConsumerConfig{
		Durable: consumerName, AckPolicy: jetstream.AckExplicitPolicy, AckWait: ackWait, MaxDeliver: -1,
	}); err != nil {
		return fmt.Errorf("consumer %s: %w", consumerName, err)
	}
	if c.snaps, err = c.JS.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: snapshotBucket, Storage: jetstream.FileStorage}); err != nil {
		return err
	}
	if c.outs, err = c.JS.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: outputBucket, Storage: jetstream.FileStorage, TTL: 7 * 24 * time.Hour}); err != nil {
		return err
	}
	if c.leases, err = c.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: leaseBucket, TTL: 24 * time.Hour}); err != nil {
		return err
	}
	c.jobs, err = c.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: jobBucket, TTL: 7 * 24 * time.Hour, Storage: jetstream.FileStorage})
	return err
}

// Close closes the connection after flushing what it published.
func (c *Conn) Close() {
	_ = c.NC.Drain()
}
