package runtime

import (
	"encoding/json"
	"testing"

	"github.com/golemlabs/golem/blocks"
)

func TestTrack_RecordsAreEventsOfTheBlock(t *testing.T) {
	dir := project(t, "  - {name: log, kind: custom, file: custom/log.go, upstream: []}\n", map[string]string{
		"custom/log.go": `package log

import "github.com/golemlabs/golem/blocks"

func Run(ctx *blocks.Context) (int, error) {
	ctx.LogParam("lr", 0.1)
	for i := 1; i <= 3; i++ {
		ctx.LogMetricStep("loss", i, 1/float64(i))
	}
	ctx.LogMetric("rmse", 2)
	return 1, ctx.LogModel("m", map[string]int{"a": 1})
}
`})
	res, err := runDir(t, t.Context(), dir, Options{}, RunnerOptions{})
	if err != nil || res.Status != StatusSucceeded {
		t.Fatalf("%v %+v", err, res.Result)
	}
	var recs []blocks.Record
	for _, e := range res.Events {
		if e.Kind == BlockRecord {
			if e.Block != "log" {
				t.Fatalf("record of block %q", e.Block)
			}
			recs = append(recs, *e.Record)
		}
	}
	if len(recs) != 6 || recs[0].Kind != blocks.RecordParam || string(recs[0].Value) != "0.1" ||
		!recs[1].Stepped || recs[3].Step != 3 || recs[4].Number != 2 || recs[5].Kind != blocks.RecordModel ||
		len(recs[5].CodeHash) != 64 || len(recs[5].Hash) != 64 {
		b, _ := json.Marshal(recs)
		t.Fatalf("records %s", b)
	}
}

func BenchmarkTrack_LogMetricStep(b *testing.B) {
	dir := project(b, "  - {name: log, kind: custom, file: custom/log.go, upstream: []}\n", map[string]string{
		"custom/log.go": `package log

import "github.com/golemlabs/golem/blocks"

func Run(ctx *blocks.Context) (int, error) {
	for i := 0; i < 10000; i++ {
		ctx.LogMetricStep("loss", i, float64(i))
	}
	return 1, nil
}
`})
	for range b.N {
		if _, err := runDir(b, b.Context(), dir, Options{}, RunnerOptions{OnEvent: func(e Event) { _, _ = json.Marshal(e) }}); err != nil {
			b.Fatal(err)
		}
	}
}
