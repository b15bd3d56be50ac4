// Package history records pipeline runs, their blocks and their logs under a
// project's .golem directory, for the editor's run list and for `golem run`.
//
// Runs live in a bbolt file (.golem/history.db); logs are plain append-only
// files (.golem/logs/<run>/<block>.log), so a chatty block never rewrites the
// database and a crash loses at most a partial last line.
//
// # Several processes, one file
//
// bbolt holds an exclusive flock on its file for as long as a writable DB is
// open, and `golem run` must be able to record runs while `golem start`
// serves the same project. So a Store never keeps the file open: every
// operation takes a lock on the sidecar file history.db.lock (shared for
// reads, exclusive for writes; polled every 0.5–5 ms up to
// Options.LockTimeout, much finer than bbolt's own 50 ms poll), opens the
// database (read-only for reads), runs one transaction and closes it again.
// Opening is a handful of syscalls and an mmap of the existing file; the
// benchmarks in this package measure it against the cost of the fsyncs a
// write transaction does anyway. Within a process a RWMutex orders the
// Store's own goroutines before they touch the file lock.
//
// # Crashes
//
// Every run records the PID, host name and a start marker of the process
// that owns it (on Linux the boot id and the process start time from
// /proc/<pid>/stat). MarkCrashed, called at start-up, turns runs whose owner
// is gone — or whose PID now belongs to a different process — into crashed
// runs. bbolt itself is crash-safe: a SIGKILL mid-transaction leaves the
// previous committed state.
package history
