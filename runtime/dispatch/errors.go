package dispatch

import "errors"

// ErrNoRun reports a run ID this dispatcher does not know.
var ErrNoRun = errors.New("no such run")

// ErrNothingToRetry reports a retry of a run that has no failed block.
var ErrNothingToRetry = errors.New("nothing to retry")

// ErrClosed reports a request made after Close.
var ErrClosed = errors.New("dispatcher closed")
