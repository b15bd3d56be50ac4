package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func finishedRun(t *testing.T, s *Store, pipeline string, vars map[string]string) string {
	t.Helper()
	r := &PipelineRun{Pipeline: pipeline, Trigger: TriggerCLI, Status: Succeeded, Vars: vars,
		Blocks: []BlockRun{{Name: "train", Status: Succeeded}}}
	if err := s.Create(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func TestEntries_WriteListSteps(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	id := finishedRun(t, s, "train", nil)
	e := &Entry{RunID: id, Pipeline: "train", Block: "train", Status: "succeeded",
		Params:  map[string]json.RawMessage{"lr": json.RawMessage(`0.1`), "solver": json.RawMessage(`"cg"`)},
		Metrics: map[string]float64{"val_rmse": 5.5}, Stepped: []string{"val_rmse"}, Started: time.Now()}
	w := &EntryWrite{Entry: e, Steps: map[string][]Point{"val_rmse": {{1, 7}, {2, 6}}}}
	if err := s.WriteEntries(ctx, []*EntryWrite{w}); err != nil {
		t.Fatal(err)
	}
	w.Steps = map[string][]Point{"val_rmse": {{3, 5.5}}}
	if err := s.WriteEntries(ctx, []*EntryWrite{w}); err != nil {
		t.Fatal(err)
	}
	trial := &Entry{RunID: id, Pipeline: "train", Block: "train", Trial: 2, Status: "pruned", Metrics: map[string]float64{"val_rmse": 9}}
	if err := s.WriteEntries(ctx, []*EntryWrite{{Entry: trial}}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Entries(ctx, EntryFilter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("entries %v, %v", all, err)
	}
	trials, err := s.Entries(ctx, EntryFilter{Parent: id + "/train"})
	if err != nil || len(trials) != 1 || trials[0].Parent() != id+"/train" || trials[0].ID() != id+"/train/2" {
		t.Fatalf("trials %+v, %v", trials, err)
	}
	if got, _ := s.Entries(ctx, EntryFilter{Pipeline: "other"}); len(got) != 0 {
		t.Fatalf("pipeline filter: %d entries", len(got))
	}
	steps, err := s.Steps(ctx, id+"/train")
	if err != nil || len(steps["val_rmse"]) != 3 || steps["val_rmse"][2] != (Point{3, 5.5}) {
		t.Fatalf("steps %v, %v", steps, err)
	}
	got, err := s.Entry(ctx, id+"/train")
	if err != nil || string(got.Params["solver"]) != `"cg"` || got.Metrics["val_rmse"] != 5.5 {
		t.Fatalf("entry %+v, %v", got, err)
	}
	b, _ := json.Marshal(got)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m["parent"] != nil || m["model"] != nil || m["run_id"] != id {
		t.Fatalf("json %s", b)
	}
}

func TestRegistry_VersionsAliasesLineage(t *testing.T) {
	s := openT(t)
	ctx := t.Context()
	var runs []string
	for i := range 3 {
		id := finishedRun(t, s, "train", map[string]string{"month": fmt.Sprintf("2023-0%d", i+1)})
		runs = append(runs, id)
		e := &Entry{RunID: id, Pipeline: "train", Block: "train", Params: map[string]json.RawMessage{"lr": json.RawMessage(`0.1`)}}
		w := &EntryWrite{Entry: e, Register: []ModelRequest{{Name: "taxi", Hash: fmt.Sprintf("%064d", i), CodeHash: "c"}}}
		if err := s.WriteEntries(ctx, []*EntryWrite{w}); err != nil {
			t.Fatal(err)
		}
		if len(e.Models) != 1 || e.Models[0].Version != i+1 {
			t.Fatalf("run %d registered %v", i, e.Models)
		}
		// A metric logged after LogModel reaches the version's lineage while the block runs.
		e.Metrics = map[string]float64{"val_rmse": float64(10 - i)}
		if err := s.WriteEntries(ctx, []*EntryWrite{{Entry: e}}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.ResolveModel(ctx, "taxi")
	if err != nil || v.Version != 3 || v.RunID != runs[2] || v.Vars["month"] != "2023-03" || v.Metrics["val_rmse"] != 8 || v.CodeHash != "c" {
		t.Fatalf("latest: %+v, %v", v, err)
	}
	if _, err := s.ResolveModel(ctx, "taxi@champion"); !errors.Is(err, ErrNoAlias) {
		t.Fatalf("missing alias: %v", err)
	}
	if err := s.SetAlias(ctx, "taxi", "champion", 2); err != nil {
		t.Fatal(err)
	}
	if v, err := s.ResolveModel(ctx, "taxi@champion"); err != nil || v.Version != 2 {
		t.Fatalf("champion: %+v, %v", v, err)
	}
	if err := s.SetAlias(ctx, "taxi", "champion", 1); err != nil { // moves
		t.Fatal(err)
	}
	if v, err := s.ResolveModel(ctx, "taxi/3"); err != nil || v.Version != 3 {
		t.Fatalf("taxi/3: %+v, %v", v, err)
	}
	vs, err := s.Versions(ctx, "taxi")
	if err != nil || len(vs) != 3 || vs[2].Version != 1 || len(vs[2].Aliases) != 1 || len(vs[1].Aliases) != 0 {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	for _, bad := range []struct {
		name, alias string
		v           int
	}{{"taxi", "champion", 9}, {"nope", "x", 1}, {"taxi", "3", 1}, {"taxi", "a b", 1}} {
		if err := s.SetAlias(ctx, bad.name, bad.alias, bad.v); err == nil {
			t.Errorf("SetAlias(%q, %q, %d) = nil", bad.name, bad.alias, bad.v)
		}
	}
	if err := s.RemoveAlias(ctx, "taxi", "champion"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "taxi@", "taxi/0", "taxi/x", "@a"} {
		if _, err := s.ResolveModel(ctx, bad); err == nil {
			t.Errorf("ResolveModel(%q) = nil", bad)
		}
	}
	// Retention: every run registered a version, so none is pruned; their entries stay.
	removed, err := s.Prune(ctx, "train", 0)
	if err != nil || len(removed) != 0 {
		t.Fatalf("prune removed %v, %v", removed, err)
	}
	other := finishedRun(t, s, "train", nil)
	if err := s.WriteEntries(ctx, []*EntryWrite{{Entry: &Entry{RunID: other, Pipeline: "train", Block: "train",
		Artifacts: []Artifact{{Name: "a.txt", Hash: fmt.Sprintf("%064d", 7)}}}}}); err != nil {
		t.Fatal(err)
	}
	keep, _ := s.ArtifactHashes(ctx)
	if len(keep) != 4 {
		t.Fatalf("artifacts kept %v", keep)
	}
	removed, err = s.Prune(ctx, "train", 0)
	if err != nil || len(removed) != 1 || removed[0] != other {
		t.Fatalf("prune removed %v, %v", removed, err)
	}
	if es, _ := s.Entries(ctx, EntryFilter{RunID: other}); len(es) != 0 {
		t.Fatalf("entries of a pruned run remain: %v", es)
	}
	if keep, _ := s.ArtifactHashes(ctx); len(keep) != 3 {
		t.Fatalf("artifacts kept after prune %v", keep)
	}
}

// BenchmarkEntries_List10k lists 10,000 entries of six params and five metrics each.
func BenchmarkEntries_List10k(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var ws []*EntryWrite
	for i := range 10000 {
		e := &Entry{RunID: s.ids.New(time.Now()), Pipeline: "train", Block: "tune", Trial: i % 20, Status: "succeeded",
			Params: map[string]json.RawMessage{}, Metrics: map[string]float64{}, Started: time.Now(), Updated: time.Now()}
		for _, k := range []string{"learning_rate", "max_depth", "min_child_weight", "lambda", "rounds", "seed"} {
			e.Params[k] = json.RawMessage(fmt.Sprint(float64(i) * 0.001))
		}
		for _, k := range []string{"val_rmse", "train_rmse", "val_mae", "val_r2", "best_iteration"} {
			e.Metrics[k] = float64(i)
		}
		ws = append(ws, &EntryWrite{Entry: e})
	}
	if err := s.WriteEntries(ctx, ws); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		es, err := s.Entries(ctx, EntryFilter{})
		if err != nil || len(es) != 10000 {
			b.Fatal(len(es), err)
		}
	}
}
