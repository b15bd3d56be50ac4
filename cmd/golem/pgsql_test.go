package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks/conn/conntest"
)

// TestSQL_OnPostgres runs SQL blocks whose header names a postgres profile: the upstream Go
// block's frame is a table named after it (joined with a server table), variables are bound as
// $name (a value holding quotes stays a value), an exporter writes a server table, and an error
// is placed at its statement's line.
func TestSQL_OnPostgres(t *testing.T) {
	pg := conntest.Postgres(t)
	c := pg.Connect(t)
	if _, err := c.Exec(t.Context(), `CREATE TABLE zones (zone_id bigint, borough text);
		INSERT INTO zones VALUES (1, 'Queens'), (2, 'O''Neil Park'), (3, 'Bronx')`); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOLEM_SECRETS_KEY_FILE", filepath.Join(t.TempDir(), "secrets.key"))
	t.Setenv("GOLEM_SECRET_PGPASS", pg.Password)
	dir := filepath.Join(t.TempDir(), "pgsql")
	write(t, dir, "golem.yaml", fmt.Sprintf("name: pgsql\nconnections:\n  warehouse: {type: postgres, host: %s, port: %d, database: golem, user: golem, password: \"${secret:PGPASS}\", sslmode: disable}\n", pg.Host, pg.Port))
	write(t, dir, "data_loaders/trips.go", `package trips

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.New(
		frame.NewInts("pu", []int64{1, 1, 2, 3, 3, 3}),
		frame.NewFloats("minutes", []float64{10, 20, 5, 1, 2, 3}),
	)
}
`)
	write(t, dir, "transformers/by_borough.sql", `-- trips per borough, on the warehouse server
-- connection: warehouse
SELECT z.borough, count(*) AS trips, avg(t.minutes) AS mean_minutes
FROM trips t JOIN zones z ON z.zone_id = t.pu
WHERE z.borough <> $skip AND t.minutes >= $min_minutes -- '$not_a_variable'
GROUP BY z.borough
ORDER BY z.borough
`)
	write(t, dir, "data_exporters/save.sql", `-- connection: warehouse
DROP TABLE IF EXISTS borough_summary;
CREATE TABLE borough_summary AS SELECT * FROM by_borough;
SELECT count(*) AS saved FROM borough_summary
`)
	write(t, dir, "pipelines/p/pipeline.yaml", `name: p
variables:
  skip: {type: string, default: "O'Neil Park"}
  min_minutes: {type: float, default: "2"}
blocks:
  - {name: trips, kind: data_loader, file: data_loaders/trips.go, upstream: []}
  - {name: by_borough, kind: transformer, file: transformers/by_borough.sql, upstream: [trips]}
  - {name: save, kind: data_exporter, file: data_exporters/save.sql, upstream: [by_borough]}
`)
	stdout, stderr, err := golem(t, "run", dir, "p", "--json")
	if err != nil {
		t.Fatalf("run: %v\n%s\n%s", err, stdout, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil || s.Status != "succeeded" {
		t.Fatalf("summary: %v\n%s", err, stdout)
	}
	var got []string
	rows, err := c.Query(t.Context(), "SELECT borough || ':' || trips || ':' || mean_minutes FROM borough_summary ORDER BY borough")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v string
		rows.Scan(&v)
		got = append(got, v)
	}
	if strings.Join(got, " ") != "Bronx:2:2.5 Queens:2:15" {
		t.Errorf("borough_summary = %v", got)
	}
	// The skipped borough is a bound value: with the quote it matches, so O'Neil Park is absent
	// above; with another value it is counted.
	if stdout, _, err := golem(t, "run", dir, "p", "--json", "--var", "skip=none"); err != nil || !strings.Contains(stdout, `"rows": 3`) {
		t.Errorf("skip=none: %v\n%s", err, stdout)
	}

	// An error is placed at its statement, a bad variable names the variables, a missing
	// profile names the header's line.
	write(t, dir, "transformers/by_borough.sql", "-- connection: warehouse\nSELECT 1;\nSELECT nope FROM trips\n")
	stdout, _, _ = golem(t, "run", dir, "p")
	if !strings.Contains(stdout, "transformers/by_borough.sql:3:1") || !strings.Contains(stdout, `column "nope" does not exist`) {
		t.Errorf("error not at line 3:\n%s", stdout)
	}
	write(t, dir, "transformers/by_borough.sql", "-- connection: warehouse\nSELECT $nope AS x\n")
	stdout, _, _ = golem(t, "run", dir, "p")
	if !strings.Contains(stdout, "by_borough.sql:2:1") || !strings.Contains(stdout, "unknown variable $nope (variables: min_minutes, skip)") {
		t.Errorf("unknown variable:\n%s", stdout)
	}
	write(t, dir, "transformers/by_borough.sql", "-- connection: lake\nSELECT 1 AS x\n")
	stdout, _, _ = golem(t, "run", dir, "p")
	if !strings.Contains(stdout, "by_borough.sql:1:1") || !strings.Contains(stdout, `connection "lake": unknown connection`) {
		t.Errorf("unknown profile:\n%s", stdout)
	}
}
