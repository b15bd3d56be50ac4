package editor

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/golemlabs/golem/runtime/duck"
)

func TestAPI_SQLBlock_AddCheckRename(t *testing.T) {
	ts := newTestServer(t, Options{})
	var b Block
	ts.must(201, "POST", "/api/pipelines/data_preparation/blocks", map[string]any{"name": "trips_sql", "kind": "transformer", "template": "sql", "upstream": []string{"ingest"}}, &b)
	if b.File != "transformers/trips_sql.sql" || !strings.Contains(b.Content, "FROM ingest") {
		t.Fatalf("sql block = %+v", b)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "transformers/trips_sql.sql")); err != nil {
		t.Fatal(err)
	}
	var e errBody
	if got := ts.do("POST", "/api/pipelines/data_preparation/blocks", map[string]any{"name": "gate", "kind": "sensor", "template": "sql"}, &e); got != 400 || !strings.Contains(e.Error.Message, "sql") {
		t.Fatalf("sql sensor: %d %+v", got, e)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "sensors/gate.sql")); !os.IsNotExist(err) {
		t.Fatalf("refused block left a file: %v", err)
	}

	// a SQL file is checked as SQL, never as Go
	var f FileContent
	ts.must(200, "PUT", "/api/files/transformers/trips_sql.sql", map[string]string{"content": "SELECT trip_distance,\n  fare_amount\nFROM ingest\nWHERE trip_distance > 0;\n", "version": b.FileVersion}, &f)
	if len(f.Problems) != 0 {
		t.Fatalf("valid SQL has problems: %+v", f.Problems)
	}
	ts.must(200, "PUT", "/api/files/transformers/trips_sql.sql", map[string]string{"content": "-- nothing yet\n", "version": f.Version}, &f)
	if len(f.Problems) != 1 || !strings.Contains(f.Problems[0].Message, "no SQL statement") || f.Problems[0].Line != 1 {
		t.Fatalf("empty SQL problems = %+v", f.Problems)
	}
	var other FileContent
	ts.must(200, "PUT", "/api/files/queries/notes.sql", map[string]string{"content": "this is no block\n"}, &other)
	if len(other.Problems) != 0 {
		t.Fatalf("a .sql file outside the block folders has problems: %+v", other.Problems)
	}

	// renaming moves the .sql file named after the block
	var pl Pipeline
	ts.must(200, "PATCH", "/api/pipelines/data_preparation/blocks/trips_sql", map[string]any{"name": "kept_trips"}, &pl)
	i := slices.IndexFunc(pl.Blocks, func(b Block) bool { return b.Name == "kept_trips" })
	if i < 0 || pl.Blocks[i].File != "transformers/kept_trips.sql" || pl.Blocks[i].Content != "-- nothing yet\n" {
		t.Fatalf("after rename: %+v", pl.Blocks)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "transformers/trips_sql.sql")); !os.IsNotExist(err) {
		t.Fatalf("old file still there: %v", err)
	}
}

// TestRuns_SQLBlock_OutputSchemaAndErrorPosition runs a SQL transformer over the example's Go loader
// through the editor: the pipeline lists the stored columns a SQL cell completes, and an unknown
// column fails the block at its line in the .sql file.
func TestRuns_SQLBlock_OutputSchemaAndErrorPosition(t *testing.T) {
	if !duck.Available {
		t.Skip("built without cgo (CGO_ENABLED=0): SQL blocks do not run")
	}
	ts := newTestServer(t, Options{})
	var b Block
	ts.must(201, "POST", "/api/pipelines/data_preparation/blocks", map[string]any{"name": "long_trips", "kind": "transformer", "template": "sql", "upstream": []string{"ingest"}}, &b)
	var f FileContent
	ts.must(200, "PUT", "/api/files/transformers/long_trips.sql", map[string]string{"content": "SELECT trip_distance, fare_amount\nFROM ingest\nWHERE trip_distance > 10\n", "version": b.FileVersion}, &f)

	conn := ts.dial(nil)
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "with_upstream", "block": "long_trips"}, nil)
	msgs := until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
	if last := msgs[len(msgs)-1]; last.Status != "succeeded" {
		t.Fatalf("run %s: %+v", last.Status, msgs)
	}
	var pl Pipeline
	ts.must(200, "GET", "/api/pipelines/data_preparation", nil, &pl)
	out := map[string]*OutputMeta{}
	for _, b := range pl.Blocks {
		out[b.Name] = b.Output
	}
	if o := out["ingest"]; o == nil || !slices.Contains(o.Schema, Field{"trip_distance", "float64"}) || len(o.Schema) != o.Cols {
		t.Fatalf("ingest output = %+v", o)
	}
	if o := out["long_trips"]; o == nil || o.Rows == 0 || !slices.Equal(o.Schema, []Field{{"trip_distance", "float64"}, {"fare_amount", "float64"}}) {
		t.Fatalf("long_trips output = %+v", o)
	}

	ts.must(200, "PUT", "/api/files/transformers/long_trips.sql", map[string]string{"content": "SELECT trip_distance,\n  fare_amountt\nFROM ingest\n", "version": f.Version}, nil)
	ts.must(202, "POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "block", "block": "long_trips"}, nil)
	msgs = until(t, conn, func(m WSMessage) bool { return m.Type == "run_finished" })
	var fin *WSMessage
	for i := range msgs {
		if msgs[i].Type == "block_finished" && msgs[i].Block == "long_trips" {
			fin = &msgs[i]
		}
	}
	if fin == nil || fin.Status != "failed" || fin.Error == nil {
		t.Fatalf("block_finished = %+v", fin)
	}
	if fin.Error.File != "transformers/long_trips.sql" || fin.Error.Line != 2 || fin.Error.Col == 0 || !strings.Contains(fin.Error.Message, "fare_amountt") {
		t.Fatalf("error = %s:%d:%d %s (want transformers/long_trips.sql:2)", fin.Error.File, fin.Error.Line, fin.Error.Col, fin.Error.Message)
	}
}
