// Package record writes runs into the run history as they happen: a run is recorded before it
// starts, its blocks' statuses, attempts and logs follow its events, and its end is recorded with
// its result. Both golem run and the editor record through it, so headless runs show up in the
// editor's history.
package record
