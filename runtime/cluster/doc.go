// Package cluster runs pipeline runs on other machines through NATS JetStream.
//
// The coordinator (golem start or golem run with --nats or --nats-listen) is the single writer of
// the history. Its Executor publishes each run as a Job on the work-queue stream GOLEM_RUNS,
// together with a content-addressed snapshot of the project's code in the object store
// golem-snapshots and, for runs that start from stored outputs, those outputs in golem-outputs.
// A Worker (golem worker) takes jobs from a durable pull consumer, fetches the snapshot once per
// hash, runs the job exactly as a local run — in a worker process of its own (runtime/worker) —
// and publishes the run's frames (events, log lines, result) on golem.events.<run> in the stream
// GOLEM_EVENTS; block outputs go to golem-outputs, from where the coordinator copies them into its
// own output store, so previews, charts, --block re-runs and retries work for remote runs.
//
// Faults: a worker acks its job as in progress every few seconds; when it dies, JetStream
// redelivers the job after AckWait to another worker, as a new attempt. Frames carry the attempt,
// and the coordinator follows only the newest; the key <run> of the key-value bucket golem-leases
// holds the attempt that owns a run, and a worker whose attempt lost the lease stops its run.
package cluster
