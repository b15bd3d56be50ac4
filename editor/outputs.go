package editor

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/runtime/output"
)

// Page limits of GET .../output.
const (
	defaultPageRows = 100
	maxPageRows     = 1000
)

// frameCache keeps the last stored frames read, keyed by pipeline/block and
// the time they were saved, so paging and charts do not re-read parquet.
type frameCache struct {
	mu      sync.Mutex
	entries []cacheEntry // most recent last
	loading sync.Mutex   // one parquet read at a time: a page and a chart asked together read once
}

type cacheEntry struct {
	key     string
	saved   time.Time
	f       *frame.Frame
	summary *FramePage // Describe, computed on first request
}

const cachedFrames = 2

func (c *frameCache) get(key string, saved time.Time) *frame.Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key && e.saved.Equal(saved) {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.f
		}
	}
	return nil
}

func (c *frameCache) put(key string, saved time.Time, f *frame.Frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
			break
		}
	}
	c.entries = append(c.entries, cacheEntry{key: key, saved: saved, f: f})
	if len(c.entries) > cachedFrames {
		c.entries = c.entries[1:]
	}
}

func (c *frameCache) summary(key string, saved time.Time) *FramePage {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.key == key && e.saved.Equal(saved) {
			return e.summary
		}
	}
	return nil
}

func (c *frameCache) setSummary(key string, saved time.Time, p *FramePage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.entries {
		if c.entries[i].key == key && c.entries[i].saved.Equal(saved) {
			c.entries[i].summary = p
		}
	}
}

// storedFrame returns a block's stored frame and its meta.
func (s *Server) storedFrame(pipeline, block string) (*frame.Frame, output.Meta, error) {
	m, err := s.store.Meta(pipeline, block)
	if err != nil {
		return nil, m, err
	}
	if m.Kind != output.KindFrame {
		return nil, m, errorf(http.StatusUnprocessableEntity, codeInvalid, "block %q returned %s, not a frame", block, m.GoType)
	}
	key := pipeline + "/" + block
	if f := s.frames.get(key, m.SavedAt); f != nil {
		return f, m, nil
	}
	s.frames.loading.Lock()
	defer s.frames.loading.Unlock()
	if f := s.frames.get(key, m.SavedAt); f != nil {
		return f, m, nil
	}
	f, err := s.store.LoadFrame(pipeline, block)
	if err != nil {
		return nil, m, err
	}
	s.frames.put(key, m.SavedAt, f)
	return f, m, nil
}

// JSONOutput is a stored output that is not a frame: its value as JSON.
type JSONOutput struct {
	Kind    string          `json:"kind" tstype:"'json'"`
	GoType  string          `json:"go_type"`
	Value   json.RawMessage `json:"value"`
	RunID   string          `json:"run_id"`
	SavedAt string          `json:"saved_at"`
}

// Field is a column of a table page.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// FramePage is a page of a frame (GET .../output), or all of a frame's summary (GET .../summary).
type FramePage struct {
	Kind    string  `json:"kind" tstype:"'frame'"`
	Rows    int     `json:"rows"`
	Cols    int     `json:"cols"`
	Offset  int     `json:"offset"`
	Limit   int     `json:"limit"`
	Schema  []Field `json:"schema"`
	Data    [][]any `json:"data"`
	RunID   string  `json:"run_id,omitempty"`
	SavedAt string  `json:"saved_at,omitempty"`
}

// page renders rows [offset, offset+limit) of f as JSON-ready cells.
func page(f *frame.Frame, offset, limit int) FramePage {
	rows, cols := f.Shape()
	offset = min(max(offset, 0), rows)
	end := min(offset+limit, rows)
	p := FramePage{Kind: output.KindFrame, Rows: rows, Cols: cols, Offset: offset, Limit: limit, Schema: []Field{}, Data: make([][]any, 0, end-offset)}
	for _, fd := range f.Schema() {
		p.Schema = append(p.Schema, Field{fd.Name, fd.Type.String()})
	}
	for i := offset; i < end; i++ {
		p.Data = append(p.Data, make([]any, cols))
	}
	for j, name := range f.Columns() {
		col := f.Col(name)
		for i := offset; i < end; i++ {
			p.Data[i-offset][j] = cell(col.Value(i))
		}
	}
	return p
}

// cell converts a frame value to JSON (docs/EDITOR_API.md §6).
func cell(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case int64:
		if x > 1<<53 || x < -(1<<53) {
			return strconv.FormatInt(x, 10)
		}
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.999999")
	case time.Duration:
		return x.String()
	}
	return v
}

func (s *Server) blockOutput(w http.ResponseWriter, r *http.Request) error {
	pipeline, block, err := s.blockRef(r)
	if err != nil {
		return err
	}
	offset, err := intParam(r, "offset", 0, 0, math.MaxInt)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", defaultPageRows, 1, maxPageRows)
	if err != nil {
		return err
	}
	m, err := s.store.Meta(pipeline, block)
	if err != nil {
		return err
	}
	if m.Kind != output.KindFrame {
		raw, err := s.store.LoadJSON(pipeline, block)
		if err != nil {
			return err
		}
		if !json.Valid(raw) {
			raw = json.RawMessage("null")
		}
		writeJSON(w, http.StatusOK, JSONOutput{Kind: output.KindJSON, GoType: m.GoType, Value: raw, RunID: m.RunID, SavedAt: stamp(m.SavedAt)})
		return nil
	}
	f, m, err := s.storedFrame(pipeline, block)
	if err != nil {
		return err
	}
	p := page(f, offset, limit)
	p.RunID, p.SavedAt = m.RunID, stamp(m.SavedAt)
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) blockSummary(w http.ResponseWriter, r *http.Request) error {
	pipeline, block, err := s.blockRef(r)
	if err != nil {
		return err
	}
	f, m, err := s.storedFrame(pipeline, block)
	if err != nil {
		return err
	}
	key := pipeline + "/" + block
	if p := s.frames.summary(key, m.SavedAt); p != nil {
		writeJSON(w, http.StatusOK, p)
		return nil
	}
	d := f.Describe()
	p := page(d, 0, d.NumRows())
	p.RunID, p.SavedAt = m.RunID, stamp(m.SavedAt)
	s.frames.setSummary(key, m.SavedAt, &p)
	writeJSON(w, http.StatusOK, p)
	return nil
}

// blockRef checks that {name} and {block} exist.
func (s *Server) blockRef(r *http.Request) (pipeline, block string, err error) {
	p, err := s.mustProject()
	if err != nil {
		return "", "", err
	}
	pl, err := p.Pipeline(r.PathValue("name"))
	if err != nil {
		return "", "", err
	}
	b, err := blockOf(pl, r.PathValue("block"))
	if err != nil {
		return "", "", err
	}
	return pl.Name, b.Name, nil
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, codeBadRequest, "%s: not an integer: %q", name, v)
	}
	if n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, codeBadRequest, "%s: %d is not in %d..%d", name, n, lo, hi)
	}
	return n, nil
}
