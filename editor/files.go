package editor

import (
	"errors"
	"go/scanner"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/projects"
)

// maxEditable is the largest file the editor opens.
const maxEditable = 4 << 20

// checkPath refuses paths outside the project and inside .golem or .git,
// then resolves rel with the project's resolver (symlinks included).
func (s *Server) checkPath(p *projects.Project, rel string) (string, error) {
	if err := checkRel(rel); err != nil {
		return "", err
	}
	abs, err := p.Resolve(rel)
	if errors.Is(err, projects.ErrOutsideProject) {
		// names the file and, for a symlink, where it leads
		return "", errorf(http.StatusForbidden, codeForbidden, "refused: %w", err)
	}
	if err != nil {
		return "", errorf(http.StatusForbidden, codeForbidden, "path %q: %w", rel, projects.ErrOutsideProject)
	}
	return abs, nil
}

// checkRel refuses, without touching the disk, paths that are empty,
// absolute, hold .. or name .golem or .git.
func checkRel(rel string) error {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") {
		return errorf(http.StatusForbidden, codeForbidden, "path %q: %w", rel, projects.ErrOutsideProject)
	}
	for _, part := range strings.Split(rel, "/") {
		if part == ".." || part == "." || part == "" {
			return errorf(http.StatusForbidden, codeForbidden, "path %q: %w", rel, projects.ErrOutsideProject)
		}
		if part == ".golem" || part == ".git" {
			return errorf(http.StatusForbidden, codeForbidden, "path %q: %s is not served", rel, part)
		}
	}
	return nil
}

// FileInfo is a file of the project as GET /api/files lists it.
type FileInfo struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
	// Version is "" for a file over 4 MiB (not editable).
	Version string `json:"version"`
	ModTime string `json:"mod_time"`
}

// FileList is the answer of GET /api/files: every file of the project but hidden ones, sorted.
type FileList struct {
	Files []FileInfo `json:"files"`
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) error {
	states := s.files.scan()
	out := make([]FileInfo, 0, len(states))
	for p, st := range states {
		out = append(out, FileInfo{Path: p, Size: st.size, Version: s.files.version(p, st), ModTime: stamp(st.mod)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	writeJSON(w, http.StatusOK, FileList{Files: out})
	return nil
}

// SaveFileRequest is the body of PUT /api/files/{path...}.
type SaveFileRequest struct {
	Content string `json:"content"`
	// Version is the version the client last saw; "" creates the file (a 409 if it exists).
	Version string `json:"version"`
}

// FileContent is a file with its version (GET /api/files/{path...}), and, without its content,
// the answer of a save (PUT), with the problems the block pre-check found in a saved block file.
type FileContent struct {
	Path     string    `json:"path"`
	Content  string    `json:"content"`
	Version  string    `json:"version"`
	Problems []Problem `json:"problems,omitempty"`
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	rel := r.PathValue("path")
	abs, err := s.checkPath(p, rel)
	if err != nil {
		return err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return errorf(http.StatusNotFound, codeNotFound, "file %s: %w", rel, fs.ErrNotExist)
	}
	if info.IsDir() || info.Size() > maxEditable {
		return errorf(http.StatusBadRequest, codeBadRequest, "%s is a folder or larger than %d MiB: not editable", rel, maxEditable>>20)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return errorf(http.StatusBadRequest, codeBadRequest, "%s is not a text file", rel)
	}
	writeJSON(w, http.StatusOK, FileContent{Path: rel, Content: string(data), Version: projects.Version(data)})
	return nil
}

func (s *Server) putFile(w http.ResponseWriter, r *http.Request) error {
	var req SaveFileRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	rel := r.PathValue("path")
	// What the editor cannot read back it does not write.
	if len(req.Content) > maxEditable {
		return errorf(http.StatusRequestEntityTooLarge, codeTooLarge, "%s: %d bytes, larger than %d MiB: not editable", rel, len(req.Content), maxEditable>>20)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	if _, err := s.checkPath(p, rel); err != nil {
		return err
	}
	ver, err := p.WriteFileIfVersion(rel, []byte(req.Content), req.Version)
	if errors.Is(err, projects.ErrConflict) {
		return s.conflict(p, rel, req.Version, err)
	}
	if err != nil {
		return err
	}
	s.wrote(rel)
	writeJSON(w, http.StatusOK, FileContent{Path: rel, Version: ver, Problems: sourceProblems(p, rel, []byte(req.Content))})
	return nil
}

// conflict is the 409 of a stale write, carrying the disk side.
func (s *Server) conflict(p *projects.Project, rel, yours string, err error) error {
	body := &Conflict{Path: rel, YourVersion: yours}
	if data, rerr := p.ReadFile(rel); rerr == nil {
		content := string(data)
		body.DiskVersion, body.DiskContent = projects.Version(data), &content
	}
	msg := rel + " changed on disk since you opened it"
	if yours == "" {
		msg = rel + " already exists"
	}
	return &apiError{Status: http.StatusConflict, Code: codeConflict, Problem: Problem{Message: msg, File: rel}, Conflict: body, Err: err}
}

func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) error {
	rel := r.PathValue("path")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	abs, err := s.checkPath(p, rel)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return errorf(http.StatusNotFound, codeNotFound, "file %s: %w", rel, fs.ErrNotExist)
	}
	if v := r.URL.Query().Get("version"); v != "" && v != projects.Version(data) {
		return s.conflict(p, rel, v, projects.ErrConflict)
	}
	for _, name := range p.PipelineNames() {
		if slices.ContainsFunc(p.Pipelines[name].Blocks, func(b *projects.Block) bool { return b.File == rel }) {
			return errorf(http.StatusConflict, codeConflict, "%s is a block of pipeline %q: delete the block instead", rel, name)
		}
	}
	if err := os.Remove(abs); err != nil {
		return err
	}
	s.wrote(rel)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sourceProblems pre-checks a saved block file (syntax, imports, constructs
// the interpreter cannot run, entry signature) so the editor can underline
// problems without a run. Files that are no block of any pipeline are only
// syntax-checked when they are Go. A SQL block file is checked as SQL
// (blocks.Parse), never as Go: DuckDB checks its statements when it runs.
func sourceProblems(p *projects.Project, rel string, src []byte) []Problem {
	isSQL := blocks.IsSQL(rel)
	if !strings.HasSuffix(rel, ".go") && !isSQL {
		return nil
	}
	kind := blocks.Kind("")
	for _, pl := range p.Pipelines {
		for _, b := range pl.Blocks {
			if b.File == rel {
				kind = b.Kind
			}
		}
	}
	if kind == "" {
		if k := kindOfFolder(rel); k != "" {
			kind = blocks.Kind(k)
		}
	}
	if isSQL && kind == "" { // a .sql file that is no block (a query kept beside the project)
		return nil
	}
	_, err := blocks.Parse(rel, src, kind)
	return positioned(err)
}

// positioned flattens parse and pre-check errors into problems.
func positioned(err error) []Problem {
	var out []Problem
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		var list scanner.ErrorList
		var pe *blocks.PosError
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				out = append(out, Problem{Message: e.Msg, File: e.Pos.Filename, Line: e.Pos.Line, Col: e.Pos.Column})
			}
			return
		case errors.As(err, &pe) && !isJoin(err):
			out = append(out, Problem{Message: pe.Err.Error(), File: pe.Pos.Filename, Line: pe.Pos.Line, Col: pe.Pos.Column})
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		out = append(out, Problem{Message: err.Error()})
	}
	walk(err)
	return out
}

func isJoin(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}
