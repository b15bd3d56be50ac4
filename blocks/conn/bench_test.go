package conn_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks/conn"
	"github.com/golemlabs/golem/blocks/conn/conntest"
	"github.com/golemlabs/golem/blocks/frame"
)

const taxiDir = "../../../shared/data/taxi/green/2023"

// preparedTrips2023 is what the example's data_preparation keeps of the 2023 green-taxi files:
// trips of 1 to 60 minutes with a duration column and categorical zones (753,860 rows).
func preparedTrips2023(b *testing.B) *frame.Frame {
	b.Helper()
	if _, err := os.Stat(taxiDir); err != nil {
		b.Skipf("no taxi data at %s", taxiDir)
	}
	trips, err := frame.ReadParquet(taxiDir)
	if err != nil {
		b.Fatal(err)
	}
	d := trips.Col("lpep_dropoff_datetime").Sub(trips.Col("lpep_pickup_datetime")).Minutes()
	trips = trips.With("duration", d).Filter(d.Between(1, 60))
	trips = trips.With("PULocationID", trips.Col("PULocationID").AsString()).With("DOLocationID", trips.Col("DOLocationID").AsString())
	if trips.NumRows() != 753860 {
		b.Fatalf("prepared %d trips, want 753860", trips.NumRows())
	}
	return trips
}

// BenchmarkPostgres_Trips2023 writes the prepared trips of 2023 to PostgreSQL with db.Write
// (replace: drop, create, COPY) and with psql's \copy of the same rows as CSV (into a truncated
// table of the same schema, psql started per iteration), then reads them back with db.Query and
// with psql's \copy to a file. Each reports rows/s.
func BenchmarkPostgres_Trips2023(b *testing.B) {
	trips := preparedTrips2023(b)
	pg := conntest.Postgres(b)
	dir := pgProject(b, pg)
	ctx := bctx(b, dir, nil)
	db, err := conn.Postgres(ctx, "warehouse")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	csvPath := filepath.Join(b.TempDir(), "trips.csv")
	if err := trips.WriteCSV(csvPath); err != nil {
		b.Fatal(err)
	}
	os.Chmod(filepath.Dir(csvPath), 0o755)
	psql, err := exec.LookPath("psql")
	if err != nil {
		psql = filepath.Join(pg.Bin, "psql")
	}
	runPsql := func(cmds ...string) {
		b.Helper()
		args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1"}
		for _, c := range cmds {
			args = append(args, "-c", c)
		}
		c := exec.Command(psql, append(args, pg.URL())...)
		c.Dir = os.TempDir()
		if out, err := c.CombinedOutput(); err != nil {
			b.Fatalf("psql %s: %v\n%s", cmds, err, out)
		}
	}
	rows := float64(trips.NumRows())
	report := func(b *testing.B, start time.Time) {
		b.ReportMetric(rows*float64(b.N)/time.Since(start).Seconds(), "rows/s")
	}
	b.Run("write/golem", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if n, err := db.Write(trips, "trips", conn.Replace); err != nil || n != int64(rows) {
				b.Fatalf("write = %d, %v", n, err)
			}
		}
		report(b, start)
	})
	if _, err := db.Exec("DROP TABLE IF EXISTS trips_psql; CREATE TABLE trips_psql (LIKE trips)"); err != nil {
		b.Fatal(err)
	}
	b.Run("write/psql_copy_csv", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			runPsql("TRUNCATE trips_psql", `\copy trips_psql FROM '`+csvPath+`' CSV HEADER`)
		}
		report(b, start)
	})
	b.Run("read/golem", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			f, err := db.Query("SELECT * FROM trips")
			if err != nil || f.NumRows() != int(rows) || f.NumCols() != trips.NumCols() {
				b.Fatalf("read: %v %v", f, err)
			}
		}
		report(b, start)
	})
	out := filepath.Join(b.TempDir(), "out.csv")
	b.Run("read/psql_copy_csv", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			runPsql(`\copy trips TO '` + out + `' CSV HEADER`)
		}
		report(b, start)
	})
}
