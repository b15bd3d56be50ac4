package history

import "errors"

var (
	// ErrNotFound is returned when no run has the requested ID.
	ErrNotFound = errors.New("history: run not found")
	// ErrLocked is returned when the database stayed locked by another process past Options.LockTimeout.
	ErrLocked = errors.New("history: database locked")
	// ErrInvalidID is returned for a run ID that is not a 26-character time-ordered ID.
	ErrInvalidID = errors.New("history: invalid run id")
	// ErrInvalidName is returned for an empty pipeline, block or trigger name, or one that could escape the logs directory.
	ErrInvalidName = errors.New("history: invalid name")
	// ErrInvalidStatus is returned for a status outside the known set.
	ErrInvalidStatus = errors.New("history: invalid status")
	// ErrInvalidTrigger is returned for a trigger outside manual, editor, cli, api, schedule:<name> and retry:<runid>.
	ErrInvalidTrigger = errors.New("history: invalid trigger")
	// ErrImmutable is returned when an Update function changes a run's ID or pipeline.
	ErrImmutable = errors.New("history: run id and pipeline cannot change")
	// ErrExists is returned by Create for an ID that is already recorded.
	ErrExists = errors.New("history: run already exists")
)

// ErrNotQueued is returned by Claim for a run that is no longer queued.
var ErrNotQueued = errors.New("history: run is not queued")

// ErrCorrupt is returned when the database file is not a readable bbolt database; the error says
// how to move it aside.
var ErrCorrupt = errors.New("history: database corrupt")
