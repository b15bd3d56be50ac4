package projects

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golemlabs/golem/internal/filetest"
)

func TestProject_APIToken(t *testing.T) {
	tests := []struct {
		name, env, file, cfg string
		want                 APIToken
	}{
		{"none", "", "", "", APIToken{}},
		{"env", " e1 ", "f1", "c1", APIToken{"e1", TokenFromEnv}},
		{"file, trimmed", "", "f1\n", "c1", APIToken{"f1", TokenFromFile}},
		{"blank file falls through", "", " \n", "c1", APIToken{"c1", TokenFromConfig}},
		{"golem.yaml", "", "", "c1", APIToken{"c1", TokenFromConfig}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file != "" {
				filetest.WriteAll(t, dir, map[string]string{APITokenFile: tc.file})
			}
			p := &Project{Dir: dir, Config: Config{Settings: ProjectSettings{APIToken: tc.cfg}}}
			got, err := p.APIToken(func(k string) string {
				if k == APITokenEnv {
					return tc.env
				}
				return ""
			})
			if err != nil || got != tc.want {
				t.Fatalf("APIToken = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestProject_TokenWarning(t *testing.T) {
	dir := t.TempDir()
	filetest.WriteAll(t, dir, map[string]string{ConfigFile: "name: t\nsettings:\n  keep_runs: 3\n  api_token: abc\n"})
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := p.TokenWarning()
	if w == nil || w.File != ConfigFile || w.Line != 4 || !strings.Contains(w.Msg, APITokenEnv) || !strings.Contains(w.Msg, APITokenFile) {
		t.Fatalf("warning = %+v", w)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("name: t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, _ = Load(dir); p.TokenWarning() != nil {
		t.Fatal("warning without a token in golem.yaml")
	}
}

// The token file must be git-ignored in every new project.
func TestInit_GitIgnoresTheTokenFile(t *testing.T) {
	for _, example := range []string{"", "taxi"} {
		dir := t.TempDir()
		if err := Init(dir, example); err != nil {
			t.Fatal(err)
		}
		gi, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
		if err != nil {
			t.Fatal(err)
		}
		top := strings.SplitN(APITokenFile, "/", 2)[0] + "/"
		if !strings.Contains("\n"+string(gi), "\n"+top+"\n") && !strings.Contains("\n"+string(gi), "\n"+APITokenFile+"\n") {
			t.Fatalf("example %q: .gitignore %q does not ignore %s", example, gi, APITokenFile)
		}
	}
}
