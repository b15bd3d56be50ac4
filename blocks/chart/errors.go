package chart

import "errors"

// ErrSpec means a chart spec is invalid (unknown type, missing field, bad value).
var ErrSpec = errors.New("invalid chart")

// ErrColumn means a column named by a spec is missing or has the wrong type.
var ErrColumn = errors.New("bad chart column")
