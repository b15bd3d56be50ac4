package history

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Claim starts queued run id if its pipeline's concurrency limit allows it now, across every
// process that records runs in this history: fewer than limit runs of the pipeline running (limit
// 0: no limit) and no older run of it queued, counting only runs whose owning process is alive. It
// reports whether the run started and, if not, the run it waits behind. A run that is no longer
// queued (cancelled meanwhile) is an error wrapping ErrNotQueued.
func (s *Store) Claim(ctx context.Context, id string, limit int) (started bool, behind string, err error) {
	if limit > 0 {
		// Most waits end here, in a read transaction: a write (and its fsync) only when it may start.
		err = s.view(ctx, func(tx *bolt.Tx) error {
			behind, err = s.blocker(tx, id, limit)
			return err
		})
		if err != nil || behind != "" {
			return false, behind, err
		}
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		r, err := getRun(tx, id)
		if err != nil {
			return err
		}
		if r.Status != Queued {
			return fmt.Errorf("%w: run %s is %s", ErrNotQueued, id, r.Status)
		}
		if limit > 0 {
			if behind, err = s.blocker(tx, id, limit); err != nil || behind != "" {
				return err
			}
		}
		r.Status, r.StartedAt = Running, s.opts.Now()
		started = true
		return writeRun(tx, r, Queued)
	})
	return started, behind, err
}

// blocker returns the run that queued run id must wait for, "" if none.
func (s *Store) blocker(tx *bolt.Tx, id string, limit int) (string, error) {
	r, err := getRun(tx, id)
	if err != nil {
		return "", err
	}
	prefix := key(r.Pipeline, "")
	var running []string
	c := tx.Bucket(bucketByPipeline).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		other := string(k[len(prefix):])
		st := Status(v)
		if other == id || (st != Running && st != Retrying && !(st == Queued && other < id)) {
			continue
		}
		o, err := getRun(tx, other)
		if err != nil {
			return "", err
		}
		if !s.alive(o) {
			continue // left behind by a dead process: MarkCrashed ends it
		}
		if st == Queued {
			return other, nil // first come, first served
		}
		running = append(running, other)
	}
	if len(running) >= limit {
		return running[0], nil
	}
	return "", nil
}

// alive reports whether run r's owning process may still be working on it; runs of other hosts
// cannot be checked and count as alive.
func (s *Store) alive(r *PipelineRun) bool {
	return r.Host != s.self.Host || owned(r, ProcessAlive)
}
