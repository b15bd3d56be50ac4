package blocks

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
)

// Templates lists the templates a new block can start from; parquet, csv and http are for data
// loaders.
// sql makes a SQL block (a .sql file) of a data loader, transformer, data exporter or custom kind.
func Templates() []string { return []string{"generic", "parquet", "csv", "http", "sql"} }

// TemplateOptions say how a new block starts.
type TemplateOptions struct {
	Template string   // generic (default), parquet, csv, http or sql
	Source   string   // the file, glob or URL a parquet, csv or http loader reads
	Upstream []string // names the transformer's, exporter's or custom block's parameters
}

// Ident turns a block name into a Go identifier (its package name, a parameter name).
func Ident(name string) string {
	if name == "" || (name[0] >= '0' && name[0] <= '9') || token.IsKeyword(name) {
		return "b_" + name
	}
	return name
}

// Template returns the source of a new block of kind k named name. A transformer or exporter
// takes one *frame.Frame parameter per upstream, named after it.
func Template(k Kind, name string, o TemplateOptions) (string, error) {
	tmpl := o.Template
	if tmpl == "" {
		tmpl = "generic"
	}
	if !k.Valid() {
		return "", fmt.Errorf("%w %q", ErrUnknownKind, k)
	}
	if k == Markdown {
		return "# " + name + "\n\nNotes about this pipeline, rendered in the editor.\n", nil
	}
	if tmpl == "sql" {
		return sqlTemplate(k, name, o)
	}
	if tmpl != "generic" && k != DataLoader {
		return "", fmt.Errorf("no template %q for a %s block: it is for data loaders (templates: %s)", tmpl, k, strings.Join(Templates(), ", "))
	}
	var params, args []string
	for _, u := range o.Upstream {
		params = append(params, Ident(u)+" *frame.Frame")
		args = append(args, Ident(u))
	}
	if len(params) == 0 && (k == Transformer || k == DataExporter) {
		params, args = []string{"in *frame.Frame"}, []string{"in"}
	}
	paramList := strings.Join(append([]string{"ctx *blocks.Context"}, params...), ", ")
	head := "package " + Ident(name) + "\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\n"
	first := "in"
	if len(args) > 0 {
		first = args[0]
	}
	source := o.Source
	switch k {
	case DataLoader:
		switch tmpl {
		case "parquet":
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
		case "csv":
			if source == "" {
				source = "data/input.csv"
			}
			return head + "// Load reads a CSV file relative to the project.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tf, err := frame.ReadCSV(ctx.Path(" + strconv.Quote(source) + "))\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\tctx.Logf(\"read %d rows\", f.NumRows())\n\treturn f, nil\n}\n", nil
		case "http":
			if source == "" {
				source = "https://example.com/data.parquet"
			}
			return head + "// Load downloads a parquet file over http(s), with retries.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\turl := ctx.String(\"url\", " + strconv.Quote(source) + ")\n" +
				"\tf, err := frame.ReadParquetWith(frame.ReadOptions{Retries: 2}, url)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\tctx.Logf(\"downloaded %d rows from %s\", f.NumRows(), url)\n\treturn f, nil\n}\n", nil
		case "generic":
			return head + "// Load returns the block's data.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\treturn frame.New(\n\t\tframe.NewInts(\"id\", []int64{1, 2, 3}),\n\t\tframe.NewStrings(\"name\", []string{\"a\", \"b\", \"c\"}),\n\t)\n}\n", nil
		}
		return "", fmt.Errorf("no template %q (templates: %s)", tmpl, strings.Join(Templates(), ", "))
	case Transformer:
		return head + "// Transform returns its input changed.\n" +
			"func Transform(" + paramList + ") (*frame.Frame, error) {\n\treturn " + first + ", nil\n}\n" +
			"\n// Test runs on Transform's output; an error fails the block.\nfunc Test(out *frame.Frame) error {\n\treturn nil\n}\n", nil
	case DataExporter:
		return head + "// Export writes its input somewhere.\n" +
			"func Export(" + paramList + ") error {\n\tctx.Logf(\"exporting %d rows\", " + first + ".NumRows())\n\treturn nil\n}\n", nil
	case Custom:
		return head + "// Run does anything; its result is stored like a block output.\n" +
			"func Run(" + paramList + ") (*frame.Frame, error) {\n\treturn frame.New(frame.NewInts(\"n\", []int64{1}))\n}\n", nil
	}
	// Sensor: the remaining runnable kind.
	return "package " + Ident(name) + "\n\nimport \"github.com/golemlabs/golem/blocks\"\n\n" +
		"// Sense is polled until it returns true or the block times out.\n" +
		"func Sense(ctx *blocks.Context) (bool, error) {\n\treturn true, nil\n}\n", nil
}
