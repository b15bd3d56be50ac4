package editor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A block file that is a symlink to a file outside the project is refused
// by the file API and by run starts, with an error naming the file (issue 9:
// it ran while the editor showed it empty).
func TestFiles_BlockSymlinkedOutsideIsRefused(t *testing.T) {
	ts := newTestServer(t, Options{})
	outside := filepath.Join(t.TempDir(), "evil.go")
	evil := "package prepare\n\nfunc Transform() {}\n"
	if err := os.WriteFile(outside, []byte(evil), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(ts.dir, "transformers", "prepare.go")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	const rel = "transformers/prepare.go"
	real, _ := filepath.EvalSymlinks(outside) // the message names the resolved target
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"read", "GET", "/api/files/" + rel, nil},
		{"write", "PUT", "/api/files/" + rel, map[string]string{"content": "package prepare\n", "version": ""}},
		{"delete", "DELETE", "/api/files/" + rel, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var e errBody
			got := ts.do(tc.method, tc.path, tc.body, &e)
			if got != 403 || !strings.Contains(e.Error.Message, rel+" is a symlink to "+real) {
				t.Fatalf("%s %s: %d %+v; want 403 naming %s and its target", tc.method, tc.path, got, e, rel)
			}
		})
	}
	t.Run("run", func(t *testing.T) {
		var e errBody
		got := ts.do("POST", "/api/pipelines/data_preparation/runs", map[string]any{"mode": "pipeline"}, &e)
		if got < 400 || !strings.Contains(e.Error.Message, rel) || !strings.Contains(e.Error.Message, "outside the project") {
			t.Fatalf("run start: %d %+v; want a refusal naming %s", got, e, rel)
		}
	})
	t.Run("project problems", func(t *testing.T) {
		var body struct {
			Problems []struct {
				Message string `json:"message"`
				File    string `json:"file"`
			} `json:"problems"`
		}
		ts.must(200, "GET", "/api/project", nil, &body)
		found := false
		for _, p := range body.Problems {
			found = found || (p.File == "pipelines/data_preparation/pipeline.yaml" && strings.Contains(p.Message, rel))
		}
		if !found {
			t.Fatalf("no problem names %s: %+v", rel, body.Problems)
		}
	})
	t.Run("pipeline view", func(t *testing.T) {
		var pv Pipeline
		ts.must(200, "GET", "/api/pipelines/data_preparation", nil, &pv)
		for _, b := range pv.Blocks {
			if b.Name == "prepare" && (b.Content != "" || !strings.Contains(b.FileError, rel+" is a symlink to "+real)) {
				t.Fatalf("prepare block: content %q, file_error %q", b.Content, b.FileError)
			}
		}
	})
	if b, _ := os.ReadFile(outside); string(b) != evil {
		t.Fatal("the file outside the project was changed")
	}
}
