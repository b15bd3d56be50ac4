package editor

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/golemlabs/golem/projects"
)

// kindOfFolder infers a block kind from the folder of its file.
func kindOfFolder(file string) projects.Kind {
	dir, _, _ := strings.Cut(file, "/")
	for _, k := range projects.Kinds {
		if k.Folder() == dir {
			return k
		}
	}
	return ""
}

// AddBlockRequest is the body of POST /api/pipelines/{name}/blocks: a new block file from a
// template, or an existing file (File).
type AddBlockRequest struct {
	Name string `json:"name"`
	// Kind is inferred from File's folder when absent.
	Kind projects.Kind `json:"kind,omitempty"`
	// Template is generic (the default), parquet, csv, http, postgres, s3, http_json or sql.
	Template string `json:"template,omitempty"`
	// Source is the path, glob or URL of a parquet, csv or http template, the connection profile
	// of a postgres, s3 or http_json one, the table of a sql data loader.
	Source string `json:"source,omitempty"`
	// File adds an existing file instead of writing a new one.
	File     string   `json:"file,omitempty"`
	Upstream []string `json:"upstream,omitempty"`
}

// PatchBlockRequest is the body of PATCH /api/pipelines/{name}/blocks/{block}; absent fields stay.
type PatchBlockRequest struct {
	// Name renames the block, its references, its file (when named after it) and its output.
	Name *string `json:"name,omitempty"`
	// Upstream replaces the block's upstreams (their order is the entry function's parameters).
	Upstream *[]string `json:"upstream,omitempty"`
}

func (s *Server) addBlock(w http.ResponseWriter, r *http.Request) error {
	var req AddBlockRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.File != "" {
		if err := checkRel(req.File); err != nil {
			return err
		}
	}
	kind := req.Kind
	if kind == "" && req.File != "" {
		kind = kindOfFolder(req.File)
	}
	if !kind.Valid() {
		return errorf(http.StatusBadRequest, codeBadRequest, "unknown block kind %q (data_loader, transformer, data_exporter, custom, sensor, markdown)", req.Kind)
	}
	if !projects.ValidName(req.Name) {
		return errorf(http.StatusBadRequest, codeBadRequest, "block name %q is invalid (want [a-z0-9_]+)", req.Name)
	}
	name := r.PathValue("name")
	b := &projects.Block{Name: req.Name, Kind: kind, File: req.File, Upstream: nonNil(req.Upstream)}
	var created string
	p, pl, err := s.changePipeline(r, name, func(p *projects.Project, pl *projects.Pipeline) error {
		if pl.Block(req.Name) != nil {
			return errorf(http.StatusConflict, codeConflict, "pipeline %q already has a block %q", pl.Name, req.Name)
		}
		if b.File == "" {
			b.File = projects.DefaultFile(kind, req.Name)
			if req.Template == "sql" {
				b.File = projects.DefaultSQLFile(kind, req.Name)
			}
			content, err := blockTemplate(kind, req.Template, req.Name, req.Source, b.Upstream...)
			if err != nil {
				return err
			}
			if err := pl.AddBlock(b); err != nil {
				return err
			}
			abs, err := s.checkPath(p, b.File)
			if err != nil {
				return err
			}
			if _, err := p.WriteFileIfVersion(b.File, []byte(content), ""); err != nil {
				if errors.Is(err, projects.ErrConflict) {
					return errorf(http.StatusConflict, codeConflict, "%s already exists: add it as an existing file or choose another name", b.File)
				}
				return err
			}
			created = abs
			return nil
		}
		abs, err := s.checkPath(p, b.File)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return errorf(http.StatusUnprocessableEntity, codeInvalid, "block file %s does not exist", b.File)
		}
		return pl.AddBlock(b)
	})
	if err != nil {
		if created != "" { // the pipeline was not saved: do not leave the new file behind
			os.Remove(created)
		}
		return err
	}
	if created != "" {
		s.wrote(pl.Block(req.Name).File)
	}
	writeJSON(w, http.StatusCreated, s.viewBlock(p, pl, pl.Block(req.Name)))
	return nil
}

func (s *Server) patchBlock(w http.ResponseWriter, r *http.Request) error {
	var req PatchBlockRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	name, blockName := r.PathValue("name"), r.PathValue("block")
	var fileMove, movedRel [2]string // old, new block file (absolute, relative), when the rename moves it
	p, pl, err := s.changePipeline(r, name, func(p *projects.Project, pl *projects.Pipeline) error {
		b, err := blockOf(pl, blockName)
		if err != nil {
			return err
		}
		if req.Upstream != nil {
			up := nonNil(*req.Upstream)
			for _, u := range up {
				if u == b.Name {
					return errorf(http.StatusUnprocessableEntity, codeCycle, "cycle: block %q cannot be its own upstream", u)
				}
				if pl.Block(u) == nil {
					return errorf(http.StatusUnprocessableEntity, codeInvalid, "unknown upstream %q (blocks: %s)", u, strings.Join(pl.BlockNames(), ", "))
				}
			}
			if dup := firstDuplicate(up); dup != "" {
				return errorf(http.StatusUnprocessableEntity, codeInvalid, "upstream %q listed twice", dup)
			}
			b.Upstream = up
			if c := projects.Cycle(pl); c != nil {
				return errorf(http.StatusUnprocessableEntity, codeCycle, "cycle: %s", strings.Join(c, " -> "))
			}
		}
		if req.Name != nil && *req.Name != b.Name {
			old := b.Name
			if pl.Block(*req.Name) != nil {
				return errorf(http.StatusConflict, codeConflict, "pipeline %q already has a block %q", pl.Name, *req.Name)
			}
			if err := pl.RenameBlock(old, *req.Name); err != nil {
				return err
			}
			if to := renamedFile(b, old, *req.Name); to != "" {
				from, err1 := p.Resolve(b.File)
				dest, err2 := p.Resolve(to)
				if err1 == nil && err2 == nil {
					if _, err := os.Stat(dest); errors.Is(err, fs.ErrNotExist) && os.Rename(from, dest) == nil {
						fileMove = [2]string{from, dest}
						movedRel = [2]string{b.File, to}
						b.File = to
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		if fileMove[0] != "" { // the pipeline was not saved: move the file back
			os.Rename(fileMove[1], fileMove[0])
		}
		return err
	}
	if req.Name != nil && *req.Name != blockName {
		s.afterBlockRename(p, name, blockName, *req.Name, movedRel)
		// the pipeline may now point at the moved file: reload
		if p2, _ := s.mustProject(); p2 != nil {
			if pl2, err := p2.Pipeline(name); err == nil {
				p, pl = p2, pl2
			}
		}
	}
	writeJSON(w, http.StatusOK, s.viewPipeline(p, pl))
	return nil
}

// renamedFile is the file a block renamed from old to new moves to when its file is the default
// file of old (Go, markdown or SQL: <folder>/<old><ext>), or "" when the file keeps its name.
func renamedFile(b *projects.Block, old, new string) string {
	switch b.File {
	case projects.DefaultFile(b.Kind, old):
		return projects.DefaultFile(b.Kind, new)
	case projects.DefaultSQLFile(b.Kind, old):
		return projects.DefaultSQLFile(b.Kind, new)
	}
	return ""
}

// afterBlockRename moves the block's stored output and, when its file moved,
// points every other pipeline using the file at the new path.
func (s *Server) afterBlockRename(p *projects.Project, pipeline, old, new string, move [2]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if move[0] != "" {
		s.wrote(move[0], move[1])
		for _, other := range p.PipelineNames() {
			if other == pipeline {
				continue
			}
			opl := clonePipeline(p.Pipelines[other])
			changed := false
			for _, ob := range opl.Blocks {
				if ob.File == move[0] {
					ob.File, changed = move[1], true
				}
			}
			if changed && p.SavePipeline(opl) == nil {
				s.wrote(opl.Path())
			}
		}
	}
	from := filepath.Join(s.store.Dir, pipeline, old)
	to := filepath.Join(s.store.Dir, pipeline, new)
	_ = os.Rename(from, to)
}

func firstDuplicate(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

func (s *Server) deleteBlock(w http.ResponseWriter, r *http.Request) error {
	name, blockName := r.PathValue("name"), r.PathValue("block")
	deleteFile := r.URL.Query().Get("delete_file") == "true"
	var file string
	p, pl, err := s.changePipeline(r, name, func(p *projects.Project, pl *projects.Pipeline) error {
		b, err := blockOf(pl, blockName)
		if err != nil {
			return err
		}
		file = b.File
		if deleteFile {
			for _, other := range p.PipelineNames() {
				if other == name {
					continue
				}
				if slices.ContainsFunc(p.Pipelines[other].Blocks, func(ob *projects.Block) bool { return ob.File == file }) {
					return errorf(http.StatusConflict, codeConflict, "%s is also used by pipeline %q; delete the block without its file", file, other)
				}
			}
		}
		return pl.RemoveBlock(blockName)
	})
	if err != nil {
		return err
	}
	if deleteFile {
		if abs, err := p.Resolve(file); err == nil && os.Remove(abs) == nil {
			s.wrote(file)
		}
	}
	_ = os.RemoveAll(filepath.Join(s.store.Dir, name, blockName))
	writeJSON(w, http.StatusOK, s.viewPipeline(p, pl))
	return nil
}
