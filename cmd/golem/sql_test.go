//go:build cgo

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/history"
)

// sqlPipeline adds pipeline mixed to the example project: a SQL loader reading the sample parquet
// files relative to the project, a Go transformer over it that joins with ctx.SQL, a SQL
// transformer over the Go block and a SQL exporter.
func sqlPipeline(t *testing.T, dir string) {
	t.Helper()
	write(t, dir, "data_loaders/trips_sql.sql", `-- the sample month, read by DuckDB relative to the project
SELECT lpep_pickup_datetime, PULocationID, trip_distance, fare_amount, store_and_fwd_flag
FROM read_parquet($source || '/2023/01.parquet')
WHERE trip_distance >= $min_distance
`)
	write(t, dir, "transformers/zones_go.go", `package zones_go

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Transform joins a zone table to the trips with one SQL statement inside Go.
func Transform(ctx *blocks.Context, trips_sql *frame.Frame) (*frame.Frame, error) {
	zones := frame.MustNew(frame.NewInts("id", []int64{74, 75}), frame.NewStrings("borough", []string{"Manhattan", "East Harlem"}))
	_ = zones
	f, err := ctx.SQL("SELECT t.*, CASE WHEN t.PULocationID IN (74, 75) THEN 'harlem' ELSE 'other' END AS area FROM trips_sql t WHERE t.fare_amount > ?", 0.0)
	if err != nil {
		return nil, err
	}
	ctx.Logf("ctx.SQL gave %d rows", f.NumRows())
	return f, nil
}
`)
	write(t, dir, "transformers/by_area.sql", `SELECT area, count(*) AS trips, avg(trip_distance) AS mean_distance,
       min(lpep_pickup_datetime) AS first_pickup, count(store_and_fwd_flag) AS flagged
FROM zones_go
GROUP BY area
ORDER BY area
`)
	write(t, dir, "data_exporters/save_areas.sql", `COPY by_area TO 'output/areas.parquet' (FORMAT parquet);
SELECT count(*) AS areas FROM by_area
`)
	write(t, dir, "pipelines/mixed/pipeline.yaml", `name: mixed
variables:
  source: {type: string, default: data/green}
  min_distance: {type: float, default: "0.5"}
blocks:
  - {name: trips_sql, kind: data_loader, file: data_loaders/trips_sql.sql, upstream: []}
  - {name: zones_go, kind: transformer, file: transformers/zones_go.go, upstream: [trips_sql]}
  - {name: by_area, kind: transformer, file: transformers/by_area.sql, upstream: [zones_go]}
  - {name: save_areas, kind: data_exporter, file: data_exporters/save_areas.sql, upstream: [by_area]}
`)
}

func TestSQL_BlocksBesideGoBlocks(t *testing.T) {
	dir := example(t)
	sqlPipeline(t, dir)
	s := runJSON(t, dir, "mixed")
	rows := map[string]int{}
	for _, b := range s.Blocks {
		if b.Status != "succeeded" {
			t.Errorf("block %s: %s", b.Name, b.Status)
		}
		rows[b.Name] = rowsOf(b)
	}
	if rows["trips_sql"] == 0 || rows["zones_go"] == 0 || rows["by_area"] != 2 || rows["save_areas"] != 1 {
		t.Errorf("rows %v", rows)
	}
	out, err := frame.ReadParquet(filepath.Join(dir, "output", "areas.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]frame.Type{"area": frame.String, "trips": frame.Int64, "mean_distance": frame.Float64, "first_pickup": frame.Timestamp, "flagged": frame.Int64}
	for c, typ := range want {
		if !out.Has(c) || out.Col(c).Type() != typ {
			t.Errorf("areas.parquet column %s: want %s, schema %v", c, typ, out.Schema())
		}
	}
	// A stricter variable changes the result: variables are bound, typed from their declarations.
	s2 := runJSON(t, dir, "mixed", "min_distance=5")
	for _, b := range s2.Blocks {
		if b.Name == "trips_sql" && rowsOf(b) >= rows["trips_sql"] {
			t.Errorf("min_distance=5 kept %d rows, 0.5 kept %d", b.Rows, rows["trips_sql"])
		}
	}
	// A downstream Go block reads a SQL block's frame from the output store (--block re-run).
	if _, stderr, err := golem(t, "run", dir, "mixed", "--block", "zones_go"); err != nil {
		t.Fatalf("re-run zones_go from the stored SQL output: %v\n%s", err, stderr)
	}
}

func TestSQL_VariableHoldingAQuoteMatchesNothing(t *testing.T) {
	dir := example(t)
	write(t, dir, "data_loaders/pick.sql", "SELECT * FROM read_parquet('data/green/2023/01.parquet')\nWHERE store_and_fwd_flag = $flag\n")
	write(t, dir, "pipelines/pick/pipeline.yaml", "name: pick\nvariables:\n  flag: {type: string, default: N}\nblocks:\n  - {name: pick, kind: data_loader, file: data_loaders/pick.sql, upstream: []}\n")
	if s := runJSON(t, dir, "pick"); rowsOf(s.Blocks[0]) == 0 {
		t.Fatalf("flag N matched nothing: the test proves nothing")
	}
	s := runJSON(t, dir, "pick", "flag=' OR '1'='1")
	if rowsOf(s.Blocks[0]) != 0 {
		t.Errorf("a quote in a variable matched %d rows", rowsOf(s.Blocks[0]))
	}
}

func TestSQL_ErrorsNameFileLineAndColumn(t *testing.T) {
	dir := example(t)
	write(t, dir, "data_loaders/src.sql", "SELECT 1 AS a, 'x' AS b\n")
	tests := []struct{ name, sql, want string }{
		{"syntax", "SELECT a,\n  b\nFORM src\n", `transformers/bad.sql:3:6: block "bad": Parser Error: syntax error at or near "src"`},
		{"unknown table", "-- reads the wrong name\nSELECT *\nFROM srcs\n", `transformers/bad.sql:3:6: block "bad": Catalog Error: Table with name srcs does not exist! (tables from upstream blocks: src)`},
		{"unknown column", "SELECT a,\n       nope\nFROM src\n", `transformers/bad.sql:2:8: block "bad": Binder Error: Referenced column "nope" not found in FROM clause!`},
		{"unknown variable", "SELECT * FROM src WHERE a = $typo\n", `transformers/bad.sql:1:29: block "bad": unknown variable $typo (variables: source)`},
	}
	write(t, dir, "pipelines/bad/pipeline.yaml", "name: bad\nblocks:\n  - {name: src, kind: data_loader, file: data_loaders/src.sql, upstream: []}\n  - {name: bad, kind: transformer, file: transformers/bad.sql, upstream: [src]}\n")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			write(t, dir, "transformers/bad.sql", tt.sql)
			stdout, stderr, err := golem(t, "run", dir, "bad")
			if err == nil {
				t.Fatalf("the run succeeded:\n%s", stdout)
			}
			if !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("output lacks %q:\n%s\n%s", tt.want, stdout, stderr)
			}
			logs, _, _ := golem(t, "runs", dir, "bad", "--limit", "1", "--json")
			at, _, _ := strings.Cut(tt.want, ` block`)
			if !strings.Contains(logs, `"error": "`+at) {
				t.Errorf("the run history does not place the error:\n%s", logs)
			}
		})
	}
}

func TestSQL_TypeCheckBeforeTheRun(t *testing.T) {
	dir := example(t)
	write(t, dir, "data_loaders/m.go", "package m\n\nimport \"github.com/golemlabs/golem/blocks\"\n\nfunc Load(ctx *blocks.Context) (map[string]float64, error) {\n\treturn map[string]float64{\"a\": 1}, nil\n}\n")
	write(t, dir, "transformers/q.sql", "SELECT * FROM m\n")
	write(t, dir, "pipelines/tc/pipeline.yaml", "name: tc\nblocks:\n  - {name: m, kind: data_loader, file: data_loaders/m.go, upstream: []}\n  - {name: q, kind: transformer, file: transformers/q.sql, upstream: [m]}\n")
	_, stderr, err := golem(t, "run", dir, "tc")
	want := `transformers/q.sql:1:1: block "q" reads upstream "m" as a table, but "m" returns map[string]float64 (data_loaders/m.go:5), not a *frame.Frame`
	if err == nil || !strings.Contains(stderr+err.Error(), want) {
		t.Errorf("err %v, stderr:\n%s\nwant %s", err, stderr, want)
	}
}

func TestSQL_TimeoutInterruptsTheQuery(t *testing.T) {
	dir := example(t)
	write(t, dir, "data_loaders/slow.sql", "SELECT count(*) AS n FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range\n")
	write(t, dir, "pipelines/slow/pipeline.yaml", "name: slow\nblocks:\n  - {name: slow, kind: data_loader, file: data_loaders/slow.sql, upstream: [], timeout: 1s}\n")
	start := time.Now()
	stdout, _, err := golem(t, "run", dir, "slow")
	if err == nil || !strings.Contains(stdout, "stopped after its timeout of 1s") {
		t.Fatalf("err %v\n%s", err, stdout)
	}
	// The interrupt stops DuckDB within a second of the timeout; the kill past the grace
	// (2 s) would be later.
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("the run took %s", d)
	}
}

func TestSQL_DataPreparationSQL_KeepsTheSameTrips(t *testing.T) {
	src, err := filepath.Abs("../../../shared/data/taxi/green")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("real data not found at %s (CI has it beside the repository)", src)
	}
	dir := example(t)
	for month, want := range map[string]int{"2023-01": 65946, "2023-02": 62574} {
		s := runJSON(t, dir, "data_preparation_sql", "source="+src, "months="+month)
		for _, b := range s.Blocks {
			if b.Name == "prepare_sql" && rowsOf(b) != want {
				t.Errorf("%s: prepare_sql kept %d trips, want %d (data_preparation keeps %d)", month, rowsOf(b), want, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "output", "trips_sql.parquet")); err != nil {
		t.Error(err)
	}
	// The sample months, as make example runs them.
	runJSON(t, dir, "data_preparation_sql")
}

func rowsOf(b blockSummary) int {
	if b.Rows == nil {
		return -1
	}
	return *b.Rows
}

// TestSQL_OnTheCluster: a SQL block and a Go block after it run on a cluster worker process that
// has no checkout of the project, submitted through the editor's API and through golem run --nats.
func TestSQL_OnTheCluster(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "proj")
	if err := projects.Init(dir, ""); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "data_loaders/gen.sql", "SELECT range AS i, 'r' || range AS label FROM range(5) WHERE range < $upto\n")
	write(t, dir, "transformers/total.go", "package total\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\nfunc Transform(ctx *blocks.Context, gen *frame.Frame) (float64, error) {\n\treturn gen.Col(\"i\").Sum(), nil\n}\n")
	write(t, dir, "pipelines/sqlc/pipeline.yaml", "name: sqlc\nvariables:\n  upto: {type: int, default: \"4\"}\nblocks:\n  - {name: gen, kind: data_loader, file: data_loaders/gen.sql, upstream: []}\n  - {name: total, kind: transformer, file: transformers/total.go, upstream: [gen]}\n")

	_, coord := startProcess(t, dir, "start", dir, "--port", "0", "--nats-listen", "127.0.0.1:0")
	natsURL := waitLine(t, coord, "nats://")
	base := strings.TrimRight(waitLine(t, coord, "http://"), "/")
	empty := t.TempDir()
	_, lines := startProcess(t, empty, "worker", "--nats", natsURL, "--name", "w1", "--dir", empty)
	waitLine(t, lines, "golem")

	id := apiClient{t: t, base: base}.submit("sqlc", map[string]string{"upto": "3"})
	r := waitRun(t, dir, id, 60*time.Second)
	if r.Status != history.Succeeded || len(r.Workers) != 1 || r.Workers[0] != "w1" {
		t.Fatalf("run %s: %s on %v (%s)", id, r.Status, r.Workers, r.Error)
	}
	if b := r.Block("gen"); b.Rows != 3 {
		t.Errorf("gen: %d rows on the cluster, want 3", b.Rows)
	}
	out, errOut, code := golemProcess(t, "run", dir, "sqlc", "--nats", natsURL, "--json")
	if code != 0 || !strings.Contains(out, `"value": 6`) {
		t.Fatalf("golem run --nats: exit %d\n%s\n%s", code, out, errOut)
	}
}
