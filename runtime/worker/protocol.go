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
	// Command is the supervisor's worker command: a search in the run starts its trials' worker
	// processes with it (and MemoryLimit).
	Command []string `json:"command,omitempty"`
}

// frame is one line a worker writes to its supervisor.
type frame struct {
	Event *runtime.Event `json:"event,omitempty"`
	// Records are block_record events sent together: a block logging a metric per iteration
	// wrote a frame (and a pipe write) per point otherwise.
	Records []runtime.Event `json:"records,omitempty"`
	Result  *runtime.Result `json:"result,omitempty"`
	Error   string          `json:"error,omitempty"` // the run could not start: a plan or input error
}

// frameWriter writes frames, one JSON line each, one write per frame so that a frame is whole in
// the pipe as soon as write returns.
type frameWriter struct {
	mu      sync.Mutex
	out     io.Writer
	buf     []byte
	redact  *secret.Redactor // masks secret values in every frame; nil masks nothing
	records []runtime.Event
	timer   *time.Timer
}

func (w *frameWriter) write(f frame) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.records) > 0 {
		if err := w.writeLocked(frame{Records: w.records}); err != nil {
			return err
		}
		w.records = w.records[:0]
	}
	return w.writeLocked(f)
}

// record queues a block_record event; queued records go out before the next other frame, when
// recordBatch are queued, or after recordDelay.
func (w *frameWriter) record(e runtime.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.records = append(w.records, e)
	if len(w.records) >= recordBatch {
		_ = w.writeLocked(frame{Records: w.records})
		w.records = w.records[:0]
		return
	}
	if w.timer == nil {
		w.timer = time.AfterFunc(recordDelay, func() { _ = w.write(frame{}) })
	} else if len(w.records) == 1 {
		w.timer.Reset(recordDelay)
	}
}

// Batching of records: at most this many in a frame, held at most this long.
const (
	recordBatch = 512
	recordDelay = 20 * time.Millisecond
)

func (w *frameWriter) writeLocked(f frame) error {
	if f.Event == nil && f.Result == nil && f.Error == "" && len(f.Records) == 0 {
		return nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	b = w.redact.Bytes(b)
	w.buf = append(append(w.buf[:0], b...), '\n')
	_, err = w.out.Write(w.buf)
	return err
}
