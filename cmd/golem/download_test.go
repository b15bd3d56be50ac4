package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golemlabs/golem/runtime/history"
)

// slowServer streams a body of 64 MiB, 1 KiB every 20 ms, and records each download: when it
// started, when the client went away, and how many were open at once.
type slowServer struct {
	*httptest.Server
	mu      sync.Mutex
	open    int
	maxOpen int
	started []time.Time
	ended   []time.Duration // how long each finished download lasted
	began   chan struct{}   // one value per download started
}

func newSlowServer(t *testing.T) *slowServer {
	s := &slowServer{began: make(chan struct{}, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.mu.Lock()
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
		s.started = append(s.started, start)
		s.mu.Unlock()
		s.began <- struct{}{}
		defer func() {
			s.mu.Lock()
			s.open--
			s.ended = append(s.ended, time.Since(start))
			s.mu.Unlock()
		}()
		w.Header().Set("Content-Length", "67108864")
		chunk := make([]byte, 1024)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for deadline := time.After(30 * time.Second); ; {
			select {
			case <-r.Context().Done():
				return
			case <-deadline:
				return
			case <-tick.C:
				if _, err := w.Write(chunk); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *slowServer) stats() (maxOpen int, ended []time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxOpen, append([]time.Duration(nil), s.ended...)
}

// downloadProject has pipelines whose loader reads the parquet URL of variable url with a plain
// frame.ReadParquet: "fetch" with a 1 s timeout and two retries, "fetch_long" with neither.
func downloadProject(t *testing.T) string {
	t.Helper()
	dir := hostileProject(t)
	write(t, dir, "data_loaders/fetch.go", `package fetch

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.ReadParquet(ctx.String("url", ""))
}
`)
	write(t, dir, "pipelines/fetch/pipeline.yaml", `name: fetch
variables:
  url: {type: string, default: ""}
blocks:
  - {name: fetch, kind: data_loader, file: data_loaders/fetch.go, upstream: [], timeout: 1s, retries: {count: 2, delay: 100ms}}
`)
	write(t, dir, "pipelines/fetch_long/pipeline.yaml", `name: fetch_long
variables:
  url: {type: string, default: ""}
blocks:
  - {name: fetch, kind: data_loader, file: data_loaders/fetch.go, upstream: []}
`)
	return dir
}

// A block's timeout stops its download: each attempt's download ends when the attempt does,
// instead of going on beside the retries until the run ends.
func TestRun_BlockTimeoutStopsItsDownload(t *testing.T) {
	dir := downloadProject(t)
	srv := newSlowServer(t)
	out, errOut, code := golemProcess(t, "run", dir, "fetch", "--var", "url="+srv.URL+"/trips.parquet")
	if code == 0 {
		t.Fatalf("run of a download that never ends succeeded:\n%s", out)
	}
	if !strings.Contains(out+errOut, "stopped after its timeout of 1s") || strings.Contains(out+errOut, "worker was killed") {
		t.Fatalf("run output does not say the block stopped at its timeout:\n%s\n%s", out, errOut)
	}
	time.Sleep(200 * time.Millisecond) // the server notices the last client leave
	maxOpen, ended := srv.stats()
	if len(ended) != 3 {
		t.Fatalf("%d downloads ended, want one per attempt (3)", len(ended))
	}
	if maxOpen != 1 {
		t.Errorf("%d downloads open at once: a timed-out attempt kept downloading beside its retry", maxOpen)
	}
	for i, d := range ended {
		if d > 1500*time.Millisecond {
			t.Errorf("download %d lasted %s, past the block's 1s timeout", i+1, d)
		}
	}
}

// Cancelling a run from the editor stops its download at once.
func TestStart_CancelledRunStopsItsDownload(t *testing.T) {
	dir := downloadProject(t)
	srv := newSlowServer(t)
	editor := apiClient{t: t, base: golemStart(t, dir)}
	id := editor.submit("fetch_long", map[string]string{"url": srv.URL + "/trips.parquet"})
	select {
	case <-srv.began:
	case <-time.After(30 * time.Second):
		t.Fatal("the run never started its download")
	}
	time.Sleep(300 * time.Millisecond)
	cancelled := time.Now()
	if code := editor.do("POST", "/api/runs/"+id+"/cancel", nil, nil); code != http.StatusAccepted {
		t.Fatalf("cancel: %d", code)
	}
	if r := waitRun(t, dir, id, 20*time.Second); r.Status != history.Cancelled {
		t.Fatalf("run %s: %s %s", id, r.Status, r.Error)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ended := srv.stats(); len(ended) == 1 {
			srv.mu.Lock()
			stop := srv.started[0].Add(ended[0])
			srv.mu.Unlock()
			if lag := stop.Sub(cancelled); lag > 2*time.Second {
				t.Fatalf("the download went on %s after the run was cancelled", lag)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the download still runs 5s after the run was cancelled")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
