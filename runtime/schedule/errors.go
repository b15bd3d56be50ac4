package schedule

import "errors"

var (
	// ErrInvalid is wrapped by every problem found in a triggers.yaml file.
	ErrInvalid = errors.New("schedule: invalid trigger")
	// ErrNoLaunch is returned by New when Options.Launch is nil.
	ErrNoLaunch = errors.New("schedule: no launch function")
)
