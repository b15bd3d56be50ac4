// Command testreport runs go test with -json and prints what go test prints without it (a line a
// package, the output of failing tests), then one line saying how many tests skipped and why:
// `make test` ran the real-data tests or skipped them, and says which.
//
//	go run ./internal/testreport [-go go] [go test flags and packages]
//
// It exits with go test's exit code.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
)

func main() {
	goBin, args := "go", os.Args[1:]
	if len(args) >= 2 && args[0] == "-go" {
		goBin, args = args[1], args[2:]
	}
	cmd := exec.Command(goBin, append([]string{"test", "-json"}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	r := newReport(os.Stdout)
	r.read(out)
	err = cmd.Wait()
	fmt.Fprintln(os.Stdout, r.summary())
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
}

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// report renders a go test -json stream as go test prints it and counts the skipped tests.
type report struct {
	w       io.Writer
	pending map[string][]string // output of running tests, by package and test
	skips   map[string]int      // skipped tests by reason
}

func newReport(w io.Writer) *report {
	return &report{w: w, pending: map[string][]string{}, skips: map[string]int{}}
}

func (r *report) read(in io.Reader) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(r.w, sc.Text()) // not an event: pass it on
			continue
		}
		r.add(e)
	}
}

func (r *report) add(e event) {
	key := e.Package + "\x00" + e.Test
	switch {
	case e.Action == "build-output":
		io.WriteString(r.w, e.Output)
	case e.Test == "" && e.Action == "output":
		if e.Output != "PASS\n" && !strings.HasPrefix(e.Output, "=== ") {
			io.WriteString(r.w, e.Output)
		}
	case e.Action == "output":
		if !strings.HasPrefix(e.Output, "=== ") {
			r.pending[key] = append(r.pending[key], e.Output)
		}
	case e.Action == "fail":
		for _, line := range r.pending[key] {
			io.WriteString(r.w, line)
		}
		delete(r.pending, key)
	case e.Action == "skip" && e.Test != "": // a package without tests skips too
		r.skips[skipReason(r.pending[key])]++
		delete(r.pending, key)
	case e.Action == "pass":
		delete(r.pending, key)
	}
}

// logLine is a t.Log/t.Skip line as go test prints it: "    file_test.go:12: message".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// realData recognises the skip messages of tests that need the real taxi files (../shared/data).
var realData = regexp.MustCompile(`(?i)(real|taxi) (taxi )?(data|file)`)

// skipReason is why a test skipped: "real data" for the tests that need ../shared/data, else the
// first words of its skip message.
func skipReason(output []string) string {
	msg := ""
	for _, line := range output {
		if m := logLine.FindStringSubmatch(strings.TrimRight(line, "\n")); m != nil {
			msg = m[1]
			break
		}
	}
	switch {
	case realData.MatchString(msg):
		return realDataReason
	case msg == "":
		return "no message"
	}
	if i := strings.IndexAny(msg, ":("); i > 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

const realDataReason = "real data"

// summary is the closing line: how many tests skipped, how many of them for want of the real
// data, and the other reasons.
func (r *report) summary() string {
	total := 0
	for _, n := range r.skips {
		total += n
	}
	real := r.skips[realDataReason]
	if total == 0 {
		return "skipped: no test (the real-data tests ran on ../shared/data)"
	}
	var parts []string
	if real > 0 {
		parts = append(parts, fmt.Sprintf("%d need the real taxi data (../shared/data/taxi/green beside the checkout, not found here)", real))
	} else {
		parts = append(parts, "the real-data tests ran on ../shared/data")
	}
	var others []string
	for reason := range r.skips {
		if reason != realDataReason {
			others = append(others, reason)
		}
	}
	sort.Strings(others)
	for _, reason := range others {
		parts = append(parts, fmt.Sprintf("%d %s", r.skips[reason], reason))
	}
	return fmt.Sprintf("skipped: %d %s; %s", total, plural(total, "test"), strings.Join(parts, "; "))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
