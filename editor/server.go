package editor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/golemlabs/golem/frontend"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/dispatch"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/output"
	"github.com/golemlabs/golem/runtime/worker"
)

// Defaults of Options.
const (
	DefaultHost = "127.0.0.1"
	DefaultPort = 6789
)

// Options configure a Server.
type Options struct {
	// ProjectDir is the project served; it must hold golem.yaml.
	ProjectDir string
	// Host is the address to listen on (DefaultHost). Any host other than a
	// loopback address requires a token; one is generated when Token is empty.
	Host string
	// Port is the port to listen on (DefaultPort). In tests, 0 accepts any
	// port in the Host header.
	Port int
	// Token, when set, is required on every request (Bearer, cookie or ?token=).
	Token string
	// Worker configures the worker processes of the dispatcher the server
	// makes when Dispatcher is nil (tests start the test binary as worker).
	Worker worker.Options
	// History is the project's run history; nil opens <project>/.golem.
	History *history.Store
	// Dispatcher starts and records runs (shared with the scheduler); nil
	// makes one on History and Worker, closed when Serve returns.
	Dispatcher *dispatch.Dispatcher
	// Store holds block outputs; nil uses the project's .golem/outputs.
	Store *output.Store
	// Frontend is the built browser editor; nil uses the embedded one.
	Frontend fs.FS
	// PollInterval is how often project files are checked for outside
	// changes (500ms); negative disables watching.
	PollInterval time.Duration
	// OnChange, if set, is called with each project file that changed
	// (outside edits and the editor's own writes), e.g. to reload triggers.
	OnChange func(rel string)
	// Workers lists the cluster's connected workers (GET /api/workers); nil when runs execute on
	// this machine.
	Workers func() []WorkerInfo
	// Problems lists what the server's operator must fix, each "file:line:col: message" (the
	// schedules of a triggers.yaml that does not load); GET /api/health reports them with ok
	// false. nil means none.
	Problems func() []string
	// Headless serves only GET /api/health and the API trigger
	// (POST /api/pipelines/{name}/runs with the project's API token): no
	// frontend, no file APIs (golem start --no-editor).
	Headless bool
	// Log receives request errors and the watcher's problems (io.Discard if nil).
	Log io.Writer
}

// Server is the editor's HTTP server.
type Server struct {
	opts       Options
	dir        string
	port       int // the port Host headers must carry; 0 = any
	token      string
	log        *log.Logger
	store      *output.Store
	history    *history.Store
	dispatcher *dispatch.Dispatcher
	ownsDisp   bool // the dispatcher is ours to close
	hub        *hub
	files      *watcher
	frames     frameCache
	gzipped    sync.Map // asset name -> gzipped bytes

	mu      sync.Mutex // serialises project mutations (load, change, save)
	handler http.Handler
}

// New checks opts and the project and returns a server ready to serve.
func New(opts Options) (*Server, error) {
	if opts.ProjectDir == "" {
		opts.ProjectDir = "."
	}
	dir, err := filepath.Abs(opts.ProjectDir)
	if err != nil {
		return nil, fmt.Errorf("editor: %w", err)
	}
	if _, err := projects.Load(dir); errors.Is(err, projects.ErrNotProject) {
		return nil, fmt.Errorf("editor: %s: %w", dir, err)
	}
	if opts.Host == "" {
		opts.Host = DefaultHost
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 500 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Frontend == nil {
		opts.Frontend = frontend.Dist()
	}
	s := &Server{opts: opts, dir: dir, port: opts.Port, token: opts.Token, log: log.New(opts.Log, "", log.LstdFlags)}
	if s.token == "" && !isLoopback(opts.Host) {
		s.token = newToken()
	}
	s.store = opts.Store
	if s.store == nil {
		s.store = output.NewStore(dir)
	}
	s.history = opts.History
	if s.history == nil {
		if s.history, err = history.Open(filepath.Join(dir, ".golem"), history.Options{}); err != nil {
			return nil, fmt.Errorf("editor: %w", err)
		}
	}
	s.dispatcher = opts.Dispatcher
	if s.dispatcher == nil {
		s.dispatcher = dispatch.New(dispatch.Options{ProjectDir: dir, History: s.history, Worker: opts.Worker,
			EditorURL: "http://" + net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)), Logf: s.log.Printf})
		s.ownsDisp = true
	}
	s.hub = newHub()
	s.files = newWatcher(dir)
	s.handler = s.secure(s.routes())
	s.warnAPIToken()
	return s, nil
}

// Start forwards run events to websocket clients and, when interval > 0,
// polls the project for outside changes, until ctx is done. Serve calls it;
// a server mounted through Handler calls it itself.
func (s *Server) Start(ctx context.Context) {
	go s.forward(ctx)
	if s.opts.PollInterval > 0 {
		go s.watch(ctx, s.opts.PollInterval)
	}
}

// Close cancels the runs of a dispatcher the server made and waits for them.
func (s *Server) Close() {
	s.hub.closeAll()
	if s.ownsDisp {
		s.dispatcher.Close()
	}
}

// Handler returns the HTTP handler: API, websocket and frontend, behind the
// security checks.
func (s *Server) Handler() http.Handler { return s.handler }

// Token returns the access token ("" when none is required).
func (s *Server) Token() string { return s.token }

// URL returns the address to open in a browser, with the token if any.
func (s *Server) URL() string {
	u := s.APIURL()
	if s.token != "" {
		u += "?token=" + s.token
	}
	return u
}

// APIURL returns the server's base address, without the access token.
func (s *Server) APIURL() string {
	host := s.opts.Host
	if host == "0.0.0.0" || host == "::" || host == "" {
		host = DefaultHost
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(s.port)) + "/"
}

// Listen binds the configured address; with Port 0 it picks a free port.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(s.opts.Host, strconv.Itoa(s.opts.Port)))
	if err != nil {
		return nil, fmt.Errorf("editor: listen: %w", err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	return ln, nil
}

// ListenAndServe listens and serves until ctx is done, then cancels the
// active runs and shuts down.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := s.Listen()
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.Start(ctx)
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          s.log,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Close()
	shutdownCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// project loads the project fresh from disk. Validation problems are
// returned with the project (nil only when it cannot be read at all).
func (s *Server) project() (*projects.Project, error) {
	p, err := projects.Load(s.dir)
	if p == nil {
		return nil, err
	}
	return p, err
}

// mustProject loads the project, ignoring validation problems (the editor
// shows an invalid project so it can be fixed).
func (s *Server) mustProject() (*projects.Project, error) {
	p, err := s.project()
	if p == nil {
		return nil, err
	}
	return p, nil
}
