package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/traefik/yaegi/interp"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/internal/jsonvalue"
	"github.com/golemlabs/golem/runtime/retry"
	"github.com/golemlabs/golem/runtime/symbols"
)

// BlockError is a block failure located in the user's code.
type BlockError struct {
	Block   string `json:"block"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
	Stack   string `json:"stack,omitempty"`
	Err     error  `json:"-"`
}

func (e *BlockError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: block %q: %s", e.File, e.Line, e.Col, e.Block, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: block %q: %s", e.File, e.Block, e.Message)
	}
	return fmt.Sprintf("block %q: %s", e.Block, e.Message)
}

func (e *BlockError) Unwrap() error { return e.Err }

// runPkg is the import path of the per-run package through which the host hands a block its
// inputs and receives its results.
const runPkg = "golemrun"

// srcFS serves a project's utils/ folder to yaegi as GOPATH/src/utils (GoPath ".").
type srcFS struct{ root fs.FS }

func (s srcFS) Open(name string) (fs.File, error) {
	rest, ok := strings.CutPrefix(name, "src/")
	if !ok || !strings.HasPrefix(rest, "utils") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return s.root.Open(rest)
}

// interpreter is one fresh yaegi interpreter running one block.
type interpreter struct {
	i      *interp.Interpreter
	node   *Node
	stderr bytes.Buffer
	mu     sync.Mutex // guards result
	out    any
	err    error
	// returned is set when the called function returned: runtime.Goexit ends it without.
	returned bool
	pw       *os.File // os.Stdout of the block
	lines    *lineWriter
	errw     *lockedWriter // the block's stderr (log.Print*, flag errors)
	done     chan struct{}
	// imported is set once the per-run package is imported; later calls only replace its values.
	imported bool
	// pos is the position of the last statement that could panic, written by instrumented code.
	pos int
}

// newInterpreter prepares an interpreter for node with the block's stdout and stderr going to
// log; it loads the standard packages of imports (see useStdlib).
func newInterpreter(projectDir string, node *Node, log func(string), imports []string) (*interpreter, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	it := &interpreter{node: node, pw: pw, done: make(chan struct{}), lines: &lineWriter{log: log}}
	it.errw = &lockedWriter{w: &it.stderr}
	go func() {
		defer close(it.done)
		// Not a bufio.Scanner: its limit ended the loop at the first long line and lost every
		// later one.
		pipe := &lineWriter{log: it.lines.line}
		_, _ = io.Copy(pipe, pr)
		pipe.flush()
		pr.Close()
	}()
	it.i = interp.New(interp.Options{
		GoPath:               ".",
		SourcecodeFilesystem: srcFS{root: os.DirFS(projectDir)},
		Stdout:               it.lines,
		Stderr:               it.errw,
		Env:                  []string{},
	})
	if err := useStdlib(it.i, imports, it.lines, it.errw); err != nil {
		it.close()
		return nil, err
	}
	if err := it.i.Use(symbols.Symbols); err != nil {
		it.close()
		return nil, err
	}
	// os.Stdout must be an *os.File: writes to it go through the pipe (and reach the log a moment
	// later); fmt.Print* and the logger write to the log before they return.
	if err := it.i.Use(interp.Exports{"os/os": {"Stdout": reflect.ValueOf(&it.pw).Elem()}}); err != nil {
		it.close()
		return nil, err
	}
	return it, nil
}

// followContext makes the block's frame.ReadParquet and frame.ReadParquetWith (without a Context
// of their own) read under ctx, the block's context: cancelling the run or the block's timeout stops
// a download in progress, where it would otherwise go on in the worker beside the next attempt.
func (it *interpreter) followContext(ctx context.Context) error {
	with := func(opts frame.ReadOptions, paths ...string) (*frame.Frame, error) {
		if opts.Context == nil {
			opts.Context = ctx
		}
		return frame.ReadParquetWith(opts, paths...)
	}
	read := func(paths ...string) (*frame.Frame, error) { return with(frame.ReadOptions{}, paths...) }
	return it.i.Use(interp.Exports{blocks.ModulePath + "/frame/frame": {
		"ReadParquet":     reflect.ValueOf(read),
		"ReadParquetWith": reflect.ValueOf(with),
	}})
}

// maxLogLine is the longest log line kept whole: a longer one is cut, with a marker that says by
// how much, and the lines after it still arrive.
const maxLogLine = 1 << 20

// maxErrorMessage is the longest block error message kept whole (a panic with a 10 MB value).
const maxErrorMessage = 64 << 10

// lineWriter turns what a block prints into log lines as it prints them: in a worker process the
// line is with the supervisor before the print returns, so a crash right after it loses nothing.
// A line longer than max (0: maxLogLine) is cut; only max bytes of it are held.
type lineWriter struct {
	mu      sync.Mutex
	partial []byte
	dropped int // bytes of the current line past max
	max     int
	log     func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.add(p)
			return n, nil
		}
		w.add(p[:i])
		w.emit()
		p = p[i+1:]
	}
}

// add appends b to the current line, keeping at most max bytes of it.
func (w *lineWriter) add(b []byte) {
	limit := w.max
	if limit <= 0 {
		limit = maxLogLine
	}
	room := limit - len(w.partial)
	if room >= len(b) {
		w.partial = append(w.partial, b...)
		return
	}
	room = max(room, 0)
	w.partial = append(w.partial, b[:room]...)
	w.dropped += len(b) - room
}

// emit logs the current line and starts the next.
func (w *lineWriter) emit() {
	if w.dropped > 0 {
		w.log(cutText(w.partial, w.dropped))
	} else {
		w.log(string(bytes.TrimSuffix(w.partial, []byte("\r"))))
	}
	w.partial, w.dropped = w.partial[:0], 0
}

// cutText returns b, less a rune its end splits, and a marker saying how many bytes were cut
// (more, beyond b).
func cutText(b []byte, more int) string {
	n := len(b)
	for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:n]) {
				more, n = more+n-i, i
			}
			break
		}
	}
	return fmt.Sprintf("%s … [line cut: %d more bytes]", b[:n], more)
}

// cutMessage cuts an error message longer than maxErrorMessage.
func cutMessage(s string) string {
	if len(s) <= maxErrorMessage {
		return s
	}
	return cutText([]byte(s[:maxErrorMessage]), len(s)-maxErrorMessage)
}

// line logs one whole line.
func (w *lineWriter) line(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log(s)
}

// flush logs an unterminated last line.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 || w.dropped > 0 {
		w.emit()
	}
	w.partial = nil
}

// logLine writes a line of the block's logger, in order with what the block prints.
func (it *interpreter) logLine(line string) {
	_, _ = it.lines.Write([]byte(line + "\n"))
}

// close releases the interpreter's pipe and waits for its last log lines.
func (it *interpreter) close() {
	it.pw.Close()
	<-it.done
	it.lines.flush()
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// load compiles and executes the block's source, defining its package.
func (it *interpreter) load(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = it.crash(r)
		}
	}()
	f, err := parser.ParseFile(it.i.FileSet(), it.node.Source.File, it.node.Code, parser.ParseComments)
	if err != nil {
		return it.userError(err)
	}
	hoistIndexStores(f)
	if instrument(f) {
		if err := it.i.Use(interp.Exports{runPkg + "/" + runPkg: {"Pos": reflect.ValueOf(&it.pos)}}); err != nil {
			return err
		}
	}
	prog, err := it.i.CompileAST(f)
	if err != nil {
		return it.userError(err)
	}
	if _, err := it.i.ExecuteWithContext(ctx, prog); err != nil {
		return it.userError(err)
	}
	return nil
}

// crashPos finds the file:line:col yaegi puts in front of a panic while compiling.
var crashPos = regexp.MustCompile(`^(\S+\.go):(\d+):(\d+): (.*)$`)

// crash turns a panic of the interpreter itself (not of user code) into a block error, at the
// position yaegi names when it names one.
func (it *interpreter) crash(r any) error {
	e := &BlockError{Block: it.node.Name(), File: it.node.Source.File, Line: 1, Col: 1}
	msg := fmt.Sprint(r)
	if m := crashPos.FindStringSubmatch(msg); m != nil {
		e.File = m[1]
		e.Line, _ = strconv.Atoi(m[2])
		e.Col, _ = strconv.Atoi(m[3])
		msg = m[4]
	}
	e.Message = fmt.Sprintf("the block interpreter cannot run this (%s); it cannot run Go 1.21+ syntax (range over an int or a function, min/max/clear, generic package-level variables) nor infer the type arguments of a generic call from a slice or map value: write them, as sum[float64](xs)", msg)
	return e
}

// entryType returns the reflect type of the named function of the block's package.
func (it *interpreter) funcType(ctx context.Context, name string) (t reflect.Type, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = it.crash(r)
		}
	}()
	v, err := it.i.EvalWithContext(ctx, it.qualified(name))
	if err != nil {
		return nil, it.userError(err)
	}
	if v.Kind() != reflect.Func {
		return nil, &BlockError{Block: it.node.Name(), File: it.node.Source.File, Message: name + " is not a function"}
	}
	return v.Type(), nil
}

func (it *interpreter) qualified(name string) string {
	if it.node.Source.Package == "main" {
		return name
	}
	return it.node.Source.Package + "." + name
}

// call runs fn(args...) through EvalWithContext so that cancellation and timeouts stop it, and
// returns its value (if any) and error.
func (it *interpreter) call(ctx context.Context, fn string, args []reflect.Value, results int) (out any, err error) {
	exports := map[string]reflect.Value{"Pos": reflect.ValueOf(&it.pos)}
	names := make([]string, len(args))
	for i, a := range args {
		name := "In" + strconv.Itoa(i)
		p := reflect.New(a.Type())
		p.Elem().Set(a)
		exports[name] = p.Elem()
		names[i] = runPkg + "." + name
	}
	it.mu.Lock()
	it.out, it.err, it.returned = nil, nil, false
	it.mu.Unlock()
	exports["Set"] = reflect.ValueOf(func(v any, err error) {
		it.mu.Lock()
		it.out, it.err, it.returned = v, err, true
		it.mu.Unlock()
	})
	exports["SetErr"] = reflect.ValueOf(func(err error) {
		it.mu.Lock()
		it.err, it.returned = err, true
		it.mu.Unlock()
	})
	if err := it.i.Use(interp.Exports{runPkg + "/" + runPkg: exports}); err != nil {
		return nil, err
	}
	setter := "Set"
	if results == 0 {
		setter = "SetErr"
	}
	src := fmt.Sprintf("%s.%s(%s(%s))", runPkg, setter, it.qualified(fn), strings.Join(names, ", "))
	if !it.imported {
		if err := it.eval(ctx, `import "`+runPkg+`"`); err != nil {
			return nil, err
		}
		it.imported = true
	}
	err = it.eval(ctx, src)
	if err != nil {
		return nil, err
	}
	it.mu.Lock()
	defer it.mu.Unlock()
	if !it.returned {
		e := &BlockError{Block: it.node.Name(), File: it.node.Source.File,
			Message: fmt.Sprintf("%s ended without returning (runtime.Goexit?): a block must return its value or an error", fn)}
		if f := it.node.Source.Entry; f != nil && fn == f.Name {
			e.Line, e.Col = f.Pos.Line, f.Pos.Column
		} else if f := it.node.Source.Test; f != nil && fn == f.Name {
			e.Line, e.Col = f.Pos.Line, f.Pos.Column
		}
		return nil, retry.Permanent(e)
	}
	if it.err != nil {
		return it.out, &BlockError{Block: it.node.Name(), File: it.node.Source.File, Message: fmt.Sprintf("%s returned an error: %v", fn, it.err), Err: it.err}
	}
	return it.out, nil
}

func (it *interpreter) eval(ctx context.Context, src string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = it.crash(r)
		}
	}()
	_, err = it.i.EvalWithContext(ctx, src)
	if err == nil {
		return nil
	}
	var p interp.Panic
	if errors.As(err, &p) {
		return it.panicError(p)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return it.userError(err)
}

var posRE = regexp.MustCompile(`^(.+?):(\d+):(\d+): (.*)$`)

// userError turns a compile or evaluation error into a BlockError at its position in the block file.
func (it *interpreter) userError(err error) error {
	be := &BlockError{Block: it.node.Name(), File: it.node.Source.File, Message: err.Error(), Err: err}
	first := strings.SplitN(err.Error(), "\n", 2)[0]
	if m := posRE.FindStringSubmatch(first); m != nil {
		be.File = m[1]
		be.Line, _ = strconv.Atoi(m[2])
		be.Col, _ = strconv.Atoi(m[3])
		be.Message = m[4]
	}
	return be
}

// panicError locates a panic of user code: yaegi prints the interpreted call chain to stderr.
func (it *interpreter) panicError(p interp.Panic) error {
	be := &BlockError{Block: it.node.Name(), File: it.node.Source.File, Message: "panic: " + fmt.Sprint(p.Value)}
	if e, ok := p.Value.(error); ok {
		be.Err = e
	}
	var trace []string
	for _, line := range strings.Split(it.stderr.String(), "\n") {
		m := posRE.FindStringSubmatch(line)
		if m == nil || !strings.HasPrefix(m[4], "panic") {
			continue
		}
		if !strings.HasSuffix(m[1], ".go") {
			continue
		}
		trace = append(trace, line)
		if be.Line == 0 || m[1] == it.node.Source.File && be.File != m[1] {
			be.File = m[1]
			be.Line, _ = strconv.Atoi(m[2])
			be.Col, _ = strconv.Atoi(m[3])
		}
	}
	// Prefer the innermost frame in the block's own file.
	for _, line := range trace {
		m := posRE.FindStringSubmatch(line)
		if m[1] == it.node.Source.File {
			be.File = m[1]
			be.Line, _ = strconv.Atoi(m[2])
			be.Col, _ = strconv.Atoi(m[3])
			break
		}
	}
	be.Stack = strings.Join(trace, "\n")
	// yaegi's trace points at the first statement of the panicking function; the instrumented
	// code knows the statement that was running.
	if it.pos > 0 {
		if p := it.i.FileSet().Position(token.Pos(it.pos)); p.Filename == it.node.Source.File {
			be.File, be.Line, be.Col = p.Filename, p.Line, p.Column
		}
	}
	return be
}

// convert turns an upstream value into the parameter type t: directly when assignable, through
// JSON otherwise (values stored as JSON, or maps and structs built by another interpreter).
func convert(v any, t reflect.Type) (reflect.Value, error) {
	if v == nil {
		return reflect.Zero(t), nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		p := reflect.New(t)
		if err := jsonvalue.Unmarshal(raw, p.Interface()); err != nil {
			return reflect.Value{}, fmt.Errorf("decode stored output as %s: %w", t, err)
		}
		return p.Elem(), nil
	}
	rv := reflect.ValueOf(v)
	if rv.Type().AssignableTo(t) {
		return rv, nil
	}
	b, err := jsonvalue.Marshal(v)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("cannot pass %T as %s: %w", v, t, err)
	}
	p := reflect.New(t)
	if err := jsonvalue.Unmarshal(b, p.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("cannot pass %T as %s: %w", v, t, err)
	}
	return p.Elem(), nil
}
