//go:build !unix

package history

import (
	"context"
	"time"
)

// fileLock is a no-op where flock is unavailable; bbolt's own file lock,
// with Options.LockTimeout, still serialises processes there.
func fileLock(context.Context, string, bool, time.Duration) (func(), error) {
	return func() {}, nil
}
