package editor

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatch_OutsideEditsAreBroadcast(t *testing.T) {
	ts := newTestServer(t, Options{})
	conn := ts.dial(nil)
	go ts.s.watch(t.Context(), 20*time.Millisecond)
	time.Sleep(100 * time.Millisecond) // baseline taken

	// an edit in vim
	path := filepath.Join(ts.dir, "transformers", "prepare.go")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append(data, "\n// vim\n"...), 0o644)
	var f FileContent
	ts.must(200, "GET", "/api/files/transformers/prepare.go", nil, &f)
	// os.WriteFile is not atomic: a poll may see the truncated file first,
	// then the final content.
	got := until(t, conn, func(m WSMessage) bool { return m.Type == "file_changed" && m.Version != nil && *m.Version == f.Version })
	if m := got[len(got)-1]; m.Path != "transformers/prepare.go" || m.Source != "disk" {
		t.Fatalf("file_changed = %+v", m)
	}

	// a git pull touching pipeline.yaml
	yml := filepath.Join(ts.dir, "pipelines", "data_preparation", "pipeline.yaml")
	data, _ = os.ReadFile(yml)
	os.WriteFile(yml, append(data, "# pulled\n"...), 0o644)
	pc := until(t, conn, func(m WSMessage) bool { return m.Type == "pipeline_changed" })
	if last := pc[len(pc)-1]; last.Pipeline != "data_preparation" || last.Source != "disk" {
		t.Fatalf("pipeline_changed = %+v", last)
	}

	// the editor's own save is announced as api; a poll racing with the
	// write may announce the same version again, never another one
	var saved FileContent
	ts.must(200, "PUT", "/api/files/transformers/prepare.go", map[string]string{"content": "package prepare\n", "version": f.Version}, &saved)
	msgs := until(t, conn, func(m WSMessage) bool { return m.Type == "file_changed" && m.Source == "api" })
	if m := msgs[len(msgs)-1]; *m.Version != saved.Version {
		t.Fatalf("own save = %+v, want version %s", m, saved.Version)
	}
	time.Sleep(150 * time.Millisecond)
	for {
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		var extra WSMessage
		if err := conn.ReadJSON(&extra); err != nil {
			break
		}
		if extra.Path == "transformers/prepare.go" && *extra.Version != saved.Version {
			t.Fatalf("after own save: %+v", extra)
		}
	}
}
