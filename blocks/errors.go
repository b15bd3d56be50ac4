package blocks

import "errors"

// ErrUnknownKind reports a block kind that Golem does not know.
var ErrUnknownKind = errors.New("unknown block kind")

// ErrNoEntry reports a block file without the entry function its kind requires.
var ErrNoEntry = errors.New("missing entry function")

// ErrUnsupported reports Go syntax that the block interpreter cannot run.
var ErrUnsupported = errors.New("unsupported syntax")

// ErrBadVariable reports a variable whose value does not parse as the type a block asks for.
var ErrBadVariable = errors.New("bad variable")

// ErrNoAlias reports a model reference (name@alias) naming an alias the registered model does not have.
var ErrNoAlias = errors.New("model has no such alias")
