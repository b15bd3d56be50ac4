package editor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/golemlabs/golem/blocks/chart"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/output"
)

// Variable is a declared pipeline variable.
type Variable struct {
	Name        string `json:"-"`
	Type        string `json:"type"`
	Default     string `json:"default"`
	Description string `json:"description,omitempty"`
}

// Variables is written as a JSON object from name to variable, in
// declaration order (as pipeline.yaml holds them).
//
//golem:json map[string]Variable
type Variables []Variable

// MarshalJSON writes the variables as an ordered object.
func (vs Variables) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, v := range vs {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(v.Name)
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads an object from name to variable, keeping its order.
func (vs *Variables) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("variables must be an object of name to {type, default, description}")
	}
	var out Variables
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v Variable
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("variable %v: %w", t, err)
		}
		v.Name = t.(string)
		out = append(out, v)
	}
	*vs = out
	return nil
}

// OutputMeta describes a block's stored output.
type OutputMeta struct {
	Kind    string `json:"kind" tstype:"'frame' | 'json'"`
	GoType  string `json:"go_type"`
	Rows    int    `json:"rows"`
	Cols    int    `json:"cols"`
	RunID   string `json:"run_id"`
	SavedAt string `json:"saved_at"`
	// Schema lists a stored frame's columns (name and type): the editor completes a SQL block's
	// upstream tables with them. Empty for a JSON output.
	Schema []Field `json:"schema,omitempty"`
}

// Block is a block of a pipeline as the notebook shows it.
type Block struct {
	Name        string        `json:"name"`
	Kind        projects.Kind `json:"kind"`
	File        string        `json:"file"`
	Upstream    []string      `json:"upstream"`
	Downstream  []string      `json:"downstream"`
	Content     string        `json:"content"`
	FileVersion string        `json:"file_version"`
	// FileError says why the block file could not be read (missing, or a
	// symlink leading outside the project): the cell shows it instead of an
	// empty editor.
	FileError string       `json:"file_error,omitempty"`
	Charts    []chart.Spec `json:"charts"`
	Output    *OutputMeta  `json:"output"`
}

// Pipeline is a pipeline with its blocks.
type Pipeline struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Version     string    `json:"version"`
	Variables   Variables `json:"variables"`
	Blocks      []Block   `json:"blocks"`
	// Alerts are the pipeline's alert rules on logged metrics (the Experiments page draws them).
	Alerts []projects.Alert `json:"alerts"`
}

func (s *Server) viewPipeline(p *projects.Project, pl *projects.Pipeline) Pipeline {
	v := Pipeline{Name: pl.Name, Description: pl.Description, Version: pl.Version, Variables: Variables{}, Blocks: []Block{},
		Alerts: append([]projects.Alert{}, pl.Alerts...)}
	for _, vr := range pl.Variables {
		v.Variables = append(v.Variables, Variable{vr.Name, vr.Type, vr.Default, vr.Description})
	}
	for _, b := range pl.Blocks {
		v.Blocks = append(v.Blocks, s.viewBlock(p, pl, b))
	}
	return v
}

func (s *Server) viewBlock(p *projects.Project, pl *projects.Pipeline, b *projects.Block) Block {
	bv := Block{Name: b.Name, Kind: b.Kind, File: b.File,
		Upstream: nonNil(b.Upstream), Downstream: nonNil(pl.Downstream(b.Name)), Charts: []chart.Spec{}}
	if data, err := p.ReadFile(b.File); err == nil {
		bv.Content, bv.FileVersion = string(data), projects.Version(data)
	} else if errors.Is(err, projects.ErrOutsideProject) {
		bv.FileError = fmt.Sprintf("%v: refused, nothing in it runs", err)
	} else if errors.Is(err, fs.ErrNotExist) {
		bv.FileError = fmt.Sprintf("%s does not exist", b.File)
	} else {
		bv.FileError = err.Error()
	}
	bv.Charts = append(bv.Charts, b.Charts...)
	if m, err := s.store.Meta(pl.Name, b.Name); err == nil {
		bv.Output = viewOutput(m)
	}
	return bv
}

func viewOutput(m output.Meta) *OutputMeta {
	v := &OutputMeta{Kind: m.Kind, GoType: m.GoType, Rows: m.Rows, Cols: m.Cols, RunID: m.RunID, SavedAt: stamp(m.SavedAt)}
	for _, fd := range m.Schema {
		v.Schema = append(v.Schema, Field{fd.Name, fd.Type.String()})
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PipelineSummary is a pipeline in the project listing.
type PipelineSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Blocks      int    `json:"blocks"`
	LastRun     *Run   `json:"last_run"`
}

// PipelineList is the answer of GET /api/pipelines.
type PipelineList struct {
	Pipelines []PipelineSummary `json:"pipelines"`
}

// CreatePipelineRequest is the body of POST /api/pipelines.
type CreatePipelineRequest struct {
	// Name is [a-z0-9_]+.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// UpdatePipelineRequest is the body of PUT /api/pipelines/{name}; absent fields stay.
type UpdatePipelineRequest struct {
	// Name renames the pipeline's folder.
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	// Variables replaces the declared variables.
	Variables *Variables `json:"variables,omitempty"`
}

// ReorderRequest is the body of PUT /api/pipelines/{name}/order: every block name once.
type ReorderRequest struct {
	Blocks []string `json:"blocks"`
}

func (s *Server) summaries(ctx context.Context, p *projects.Project) []PipelineSummary {
	out := []PipelineSummary{}
	for _, name := range p.PipelineNames() {
		pl := p.Pipelines[name]
		out = append(out, PipelineSummary{Name: name, Description: pl.Description, Blocks: len(pl.Blocks), LastRun: s.lastRun(ctx, name)})
	}
	return out
}

func (s *Server) listPipelines(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PipelineList{Pipelines: s.summaries(r.Context(), p)})
	return nil
}

func (s *Server) getPipeline(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewPipeline(p, pl))
	return nil
}

func (s *Server) createPipeline(w http.ResponseWriter, r *http.Request) error {
	var req CreatePipelineRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if !projects.ValidName(req.Name) {
		return errorf(http.StatusBadRequest, codeBadRequest, "pipeline name %q is invalid (want [a-z0-9_]+)", req.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.CreatePipeline(req.Name, req.Description)
	if err != nil {
		return err
	}
	s.wrote(pl.Path())
	writeJSON(w, http.StatusCreated, s.viewPipeline(p, pl))
	return nil
}

func (s *Server) updatePipeline(w http.ResponseWriter, r *http.Request) error {
	var req UpdatePipelineRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	name := r.PathValue("name")
	if r.Header.Get("If-Match") != "" { // check once: each step below changes the version
		p, err := s.mustProject()
		if err != nil {
			return err
		}
		pl, err := p.Pipeline(name)
		if err != nil {
			return err
		}
		if err := checkIfMatch(r, pl); err != nil {
			return err
		}
		r.Header.Del("If-Match")
	}
	if req.Description != nil || req.Variables != nil {
		_, _, err := s.changePipeline(r, name, func(_ *projects.Project, pl *projects.Pipeline) error {
			if req.Description != nil {
				pl.Description = *req.Description
			}
			if req.Variables != nil {
				var vs projects.Variables
				for _, v := range *req.Variables {
					if v.Type == "" {
						v.Type = "string"
					}
					vs = append(vs, projects.Variable{Name: v.Name, Type: v.Type, Default: v.Default, Description: v.Description})
				}
				pl.Variables = vs
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if req.Name != nil && *req.Name != name {
		if err := s.renamePipeline(r, name, *req.Name); err != nil {
			return err
		}
		name = *req.Name
	}
	return s.getPipelineNamed(w, name)
}

func (s *Server) renamePipeline(r *http.Request, old, new string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(old)
	if err != nil {
		return err
	}
	if err := checkIfMatch(r, pl); err != nil {
		return err
	}
	if !projects.ValidName(new) {
		return errorf(http.StatusBadRequest, codeBadRequest, "pipeline name %q is invalid (want [a-z0-9_]+)", new)
	}
	if err := p.RenamePipeline(old, new); err != nil {
		return err
	}
	s.files.forget(projects.PipelinesDir + "/" + old + "/")
	s.hub.broadcast(WSMessage{Type: "pipeline_changed", Pipeline: old, Version: ptr(""), Source: "api"})
	s.wrote(projects.PipelineFilePath(new))
	return nil
}

func (s *Server) getPipelineNamed(w http.ResponseWriter, name string) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewPipeline(p, pl))
	return nil
}

func (s *Server) deletePipeline(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	pl, err := p.Pipeline(name)
	if err != nil {
		return err
	}
	if err := checkIfMatch(r, pl); err != nil {
		return err
	}
	if err := p.DeletePipeline(name); err != nil {
		return err
	}
	s.files.forget(projects.PipelinesDir + "/" + name + "/")
	s.hub.broadcast(WSMessage{Type: "pipeline_changed", Pipeline: name, Version: ptr(""), Source: "api"})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) reorderBlocks(w http.ResponseWriter, r *http.Request) error {
	var req ReorderRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	p, pl, err := s.changePipeline(r, r.PathValue("name"), func(_ *projects.Project, pl *projects.Pipeline) error {
		have := pl.BlockNames()
		want := slices.Clone(req.Blocks)
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return errorf(http.StatusBadRequest, codeBadRequest, "order must list every block once (blocks: %s)", strings.Join(pl.BlockNames(), ", "))
		}
		next := make([]*projects.Block, len(req.Blocks))
		for i, n := range req.Blocks {
			next[i] = pl.Block(n)
		}
		pl.Blocks = next
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.viewPipeline(p, pl))
	return nil
}

// checkIfMatch compares an If-Match header with the pipeline's version.
func checkIfMatch(r *http.Request, pl *projects.Pipeline) error {
	want := strings.Trim(r.Header.Get("If-Match"), `"`)
	if want != "" && want != pl.Version {
		return &apiError{Status: http.StatusConflict, Code: codeConflict,
			Problem:  Problem{Message: pl.Path() + " changed since you loaded it; reload the pipeline"},
			Conflict: &Conflict{Path: pl.Path(), YourVersion: want, DiskVersion: pl.Version}}
	}
	return nil
}

// changePipeline applies change to a copy of pipeline name, loaded fresh
// from disk, validates and saves it atomically (refusing to overwrite an
// outside edit), and announces it. Mutations are serialised.
func (s *Server) changePipeline(r *http.Request, name string, change func(p *projects.Project, pl *projects.Pipeline) error) (*projects.Project, *projects.Pipeline, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return nil, nil, err
	}
	cur, err := p.Pipeline(name)
	if err != nil {
		return nil, nil, err
	}
	if err := checkIfMatch(r, cur); err != nil {
		return nil, nil, err
	}
	next := clonePipeline(cur)
	if err := change(p, next); err != nil {
		if e := toAPIError(err); e.Status == http.StatusInternalServerError {
			return nil, nil, &apiError{Status: http.StatusUnprocessableEntity, Code: codeInvalid, Problem: Problem{Message: err.Error()}, Err: err}
		}
		return nil, nil, err
	}
	if err := p.SavePipeline(next); err != nil {
		return nil, nil, err
	}
	s.wrote(next.Path())
	return p, next, nil
}

// clonePipeline deep-copies what the editor changes in a pipeline.
func clonePipeline(pl *projects.Pipeline) *projects.Pipeline {
	c := *pl
	c.Variables = slices.Clone(pl.Variables)
	c.Blocks = make([]*projects.Block, len(pl.Blocks))
	for i, b := range pl.Blocks {
		nb := *b
		nb.Upstream = slices.Clone(b.Upstream)
		nb.Charts = slices.Clone(b.Charts)
		c.Blocks[i] = &nb
	}
	return &c
}

// blockOf returns the named block of pl or a 404.
func blockOf(pl *projects.Pipeline, name string) (*projects.Block, error) {
	b := pl.Block(name)
	if b == nil {
		return nil, errorf(http.StatusNotFound, codeNotFound, "pipeline %q has no block %q (blocks: %s)", pl.Name, name, strings.Join(pl.BlockNames(), ", "))
	}
	return b, nil
}
