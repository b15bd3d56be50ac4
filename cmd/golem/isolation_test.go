package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

// The block code of the table: failures no recover can catch. Each ends its worker process.
const hostileBlock = `package boom

import (
	"fmt"
	"time"

	"github.com/golemlabs/golem/blocks"
)

func rec(n int) int { return rec(n+1) + 1 }

func Transform(ctx *blocks.Context, n int) (int, error) {
	how := ctx.String("how", "")
	fmt.Println("before the crash:", how)
	if how == "goroutine" {
		go func() { panic("x") }()
	}
	if how == "map" {
		m := map[int]int{}
		for i := 0; i < 4; i++ {
			go func() {
				for j := 0; ; j++ {
					m[j%100] = j
				}
			}()
		}
	}
	if how == "recursion" {
		return rec(0), nil
	}
	if how == "alloc" {
		var keep [][]byte
		for {
			keep = append(keep, make([]byte, 16<<20))
		}
	}
	if how != "none" {
		time.Sleep(20 * time.Second)
	}
	return n + 1, nil
}
`

// hostileCases are the table: the variable value and what the run must record.
var hostileCases = []struct{ how, cause string }{
	{"goroutine", "panic: x"},
	{"map", "fatal error: concurrent map writes"},
	{"recursion", "stack overflow"},
	{"alloc", "killed: memory limit 768MiB reached"},
}

// hostileProject is a project with a pipeline "crash" (first → boom → after) whose boom block
// fails as its variable how says, and a pipeline "calm" that takes about a second.
func hostileProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hostile")
	if err := projects.Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "pipelines/crash/pipeline.yaml", `name: crash
variables:
  how: {type: string, default: "none"}
settings: {memory_limit: 768MiB}
blocks:
  - {name: first, kind: data_loader, file: data_loaders/first.go, upstream: []}
  - {name: boom, kind: transformer, file: transformers/boom.go, upstream: [first]}
  - {name: after, kind: data_exporter, file: data_exporters/after.go, upstream: [boom]}
`)
	write(t, dir, "pipelines/calm/pipeline.yaml", `name: calm
blocks:
  - {name: slow, kind: data_loader, file: data_loaders/slow.go, upstream: []}
  - {name: after, kind: data_exporter, file: data_exporters/after.go, upstream: [slow]}
`)
	write(t, dir, "data_loaders/first.go", "package first\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (int, error) { return 1, nil }\n")
	write(t, dir, "data_loaders/slow.go", "package slow\n\nimport (\n\t\"time\"\n\n\t\"github.com/golemlabs/golem/blocks\"\n)\n\nfunc Load(ctx *blocks.Context) (int, error) {\n\ttime.Sleep(1500 * time.Millisecond)\n\treturn 1, nil\n}\n")
	write(t, dir, "transformers/boom.go", hostileBlock)
	write(t, dir, "data_exporters/after.go", "package after\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Export(ctx *blocks.Context, n int) error { return nil }\n")
	return dir
}

// golemProcess runs this test binary as the golem command in a process of its own.
func golemProcess(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

// recordedRun reads run id (or the newest run when id is "") from golem runs --json.
func recordedRun(t *testing.T, dir, id string) history.PipelineRun {
	t.Helper()
	out, errOut, code := golemProcess(t, "runs", dir, "--json", "--limit", "100")
	if code != 0 {
		t.Fatalf("golem runs: %s", errOut)
	}
	var runs []history.PipelineRun
	if err := json.Unmarshal([]byte(out), &runs); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if id == "" || r.ID == id {
			return r
		}
	}
	t.Fatalf("run %q not in the history", id)
	return history.PipelineRun{}
}

// checkCrashed checks what the issue asks a crashed run to record: the cause at the block, the
// finished block kept, the rest skipped, the block's log line, and the worker's crash report.
func checkCrashed(t *testing.T, dir string, r history.PipelineRun, cause string) {
	t.Helper()
	if r.Status != history.Failed || !strings.Contains(r.Error, cause) || !strings.Contains(r.Error, `transformers/boom.go: block "boom"`) {
		t.Fatalf("run %s: status %s, error %q; want failed with %q at block boom", r.ID, r.Status, r.Error, cause)
	}
	st := map[string]history.Status{}
	for _, b := range r.Blocks {
		st[b.Name] = b.Status
	}
	// first ends before boom starts, but its output is stored in the background while boom runs:
	// if the crash comes first, first failed too, and says that its output was not stored.
	if f := r.Block("first"); f.Status == history.Failed {
		if n := len(f.Attempts); n == 0 || !strings.Contains(f.Attempts[n-1].Error, "its output was not stored") {
			t.Fatalf("first failed with %+v", f.Attempts)
		}
		st["first"] = history.Succeeded
	}
	if st["first"] != history.Succeeded || st["boom"] != history.Failed || st["after"] != history.Skipped {
		t.Fatalf("block statuses %v", st)
	}
	if b := r.Block("boom"); len(b.Attempts) != 1 || !strings.Contains(b.Attempts[0].Error, cause) {
		t.Fatalf("boom attempts %+v", b.Attempts)
	}
	if cause != "" && !strings.HasPrefix(cause, "killed") && len(r.Stderr) == 0 {
		t.Fatalf("no worker stderr recorded for %q", cause)
	}
	logs, _, _ := golemProcess(t, "logs", dir, r.ID, "--block", "boom")
	if !strings.Contains(logs, "before the crash:") {
		t.Fatalf("block log lost:\n%s", logs)
	}
}

func TestRun_HostileBlocksFailTheirRunNotGolem(t *testing.T) {
	dir := hostileProject(t)
	for _, c := range hostileCases {
		t.Run(c.how, func(t *testing.T) {
			out, errOut, code := golemProcess(t, "run", dir, "crash", "--var", "how="+c.how)
			if code != 1 {
				t.Fatalf("exit code %d, want 1\n%s\n%s", code, out, errOut)
			}
			if !strings.Contains(out, c.cause) || strings.Contains(out+errOut, "yaegi/interp.") {
				t.Fatalf("output does not name the cause %q at the block, or shows interpreter frames:\n%s\n%s", c.cause, out, errOut)
			}
			checkCrashed(t, dir, recordedRun(t, dir, ""), c.cause)
		})
	}
	// golem retry works on a crashed run: fixed, it re-runs boom and after from first's output.
	crashed := recordedRun(t, dir, "")
	replaceIn(t, dir, "transformers/boom.go", `how := ctx.String("how", "")`, `how := "none"`)
	out, errOut, code := golemProcess(t, "retry", dir, crashed.ID)
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("retry: exit %d\n%s\n%s", code, out, errOut)
	}
}

// golemStart runs golem start on dir (with flags extra) in a process of its own and returns its
// base URL.
func golemStart(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"start", dir, "--port", "0"}, extra...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
			t.Errorf("golem start died during the test:\n%s", stderr.String())
		default:
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	sc := bufio.NewScanner(stdout)
	base := ""
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") {
			base = strings.TrimRight(strings.SplitN(line, "?", 2)[0], "/")
			break
		}
	}
	if base == "" {
		t.Fatalf("golem start printed no URL:\n%s", stderr.String())
	}
	go io.Copy(io.Discard, stdout)
	return base
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// apiClient talks to a golem start: as the editor's page (same Origin) or as the API trigger.
type apiClient struct {
	t     *testing.T
	base  string
	token string // "" = the editor's page
}

func (c apiClient) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		req.Header.Set("Origin", c.base)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	return resp.StatusCode
}

// submit starts a run of pipeline and returns its ID.
func (c apiClient) submit(pipeline string, vars map[string]string) string {
	c.t.Helper()
	var r struct {
		RunID string `json:"run_id"`
	}
	if code := c.do("POST", "/api/pipelines/"+pipeline+"/runs", map[string]any{"mode": "pipeline", "vars": vars}, &r); code != http.StatusAccepted {
		c.t.Fatalf("submit %s: %d", pipeline, code)
	}
	return r.RunID
}

// wait polls the history until run id ends.
func waitRun(t *testing.T, dir, id string, within time.Duration) history.PipelineRun {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := recordedRun(t, dir, id)
		if r.Status.Terminal() {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after %s", id, r.Status, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestStart_SurvivesHostileBlocksFromEveryEntryPoint(t *testing.T) {
	dir := hostileProject(t)
	cfg := filepath.Join(dir, "golem.yaml")
	b, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(b, "settings:\n  api_token: tok-123\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A failure webhook to a real server that answers 500 first: delivered on the retry.
	var hooks atomic.Int32
	var bodies sync.Map
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hooks.Add(1)
		body, _ := io.ReadAll(r.Body)
		if n%2 == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var p struct {
			RunID string `json:"run_id"`
		}
		_ = json.Unmarshal(body, &p)
		bodies.Store(p.RunID, string(body))
	}))
	defer hook.Close()
	replaceIn(t, dir, "pipelines/crash/pipeline.yaml", "blocks:", fmt.Sprintf("notifications: [{url: %q, on: [failure]}]\nblocks:", hook.URL))

	base := golemStart(t, dir)
	editor := apiClient{t: t, base: base}
	api := apiClient{t: t, base: base, token: "tok-123"}
	for _, c := range hostileCases {
		for _, via := range []struct {
			name string
			c    apiClient
		}{{"editor", editor}, {"api", api}} {
			t.Run(c.how+"/"+via.name, func(t *testing.T) {
				calm := via.c.submit("calm", nil)
				id := via.c.submit("crash", map[string]string{"how": c.how})
				checkCrashed(t, dir, waitRun(t, dir, id, 60*time.Second), c.cause)
				if r := waitRun(t, dir, calm, 30*time.Second); r.Status != history.Succeeded {
					t.Fatalf("calm run beside the crash: %s %s", r.Status, r.Error)
				}
				var run struct {
					Error  string   `json:"error"`
					Stderr []string `json:"stderr"`
					Blocks []struct {
						Name  string `json:"name"`
						Error *struct {
							Message string `json:"message"`
						} `json:"error"`
					} `json:"blocks"`
				}
				if code := editor.do("GET", "/api/runs/"+id, nil, &run); code != 200 || !strings.Contains(run.Error, c.cause) {
					t.Fatalf("GET /api/runs/%s: %d %+v", id, code, run)
				}
				if via.name == "api" {
					deadline := time.Now().Add(20 * time.Second)
					for {
						if body, ok := bodies.Load(id); ok {
							if !strings.Contains(body.(string), `"failed_block":"boom"`) {
								t.Fatalf("webhook body %s", body)
							}
							break
						}
						if time.Now().After(deadline) {
							t.Fatalf("no webhook delivered for run %s", id)
						}
						time.Sleep(50 * time.Millisecond)
					}
				}
			})
		}
	}
	// The server kept serving: the next run succeeds.
	if r := waitRun(t, dir, editor.submit("crash", nil), 30*time.Second); r.Status != history.Succeeded {
		t.Fatalf("next run: %s %s", r.Status, r.Error)
	}
	// A schedule's run goes the same way.
	write(t, dir, "pipelines/crash/triggers.yaml", "triggers:\n  - {name: soon, type: once, at: \""+time.Now().Add(2*time.Second).UTC().Format(time.RFC3339)+"\", variables: {how: goroutine}}\n")
	deadline := time.Now().Add(40 * time.Second)
	for {
		r := recordedRun(t, dir, "")
		if r.Trigger == "schedule:soon" && r.Status.Terminal() {
			checkCrashed(t, dir, r, "panic: x")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled run ended; newest: %s %s %s", r.ID, r.Trigger, r.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code := editor.do("GET", "/api/health", nil, nil); code != 200 {
		t.Fatalf("health after the crashes: %d", code)
	}
}

func TestRun_FailureWebhookRetried(t *testing.T) {
	dir := hostileProject(t)
	var calls atomic.Int32
	got := make(chan string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		got <- string(body)
	}))
	defer hook.Close()
	replaceIn(t, dir, "pipelines/crash/pipeline.yaml", "blocks:", fmt.Sprintf("notifications: [{url: %q, on: [failure]}]\nblocks:", hook.URL))
	_, _, code := golemProcess(t, "run", dir, "crash", "--var", "how=goroutine")
	if code != 1 {
		t.Fatalf("exit code %d", code)
	}
	// golem run exits only after delivering its webhooks.
	select {
	case body := <-got:
		if !strings.Contains(body, `"status":"failed"`) || !strings.Contains(body, "panic: x") {
			t.Fatalf("webhook body %s", body)
		}
	default:
		t.Fatalf("no webhook delivered before golem run exited (%d calls)", calls.Load())
	}
	if calls.Load() != 2 {
		t.Fatalf("%d webhook calls, want 2 (500, then delivered)", calls.Load())
	}
}
