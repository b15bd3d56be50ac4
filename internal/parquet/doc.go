// Package parquet is the parquet codec behind blocks/frame: it writes typed
// columns straight to parquet pages and decodes column chunks straight into
// pre-allocated slices, without going through parquet-go's row API (which cost
// ~1 µs a value where this costs ~10 ns). parquet-go still parses footers and
// pages on the read side and provides the thrift and RLE encoders.
//
// The package knows nothing of frames: a Column is a name, a Type and the one
// slice that holds its values, with an optional validity mask. blocks/frame
// converts its series to and from Columns, resolves file paths, globs and
// downloads, and unifies schemas across files.
package parquet
