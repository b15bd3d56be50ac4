package blocks

import (
	"fmt"
	"strings"
)

// Templates lists the templates a new block can start from.
func Templates() []string { return []string{"generic", "parquet", "csv", "http"} }

// Template returns the source of a new block of kind k named name, from the named template
// (generic, parquet, csv or http; the last three are for data loaders).
func Template(k Kind, name, template string) (string, error) {
	pkg := strings.ReplaceAll(name, "-", "_")
	switch k {
	case Markdown:
		return "# " + name + "\n\nDescribe this step of the pipeline.\n", nil
	case DataLoader:
		switch template {
		case "", "generic":
			return fmt.Sprintf(loaderGeneric, pkg), nil
		case "parquet":
			return fmt.Sprintf(loaderParquet, pkg), nil
		case "csv":
			return fmt.Sprintf(loaderCSV, pkg), nil
		case "http":
			return fmt.Sprintf(loaderHTTP, pkg), nil
		}
	case Transformer:
		if template == "" || template == "generic" {
			return fmt.Sprintf(transformerGeneric, pkg), nil
		}
	case DataExporter:
		if template == "" || template == "generic" || template == "parquet" {
			return fmt.Sprintf(exporterParquet, pkg, name), nil
		}
		if template == "csv" {
			return fmt.Sprintf(exporterCSV, pkg, name), nil
		}
	case Custom:
		if template == "" || template == "generic" {
			return fmt.Sprintf(customGeneric, pkg), nil
		}
	case Sensor:
		if template == "" || template == "generic" {
			return fmt.Sprintf(sensorGeneric, pkg), nil
		}
	default:
		return "", fmt.Errorf("%w %q", ErrUnknownKind, k)
	}
	return "", fmt.Errorf("no template %q for a %s block (templates: %s)", template, k, strings.Join(Templates(), ", "))
}

const loaderGeneric = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Load returns the data this pipeline starts from.
func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.New(
		frame.NewInts("id", []int64{1, 2, 3}),
		frame.NewStrings("name", []string{"a", "b", "c"}),
	)
}

// Test runs after Load on its output; an error fails the block.
func Test(out *frame.Frame) error {
	return nil
}
`

const loaderParquet = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Load reads one or more parquet files (a path relative to the project, a glob or an http(s) URL).
func Load(ctx *blocks.Context) (*frame.Frame, error) {
	path := ctx.String("path", "data/*.parquet")
	return frame.ReadParquet(ctx.Path(path))
}
`

const loaderCSV = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Load reads a CSV file; column types are inferred.
func Load(ctx *blocks.Context) (*frame.Frame, error) {
	return frame.ReadCSV(ctx.Path(ctx.String("path", "data/input.csv")))
}
`

const loaderHTTP = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Load downloads a parquet file over HTTP(S), with a timeout and retries.
func Load(ctx *blocks.Context) (*frame.Frame, error) {
	url := ctx.String("url", "https://example.com/data.parquet")
	ctx.Logf("downloading %%s", url)
	return frame.ReadParquet(url)
}
`

const transformerGeneric = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Transform receives its upstream block's output and returns a new frame.
func Transform(ctx *blocks.Context, in *frame.Frame) (*frame.Frame, error) {
	rows, cols := in.Shape()
	ctx.Logf("got %%d rows x %%d columns", rows, cols)
	return in, nil
}

// Test runs after Transform on its output; an error fails the block.
func Test(out *frame.Frame) error {
	return nil
}
`

const exporterParquet = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Export writes its upstream block's output to a parquet file in the project.
func Export(ctx *blocks.Context, in *frame.Frame) error {
	return in.WriteParquet(ctx.Path(ctx.String("output", "output/%s.parquet")))
}
`

const exporterCSV = `package %s

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
)

// Export writes its upstream block's output to a CSV file in the project.
func Export(ctx *blocks.Context, in *frame.Frame) error {
	return in.WriteCSV(ctx.Path(ctx.String("output", "output/%s.csv")))
}
`

const customGeneric = `package %s

import (
	"github.com/golemlabs/golem/blocks"
)

// Run does any work; its result can be any JSON-serialisable value.
func Run(ctx *blocks.Context) (map[string]any, error) {
	return map[string]any{"ok": true}, nil
}
`

const sensorGeneric = `package %s

import (
	"github.com/golemlabs/golem/blocks"
)

// Sense is polled until it returns true or the block times out.
func Sense(ctx *blocks.Context) (bool, error) {
	return true, nil
}
`
