package duck

import "errors"

var (
	// ErrUnavailable: this binary was built without cgo, so without DuckDB.
	ErrUnavailable = errors.New("SQL is not available in this build of golem: it was built with CGO_ENABLED=0; build it with a C compiler installed (`make build`)")
	// ErrType: a value or column has no counterpart on the other side (a LIST column, a map variable).
	ErrType = errors.New("unsupported type")
	// ErrVariable: a statement names a parameter that is not a variable of the run.
	ErrVariable = errors.New("unknown variable")
	// ErrTable: a statement names a table that does not exist.
	ErrTable = errors.New("unknown table")
)
