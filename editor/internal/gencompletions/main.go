// Command gencompletions writes the completion list of the block API (the
// exported names of package blocks and blocks/frame with their signatures
// and first doc sentences) as JSON for the editor to embed.
//
//	go run ./internal/gencompletions -o completions.json ../blocks ../blocks/frame
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
)

type item struct {
	Label    string `json:"label"`
	Kind     string `json:"kind"`
	Package  string `json:"package"`
	Receiver string `json:"receiver,omitempty"`
	Detail   string `json:"detail"`
	Doc      string `json:"doc,omitempty"`
}

func main() {
	out := flag.String("o", "completions.json", "output file")
	flag.Parse()
	var items []item
	for _, dir := range flag.Args() {
		it, err := load(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gencompletions:", err)
			os.Exit(1)
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
	data, err := json.MarshalIndent(items, "", " ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencompletions:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencompletions:", err)
		os.Exit(1)
	}
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
			return item{Label: f.Name, Kind: kind, Package: pkg, Receiver: recv, Detail: src(&decl), Doc: d.Synopsis(f.Doc)}
		}
		values := func(vs []*doc.Value, kind string) {
			for _, v := range vs {
				for _, spec := range v.Decl.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if n.IsExported() {
							out = append(out, item{Label: n.Name, Kind: kind, Package: pkg, Detail: kind + " " + n.Name, Doc: d.Synopsis(v.Doc)})
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
			out = append(out, item{Label: t.Name, Kind: "type", Package: pkg, Detail: "type " + t.Name, Doc: d.Synopsis(t.Doc)})
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
							out = append(out, item{Label: n.Name, Kind: "field", Package: pkg, Receiver: t.Name, Detail: n.Name + " " + src(f.Type), Doc: d.Synopsis(f.Doc.Text())})
						}
					}
				}
			}
		}
	}
	return out, nil
}
