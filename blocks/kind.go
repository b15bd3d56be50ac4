package blocks

import (
	"fmt"
	"slices"
)

// Kind is the kind of a block; it fixes the block's folder and entry function.
type Kind string

// The block kinds.
const (
	DataLoader   Kind = "data_loader"
	Transformer  Kind = "transformer"
	DataExporter Kind = "data_exporter"
	Custom       Kind = "custom"
	Sensor       Kind = "sensor"
	Markdown     Kind = "markdown"
)

// Kinds lists every block kind in display order.
func Kinds() []Kind {
	return []Kind{DataLoader, Transformer, DataExporter, Custom, Sensor, Markdown}
}

// ParseKind returns the Kind named s.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if !slices.Contains(Kinds(), k) {
		return "", fmt.Errorf("%w %q (kinds: data_loader, transformer, data_exporter, custom, sensor, markdown)", ErrUnknownKind, s)
	}
	return k, nil
}

// Folder returns the project folder that holds blocks of kind k.
func (k Kind) Folder() string {
	switch k {
	case DataLoader:
		return "data_loaders"
	case Transformer:
		return "transformers"
	case DataExporter:
		return "data_exporters"
	case Custom:
		return "custom"
	case Sensor:
		return "sensors"
	case Markdown:
		return "markdowns"
	}
	return ""
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k.Folder() != "" }

// Ext returns the file extension of blocks of kind k.
func (k Kind) Ext() string {
	if k == Markdown {
		return ".md"
	}
	return ".go"
}

// Entry returns the name of the function the runtime calls for blocks of kind k, or "" for
// markdown blocks, which do not run.
func (k Kind) Entry() string {
	switch k {
	case DataLoader:
		return "Load"
	case Transformer:
		return "Transform"
	case DataExporter:
		return "Export"
	case Custom:
		return "Run"
	case Sensor:
		return "Sense"
	}
	return ""
}

// TakesInputs reports whether blocks of kind k receive their upstreams' outputs as parameters.
func (k Kind) TakesInputs() bool {
	return k == Transformer || k == DataExporter || k == Custom
}
