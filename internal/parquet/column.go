package parquet

import "errors"

// Type is the logical type of a column. The values are blocks/frame's Type values, so frame
// converts a type with a cast (its tests check that).
type Type uint8

// The column types. Timestamps are naive wall-clock times in int64 microseconds; durations are
// int64 microseconds.
const (
	Int64     Type = 0 // Ints
	Float64   Type = 1 // Floats
	String    Type = 2 // Strs
	Bool      Type = 3 // Bools
	Timestamp Type = 4 // Ints, naive wall-clock microseconds
	Duration  Type = 5 // Ints, microseconds
)

// intBacked reports whether values of t are held in Column.Ints.
func (t Type) intBacked() bool { return t == Int64 || t == Timestamp || t == Duration }

// Column is one column's values. Only the slice that holds Type is read or
// written: Ints for Int64, Timestamp and Duration, Floats, Strs or Bools.
// Valid marks the rows that hold a value; nil means every row does.
type Column struct {
	Name   string
	Type   Type
	Ints   []int64
	Floats []float64
	Strs   []string
	Bools  []bool
	Valid  []bool
}

// ErrUnsupported reports a parquet column type or layout that the codec cannot read.
var ErrUnsupported = errors.New("unsupported")

// durationKey is the key/value metadata entry listing the columns that hold
// durations (parquet has no duration type; they are INT64 micros).
const durationKey = "golem.frame.durations"

const microsPerDay = 86_400_000_000
