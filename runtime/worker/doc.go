// Package worker runs a pipeline run in a worker process, so that block code never executes in the
// process that serves the editor, fires schedules or writes the history.
//
// The supervisor side (Executor) starts the golem binary again as "golem __worker", writes the run
// (a Job, one JSON line) to its stdin and reads one JSON frame per line from its stdout: the run's
// events as they happen (log lines included, written before the block goes on) and, at the end, its
// result. Outputs go to the project's output store, as in a run in one process; the blocks of a run
// share the worker, so they hand values to each other in memory.
//
// The worker's death — an exit code, a signal, a Go fatal error such as a panic in a goroutine the
// block started, "concurrent map writes" or "stack overflow", the memory limit — becomes the failure
// of the blocks that were running, with the cause read from the worker's stderr; blocks that had
// finished keep their status and outputs, blocks not started are skipped. Cancelling a run and a
// block that outlives its timeout kill the worker. The worker ends itself when its stdin closes, so
// a supervisor that dies takes its workers with it.
//
// This is a process boundary, not a sandbox: the worker runs with the user's rights.
package worker
