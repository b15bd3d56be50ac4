package worker

import "errors"

// ErrWorker reports a worker process that could not be started or spoke out of protocol.
var ErrWorker = errors.New("worker process")
