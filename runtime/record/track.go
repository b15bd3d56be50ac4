package record

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
)

// tracking accumulates what the blocks of one run log (block_record events) into their entries,
// written to the history with the run's other changes, once per tick.
type tracking struct {
	runID   string
	entries map[entryKey]*pendingEntry
	order   []entryKey
}

type entryKey struct {
	block string
	trial int
}

type pendingEntry struct {
	w     history.EntryWrite
	dirty bool
}

func newTracking(runID string) *tracking {
	return &tracking{runID: runID, entries: map[entryKey]*pendingEntry{}}
}

func (t *tracking) entry(e runtime.Event, trial int) *pendingEntry {
	k := entryKey{e.Block, trial}
	p := t.entries[k]
	if p == nil {
		p = &pendingEntry{w: history.EntryWrite{Entry: &history.Entry{RunID: t.runID, Pipeline: e.Pipeline, Block: e.Block,
			Trial: trial, Status: string(history.Running), Started: e.Time}}}
		t.entries[k] = p
		t.order = append(t.order, k)
	}
	return p
}

// add applies one record to its entry.
func (t *tracking) add(e runtime.Event) {
	rec := e.Record
	p := t.entry(e, rec.Trial)
	en := p.w.Entry
	p.dirty = true
	if !rec.Time.IsZero() {
		en.Updated = rec.Time
	}
	switch rec.Kind {
	case blocks.RecordParam:
		if en.Params == nil {
			en.Params = map[string]json.RawMessage{}
		}
		en.Params[rec.Name] = rec.Value
	case blocks.RecordMetric:
		if en.Metrics == nil {
			en.Metrics = map[string]float64{}
		}
		en.Metrics[rec.Name] = rec.Number
		if rec.Stepped {
			if i, found := slices.BinarySearch(en.Stepped, rec.Name); !found {
				en.Stepped = slices.Insert(en.Stepped, i, rec.Name)
			}
			if p.w.Steps == nil {
				p.w.Steps = map[string][]history.Point{}
			}
			p.w.Steps[rec.Name] = append(p.w.Steps[rec.Name], history.Point{Step: rec.Step, Value: rec.Number})
		}
	case blocks.RecordArtifact:
		en.Artifacts = append(en.Artifacts, history.Artifact{Name: rec.Name, Hash: rec.Hash, Size: rec.Size})
	case blocks.RecordModel:
		p.w.Register = append(p.w.Register, history.ModelRequest{Name: rec.Name, Hash: rec.Hash, Size: rec.Size, CodeHash: rec.CodeHash})
	case blocks.RecordTrial:
		if rec.Status != "" {
			en.Status = rec.Status
		}
		if len(rec.Value) > 0 {
			var params map[string]json.RawMessage
			if json.Unmarshal(rec.Value, &params) == nil {
				if en.Params == nil {
					en.Params = map[string]json.RawMessage{}
				}
				for k, v := range params {
					en.Params[k] = v
				}
			}
		}
	}
}

// finish records the final status of a block's entry (and of trials still running).
func (t *tracking) finish(block, status string) {
	for _, k := range t.order {
		p := t.entries[k]
		if k.block != block {
			continue
		}
		if k.trial == 0 || p.w.Entry.Status == string(history.Running) {
			s := status
			if k.trial > 0 && s == runtime.StatusSucceeded {
				s = runtime.StatusFailed // a trial that never reported its end
			}
			p.w.Entry.Status = s
			p.dirty = true
		}
	}
}

// write stores the entries that changed since the last write.
func (t *tracking) write(ctx context.Context, h *history.Store) error {
	var ws []*history.EntryWrite
	var ps []*pendingEntry
	for _, k := range t.order {
		if p := t.entries[k]; p.dirty {
			ws = append(ws, &p.w)
			ps = append(ps, p)
		}
	}
	if len(ws) == 0 {
		return nil
	}
	if err := h.WriteEntries(context.WithoutCancel(ctx), ws); err != nil {
		return fmt.Errorf("record experiment entries of run %s: %w", t.runID, err)
	}
	for _, p := range ps {
		p.dirty, p.w.Steps, p.w.Register = false, nil, nil
	}
	return nil
}
