package projects

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/internal/atomicfile"
	"gopkg.in/yaml.v3"
)

// MarshalPipeline encodes p as pipeline.yaml: keys in a fixed order (name,
// description, variables, blocks, settings, notifications; block keys as in
// Block), two-space indent, short lists and options in flow style. The
// output depends only on p, so saving an unchanged pipeline is a no-op in git.
func MarshalPipeline(p *Pipeline) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(p); err != nil {
		return nil, fmt.Errorf("encode pipeline %q: %w", p.Name, err)
	}
	styleFlow(&n, "")
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode pipeline %q: %w", p.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode pipeline %q: %w", p.Name, err)
	}
	return buf.Bytes(), nil
}

// MarshalConfig encodes golem.yaml deterministically.
func MarshalConfig(c *Config) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(c); err != nil {
		return nil, fmt.Errorf("encode golem.yaml: %w", err)
	}
	styleFlow(&n, "")
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode golem.yaml: %w", err)
	}
	enc.Close()
	return buf.Bytes(), nil
}

// flowKeys are the keys whose values are written on one line.
var flowKeys = map[string]bool{"upstream": true, "retries": true, "cache": true, "on": true}

func styleFlow(n *yaml.Node, key string) {
	switch {
	case flowKeys[key]:
		n.Style = yaml.FlowStyle
		return
	case key == "charts" || key == "notifications":
		for _, item := range n.Content {
			item.Style = yaml.FlowStyle
		}
		return
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			styleFlow(n.Content[i+1], n.Content[i].Value)
		}
		return
	}
	for _, c := range n.Content {
		styleFlow(c, "")
	}
}

// SavePipeline validates pl, writes it atomically to
// pipelines/<name>/pipeline.yaml and makes it the project's pipeline of that
// name. It refuses (ErrConflict) to overwrite a file that changed on disk
// since pl was loaded or last saved (pl.Version; "" for a new pipeline), and
// returns the validation problems (*Error, positioned in the file as it
// would be written) without writing anything.
func (p *Project) SavePipeline(pl *Pipeline) error {
	data, err := MarshalPipeline(pl)
	if err != nil {
		return err
	}
	rel := pl.Path()
	if !ValidName(pl.Name) {
		return &Error{File: rel, Msg: fmt.Sprintf("pipeline name %q is invalid (want [a-z0-9_]+)", pl.Name)}
	}
	if _, errs := parsePipeline(p.Dir, rel, pl.Name, data); len(errs) > 0 {
		return errors.Join(errs...)
	}
	ver, err := p.WriteFileIfVersion(rel, data, pl.Version)
	if err != nil {
		return err
	}
	pl.Version = ver
	if p.Pipelines == nil {
		p.Pipelines = map[string]*Pipeline{}
	}
	p.Pipelines[pl.Name] = pl
	return nil
}

// CreatePipeline creates and saves an empty pipeline.
func (p *Project) CreatePipeline(name, description string) (*Pipeline, error) {
	if !ValidName(name) {
		return nil, fmt.Errorf("create pipeline %q: invalid name (want [a-z0-9_]+)", name)
	}
	if err := p.absent(name); err != nil {
		return nil, fmt.Errorf("create pipeline: %w", err)
	}
	pl := &Pipeline{Name: name, Description: description}
	if err := p.SavePipeline(pl); err != nil {
		return nil, fmt.Errorf("create pipeline %q: %w", name, err)
	}
	return pl, nil
}

func (p *Project) absent(name string) error {
	if _, ok := p.Pipelines[name]; ok {
		return fmt.Errorf("pipeline %q: %w", name, ErrExists)
	}
	abs, err := p.Resolve(PipelinesDir + "/" + name)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(abs); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pipeline %q: %w", name, ErrExists)
	}
	return nil
}

// RenamePipeline renames pipeline old to new: its folder and its name.
// Block files are shared and stay where they are.
func (p *Project) RenamePipeline(old, new string) error {
	pl, err := p.Pipeline(old)
	if err != nil {
		return fmt.Errorf("rename pipeline: %w", err)
	}
	if !ValidName(new) {
		return fmt.Errorf("rename pipeline %q: invalid name %q (want [a-z0-9_]+)", old, new)
	}
	if err := p.absent(new); err != nil {
		return fmt.Errorf("rename pipeline %q: %w", old, err)
	}
	if cur, err := p.FileVersion(pl.Path()); err != nil || cur != pl.Version {
		return fmt.Errorf("rename pipeline %q: %s: %w", old, pl.Path(), ErrConflict)
	}
	from, err := p.Resolve(PipelinesDir + "/" + old)
	if err != nil {
		return err
	}
	to, err := p.Resolve(PipelinesDir + "/" + new)
	if err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("rename pipeline %q: %w", old, err)
	}
	renamed := *pl
	renamed.Name = new
	if err := p.SavePipeline(&renamed); err != nil {
		if rerr := os.Rename(to, from); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("rename pipeline %q: %w", old, err)
	}
	delete(p.Pipelines, old)
	*pl = renamed
	p.Pipelines[new] = pl
	return atomicfile.SyncDir(filepath.Join(p.Dir, PipelinesDir))
}

// DeletePipeline removes pipeline name's folder (pipeline.yaml,
// triggers.yaml, ...). Block files are shared and stay.
func (p *Project) DeletePipeline(name string) error {
	if _, err := p.Pipeline(name); err != nil {
		return fmt.Errorf("delete pipeline: %w", err)
	}
	abs, err := p.Resolve(PipelinesDir + "/" + name)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return fmt.Errorf("delete pipeline %q: %w", name, err)
	}
	delete(p.Pipelines, name)
	return atomicfile.SyncDir(filepath.Join(p.Dir, PipelinesDir))
}

// DefaultFile is the conventional file of a new block: <folder>/<name><ext>.
func DefaultFile(kind Kind, name string) string {
	return kind.Folder() + "/" + name + kind.Ext()
}

// DefaultSQLFile is the conventional file of a new SQL block: <folder>/<name>.sql.
func DefaultSQLFile(kind Kind, name string) string {
	return kind.Folder() + "/" + name + blocks.SQLExt
}

// AddBlock adds b to pipeline pipeline and saves it. If b.File is empty it
// becomes DefaultFile; if the file does not exist it is created with
// content.
func (p *Project) AddBlock(pipeline string, b *Block, content []byte) error {
	pl, err := p.Pipeline(pipeline)
	if err != nil {
		return fmt.Errorf("add block: %w", err)
	}
	if b.File == "" {
		b.File = DefaultFile(b.Kind, b.Name)
	}
	next := clonePipeline(pl)
	if err := next.AddBlock(b); err != nil {
		return err
	}
	if _, err := p.WriteFileIfVersion(b.File, content, ""); err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("add block %q: %w", b.Name, err)
	}
	if err := p.SavePipeline(next); err != nil {
		return fmt.Errorf("add block %q: %w", b.Name, err)
	}
	*pl = *next
	p.Pipelines[pipeline] = pl
	return nil
}

func clonePipeline(pl *Pipeline) *Pipeline {
	c := *pl
	c.Blocks = make([]*Block, len(pl.Blocks))
	for i, b := range pl.Blocks {
		nb := *b
		nb.Upstream = slices.Clone(b.Upstream)
		c.Blocks[i] = &nb
	}
	c.Variables = slices.Clone(pl.Variables)
	return &c
}

// AddBlock appends b to the pipeline after checking its name (valid,
// unique), kind and upstreams. It does not save.
func (pl *Pipeline) AddBlock(b *Block) error {
	if !ValidName(b.Name) {
		return fmt.Errorf("add block: invalid name %q (want [a-z0-9_]+)", b.Name)
	}
	if pl.Block(b.Name) != nil {
		return fmt.Errorf("add block %q: %w", b.Name, ErrExists)
	}
	if !b.Kind.Valid() {
		return fmt.Errorf("add block %q: unknown kind %q (want %s)", b.Name, b.Kind, kindList())
	}
	for _, u := range b.Upstream {
		if pl.Block(u) == nil {
			return fmt.Errorf("add block %q: unknown upstream %q", b.Name, u)
		}
	}
	pl.Blocks = append(pl.Blocks, b)
	return nil
}

// RenameBlock renames block old to new and updates the upstream lists that
// name it. It does not rename the block's file, nor save.
func (pl *Pipeline) RenameBlock(old, new string) error {
	b := pl.Block(old)
	if b == nil {
		return fmt.Errorf("rename block %q: %w", old, ErrNotFound)
	}
	if !ValidName(new) {
		return fmt.Errorf("rename block %q: invalid name %q (want [a-z0-9_]+)", old, new)
	}
	if old == new {
		return nil
	}
	if pl.Block(new) != nil {
		return fmt.Errorf("rename block %q: %q %w", old, new, ErrExists)
	}
	b.Name = new
	for _, o := range pl.Blocks {
		for i, u := range o.Upstream {
			if u == old {
				o.Upstream[i] = new
			}
		}
	}
	return nil
}

// RemoveBlock removes block name and drops it from the other blocks'
// upstream lists. Its file stays (it may be shared). It does not save.
func (pl *Pipeline) RemoveBlock(name string) error {
	i := slices.IndexFunc(pl.Blocks, func(b *Block) bool { return b.Name == name })
	if i < 0 {
		return fmt.Errorf("remove block %q: %w", name, ErrNotFound)
	}
	pl.Blocks = slices.Delete(pl.Blocks, i, i+1)
	for _, o := range pl.Blocks {
		o.Upstream = slices.DeleteFunc(o.Upstream, func(u string) bool { return u == name })
	}
	return nil
}
