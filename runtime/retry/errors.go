package retry

import "errors"

var (
	// ErrExhausted wraps the last error when every attempt of Do failed.
	ErrExhausted = errors.New("retry: attempts exhausted")
	// ErrInvalidPolicy is returned by Policy.Validate for negative or out-of-range fields.
	ErrInvalidPolicy = errors.New("retry: invalid policy")
)
