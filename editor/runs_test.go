package editor

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRuns_PipelineStreamsEventsThenOutputAndCharts(t *testing.T) {
	ts := newTestServer(t, Options{})
	conn := ts.dial(nil)
	var started struct {
		RunID string `json:"run_id"`
	}
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "with_upstream", "block": "prepare"}, &started)
	msgs := until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
	var order []string
	var prepare WSMessage
	sawLog := false
	for _, m := range msgs {
		if m.RunID != started.RunID || m.Pipeline != "data_preparation" {
			t.Fatalf("message of another run: %+v", m)
		}
		order = append(order, m.Type+":"+m.Block)
		if m.Type == "block_log" && m.Line != nil && *m.Line != "" {
			sawLog = true
		}
		if m.Type == "block_finished" && m.Block == "prepare" {
			prepare = m
		}
	}
	last := msgs[len(msgs)-1]
	if last.Status != "succeeded" {
		t.Fatalf("run %s: %v", last.Status, order)
	}
	if msgs[0].Type != "run_queued" || len(msgs[0].Blocks) != 2 {
		t.Fatalf("first = %+v", msgs[0])
	}
	if msgs[1].Type != "run_started" || len(msgs[1].Blocks) != 2 {
		t.Fatalf("second = %+v", msgs[1])
	}
	if prepare.Status != "succeeded" || prepare.Rows == nil || *prepare.Rows == 0 || prepare.Cols == nil || *prepare.Cols == 0 || prepare.DurationMS == nil || !sawLog {
		t.Fatalf("prepare finished = %+v (log seen %v), order %v", prepare, sawLog, order)
	}

	// the output: a server-side page with schema and typed cells
	var pg FramePage
	ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/output?offset=5&limit=3", nil, &pg)
	if pg.Rows != *prepare.Rows || pg.Offset != 5 || len(pg.Data) != 3 || len(pg.Schema) != *prepare.Cols || len(pg.Data[0]) != *prepare.Cols {
		t.Fatalf("page = rows %d offset %d data %d schema %d", pg.Rows, pg.Offset, len(pg.Data), len(pg.Schema))
	}
	for j, f := range pg.Schema {
		if f.Name == "lpep_pickup_datetime" {
			if s, ok := pg.Data[0][j].(string); !ok || !strings.HasPrefix(s, "20") || strings.HasSuffix(s, "Z") {
				t.Fatalf("timestamp cell = %#v", pg.Data[0][j])
			}
		}
	}
	var e errBody
	if got := ts.do("GET", "/api/pipelines/data_preparation/blocks/prepare/output?limit=100000", nil, &e); got != 400 {
		t.Fatalf("huge limit: %d", got)
	}
	if got := ts.do("GET", "/api/pipelines/data_preparation/blocks/export_trips/output", nil, &e); got != 404 || e.Error.Code != "no_output" {
		t.Fatalf("no output: %d %+v", got, e)
	}
	var sum FramePage
	ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/summary", nil, &sum)
	if sum.Rows == 0 || len(sum.Schema) == 0 {
		t.Fatalf("summary = %+v", sum)
	}

	// charts of the example, aggregated on the server
	var cd ChartData
	ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/charts/durations", nil, &cd)
	series := cd.Option["series"].([]any)[0].(map[string]any)
	if series["type"] != "bar" || len(series["data"].([]any)) != 60 || cd.Rows != *prepare.Rows {
		t.Fatalf("histogram option: type %v, %d bins, rows %d", series["type"], len(series["data"].([]any)), cd.Rows)
	}
	raw, _ := json.Marshal(cd.Option)
	if len(raw) > 20000 {
		t.Fatalf("option is %d bytes: raw rows leaked?", len(raw))
	}
	ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/charts/trips_per_day", nil, &cd)

	// chart CRUD in pipeline.yaml, and a preview
	spec := map[string]any{"name": "zones", "type": "bar", "x": "PULocationID", "top": 5, "sort": "label"}
	ts.must(201, "POST", "/api/pipelines/data_preparation/blocks/prepare/charts", spec, nil)
	yaml, _ := os.ReadFile(filepath.Join(ts.dir, "pipelines/data_preparation/pipeline.yaml"))
	if !strings.Contains(string(yaml), "name: zones") || !strings.Contains(string(yaml), "sort: label") {
		t.Fatalf("pipeline.yaml:\n%s", yaml)
	}
	ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/charts/zones", nil, &cd)
	if cd.Spec.Sort != "label" || cd.Spec.Top != 5 {
		t.Fatalf("spec round trip = %+v", cd.Spec)
	}
	spec["type"] = "pie"
	ts.must(200, "PUT", "/api/pipelines/data_preparation/blocks/prepare/charts/zones", spec, nil)
	ts.must(200, "POST", "/api/pipelines/data_preparation/blocks/prepare/charts/preview", map[string]any{"type": "scatter", "x": "trip_distance", "y": "duration", "sample": 100}, &cd)
	if n := len(cd.Option["series"].([]any)[0].(map[string]any)["data"].([]any)); n != 100 {
		t.Fatalf("scatter sample = %d points", n)
	}
	if got := ts.do("POST", "/api/pipelines/data_preparation/blocks/prepare/charts/preview", map[string]any{"type": "histogram", "column": "nope"}, &e); got != 422 {
		t.Fatalf("bad column: %d %+v", got, e)
	}
	if got := ts.do("POST", "/api/pipelines/data_preparation/blocks/prepare/charts", map[string]any{"name": "zones", "type": "bar", "x": "PULocationID"}, &e); got != 409 {
		t.Fatalf("duplicate chart: %d", got)
	}
	ts.must(204, "DELETE", "/api/pipelines/data_preparation/blocks/prepare/charts/zones", nil, nil)

	var rv Run
	ts.must(200, "GET", "/api/runs/"+started.RunID, nil, &rv)
	if rv.Status != "succeeded" || len(rv.Blocks) != 2 || len(rv.Blocks[0].Logs) == 0 {
		t.Fatalf("run = %+v", rv)
	}
	checkBlockTimes(t, rv)
	// the same run read back from the history alone
	h, err := ts.s.history.Get(context.Background(), started.RunID)
	if err != nil {
		t.Fatal(err)
	}
	checkBlockTimes(t, viewHistoryRun(h, true))
	var list struct{ Runs []Run }
	ts.must(200, "GET", "/api/runs?pipeline=data_preparation&blocks=true", nil, &list)
	if len(list.Runs) == 0 || list.Runs[0].RunID != started.RunID || len(list.Runs[0].Blocks) != 2 || list.Runs[0].Blocks[1].Status != "succeeded" {
		t.Fatalf("runs with blocks = %+v", list.Runs)
	}
	var bare struct{ Runs []Run }
	ts.must(200, "GET", "/api/runs?pipeline=data_preparation", nil, &bare)
	if len(bare.Runs) == 0 || len(bare.Runs[0].Blocks) != 0 {
		t.Fatalf("runs without blocks = %+v", bare.Runs)
	}
	var proj struct{ Pipelines []PipelineSummary }
	ts.must(200, "GET", "/api/project", nil, &proj)
	for _, p := range proj.Pipelines {
		if p.Name == "data_preparation" && (p.LastRun == nil || p.LastRun.RunID != started.RunID || p.LastRun.Status != "succeeded") {
			t.Fatalf("last run = %+v", p.LastRun)
		}
	}
}

func TestRuns_FailingBlockReportsLineAndServerKeepsServing(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "broken"}, nil)
	ts.must(201, "POST", "/api/pipelines/broken/blocks", map[string]any{"name": "boom", "kind": "data_loader"}, nil)
	src := "package boom\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\nfunc Load(ctx *blocks.Context) (*frame.Frame, error) {\n\tvar f *frame.Frame\n\treturn f.Head(1), nil\n}\n"
	var f FileContent
	ts.must(200, "GET", "/api/files/data_loaders/boom.go", nil, &f)
	ts.must(200, "PUT", "/api/files/data_loaders/boom.go", map[string]string{"content": src, "version": f.Version}, nil)

	conn := ts.dial(nil)
	ts.must(202, "POST", "/api/pipelines/broken/runs", map[string]any{"mode": "block", "block": "boom"}, nil)
	msgs := until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
	var fin *WSMessage
	for i := range msgs {
		if msgs[i].Type == "block_finished" {
			fin = &msgs[i]
		}
	}
	if fin == nil || fin.Status != "failed" || fin.Error == nil || fin.Error.Message == "" {
		t.Fatalf("block_finished = %+v", fin)
	}
	if fin.Error.File != "data_loaders/boom.go" || fin.Error.Line != 10 {
		t.Fatalf("error position = %s:%d (want data_loaders/boom.go:10): %s", fin.Error.File, fin.Error.Line, fin.Error.Message)
	}
	if last := msgs[len(msgs)-1]; last.Status != "failed" {
		t.Fatalf("run status = %s", last.Status)
	}
	ts.must(200, "GET", "/api/health", nil, nil)

	// a syntax error is a 422 before any run, with its position
	ts.must(200, "GET", "/api/files/data_loaders/boom.go", nil, &f)
	ts.must(200, "PUT", "/api/files/data_loaders/boom.go", map[string]string{"content": "package boom\n\nfunc Load(\n", "version": f.Version}, nil)
	var e errBody
	if got := ts.do("POST", "/api/pipelines/broken/runs", map[string]any{"mode": "pipeline"}, &e); got != 422 || e.Error.File == "" || e.Error.Line == 0 {
		t.Fatalf("plan error: %d %+v", got, e)
	}
	if got := ts.do("POST", "/api/pipelines/broken/runs", map[string]any{"mode": "sideways"}, &e); got != 400 {
		t.Fatalf("bad mode: %d", got)
	}
}

func TestRuns_CancelStopsAnInfiniteLoop(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "slow"}, nil)
	ts.must(201, "POST", "/api/pipelines/slow/blocks", map[string]any{"name": "spin", "kind": "data_loader"}, nil)
	var f FileContent
	ts.must(200, "GET", "/api/files/data_loaders/spin.go", nil, &f)
	src := "package spin\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\nfunc Load(ctx *blocks.Context) (*frame.Frame, error) {\n\tn := 0\n\tfor {\n\t\tn++\n\t}\n\treturn nil, nil\n}\n"
	ts.must(200, "PUT", "/api/files/data_loaders/spin.go", map[string]string{"content": src, "version": f.Version}, nil)
	conn := ts.dial(nil)
	var started struct {
		RunID string `json:"run_id"`
	}
	ts.must(202, "POST", "/api/pipelines/slow/runs", map[string]any{"mode": "pipeline"}, &started)
	until(t, conn, func(m WSMessage) bool { return m.Type == "block_started" })
	var e errBody
	var second struct {
		RunID string `json:"run_id"`
	}
	// A second run is accepted, never refused (the pipeline sets no limit: it runs beside the first).
	ts.must(202, "POST", "/api/pipelines/slow/runs", map[string]any{"mode": "pipeline"}, &second)
	ts.must(202, "POST", "/api/runs/"+second.RunID+"/cancel", nil, nil)
	begin := time.Now()
	ts.must(202, "POST", "/api/runs/"+started.RunID+"/cancel", nil, nil)
	msgs := until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" && m.RunID == started.RunID })
	if last := msgs[len(msgs)-1]; last.Status != "cancelled" {
		t.Fatalf("run status = %s", last.Status)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("cancel took %s", d)
	}
	if got := ts.do("POST", "/api/runs/"+started.RunID+"/cancel", nil, &e); got != http.StatusConflict {
		t.Fatalf("cancel finished run: %d", got)
	}
	if got := ts.do("POST", "/api/runs/nope/cancel", nil, &e); got != 404 {
		t.Fatalf("cancel unknown run: %d", got)
	}
}

func TestWebsocket_PingPong(t *testing.T) {
	ts := newTestServer(t, Options{})
	conn := ts.dial(nil)
	if err := conn.WriteJSON(map[string]string{"type": "ping"}); err != nil {
		t.Fatal(err)
	}
	if m := readMsg(t, conn); m.Type != "pong" {
		t.Fatalf("reply = %+v", m)
	}
}

func TestRuns_NonFrameOutputIsJSON(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "metrics"}, nil)
	ts.must(201, "POST", "/api/pipelines/metrics/blocks", map[string]any{"name": "score", "kind": "data_loader"}, nil)
	var f FileContent
	ts.must(200, "GET", "/api/files/data_loaders/score.go", nil, &f)
	src := "package score\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (map[string]float64, error) {\n\treturn map[string]float64{\"rmse\": 6.5}, nil\n}\n"
	ts.must(200, "PUT", "/api/files/data_loaders/score.go", map[string]string{"content": src, "version": f.Version}, nil)
	conn := ts.dial(nil)
	ts.must(202, "POST", "/api/pipelines/metrics/runs", nil, nil) // empty body: the whole pipeline
	if m := until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" }); m[len(m)-1].Status != "succeeded" {
		t.Fatalf("run: %+v", m)
	}
	var out struct {
		Kind   string             `json:"kind"`
		GoType string             `json:"go_type"`
		Value  map[string]float64 `json:"value"`
	}
	ts.must(200, "GET", "/api/pipelines/metrics/blocks/score/output", nil, &out)
	if out.Kind != "json" || out.Value["rmse"] != 6.5 || out.GoType == "" {
		t.Fatalf("output = %+v", out)
	}
	var e errBody
	if got := ts.do("GET", "/api/pipelines/metrics/blocks/score/summary", nil, &e); got != 422 {
		t.Fatalf("summary of a map: %d %+v", got, e)
	}
}

// checkBlockTimes checks that every block of a succeeded run has one attempt
// whose times bound it (blocks may overlap: a downstream starts while its
// upstream still streams).
func checkBlockTimes(t *testing.T, rv Run) {
	t.Helper()
	parse := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("time %q: %v", s, err)
		}
		return tm
	}
	for _, b := range rv.Blocks {
		if len(b.Attempts) != 1 || b.StartedAt == "" || b.EndedAt == "" {
			t.Fatalf("block %s: started %q ended %q attempts %+v", b.Name, b.StartedAt, b.EndedAt, b.Attempts)
		}
		a := b.Attempts[0]
		if a.Start != b.StartedAt || a.End != b.EndedAt || a.Error != "" {
			t.Fatalf("block %s: attempt %+v vs %s..%s", b.Name, a, b.StartedAt, b.EndedAt)
		}
		start, end := parse(b.StartedAt), parse(b.EndedAt)
		if end.Before(start) || end.Sub(start) > time.Minute {
			t.Fatalf("block %s: %s..%s", b.Name, start, end)
		}
	}
}
