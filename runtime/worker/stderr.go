package worker

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

const (
	keepLines   = 40       // lines of the worker's stderr kept with a run
	maxLineLen  = 4 << 10  // longer lines are cut (a 10 MB panic message is not stored whole)
	maxPartLine = 64 << 10 // an unterminated line is cut once this long
)

// stderrTail keeps what a worker writes to stderr that a crash report needs: the last lines, and
// the first lines of a Go crash (its message and the start of the trace), which a long trace would
// otherwise push out of the tail.
type stderrTail struct {
	mu      sync.Mutex
	partial []byte
	tail    []string
	crash   []string // from the first crash marker on, up to keepLines
}

// crashMarkers start the report of a Go runtime crash.
var crashMarkers = []string{"panic: ", "fatal error: ", "runtime: ", "fatal: "}

func (t *stderrTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.partial = append(t.partial, p[:min(len(p), maxPartLine-len(t.partial))]...)
			if len(t.partial) >= maxPartLine {
				t.add(string(t.partial))
				t.partial = t.partial[:0]
			}
			break
		}
		if len(t.partial) > 0 {
			t.add(string(append(t.partial, p[:i]...)))
			t.partial = t.partial[:0]
		} else {
			t.add(string(p[:i]))
		}
		p = p[i+1:]
	}
	return n, nil
}

func (t *stderrTail) add(line string) {
	if len(line) > maxLineLen {
		line = line[:maxLineLen] + fmt.Sprintf(" … (%d bytes cut)", len(line)-maxLineLen)
	}
	if t.crash == nil {
		for _, m := range crashMarkers {
			if strings.HasPrefix(line, m) {
				t.crash = []string{}
				break
			}
		}
	}
	if t.crash != nil && len(t.crash) < keepLines {
		t.crash = append(t.crash, line)
	}
	t.tail = append(t.tail, line)
	if len(t.tail) > keepLines {
		t.tail = t.tail[len(t.tail)-keepLines:]
	}
}

// lines returns the crash report when there is one, else the last lines.
func (t *stderrTail) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.partial) > 0 {
		t.add(string(t.partial))
		t.partial = nil
	}
	if len(t.crash) > 0 {
		return append([]string(nil), t.crash...)
	}
	return append([]string(nil), t.tail...)
}

// crashCause reads the cause of a Go crash from the first lines of its report: "panic: x",
// "fatal error: concurrent map writes", "stack overflow" — "" when lines hold no crash.
func crashCause(lines []string) string {
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "panic: "):
			msg := l
			if i := strings.Index(msg, " [recovered"); i > 0 && strings.HasSuffix(msg, "]") {
				msg = msg[:i] // yaegi recovers and re-panics: the note says nothing to the user
			}
			// A multi-line panic value continues until the blank line before the trace.
			for _, more := range lines[i+1:] {
				if more == "" || strings.HasPrefix(more, "goroutine ") || strings.HasPrefix(more, "[signal ") {
					break
				}
				msg += "\n" + more
			}
			return msg
		case strings.HasPrefix(l, "fatal error: stack overflow"), strings.Contains(l, "goroutine stack exceeds"):
			return "stack overflow (unbounded recursion?)"
		case strings.HasPrefix(l, "fatal error: "):
			return l
		}
	}
	return ""
}

// tracePosition finds the first frame of a Go trace in the block's file ("\t/dir/file.go:12 +0x1d")
// and returns its line; 0 when the trace holds none (interpreted frames show as the interpreter's).
func tracePosition(lines []string, file string) int {
	if file == "" {
		return 0
	}
	re := regexp.MustCompile(`^\s+\S*` + regexp.QuoteMeta(file) + `:(\d+)`)
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return 0
}

// traceExcerpt is the message part of a crash report for a block error's stack, without the Go
// trace: its frames are the interpreter's, never the block's lines. The run keeps the trace.
func traceExcerpt(lines []string) string {
	var out []string
	for i, l := range lines {
		if l == "" || strings.HasPrefix(l, "goroutine ") {
			out = append(out, fmt.Sprintf("(the Go trace, %d more lines, is with the run: golem logs, or the run's page)", len(lines)-i))
			break
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
