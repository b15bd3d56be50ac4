package ml

import "errors"

var (
	// ErrEmpty reports a frame, matrix or target without rows.
	ErrEmpty = errors.New("empty input")
	// ErrMissingColumn reports a column that the frame does not have.
	ErrMissingColumn = errors.New("missing column")
	// ErrColumnType reports a column whose type the encoder cannot use.
	ErrColumnType = errors.New("unsupported column type")
	// ErrNotFinite reports a NaN, Inf or null value where a number is required.
	ErrNotFinite = errors.New("value is not a finite number")
	// ErrShape reports inputs whose sizes do not agree.
	ErrShape = errors.New("shape mismatch")
	// ErrNotFitted reports the use of an encoder or model before Fit.
	ErrNotFitted = errors.New("not fitted")
	// ErrParam reports an invalid parameter value.
	ErrParam = errors.New("invalid parameter")
	// ErrBadMatrix reports a CSR matrix whose arrays are inconsistent.
	ErrBadMatrix = errors.New("malformed CSR matrix")
	// ErrNoConvergence reports an iterative solver that stopped before its tolerance.
	ErrNoConvergence = errors.New("solver did not converge")
	// ErrFormat reports a model file that is not a valid model document.
	ErrFormat = errors.New("invalid model file")
	// ErrUnknownCategory reports a category Fit did not see, when the encoder
	// is asked to fail on them.
	ErrUnknownCategory = errors.New("unknown category")
	// ErrVersion reports a model file written by a newer format version.
	ErrVersion = errors.New("unsupported model file version")
)
