package runtime

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLineWriter_CutsLongLines(t *testing.T) {
	const max = 8
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"short lines", []string{"ab\ncd\n"}, []string{"ab", "cd"}},
		{"exactly max", []string{"12345678\n"}, []string{"12345678"}},
		{"cut with the count", []string{"1234567890ab\nnext\n"}, []string{"12345678 … [line cut: 4 more bytes]", "next"}},
		{"cut across writes", []string{"12345", "67890", "abc\n", "next\n"}, []string{"12345678 … [line cut: 5 more bytes]", "next"}},
		{"cut inside a rune", []string{"1234567é89\n"}, []string{"1234567 … [line cut: 4 more bytes]"}},
		{"unterminated last line cut on flush", []string{"1234567890"}, []string{"12345678 … [line cut: 2 more bytes]"}},
		{"carriage return dropped", []string{"a\r\n"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			w := &lineWriter{log: func(s string) { got = append(got, s) }, max: max}
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("write %q: %d, %v", s, n, err)
				}
			}
			w.flush()
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines %q, want %q", got, tt.want)
			}
			for _, l := range got {
				if !utf8.ValidString(l) {
					t.Errorf("invalid UTF-8: %q", l)
				}
			}
		})
	}
}

// A line over 1 MiB, printed with fmt or written to os.Stdout, is cut with a marker and the block's
// later lines still arrive; a 10 MB panic message is cut too.
func TestRunner_LongLogLinesAndPanicsAreCut(t *testing.T) {
	dir := project(t, `
  - {name: loud, kind: data_loader, file: data_loaders/loud.go, upstream: []}
  - {name: boom, kind: data_loader, file: data_loaders/boom.go, upstream: []}
`, map[string]string{"data_loaders/loud.go": `package loud

import (
	"fmt"
	"os"
	"strings"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	long := strings.Repeat("x", 3<<20)
	fmt.Println(long)
	fmt.Println("after println")
	os.Stdout.Write([]byte(long + "\n"))
	os.Stdout.Write([]byte("after write\n"))
	ctx.Logf("%s", long)
	ctx.Logf("after logf")
	return 0, nil
}
`, "data_loaders/boom.go": `package boom

import (
	"strings"

	"github.com/golemlabs/golem/blocks"
)

func Load(ctx *blocks.Context) (int, error) {
	panic(strings.Repeat("y", 10<<20))
}
`})
	r := mustRun(t, dir, Options{}, RunnerOptions{})
	b := wantStatus(t, r, "loud", StatusSucceeded)
	cut := 0
	for _, l := range b.Logs {
		if len(l) > maxLogLine+100 {
			t.Errorf("a log line of %d bytes", len(l))
		}
		if strings.HasPrefix(l, "xxx") {
			cut++
			if !strings.HasSuffix(l, fmt.Sprintf(" … [line cut: %d more bytes]", 3<<20-maxLogLine)) {
				t.Errorf("cut line ends %q", l[len(l)-60:])
			}
		}
	}
	for _, want := range []string{"after println", "after write", "after logf"} {
		if !slices.Contains(b.Logs, want) {
			t.Errorf("%q is missing from the logs", want)
		}
	}
	if cut != 3 {
		t.Errorf("%d cut lines, want 3", cut)
	}
	boom := wantStatus(t, r, "boom", StatusFailed)
	if boom.Err == nil {
		t.Fatal("boom: no error")
	}
	if msg := boom.Err.Message; len(msg) > maxErrorMessage+100 || !strings.HasPrefix(msg, "panic: yyy") || !strings.Contains(msg, "more bytes]") {
		t.Errorf("panic message of %d bytes: %.40q … %q", len(msg), msg, msg[max(0, len(msg)-40):])
	}
	if len(boom.Err.Stack) > maxErrorMessage+100 {
		t.Errorf("a stack of %d bytes", len(boom.Err.Stack))
	}
	if boom.Err.Line == 0 {
		t.Errorf("the cut panic lost its position: %v", boom.Err)
	}
}
