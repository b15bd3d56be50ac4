package frame

import (
	"errors"

	"github.com/golemlabs/golem/internal/parquet"
)

// ErrNoColumn reports a column name that the frame does not have.
var ErrNoColumn = errors.New("no column")

// ErrLength reports series or masks whose lengths differ.
var ErrLength = errors.New("length mismatch")

// ErrType reports an operation applied to a column of the wrong type.
var ErrType = errors.New("type mismatch")

// ErrDuplicate reports two columns with the same name in one frame.
var ErrDuplicate = errors.New("duplicate column")

// ErrNoFiles reports a read whose paths or globs matched no file.
var ErrNoFiles = errors.New("no files match")

// ErrSchema reports files or frames whose schemas cannot be unified.
var ErrSchema = errors.New("incompatible schema")

// ErrUnsupported reports a parquet column type or layout that frame cannot read,
// or an operation frame does not support.
var ErrUnsupported = parquet.ErrUnsupported

// ErrRange reports an out-of-range index or argument.
var ErrRange = errors.New("out of range")

// Error is the panic value of frame operations that are misused, and the error
// type some I/O functions wrap. Op names the operation (for example "Col" or
// "Sub"); Err carries the detail and wraps one of the sentinel errors.
type Error struct {
	Op  string
	Err error
}

// Error returns "frame: Op: detail".
func (e *Error) Error() string { return "frame: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the wrapped error, so errors.Is works with the sentinels.
func (e *Error) Unwrap() error { return e.Err }
