package blocks

import (
	"errors"
	"strings"
	"testing"
)

const hdr = "package b\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\n" // entry on line 8

func TestParseSource_EntryShapes(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		src  string
		want []string // error parts; empty = valid
	}{
		{"loader", DataLoader, hdr + "func Load(ctx *blocks.Context) (*frame.Frame, error) { return nil, nil }\n", nil},
		{"loader any value", DataLoader, hdr + "func Load(ctx *blocks.Context) (map[string]any, error) { return nil, nil }\nvar _ *frame.Frame\n", nil},
		{"loader without ctx", DataLoader, hdr + "func Load() (*frame.Frame, error) { return nil, nil }\n", []string{"b.go:8:6", "*blocks.Context as its first parameter"}},
		{"loader with input", DataLoader, hdr + "func Load(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) { return in, nil }\n", []string{"b.go:8:6", "takes no inputs"}},
		{"loader only error", DataLoader, hdr + "func Load(ctx *blocks.Context) error { return nil }\nvar _ *frame.Frame\n", []string{"b.go:8:6", "must return a value and an error"}},
		{"loader no error", DataLoader, hdr + "func Load(ctx *blocks.Context) *frame.Frame { return nil }\n", []string{"b.go:8:6", "must return error as its last result"}},
		{"loader missing", DataLoader, hdr + "func load(ctx *blocks.Context) (*frame.Frame, error) { return nil, nil }\n", []string{"b.go:1:9", "missing entry function", "Load(ctx *blocks.Context) (T, error)"}},
		{"loader generic", DataLoader, hdr + "func Load[T any](ctx *blocks.Context) (*frame.Frame, error) { return nil, nil }\n", []string{"b.go:8:6", "cannot be generic"}},
		{"transformer two inputs", Transformer, hdr + "func Transform(ctx *blocks.Context, a, b *frame.Frame) (*frame.Frame, error) { return a, nil }\n", nil},
		{"transformer variadic", Transformer, hdr + "func Transform(ctx *blocks.Context, in ...*frame.Frame) (*frame.Frame, error) { return nil, nil }\n", []string{"b.go:8:40", "cannot be variadic"}},
		{"transformer two values", Transformer, hdr + "func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, int, error) { return in, 0, nil }\n", []string{"b.go:8:6", "must return a value and an error"}},
		{"exporter error only", DataExporter, hdr + "func Export(ctx *blocks.Context, in *frame.Frame) error { return nil }\n", nil},
		{"exporter value", DataExporter, hdr + "func Export(ctx *blocks.Context, in *frame.Frame) (string, error) { return \"\", nil }\n", nil},
		{"exporter two values", DataExporter, hdr + "func Export(ctx *blocks.Context, in *frame.Frame) (string, int, error) { return \"\", 0, nil }\n", []string{"b.go:8:6", "Export must return error or (T, error)"}},
		{"custom", Custom, hdr + "func Run(ctx *blocks.Context) (int, error) { return 0, nil }\nvar _ *frame.Frame\n", nil},
		{"custom wrong name", Custom, hdr + "func Transform(ctx *blocks.Context) (int, error) { return 0, nil }\nvar _ *frame.Frame\n", []string{"missing entry function", "Run("}},
		{"sensor", Sensor, hdr + "func Sense(ctx *blocks.Context) (bool, error) { return true, nil }\nvar _ *frame.Frame\n", nil},
		{"sensor not bool", Sensor, hdr + "func Sense(ctx *blocks.Context) (int, error) { return 0, nil }\nvar _ *frame.Frame\n", []string{"b.go:8:6", "Sense must return (bool, error)"}},
		{"test with ctx", Transformer, hdr + "func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) { return in, nil }\nfunc Test(ctx *blocks.Context, out *frame.Frame) error { return nil }\n", []string{"b.go:9:6", "Test takes only the block's output"}},
		{"test without error", Transformer, hdr + "func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) { return in, nil }\nfunc Test(out *frame.Frame) bool { return true }\n", []string{"b.go:9:6", "Test must return error"}},
		{"syntax error", DataLoader, "package b\n\nfunc Load( {\n", []string{"b.go:3:"}},
		{"several problems at once", DataLoader, "package b\n\nimport \"os/exec\"\n\nfunc Load() int { for i := range 3 { _ = i }; return 0 }\nvar _ = exec.Command\n", []string{"b.go:3:8", "os/exec", "b.go:5:19", "range over an integer", "b.go:5:6", "must return error"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSource("data/b.go", []byte(tc.src), tc.kind)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if s.Entry == nil || s.Entry.Name != tc.kind.Entry() || !s.Entry.HasCtx {
					t.Errorf("entry %+v", s.Entry)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestParseSource_NoEntryIsErrNoEntry(t *testing.T) {
	_, err := ParseSource("b.go", []byte("package b\n"), DataLoader)
	if !errors.Is(err, ErrNoEntry) {
		t.Errorf("err = %v, want ErrNoEntry", err)
	}
	var pe *PosError
	if !errors.As(err, &pe) || pe.Pos.Line != 1 || pe.Pos.Column != 9 {
		t.Errorf("position %+v", pe)
	}
}

func TestParseSource_Markdown(t *testing.T) {
	s, err := ParseSource("notes.go", []byte("package notes\n"), Markdown)
	if err != nil || s.Entry != nil {
		t.Errorf("markdown: %v %+v", err, s)
	}
}

func TestParseSource_TypeKeys(t *testing.T) {
	cases := []struct {
		name, imports, param, display, key string
	}{
		{"frame", `"github.com/golemlabs/golem/blocks/frame"`, "*frame.Frame", "*frame.Frame", "*github.com/golemlabs/golem/blocks/frame.Frame"},
		{"aliased frame", `fr "github.com/golemlabs/golem/blocks/frame"`, "*fr.Frame", "*fr.Frame", "*github.com/golemlabs/golem/blocks/frame.Frame"},
		{"aliased ml in slice", `m "github.com/golemlabs/golem/blocks/ml"`, "[]*m.Model", "[]*m.Model", "[]*github.com/golemlabs/golem/blocks/ml.Model"},
		{"map of time", `"time"`, "map[string]time.Duration", "map[string]time.Duration", "map[string]time.Duration"},
		{"aliased time", `tt "time"`, "tt.Time", "tt.Time", "time.Time"},
		{"array", `"time"`, "[3]time.Time", "[3]time.Time", "[3]time.Time"},
		{"any", `"time"`, "any", "any", "any"},
		{"empty interface", `"time"`, "interface{}", "interface{}", "any"},
		{"utils", `"utils/cleaning"`, "cleaning.Stats", "cleaning.Stats", "utils/cleaning.Stats"},
		{"local type", `"time"`, "Model", "Model", "Model"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "package b\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t" + tc.imports + "\n)\n\ntype Model struct{}\n\nfunc Transform(ctx *blocks.Context, in " + tc.param + ") (int, error) { return 0, nil }\n"
			if !strings.Contains(tc.param, "time") && strings.Contains(tc.imports, "time") {
				src += "var _ time.Time\n"
				if strings.HasPrefix(tc.imports, "tt") {
					src = strings.Replace(src, "var _ time.Time", "var _ tt.Time", 1)
				}
			}
			s, err := ParseSource("b.go", []byte(src), Transformer)
			if err != nil {
				t.Fatal(err)
			}
			p := s.Entry.Params[0]
			if p.Display != tc.display || p.Key != tc.key {
				t.Errorf("type %q / %q, want %q / %q", p.Display, p.Key, tc.display, tc.key)
			}
			if p.Pos.Line != 10 || p.Pos.Column != 40 {
				t.Errorf("position %d:%d, want 10:40", p.Pos.Line, p.Pos.Column)
			}
		})
	}
}

func TestParseSource_Imports(t *testing.T) {
	cases := []struct {
		path    string
		allowed bool
	}{
		{"fmt", true}, {"math/rand", true}, {"encoding/json", true}, {"net/http", true},
		{"github.com/golemlabs/golem/blocks/frame", true}, {"github.com/golemlabs/golem/blocks/ml", true},
		{"utils/cleaning", true},
		{"os/exec", false}, {"unsafe", false}, {"syscall", false}, {"plugin", false}, {"runtime/debug", false},
		{"github.com/golemlabs/golem/runtime", false}, {"github.com/other/pkg", false}, {"golang.org/x/sync/errgroup", false},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			src := "package b\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t_ \"" + tc.path + "\"\n)\n\nfunc Load(ctx *blocks.Context) (int, error) { return 0, nil }\n"
			_, err := ParseSource("b.go", []byte(src), DataLoader)
			if tc.allowed && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !tc.allowed {
				if err == nil || !strings.Contains(err.Error(), "b.go:5:2: import \""+tc.path+"\" is not allowed") {
					t.Errorf("err = %v, want b.go:5:2: import %q is not allowed", err, tc.path)
				}
			}
		})
	}
}

// A malformed entry function is reported once, not also as missing.
func TestParseSource_BadEntryNotAlsoMissing(t *testing.T) {
	_, err := ParseSource("b.go", []byte(hdr+"func Transform(ctx *blocks.Context, in ...*frame.Frame) (*frame.Frame, error) { return nil, nil }\n"), Transformer)
	if err == nil || errors.Is(err, ErrNoEntry) {
		t.Errorf("err = %v, want only the variadic error", err)
	}
}

func TestParseSource_TestShapes(t *testing.T) {
	entry := "func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) { return in, nil }\n"
	cases := []struct{ name, test, want string }{
		{"ok", "func Test(out *frame.Frame) error { return nil }\n", ""},
		{"no params", "func Test() error { return nil }\n", ""},
		{"with ctx", "func Test(ctx *blocks.Context, out *frame.Frame) error { return nil }\n", "b.go:9:6: Test takes only the block's output"},
		{"two params", "func Test(a, b *frame.Frame) error { return nil }\n", "b.go:9:6: Test takes only the block's output"},
		{"returns value", "func Test(a *frame.Frame) (int, error) { return 0, nil }\n", "b.go:9:6: Test takes only the block's output"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSource("b.go", []byte(hdr+entry+tc.test), Transformer)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
