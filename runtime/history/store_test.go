package history

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func openT(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIDGen_SortsByTimeAndWithinMillisecond(t *testing.T) {
	var g IDGen
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var ids []string
	for i := range 1000 {
		ids = append(ids, g.New(base.Add(time.Duration(i/10)*time.Millisecond)))
	}
	if !slices.IsSorted(ids) {
		t.Fatal("IDs are not increasing")
	}
	if len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatal("duplicate IDs")
	}
	for _, id := range ids[:3] {
		if !ValidID(id) {
			t.Fatalf("ValidID(%q) = false", id)
		}
		got, err := IDTime(id)
		if err != nil || !got.Equal(base) {
			t.Fatalf("IDTime(%q) = %v, %v; want %v", id, got, err, base)
		}
	}
	if IDAt(base) >= ids[0] || IDAt(base.Add(time.Millisecond)) <= ids[9] {
		t.Fatal("IDAt does not bracket the IDs of its millisecond")
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"ok", "01JGZ5Q8N6XJ3W5X9Y0ABCDEFG", true},
		{"short", "01JGZ5Q8N6", false},
		{"lower case", "01jgz5q8n6xj3w5x9y0abcdefg", false},
		{"excluded letter", "01JGZ5Q8N6XJ3W5X9Y0ABCDEFU", false},
		{"overflow", "81JGZ5Q8N6XJ3W5X9Y0ABCDEFG", false},
		{"path", "../../../../../../etc/pass", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.id); got != tt.want {
				t.Fatalf("ValidID(%q) = %v", tt.id, got)
			}
		})
	}
}

func TestStatus_Terminal(t *testing.T) {
	for _, s := range Statuses {
		want := s != Queued && s != Running && s != Retrying
		if s.Terminal() != want {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
	}
	if Status("done").Valid() {
		t.Error(`Status("done").Valid()`)
	}
}

func TestStore_Create_Validates(t *testing.T) {
	tests := []struct {
		name string
		run  PipelineRun
		want error
	}{
		{"defaults", PipelineRun{Pipeline: "p"}, nil},
		{"schedule trigger", PipelineRun{Pipeline: "p", Trigger: "schedule:nightly"}, nil},
		{"retry trigger", PipelineRun{Pipeline: "p", Trigger: "retry:01JGZ5Q8N6XJ3W5X9Y0ABCDEFG"}, nil},
		{"no pipeline", PipelineRun{}, ErrInvalidName},
		{"pipeline with slash", PipelineRun{Pipeline: "a/b"}, ErrInvalidName},
		{"unknown trigger", PipelineRun{Pipeline: "p", Trigger: "cron"}, ErrInvalidTrigger},
		{"retry of garbage", PipelineRun{Pipeline: "p", Trigger: "retry:x"}, ErrInvalidTrigger},
		{"bad status", PipelineRun{Pipeline: "p", Status: "done"}, ErrInvalidStatus},
		{"bad id", PipelineRun{Pipeline: "p", ID: "x"}, ErrInvalidID},
	}
	s := openT(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run
			err := s.Create(t.Context(), &r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Create = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if r.Status != Queued || r.Trigger == "" || r.QueuedAt.IsZero() || r.PID != os.Getpid() || r.Host == "" {
				t.Fatalf("defaults not filled: %+v", r)
			}
			got, err := s.Get(t.Context(), r.ID)
			if err != nil || got.Pipeline != r.Pipeline || got.Status != Queued {
				t.Fatalf("Get = %+v, %v", got, err)
			}
			if err := s.Create(t.Context(), &r); !errors.Is(err, ErrExists) {
				t.Fatalf("second Create = %v, want ErrExists", err)
			}
		})
	}
}

func TestStore_Update(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	r := &PipelineRun{Pipeline: "p"}
	if err := s.Create(ctx, r); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		fn         func(*PipelineRun) error
		want       error
		wantStatus Status
	}{
		{"start", func(r *PipelineRun) error { r.Status = Running; return nil }, nil, Running},
		{"fn error rolls back", func(r *PipelineRun) error { r.Status = Failed; return errors.New("nope") }, nil, Running},
		{"change pipeline", func(r *PipelineRun) error { r.Pipeline = "q"; return nil }, ErrImmutable, Running},
		{"change id", func(r *PipelineRun) error { r.ID = IDAt(time.Now()); return nil }, ErrImmutable, Running},
		{"invalid status", func(r *PipelineRun) error { r.Status = "meh"; return nil }, ErrInvalidStatus, Running},
		{"finish", func(r *PipelineRun) error { r.Status = Succeeded; r.Block("a").Status = Succeeded; return nil }, nil, Succeeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Update(ctx, r.ID, tt.fn)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Update = %v, want %v", err, tt.want)
			}
			got, _ := s.Get(ctx, r.ID)
			if got.Status != tt.wantStatus {
				t.Fatalf("status = %s, want %s", got.Status, tt.wantStatus)
			}
			// the status index follows
			list, _ := s.List(ctx, Filter{Status: tt.wantStatus})
			if len(list) != 1 || list[0].ID != r.ID {
				t.Fatalf("List(status=%s) = %d runs", tt.wantStatus, len(list))
			}
		})
	}
	if _, err := s.Update(ctx, IDAt(time.Now()), func(*PipelineRun) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Update(missing) = %v", err)
	}
}

func TestStore_List(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var ids []string // creation order
	pipes := []string{"a", "b", "a", "ab", "a", "b"}
	stats := []Status{Succeeded, Failed, Failed, Succeeded, Running, Succeeded}
	for i, p := range pipes {
		r := &PipelineRun{ID: s.ids.New(now.Add(time.Duration(i) * time.Second)), Pipeline: p, Status: stats[i]}
		if err := s.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	tests := []struct {
		name string
		f    Filter
		want []int // indexes into ids, newest first
	}{
		{"all", Filter{}, []int{5, 4, 3, 2, 1, 0}},
		{"limit", Filter{Limit: 2}, []int{5, 4}},
		{"pipeline a not ab", Filter{Pipeline: "a"}, []int{4, 2, 0}},
		{"pipeline ab", Filter{Pipeline: "ab"}, []int{3}},
		{"pipeline missing", Filter{Pipeline: "zzz"}, nil},
		{"status", Filter{Status: Succeeded}, []int{5, 3, 0}},
		{"pipeline and status", Filter{Pipeline: "a", Status: Failed}, []int{2}},
		{"before", Filter{Before: ids[3]}, []int{2, 1, 0}},
		{"before with pipeline and limit", Filter{Pipeline: "a", Before: ids[4], Limit: 1}, []int{2}},
		{"before with status", Filter{Status: Succeeded, Before: ids[3]}, []int{0}},
		{"before time", Filter{Before: IDAt(now.Add(1500 * time.Millisecond))}, []int{1, 0}},
		{"before everything", Filter{Before: IDAt(now)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs, wantIDs []string
			for _, r := range got {
				gotIDs = append(gotIDs, r.ID)
			}
			for _, i := range tt.want {
				wantIDs = append(wantIDs, ids[i])
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("List(%+v) = %v, want %v", tt.f, gotIDs, wantIDs)
			}
		})
	}
	if _, err := s.List(ctx, Filter{Status: "nope"}); !errors.Is(err, ErrInvalidStatus) {
		t.Fatalf("List(bad status) = %v", err)
	}
}

func TestStore_Prune(t *testing.T) {
	tests := []struct {
		name        string
		pipeline    string
		keep        int
		wantRemoved []int
	}{
		{"keep three of a", "a", 3, []int{2, 1, 0}},
		{"keep all", "a", 10, nil},
		{"keep none skips the running one", "a", 0, []int{5, 3, 2, 1, 0}},
		{"every pipeline keeps one", "", 1, []int{3, 2, 1, 0, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openT(t)
			ctx := t.Context()
			var ids []string
			// a: 0..5 with 4 running; b: 6, 7
			for i := range 8 {
				p, st := "a", Succeeded
				if i >= 6 {
					p = "b"
				}
				if i == 4 {
					st = Running
				}
				r := &PipelineRun{Pipeline: p, Status: st}
				if err := s.Create(ctx, r); err != nil {
					t.Fatal(err)
				}
				if err := s.AppendLog(r.ID, "blk", "hello"); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
			removed, err := s.Prune(ctx, tt.pipeline, tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, i := range tt.wantRemoved {
				want = append(want, ids[i])
			}
			if !slices.Equal(removed, want) {
				t.Fatalf("removed %v, want %v", removed, want)
			}
			for _, id := range removed {
				if _, err := s.Get(ctx, id); !errors.Is(err, ErrNotFound) {
					t.Fatalf("pruned run %s still there: %v", id, err)
				}
				if lines, _ := s.Logs(id, "blk"); len(lines) != 0 {
					t.Fatalf("logs of pruned run %s still there", id)
				}
			}
			all, _ := s.List(ctx, Filter{})
			if len(all) != 8-len(removed) {
				t.Fatalf("%d runs left, want %d", len(all), 8-len(removed))
			}
		})
	}
}

func TestStore_Logs(t *testing.T) {
	s := openT(t)
	id := s.ids.New(time.Now())
	tests := []struct {
		name   string
		block  string
		append [][]string
		want   []string
		err    error
	}{
		{"empty", "a", nil, nil, nil},
		{"appends", "b", [][]string{{"one", "two\n"}, {"three"}}, []string{"one", "two", "three"}, nil},
		{"embedded newline", "c", [][]string{{"x\ny"}}, []string{"x", "y"}, nil},
		{"escape", "../x", [][]string{{"x"}}, nil, ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lines := range tt.append {
				if err := s.AppendLog(id, tt.block, lines...); !errors.Is(err, tt.err) {
					t.Fatalf("AppendLog = %v, want %v", err, tt.err)
				}
			}
			got, err := s.Logs(id, tt.block)
			if !errors.Is(err, tt.err) || !slices.Equal(got, tt.want) {
				t.Fatalf("Logs = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestStore_LastFire(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	if got, err := s.LastFire(ctx, "p", "nightly"); err != nil || !got.IsZero() {
		t.Fatalf("LastFire before any = %v, %v", got, err)
	}
	at := time.Date(2025, 3, 30, 2, 30, 0, 0, time.FixedZone("CET", 3600))
	if err := s.SetLastFire(ctx, "p", "nightly", at); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LastFire(ctx, "p", "nightly"); err != nil || !got.Equal(at) {
		t.Fatalf("LastFire = %v, %v; want %v", got, err, at)
	}
}

func TestStore_MarkCrashed(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	self := Self()
	tests := []struct {
		name    string
		run     PipelineRun
		alive   bool
		crashed bool
	}{
		{"live owner", PipelineRun{PID: self.PID, Host: self.Host, ProcStart: self.Start, Status: Running}, true, false},
		{"dead owner", PipelineRun{PID: 999999, Host: self.Host, Status: Running}, false, true},
		{"dead owner of a queued run", PipelineRun{PID: 999999, Host: self.Host, Status: Queued}, false, true},
		{"pid reused by another process", PipelineRun{PID: self.PID, Host: self.Host, ProcStart: "other-boot/1", Status: Running}, true, true},
		{"finished run", PipelineRun{PID: 999999, Host: self.Host, Status: Failed}, false, false},
		{"other host", PipelineRun{PID: 999999, Host: "elsewhere", Status: Running}, false, false},
	}
	ids := map[string]string{}
	for _, tt := range tests {
		r := tt.run
		r.Pipeline = "p"
		r.Block("a").Status = Running
		r.Block("b").Status = Queued
		if err := s.Create(ctx, &r); err != nil {
			t.Fatal(err)
		}
		ids[tt.name] = r.ID
	}
	alive := func(pid int) bool { return pid == self.PID }
	marked, err := s.MarkCrashed(ctx, alive)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := s.Get(ctx, ids[tt.name])
			if got := slices.Contains(marked, r.ID); got != tt.crashed {
				t.Fatalf("marked = %v, want %v", got, tt.crashed)
			}
			if tt.crashed && (r.Status != Crashed || r.EndedAt.IsZero() || r.Error == "" ||
				r.Blocks[0].Status != Crashed || r.Blocks[1].Status != Skipped) {
				t.Fatalf("run not marked crashed: %+v", r)
			}
		})
	}
}

func childCmd(t *testing.T, role, dir string, env ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "GOLEM_HISTORY_CHILD="+role, "GOLEM_HISTORY_DIR="+dir)...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestStore_TwoProcesses has a child process record runs while this process
// records and lists runs on the same database: both must succeed and no run
// may be lost.
func TestStore_TwoProcesses(t *testing.T) {
	const n = 60
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cmd := childCmd(t, "writer", dir, "GOLEM_HISTORY_N=60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var listErr error
	stop := make(chan struct{})
	wg.Go(func() { // a reader, like the editor's run list
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.List(ctx, Filter{Limit: 20}); err != nil {
				listErr = err
				return
			}
		}
	})
	for i := range n {
		if _, err := recordRun(ctx, s, "parent", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	close(stop)
	wg.Wait()
	if listErr != nil {
		t.Fatal(listErr)
	}
	for _, p := range []string{"parent", "child"} {
		runs, err := s.List(ctx, Filter{Pipeline: p})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != n {
			t.Fatalf("%s: %d runs, want %d", p, len(runs), n)
		}
		for _, r := range runs {
			if r.Status != Succeeded || len(r.Blocks) != 3 {
				t.Fatalf("%s run %s: %s with %d blocks", p, r.ID, r.Status, len(r.Blocks))
			}
		}
	}
}

// TestStore_CrashedChild kills a child with SIGKILL while it is in the
// middle of a run (and of its write transactions); the database must open
// fine afterwards and the run must become crashed.
func TestStore_CrashedChild(t *testing.T) {
	dir := t.TempDir()
	cmd := childCmd(t, "crasher", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("child said nothing: %v", err)
	}
	id := strings.TrimSpace(line)
	s, err := Open(dir, Options{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// let it write a little more, then kill it mid-flight
	for range 20 {
		if _, err := s.Get(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err = Open(dir, Options{LockTimeout: 5 * time.Second}) // opens fine: the lock died with the child
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	marked, err := s.MarkCrashed(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(marked, []string{id}) {
		t.Fatalf("marked %v, want [%s]", marked, id)
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Crashed || r.Block("load").Status != Crashed || r.Block("train").Status != Skipped {
		t.Fatalf("after MarkCrashed: %s, blocks %+v", r.Status, r.Blocks)
	}
	if lines, err := s.Logs(id, "load"); err != nil || len(lines) == 0 {
		t.Fatalf("logs of the crashed run: %d lines, %v", len(lines), err)
	}
	if again, _ := s.MarkCrashed(ctx, nil); len(again) != 0 {
		t.Fatalf("second MarkCrashed marked %v", again)
	}
}

// A history.db that is not a database (a disk that lost it, a copy cut short) stops every command
// that opens the history: the error names the file and says how to move it aside.
func TestOpen_CorruptDatabaseSaysHowToRecover(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
	}{
		{"text", []byte("not a database\n")},
		{"zeros", make([]byte, 8192)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, DBFile)
			if err := os.WriteFile(path, tt.content, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v, want ErrCorrupt", err)
			}
			for _, want := range []string{path, "mv " + path + " " + path + ".corrupt", "outputs are kept"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}
