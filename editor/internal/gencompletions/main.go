// Command gencompletions writes the completion list of the block API (the
// exported names of packages blocks, blocks/frame, blocks/ml and blocks/conn with their
// signatures, first doc sentences and a one-line example) as JSON for the
// editor to embed, and the same as the Markdown reference docs/REFERENCE.md.
//
//	go run ./internal/gencompletions -o completions.json -ref ../docs/REFERENCE.md ../blocks ../blocks/frame ../blocks/ml ../blocks/conn
//
// A name's example is the first line of the first code block of its doc
// comment, or else a call built from its signature.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/golemlabs/golem/editor/internal/completion"
)

type item = completion.Item

func main() {
	out := flag.String("o", "completions.json", "output file")
	ref := flag.String("ref", "", "also write the Markdown reference to this file")
	flag.Parse()
	data, md, err := generate(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencompletions:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencompletions:", err)
		os.Exit(1)
	}
	if *ref != "" {
		if err := os.WriteFile(*ref, md, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gencompletions:", err)
			os.Exit(1)
		}
	}
}

// generate returns the completion JSON and the Markdown reference of the
// packages in dirs.
func generate(dirs []string) (data, md []byte, err error) {
	var items []item
	for _, dir := range dirs {
		it, err := load(dir)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it...)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Receiver != b.Receiver {
			return a.Receiver < b.Receiver
		}
		return a.Label < b.Label
	})
	data, err = json.MarshalIndent(items, "", " ")
	if err != nil {
		return nil, nil, err
	}
	return append(data, '\n'), reference(items), nil
}

func load(dir string) ([]item, error) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var out []item
	for name, p := range pkgs {
		if strings.HasSuffix(name, "_test") {
			continue
		}
		d := doc.New(p, "github.com/golemlabs/golem/"+filepath.ToSlash(dir), 0)
		pkg := d.Name
		src := func(n any) string {
			var buf bytes.Buffer
			_ = printer.Fprint(&buf, fset, n)
			return strings.Join(strings.Fields(buf.String()), " ")
		}
		fn := func(f *doc.Func, recv string) item {
			decl := *f.Decl
			decl.Body, decl.Doc = nil, nil
			kind := "func"
			if recv != "" {
				kind = "method"
			}
			ex := docExample(f.Doc)
			if ex == "" {
				ex = callExample(pkg, recv, f.Name, f.Decl.Type)
			}
			return item{Label: f.Name, Kind: kind, Package: pkg, Receiver: recv, Detail: src(&decl), Doc: d.Synopsis(f.Doc), Example: ex}
		}
		values := func(vs []*doc.Value, kind string) {
			for _, v := range vs {
				for _, spec := range v.Decl.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if n.IsExported() {
							out = append(out, item{Label: n.Name, Kind: kind, Package: pkg, Detail: kind + " " + n.Name, Doc: d.Synopsis(v.Doc), Example: pkg + "." + n.Name})
						}
					}
				}
			}
		}
		values(d.Consts, "const")
		values(d.Vars, "var")
		for _, f := range d.Funcs {
			out = append(out, fn(f, ""))
		}
		for _, t := range d.Types {
			ex := docExample(t.Doc)
			if ex == "" {
				ex = typeExample(pkg, t)
			}
			out = append(out, item{Label: t.Name, Kind: "type", Package: pkg, Detail: "type " + t.Name, Doc: d.Synopsis(t.Doc), Example: ex})
			values(t.Consts, "const")
			values(t.Vars, "var")
			for _, f := range t.Funcs {
				out = append(out, fn(f, ""))
			}
			for _, m := range t.Methods {
				out = append(out, fn(m, t.Name))
			}
			for _, spec := range t.Decl.Specs {
				st, ok := spec.(*ast.TypeSpec).Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, f := range st.Fields.List {
					for _, n := range f.Names {
						if n.IsExported() {
							out = append(out, item{Label: n.Name, Kind: "field", Package: pkg, Receiver: t.Name, Detail: n.Name + " " + src(f.Type), Doc: d.Synopsis(f.Doc.Text()), Example: varName(t.Name) + "." + n.Name})
						}
					}
				}
			}
		}
	}
	return out, nil
}
