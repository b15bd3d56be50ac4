package editor

import (
	"net/http"

	"github.com/golemlabs/golem/projects"
)

// Project is the answer of GET /api/project.
type Project struct {
	Name string `json:"name"`
	// Dir is the project's folder on the server's machine.
	Dir string `json:"dir"`
	// Version is the version of golem.yaml.
	Version   string            `json:"version"`
	Variables map[string]string `json:"variables"`
	Pipelines []PipelineSummary `json:"pipelines"`
	// Problems are the validation problems of the project's files (the project is still shown so
	// they can be fixed) and warnings that do not stop runs (an API token in golem.yaml).
	Problems []Problem `json:"problems"`
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) error {
	p, loadErr := s.project()
	if p == nil {
		return loadErr
	}
	ver, _ := p.FileVersion(projects.ConfigFile)
	body := Project{Name: p.Config.Name, Dir: p.Dir, Version: ver, Variables: nonNilMap(p.Config.Variables),
		Pipelines: s.summaries(r.Context(), p), Problems: []Problem{}}
	var problems []Problem
	if loadErr != nil { // show an invalid project with its problems so it can be fixed
		problems = toAPIError(loadErr).Details
	}
	if w := p.TokenWarning(); w != nil {
		problems = append(problems, Problem{Message: w.Msg, File: w.File, Line: w.Line, Severity: SeverityWarning})
	}
	if problems != nil {
		body.Problems = problems
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
