package editor

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAPI_Project_ListsExamplePipeline(t *testing.T) {
	ts := newTestServer(t, Options{})
	var body struct {
		Name      string            `json:"name"`
		Pipelines []PipelineSummary `json:"pipelines"`
	}
	ts.must(200, "GET", "/api/project", nil, &body)
	if body.Name != "taxi" || !slices.ContainsFunc(body.Pipelines, func(p PipelineSummary) bool { return p.Name == "data_preparation" && p.Blocks > 0 }) {
		t.Fatalf("project = %+v", body)
	}
	var pl Pipeline
	ts.must(200, "GET", "/api/pipelines/data_preparation", nil, &pl)
	prep := pl.Blocks[slices.IndexFunc(pl.Blocks, func(b Block) bool { return b.Name == "prepare" })]
	if prep.Kind != "transformer" || !slices.Equal(prep.Upstream, []string{"ingest"}) || !strings.Contains(prep.Content, "func Transform") ||
		prep.FileVersion == "" || len(prep.Charts) != 3 || prep.Charts[0].Type != "histogram" || prep.Output != nil {
		t.Fatalf("prepare = %+v", prep)
	}
	if pl.Version == "" || len(pl.Variables) < 2 || pl.Variables[0].Name != "source" || pl.Variables[1].Name != "months" {
		t.Fatalf("pipeline = %+v", pl)
	}
}

func TestAPI_Pipelines_CreateRenameDelete(t *testing.T) {
	ts := newTestServer(t, Options{})
	var pl Pipeline
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "training", "description": "fit"}, &pl)
	if pl.Name != "training" || pl.Description != "fit" || len(pl.Blocks) != 0 {
		t.Fatalf("created %+v", pl)
	}
	var e errBody
	if got := ts.do("POST", "/api/pipelines", map[string]string{"name": "training"}, &e); got != 409 || e.Error.Code != "conflict" {
		t.Fatalf("duplicate: %d %+v", got, e)
	}
	if got := ts.do("POST", "/api/pipelines", map[string]string{"name": "Bad Name"}, &e); got != 400 {
		t.Fatalf("bad name: %d", got)
	}
	ts.must(200, "PUT", "/api/pipelines/training", map[string]any{"name": "train", "variables": map[string]any{"month": map[string]string{"type": "string", "default": "2023-02"}}}, &pl)
	if pl.Name != "train" || len(pl.Variables) != 1 || pl.Variables[0].Default != "2023-02" || pl.Variables[0].Name != "month" {
		t.Fatalf("renamed %+v", pl)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "pipelines/train/pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
	if got := ts.do("PUT", "/api/pipelines/train", map[string]any{"description": "x"}, &e, "If-Match", "stale"); got != 409 {
		t.Fatalf("stale If-Match: %d", got)
	}
	ts.must(200, "PUT", "/api/pipelines/train", map[string]any{"description": "both", "name": "train2"}, &pl, "If-Match", pl.Version)
	if pl.Name != "train2" || pl.Description != "both" {
		t.Fatalf("rename and describe: %+v", pl)
	}
	ts.must(200, "PUT", "/api/pipelines/train2", map[string]any{"name": "train"}, &pl)
	ts.must(204, "DELETE", "/api/pipelines/train", nil, nil)
	if got := ts.do("GET", "/api/pipelines/train", nil, &e); got != 404 || e.Error.Code != "not_found" {
		t.Fatalf("after delete: %d %+v", got, e)
	}
}

func TestAPI_Blocks_AddUpstreamCycleRenameReorderDelete(t *testing.T) {
	ts := newTestServer(t, Options{})
	ts.must(201, "POST", "/api/pipelines", map[string]string{"name": "p"}, nil)
	var b Block
	ts.must(201, "POST", "/api/pipelines/p/blocks", map[string]any{"name": "load", "kind": "data_loader", "template": "parquet", "source": "data/green/2023/01.parquet"}, &b)
	if b.File != "data_loaders/load.go" || !strings.Contains(b.Content, `"data/green/2023/01.parquet"`) {
		t.Fatalf("loader = %+v", b)
	}
	ts.must(201, "POST", "/api/pipelines/p/blocks", map[string]any{"name": "clean", "kind": "transformer", "upstream": []string{"load"}}, &b)
	if !strings.Contains(b.Content, "func Transform(ctx *blocks.Context, load *frame.Frame)") {
		t.Fatalf("transformer template:\n%s", b.Content)
	}
	ts.must(201, "POST", "/api/pipelines/p/blocks", map[string]any{"name": "reuse", "file": "transformers/prepare.go", "upstream": []string{"load"}}, &b)
	if b.Kind != "transformer" {
		t.Fatalf("kind from folder = %q", b.Kind)
	}
	var e errBody
	if got := ts.do("POST", "/api/pipelines/p/blocks", map[string]any{"name": "clean", "kind": "transformer"}, &e); got != 409 {
		t.Fatalf("duplicate block: %d", got)
	}
	if got := ts.do("POST", "/api/pipelines/p/blocks", map[string]any{"name": "x", "file": "../outside.go"}, &e); got != 403 {
		t.Fatalf("outside file: %d %+v", got, e)
	}

	// a cycle is refused with the loop named
	if got := ts.do("PATCH", "/api/pipelines/p/blocks/load", map[string]any{"upstream": []string{"clean"}}, &e); got != 422 || e.Error.Code != "cycle" || !strings.Contains(e.Error.Message, "load -> clean -> load") && !strings.Contains(e.Error.Message, "clean -> load -> clean") {
		t.Fatalf("cycle: %d %+v", got, e)
	}
	if got := ts.do("PATCH", "/api/pipelines/p/blocks/clean", map[string]any{"upstream": []string{"nope"}}, &e); got != 422 {
		t.Fatalf("unknown upstream: %d", got)
	}

	// rename: references and the file follow
	var pl Pipeline
	ts.must(200, "PATCH", "/api/pipelines/p/blocks/load", map[string]any{"name": "ingest_jan"}, &pl)
	if pl.Blocks[0].Name != "ingest_jan" || pl.Blocks[0].File != "data_loaders/ingest_jan.go" || !slices.Equal(pl.Blocks[1].Upstream, []string{"ingest_jan"}) {
		t.Fatalf("after rename: %+v", pl.Blocks)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "data_loaders/load.go")); !os.IsNotExist(err) {
		t.Fatalf("old file still there: %v", err)
	}
	if pl.Blocks[0].Content == "" {
		t.Fatal("renamed file has no content")
	}

	ts.must(200, "PUT", "/api/pipelines/p/order", map[string]any{"blocks": []string{"reuse", "ingest_jan", "clean"}}, &pl)
	if pl.Blocks[0].Name != "reuse" {
		t.Fatalf("order: %+v", pl.Blocks)
	}
	if got := ts.do("PUT", "/api/pipelines/p/order", map[string]any{"blocks": []string{"reuse"}}, &e); got != 400 {
		t.Fatalf("partial order: %d", got)
	}

	// a shared file is not deleted with the block
	if got := ts.do("DELETE", "/api/pipelines/p/blocks/reuse?delete_file=true", nil, &e); got != 409 {
		t.Fatalf("delete shared file: %d", got)
	}
	ts.must(200, "DELETE", "/api/pipelines/p/blocks/ingest_jan?delete_file=true", nil, &pl)
	if len(pl.Blocks) != 2 || len(pl.Blocks[1].Upstream) != 0 {
		t.Fatalf("after delete: %+v", pl.Blocks)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "data_loaders/ingest_jan.go")); !os.IsNotExist(err) {
		t.Fatalf("file not deleted: %v", err)
	}
}

func TestAPI_Files_VersionConflict(t *testing.T) {
	ts := newTestServer(t, Options{})
	var f FileContent
	ts.must(200, "GET", "/api/files/transformers/prepare.go", nil, &f)
	if f.Version == "" || !strings.Contains(f.Content, "package prepare") {
		t.Fatalf("file = %+v", f)
	}
	var saved FileContent
	ts.must(200, "PUT", "/api/files/transformers/prepare.go", map[string]string{"content": f.Content + "\n// edited\n", "version": f.Version}, &saved)
	if saved.Version == f.Version || saved.Version == "" {
		t.Fatalf("new version = %q", saved.Version)
	}
	// a second tab still holding the old version gets a conflict with both sides
	var e errBody
	if got := ts.do("PUT", "/api/files/transformers/prepare.go", map[string]string{"content": "package prepare\n", "version": f.Version}, &e); got != 409 {
		t.Fatalf("stale write: %d", got)
	}
	if e.Conflict["disk_version"] != saved.Version || !strings.Contains(e.Conflict["disk_content"].(string), "// edited") || e.Conflict["your_version"] != f.Version {
		t.Fatalf("conflict body = %+v", e.Conflict)
	}
	// create, syntax problems are reported with positions, delete
	ts.must(200, "PUT", "/api/files/utils/helpers/h.go", map[string]string{"content": "package helpers\n\nfunc F() {\n\treturn 1 +\n}\n"}, &saved)
	if len(saved.Problems) == 0 || saved.Problems[0].Line != 5 || saved.Problems[0].File != "utils/helpers/h.go" {
		t.Fatalf("problems = %+v", saved.Problems)
	}
	if got := ts.do("PUT", "/api/files/utils/helpers/h.go", map[string]string{"content": "x", "version": ""}, &e); got != 409 {
		t.Fatalf("create over existing: %d", got)
	}
	if got := ts.do("DELETE", "/api/files/transformers/prepare.go", nil, &e); got != 409 {
		t.Fatalf("delete a block file: %d", got)
	}
	ts.must(204, "DELETE", "/api/files/utils/helpers/h.go", nil, nil)
	var list struct{ Files []FileInfo }
	ts.must(200, "GET", "/api/files", nil, &list)
	var cfg FileContent
	ts.must(200, "GET", "/api/files/golem.yaml", nil, &cfg)
	if !slices.ContainsFunc(list.Files, func(f FileInfo) bool { return f.Path == "golem.yaml" && f.Version == cfg.Version }) ||
		slices.ContainsFunc(list.Files, func(f FileInfo) bool { return strings.HasPrefix(f.Path, ".") }) {
		t.Fatalf("files = %+v", list.Files)
	}
}

func TestAPI_Markdown_Sanitised(t *testing.T) {
	ts := newTestServer(t, Options{})
	var out struct{ HTML string }
	ts.must(200, "POST", "/api/markdown/render", map[string]string{"markdown": "# Trips\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"}, &out)
	if !strings.Contains(out.HTML, "<h1>Trips</h1>") || !strings.Contains(out.HTML, "<table>") {
		t.Fatalf("html = %s", out.HTML)
	}
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(out.HTML, bad) {
			t.Fatalf("html contains %s: %s", bad, out.HTML)
		}
	}
}

func TestAPI_Completions_ListFrameAPI(t *testing.T) {
	ts := newTestServer(t, Options{})
	var out struct {
		Items []struct{ Label, Kind, Package, Receiver, Detail string }
	}
	ts.must(200, "GET", "/api/completions", nil, &out)
	has := func(pkg, recv, label string) bool {
		return slices.ContainsFunc(out.Items, func(i struct{ Label, Kind, Package, Receiver, Detail string }) bool {
			return i.Package == pkg && i.Receiver == recv && i.Label == label
		})
	}
	if !has("frame", "Frame", "Filter") || !has("frame", "", "ReadParquet") || !has("blocks", "Context", "Logf") || !has("frame", "Series", "Between") {
		t.Fatalf("completions miss core names (%d items)", len(out.Items))
	}
}

func TestAPI_UnknownRouteAndBadJSON(t *testing.T) {
	ts := newTestServer(t, Options{})
	var e errBody
	if got := ts.do("GET", "/api/nope", nil, &e); got != 404 || e.Error.Code != "not_found" {
		t.Fatalf("unknown route: %d %+v", got, e)
	}
	if got := ts.do("POST", "/api/pipelines", map[string]any{"name": 3}, &e); got != 400 || e.Error.Code != "bad_request" {
		t.Fatalf("bad json: %d %+v", got, e)
	}
}

func TestFrontend_BuildHintOrIndex(t *testing.T) {
	ts := newTestServer(t, Options{})
	resp, err := http.Get(ts.ts.URL + "/pipelines/x")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	resp.Body.Close()
	if !strings.Contains(string(buf[:n]), "make frontend") {
		t.Fatalf("hint page: %s", buf[:n])
	}

	ts2 := newTestServer(t, Options{Frontend: fstest.MapFS{
		"index.html":      {Data: []byte("<div id=root>")},
		"assets/app-1.js": {Data: []byte("console.log(1)")},
	}})
	for path, want := range map[string]string{"/": "<div id=root>", "/pipelines/data_preparation": "<div id=root>", "/assets/app-1.js": "console.log"} {
		resp, err := http.Get(ts2.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := resp.Body.Read(buf)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(buf[:n]), want) {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, buf[:n])
		}
	}
	if resp, _ := http.Get(ts2.ts.URL + "/assets/missing.js"); resp.StatusCode != 404 {
		t.Fatalf("missing asset: %d", resp.StatusCode)
	}
	// Go's client asks for gzip and undoes it transparently
	resp, err = http.Get(ts2.ts.URL + "/assets/app-1.js")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !resp.Uncompressed || string(body) != "console.log(1)" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("gzip asset: uncompressed %v, %q, %s", resp.Uncompressed, body, resp.Header.Get("Content-Type"))
	}
}

func TestAPI_Blocks_FailedSaveLeavesNoNewFile(t *testing.T) {
	ts := newTestServer(t, Options{})
	// a block file deleted behind the editor's back makes the pipeline invalid
	os.Remove(filepath.Join(ts.dir, "data_exporters", "export_trips.go"))
	var e errBody
	if got := ts.do("POST", "/api/pipelines/data_preparation/blocks", map[string]any{"name": "extra", "kind": "transformer", "upstream": []string{"prepare"}}, &e); got != 422 || e.Error.File == "" {
		t.Fatalf("add to invalid pipeline: %d %+v", got, e)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "transformers", "extra.go")); !os.IsNotExist(err) {
		t.Fatalf("new block file left behind: %v", err)
	}
	if got := ts.do("PATCH", "/api/pipelines/data_preparation/blocks/prepare", map[string]any{"name": "prep"}, &e); got != 422 {
		t.Fatalf("rename in invalid pipeline: %d", got)
	}
	if _, err := os.Stat(filepath.Join(ts.dir, "transformers", "prepare.go")); err != nil {
		t.Fatalf("renamed file not moved back: %v", err)
	}
}
