package history

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// Experiment tracking: what blocks log (ctx.LogParam, LogMetric, LogArtifact, LogModel) is kept as
// one entry per run and block, and per trial of a block's search. Entries live in their own
// buckets beside the runs, so listing runs never decodes them and listing entries never decodes
// runs; stepped metrics (curves) are in a third bucket, read only for the entries one compares.
var (
	bucketEntries = []byte("entries") // entryKey → encoded Entry
	bucketSteps   = []byte("steps")   // entryKey \x00 metric → packed points
)

// Entry is what one block (or one trial of its search) logged in one run.
//
//golem:json entryJSON
type Entry struct {
	RunID     string
	Pipeline  string
	Block     string
	Trial     int    // 0: the block itself; n: trial n of the block's search, whose entry is its parent
	Status    string // running, succeeded, failed, pruned, cancelled
	Params    map[string]json.RawMessage
	Metrics   map[string]float64 // the last value of each metric
	Stepped   []string           // metrics with points at steps (curves), sorted
	Artifacts []Artifact
	Models    []ModelRef // versions the block registered, in order
	Started   time.Time
	Updated   time.Time
}

// Artifact is a file a block logged, stored content-addressed (runtime/artifact).
type Artifact struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
	Size int64  `json:"size"`
}

// ModelRef names one registered model version.
type ModelRef struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// Point is one value of a stepped metric.
//
//golem:tsname StepPoint
type Point struct {
	Step  int     `json:"step"`
	Value float64 `json:"value"`
}

// EntryID returns the identifier of the entry of block in run runID (trial 0) or of its trial n:
// runID/block or runID/block/n.
func EntryID(runID, block string, trial int) string {
	if trial > 0 {
		return runID + "/" + block + "/" + strconv.Itoa(trial)
	}
	return runID + "/" + block
}

// ID returns the entry's identifier (EntryID).
func (e *Entry) ID() string { return EntryID(e.RunID, e.Block, e.Trial) }

// Parent returns the identifier of the search a trial belongs to, "" for a block's own entry.
func (e *Entry) Parent() string {
	if e.Trial == 0 {
		return ""
	}
	return EntryID(e.RunID, e.Block, 0)
}

// parseEntryID splits an entry identifier.
func parseEntryID(id string) (runID, block string, trial int, err error) {
	parts := strings.Split(id, "/")
	if len(parts) < 2 || len(parts) > 3 || !ValidID(parts[0]) || parts[1] == "" {
		return "", "", 0, fmt.Errorf("%w: entry %q (want RUN/BLOCK or RUN/BLOCK/TRIAL)", ErrNotFound, id)
	}
	if len(parts) == 3 {
		if trial, err = strconv.Atoi(parts[2]); err != nil || trial <= 0 {
			return "", "", 0, fmt.Errorf("%w: entry %q: bad trial", ErrNotFound, id)
		}
	}
	return parts[0], parts[1], trial, nil
}

func entryKey(runID, block string, trial int) []byte {
	k := make([]byte, 0, len(runID)+len(block)+6)
	k = append(k, runID...)
	k = append(k, 0)
	k = append(k, block...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(trial))
}

// entryJSON is the JSON layout of an entry (golem experiments --json, the editor's API).
type entryJSON struct {
	ID        string                     `json:"id"`
	RunID     string                     `json:"run_id"`
	Pipeline  string                     `json:"pipeline"`
	Block     string                     `json:"block"`
	Trial     int                        `json:"trial,omitempty"`
	Parent    *string                    `json:"parent"`
	Status    string                     `json:"status"`
	Params    map[string]json.RawMessage `json:"params"`
	Metrics   map[string]float64         `json:"metrics"`
	Stepped   []string                   `json:"stepped"`
	Artifacts []Artifact                 `json:"artifacts"`
	Model     *ModelRef                  `json:"model"`
	Models    []ModelRef                 `json:"models,omitempty"`
	Started   time.Time                  `json:"started"`
	Updated   time.Time                  `json:"updated"`
}

// MarshalJSON writes the entry with its id, parent (null for a block's own entry) and model (the
// last version it registered, or null).
func (e *Entry) MarshalJSON() ([]byte, error) {
	j := entryJSON{ID: e.ID(), RunID: e.RunID, Pipeline: e.Pipeline, Block: e.Block, Trial: e.Trial, Status: e.Status,
		Params: e.Params, Metrics: e.Metrics, Stepped: e.Stepped, Artifacts: e.Artifacts, Models: e.Models,
		Started: e.Started, Updated: e.Updated}
	if p := e.Parent(); p != "" {
		j.Parent = &p
	}
	if j.Params == nil {
		j.Params = map[string]json.RawMessage{}
	}
	if j.Metrics == nil {
		j.Metrics = map[string]float64{}
	}
	if j.Stepped == nil {
		j.Stepped = []string{}
	}
	if j.Artifacts == nil {
		j.Artifacts = []Artifact{}
	}
	if n := len(e.Models); n > 0 {
		j.Model = &e.Models[n-1]
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Entry) UnmarshalJSON(b []byte) error {
	var j entryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Entry{RunID: j.RunID, Pipeline: j.Pipeline, Block: j.Block, Trial: j.Trial, Status: j.Status, Params: j.Params,
		Metrics: j.Metrics, Stepped: j.Stepped, Artifacts: j.Artifacts, Models: j.Models, Started: j.Started, Updated: j.Updated}
	return nil
}

// EntryWrite is a change to one entry: its new state, stepped points to append and models to
// register. The recorder accumulates them and writes them in one transaction per tick.
type EntryWrite struct {
	Entry    *Entry
	Steps    map[string][]Point
	Register []ModelRequest
}

// ModelRequest asks to register a new version of model Name from the stored model Hash.
type ModelRequest struct {
	Name     string
	Hash     string
	Size     int64
	CodeHash string
}

// WriteEntries stores the entries, appends their points and registers their models in one
// transaction. A registered version is appended to its entry's Models (in the caller's Entry too).
func (s *Store) WriteEntries(ctx context.Context, ws []*EntryWrite) error {
	if len(ws) == 0 {
		return nil
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		eb, err := tx.CreateBucketIfNotExists(bucketEntries)
		if err != nil {
			return err
		}
		sb, err := tx.CreateBucketIfNotExists(bucketSteps)
		if err != nil {
			return err
		}
		for _, w := range ws {
			e := w.Entry
			k := entryKey(e.RunID, e.Block, e.Trial)
			for _, m := range sortedKeys(w.Steps) {
				sk := append(append(bytes.Clone(k), 0), m...)
				old := sb.Get(sk)
				buf := make([]byte, len(old), len(old)+len(w.Steps[m])*12)
				copy(buf, old)
				for _, p := range w.Steps[m] {
					buf = binary.AppendVarint(buf, int64(p.Step))
					buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(p.Value))
				}
				if err := sb.Put(sk, buf); err != nil {
					return err
				}
			}
			for _, req := range w.Register {
				ref, err := registerVersion(tx, e, req)
				if err != nil {
					return err
				}
				e.Models = append(e.Models, ref)
			}
			if err := refreshLineage(tx, e); err != nil {
				return err
			}
			if err := eb.Put(k, encodeEntry(e)); err != nil {
				return err
			}
		}
		return nil
	})
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// EntryFilter selects entries. Zero fields do not filter.
type EntryFilter struct {
	Pipeline string
	RunID    string
	Parent   string // the trials of this search (an entry id)
	NoTrials bool   // only the blocks' own entries
	Limit    int    // newest first; 0 means all
}

// Entries returns the entries matching f, newest run first.
func (s *Store) Entries(ctx context.Context, f EntryFilter) ([]*Entry, error) {
	var out []*Entry
	var prefix []byte
	if f.RunID != "" {
		prefix = append([]byte(f.RunID), 0)
	}
	var parentRun, parentBlock string
	if f.Parent != "" {
		var err error
		var trial int
		if parentRun, parentBlock, trial, err = parseEntryID(f.Parent); err != nil || trial != 0 {
			return nil, fmt.Errorf("%w: search %q", ErrNotFound, f.Parent)
		}
		prefix = append(append(append([]byte(parentRun), 0), parentBlock...), 0)
	}
	err := s.scan(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEntries)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		var k, v []byte
		var chunk []Entry
		if prefix != nil {
			k, v = c.Seek(append(bytes.Clone(prefix), 0xff))
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		} else {
			k, v = c.Last()
		}
		for ; k != nil; k, v = c.Prev() {
			if prefix != nil && !bytes.HasPrefix(k, prefix) {
				break
			}
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
			if len(chunk) == cap(chunk) {
				chunk = make([]Entry, 0, 256) // entries allocated by the 256
			}
			chunk = append(chunk, Entry{})
			e := &chunk[len(chunk)-1]
			if err := decodeEntry(v, e); err != nil {
				return fmt.Errorf("decode entry %q: %w", k, err)
			}
			if (f.Pipeline != "" && e.Pipeline != f.Pipeline) || (f.NoTrials && e.Trial > 0) ||
				(f.Parent != "" && e.Trial == 0) {
				chunk = chunk[:len(chunk)-1]
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	if f.Parent != "" {
		sort.Slice(out, func(i, j int) bool { return out[i].Trial < out[j].Trial })
	}
	return out, err
}

// Entry returns the entry with the given id (EntryID).
func (s *Store) Entry(ctx context.Context, id string) (*Entry, error) {
	runID, block, trial, err := parseEntryID(id)
	if err != nil {
		return nil, err
	}
	var e Entry
	err = s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEntries)
		var v []byte
		if b != nil {
			v = b.Get(entryKey(runID, block, trial))
		}
		if v == nil {
			return fmt.Errorf("%w: entry %s", ErrNotFound, id)
		}
		return decodeEntry(v, &e)
	})
	return &e, err
}

// Steps returns the points of every stepped metric of entry id, by metric.
func (s *Store) Steps(ctx context.Context, id string) (map[string][]Point, error) {
	runID, block, trial, err := parseEntryID(id)
	if err != nil {
		return nil, err
	}
	out := map[string][]Point{}
	prefix := append(entryKey(runID, block, trial), 0)
	err = s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSteps)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			pts, err := decodePoints(v)
			if err != nil {
				return fmt.Errorf("decode points of %s %q: %w", id, k[len(prefix):], err)
			}
			out[string(k[len(prefix):])] = pts
		}
		return nil
	})
	return out, err
}

func decodePoints(v []byte) ([]Point, error) {
	var pts []Point
	for len(v) > 0 {
		step, n := binary.Varint(v)
		if n <= 0 || len(v) < n+8 {
			return pts, errCorrupt
		}
		pts = append(pts, Point{Step: int(step), Value: math.Float64frombits(binary.LittleEndian.Uint64(v[n:]))})
		v = v[n+8:]
	}
	return pts, nil
}

// deleteEntries removes the entries and points of run id.
func deleteEntries(tx *bolt.Tx, id string) error {
	prefix := append([]byte(id), 0)
	for _, name := range [][]byte{bucketEntries, bucketSteps} {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		c := b.Cursor()
		var keys [][]byte
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Entries are stored in a binary format like runs (codec.go): 10,000 entries decode in a few ms.
const entryV1 = 1

func encodeEntry(e *Entry) []byte {
	b := make([]byte, 0, 128+len(e.Params)*24+len(e.Metrics)*24)
	b = append(b, entryV1)
	b = appendString(b, e.RunID)
	b = appendString(b, e.Pipeline)
	b = appendString(b, e.Block)
	b = binary.AppendUvarint(b, uint64(e.Trial))
	b = appendString(b, e.Status)
	b = binary.AppendUvarint(b, uint64(len(e.Params)))
	for _, k := range sortedKeys(e.Params) {
		b = appendString(b, k)
		b = appendString(b, string(e.Params[k]))
	}
	b = binary.AppendUvarint(b, uint64(len(e.Metrics)))
	for _, k := range sortedKeys(e.Metrics) {
		b = appendString(b, k)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Metrics[k]))
	}
	b = binary.AppendUvarint(b, uint64(len(e.Stepped)))
	for _, m := range e.Stepped {
		b = appendString(b, m)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Artifacts)))
	for _, a := range e.Artifacts {
		b = appendString(b, a.Name)
		b = appendString(b, a.Hash)
		b = binary.AppendVarint(b, a.Size)
	}
	b = binary.AppendUvarint(b, uint64(len(e.Models)))
	for _, m := range e.Models {
		b = appendString(b, m.Name)
		b = binary.AppendUvarint(b, uint64(m.Version))
	}
	b = appendTime(b, e.Started)
	return appendTime(b, e.Updated)
}

func decodeEntry(data []byte, e *Entry) error {
	if len(data) == 0 || data[0] != entryV1 {
		return errCorrupt
	}
	// One copy of the record, which the entry's strings and raw values then share: listing
	// 10,000 entries allocated ~26 times per entry with a copy per field, ~5 times like this.
	own := bytes.Clone(data[1:])
	d := decoder{b: own}
	str := func() string {
		b := d.bytes()
		if len(b) == 0 {
			return ""
		}
		return unsafe.String(&b[0], len(b))
	}
	e.RunID = str()
	e.Pipeline = str()
	e.Block = str()
	e.Trial = int(d.uvarint())
	e.Status = str()
	if n := d.count(); n > 0 {
		e.Params = make(map[string]json.RawMessage, n)
		for range n {
			k := str()
			e.Params[k] = json.RawMessage(d.bytes())
		}
	}
	if n := d.count(); n > 0 {
		e.Metrics = make(map[string]float64, n)
		for range n {
			k := str()
			e.Metrics[k] = d.float()
		}
	}
	if n := d.count(); n > 0 {
		e.Stepped = make([]string, n)
		for i := range e.Stepped {
			e.Stepped[i] = str()
		}
	}
	if n := d.count(); n > 0 {
		e.Artifacts = make([]Artifact, n)
		for i := range e.Artifacts {
			e.Artifacts[i] = Artifact{Name: str(), Hash: str(), Size: d.varint()}
		}
	}
	if n := d.count(); n > 0 {
		e.Models = make([]ModelRef, n)
		for i := range e.Models {
			e.Models[i] = ModelRef{Name: str(), Version: int(d.uvarint())}
		}
	}
	e.Started = d.time()
	e.Updated = d.time()
	return d.err
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}
