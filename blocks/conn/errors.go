package conn

import "errors"

// ErrWriteMode means a write asked for an unknown mode, or upsert without keys.
var ErrWriteMode = errors.New("bad write mode")

// ErrTableExists means a create-mode write found the table already there.
var ErrTableExists = errors.New("table exists")

// ErrColumns means a frame cannot be written as it is (no columns, or a key column it lacks).
var ErrColumns = errors.New("bad columns")

// ErrHTTP means an HTTP request answered with a status outside 2xx.
var ErrHTTP = errors.New("http error")

// ErrJSON means an HTTP response is not the JSON the request expected (no records array).
var ErrJSON = errors.New("unexpected JSON")
