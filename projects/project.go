package projects

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/chart"

	"gopkg.in/yaml.v3"
)

// ConfigFile is the project file at the root of every project.
const ConfigFile = "golem.yaml"

// PipelinesDir holds one folder per pipeline.
const PipelinesDir = "pipelines"

// PipelineFile is the file inside pipelines/<name>/ describing the pipeline.
const PipelineFile = "pipeline.yaml"

// Kind is the kind of a block (see blocks.Kind, which fixes its folder, extension and entry function).
type Kind = blocks.Kind

// Block kinds.
const (
	DataLoader   = blocks.DataLoader
	Transformer  = blocks.Transformer
	DataExporter = blocks.DataExporter
	Custom       = blocks.Custom
	Sensor       = blocks.Sensor
	Markdown     = blocks.Markdown
)

// Kinds lists every block kind in display order.
var Kinds = blocks.Kinds()

// Project is a loaded project folder.
type Project struct {
	// Dir is the absolute project directory.
	Dir string
	// Config is golem.yaml.
	Config Config
	// Pipelines by name.
	Pipelines map[string]*Pipeline

	mu sync.Mutex // serialises check-and-write in WriteFileIfVersion
}

// PipelineNames returns the pipeline names, sorted.
func (p *Project) PipelineNames() []string {
	names := make([]string, 0, len(p.Pipelines))
	for n := range p.Pipelines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Pipeline returns the named pipeline or an error wrapping ErrNotFound.
func (p *Project) Pipeline(name string) (*Pipeline, error) {
	pl, ok := p.Pipelines[name]
	if !ok {
		return nil, fmt.Errorf("pipeline %q: %w (pipelines: %s)", name, ErrNotFound, strings.Join(p.PipelineNames(), ", "))
	}
	return pl, nil
}

// Config is golem.yaml.
type Config struct {
	Name string `yaml:"name"`
	// Variables are project-wide defaults, usable by every pipeline.
	Variables map[string]string `yaml:"variables,omitempty"`
	Settings  ProjectSettings   `yaml:"settings,omitempty"`
	// Connections are the named connection profiles, from golem.yaml and connections.yaml.
	Connections map[string]*Connection `yaml:"connections,omitempty"`
}

// ProjectSettings are the defaults of every pipeline run.
type ProjectSettings struct {
	BlockTimeout      Duration `yaml:"block_timeout,omitempty"`
	MaxParallelBlocks int      `yaml:"max_parallel_blocks,omitempty"`
	Retries           *Retries `yaml:"retries,omitempty"`
	KeepRuns          int      `yaml:"keep_runs,omitempty"`
	// MemoryLimit bounds the resident memory of a run's worker process; 0 means half of the
	// machine's memory (see runtime/worker).
	MemoryLimit Size `yaml:"memory_limit,omitempty"`
	// APIToken is the bearer token of the API trigger.
	APIToken string `yaml:"api_token,omitempty"`
}

// Retries says how a failed block is retried: Count more attempts, waiting
// Delay, multiplied by Backoff after each attempt up to MaxDelay, with a
// random ±Jitter fraction.
type Retries struct {
	Count    int      `yaml:"count"`
	Delay    Duration `yaml:"delay,omitempty"`
	Backoff  float64  `yaml:"backoff,omitempty"`
	MaxDelay Duration `yaml:"max_delay,omitempty"`
	Jitter   float64  `yaml:"jitter,omitempty"`
}

// Cache configures the reuse of a block's previous output.
type Cache struct {
	TTL Duration `yaml:"ttl,omitempty"`
}

// Pipeline is pipelines/<name>/pipeline.yaml.
type Pipeline struct {
	Name          string           `yaml:"name"`
	Description   string           `yaml:"description,omitempty"`
	Variables     Variables        `yaml:"variables,omitempty"`
	Blocks        []*Block         `yaml:"blocks"`
	Settings      PipelineSettings `yaml:"settings,omitempty"`
	Notifications []Notification   `yaml:"notifications,omitempty"`
	// Alerts send the pipeline's notifications when a metric a block logged crosses a threshold.
	Alerts []Alert `yaml:"alerts,omitempty"`
	// RunsOn lists the labels a cluster worker needs to run this pipeline (golem worker --labels).
	RunsOn []string `yaml:"runs_on,omitempty"`

	// Version is the content version (FileVersion) of pipeline.yaml when it
	// was loaded or last saved; SavePipeline refuses to overwrite a file that
	// changed since. Empty for a pipeline not yet on disk.
	Version string `yaml:"-"`
}

// Path returns the project-relative path of the pipeline's pipeline.yaml.
func (p *Pipeline) Path() string { return PipelineFilePath(p.Name) }

// PipelineFilePath returns the project-relative path of pipeline name's file.
func PipelineFilePath(name string) string { return PipelinesDir + "/" + name + "/" + PipelineFile }

// Block returns the named block or nil.
func (p *Pipeline) Block(name string) *Block {
	for _, b := range p.Blocks {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// BlockNames returns block names in pipeline order.
func (p *Pipeline) BlockNames() []string {
	names := make([]string, len(p.Blocks))
	for i, b := range p.Blocks {
		names[i] = b.Name
	}
	return names
}

// Downstream returns the names of the blocks listing name as upstream, in
// pipeline order.
func (p *Pipeline) Downstream(name string) []string {
	var out []string
	for _, b := range p.Blocks {
		if slices.Contains(b.Upstream, name) {
			out = append(out, b.Name)
		}
	}
	return out
}

// Block is one entry of a pipeline's blocks list.
type Block struct {
	Name     string       `yaml:"name"`
	Kind     Kind         `yaml:"kind"`
	File     string       `yaml:"file"`
	Upstream []string     `yaml:"upstream"`
	Timeout  Duration     `yaml:"timeout,omitempty"`
	Retries  *Retries     `yaml:"retries,omitempty"`
	Cache    *Cache       `yaml:"cache,omitempty"`
	Charts   []chart.Spec `yaml:"charts,omitempty"` // the one chart type: pipeline.yaml, the editor API and blocks/chart

	// Line is the line of the block in pipeline.yaml (0 if not loaded).
	Line int `yaml:"-"`
}

// PipelineSettings override project settings for one pipeline.
type PipelineSettings struct {
	MaxParallelBlocks int      `yaml:"max_parallel_blocks,omitempty"`
	Timeout           Duration `yaml:"timeout,omitempty"`
	MaxConcurrentRuns int      `yaml:"max_concurrent_runs,omitempty"`
	Retries           *Retries `yaml:"retries,omitempty"`
	// MemoryLimit overrides the project's settings.memory_limit for this pipeline's runs.
	MemoryLimit Size `yaml:"memory_limit,omitempty"`
}

// Notification is a webhook called when a run ends.
type Notification struct {
	URL    string   `yaml:"url"`
	On     []string `yaml:"on,omitempty"`     // failure, success (default: failure)
	Format string   `yaml:"format,omitempty"` // json (default) or slack
}

// Alert is a rule on a metric blocks log (ctx.LogMetric): a run whose value of Metric is above
// Above or below Below sends the pipeline's notifications. Block, when set, limits the rule to
// that block's metric.
type Alert struct {
	Metric string   `yaml:"metric" json:"metric"`
	Above  *float64 `yaml:"above,omitempty" json:"above,omitempty"`
	Below  *float64 `yaml:"below,omitempty" json:"below,omitempty"`
	Block  string   `yaml:"block,omitempty" json:"block,omitempty"`
}

// Fires says whether value crosses the rule, and how ("above 6").
func (a Alert) Fires(value float64) (string, bool) {
	if a.Above != nil && value > *a.Above {
		return fmt.Sprintf("above %g", *a.Above), true
	}
	if a.Below != nil && value < *a.Below {
		return fmt.Sprintf("below %g", *a.Below), true
	}
	return "", false
}

// Variable is a declared pipeline variable.
type Variable struct {
	Name        string
	Type        string // string, int, float or bool
	Default     string
	Description string
	Line        int // line in pipeline.yaml, 0 if not loaded
}

// Variables is an ordered list of variables, written in YAML as a mapping
// from name to {type, default, description}.
type Variables []Variable

// Get returns the named variable.
func (vs Variables) Get(name string) (Variable, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// Names returns the variable names in order.
func (vs Variables) Names() []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	return out
}

type variableSpec struct {
	Type        string `yaml:"type,omitempty"`
	Default     string `yaml:"default,omitempty"`
	Description string `yaml:"description,omitempty"`
}

// UnmarshalYAML keeps the declaration order of the mapping.
func (vs *Variables) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: variables must be a mapping of name to {type, default, description}", n.Line)}}
	}
	var out Variables
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var spec variableSpec
		if err := v.Decode(&spec); err != nil {
			if te, ok := err.(*yaml.TypeError); ok {
				errs = append(errs, te.Errors...)
				continue
			}
			return err
		}
		out = append(out, Variable{Name: k.Value, Type: spec.Type, Default: spec.Default, Description: spec.Description, Line: k.Line})
	}
	*vs = out
	if errs != nil {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// MarshalYAML writes the variables as an ordered mapping.
func (vs Variables) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, v := range vs {
		var val yaml.Node
		if err := val.Encode(variableSpec{Type: v.Type, Default: v.Default, Description: v.Description}); err != nil {
			return nil, err
		}
		val.Style = yaml.FlowStyle
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.Name}, &val)
	}
	return n, nil
}

// Duration is a time.Duration written as a Go duration string ("90s", "5m").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML parses a duration string; a bad one is reported with its line.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: duration must be a string like 30s, 5m or 1h", n.Line)}}
	}
	if n.Value == "" || n.Value == "0" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: bad duration %q (want e.g. 30s, 5m, 1h30m)", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes d as a duration string.
func (d Duration) MarshalYAML() (any, error) { return durationString(time.Duration(d)), nil }

// IsZero lets omitempty drop zero durations.
func (d Duration) IsZero() bool { return d == 0 }

// Size is a number of bytes written with a unit: "512MiB", "4GiB", "2GB", "1048576".
type Size int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
}

// ParseSize parses a size such as "4GiB" or "512MB"; a bare number is bytes.
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("bad size %q (want e.g. 512MiB, 4GiB)", s)
	}
	return Size(v * float64(mult)), nil
}

// UnmarshalYAML parses a size; a bad one is reported with its line.
func (z *Size) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: size must be a string like 512MiB or 4GiB", n.Line)}}
	}
	v, err := ParseSize(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*z = v
	return nil
}

// MarshalYAML writes z in the largest binary unit that divides it.
func (z Size) MarshalYAML() (any, error) { return z.String(), nil }

// IsZero lets omitempty drop zero sizes.
func (z Size) IsZero() bool { return z == 0 }

// String formats z in the largest binary unit it reaches: "4GiB", "310.9MiB", "512B".
func (z Size) String() string {
	for _, u := range []struct {
		name string
		mult int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if int64(z) >= u.mult {
			if int64(z)%u.mult == 0 {
				return fmt.Sprintf("%d%s", int64(z)/u.mult, u.name)
			}
			return fmt.Sprintf("%.1f%s", float64(z)/float64(u.mult), u.name)
		}
	}
	return fmt.Sprintf("%dB", int64(z))
}

// durationString formats like time.Duration.String without the trailing
// zero units ("5m" rather than "5m0s").
func durationString(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
