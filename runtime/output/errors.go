package output

import "errors"

// ErrNoOutput reports a block that has no stored output yet.
var ErrNoOutput = errors.New("no stored output")

// ErrNotFrame reports a stored output that is a JSON value, asked for as a frame.
var ErrNotFrame = errors.New("output is not a frame")
