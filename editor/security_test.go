package editor

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gorilla/websocket"
)

func TestSecurity_ForeignHostRefused(t *testing.T) {
	ts := newTestServer(t, Options{})
	var e errBody
	for _, host := range []string{"evil.example.com", "evil.example.com:6789", "127.0.0.1.nip.io"} {
		if got := ts.do("GET", "/api/project", nil, &e, "Host", host); got != 403 || e.Error.Code != "forbidden" {
			t.Fatalf("Host %s: %d %+v", host, got, e)
		}
	}
	for _, host := range []string{"localhost", "127.0.0.1", "[::1]"} {
		if got := ts.do("GET", "/api/project", nil, nil, "Host", host+":1234"); got != 200 {
			t.Fatalf("Host %s: %d", host, got)
		}
	}
}

func TestSecurity_HostMustCarryThePort(t *testing.T) {
	s := &Server{port: 6789, opts: Options{Host: "127.0.0.1"}}
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:6789", true},
		{"localhost:6789", true},
		{"[::1]:6789", true},
		{"127.0.0.1:80", false},
		{"127.0.0.1", false},
		{"attacker.com:6789", false},
	}
	for _, tt := range tests {
		if got := s.allowedHost(tt.host); got != tt.ok {
			t.Errorf("allowedHost(%q) = %v, want %v", tt.host, got, tt.ok)
		}
	}
}

func TestSecurity_ForeignOriginRefusedOnMutationsAndWebsocket(t *testing.T) {
	ts := newTestServer(t, Options{})
	var e errBody
	if got := ts.do("POST", "/api/pipelines", map[string]string{"name": "x"}, &e, "Origin", "http://evil.example.com"); got != 403 {
		t.Fatalf("POST from foreign origin: %d", got)
	}
	if got := ts.do("DELETE", "/api/pipelines/data_preparation", nil, &e, "Origin", "null"); got != 403 {
		t.Fatalf("DELETE from null origin: %d", got)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "pipelines/data_preparation")); err != nil {
		t.Fatal("pipeline deleted despite the refusal")
	}
	// the page's own origin is fine, and reads do not need one
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "x"}, nil, "Origin", ts.ts.URL)
	ts.must(200, "GET", "/api/project", nil, nil, "Origin", "http://evil.example.com")

	url := "ws" + strings.TrimPrefix(ts.ts.URL, "http") + "/ws"
	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example.com"}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("websocket from foreign origin: err %v, resp %v", err, resp)
	}
	ts.dial(http.Header{"Origin": {ts.ts.URL}})
}

func TestSecurity_PathsOutsideProjectRefused(t *testing.T) {
	ts := newTestServer(t, Options{})
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644)
	if err := os.Symlink(outside, filepath.Join(ts.dir, "link")); err != nil {
		t.Skip("symlinks:", err)
	}
	var e errBody
	for _, p := range []string{
		"/api/files/..%2F..%2Fetc%2Fpasswd",
		"/api/files/utils/..%2F..%2Fsecret.txt",
		"/api/files/%2Fetc%2Fpasswd",
		"/api/files/link/secret.txt",
		"/api/files/.golem/history.db",
	} {
		if got := ts.do("GET", p, nil, &e); got != 403 {
			t.Errorf("GET %s: %d %+v", p, got, e)
		}
		if got := ts.do("PUT", p, map[string]string{"content": "x"}, &e); got != 403 {
			t.Errorf("PUT %s: %d %+v", p, got, e)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "secret.txt")); string(data) != "secret" {
		t.Fatal("file outside the project was written")
	}
	if got := ts.do("POST", "/api/pipelines/data_preparation/blocks", map[string]any{"name": "x", "file": "link/secret.txt", "kind": "transformer"}, &e); got != 403 {
		t.Fatalf("block file through symlink: %d", got)
	}
}

func TestSecurity_NonLoopbackRequiresToken(t *testing.T) {
	ts := newTestServer(t, Options{Host: "192.0.2.10"})
	token := ts.s.Token()
	if len(token) < 32 {
		t.Fatalf("generated token %q", token)
	}
	if !strings.Contains(ts.s.URL(), "?token="+token) {
		t.Fatalf("URL %s lacks the token", ts.s.URL())
	}
	var e errBody
	if got := ts.do("GET", "/api/project", nil, &e); got != 401 || e.Error.Code != "unauthorized" {
		t.Fatalf("no token: %d %+v", got, e)
	}
	if got := ts.do("GET", "/api/project", nil, &e, "Authorization", "Bearer wrong"); got != 401 {
		t.Fatalf("wrong token: %d", got)
	}
	ts.must(200, "GET", "/api/project", nil, nil, "Authorization", "Bearer "+token)
	ts.must(200, "GET", "/api/health", nil, nil)

	// ?token= sets the cookie, which then suffices (the page and its websocket)
	resp, err := http.Get(ts.ts.URL + "/?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == tokenCookie {
			cookie = c
		}
	}
	if resp.StatusCode != 200 || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("token URL: %d cookie %+v", resp.StatusCode, cookie)
	}
	ts.must(200, "GET", "/api/project", nil, nil, "Cookie", tokenCookie+"="+token)

	url := "ws" + strings.TrimPrefix(ts.ts.URL, "http") + "/ws"
	if _, resp, err := websocket.DefaultDialer.Dial(url, nil); err == nil || resp.StatusCode != 401 {
		t.Fatalf("websocket without token: %v", err)
	}
	ts.dial(http.Header{"Cookie": {tokenCookie + "=" + token}})
}

func TestSecurity_ExplicitTokenOnLoopback(t *testing.T) {
	ts := newTestServer(t, Options{Token: "s3cret-s3cret-s3cret"})
	if got := ts.do("GET", "/api/project", nil, nil); got != 401 {
		t.Fatalf("no token: %d", got)
	}
	ts.must(200, "GET", "/api/project?token=s3cret-s3cret-s3cret", nil, nil)
}

func TestSecurity_EveryResponseCarriesTheCSP(t *testing.T) {
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><div id=root></div>")}, "assets/a.js": {Data: []byte("1")}}
	ts := newTestServer(t, Options{Frontend: page})
	tests := []struct {
		name, method, path string
		headers            []string
		status             int
	}{
		{"page", "GET", "/", nil, 200},
		{"client route", "GET", "/pipelines/data_preparation", nil, 200},
		{"asset", "GET", "/assets/a.js", nil, 200},
		{"api", "GET", "/api/project", nil, 200},
		{"api error", "GET", "/api/pipelines/nope", nil, 404},
		{"foreign host", "GET", "/api/project", []string{"Host", "evil.example.com"}, 403},
		{"foreign origin", "POST", "/api/pipelines", []string{"Origin", "http://evil.example.com"}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, ts.ts.URL+tc.path, strings.NewReader("{}"))
			for i := 0; i+1 < len(tc.headers); i += 2 {
				if tc.headers[i] == "Host" {
					req.Host = tc.headers[i+1]
				}
				req.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			for _, never := range []string{"'unsafe-eval'", "script-src 'self' 'unsafe-inline'", "*"} {
				if strings.Contains(csp, never) {
					t.Errorf("CSP %q holds %q", csp, never)
				}
			}
		})
	}
}
