package projects

import (
	"errors"
	"fmt"
)

// ErrNotProject means the directory has no golem.yaml.
var ErrNotProject = errors.New("not a golem project (no golem.yaml)")

// ErrInvalid means a project or pipeline file failed validation.
var ErrInvalid = errors.New("invalid project")

// ErrOutsideProject means a path leaves the project directory.
var ErrOutsideProject = errors.New("path outside the project")

// ErrConflict means a file changed on disk since the version the caller read.
var ErrConflict = errors.New("file changed on disk")

// ErrNotEmpty means Init was asked to scaffold into a non-empty directory.
var ErrNotEmpty = errors.New("directory not empty")

// ErrNotFound means a pipeline or block does not exist.
var ErrNotFound = errors.New("not found")

// ErrExists means a pipeline or block with that name already exists.
var ErrExists = errors.New("already exists")

// Error is one problem in a project file, positioned at File:Line (File is
// slash-separated and relative to the project directory; Line is 0 when the
// problem concerns the whole file).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Is makes errors.Is(err, ErrInvalid) true for every validation problem.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Problems returns the positioned problems inside err (as returned by Load or
// SavePipeline), in order; nil if there are none.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if pe, ok := err.(*Error); ok {
			out = append(out, pe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}
