package main

import (
	"bytes"
	"strings"
	"testing"
)

// A go test -json stream: a package with a pass, a real-data skip and another skip, and a
// package with a failing test.
const stream = `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestOK"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"a","Test":"TestOK","Output":"--- PASS: TestOK (0.00s)\n"}
{"Action":"pass","Package":"a","Test":"TestOK"}
{"Action":"run","Package":"a","Test":"TestTaxi"}
{"Action":"output","Package":"a","Test":"TestTaxi","Output":"=== RUN   TestTaxi\n"}
{"Action":"output","Package":"a","Test":"TestTaxi","Output":"    taxi_test.go:16: taxi data not available: stat ../../../shared/data/taxi/green/2023/01.parquet: no such file or directory\n"}
{"Action":"output","Package":"a","Test":"TestTaxi","Output":"--- SKIP: TestTaxi (0.00s)\n"}
{"Action":"skip","Package":"a","Test":"TestTaxi"}
{"Action":"run","Package":"a","Test":"TestRun"}
{"Action":"output","Package":"a","Test":"TestRun","Output":"    run_test.go:102: real data not found at /x/shared/data/taxi/green\n"}
{"Action":"skip","Package":"a","Test":"TestRun"}
{"Action":"run","Package":"a","Test":"TestLink"}
{"Action":"output","Package":"a","Test":"TestLink","Output":"    symlink_test.go:25: symlinks unavailable: operation not permitted\n"}
{"Action":"skip","Package":"a","Test":"TestLink"}
{"Action":"output","Package":"a","Output":"PASS\n"}
{"Action":"output","Package":"a","Output":"ok  \ta\t0.01s\n"}
{"Action":"pass","Package":"a"}
{"Action":"output","Package":"c","Output":"?   \tc\t[no test files]\n"}
{"Action":"skip","Package":"c"}
{"Action":"run","Package":"b","Test":"TestBad"}
{"Action":"output","Package":"b","Test":"TestBad","Output":"=== RUN   TestBad\n"}
{"Action":"output","Package":"b","Test":"TestBad","Output":"    b_test.go:9: got 1, want 2\n"}
{"Action":"output","Package":"b","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}
{"Action":"fail","Package":"b","Test":"TestBad"}
{"Action":"output","Package":"b","Output":"FAIL\n"}
{"Action":"output","Package":"b","Output":"FAIL\tb\t0.01s\n"}
{"Action":"fail","Package":"b"}
`

func TestReport_PrintsAsGoTestAndSaysWhatSkipped(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out)
	r.read(strings.NewReader(stream))
	want := "ok  \ta\t0.01s\n?   \tc\t[no test files]\n" +
		"    b_test.go:9: got 1, want 2\n--- FAIL: TestBad (0.00s)\nFAIL\nFAIL\tb\t0.01s\n"
	if out.String() != want {
		t.Fatalf("output:\n%q\nwant:\n%q", out.String(), want)
	}
	got := r.summary()
	for _, part := range []string{"skipped: 3 tests", "2 need the real taxi data", "1 symlinks unavailable"} {
		if !strings.Contains(got, part) {
			t.Errorf("summary %q lacks %q", got, part)
		}
	}
	if strings.Contains(got, "\n") {
		t.Errorf("summary is more than one line: %q", got)
	}
}

func TestReport_NothingSkipped(t *testing.T) {
	r := newReport(&bytes.Buffer{})
	r.read(strings.NewReader(`{"Action":"pass","Package":"a","Test":"TestOK"}` + "\n"))
	if got := r.summary(); got != "skipped: no test (the real-data tests ran on ../shared/data)" {
		t.Fatalf("summary %q", got)
	}
}
