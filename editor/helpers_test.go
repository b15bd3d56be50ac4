package editor

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/golemlabs/golem/runtime/worker/workertest"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/golemlabs/golem/projects"
)

// testServer is an editor on a fresh copy of the taxi example.
type testServer struct {
	t   testing.TB
	s   *Server
	ts  *httptest.Server
	dir string
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	dir := t.TempDir()
	if err := projects.Init(dir, "taxi"); err != nil {
		t.Fatalf("init taxi: %v", err)
	}
	opts.ProjectDir = dir
	if opts.Frontend == nil {
		opts.Frontend = fstest.MapFS{}
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = -1 // tests that watch start it themselves
	}
	if opts.Worker.Command == nil {
		opts.Worker = workertest.Options()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.Start(ctx)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		cancel()
		s.Close()
		ts.Close()
	})
	return &testServer{t: t, s: s, ts: ts, dir: dir}
}

// do sends a request with a JSON body (nil for none) and decodes a JSON
// response into out (nil to skip); it returns the status.
func (ts *testServer) do(method, path string, body any, out any, headers ...string) int {
	ts.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.ts.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if mutating(method) {
		// like the page's fetch: same-origin; pass "Origin", "" for a
		// client without one (the API trigger)
		req.Header.Set("Origin", ts.ts.URL)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Origin") && headers[i+1] == "" {
			req.Header.Del("Origin")
			continue
		}
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			ts.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

// must is do that fails the test unless the status is want.
func (ts *testServer) must(want int, method, path string, body any, out any, headers ...string) {
	ts.t.Helper()
	var raw json.RawMessage
	if got := ts.do(method, path, body, &raw, headers...); got != want {
		ts.t.Fatalf("%s %s: status %d, want %d: %s", method, path, got, want, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			ts.t.Fatal(err)
		}
	}
}

// errBody is the JSON error body.
type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Col     int    `json:"col"`
	} `json:"error"`
	Conflict map[string]any `json:"conflict"`
}

// dial opens the websocket and reads the hello message.
func (ts *testServer) dial(headers http.Header) *websocket.Conn {
	ts.t.Helper()
	url := "ws" + strings.TrimPrefix(ts.ts.URL, "http") + "/ws"
	conn, resp, err := websocket.DefaultDialer.Dial(url, headers)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		ts.t.Fatalf("dial: %v (status %d)", err, status)
	}
	ts.t.Cleanup(func() { conn.Close() })
	if m := readMsg(ts.t, conn); m.Type != "hello" || m.Project != "taxi" {
		ts.t.Fatalf("first message = %+v, want hello from taxi", m)
	}
	return conn
}

func readMsg(t testing.TB, conn *websocket.Conn) WSMessage {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	var m WSMessage
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("read websocket: %v", err)
	}
	if m.Time == "" {
		t.Fatalf("message without time: %+v", m)
	}
	return m
}

// until reads messages until one satisfies ok, returning all read.
func until(t testing.TB, conn *websocket.Conn, ok func(WSMessage) bool) []WSMessage {
	t.Helper()
	var got []WSMessage
	for {
		m := readMsg(t, conn)
		got = append(got, m)
		if ok(m) {
			return got
		}
	}
}

func TestMain(m *testing.M) { workertest.Main(m) }
