package frame

import (
	"fmt"
	"strings"
	"time"
)

// Type is the element type of a Series.
type Type uint8

// The column types. Timestamps are naive wall-clock times in int64
// microseconds; durations are int64 microseconds.
const (
	Int64 Type = iota
	Float64
	String
	Bool
	Timestamp
	Duration
)

var typeNames = [...]string{"int64", "float64", "string", "bool", "timestamp", "duration"}

// String returns the type's name: int64, float64, string, bool, timestamp or duration.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// isIntBacked reports whether values of t are stored as int64.
func (t Type) isIntBacked() bool { return t == Int64 || t == Timestamp || t == Duration }

// isNumeric reports whether t is int64 or float64.
func (t Type) isNumeric() bool { return t == Int64 || t == Float64 }

// Field is a column's name and type.
type Field struct {
	Name string
	Type Type
}

// String returns "name type".
func (f Field) String() string { return f.Name + " " + f.Type.String() }

// fail panics with a *Error for op.
func fail(op string, err error, format string, args ...any) {
	panic(&Error{Op: op, Err: fmt.Errorf("%w: "+format, append([]any{err}, args...)...)})
}

// failMsg panics with a *Error whose message is exactly the formatted text,
// still wrapping err for errors.Is.
func failMsg(op string, err error, format string, args ...any) {
	panic(&Error{Op: op, Err: wrapped{msg: fmt.Sprintf(format, args...), err: err}})
}

type wrapped struct {
	msg string
	err error
}

func (w wrapped) Error() string { return w.msg }
func (w wrapped) Unwrap() error { return w.err }

func joinNames(names []string) string {
	const max = 30
	if len(names) > max {
		return strings.Join(names[:max], ", ") + fmt.Sprintf(", ... (%d more)", len(names)-max)
	}
	return strings.Join(names, ", ")
}

const microsPerSecond = 1_000_000

// timeToMicros converts t to naive wall-clock microseconds: the wall clock
// reading of t in its own location, as if it were UTC.
func timeToMicros(t time.Time) int64 {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	u := time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
	return u.UnixMicro()
}

// microsToTime converts naive microseconds to a UTC time.Time.
func microsToTime(us int64) time.Time { return time.UnixMicro(us).UTC() }
