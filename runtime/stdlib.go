package runtime

import (
	"flag"
	"fmt"
	"go/constant"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log"
	"math/bits"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/generic"
)

// A fresh yaegi interpreter with the whole standard library cost ~6 ms, most of a no-op block's
// time: Use copies the symbols of ~170 packages (~2.5 ms) and, whenever "fmt/fmt" is among them,
// compiles yaegi's generic sources of cmp, maps and slices (~3 ms). So an interpreter gets only the
// standard packages the block and the project's utils import, the generic sources only when one of
// cmp, maps or slices is among them, and fmt under a key Use does not single out — with the stdio
// and environment redirections that yaegi's fixStdlib would make (interp/use.go) made here.

// genericPkgs are the packages whose generic functions come from yaegi's generic sources.
var genericPkgs = []string{"cmp", "maps", "slices"}

// alwaysStd are loaded into every interpreter: the packages the redirections patch.
var alwaysStd = []string{"fmt", "os", "log", "flag", "math/bits"}

// fmtKey names fmt without being "fmt/fmt", which Use reacts to (path.Dir cleans it to "fmt").
const fmtKey = "fmt/./fmt"

// useStdlib loads the standard packages of imports into it, with their stdio redirected to the
// block's log (stdout) and to stderr.
func useStdlib(i *interp.Interpreter, imports []string, stdout, stderr io.Writer) error {
	ex := interp.Exports{".": stdlib.Symbols["."]} // the interface wrappers of fmt, sort, ...
	needGenerics := false
	for _, imp := range append(slices.Clone(alwaysStd), imports...) {
		k := imp + "/" + path.Base(imp)
		syms, ok := stdlib.Symbols[k]
		if !ok {
			continue // not standard (blocks, utils) or not allowed: compiling the import says so
		}
		if imp == "fmt" {
			k = fmtKey
		}
		ex[k] = syms
		needGenerics = needGenerics || slices.Contains(genericPkgs, imp)
	}
	if err := i.Use(ex); err != nil {
		return err
	}
	if err := i.Use(redirections(stdout, stderr)); err != nil {
		return err
	}
	if needGenerics {
		for _, src := range generic.Sources {
			if _, err := i.Compile(src); err != nil {
				return err
			}
		}
	}
	return nil
}

// redirections are the symbols yaegi's fixStdlib replaces, for an interpreter without an
// environment (the restricted mode golem runs blocks in).
func redirections(stdout, stderr io.Writer) interp.Exports {
	var stdin io.Reader = strings.NewReader("")
	mapTypes := map[reflect.Value][]reflect.Type{}
	fn := func(v any, like any) reflect.Value {
		rv := reflect.ValueOf(v)
		if mt, ok := stdlib.MapTypes[reflect.ValueOf(like)]; ok {
			mapTypes[rv] = mt
		}
		return rv
	}
	fmtSyms := map[string]reflect.Value{
		"Print":   fn(func(a ...any) (int, error) { return fmt.Fprint(stdout, a...) }, fmt.Print),
		"Printf":  fn(func(f string, a ...any) (int, error) { return fmt.Fprintf(stdout, f, a...) }, fmt.Printf),
		"Println": fn(func(a ...any) (int, error) { return fmt.Fprintln(stdout, a...) }, fmt.Println),
		"Scan":    fn(func(a ...any) (int, error) { return fmt.Fscan(stdin, a...) }, fmt.Scan),
		"Scanf":   fn(func(f string, a ...any) (int, error) { return fmt.Fscanf(stdin, f, a...) }, fmt.Scanf),
		"Scanln":  fn(func(a ...any) (int, error) { return fmt.Fscanln(stdin, a...) }, fmt.Scanln),
	}
	fs := flag.NewFlagSet("block", flag.PanicOnError)
	fs.SetOutput(stderr)
	l := log.New(stderr, "", log.LstdFlags)
	logSyms := map[string]reflect.Value{
		// Fatal panics instead of exiting the process.
		"Fatal": fn(l.Panic, log.Panic), "Fatalf": fn(l.Panicf, log.Panicf), "Fatalln": fn(l.Panicln, log.Panicln),
		"Flags": reflect.ValueOf(l.Flags), "Output": reflect.ValueOf(l.Output),
		"Panic": fn(l.Panic, log.Panic), "Panicf": fn(l.Panicf, log.Panicf), "Panicln": fn(l.Panicln, log.Panicln),
		"Prefix": reflect.ValueOf(l.Prefix),
		"Print":  fn(l.Print, log.Print), "Printf": fn(l.Printf, log.Printf), "Println": fn(l.Println, log.Println),
		"SetFlags": reflect.ValueOf(l.SetFlags), "SetOutput": reflect.ValueOf(l.SetOutput),
		"SetPrefix": reflect.ValueOf(l.SetPrefix), "Writer": reflect.ValueOf(l.Writer),
	}
	env := map[string]string{}
	args := []string{}
	getenv := func(k string) string { return env[k] }
	osSyms := map[string]reflect.Value{
		"Args":      reflect.ValueOf(&args).Elem(),
		"Clearenv":  reflect.ValueOf(func() { clear(env) }),
		"ExpandEnv": reflect.ValueOf(func(s string) string { return os.Expand(s, getenv) }),
		"Getenv":    reflect.ValueOf(getenv),
		"LookupEnv": reflect.ValueOf(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		"Setenv":    reflect.ValueOf(func(k, v string) error { env[k] = v; return nil }),
		"Unsetenv":  reflect.ValueOf(func(k string) error { delete(env, k); return nil }),
		"Environ": reflect.ValueOf(func() (a []string) {
			for k, v := range env {
				a = append(a, k+"="+v)
			}
			return a
		}),
	}
	return interp.Exports{
		fmtKey:           fmtSyms,
		"log/log":        logSyms,
		"flag/flag":      {"CommandLine": reflect.ValueOf(&fs).Elem()},
		"os/os":          osSyms,
		"math/bits/bits": {"UintSize": reflect.ValueOf(constant.MakeInt64(bits.UintSize))},
		".":              {"MapTypes": reflect.ValueOf(mapTypes)},
	}
}

// stdImports returns the import paths of the Go files under the project's utils folder, which an
// interpreted block may reach through the utils packages it imports.
func stdImports(projectDir string) []string {
	seen := map[string]bool{}
	root := filepath.Join(projectDir, "utils")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".go" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return nil
		}
		for _, imp := range f.Imports {
			if s := strings.Trim(imp.Path.Value, `"`); s != "" {
				seen[s] = true
			}
		}
		return nil
	})
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
