package blocks

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
)

// Templates lists the templates a new block can start from: parquet, csv and http are for data
// loaders; sql makes a SQL block (a .sql file) of a data loader, transformer, data exporter or
// custom kind; postgres, s3 and http_json (which use a connection profile) are for data loaders
// and exporters (http_json: loaders only).
func Templates() []string {
	return []string{"generic", "parquet", "csv", "http", "sql", "postgres", "s3", "http_json"}
}

// connectionTemplates are the templates whose Source names a connection profile, with the
// profile a new block names when none is given.
var connectionTemplates = map[string]string{"postgres": "warehouse", "s3": "lake", "http_json": "api"}

// TemplateUsesConnection reports whether template tmpl reads a connection profile (its Source is
// the profile's name).
func TemplateUsesConnection(tmpl string) bool { _, ok := connectionTemplates[tmpl]; return ok }

// TemplateOptions say how a new block starts.
type TemplateOptions struct {
	Template string   // generic (default), parquet, csv, http, sql, postgres, s3 or http_json
	Source   string   // the file, glob or URL a parquet, csv or http loader reads; the profile of postgres, s3, http_json
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
	if def, ok := connectionTemplates[tmpl]; ok && (k == DataLoader || (k == DataExporter && tmpl != "http_json")) {
		profile := o.Source
		if profile == "" {
			profile = def
		}
		return connectionTemplate(k, name, tmpl, profile, o.Upstream), nil
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

// connectionTemplate is the source of a loader or exporter that uses the profile of a postgres,
// s3 or http_json template.
func connectionTemplate(k Kind, name, tmpl, profile string, upstream []string) string {
	in := "in"
	if len(upstream) > 0 {
		in = Ident(upstream[0])
	}
	var params []string
	for _, u := range upstream {
		params = append(params, Ident(u)+" *frame.Frame")
	}
	if len(params) == 0 {
		params = []string{"in *frame.Frame"}
	}
	head := "package " + Ident(name) + "\n\nimport (\n\t\"github.com/golemlabs/golem/blocks\"\n\t\"github.com/golemlabs/golem/blocks/conn\"\n\t\"github.com/golemlabs/golem/blocks/frame\"\n)\n\n"
	p := strconv.Quote(profile)
	if k == DataLoader {
		switch tmpl {
		case "postgres":
			return head + "// Load queries the postgres connection " + p + " (connections: in golem.yaml); $1, $2... are\n// bound arguments, never spliced into the SQL.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tdb, err := conn.Postgres(ctx, " + p + ")\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer db.Close()\n" +
				"\treturn db.Query(\"SELECT * FROM trips WHERE pickup >= $1 LIMIT 1000\", ctx.String(\"since\", \"2023-01-01\"))\n}\n"
		case "s3":
			return head + "// Load reads parquet objects from the s3 connection " + p + "; a key ending in / reads every\n// .parquet object under it.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tbucket, err := conn.S3(ctx, " + p + ")\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\treturn bucket.ReadParquet(ctx.String(\"key\", \"trips/2023/\"))\n}\n"
		default: // http_json
			return head + "// Load GETs JSON records from the http connection " + p + ", following next links.\n" +
				"func Load(ctx *blocks.Context) (*frame.Frame, error) {\n" +
				"\tapi, err := conn.HTTP(ctx, " + p + ")\n\tif err != nil {\n\t\treturn nil, err\n\t}\n" +
				"\treturn api.GetJSON(\"v1/items\", conn.Paging{Records: \"data\", Next: \"links.next\"})\n}\n"
		}
	}
	if tmpl == "postgres" {
		return head + "// Export replaces the table of the postgres connection " + p + " with its input (bulk COPY, one\n// transaction). Modes: conn.Create, conn.Append, conn.Replace, conn.Upsert (with key columns).\n" +
			"func Export(ctx *blocks.Context, " + strings.Join(params, ", ") + ") error {\n" +
			"\tdb, err := conn.Postgres(ctx, " + p + ")\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer db.Close()\n" +
			"\t_, err = db.Write(" + in + ", ctx.String(\"table\", " + strconv.Quote(Ident(name)) + "), conn.Replace)\n\treturn err\n}\n"
	}
	return head + "// Export writes its input as a parquet object to the s3 connection " + p + ".\n" +
		"func Export(ctx *blocks.Context, " + strings.Join(params, ", ") + ") error {\n" +
		"\tbucket, err := conn.S3(ctx, " + p + ")\n\tif err != nil {\n\t\treturn err\n\t}\n" +
		"\treturn bucket.WriteParquet(" + in + ", ctx.String(\"key\", " + strconv.Quote("exports/"+name+".parquet") + "))\n}\n"
}
