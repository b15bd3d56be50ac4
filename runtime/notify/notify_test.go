package notify

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/retry"
)

// instantClock lets retry waits pass at once while recording them.
type instantClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *instantClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *instantClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

var payload = Payload{RunID: "01JGZ5Q8N6XJ3W5X9Y0ABCDEFG", Pipeline: "taxi", Status: "failed", Error: "prepare.go:12:5: boom",
	FailedBlock: "prepare", Duration: 3.25, URL: RunURL("http://localhost:6789/", "taxi", "01JGZ5Q8N6XJ3W5X9Y0ABCDEFG")}

// flaky answers the first 'failures' requests with 'status' (or hangs past
// the client timeout if status is 0), then 200, recording every body.
type flaky struct {
	mu       sync.Mutex
	failures int
	status   int
	bodies   []string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	n := len(f.bodies)
	f.mu.Unlock()
	if r.Header.Get("Content-Type") != "application/json" {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return
	}
	if n <= f.failures {
		if f.status == 0 {
			<-r.Context().Done() // the client gives up
			return
		}
		http.Error(w, "nope", f.status)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func TestNotifier_Send(t *testing.T) {
	tests := []struct {
		name         string
		server       *flaky
		format       string
		wantAttempts int
		wantErr      error
		checkBody    func(t *testing.T, body string)
	}{
		{"fails once then json delivered", &flaky{failures: 1, status: 500}, projects.FormatJSON, 2, nil, func(t *testing.T, body string) {
			var p Payload
			if err := json.Unmarshal([]byte(body), &p); err != nil || !reflect.DeepEqual(p, payload) {
				t.Fatalf("payload %+v, %v", p, err)
			}
		}},
		{"slack text after a 429", &flaky{failures: 1, status: 429}, projects.FormatSlack, 2, nil, func(t *testing.T, body string) {
			var m map[string]string
			if err := json.Unmarshal([]byte(body), &m); err != nil || len(m) != 1 {
				t.Fatalf("body %s: %v", body, err)
			}
			for _, want := range []string{"*taxi* failed", "3.25s", "Block *prepare* failed", "boom", "http://localhost:6789/pipelines/taxi/runs/01JG"} {
				if !strings.Contains(m["text"], want) {
					t.Errorf("text %q lacks %q", m["text"], want)
				}
			}
		}},
		{"timeout is retried", &flaky{failures: 1, status: 0}, projects.FormatJSON, 2, nil, nil},
		{"bounded retries", &flaky{failures: 100, status: 503}, projects.FormatJSON, 4, ErrStatus, nil},
		{"4xx is not retried", &flaky{failures: 100, status: 404}, projects.FormatJSON, 1, ErrStatus, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.server)
			defer srv.Close()
			clock := &instantClock{now: time.Unix(0, 0)}
			n := New(Options{Timeout: 200 * time.Millisecond, Clock: clock,
				Retry: retry.Policy{Count: 3, Delay: time.Second, Backoff: 2, MaxDelay: 3 * time.Second}})
			attempts, err := n.Send(t.Context(), projects.Notification{URL: srv.URL + "/secret-token", Format: tt.format}, payload)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret-token") {
				t.Fatalf("error leaks the webhook path: %v", err)
			}
			if len(attempts) != tt.wantAttempts || len(tt.server.bodies) != tt.wantAttempts {
				t.Fatalf("attempts %d, requests %d, want %d", len(attempts), len(tt.server.bodies), tt.wantAttempts)
			}
			wantWaits := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}[:tt.wantAttempts-1]
			if len(clock.waits) != len(wantWaits) {
				t.Fatalf("waits %v, want %v", clock.waits, wantWaits)
			}
			for i := range wantWaits {
				if clock.waits[i] != wantWaits[i] {
					t.Fatalf("waits %v, want %v", clock.waits, wantWaits)
				}
			}
			if tt.checkBody != nil {
				tt.checkBody(t, tt.server.bodies[len(tt.server.bodies)-1])
			}
		})
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		name   string
		on     []string
		status string
		want   bool
	}{
		{"default is failure", nil, "failed", true},
		{"default skips success", nil, "succeeded", false},
		{"crashed is a failure", []string{projects.OnFailure}, "crashed", true},
		{"success only", []string{projects.OnSuccess}, "failed", false},
		{"both", []string{projects.OnFailure, projects.OnSuccess}, "succeeded", true},
		{"list", []string{projects.OnFailure, projects.OnSuccess}, "succeeded", true},
		{"cancelled notifies nobody", []string{projects.OnFailure, projects.OnSuccess}, "cancelled", false},
		{"running notifies nobody", []string{projects.OnFailure, projects.OnSuccess}, "running", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Wants(projects.Notification{URL: "http://x", On: tt.on}, tt.status); got != tt.want {
				t.Fatalf("Wants(%s) = %v", tt.status, got)
			}
		})
	}
}

func TestSend_RefusesInvalidHooks(t *testing.T) {
	tests := []struct {
		name string
		h    projects.Notification
		ok   bool
	}{
		{"ok", projects.Notification{URL: "https://hooks.example.com/x", On: []string{projects.OnFailure}, Format: projects.FormatSlack}, true},
		{"file url", projects.Notification{URL: "file:///etc/passwd"}, false},
		{"no host", projects.Notification{URL: "http://"}, false},
		{"bad event", projects.Notification{URL: "http://x", On: []string{"always"}}, false},
		{"bad format", projects.Notification{URL: "http://x", Format: "xml"}, false},
		{"both is not an outcome, as for projects.Load", projects.Notification{URL: "http://x", On: []string{"both"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ok {
				if ps := tt.h.Problems(); len(ps) > 0 {
					t.Fatalf("problems %v", ps)
				}
				return
			}
			if _, err := New(Options{}).Send(t.Context(), tt.h, payload); !errors.Is(err, ErrInvalidHook) {
				t.Fatalf("Send = %v, want ErrInvalidHook", err)
			}
		})
	}
}

func TestNotifier_Notify_OnlyMatchingHooks(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
	}))
	defer srv.Close()
	hooks := []projects.Notification{{URL: srv.URL + "/fail"}, {URL: srv.URL + "/ok", On: []string{projects.OnSuccess}}, {URL: srv.URL + "/all", On: []string{projects.OnFailure, projects.OnSuccess}, Format: projects.FormatSlack}}
	if err := New(Options{}).Notify(t.Context(), hooks, payload); err != nil {
		t.Fatal(err)
	}
	if hits["/fail"] != 1 || hits["/ok"] != 0 || hits["/all"] != 1 {
		t.Fatalf("hits %v", hits)
	}
}
