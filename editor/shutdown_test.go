package editor

import (
	"context"
	"github.com/golemlabs/golem/runtime/worker/workertest"
	"net/http"
	"testing"
	"testing/fstest"
	"time"

	"github.com/golemlabs/golem/projects"
)

func TestServe_StopsPromptlyOnCancel(t *testing.T) {
	dir := t.TempDir()
	if err := projects.Init(dir, "taxi"); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{ProjectDir: dir, Port: 0, Frontend: fstest.MapFS{}, Worker: workertest.Options()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
