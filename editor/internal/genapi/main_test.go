package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

// generateIn writes files (name → source) as module example.com/api in a temporary folder
// and generates the API of its root package.
func generateIn(t *testing.T, files map[string]string) (ts, md string, err error) {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/api\n\ngo 1.24\n"
	filetest.WriteAll(t, dir, files)
	a, err := load(dir, ".", "./kinds")
	if err != nil {
		return "", "", err
	}
	tsb, mdb, err := a.generate()
	return string(tsb), string(mdb), err
}

const kindsSrc = `package kinds

// Kind is a kind of thing.
type Kind string

// The kinds, in this order.
const (
	Small Kind = "small"
	Large Kind = "large"
)

// Unused is not reached from the API.
type Unused struct {
	X int ` + "`json:\"x\"`" + `
}
`

const apiSrc = `package api

import (
	"encoding/json"
	"time"

	"example.com/api/kinds"
)

// Thing is what GET /thing answers.
type Thing struct {
	Name string ` + "`json:\"name\"`" + `
	// Size is in bytes.
	Size  int64        ` + "`json:\"size,omitempty\"`" + `
	Kind  kinds.Kind   ` + "`json:\"kind\"`" + `
	Next  *Thing       ` + "`json:\"next\"`" + `
	Tags  map[string]string ` + "`json:\"tags\"`" + `
	When  time.Time    ` + "`json:\"when\"`" + `
	Value json.RawMessage ` + "`json:\"value\"`" + `
	Tab   string       ` + "`json:\"tab\" tstype:\"'a' | 'b'\"`" + `
	Skip  string       ` + "`json:\"-\"`" + `
	hidden string
	base
}

type base struct {
	ID string ` + "`json:\"id\"`" + `
}

// Handler is not a body: no json tag.
type Handler struct{ N int }
`

func TestGenerate_TypeScriptFollowsEncodingJSON(t *testing.T) {
	ts, md, err := generateIn(t, map[string]string{"api.go": apiSrc, "kinds/kinds.go": kindsSrc})
	if err != nil {
		t.Fatal(err)
	}
	want := header + `/** Kind is a kind of thing. */
export type Kind = 'small' | 'large'
export const KindValues: Kind[] = ['small', 'large']

/** Thing is what GET /thing answers. */
export interface Thing {
  name: string
  /** Size is in bytes. */
  size?: number
  kind: Kind
  next: Thing | null
  tags: Record<string, string>
  when: string
  value: unknown
  tab: 'a' | 'b'
  id: string
}
`
	if ts != want {
		t.Errorf("TypeScript:\n%s\nwant:\n%s", ts, want)
	}
	for _, s := range []string{"#### Thing", "| `size` (optional) | `number` | Size is in bytes. |", "| `tab` | `'a' \\| 'b'` |", "One of `small`, `large`."} {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
}

// A changed struct changes the output: what make check-generated compares with the committed files.
func TestGenerate_ChangedStructChangesOutput(t *testing.T) {
	before, _, err := generateIn(t, map[string]string{"api.go": apiSrc, "kinds/kinds.go": kindsSrc})
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(apiSrc, "`json:\"name\"`", "`json:\"title,omitempty\"`", 1)
	after, _, err := generateIn(t, map[string]string{"api.go": changed, "kinds/kinds.go": kindsSrc})
	if err != nil {
		t.Fatal(err)
	}
	if before == after {
		t.Fatal("renaming a json field did not change the TypeScript")
	}
	if !strings.Contains(after, "  title?: string\n") || strings.Contains(after, "  name: string\n") {
		t.Errorf("after the rename:\n%s", after)
	}
	moreKinds := strings.Replace(kindsSrc, `Large Kind = "large"`, `Large Kind = "large"
	Huge  Kind = "huge"`, 1)
	after, _, err = generateIn(t, map[string]string{"api.go": apiSrc, "kinds/kinds.go": moreKinds})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "export type Kind = 'small' | 'large' | 'huge'\n") {
		t.Errorf("a new constant is not in the union:\n%s", after)
	}
}

func TestGenerate_RefusesToGuess(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"MarshalJSON without a mark", map[string]string{"api.go": `package api

type Reply struct {
	V Custom ` + "`json:\"v\"`" + `
}

type Custom struct{ a int }

func (Custom) MarshalJSON() ([]byte, error) { return []byte("1"), nil }
`}, "api.Custom has a MarshalJSON method"},
		{"two types, one name", map[string]string{"api.go": `package api

import "example.com/api/kinds"

type Reply struct {
	A Entry       ` + "`json:\"a\"`" + `
	B kinds.Entry ` + "`json:\"b\"`" + `
}

type Entry struct{ X int ` + "`json:\"x\"`" + ` }
`, "kinds/kinds.go": "package kinds\n\ntype Entry struct{ Y int `json:\"y\"` }\n"}, "are both Entry in TypeScript"},
		{"a package not listed", map[string]string{"api.go": `package api

import "example.com/api/other"

type Reply struct {
	O other.Thing ` + "`json:\"o\"`" + `
}
`, "other/other.go": "package other\n\ntype Thing struct{ Y int `json:\"y\"` }\n", "kinds/kinds.go": "package kinds\n"}, "add package example.com/api/other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.files["kinds/kinds.go"]; !ok {
				tt.files["kinds/kinds.go"] = "package kinds\n"
			}
			_, _, err := generateIn(t, tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// The committed TypeScript and docs tables are what the editor's Go types generate now.
func TestGenerate_CommittedFilesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the editor")
	}
	editor := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(editor, "routes.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^//go:generate go run ./internal/genapi -ts \S+ -md \S+ (.+)$`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no go:generate line for genapi in editor/routes.go")
	}
	a, err := load(editor, strings.Fields(string(m[1]))...)
	if err != nil {
		t.Fatal(err)
	}
	ts, md, err := a.generate()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(editor, "..", "frontend", "src", "lib", "api.gen.ts"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ts, committed) {
		t.Error("frontend/src/lib/api.gen.ts is stale: run make generate")
	}
	doc, err := os.ReadFile(filepath.Join(editor, "..", "docs", "EDITOR_API.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want, err := replaceTables(doc, md); err != nil || !bytes.Equal(want, doc) {
		t.Errorf("docs/EDITOR_API.md's tables are stale: run make generate (%v)", err)
	}
}
