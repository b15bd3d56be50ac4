package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names.
var (
	bucketRuns       = []byte("runs")        // id → encoded PipelineRun (codec.go)
	bucketByPipeline = []byte("by_pipeline") // pipeline \x00 id → status
	bucketByStatus   = []byte("by_status")   // status \x00 id → nil
	bucketFires      = []byte("fires")       // pipeline \x00 trigger → RFC 3339 time of the last fire
	bucketMeta       = []byte("meta")        // "version" → "1"
	allBuckets       = [][]byte{bucketRuns, bucketByPipeline, bucketByStatus, bucketFires, bucketMeta,
		bucketEntries, bucketSteps, bucketModels, bucketVersions}
)

// DBFile and LogsDir are the names used inside the directory given to Open.
const (
	DBFile  = "history.db"
	LogsDir = "logs"
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// LockTimeout bounds the wait for another process's transaction; 0 means 10s.
	LockTimeout time.Duration
	// Now is the clock used for QueuedAt and crash times; nil means time.Now.
	Now func() time.Time
}

// Store is the run history of one project. It is safe for concurrent use by
// goroutines and by several processes (see the package documentation).
type Store struct {
	dir  string
	path string
	opts Options
	ids  IDGen
	self Process
	mu   sync.RWMutex // orders this process's goroutines before the file lock
}

// Open prepares the history in dir (normally <project>/.golem), creating the
// directory and the database if needed. It does not keep the file open.
func Open(dir string, o Options) (*Store, error) {
	if o.LockTimeout <= 0 {
		o.LockTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Join(dir, LogsDir), 0o755); err != nil {
		return nil, fmt.Errorf("open history %q: %w", dir, err)
	}
	s := &Store{dir: dir, path: filepath.Join(dir, DBFile), opts: o, self: Self()}
	err := s.update(context.Background(), func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put([]byte("version"), []byte("1"))
	})
	if err != nil {
		return nil, fmt.Errorf("open history %q: %w", s.path, err)
	}
	return s, nil
}

// Path returns the database file.
func (s *Store) Path() string { return s.path }

// view runs fn in a read transaction on a freshly opened read-only database.
func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.withDB(ctx, false, 0, func(db *bolt.DB) error { return db.View(fn) })
}

// scan is view for transactions that read much of the file: the mapping is
// prefaulted in one go (MAP_POPULATE), because bbolt maps with MADV_RANDOM
// and a fresh mapping otherwise takes one page fault per 4 KiB page read.
func (s *Store) scan(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.withDB(ctx, false, mapPopulate, func(db *bolt.DB) error { return db.View(fn) })
}

// update runs fn in a write transaction on a freshly opened database.
func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.withDB(ctx, true, 0, func(db *bolt.DB) error { return db.Update(fn) })
}

func (s *Store) withDB(ctx context.Context, write bool, mmapFlags int, fn func(*bolt.DB) error) error {
	unlock, err := fileLock(ctx, s.path+".lock", write, s.opts.LockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.opts.LockTimeout, ReadOnly: !write, MmapFlags: mmapFlags})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("%w: %s: %w", ErrLocked, s.path, err)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return fmt.Errorf("%w (%w): to start a new history, move it aside (past runs are forgotten, stored outputs are kept): mv %s %s",
			ErrCorrupt, err, shellQuote(s.path), shellQuote(s.path+".corrupt"))
	}
	if err != nil {
		return err
	}
	err = fn(db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// shellQuote quotes p for a POSIX shell when it holds anything but safe path characters.
func shellQuote(p string) string {
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,@", r)) {
			return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return p
}

func key(prefix string, id string) []byte {
	k := make([]byte, 0, len(prefix)+1+len(id))
	k = append(k, prefix...)
	k = append(k, 0)
	return append(k, id...)
}

func putRun(tx *bolt.Tx, r *PipelineRun) error {
	return tx.Bucket(bucketRuns).Put([]byte(r.ID), encodeRun(r))
}

func getRun(tx *bolt.Tx, id string) (*PipelineRun, error) {
	data := tx.Bucket(bucketRuns).Get([]byte(id))
	if data == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	var r PipelineRun
	if err := decodeRun(data, &r); err != nil {
		return nil, fmt.Errorf("decode run %s: %w", id, err)
	}
	return &r, nil
}

// Create records a new run before it starts. It fills in a missing ID,
// Trigger (manual), Status (queued), QueuedAt (now) and the owning process
// (PID, Host, ProcStart of this process).
func (s *Store) Create(ctx context.Context, r *PipelineRun) error {
	if err := s.fill(r); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error { return create(tx, r) })
}

// CreateStarted records a new queued run as Create does and, in the same transaction, starts it
// as Claim would: one write instead of two for a run that does not wait.
func (s *Store) CreateStarted(ctx context.Context, r *PipelineRun, limit int) (started bool, behind string, err error) {
	r.Status = Queued
	if err := s.fill(r); err != nil {
		return false, "", err
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		if err := create(tx, r); err != nil {
			return err
		}
		if limit > 0 {
			if behind, err = s.blocker(tx, r.ID, limit); err != nil || behind != "" {
				return err
			}
		}
		r.Status, r.StartedAt = Running, s.opts.Now()
		started = true
		return writeRun(tx, r, Queued)
	})
	if err != nil {
		r.Status, started, behind = Queued, false, ""
	}
	return started, behind, err
}

// fill completes a new run's defaults and validates it.
func (s *Store) fill(r *PipelineRun) error {
	if r.ID == "" {
		r.ID = s.ids.New(s.opts.Now())
	}
	if r.Trigger == "" {
		r.Trigger = TriggerManual
	}
	if r.Status == "" {
		r.Status = Queued
	}
	if r.QueuedAt.IsZero() {
		r.QueuedAt = s.opts.Now()
	}
	if r.PID == 0 {
		r.PID, r.Host, r.ProcStart = s.self.PID, s.self.Host, s.self.Start
	}
	return r.validate()
}

func create(tx *bolt.Tx, r *PipelineRun) error {
	if tx.Bucket(bucketRuns).Get([]byte(r.ID)) != nil {
		return fmt.Errorf("%w: %s", ErrExists, r.ID)
	}
	if err := putRun(tx, r); err != nil {
		return err
	}
	if err := tx.Bucket(bucketByPipeline).Put(key(r.Pipeline, r.ID), []byte(r.Status)); err != nil {
		return err
	}
	return tx.Bucket(bucketByStatus).Put(key(string(r.Status), r.ID), nil)
}

// Get returns the run with the given ID, or an error wrapping ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*PipelineRun, error) {
	var r *PipelineRun
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		r, err = getRun(tx, id)
		return err
	})
	return r, err
}

// Update reads run id, applies fn and writes it back in one transaction,
// keeping the indexes in step; if fn returns an error nothing is written.
// fn must not change ID or Pipeline. It returns the updated run.
func (s *Store) Update(ctx context.Context, id string, fn func(*PipelineRun) error) (*PipelineRun, error) {
	var out *PipelineRun
	err := s.update(ctx, func(tx *bolt.Tx) error {
		r, err := getRun(tx, id)
		if err != nil {
			return err
		}
		old, pipeline := r.Status, r.Pipeline
		if err := fn(r); err != nil {
			return err
		}
		if r.ID != id || r.Pipeline != pipeline {
			return fmt.Errorf("%w: run %s", ErrImmutable, id)
		}
		if err := r.validate(); err != nil {
			return err
		}
		if err := writeRun(tx, r, old); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// writeRun stores r and moves its index entries from status old to r.Status.
func writeRun(tx *bolt.Tx, r *PipelineRun, old Status) error {
	if err := putRun(tx, r); err != nil {
		return err
	}
	if old == r.Status {
		return nil
	}
	if err := tx.Bucket(bucketByPipeline).Put(key(r.Pipeline, r.ID), []byte(r.Status)); err != nil {
		return err
	}
	bs := tx.Bucket(bucketByStatus)
	if err := bs.Delete(key(string(old), r.ID)); err != nil {
		return err
	}
	return bs.Put(key(string(r.Status), r.ID), nil)
}

// Delete removes run id and its logs.
func (s *Store) Delete(ctx context.Context, id string) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		r, err := getRun(tx, id)
		if err != nil {
			return err
		}
		return deleteRun(tx, r.ID, r.Pipeline, r.Status)
	})
	if err != nil {
		return err
	}
	return s.RemoveLogs(id)
}

func deleteRun(tx *bolt.Tx, id, pipeline string, status Status) error {
	if err := deleteEntries(tx, id); err != nil {
		return err
	}
	if err := tx.Bucket(bucketRuns).Delete([]byte(id)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketByPipeline).Delete(key(pipeline, id)); err != nil {
		return err
	}
	return tx.Bucket(bucketByStatus).Delete(key(string(status), id))
}

// Filter selects runs for List. Zero fields do not filter.
type Filter struct {
	Pipeline string
	Status   Status
	// Limit caps the number of runs returned; 0 means all.
	Limit int
	// Before returns only runs whose ID sorts before it (exclusive): pass the
	// last ID of a page to get the next page, or IDAt(t) for runs created before t.
	Before string
}

// List returns the runs matching f, newest first. It walks an index
// backwards and decodes only the runs it returns.
func (s *Store) List(ctx context.Context, f Filter) ([]*PipelineRun, error) {
	if f.Status != "" && !f.Status.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrInvalidStatus, f.Status)
	}
	var out []*PipelineRun
	read := s.view
	if f.Limit == 0 || f.Limit > 500 {
		read = s.scan
	}
	err := read(ctx, func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns)
		add := func(id []byte) error {
			data := runs.Get(id)
			if data == nil {
				return nil // index ahead of data cannot happen in one tx; be lenient
			}
			var r PipelineRun
			if err := decodeRun(data, &r); err != nil {
				return fmt.Errorf("decode run %s: %w", id, err)
			}
			out = append(out, &r)
			return nil
		}
		full := func() bool { return f.Limit > 0 && len(out) >= f.Limit }
		switch {
		case f.Pipeline != "":
			return walkBack(tx.Bucket(bucketByPipeline), f.Pipeline, f.Before, func(id, status []byte) (bool, error) {
				if f.Status != "" && string(status) != string(f.Status) {
					return true, nil
				}
				return !full(), add(id)
			}, full)
		case f.Status != "":
			return walkBack(tx.Bucket(bucketByStatus), string(f.Status), f.Before, func(id, _ []byte) (bool, error) {
				return !full(), add(id)
			}, full)
		default:
			c := runs.Cursor()
			var k, v []byte
			if f.Before != "" {
				k, _ = c.Seek([]byte(f.Before))
				if k == nil {
					k, v = c.Last()
				} else {
					k, v = c.Prev()
				}
			} else {
				k, v = c.Last()
			}
			for ; k != nil && !full(); k, v = c.Prev() {
				var r PipelineRun
				if err := decodeRun(v, &r); err != nil {
					return fmt.Errorf("decode run %s: %w", k, err)
				}
				out = append(out, &r)
			}
			return nil
		}
	})
	return out, err
}

// walkBack visits the keys prefix\x00<id> of b from the newest id below
// before (all if empty) backwards, calling fn with the id and the value.
func walkBack(b *bolt.Bucket, prefix, before string, fn func(id, v []byte) (bool, error), done func() bool) error {
	pre := append([]byte(prefix), 0)
	var seek []byte
	if before != "" {
		seek = key(prefix, before)
	} else {
		seek = append([]byte(prefix), 1) // just past every prefix\x00… key
	}
	c := b.Cursor()
	k, v := c.Seek(seek)
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, pre) && !done(); k, v = c.Prev() {
		more, err := fn(k[len(pre):], v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// Prune keeps the newest keep runs of pipeline ("" means every pipeline,
// each keeping its own newest keep) and deletes older finished runs with
// their logs. Unfinished runs are never removed, nor runs that registered a model version (its
// lineage points at them); they do not count against keep. It returns the removed IDs
// so the caller can delete their outputs.
func (s *Store) Prune(ctx context.Context, pipeline string, keep int) ([]string, error) {
	if keep < 0 {
		return nil, fmt.Errorf("prune: keep %d is negative", keep)
	}
	var removed []string
	err := s.update(ctx, func(tx *bolt.Tx) error {
		removed = removed[:0]
		pipelines := []string{pipeline}
		if pipeline == "" {
			pipelines = pipelineNames(tx)
		}
		registered := registeredRuns(tx)
		for _, p := range pipelines {
			type victim struct {
				id     string
				status Status
			}
			var victims []victim
			n := 0
			err := walkBack(tx.Bucket(bucketByPipeline), p, "", func(id, status []byte) (bool, error) {
				if registered[string(id)] {
					return true, nil
				}
				n++
				if n > keep && Status(status).Terminal() {
					victims = append(victims, victim{string(id), Status(status)})
				}
				return true, nil
			}, func() bool { return false })
			if err != nil {
				return err
			}
			for _, v := range victims {
				if err := deleteRun(tx, v.id, p, v.status); err != nil {
					return err
				}
				removed = append(removed, v.id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, id := range removed {
		errs = append(errs, s.RemoveLogs(id))
	}
	return removed, errors.Join(errs...)
}

// pipelineNames lists the pipelines that have runs, skipping from one prefix to the next.
func pipelineNames(tx *bolt.Tx) []string {
	var names []string
	c := tx.Bucket(bucketByPipeline).Cursor()
	for k, _ := c.First(); k != nil; {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			k, _ = c.Next()
			continue
		}
		name := string(k[:i])
		names = append(names, name)
		k, _ = c.Seek(append([]byte(name), 1))
	}
	return names
}

// Pipelines returns the names of the pipelines that have recorded runs.
func (s *Store) Pipelines(ctx context.Context) ([]string, error) {
	var names []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		names = pipelineNames(tx)
		return nil
	})
	return names, err
}

// OpenReader returns a Store that only reads the history in dir: it creates nothing, so a worker
// process can resolve registered models without writing the file the supervisor owns.
func OpenReader(dir string, o Options) *Store {
	if o.LockTimeout <= 0 {
		o.LockTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{dir: dir, path: filepath.Join(dir, DBFile), opts: o, self: Self()}
}
