package frame

import "fmt"

// This file is the one place where schema drift is resolved, for ReadParquet
// over many files and for Concat:
//
//   - a column that is all-null by type (parquet NULL) or absent from a file
//     takes the type the other inputs give it, its rows null;
//   - int32 is read as int64 already, so int32 and int64 agree;
//   - int64 and float64 unify to float64;
//   - any other difference (string vs int64, timestamp vs float64, ...) is an
//     ErrSchema error that names the column and both types.

// unifyType returns the type that can hold values of both a and b.
func unifyType(a, b Type) (Type, bool) {
	if a == b {
		return a, true
	}
	if a.isNumeric() && b.isNumeric() {
		return Float64, true
	}
	return 0, false
}

// schemaBuilder accumulates the unified schema of several inputs.
type schemaBuilder struct {
	names  []string
	types  map[string]Type
	known  map[string]bool   // false while only null-typed inputs were seen
	source map[string]string // input that fixed the type, for errors
}

func newSchemaBuilder() *schemaBuilder {
	return &schemaBuilder{types: map[string]Type{}, known: map[string]bool{}, source: map[string]string{}}
}

// add merges column name of type t (null-typed when !known) from input src.
func (b *schemaBuilder) add(name string, t Type, known bool, src string) error {
	old, seen := b.types[name]
	if !seen {
		b.names = append(b.names, name)
		b.types[name], b.known[name], b.source[name] = t, known, src
		return nil
	}
	if !known {
		return nil
	}
	if !b.known[name] {
		b.types[name], b.known[name], b.source[name] = t, true, src
		return nil
	}
	u, ok := unifyType(old, t)
	if !ok {
		return fmt.Errorf("%w: column %q is %s in %s but %s in %s", ErrSchema, name, old, b.source[name], t, src)
	}
	b.types[name] = u
	return nil
}

// typeOf returns the unified type; a column that is null everywhere is float64.
func (b *schemaBuilder) typeOf(name string) Type {
	if !b.known[name] {
		return Float64
	}
	return b.types[name]
}

// castTo converts s to type t, which must be unifyType-compatible with s.Type().
func castTo(s *Series, t Type) *Series {
	if s.typ == t {
		return s
	}
	if t == Float64 && s.typ.isNumeric() {
		return s.AsFloat()
	}
	failMsg("Concat", ErrSchema, "cannot convert %s column %q to %s", s.typ, s.name, t)
	return nil
}
