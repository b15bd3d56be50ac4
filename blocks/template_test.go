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
				if tpl == "sql" {
					s, err := Parse(k.Folder()+"/my_block.sql", []byte(src), k)
					if err != nil || !s.SQL || s.Output() == nil || s.Output().Display != "*frame.Frame" {
						t.Fatalf("SQL template: %v, %+v\n%s", err, s, src)
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

func TestParseSQL(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		k         Kind
		err       string
	}{
		{"a query", "SELECT 1", Transformer, ""},
		{"only comments", "-- nothing\n/* here */ ;\n", Transformer, "data_loaders/x.sql:1:1: no SQL statement"},
		{"a sensor", "SELECT true", Sensor, "cannot be SQL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("data_loaders/x.sql", []byte(tt.src), tt.k)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err %v, want %q", err, tt.err)
			}
		})
	}
}
