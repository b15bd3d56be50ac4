package notify

import "errors"

var (
	// ErrStatus wraps a non-2xx answer from a webhook.
	ErrStatus = errors.New("notify: webhook answered with an error status")
	// ErrInvalidHook is returned by Send for a hook with a bad URL, event or format.
	ErrInvalidHook = errors.New("notify: invalid webhook")
)
