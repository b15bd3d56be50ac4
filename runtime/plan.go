package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/output"
)

// Select says which blocks of a pipeline a run executes.
type Select int

// Selection modes; with Options.Blocks empty every mode runs the whole pipeline.
const (
	SelectAll            Select = iota // every block
	SelectOnly                         // the named blocks, from their upstreams' stored outputs
	SelectWithUpstream                 // the named blocks and everything upstream of them
	SelectWithDownstream               // the named blocks and everything downstream of them
)

// Options configure a run.
type Options struct {
	Vars        map[string]string // overrides of declared variables
	Blocks      []string          // the blocks Select applies to
	Select      Select
	MaxParallel int // concurrent blocks; 0 = the pipeline's or project's setting, else 2
	NoCache     bool
	Trigger     string // cli, editor, schedule:<name>, api, retry:<run id>
	// ExecutionTime is the time the run stands for (a scheduled fire time); zero means its start.
	ExecutionTime time.Time
	// Trial makes the run a trial of a search (see Trial); nil for every other run.
	Trial *Trial `json:",omitempty"`
}

// Node is one block of a plan.
type Node struct {
	Block    *projects.Block
	Source   *blocks.Source // nil for markdown blocks
	Code     []byte
	Upstream []*Node
	Run      bool // executed in this run; otherwise its stored output feeds its downstreams
}

// Name returns the block's name.
func (n *Node) Name() string { return n.Block.Name }

// Plan is a validated pipeline run: blocks in topological order with their resolved variables.
type Plan struct {
	Project  *projects.Project
	Pipeline *projects.Pipeline
	Vars     map[string]string
	Options  Options
	Nodes    []*Node // topological order, stable in pipeline order
	byName   map[string]*Node

	startOnce sync.Once
	started   time.Time

	utilsOnce sync.Once
	utils     []string // imports of the project's utils packages
}

// utilsImports returns what the project's utils packages import, read once per plan.
func (p *Plan) utilsImports() []string {
	p.utilsOnce.Do(func() { p.utils = stdImports(p.Project.Dir) })
	return p.utils
}

// Blocks returns the names of the blocks the run executes, in run order.
func (p *Plan) Blocks() []string {
	var out []string
	for _, n := range p.Nodes {
		if n.Run && n.Source != nil {
			out = append(out, n.Name())
		}
	}
	return out
}

// Node returns the named node or nil.
func (p *Plan) Node(name string) *Node { return p.byName[name] }

// Build validates pipeline in proj for a run with opts and returns its plan. Every problem found is
// reported at once, each with the file and line it comes from.
func Build(proj *projects.Project, pipeline string, opts Options) (*Plan, error) {
	pl, err := proj.Pipeline(pipeline)
	if err != nil {
		return nil, err
	}
	vars, err := pl.ResolveVars(proj.Config.Variables, opts.Vars)
	if err != nil {
		return nil, fmt.Errorf("pipeline %q: %w", pipeline, err)
	}
	if opts.Trial != nil {
		for k, v := range opts.Trial.Params { // a trial's parameters need not be declared variables
			vars[k] = v
		}
	}
	plan := &Plan{Project: proj, Pipeline: pl, Vars: vars, Options: opts, byName: map[string]*Node{}}
	ymlFile := projects.PipelineFilePath(pl.Name)
	at := func(b *projects.Block) string { return fmt.Sprintf("%s:%d", ymlFile, b.Line) }

	var errs []error
	for _, b := range pl.Blocks {
		n := &Node{Block: b}
		plan.byName[b.Name] = n
		code, err := os.ReadFile(filepath.Join(proj.Dir, filepath.FromSlash(b.File)))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: block %q: %w", at(b), b.Name, err))
			continue
		}
		n.Code = code
		if b.Kind == projects.Markdown {
			continue
		}
		src, err := blocks.Parse(b.File, code, b.Kind)
		if err != nil {
			errs = append(errs, fmt.Errorf("block %q: %w", b.Name, err))
		}
		n.Source = src
	}
	errs = append(errs, checkUtils(proj.Dir, pl, plan.byName)...)
	for _, b := range pl.Blocks {
		for _, u := range b.Upstream {
			un, ok := plan.byName[u]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: block %q: %w %q", at(b), b.Name, ErrUnknownBlock, u))
				continue
			}
			plan.byName[b.Name].Upstream = append(plan.byName[b.Name].Upstream, un)
		}
	}
	if cyc := projects.Cycle(pl); cyc != nil {
		errs = append(errs, fmt.Errorf("%s: %w: %s", at(pl.Block(cyc[0])), ErrCycle, strings.Join(cyc, " -> ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	plan.Nodes = topoOrder(pl, plan.byName)
	errs = append(errs, checkTypes(plan, at)...)
	if err := plan.selectBlocks(opts); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return plan, nil
}

// topoOrder orders blocks so every block follows its upstreams, keeping pipeline order otherwise.
func topoOrder(pl *projects.Pipeline, byName map[string]*Node) []*Node {
	done := map[string]bool{}
	var out []*Node
	for len(out) < len(pl.Blocks) {
		for _, b := range pl.Blocks {
			if done[b.Name] {
				continue
			}
			ready := true
			for _, u := range b.Upstream {
				if !done[u] {
					ready = false
					break
				}
			}
			if ready {
				done[b.Name] = true
				out = append(out, byName[b.Name])
			}
		}
	}
	return out
}

// checkTypes compares each downstream parameter with its upstream's output type.
func checkTypes(plan *Plan, at func(*projects.Block) string) []error {
	var errs []error
	for _, n := range plan.Nodes {
		if n.Source == nil || n.Source.Entry == nil {
			continue
		}
		var inputs []*Node
		for _, u := range n.Upstream {
			if u.Block.Kind != projects.Markdown {
				inputs = append(inputs, u)
			}
		}
		if !n.Source.Kind.TakesInputs() {
			continue
		}
		if n.Source.SQL {
			errs = append(errs, checkSQLInputs(n, inputs)...)
			continue
		}
		params := n.Source.Entry.Params
		if len(params) != len(inputs) {
			names := make([]string, len(inputs))
			for i, u := range inputs {
				names[i] = u.Name()
			}
			errs = append(errs, fmt.Errorf("%s:%d: block %q: %s takes %d input(s) but the pipeline gives it %d upstream(s) [%s] (%s)",
				n.Source.File, n.Source.Entry.Pos.Line, n.Name(), n.Source.Entry.Name, len(params), len(inputs), strings.Join(names, ", "), at(n.Block)))
			continue
		}
		for i, u := range inputs {
			p := params[i]
			if u.Source == nil || u.Source.Entry == nil {
				continue
			}
			out := u.Source.Output()
			if out == nil {
				errs = append(errs, fmt.Errorf("%s:%d:%d: block %q: parameter %d is %s but upstream %q (%s) returns no value: %w",
					n.Source.File, p.Pos.Line, p.Pos.Column, n.Name(), i+1, p.Display, u.Name(), u.Source.File, ErrTypeMismatch))
				continue
			}
			if p.IsAny() || out.IsAny() || p.Key == out.Key {
				continue
			}
			errs = append(errs, fmt.Errorf("%s:%d:%d: block %q: parameter %d is %s but upstream %q returns %s (%s:%d): %w",
				n.Source.File, p.Pos.Line, p.Pos.Column, n.Name(), i+1, p.Display, u.Name(), out.Display, u.Source.File, out.Pos.Line, ErrTypeMismatch))
		}
	}
	return errs
}

// checkSQLInputs checks that every upstream of a SQL block gives a frame, which it reads as a table.
func checkSQLInputs(n *Node, inputs []*Node) []error {
	var errs []error
	for _, u := range inputs {
		if u.Source == nil || u.Source.Entry == nil {
			continue
		}
		out := u.Source.Output()
		if out == nil {
			errs = append(errs, fmt.Errorf("%s:1:1: block %q reads upstream %q as a table, but %q (%s) returns no value: %w",
				n.Source.File, n.Name(), u.Name(), u.Name(), u.Source.File, ErrTypeMismatch))
		} else if !out.IsAny() && out.Key != n.Source.Entry.Results[0].Key {
			errs = append(errs, fmt.Errorf("%s:1:1: block %q reads upstream %q as a table, but %q returns %s (%s:%d), not a *frame.Frame: %w",
				n.Source.File, n.Name(), u.Name(), u.Name(), out.Display, u.Source.File, out.Pos.Line, ErrTypeMismatch))
		}
	}
	return errs
}

// selectBlocks marks the nodes this run executes.
func (p *Plan) selectBlocks(opts Options) error {
	if len(opts.Blocks) == 0 || opts.Select == SelectAll {
		for _, n := range p.Nodes {
			n.Run = true
		}
		return nil
	}
	var errs []error
	for _, b := range opts.Blocks {
		if p.byName[b] == nil {
			errs = append(errs, fmt.Errorf("block %q: %w in pipeline %q (blocks: %s)", b, ErrUnknownBlock, p.Pipeline.Name, strings.Join(p.Pipeline.BlockNames(), ", ")))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	mark := map[string]bool{}
	var up func(n *Node)
	up = func(n *Node) {
		mark[n.Name()] = true
		for _, u := range n.Upstream {
			up(u)
		}
	}
	for _, b := range opts.Blocks {
		n := p.byName[b]
		switch opts.Select {
		case SelectOnly:
			mark[b] = true
		case SelectWithUpstream:
			up(n)
		case SelectWithDownstream:
			mark[b] = true
		}
	}
	if opts.Select == SelectWithDownstream {
		for _, n := range p.Nodes { // topological: upstreams are decided first
			for _, u := range n.Upstream {
				if mark[u.Name()] {
					mark[n.Name()] = true
				}
			}
		}
	}
	for _, n := range p.Nodes {
		n.Run = mark[n.Name()]
	}
	return nil
}

// CheckStoredInputs reports, for every block the run executes, upstreams that do not run and have
// no stored output: such a block cannot be run alone yet.
func (p *Plan) CheckStoredInputs(store *output.Store) error {
	var errs []error
	for _, n := range p.Nodes {
		if !n.Run || n.Source == nil || !n.Source.Kind.TakesInputs() {
			continue
		}
		for _, u := range n.Upstream {
			if u.Run || u.Source == nil {
				continue
			}
			if _, err := store.Meta(p.Pipeline.Name, u.Name()); err != nil {
				errs = append(errs, fmt.Errorf("block %q needs the output of upstream %q, which has not been run yet; run the pipeline first, or run %q with its upstreams: %w",
					n.Name(), u.Name(), n.Name(), ErrMissingOutput))
			}
		}
	}
	return errors.Join(errs...)
}

func inputsOf(n *Node) []*Node {
	return slices.DeleteFunc(slices.Clone(n.Upstream), func(u *Node) bool { return u.Block.Kind == projects.Markdown })
}

// checkUtils pre-checks the project packages (utils/...) the blocks reach, so
// syntax the interpreter cannot run in one is reported in its own file at its
// line, once per package, naming a block that imports it.
func checkUtils(projectDir string, pl *projects.Pipeline, byName map[string]*Node) []error {
	var errs []error
	checked := map[string]bool{}
	for _, b := range pl.Blocks {
		n := byName[b.Name]
		if n == nil || n.Source == nil {
			continue
		}
		for _, imp := range utilsClosure(projectDir, n.Source.Imports) {
			if checked[imp] {
				continue
			}
			checked[imp] = true
			dir := filepath.Join(projectDir, filepath.FromSlash(imp))
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue // the interpreter reports a missing package
			}
			for _, e := range entries {
				name := e.Name()
				if e.IsDir() || filepath.Ext(name) != ".go" || strings.HasSuffix(name, "_test.go") {
					continue
				}
				src, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					errs = append(errs, fmt.Errorf("block %q imports %s: %w", b.Name, imp, err))
					continue
				}
				err = blocks.CheckPackageFile(imp+"/"+name, src)
				each := []error{err}
				if j, ok := err.(interface{ Unwrap() []error }); ok {
					each = j.Unwrap()
				}
				for _, e := range each {
					if e != nil {
						errs = append(errs, fmt.Errorf("block %q imports %s: %w", b.Name, imp, e))
					}
				}
			}
		}
	}
	return errs
}
