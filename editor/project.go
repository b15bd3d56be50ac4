package editor

import (
	"net/http"

	"github.com/golemlabs/golem/projects"
)

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) error {
	p, loadErr := s.project()
	if p == nil {
		return loadErr
	}
	ver, _ := p.FileVersion(projects.ConfigFile)
	body := map[string]any{
		"name":      p.Config.Name,
		"dir":       p.Dir,
		"version":   ver,
		"variables": nonNilMap(p.Config.Variables),
		"pipelines": s.summaries(r.Context(), p),
		"problems":  []problem{},
	}
	var problems []problem
	if loadErr != nil { // show an invalid project with its problems so it can be fixed
		problems = toAPIError(loadErr).Details
	}
	if w := p.TokenWarning(); w != nil {
		problems = append(problems, problem{Message: w.Msg, File: w.File, Line: w.Line, Severity: "warning"})
	}
	if problems != nil {
		body["problems"] = problems
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
