package worker

import (
	"fmt"
	"strings"
	"testing"
)

func TestStderrTail_KeepsTheCrashReportAndCutsLongLines(t *testing.T) {
	var tail stderrTail
	fmt.Fprintln(&tail, "a warning before the crash")
	fmt.Fprintf(&tail, "panic: %s\n\ngoroutine 7 [running]:\n", strings.Repeat("x", 10<<20))
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&tail, "github.com/traefik/yaegi/interp.runCfg(...)\n\t/yaegi/interp/run.go:%d +0x1\n", i)
	}
	lines := tail.lines()
	if len(lines) != keepLines || !strings.HasPrefix(lines[0], "panic: xxx") || !strings.Contains(lines[0], "bytes cut") || len(lines[0]) > maxLineLen+64 {
		t.Fatalf("kept %d lines, first %.100q (%d bytes)", len(lines), lines[0], len(lines[0]))
	}
	if got := crashCause(lines); !strings.HasPrefix(got, "panic: xxx") || len(got) > maxLineLen+64 {
		t.Fatalf("cause %.100q", got)
	}
}

func TestCrashCause(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"goroutine panic", []string{"panic: x [recovered, repanicked]", "", "goroutine 1 [running]:"}, "panic: x"},
		{"multi-line value", []string{"panic: first", "second", "", "goroutine 1 [running]:"}, "panic: first\nsecond"},
		{"map race", []string{"fatal error: concurrent map writes", "", "goroutine 9 [running]:"}, "fatal error: concurrent map writes"},
		{"stack", []string{"runtime: goroutine stack exceeds 268435456-byte limit", "runtime: sp=0x1 stack=[0x2, 0x3]", "fatal error: stack overflow"}, "stack overflow (unbounded recursion?)"},
		{"nothing", []string{"some warning"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := crashCause(tc.lines); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTracePosition(t *testing.T) {
	lines := []string{"panic: x", "", "goroutine 1 [running]:", "main.f()", "\t/tmp/p/transformers/boom.go:12 +0x1d"}
	if got := tracePosition(lines, "transformers/boom.go"); got != 12 {
		t.Fatalf("line %d", got)
	}
	if got := tracePosition(lines, "transformers/other.go"); got != 0 {
		t.Fatalf("line %d", got)
	}
}
