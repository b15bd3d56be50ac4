package blocks

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestContext_Variables(t *testing.T) {
	c := NewContext(ContextOptions{Vars: map[string]string{"s": "x", "n": " 42 ", "f": "2.5", "b": "true", "bad": "nope"}})
	if got := c.String("s", "d"); got != "x" {
		t.Errorf("String = %q", got)
	}
	if got := c.String("missing", "d"); got != "d" {
		t.Errorf("String default = %q", got)
	}
	if got := c.Int("n", 0); got != 42 {
		t.Errorf("Int = %d", got)
	}
	if got := c.Int("missing", 7); got != 7 {
		t.Errorf("Int default = %d", got)
	}
	if got := c.Float("f", 0); got != 2.5 {
		t.Errorf("Float = %v", got)
	}
	if got := c.Float("n", 0); got != 42 {
		t.Errorf("Float of int = %v", got)
	}
	if got := c.Bool("b", false); !got {
		t.Errorf("Bool = %v", got)
	}
	if got := c.Bool("missing", true); !got {
		t.Errorf("Bool default = %v", got)
	}
	v := c.Vars()
	v["s"] = "changed"
	if c.String("s", "") != "x" {
		t.Error("Vars returned the Context's own map")
	}
}

func TestContext_BadVariablePanics(t *testing.T) {
	c := NewContext(ContextOptions{Vars: map[string]string{"bad": "nope"}})
	cases := []struct {
		name string
		get  func()
		typ  string
	}{
		{"int", func() { c.Int("bad", 0) }, "an int"},
		{"float", func() { c.Float("bad", 0) }, "a float"},
		{"bool", func() { c.Bool("bad", false) }, "a bool"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				err, ok := r.(error)
				if !ok {
					t.Fatalf("recovered %v, want an error", r)
				}
				if !errors.Is(err, ErrBadVariable) || !strings.Contains(err.Error(), `variable "bad"`) || !strings.Contains(err.Error(), `"nope" is not `+tc.typ) {
					t.Errorf("panic %v", err)
				}
			}()
			tc.get()
		})
	}
}

func TestContext_Log(t *testing.T) {
	var lines []string
	c := NewContext(ContextOptions{Log: func(l string) { lines = append(lines, l) }})
	c.Logf("a %d", 1)
	c.Log("b", 2)
	c.Logf("multi\nline")
	if want := []string{"a 1", "b 2", "multi", "line"}; !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
	NewContext(ContextOptions{}).Logf("no logger: no panic")
}

func TestContext_Accessors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewContext(ContextOptions{Context: ctx, ProjectDir: "/p", ExecutionTime: at, Pipeline: "pl", Block: "bl", RunID: "r1"})
	if c.ProjectDir() != "/p" || c.Pipeline() != "pl" || c.Block() != "bl" || c.RunID() != "r1" || !c.ExecutionTime().Equal(at) {
		t.Errorf("accessors: %q %q %q %q %v", c.ProjectDir(), c.Pipeline(), c.Block(), c.RunID(), c.ExecutionTime())
	}
	for rel, want := range map[string]string{"data/x.parquet": "/p/data/x.parquet", "/abs/x": "/abs/x", "https://h/x": "https://h/x"} {
		if got := c.Path(rel); got != want {
			t.Errorf("Path(%q) = %q, want %q", rel, got, want)
		}
	}
	if c.Err() != nil {
		t.Error("Err before cancel")
	}
	cancel()
	if !errors.Is(c.Err(), context.Canceled) || c.Context() != ctx {
		t.Errorf("Err after cancel = %v", c.Err())
	}
	d := NewContext(ContextOptions{})
	if d.Context() == nil || d.ExecutionTime().IsZero() || d.Vars() == nil {
		t.Error("zero options give nil context, zero time or nil vars")
	}
}
