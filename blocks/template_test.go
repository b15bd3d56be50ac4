package blocks

import (
	"strings"
	"testing"
)

func TestTemplates_ParseAndPassPrecheck(t *testing.T) {
	for _, k := range Kinds() {
		for _, tpl := range append([]string{""}, Templates()...) {
			src, err := Template(k, "my_block", TemplateOptions{Template: tpl})
			if err != nil {
				if !strings.Contains(err.Error(), "no template") {
					t.Errorf("%s/%s: %v", k, tpl, err)
				}
				continue
			}
			t.Run(string(k)+"/"+tpl, func(t *testing.T) {
				if k == Markdown {
					if !strings.HasPrefix(src, "# my_block") {
						t.Errorf("markdown template %q", src)
					}
					return
				}
				s, err := ParseSource(k.Folder()+"/my_block.go", []byte(src), k)
				if err != nil {
					t.Fatalf("template does not pass its own checks: %v\n%s", err, src)
				}
				if s.Package != "my_block" || s.Entry == nil || s.Entry.Name != k.Entry() {
					t.Errorf("package %q entry %+v", s.Package, s.Entry)
				}
			})
		}
	}
}

func TestTemplate_Unknown(t *testing.T) {
	if _, err := Template(Kind("nope"), "x", TemplateOptions{}); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := Template(Transformer, "x", TemplateOptions{Template: "parquet"}); err == nil || !strings.Contains(err.Error(), "templates:") {
		t.Errorf("unknown template: %v", err)
	}
}

func TestTemplate_ParametersNamedAfterUpstreams(t *testing.T) {
	src, err := Template(Transformer, "join", TemplateOptions{Upstream: []string{"trips", "zones", "type"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSource("transformers/join.go", []byte(src), Transformer)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if len(s.Entry.Params) != 3 || !strings.Contains(src, "trips *frame.Frame, zones *frame.Frame, b_type *frame.Frame") {
		t.Errorf("parameters %+v:\n%s", s.Entry.Params, src)
	}
}
