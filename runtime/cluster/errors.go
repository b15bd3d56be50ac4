package cluster

import "errors"

// ErrCluster reports a NATS server or stream that cannot be used.
var ErrCluster = errors.New("cluster")
