// Package frame is the dataframe that Golem block code uses: typed columns
// (int64, float64, string, bool, timestamp, duration) with a null mask, and
// whole-column operations compiled in Go, so block code interpreted by yaegi
// runs at compiled speed as long as it works on columns, never row by row.
//
// A Frame is an ordered set of equally long, named Series. Frames and Series
// are immutable: every operation returns a new value and may share the
// underlying arrays of its input, so never modify the slice returned by
// Ints, Floats, Bools or Strings.
//
// Timestamps are naive wall-clock times stored as int64 microseconds (time.Time
// values in UTC carry them); durations are int64 microseconds. Nulls propagate
// through arithmetic and comparisons; a null in a boolean mask counts as false
// in Filter.
//
// Programmer errors in fluent chains (a missing column, a length or type
// mismatch) panic with a *Error whose message names the operation and the
// column, for example
//
//	frame: Col: no column "durtion" (columns: a, b, c)
//
// The Golem runtime recovers the panic at the block boundary and reports it at
// the user's file and line. I/O functions (ReadParquet, ReadCSV, WriteParquet,
// WriteCSV) return errors that name the file.
//
// ReadParquet reads one or many parquet files (paths, globs or http(s) URLs)
// column by column and unifies schema drift across files in one place (see
// unify.go): an all-null column takes the type of the other files, int32
// becomes int64, and a column that is an integer in some files and a double
// in others becomes float64. Concat applies the same rules.
//
// Describe follows pandas: one row per statistic (count, nulls, mean, std,
// min, 25%, 50%, 75%, max) in a string column named "statistic", and one
// float64 column per numeric (int64 or float64) input column; std is the
// sample standard deviation and quantiles interpolate linearly.
//
// GroupBy hashes one or more key columns of any type; a null key forms its own
// group, and the output is sorted by the keys (nulls last). Aggregations are
// named "count" and "<col>_<agg>" (for example "duration_mean") unless renamed
// with Agg.As.
package frame
