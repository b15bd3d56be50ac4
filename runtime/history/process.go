package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// Process identifies the process that owns a run.
type Process struct {
	PID   int
	Host  string
	Start string // ProcessStart(PID), "" where unknown
}

// Self describes the current process.
func Self() Process {
	host, _ := os.Hostname()
	return Process{PID: os.Getpid(), Host: host, Start: ProcessStart(os.Getpid())}
}

// ProcessStart returns a marker that differs between two processes that got
// the same PID: on Linux "<boot id>/<start time in clock ticks>" from /proc.
// It returns "" when the process does not exist or the platform has no /proc.
func ProcessStart(pid int) string {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// Field 2 (comm) may contain spaces and parentheses: skip to the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	fields := bytes.Fields(stat[i+1:])
	// fields[0] is field 3 (state); starttime is field 22.
	if len(fields) < 20 {
		return ""
	}
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return string(bytes.TrimSpace(boot)) + "/" + string(fields[19])
}

// ProcessAlive reports whether a process with this PID exists (signal 0).
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// owned reports whether the process recorded on r still runs it: the PID is
// alive and, when both markers are known, it is the same process.
func owned(r *PipelineRun, isAlive func(int) bool) bool {
	if !isAlive(r.PID) {
		return false
	}
	if r.ProcStart == "" {
		return true
	}
	now := ProcessStart(r.PID)
	return now == "" || now == r.ProcStart
}

// MarkCrashed turns unfinished runs (queued, running, retrying) of this host
// whose owning process is gone into crashed runs, ending their unfinished
// blocks too (running → crashed, queued → skipped). isAlive nil means
// ProcessAlive. A PID that is alive but belongs to a process with another
// start marker counts as gone. Runs recorded on another host are left alone:
// their processes cannot be checked from here. It returns the IDs it marked.
func (s *Store) MarkCrashed(ctx context.Context, isAlive func(pid int) bool) ([]string, error) {
	if isAlive == nil {
		isAlive = ProcessAlive
	}
	candidates, err := s.orphans(ctx, isAlive)
	if err != nil || len(candidates) == 0 {
		return nil, err
	}
	var marked []string
	now := s.opts.Now()
	err = s.update(ctx, func(tx *bolt.Tx) error {

		marked = marked[:0]
		for _, id := range candidates {
			r, err := getRun(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.Status.Terminal() || owned(r, isAlive) { // finished or re-owned meanwhile
				continue
			}
			old := r.Status
			r.Status = Crashed
			r.EndedAt = now
			if r.Error == "" {
				r.Error = fmt.Sprintf("process %d on %s ended without finishing the run", r.PID, r.Host)
			}
			for i := range r.Blocks {
				b := &r.Blocks[i]
				switch b.Status {
				case Running, Retrying:
					b.Status = Crashed
					if n := len(b.Attempts); n > 0 && b.Attempts[n-1].End.IsZero() {
						b.Attempts[n-1].End = now
						b.Attempts[n-1].Error = "process crashed"
					}
				case Queued:
					b.Status = Skipped
				}
			}
			if err := writeRun(tx, r, old); err != nil {
				return err
			}
			marked = append(marked, id)
		}
		return nil
	})
	return marked, err
}

// orphans returns the unfinished runs (queued, running, retrying) of this host whose owning
// process is gone.
func (s *Store) orphans(ctx context.Context, isAlive func(pid int) bool) ([]string, error) {
	var out []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		for _, st := range []Status{Queued, Running, Retrying} {
			err := walkBack(tx.Bucket(bucketByStatus), string(st), "", func(id, _ []byte) (bool, error) {
				r, err := getRun(tx, string(id))
				if err != nil {
					return false, err
				}
				if r.Host == s.self.Host && !owned(r, isAlive) {
					out = append(out, r.ID)
				}
				return true, nil
			}, func() bool { return false })
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Orphans returns the IDs of the unfinished runs of this host whose owning process is gone: a
// coordinator that restarts adopts those the cluster still runs before MarkCrashed ends the rest.
func (s *Store) Orphans(ctx context.Context) ([]string, error) {
	return s.orphans(ctx, ProcessAlive)
}

// Adopt makes this process the owner of unfinished run id.
func (s *Store) Adopt(ctx context.Context, id string) error {
	_, err := s.Update(ctx, id, func(r *PipelineRun) error {
		if r.Status.Terminal() {
			return fmt.Errorf("run %s already %s", id, r.Status)
		}
		r.PID, r.Host, r.ProcStart = s.self.PID, s.self.Host, s.self.Start
		return nil
	})
	return err
}
