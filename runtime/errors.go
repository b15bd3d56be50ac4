package runtime

import "errors"

// ErrCycle reports upstream edges that form a cycle.
var ErrCycle = errors.New("cycle")

// ErrTypeMismatch reports an upstream output whose type differs from the downstream parameter.
var ErrTypeMismatch = errors.New("type mismatch")

// ErrMissingOutput reports a block run alone whose upstream has no stored output yet.
var ErrMissingOutput = errors.New("upstream output missing")

// ErrUnknownBlock reports a block name that is not in the pipeline.
var ErrUnknownBlock = errors.New("unknown block")

// ErrTimeout reports a block stopped at its timeout.
var ErrTimeout = errors.New("timed out")

// ErrCancelled reports a run or block stopped by cancellation.
var ErrCancelled = errors.New("cancelled")
