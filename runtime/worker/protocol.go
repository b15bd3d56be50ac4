package worker

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/golemlabs/golem/projects/secret"
	"github.com/golemlabs/golem/runtime"
)

// Arg is the command-line argument that makes the golem binary a worker process.
const Arg = "__worker"

// Job is one run handed to a worker process.
type Job struct {
	ProjectDir   string          `json:"project_dir"`
	Pipeline     string          `json:"pipeline"`
	RunID        string          `json:"run_id"`
	Options      runtime.Options `json:"options"`
	BlockTimeout time.Duration   `json:"block_timeout,omitempty"`
	MemoryLimit  int64           `json:"memory_limit,omitempty"` // the run's; SQL blocks' DuckDB gets a share
}

// frame is one line a worker writes to its supervisor.
type frame struct {
	Event  *runtime.Event  `json:"event,omitempty"`
	Result *runtime.Result `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"` // the run could not start: a plan or input error
}

// frameWriter writes frames, one JSON line each, one write per frame so that a frame is whole in
// the pipe as soon as write returns.
type frameWriter struct {
	mu     sync.Mutex
	out    io.Writer
	buf    []byte
	redact *secret.Redactor // masks secret values in every frame; nil masks nothing
}

func (w *frameWriter) write(f frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	b = w.redact.Bytes(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(append(w.buf[:0], b...), '\n')
	_, err = w.out.Write(w.buf)
	return err
}
