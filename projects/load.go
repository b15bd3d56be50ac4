package projects

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/golemlabs/golem/blocks"
)

var (
	nameRE    = regexp.MustCompile(`^[a-z0-9_]+$`)
	varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ValidName reports whether s is a valid pipeline or block name ([a-z0-9_]+).
func ValidName(s string) bool { return nameRE.MatchString(s) }

// VarTypes are the declared variable types.
var VarTypes = []string{"string", "int", "float", "bool"}

// Load reads and validates the project in dir. It reports every problem at
// once (errors.Join of *Error, each "file:line: message"); on validation
// problems it still returns the project as far as it could be read, so an
// editor can show it next to the errors.
func Load(dir string) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load project %q: %w", dir, err)
	}
	data, err := os.ReadFile(filepath.Join(abs, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load project %q: %w", dir, ErrNotProject)
	}
	if err != nil {
		return nil, fmt.Errorf("load project: %w", err)
	}
	p := &Project{Dir: abs, Pipelines: map[string]*Pipeline{}}
	ps := &problems{file: ConfigFile}
	conns := map[string]*Connection{}
	if root := decodeFile(ps, data, &p.Config); root != nil {
		validateConfig(ps, root, &p.Config)
		parseConnections(ps, mapValue(root, "connections"), conns, false)
	}
	errs := append(ps.errs, readConnectionsFile(abs, conns)...)
	p.Config.Connections = conns

	entries, err := os.ReadDir(filepath.Join(abs, PipelinesDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return p, fmt.Errorf("load project: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		rel := PipelineFilePath(e.Name())
		data, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // a leftover folder, not a pipeline
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", rel, err))
			continue
		}
		pl, perrs := parsePipeline(abs, rel, e.Name(), data)
		errs = append(errs, perrs...)
		if pl != nil {
			pl.Version = version(data)
			p.Pipelines[e.Name()] = pl
		}
	}
	return p, errors.Join(errs...)
}

func validateConfig(ps *problems, root *yaml.Node, c *Config) {
	if strings.TrimSpace(c.Name) == "" {
		ps.add(keyLine(root, "name"), "project name is empty")
	}
	vars := mapValue(root, "variables")
	for name := range c.Variables {
		if !varNameRE.MatchString(name) {
			ps.add(keyLine(vars, name), "variable %q: invalid name (want letters, digits, _)", name)
		}
	}
	settings := mapValue(root, "settings")
	s := c.Settings
	if s.MaxParallelBlocks < 0 {
		ps.add(keyLine(settings, "max_parallel_blocks"), "max_parallel_blocks must not be negative")
	}
	if s.KeepRuns < 0 {
		ps.add(keyLine(settings, "keep_runs"), "keep_runs must not be negative")
	}
	validateRetries(ps, mapValue(settings, "retries"), s.Retries, "settings")
}

func validateRetries(ps *problems, n *yaml.Node, r *Retries, who string) {
	if r == nil {
		return
	}
	if r.Count < 0 {
		ps.add(keyLine(n, "count"), "%s: retries count must not be negative", who)
	}
	if r.Backoff != 0 && r.Backoff < 1 {
		ps.add(keyLine(n, "backoff"), "%s: retries backoff must be >= 1", who)
	}
	if r.Jitter < 0 || r.Jitter > 1 {
		ps.add(keyLine(n, "jitter"), "%s: retries jitter must be within 0..1", who)
	}
}

// ParsePipeline parses and validates pipeline.yaml content. dir is the
// project directory (block files are checked there), rel the file's
// project-relative path (used in messages) and folder the pipeline folder
// name, which must equal the pipeline's name.
func ParsePipeline(dir, rel, folder string, data []byte) (*Pipeline, error) {
	p, errs := parsePipeline(dir, rel, folder, data)
	return p, errors.Join(errs...)
}

func parsePipeline(dir, rel, folder string, data []byte) (*Pipeline, []error) {
	ps := &problems{file: rel}
	var p Pipeline
	root := decodeFile(ps, data, &p)
	if root == nil {
		return nil, ps.errs
	}
	validatePipeline(ps, dir, folder, root, &p)
	return &p, ps.errs
}

func validatePipeline(ps *problems, dir, folder string, root *yaml.Node, p *Pipeline) {
	switch {
	case p.Name == "":
		ps.add(keyLine(root, "name"), "pipeline name is empty")
	case !ValidName(p.Name):
		ps.add(keyLine(root, "name"), "pipeline name %q is invalid (want [a-z0-9_]+)", p.Name)
	case folder != "" && p.Name != folder:
		ps.add(keyLine(root, "name"), "pipeline name %q differs from its folder %q", p.Name, folder)
	}

	for _, v := range p.Variables {
		if !varNameRE.MatchString(v.Name) {
			ps.add(v.Line, "variable %q: invalid name (want letters, digits, _)", v.Name)
		}
		if v.Type == "" {
			continue
		}
		if !slices.Contains(VarTypes, v.Type) {
			ps.add(v.Line, "variable %q: unknown type %q (want %s)", v.Name, v.Type, strings.Join(VarTypes, ", "))
			continue
		}
		if v.Default != "" {
			if err := checkType(v.Default, v.Type); err != nil {
				ps.add(v.Line, "variable %q: default %q is not a %s", v.Name, v.Default, v.Type)
			}
		}
	}

	blocksNode := mapValue(root, "blocks")
	var nodes []*yaml.Node
	kept := p.Blocks[:0]
	for i, b := range p.Blocks {
		var n *yaml.Node
		if blocksNode != nil && blocksNode.Kind == yaml.SequenceNode && i < len(blocksNode.Content) {
			n = blocksNode.Content[i]
		}
		if b == nil {
			ps.add(keyLine(n, ""), "empty block entry")
			continue
		}
		if n != nil {
			b.Line = n.Line
		}
		kept = append(kept, b)
		nodes = append(nodes, n)
	}
	p.Blocks = kept
	nodeOf := func(i int) *yaml.Node { return nodes[i] }
	seen := map[string]int{}
	for i, b := range p.Blocks {
		n := nodeOf(i)
		who := fmt.Sprintf("block %q", b.Name)
		switch {
		case b.Name == "":
			ps.add(b.Line, "block #%d has no name", i+1)
			who = fmt.Sprintf("block #%d", i+1)
		case !ValidName(b.Name):
			ps.add(keyLine(n, "name"), "block name %q is invalid (want [a-z0-9_]+)", b.Name)
		}
		if first, dup := seen[b.Name]; dup && b.Name != "" {
			ps.add(keyLine(n, "name"), "duplicate block name %q (first at line %d)", b.Name, first)
		} else {
			seen[b.Name] = b.Line
		}
		if !b.Kind.Valid() {
			ps.add(keyLine(n, "kind"), "%s: unknown kind %q (want %s)", who, b.Kind, kindList())
		}
		validateBlockFile(ps, dir, n, b, who)
		validateRetries(ps, mapValue(n, "retries"), b.Retries, who)
		for j, c := range b.Charts {
			if c.Type == "" {
				cn := mapValue(n, "charts")
				line := keyLine(n, "charts")
				if cn != nil && cn.Kind == yaml.SequenceNode && j < len(cn.Content) {
					line = cn.Content[j].Line
				}
				ps.add(line, "%s: chart #%d has no type", who, j+1)
			}
		}
	}
	for i, b := range p.Blocks {
		n := nodeOf(i)
		un := mapValue(n, "upstream")
		lineOf := func(j int) int {
			if un != nil && un.Kind == yaml.SequenceNode && j < len(un.Content) {
				return un.Content[j].Line
			}
			return keyLine(n, "upstream")
		}
		who := fmt.Sprintf("block %q", b.Name)
		if b.Kind == Markdown && len(b.Upstream) > 0 {
			ps.add(lineOf(0), "%s: a markdown block has no upstream", who)
			continue
		}
		for j, u := range b.Upstream {
			switch ub := p.Block(u); {
			case u == b.Name:
				ps.add(lineOf(j), "%s: lists itself as upstream", who)
			case ub == nil:
				ps.add(lineOf(j), "%s: unknown upstream %q (blocks: %s)", who, u, strings.Join(p.BlockNames(), ", "))
			case ub.Kind == Markdown:
				ps.add(lineOf(j), "%s: upstream %q is a markdown block", who, u)
			case slices.Index(b.Upstream, u) != j:
				ps.add(lineOf(j), "%s: upstream %q listed twice", who, u)
			}
		}
	}
	if cyc := Cycle(p); cyc != nil {
		line := 0
		for _, name := range cyc {
			if b := p.Block(name); b != nil && b.Line > 0 && (line == 0 || b.Line < line) {
				line = b.Line
			}
		}
		ps.add(line, "cycle: %s", strings.Join(cyc, " -> "))
	}

	settings := mapValue(root, "settings")
	if p.Settings.MaxParallelBlocks < 0 {
		ps.add(keyLine(settings, "max_parallel_blocks"), "max_parallel_blocks must not be negative")
	}
	if p.Settings.MaxConcurrentRuns < 0 {
		ps.add(keyLine(settings, "max_concurrent_runs"), "max_concurrent_runs must not be negative")
	}
	validateRetries(ps, mapValue(settings, "retries"), p.Settings.Retries, "settings")

	nn := mapValue(root, "notifications")
	for i, nt := range p.Notifications {
		line := keyLine(root, "notifications")
		if nn != nil && nn.Kind == yaml.SequenceNode && i < len(nn.Content) {
			line = nn.Content[i].Line
		}
		for _, problem := range nt.Problems() {
			ps.add(line, "notification #%d: %s", i+1, problem)
		}
	}
	an := mapValue(root, "alerts")
	for i, a := range p.Alerts {
		line := keyLine(root, "alerts")
		if an != nil && an.Kind == yaml.SequenceNode && i < len(an.Content) {
			line = an.Content[i].Line
		}
		if a.Metric == "" {
			ps.add(line, "alert #%d: no metric (alerts: [{metric: val_rmse, above: 6.0}])", i+1)
		}
		if a.Above == nil && a.Below == nil {
			ps.add(line, "alert #%d: metric %q: set above, below or both", i+1, a.Metric)
		}
		if a.Block != "" && p.Block(a.Block) == nil {
			ps.add(line, "alert #%d: no block %q in the pipeline", i+1, a.Block)
		}
	}
}

func validateBlockFile(ps *problems, dir string, n *yaml.Node, b *Block, who string) {
	line := keyLine(n, "file")
	f := b.File
	switch {
	case f == "":
		ps.add(b.Line, "%s: no file", who)
		return
	case strings.Contains(f, `\`) || path.IsAbs(f) || filepath.IsAbs(f) || !filepath.IsLocal(filepath.FromSlash(f)) || path.Clean(f) != f:
		ps.add(line, "%s: file %q leaves the project (want a clean relative path like %s/%s%s)", who, f, folderOr(b.Kind), b.Name, b.Kind.Ext())
		return
	}
	if folder := b.Kind.Folder(); folder != "" {
		if !strings.HasPrefix(f, folder+"/") {
			ps.add(line, "%s: file %q of a %s must be under %s/", who, f, b.Kind, folder)
		} else if ext := path.Ext(f); ext != b.Kind.Ext() && !(ext == blocks.SQLExt && b.Kind.TakesSQL()) {
			want := b.Kind.Ext()
			if b.Kind.TakesSQL() {
				want += " or " + blocks.SQLExt
			}
			ps.add(line, "%s: file %q of a %s must end in %s", who, f, b.Kind, want)
		}
	}
	if dir == "" {
		return
	}
	// A block file must resolve inside the project: a symlink to a file
	// outside would run code the project does not hold (issue 9). Every run
	// path loads the project first, so refusing here covers them all.
	if _, err := resolve(dir, f); errors.Is(err, ErrOutsideProject) {
		ps.add(line, "%s: file %q refused: %v", who, f, err)
		return
	}
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f)))
	switch {
	case err != nil:
		ps.add(line, "%s: file %q does not exist", who, f)
	case !st.Mode().IsRegular():
		ps.add(line, "%s: file %q is not a regular file", who, f)
	}
}

func folderOr(k Kind) string {
	if f := k.Folder(); f != "" {
		return f
	}
	return "transformers"
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Cycle returns a dependency cycle among p's blocks as a list of block names
// whose first and last element are equal (a -> b -> a), or nil if the
// upstream graph is acyclic. Unknown upstreams are ignored.
func Cycle(p *Pipeline) []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(name string) bool
	visit = func(name string) bool {
		color[name] = grey
		stack = append(stack, name)
		b := p.Block(name)
		if b != nil {
			for _, u := range b.Upstream {
				if p.Block(u) == nil || u == name {
					continue
				}
				switch color[u] {
				case grey:
					i := slices.Index(stack, u)
					found = append(slices.Clone(stack[i:]), u)
					return true
				case white:
					if visit(u) {
						return true
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[name] = black
		return false
	}
	names := p.BlockNames()
	sort.Strings(names)
	for _, n := range names {
		if color[n] == white && visit(n) {
			// stack order goes downstream -> upstream; report in data-flow order
			slices.Reverse(found)
			return found
		}
	}
	return nil
}
