package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/internal/atomicfile"
	"github.com/golemlabs/golem/internal/jsonvalue"
)

// Kinds of stored output.
const (
	KindFrame = "frame"
	KindJSON  = "json"
)

// Meta describes a stored output.
type Meta struct {
	Kind    string        `json:"kind"`
	GoType  string        `json:"go_type"`
	Rows    int           `json:"rows,omitempty"`
	Cols    int           `json:"cols,omitempty"`
	Schema  []frame.Field `json:"schema,omitempty"`
	Bytes   int64         `json:"bytes"`
	RunID   string        `json:"run_id"`
	SavedAt time.Time     `json:"saved_at"`
	// CacheKey hashes what the output depends on (source, utils, upstreams, variables).
	CacheKey string `json:"cache_key,omitempty"`
}

// Store keeps block outputs in Dir, one folder per pipeline and block.
type Store struct {
	Dir string
	// Mask, when set, masks secret values in a JSON output before it is written (the worker sets
	// it to the project's secret redactor), so the editor never serves one.
	Mask func([]byte) []byte
}

// NewStore returns the store of the project in projectDir.
func NewStore(projectDir string) *Store {
	return &Store{Dir: filepath.Join(projectDir, ".golem", "outputs")}
}

func (s *Store) dir(pipeline, block string) string {
	return filepath.Join(s.Dir, pipeline, block)
}

// Save stores v as the output of block in pipeline, replacing the previous one atomically.
func (s *Store) Save(pipeline, block string, v any, runID string) (Meta, error) {
	return s.SaveKeyed(pipeline, block, v, runID, "")
}

// SaveKeyed is Save recording the cache key of the output.
func (s *Store) SaveKeyed(pipeline, block string, v any, runID, cacheKey string) (Meta, error) {
	dir := s.dir(pipeline, block)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Meta{}, fmt.Errorf("save output %s/%s: %w", pipeline, block, err)
	}
	m := Meta{RunID: runID, SavedAt: time.Now().UTC(), GoType: goType(v), CacheKey: cacheKey}
	if f, ok := v.(*frame.Frame); ok && f != nil {
		m.Kind = KindFrame
		m.Rows, m.Cols = f.Shape()
		m.Schema = f.Schema()
		data := filepath.Join(dir, "output.parquet")
		if err := f.WriteParquet(data); err != nil { // atomic, not synced: see writeAtomic
			return Meta{}, fmt.Errorf("save output %s/%s: %w", pipeline, block, err)
		}
		if fi, err := os.Stat(data); err == nil {
			m.Bytes = fi.Size()
		}
		_ = os.Remove(filepath.Join(dir, "output.json"))
	} else {
		m.Kind = KindJSON
		// jsonvalue, not encoding/json: a metrics map with NaN or ±Inf (an AUC of one class)
		// is a normal output; they are stored as the strings "NaN", "Infinity", "-Infinity".
		b, err := jsonvalue.Marshal(v)
		if err != nil {
			return Meta{}, fmt.Errorf("save output %s/%s: value of type %s is not JSON-serialisable: %w", pipeline, block, m.GoType, err)
		}
		if s.Mask != nil {
			b = s.Mask(b)
		}
		m.Bytes = int64(len(b))
		if err := writeAtomic(filepath.Join(dir, "output.json"), b); err != nil {
			return Meta{}, fmt.Errorf("save output %s/%s: %w", pipeline, block, err)
		}
		_ = os.Remove(filepath.Join(dir, "output.parquet"))
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := writeAtomic(filepath.Join(dir, "meta.json"), mb); err != nil {
		return Meta{}, fmt.Errorf("save output %s/%s: %w", pipeline, block, err)
	}
	return m, nil
}

// Meta returns the description of block's stored output, or an error wrapping ErrNoOutput.
func (s *Store) Meta(pipeline, block string) (Meta, error) {
	b, err := os.ReadFile(filepath.Join(s.dir(pipeline, block), "meta.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, fmt.Errorf("block %q of pipeline %q: %w", block, pipeline, ErrNoOutput)
	}
	if err != nil {
		return Meta{}, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return Meta{}, fmt.Errorf("output meta of %s/%s: %w", pipeline, block, err)
	}
	return m, nil
}

// HasData reports whether the data file that m describes is stored with the size m records: a
// stat, where Load reads the whole file.
func (s *Store) HasData(pipeline, block string, m Meta) bool {
	name := "output.json"
	if m.Kind == KindFrame {
		name = "output.parquet"
	}
	fi, err := os.Stat(filepath.Join(s.dir(pipeline, block), name))
	return err == nil && fi.Size() == m.Bytes
}

// LoadFrame reads block's stored frame output.
func (s *Store) LoadFrame(pipeline, block string) (*frame.Frame, error) {
	m, err := s.Meta(pipeline, block)
	if err != nil {
		return nil, err
	}
	if m.Kind != KindFrame {
		return nil, fmt.Errorf("block %q of pipeline %q (%s): %w", block, pipeline, m.GoType, ErrNotFrame)
	}
	return frame.ReadParquet(filepath.Join(s.dir(pipeline, block), "output.parquet"))
}

// LoadJSON reads block's stored JSON output.
func (s *Store) LoadJSON(pipeline, block string) (json.RawMessage, error) {
	m, err := s.Meta(pipeline, block)
	if err != nil {
		return nil, err
	}
	if m.Kind != KindJSON {
		return nil, fmt.Errorf("block %q of pipeline %q holds a frame, not JSON", block, pipeline)
	}
	return os.ReadFile(filepath.Join(s.dir(pipeline, block), "output.json"))
}

// Load reads block's stored output: a *frame.Frame or a json.RawMessage.
func (s *Store) Load(pipeline, block string) (any, Meta, error) {
	m, err := s.Meta(pipeline, block)
	if err != nil {
		return nil, m, err
	}
	if m.Kind == KindFrame {
		f, err := s.LoadFrame(pipeline, block)
		return f, m, err
	}
	b, err := s.LoadJSON(pipeline, block)
	return json.RawMessage(b), m, err
}

// Remove deletes every stored output of a pipeline.
func (s *Store) Remove(pipeline string) error {
	return os.RemoveAll(filepath.Join(s.Dir, pipeline))
}

func goType(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// writeAtomic replaces path with b through a temporary file and a rename: a process that dies
// mid-write leaves the old file. It does not fsync: outputs are a cache that a run rebuilds, and
// two fsyncs per block were most of a no-op block's time (a 20-block chain: ~20 ms a block).
func writeAtomic(path string, b []byte) error {
	return atomicfile.WriteFile(path, b, atomicfile.Options{Sync: false})
}

// RemoveStale deletes the temporary files that writers killed mid-write (kill -9, a crashed
// worker) left under the outputs of pipeline, or of every pipeline when pipeline is "". Files
// that a live process is still writing stay. It returns the paths removed.
func (s *Store) RemoveStale(pipeline string) ([]string, error) {
	return atomicfile.RemoveStale(filepath.Join(s.Dir, pipeline))
}
