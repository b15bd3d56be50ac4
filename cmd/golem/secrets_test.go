package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/blocks/conn/conntest"
	"github.com/golemlabs/golem/runtime/history"
)

// TestSecrets_NeverInLogsHistoryOrJSON runs a pipeline through golem run whose blocks connect
// with a stored secret and leak secret values every way a block can (a server error echoing a
// bound argument, fmt.Println, ctx.Logf, a returned value), then greps every output Golem keeps
// or prints for them.
func TestSecrets_NeverInLogsHistoryOrJSON(t *testing.T) {
	pg := conntest.Postgres(t)
	const apiKey = "api-key-5d1e0c9b"
	// An API that echoes the key it is sent, and quotes it in an error: the ways a secret comes
	// back into a block (its value, its log, its error) without the block ever seeing it.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		if r.URL.Path == "/reject" {
			http.Error(w, "key "+key+" is revoked", http.StatusForbidden)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"you_sent": key})
	}))
	defer api.Close()
	root := t.TempDir()
	t.Setenv("GOLEM_SECRETS_KEY_FILE", filepath.Join(root, "keys", "secrets.key"))
	t.Setenv("GOLEM_SECRET_API_KEY", apiKey)
	dir := filepath.Join(root, "leak")
	write(t, dir, "golem.yaml", fmt.Sprintf(`name: leak
connections:
  warehouse: {type: postgres, host: %s, port: %d, database: golem, user: golem, password: "${secret:PGPASS}", sslmode: disable}
  api: {type: http, base_url: %q, headers: {X-Api-Key: "${secret:API_KEY}"}}
`, pg.Host, pg.Port, api.URL))
	write(t, dir, "pipelines/p/pipeline.yaml", `name: p
blocks:
  - {name: load, kind: data_loader, file: data_loaders/load.go, upstream: []}
  - {name: reject, kind: data_exporter, file: data_exporters/reject.go, upstream: [load]}
`)
	write(t, dir, "data_loaders/load.go", `package load

import (
	"fmt"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/conn"
)

func Load(ctx *blocks.Context) (map[string]any, error) {
	db, err := conn.Postgres(ctx, "warehouse")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	f, err := db.Query("SELECT 1 AS one")
	if err != nil {
		return nil, err
	}
	api, err := conn.HTTP(ctx, "api")
	if err != nil {
		return nil, err
	}
	doc, err := api.Get("echo", nil)
	if err != nil {
		return nil, err
	}
	fmt.Println("printed:", doc)
	ctx.Logf("logged: %v", doc)
	return map[string]any{"rows": f.NumRows(), "echo": doc}, nil
}
`)
	write(t, dir, "data_exporters/reject.go", `package reject

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/conn"
)

func Export(ctx *blocks.Context, in map[string]any) error {
	api, err := conn.HTTP(ctx, "api")
	if err != nil {
		return err
	}
	_, err = api.Get("reject", nil)
	return err
}
`)
	cmd := exec.Command(os.Args[0], "secrets", "set", dir, "PGPASS")
	cmd.Stdin = strings.NewReader(pg.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "stored secret PGPASS") {
		t.Fatalf("secrets set: %v\n%s", err, out)
	}
	stdout, stderr, err := golem(t, "run", dir, "p", "--json")
	if err == nil {
		t.Fatalf("the reject block should fail:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"you_sent": "***"`) || !strings.Contains(stdout, `403 Forbidden: key *** is revoked`) {
		t.Errorf("--json lacks the masked values:\n%s", stdout)
	}
	list, _, err := golem(t, "secrets", "list", dir)
	if err != nil || !strings.Contains(list, "PGPASS") || !strings.Contains(list, "API_KEY") {
		t.Errorf("secrets list: %v\n%s", err, list)
	}
	runs, _, _ := golem(t, "runs", dir, "--json")
	var recorded []history.PipelineRun
	if err := json.Unmarshal([]byte(runs), &recorded); err != nil || len(recorded) != 1 {
		t.Fatalf("runs: %v\n%s", err, runs)
	}
	logs, _, _ := golem(t, "logs", dir, recorded[0].ID)
	if !strings.Contains(logs, "logged: map[you_sent:***]") || !strings.Contains(logs, "printed: map[you_sent:***]") {
		t.Errorf("golem logs:\n%s", logs)
	}
	texts := map[string]string{"run --json stdout": stdout, "run stderr": stderr, "secrets list": list, "golem logs": logs, "golem runs --json": runs}
	filepath.WalkDir(filepath.Join(dir, ".golem"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "secrets") {
			b, _ := os.ReadFile(p)
			texts[p] = string(b)
		}
		return nil
	})
	if len(texts) < 8 {
		t.Errorf("only %d outputs to check: %v", len(texts), texts)
	}
	for where, text := range texts {
		for _, s := range []string{pg.Password, apiKey} {
			if strings.Contains(text, s) {
				t.Errorf("%s shows the secret %q", where, s)
			}
		}
	}
	if out, _, err := golem(t, "secrets", "rm", dir, "PGPASS"); err != nil || !strings.Contains(out, "removed secret PGPASS") {
		t.Errorf("secrets rm: %v %s", err, out)
	}
	if _, _, err := golem(t, "secrets", "rm", dir, "PGPASS"); err == nil || !strings.Contains(err.Error(), "secret PGPASS: not set") {
		t.Errorf("second rm: %v", err)
	}
	if list, _, _ := golem(t, "secrets", "list", dir); strings.Contains(list, "PGPASS") || !strings.Contains(list, "API_KEY") {
		t.Errorf("list after rm:\n%s", list)
	}
	if _, _, err := golem(t, "secrets", "set", dir, "bad-name", "--from-env", "HOME"); err == nil || !strings.Contains(err.Error(), "invalid secret name") {
		t.Errorf("bad name: %v", err)
	}
}

// TestExample_ExportWarehouse: the taxi example's export_warehouse is skipped, saying so, until
// golem.yaml defines the warehouse profile; then it replaces the table trips with the prepared
// trips.
func TestExample_ExportWarehouse(t *testing.T) {
	dir := example(t)
	t.Setenv("GOLEM_SECRETS_KEY_FILE", filepath.Join(t.TempDir(), "secrets.key"))
	lastLogs := func() string {
		runs, _, _ := golem(t, "runs", dir, "--json")
		var recorded []history.PipelineRun
		if err := json.Unmarshal([]byte(runs), &recorded); err != nil || len(recorded) == 0 {
			t.Fatalf("runs: %v\n%s", err, runs)
		}
		logs, _, _ := golem(t, "logs", dir, recorded[0].ID, "--block", "export_warehouse")
		return logs
	}
	if out, stderr, err := golem(t, "run", dir, "data_preparation"); err != nil {
		t.Fatalf("run: %v\n%s%s", err, out, stderr)
	}
	if logs := lastLogs(); !strings.Contains(logs, `skipped: no connection "warehouse" in golem.yaml`) {
		t.Errorf("logs without a profile:\n%s", logs)
	}
	pg := conntest.Postgres(t)
	b, _ := os.ReadFile(filepath.Join(dir, "golem.yaml"))
	cfg := strings.Replace(string(b), "# connections:\n#   warehouse:\n#     type: postgres\n#     url: postgres://golem:${secret:PGPASSWORD}@localhost:5432/golem?sslmode=disable",
		fmt.Sprintf("connections:\n  warehouse:\n    type: postgres\n    url: postgres://golem:${secret:PGPASSWORD}@127.0.0.1:%d/golem?sslmode=disable", pg.Port), 1)
	if cfg == string(b) {
		t.Fatalf("golem.yaml lacks the commented example:\n%s", b)
	}
	write(t, dir, "golem.yaml", cfg)
	t.Setenv("GOLEM_SECRET_PGPASSWORD", pg.Password)
	stdout, stderr, err := golem(t, "run", dir, "data_preparation", "--json")
	if err != nil {
		t.Fatalf("run: %v\n%s%s", err, stdout, stderr)
	}
	var s runSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	var prepared int
	for _, b := range s.Blocks {
		if b.Name == "prepare" && b.Rows != nil {
			prepared = *b.Rows
		}
	}
	var n int
	if err := pg.Connect(t).QueryRow(t.Context(), "SELECT count(*) FROM trips").Scan(&n); err != nil || n != prepared || n == 0 {
		t.Errorf("table trips has %d rows (%v), prepare kept %d", n, err, prepared)
	}
	if logs := lastLogs(); !strings.Contains(logs, fmt.Sprintf("warehouse: wrote %d rows to trips (replace)", prepared)) {
		t.Errorf("logs with a profile:\n%s", logs)
	}
}
