package conn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/conn"
	"github.com/golemlabs/golem/blocks/conn/conntest"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects/secret"
)

// project writes a golem.yaml with the given connections: block and a secrets key outside it, and
// returns the project directory. Secrets are stored with secret.Store.Set.
func project(t testing.TB, connections string, secrets map[string]string) string {
	t.Helper()
	root := t.TempDir()
	t.Setenv(secret.KeyFileEnv, filepath.Join(root, "key", "secrets.key"))
	dir := filepath.Join(root, "proj")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "golem.yaml"), []byte("name: conntest\nconnections:\n"+connections), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := secret.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets {
		if err := st.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// bctx is a block context on the project, collecting its log lines.
func bctx(t testing.TB, dir string, log *[]string) *blocks.Context {
	return blocks.NewContext(blocks.ContextOptions{Context: t.Context(), ProjectDir: dir, Log: func(l string) {
		if log != nil {
			*log = append(*log, l)
		}
	}})
}

func pgProject(t testing.TB, pg *conntest.PG) string {
	return project(t, fmt.Sprintf(`  warehouse:
    type: postgres
    host: %s
    port: %d
    database: %s
    user: %s
    password: ${secret:PGPASS}
    sslmode: disable
`, pg.Host, pg.Port, pg.Database, pg.User), map[string]string{"PGPASS": pg.Password})
}

// sample has every frame type, nulls in each, and strings that need COPY escapes and SQL quoting.
func sample() *frame.Frame {
	ts := []time.Time{
		time.Date(2023, 1, 1, 0, 12, 34, 123456000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 1000, time.UTC),
		{},
	}
	return frame.MustNew(
		frame.NewInts("id", []int64{1, 2, 3, 4}),
		frame.NewInts("big", []int64{math.MaxInt64, math.MinInt64, 0, 7}).WithNulls([]bool{true, true, true, false}),
		frame.NewFloats("x", []float64{1.5, -0.1, 1e300, 0}).WithNulls([]bool{true, true, true, false}),
		frame.NewStrings("name", []string{"O'Brien \"q\"", "tab\there\nnew\\line", "日本語 ✓", ""}).WithNulls([]bool{true, true, true, false}),
		frame.NewBools("ok", []bool{true, false, true, false}).WithNulls([]bool{true, true, false, true}),
		frame.NewTimes("at", ts).WithNulls([]bool{true, true, true, false}),
		frame.NewDurations("took", []time.Duration{90 * time.Second, 36*time.Hour + 1500*time.Microsecond, 0, 0}).WithNulls([]bool{true, true, true, false}),
	)
}

func sameFrames(t *testing.T, got, want *frame.Frame) {
	t.Helper()
	if fmt.Sprint(got.Schema()) != fmt.Sprint(want.Schema()) {
		t.Fatalf("schema = %v, want %v", got.Schema(), want.Schema())
	}
	if got.NumRows() != want.NumRows() {
		t.Fatalf("rows = %d, want %d", got.NumRows(), want.NumRows())
	}
	for _, c := range want.Columns() {
		for i := 0; i < want.NumRows(); i++ {
			g, w := got.Col(c).Value(i), want.Col(c).Value(i)
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s[%d] = %v, want %v", c, i, g, w)
			}
		}
	}
}

func TestPostgres_TypedRoundTrip(t *testing.T) {
	pg := conntest.Postgres(t)
	var log []string
	ctx := bctx(t, pgProject(t, pg), &log)
	db, err := conn.Postgres(ctx, "warehouse")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := sample()
	n, err := db.Write(want, "public.sample", conn.Create)
	if err != nil || n != 4 {
		t.Fatalf("write = %d, %v", n, err)
	}
	got, err := db.Query("SELECT * FROM sample ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	sameFrames(t, got, want)
	// Types the reader maps from other PostgreSQL types: int4, real, numeric, date, timestamptz, uuid.
	got, err = db.Query(`SELECT 7::int4 AS i4, 2::int2 AS i2, 1.25::real AS r, 12.5::numeric AS n, DATE '2023-03-04' AS d,
		TIMESTAMPTZ '2023-01-01 10:00:00+02' AS tz, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, NULL::text AS nothing, '{"a":1}'::jsonb AS j`)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got.Schema()); s != "[i4 int64 i2 int64 r float64 n float64 d timestamp tz timestamp u string nothing string j string]" {
		t.Errorf("schema = %s", s)
	}
	for col, want := range map[string]string{"i4": "7", "i2": "2", "r": "1.25", "n": "12.5", "d": "2023-03-04 00:00:00 +0000 UTC",
		"tz": "2023-01-01 08:00:00 +0000 UTC", "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "nothing": "<nil>", "j": `{"a": 1}`} {
		if g := fmt.Sprint(got.Col(col).Value(0)); g != want {
			t.Errorf("%s = %s, want %s", col, g, want)
		}
	}
	if !strings.Contains(strings.Join(log, "\n"), "warehouse: wrote 4 rows to public.sample (create)") {
		t.Errorf("log = %q", log)
	}
}

func TestPostgres_WriteModes(t *testing.T) {
	pg := conntest.Postgres(t)
	ctx := bctx(t, pgProject(t, pg), nil)
	db, err := conn.Postgres(ctx, "warehouse")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	zones := func(ids []int64, names ...string) *frame.Frame {
		return frame.MustNew(frame.NewInts("zone_id", ids), frame.NewStrings("zone", names))
	}
	count := func() int64 {
		f, err := db.Query("SELECT count(*) AS n FROM zones")
		if err != nil {
			t.Fatal(err)
		}
		return f.Col("n").Ints()[0]
	}
	if _, err := db.Write(zones([]int64{1, 2}, "a", "b"), "zones", conn.Create); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write(zones([]int64{3}, "c"), "zones", conn.Create); !errors.Is(err, conn.ErrTableExists) || !strings.Contains(err.Error(), `connection "warehouse"`) {
		t.Fatalf("create over an existing table: %v", err)
	}
	if n, err := db.Write(zones([]int64{3}, "c"), "zones", conn.Append); err != nil || n != 1 || count() != 3 {
		t.Fatalf("append = %d, %v, count %d", n, err, count())
	}
	// Append into a table the frame did not create: the server converts bigint text to int.
	if _, err := db.Exec("CREATE TABLE small (zone_id int4, zone varchar(10))"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Write(zones([]int64{9}, "z"), "small", conn.Append); err != nil || n != 1 {
		t.Fatalf("append to an int4 table = %d, %v", n, err)
	}
	// Replace: new rows and a new schema, atomically.
	repl := frame.MustNew(frame.NewInts("zone_id", []int64{10}), frame.NewFloats("area", []float64{2.5}))
	if n, err := db.Write(repl, "zones", conn.Replace); err != nil || n != 1 || count() != 1 {
		t.Fatalf("replace = %d, %v, count %d", n, err, count())
	}
	f, _ := db.Query("SELECT * FROM zones")
	if fmt.Sprint(f.Columns()) != "[zone_id area]" {
		t.Errorf("after replace columns = %v", f.Columns())
	}
	// Upsert: a new table gets the keys as primary key; matching keys are updated, others inserted.
	if n, err := db.Write(zones([]int64{1, 2}, "a", "b"), "up", conn.Upsert, "zone_id"); err != nil || n != 2 {
		t.Fatalf("upsert into a new table = %d, %v", n, err)
	}
	if n, err := db.Write(zones([]int64{2, 3}, "B", "c"), "up", conn.Upsert, "zone_id"); err != nil || n != 2 {
		t.Fatalf("upsert = %d, %v", n, err)
	}
	f, err = db.Query("SELECT zone_id, zone FROM up ORDER BY zone_id")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Col("zone_id").Ints(), f.Col("zone").Strings()); got != "[1 2 3] [a B c]" {
		t.Errorf("after upsert: %s", got)
	}
	// Upsert into a table without a unique constraint works too (update, then insert the rest).
	if _, err := db.Exec("CREATE TABLE loose (zone_id bigint, zone text)"); err != nil {
		t.Fatal(err)
	}
	db.Write(zones([]int64{1}, "x"), "loose", conn.Append)
	if n, err := db.Write(zones([]int64{1, 5}, "y", "z"), "loose", conn.Upsert, "zone_id"); err != nil || n != 2 {
		t.Fatalf("upsert without a constraint = %d, %v", n, err)
	}
	f, _ = db.Query("SELECT zone FROM loose ORDER BY zone_id")
	if got := fmt.Sprint(f.Col("zone").Strings()); got != "[y z]" {
		t.Errorf("loose after upsert: %s", got)
	}
	// Temp: a table only this connection sees, for a query joining it with the server's tables.
	if n, err := db.Write(zones([]int64{1, 3}, "t1", "t3"), "stage", conn.Temp); err != nil || n != 2 {
		t.Fatalf("temp = %d, %v", n, err)
	}
	f, err = db.Query("SELECT s.zone AS staged, u.zone FROM stage s JOIN up u USING (zone_id) ORDER BY zone_id")
	if err != nil || fmt.Sprint(f.Col("staged").Strings(), f.Col("zone").Strings()) != "[t1 t3] [a c]" {
		t.Errorf("join with the temp table: %v %v", f, err)
	}
	other := pg.Connect(t)
	var visible bool
	other.QueryRow(t.Context(), "SELECT to_regclass('stage') IS NOT NULL").Scan(&visible)
	if visible {
		t.Error("another connection sees the temp table")
	}
	for name, err := range map[string]error{
		"upsert without keys": func() error { _, err := db.Write(zones([]int64{1}, "a"), "up", conn.Upsert); return err }(),
		"unknown key":         func() error { _, err := db.Write(zones([]int64{1}, "a"), "up", conn.Upsert, "nope"); return err }(),
		"unknown mode":        func() error { _, err := db.Write(zones([]int64{1}, "a"), "up", conn.WriteMode("merge")); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), `connection "warehouse"`) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestPostgres_BoundArgumentsHoldingQuotes(t *testing.T) {
	pg := conntest.Postgres(t)
	ctx := bctx(t, pgProject(t, pg), nil)
	db, err := conn.Postgres(ctx, "warehouse")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write(sample(), "sample", conn.Create); err != nil {
		t.Fatal(err)
	}
	evil := "x'; DROP TABLE sample; --"
	f, err := db.Query("SELECT id FROM sample WHERE name = $1 OR name = $2", `O'Brien "q"`, evil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Col("id").Ints()); got != "[1]" {
		t.Errorf("ids = %s", got)
	}
	if n, err := db.Exec("UPDATE sample SET name = $1 WHERE id = $2", evil, 2); err != nil || n != 1 {
		t.Fatalf("exec = %d, %v", n, err)
	}
	f, err = db.Query("SELECT name FROM sample WHERE id = $1 AND at > $2", 2, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Col("name").Strings(); len(got) != 1 || got[0] != evil {
		t.Errorf("name = %q", got)
	}
}

func TestPostgres_ConnectErrorsNameTheProfile(t *testing.T) {
	pg := conntest.Postgres(t)
	cases := []struct {
		name, password, host string
		port                 int
		want                 string
	}{
		{"wrong password", "not-the-password-9", pg.Host, pg.Port, "password authentication failed"},
		{"unreachable host", pg.Password, "127.0.0.1", 1, "connect"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := project(t, fmt.Sprintf("  warehouse: {type: postgres, host: %s, port: %d, database: golem, user: golem, password: \"${secret:PGPASS}\", sslmode: disable, timeout: 5s}\n",
				tc.host, tc.port), map[string]string{"PGPASS": tc.password})
			_, err := conn.Postgres(bctx(t, dir, nil), "warehouse")
			if err == nil {
				t.Fatal("connected")
			}
			msg := err.Error()
			if !strings.Contains(msg, `connection "warehouse" (golem.yaml:3)`) || !strings.Contains(msg, tc.want) {
				t.Errorf("error = %s", msg)
			}
			if strings.Contains(msg, tc.password) {
				t.Errorf("error shows the password: %s", msg)
			}
		})
	}
}

func TestProfile_Errors(t *testing.T) {
	dir := project(t, "  warehouse: {type: postgres, url: \"postgres://golem:${secret:NOPE}@127.0.0.1:1/golem\"}\n  lake: {type: s3, bucket: b}\n", nil)
	for name, tc := range map[string]struct {
		open func() error
		want string
	}{
		"unknown":      {func() error { _, err := conn.Postgres(bctx(t, dir, nil), "nope"); return err }, `connection "nope": unknown connection: add it under connections: in golem.yaml or connections.yaml (defined: lake, warehouse)`},
		"wrong type":   {func() error { _, err := conn.S3(bctx(t, dir, nil), "warehouse"); return err }, `connection "warehouse" (golem.yaml:3): wrong connection type: it is a postgres profile, not s3`},
		"secret unset": {func() error { _, err := conn.Postgres(bctx(t, dir, nil), "warehouse"); return err }, `connection "warehouse" (golem.yaml:3): url: secret NOPE: not set`},
	} {
		if err := tc.open(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v\nwant %s", name, err, tc.want)
		}
	}
}

func TestS3_ReadWriteList(t *testing.T) {
	s3 := conntest.S3Server(t)
	dir := project(t, fmt.Sprintf(`  lake:
    type: s3
    endpoint: %s
    bucket: %s
    path_style: true
    access_key_id: ${env:LAKE_KEY}
    secret_access_key: ${secret:LAKE_SECRET}
`, s3.Endpoint, s3.Bucket), map[string]string{"LAKE_SECRET": s3.SecretKey})
	t.Setenv("LAKE_KEY", s3.AccessKey)
	b, err := conn.S3(bctx(t, dir, nil), "lake")
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	for _, k := range []string{"trips/2023/01.parquet", "trips/2023/02.parquet", "other/x.parquet"} {
		if err := b.WriteParquet(want, k); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.WriteCSV(want.Select("id", "x", "ok"), "csv/a.csv"); err != nil {
		t.Fatal(err)
	}
	keys, err := b.List("trips/")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(keys); got != "[trips/2023/01.parquet trips/2023/02.parquet]" {
		t.Errorf("list = %s", got)
	}
	got, err := b.ReadParquet("trips/2023/01.parquet")
	if err != nil {
		t.Fatal(err)
	}
	sameFrames(t, got, want)
	all, err := b.ReadParquet("trips/")
	if err != nil || all.NumRows() != 8 {
		t.Fatalf("read prefix: %v, %v", all, err)
	}
	c, err := b.ReadCSV("csv/a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.Schema()) != "[id int64 x float64 ok bool]" || c.NumRows() != 4 {
		t.Errorf("csv = %v", c)
	}
	if _, err := b.ReadParquet("missing.parquet"); err == nil || !strings.Contains(err.Error(), `connection "lake" (golem.yaml:3): get s3://lake/missing.parquet`) {
		t.Errorf("missing object: %v", err)
	}
}

func TestHTTP_GetJSON_Pagination(t *testing.T) {
	const token = "tok-3f9a8b7c6d"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/zones": // next-link pagination
			page, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
			next := any(nil)
			if page < 2 {
				next = "/v1/zones?cursor=" + strconv.Itoa(page+1)
			}
			json.NewEncoder(w).Encode(map[string]any{
				"data":  []any{map[string]any{"id": page*2 + 1, "name": "z" + strconv.Itoa(page), "area": 1.5}, map[string]any{"id": page*2 + 2, "tags": []string{"a"}, "area": 2}},
				"links": map[string]any{"next": next},
			})
		case "/v1/rides": // page-number pagination, the array at the top
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			var rows []any
			if page <= 3 {
				rows = append(rows, map[string]any{"page": page, "ok": page%2 == 0, "borough": r.URL.Query().Get("borough")})
			}
			json.NewEncoder(w).Encode(rows)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := project(t, fmt.Sprintf("  api: {type: http, base_url: %q, auth: {bearer: \"${secret:API_TOKEN}\"}}\n", srv.URL), map[string]string{"API_TOKEN": token})
	api, err := conn.HTTP(bctx(t, dir, nil), "api")
	if err != nil {
		t.Fatal(err)
	}
	f, err := api.GetJSON("v1/zones", conn.Paging{Records: "data", Next: "links.next"})
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(f.Schema()); s != "[area float64 id int64 name string tags string]" || f.NumRows() != 6 {
		t.Fatalf("zones = %v\n%v", s, f)
	}
	if got := fmt.Sprint(f.Col("id").Ints(), f.Col("tags").Value(1), f.Col("name").Value(1)); got != `[1 2 3 4 5 6]["a"]<nil>` {
		t.Errorf("values = %s", got)
	}
	f, err = api.GetJSON("/v1/rides", conn.Paging{PageParam: "page", Query: map[string]string{"borough": "Queens"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Col("page").Ints(), f.Col("ok").Bools(), f.Col("borough").Strings()); got != "[1 2 3] [false true false] [Queens Queens Queens]" {
		t.Errorf("rides = %s", got)
	}
	os.Setenv("GOLEM_SECRET_API_TOKEN", "wrong-token-1")
	defer os.Unsetenv("GOLEM_SECRET_API_TOKEN")
	api, _ = conn.HTTP(bctx(t, dir, nil), "api")
	if _, err := api.GetJSON("v1/zones", conn.Paging{Records: "data"}); !errors.Is(err, conn.ErrHTTP) || !strings.Contains(err.Error(), `connection "api" (golem.yaml:3): GET `) || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong token: %v", err)
	}
}

// TestRedactor_MasksSecretsOfTheProject checks the values the worker masks: stored secrets, the
// environment's GOLEM_SECRET_*, and credentials from ${env:...}.
func TestRedactor_MasksSecretsOfTheProject(t *testing.T) {
	dir := project(t, "  api: {type: http, base_url: \"http://x\", headers: {X-Api-Key: \"${env:API_KEY}\"}}\n", map[string]string{"PGPASS": `pa"ss/w:rd@1`})
	t.Setenv("API_KEY", "key-from-env-77")
	t.Setenv("GOLEM_SECRET_OTHER", "other-secret-88")
	r := secret.ForProject(dir)
	in := `pa"ss/w:rd@1 {"p":"pa\"ss/w:rd@1"} postgres://u:pa%22ss%2Fw%3Ard%401@h key-from-env-77 other-secret-88 keep`
	if got := r.String(in); got != `*** {"p":"***"} postgres://u:***@h *** *** keep` {
		t.Errorf("redacted = %s", got)
	}
	_ = context.Background
}
