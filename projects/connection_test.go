package projects

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConnections_ReportsProblemsWithLines(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`name: p
connections:
  warehouse:
    type: postgres
    url: postgres://golem:hunter22@db/golem
  lake:
    type: s3
    bucket: b
    base_url: http://x
    secret_access_key: plain
  api: {type: http, base_url: "http://x", headers: {X-Api-Key: "${vault:K}"}}
  bad: {type: mysql}
`), 0o644)
	os.WriteFile(filepath.Join(dir, ConnectionsFile), []byte(`connections:
  ok: {type: http, base_url: "http://x", auth: {bearer: "${secret:TOKEN}"}, timeot: 1s}
  warehouse: {type: postgres, host: h, password: "${env:PGPASSWORD}"}
`), 0o644)
	conns, err := LoadConnections(dir)
	got := err.Error()
	for _, want := range []string{
		`golem.yaml:5: connection "warehouse": url password holds a literal credential`,
		`golem.yaml:9: connection "lake": base_url is a key of http profiles, not s3 ones`,
		`golem.yaml:7: connection "lake": set access_key_id and secret_access_key together`,
		`golem.yaml:10: connection "lake": secret_access_key holds a literal credential`,
		`golem.yaml:11: connection "api": headers: ${vault:K}: unknown kind "vault"`,
		`golem.yaml:12: connection "bad": type "mysql" is not a connection type (want postgres, s3, http)`,
		`connections.yaml:2: unknown key "timeot"`,
		`connections.yaml:3: connection "warehouse" is also defined at golem.yaml:3`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if c := conns["ok"]; c == nil || c.File != ConnectionsFile || c.Auth.Bearer != "${secret:TOKEN}" {
		t.Errorf("ok = %+v", c)
	}
	// Load reports the same problems, once each.
	_, err = Load(dir)
	if n := strings.Count(err.Error(), `unknown key "timeot"`); n != 1 {
		t.Errorf("Load reports the unknown key %d times:\n%v", n, err)
	}
}

func TestExpand(t *testing.T) {
	got, err := Expand("postgres://u:${secret:P}@${env:H}:5432/db", func(r Ref) (string, error) { return r.Kind + "-" + r.Name, nil })
	if err != nil || got != "postgres://u:secret-P@env-H:5432/db" {
		t.Errorf("Expand = %q, %v", got, err)
	}
}
