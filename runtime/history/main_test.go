package history

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// The test binary doubles as the "other process" of the multi-process tests:
// with GOLEM_HISTORY_CHILD set it runs a child role instead of the tests.
func TestMain(m *testing.M) {
	if role := os.Getenv("GOLEM_HISTORY_CHILD"); role != "" {
		if err := child(role, os.Getenv("GOLEM_HISTORY_DIR")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func child(role, dir string) error {
	ctx := context.Background()
	s, err := Open(dir, Options{})
	if err != nil {
		return err
	}
	switch role {
	case "writer": // records GOLEM_HISTORY_N finished runs of pipeline "child"
		n, _ := strconv.Atoi(os.Getenv("GOLEM_HISTORY_N"))
		for i := range n {
			if _, err := recordRun(ctx, s, "child", i); err != nil {
				return err
			}
		}
		return nil
	case "crasher": // starts a run, says its ID, then keeps writing until killed
		r := &PipelineRun{Pipeline: "crashy", Trigger: TriggerCLI}
		if err := s.Create(ctx, r); err != nil {
			return err
		}
		if _, err := s.Update(ctx, r.ID, func(r *PipelineRun) error {
			r.Status, r.StartedAt = Running, time.Now()
			b := r.Block("load")
			b.Status = Running
			b.Attempts = append(b.Attempts, Attempt{Start: time.Now()})
			r.Block("train")
			return nil
		}); err != nil {
			return err
		}
		if err := s.AppendLog(r.ID, "load", "started"); err != nil {
			return err
		}
		w := bufio.NewWriter(os.Stdout)
		fmt.Fprintln(w, r.ID)
		w.Flush()
		for i := 0; ; i++ { // busy writing so the kill lands mid-transaction now and then
			if _, err := s.Update(ctx, r.ID, func(r *PipelineRun) error {
				r.Vars = map[string]string{"i": strconv.Itoa(i)}
				return nil
			}); err != nil {
				return err
			}
			if err := s.AppendLog(r.ID, "load", fmt.Sprintf("line %d", i)); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("unknown role %q", role)
}

// recordRun records a whole run the way the runner will: queued, running,
// three blocks, succeeded.
func recordRun(ctx context.Context, s *Store, pipeline string, i int) (*PipelineRun, error) {
	r := &PipelineRun{Pipeline: pipeline, Trigger: TriggerCLI, Vars: map[string]string{"i": strconv.Itoa(i)}}
	if err := s.Create(ctx, r); err != nil {
		return nil, err
	}
	return s.Update(ctx, r.ID, func(r *PipelineRun) error {
		start := time.Now()
		r.Status, r.StartedAt = Succeeded, start
		for _, name := range []string{"ingest", "prepare", "train"} {
			b := r.Block(name)
			b.Status, b.Rows, b.Cols, b.Duration = Succeeded, 68000, 20, time.Millisecond
			b.Attempts = []Attempt{{Start: start, End: start.Add(time.Millisecond)}}
		}
		r.EndedAt = time.Now()
		return nil
	})
}
