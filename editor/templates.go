package editor

import (
	"fmt"
	"go/token"
	"net/http"
	"strconv"
	"strings"

	"github.com/golemlabs/golem/projects"
)

// Templates of new blocks.
const (
	templateGeneric = "generic"
	templateParquet = "parquet"
	templateCSV     = "csv"
	templateHTTP    = "http"
)

// ident turns a block name into a Go identifier.
func ident(name string) string {
	if name == "" || (name[0] >= '0' && name[0] <= '9') || token.IsKeyword(name) {
		return "b_" + name
	}
	return name
}

// blockTemplate returns the content of a new block file. upstream names the
// transformer's and exporter's parameters.
func blockTemplate(kind projects.Kind, tmpl, name, source string, upstream ...string) (string, error) {
	if tmpl == "" {
		tmpl = templateGeneric
	}
	if kind == projects.Markdown {
		return "# " + name + "\n\nNotes about this pipeline, rendered in the editor.\n", nil
	}
	if tmpl != templateGeneric && kind != projects.DataLoader {
		return "", errorf(http.StatusBadRequest, codeBadRequest, "template %q is for data loaders; use generic for a %s", tmpl, kind)
	}
	var params, args []string
	for _, u := range upstream {
		params = append(params, ident(u)+" *frame.Frame")
		args = append(args, ident(u))
	}
	if len(params) == 0 && (kind == projects.Transformer || kind == projects.DataExporter) {
		params, args = []string{"in *frame.Frame"}, []string{"in"}
	}
	paramList := strings.Join(append([]string{"ctx *blocks.Context"}, params...), ", ")
	head := "package " + ident(name) + "\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\n"
	first := "in"
	if len(args) > 0 {
		first = args[0]
	}
	switch kind {
	case projects.DataLoader:
		switch tmpl {
		case templateParquet:
			if source == "" {
				source = "data/green/2023/01.parquet"
			}
			head = strings.Replace(head, "import (\n", "import (\n\t\"strings\"\n\n", 1)
			return head + "// Load reads a parquet file (a path relative to the project, a glob or an\n// http(s) URL); the variable source overrides it.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tpath := ctx.String(\"source\", " + strconv.Quote(source) + ")\n" +
				"\tif !strings.HasPrefix(path, \"http://\") && !strings.HasPrefix(path, \"https://\") {\n\t\tpath = ctx.Path(path)\n\t}\n" +
				"\tf, err := frame.ReadParquet(path)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\tctx.Logf(\"read %d rows from %s\", f.NumRows(), path)\n\treturn f, nil\n}\n", nil
		case templateCSV:
			if source == "" {
				source = "data/input.csv"
			}
			return head + "// Load reads a CSV file relative to the project.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tf, err := frame.ReadCSV(ctx.Path(" + strconv.Quote(source) + "))\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\tctx.Logf(\"read %d rows\", f.NumRows())\n\treturn f, nil\n}\n", nil
		case templateHTTP:
			if source == "" {
				source = "https://d37ci6vzurychx.cloudfront.net/trip-data/green_tripdata_2023-01.parquet"
			}
			return head + "// Load downloads a parquet file over http(s), with retries.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\turl := ctx.String(\"url\", " + strconv.Quote(source) + ")\n" +
				"\tf, err := frame.ReadParquetWith(frame.ReadOptions{Retries: 2}, url)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\tctx.Logf(\"downloaded %d rows from %s\", f.NumRows(), url)\n\treturn f, nil\n}\n", nil
		case templateGeneric:
			return head + "// Load returns the block's data.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\treturn frame.New(\n\t\tframe.NewInts(\"id\", []int64{1, 2, 3}),\n\t\tframe.NewStrings(\"name\", []string{\"a\", \"b\", \"c\"}),\n\t)\n}\n", nil
		}
		return "", errorf(http.StatusBadRequest, codeBadRequest, "unknown template %q (generic, parquet, csv, http)", tmpl)
	case projects.Transformer:
		return head + "// Transform returns its input changed.\n" +
			"func Transform(" + paramList + ") (*frame.Frame, error) {\n\treturn " + first + ", nil\n}\n" +
			"\n// Test runs on Transform's output; an error fails the block.\nfunc Test(out *frame.Frame) error {\n\treturn nil\n}\n", nil
	case projects.DataExporter:
		return head + "// Export writes its input somewhere.\n" +
			"func Export(" + paramList + ") error {\n\tctx.Logf(\"exporting %d rows\", " + first + ".NumRows())\n\treturn nil\n}\n", nil
	case projects.Custom:
		return head + "// Run does anything; its result is stored like a block output.\n" +
			"func Run(" + paramList + ") (*frame.Frame, error) {\n\treturn frame.New(frame.NewInts(\"n\", []int64{1}))\n}\n", nil
	case projects.Sensor:
		return "package " + ident(name) + "\n\nimport \"github.com/golemlabs/golem/blocks\"\n\n" +
			"// Sense is polled until it returns true or the block times out.\n" +
			"func Sense(ctx *blocks.Context) (bool, error) {\n\treturn true, nil\n}\n", nil
	}
	return "", fmt.Errorf("no template for kind %q", kind)
}
