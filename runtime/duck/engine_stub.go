//go:build !cgo

package duck

import (
	"context"

	"github.com/golemlabs/golem/blocks/frame"
)

// Available reports whether this build can run SQL.
const Available = false

// Options configure a DB.
type Options struct {
	Dir         string
	TempDir     string
	MemoryLimit int64
	Threads     int
}

// DB is unavailable in this build.
type DB struct{}

// Script is SQL text and the file it comes from.
type Script struct {
	File string
	Text string
	Line int
}

// Open reports that this build has no SQL engine.
func Open(context.Context, Options) (*DB, error) { return nil, ErrUnavailable }

// Add does nothing.
func (*DB) Add(string, *frame.Frame) {}

// Run reports that this build has no SQL engine.
func (*DB) Run(context.Context, Script, map[string]any, ...any) (*frame.Frame, error) {
	return nil, ErrUnavailable
}

// Close does nothing.
func (*DB) Close() error { return nil }
