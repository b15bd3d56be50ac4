// Package runtime plans and runs pipelines. Build validates a pipeline once — cycles, unknown
// upstreams, missing files, Go syntax the interpreter cannot run, and the types flowing between
// blocks — and returns a Plan; a Runner executes a Plan, one fresh yaegi interpreter per block run,
// independent blocks in parallel, and reports progress as Events on a channel. The runtime knows
// nothing about HTTP: the editor and the CLI consume its events.
package runtime
