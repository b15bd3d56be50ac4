package editor

import (
	"testing"

	"github.com/golemlabs/golem/runtime/history"
)

// TestExperiments_EditorRunLogsAndRegistersThenAliasMoves runs train_linear from the editor twice
// (a run started here logs through the same worker and recorder) and drives the registry's API.
func TestExperiments_EditorRunLogsAndRegistersThenAliasMoves(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, alpha := range []string{"0", "2"} {
		var started struct {
			RunID string `json:"run_id"`
		}
		ts.must(202, "POST", "/api/pipelines/train_linear/runs", map[string]any{"mode": "pipeline", "vars": map[string]string{"alpha": alpha}}, &started)
		if r := waitRun(t, ts.s.history, started.RunID); r.Status != history.Succeeded {
			t.Fatalf("run %s: %s %s", started.RunID, r.Status, r.Error)
		}
	}
	var list struct {
		Entries []*history.Entry `json:"entries"`
	}
	ts.must(200, "GET", "/api/experiments?pipeline=train_linear", nil, &list)
	if len(list.Entries) != 2 || list.Entries[0].Params["alpha"] == nil || list.Entries[0].Metrics["val_rmse"] <= 0 ||
		len(list.Entries[0].Models) != 1 || list.Entries[0].Models[0].Version != 2 {
		t.Fatalf("entries %+v", list.Entries)
	}
	ts.must(200, "GET", "/api/experiments?pipeline=other", nil, &list)
	if len(list.Entries) != 0 {
		t.Fatalf("pipeline filter: %d entries", len(list.Entries))
	}
	var steps map[string]any
	ts.must(400, "GET", "/api/experiments/steps", nil, nil)
	ts.must(404, "GET", "/api/experiments/steps?id=nope", nil, nil)
	ts.must(200, "GET", "/api/experiments/steps?id="+list2(t, ts)[0].ID(), nil, &steps)

	var models struct {
		Models []history.RegisteredModel `json:"models"`
	}
	ts.must(200, "GET", "/api/models", nil, &models)
	if len(models.Models) != 1 || models.Models[0].Name != "taxi-duration" || len(models.Models[0].Versions) != 2 {
		t.Fatalf("models %+v", models)
	}
	ts.must(200, "PUT", "/api/models/taxi-duration/aliases/champion", map[string]int{"version": 1}, nil)
	ts.must(200, "PUT", "/api/models/taxi-duration/aliases/champion", map[string]int{"version": 2}, nil)
	ts.must(404, "PUT", "/api/models/taxi-duration/aliases/champion", map[string]int{"version": 7}, nil)
	ts.must(404, "PUT", "/api/models/nope/aliases/champion", map[string]int{"version": 1}, nil)
	ts.must(400, "PUT", "/api/models/taxi-duration/aliases/3", map[string]int{"version": 1}, nil)
	ts.must(400, "PUT", "/api/models/taxi-duration/aliases/champion", map[string]int{}, nil)
	ts.must(200, "GET", "/api/models", nil, &models)
	if models.Models[0].Aliases["champion"] != 2 || len(models.Models[0].Versions[0].Aliases) != 1 {
		t.Fatalf("champion %+v", models.Models[0])
	}
	ts.must(204, "DELETE", "/api/models/taxi-duration/aliases/champion", nil, nil)
	ts.must(404, "DELETE", "/api/models/taxi-duration/aliases/champion", nil, nil)
}

func list2(t *testing.T, ts *testServer) []*history.Entry {
	var list struct {
		Entries []*history.Entry `json:"entries"`
	}
	ts.must(200, "GET", "/api/experiments", nil, &list)
	return list.Entries
}
