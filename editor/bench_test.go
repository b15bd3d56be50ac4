package editor

import (
	"testing"
)

// BenchmarkRun_TrivialBlockToOutput measures the server side of "run a
// block, see its rows": POST the run, wait for run_finished on the
// websocket, GET the first page of the output.
func BenchmarkRun_TrivialBlockToOutput(b *testing.B) {
	ts := newTestServer(b, Options{})
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "bench"}, nil)
	ts.must(201, "POST", "/api/pipelines/bench/blocks", map[string]any{"name": "load", "kind": "data_loader"}, nil)
	conn := ts.dial(nil)
	for b.Loop() {
		ts.must(202, "POST", "/api/pipelines/bench/runs", map[string]any{"mode": "block", "block": "load"}, nil)
		until(ts.t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
		var pg FramePage
		ts.must(200, "GET", "/api/pipelines/bench/blocks/load/output?limit=100", nil, &pg)
		if pg.Rows != 3 {
			b.Fatalf("rows = %d", pg.Rows)
		}
	}
}

// BenchmarkOutputPage_PrepareSample: a 100-row page of a cached frame.
func BenchmarkOutputPage_PrepareSample(b *testing.B) {
	ts := newTestServer(b, Options{})
	conn := ts.dial(nil)
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "with_upstream", "block": "prepare"}, nil)
	until(ts.t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
	for b.Loop() {
		ts.must(200, "GET", "/api/pipelines/data_preparation/blocks/prepare/output?offset=1000&limit=100", nil, nil)
	}
}
