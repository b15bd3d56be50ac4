package editor

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// raw sends body as is (no JSON encoding) and returns the status and response.
func (ts *testServer) raw(method, path, body string) (int, string) {
	ts.t.Helper()
	req, err := http.NewRequest(method, ts.ts.URL+path, strings.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	req.Header.Set("Origin", ts.ts.URL)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func TestAPI_Limits(t *testing.T) {
	ts := newTestServer(t, Options{})
	tests := []struct {
		name         string
		method, path string
		body         string
		want         int
		code         string
	}{
		{"a file over the editable size is refused, not written unreadable", "PUT", "/api/files/utils/big.txt",
			`{"content":"` + strings.Repeat("x", 5<<20) + `","version":""}`, 413, codeTooLarge},
		{"a file under it is written", "PUT", "/api/files/utils/small.txt",
			`{"content":"` + strings.Repeat("x", 3<<20) + `","version":""}`, 200, ""},
		{"a body over the limit is 413", "POST", "/api/pipelines", `{"name":"x","description":"` + strings.Repeat("x", maxBody) + `"}`, 413, codeTooLarge},
		{"trailing garbage after the JSON value", "POST", "/api/pipelines", `{"name":"trailing"} garbage`, 400, codeBadRequest},
		{"a second JSON value", "POST", "/api/pipelines", `{"name":"trailing"}{"name":"other"}`, 400, codeBadRequest},
		{"trailing white space is fine", "POST", "/api/pipelines", "{\"name\":\"spaced\"}\n  \n", 200, ""},
		{"limit=-1", "GET", "/api/runs?limit=-1", "", 400, codeBadRequest},
		{"limit=0", "GET", "/api/runs?limit=0", "", 400, codeBadRequest},
		{"limit over the maximum", "GET", "/api/runs?limit=100000", "", 400, codeBadRequest},
		{"limit not a number", "GET", "/api/runs?limit=ten", "", 400, codeBadRequest},
		{"a good limit", "GET", "/api/runs?limit=5", "", 200, ""},
		{"offset=-1 of an output", "GET", "/api/pipelines/data_preparation/blocks/ingest/output?offset=-1", "", 400, codeBadRequest},
		{"limit=-1 of an output", "GET", "/api/pipelines/data_preparation/blocks/ingest/output?limit=-1", "", 400, codeBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, body := ts.raw(tc.method, tc.path, tc.body)
			if got != tc.want && !(tc.want == 200 && got == 201) {
				t.Fatalf("status %d, want %d: %.300s", got, tc.want, body)
			}
			if tc.code != "" && !strings.Contains(body, `"code":"`+tc.code+`"`) {
				t.Fatalf("body %.300s, want code %s", body, tc.code)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "utils/big.txt")); !os.IsNotExist(err) {
		t.Fatalf("refused file was written: %v", err)
	}
	// what was written reads back
	if got, body := ts.raw("GET", "/api/files/utils/small.txt", ""); got != 200 {
		t.Fatalf("read back a written 3 MiB file: %d %.200s", got, body)
	}
}
