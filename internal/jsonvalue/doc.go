// Package jsonvalue encodes and decodes Go values as JSON like encoding/json, except for the
// float values JSON has no number for: NaN, +Inf and -Inf are written as the strings "NaN",
// "Infinity" and "-Infinity" (JavaScript's spellings) and read back into float fields, map
// values and slice elements as those values. Block outputs go through it (a metrics map with
// an undefined AUC is a normal result, not an error), and so do the metrics of model files.
//
// Values without such floats take encoding/json's own path and give its exact bytes; only a
// value that encoding/json refuses with json.UnsupportedValueError is walked again by
// reflection, honouring the same struct tags (name, omitempty, "-"), embedded structs, map key
// types and Marshaler/TextMarshaler implementations.
package jsonvalue
