// Command genapi writes the TypeScript types of the editor's HTTP API and their reference
// tables in docs/EDITOR_API.md from one source: the Go types of package editor that the
// handlers send and read.
//
//	go run ./internal/genapi -ts ../frontend/src/lib/api.gen.ts -md ../docs/EDITOR_API.md . ../blocks ...
//
// The first package is the API's: each of its exported struct types with a json tag is a
// root, and every named type a root reaches is written too, so each package that declares
// one must be listed (its doc comments become the TypeScript doc and the tables' text).
// The TypeScript follows encoding/json: json tag names, `-` dropped, embedded structs
// flattened, omitempty/omitzero fields optional, a pointer without omitempty `T | null`,
// time.Time a string, json.RawMessage and interfaces unknown. A named string or number
// type with constants of its own becomes a union of their values (with a const array
// <Name>Values in declaration order). Three marks in Go say what reflection cannot:
//
//	//golem:tsname ChartSpec   in a type's doc: its TypeScript name (default: the Go name, capitalised)
//	//golem:json entryJSON     in a type's doc: the type (expression) whose shape its MarshalJSON writes
//	`tstype:"'frame'"`         a field tag: the field's TypeScript type, verbatim
//
// A type with a MarshalJSON method and no //golem:json is an error, as are two Go types
// with one TypeScript name: the generator never guesses.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	tsOut := flag.String("ts", "", "write the TypeScript types to this file")
	mdOut := flag.String("md", "", "rewrite the generated part of this Markdown file")
	flag.Parse()
	if err := run(*tsOut, *mdOut, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "genapi:", err)
		os.Exit(1)
	}
}

func run(tsOut, mdOut string, patterns []string) error {
	if len(patterns) == 0 {
		return fmt.Errorf("no package given")
	}
	api, err := load(".", patterns...)
	if err != nil {
		return err
	}
	ts, md, err := api.generate()
	if err != nil {
		return err
	}
	if tsOut != "" {
		if err := os.WriteFile(tsOut, ts, 0o644); err != nil {
			return err
		}
	}
	if mdOut != "" {
		old, err := os.ReadFile(mdOut)
		if err != nil {
			return err
		}
		doc, err := replaceTables(old, md)
		if err != nil {
			return fmt.Errorf("%s: %w", mdOut, err)
		}
		if err := os.WriteFile(mdOut, doc, 0o644); err != nil {
			return err
		}
	}
	return nil
}
