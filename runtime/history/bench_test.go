package history

import (
	"context"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// seed fills a store with n finished three-block runs over 5 pipelines in
// one transaction (recording them one by one would take minutes of fsyncs).
func seed(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	err = s.update(context.Background(), func(tx *bolt.Tx) error {
		for i := range n {
			at := start.Add(time.Duration(i) * time.Minute)
			r := &PipelineRun{ID: s.ids.New(at), Pipeline: "pipe" + strconv.Itoa(i%5), Trigger: "schedule:nightly",
				Vars: map[string]string{"month": "2023-01"}, Status: Succeeded, QueuedAt: at, StartedAt: at,
				EndedAt: at.Add(3 * time.Second), PID: 4242, Host: "host", ProcStart: "boot/123"}
			for _, name := range []string{"ingest", "prepare", "train"} {
				b := r.Block(name)
				b.Status, b.Rows, b.Cols, b.Duration = Succeeded, 68000, 20, time.Second
				b.OutputRef = "outputs/" + r.Pipeline + "/" + name
				b.Attempts = []Attempt{{Start: at, End: at.Add(time.Second)}}
			}
			if err := putRun(tx, r); err != nil {
				return err
			}
			if err := tx.Bucket(bucketByPipeline).Put(key(r.Pipeline, r.ID), []byte(r.Status)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketByStatus).Put(key(string(r.Status), r.ID), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkList(b *testing.B) {
	s := seed(b, 10_000)
	cases := []struct {
		name string
		f    Filter
		want int
	}{
		{"all_10000", Filter{}, 10_000},
		{"page_50", Filter{Limit: 50}, 50},
		{"pipeline_page_50", Filter{Pipeline: "pipe3", Limit: 50}, 50},
		{"pipeline_all_2000", Filter{Pipeline: "pipe3"}, 2000},
		{"status_page_50", Filter{Status: Succeeded, Limit: 50}, 50},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				runs, err := s.List(context.Background(), c.f)
				if err != nil || len(runs) != c.want {
					b.Fatalf("%d runs, %v", len(runs), err)
				}
			}
		})
	}
}

// BenchmarkRecordRun records a run the way the runner will: create (queued),
// start, three blocks, finish — 3 write transactions.
func BenchmarkRecordRun(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		r := &PipelineRun{Pipeline: "p", Trigger: TriggerCLI}
		if err := s.Create(ctx, r); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Update(ctx, r.ID, func(r *PipelineRun) error { r.Status = Running; return nil }); err != nil {
			b.Fatal(err)
		}
		if _, err := recordRunFinish(ctx, s, r.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func recordRunFinish(ctx context.Context, s *Store, id string) (*PipelineRun, error) {
	return s.Update(ctx, id, func(r *PipelineRun) error {
		now := time.Now()
		for _, name := range []string{"ingest", "prepare", "train"} {
			b := r.Block(name)
			b.Status, b.Rows, b.Cols = Succeeded, 68000, 20
			b.Attempts = []Attempt{{Start: now, End: now}}
		}
		r.Status, r.EndedAt = Succeeded, now
		return nil
	})
}

// BenchmarkOpenClose measures what opening per transaction costs: an empty
// read or write transaction through the Store (lock + open + tx + close)
// against the same transaction on a database kept open.
func BenchmarkOpenClose(b *testing.B) {
	for _, size := range []int{0, 10_000} {
		s := seed(b, size)
		ctx := context.Background()
		noop := func(*bolt.Tx) error { return nil }
		touch := func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("touch"), []byte("1")) }
		n := strconv.Itoa(size)
		b.Run("store_view_runs="+n, func(b *testing.B) {
			for b.Loop() {
				if err := s.view(ctx, noop); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("store_update_runs="+n, func(b *testing.B) {
			for b.Loop() {
				if err := s.update(ctx, touch); err != nil {
					b.Fatal(err)
				}
			}
		})
		db, err := bolt.Open(s.path, 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("kept_open_view_runs="+n, func(b *testing.B) {
			for b.Loop() {
				if err := db.View(noop); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("kept_open_update_runs="+n, func(b *testing.B) {
			for b.Loop() {
				if err := db.Update(touch); err != nil {
					b.Fatal(err)
				}
			}
		})
		db.Close()
	}
}
