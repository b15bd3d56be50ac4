// Package output stores block outputs under a project's .golem/outputs folder so that a block can
// be re-run, previewed or charted without re-running its upstreams. Frames are stored as parquet,
// every other value as JSON; a meta.json beside each output says what it holds.
package output
