package editor

import (
	"net/http"
	"strconv"

	"github.com/golemlabs/golem/runtime/history"
)

// EntryList is the answer of GET /api/experiments.
type EntryList struct {
	Entries []*history.Entry `json:"entries"`
}

// Steps is the answer of GET /api/experiments/steps: the curves of one entry.
type Steps struct {
	ID    string                     `json:"id"`
	Steps map[string][]history.Point `json:"steps"`
}

// ModelList is the answer of GET /api/models.
type ModelList struct {
	Models []history.RegisteredModel `json:"models"`
}

// AliasRequest is the body of PUT /api/models/{name}/aliases/{alias}.
type AliasRequest struct {
	Version int `json:"version"`
}

// ModelAlias is the answer of PUT /api/models/{name}/aliases/{alias}: where the alias points now.
type ModelAlias struct {
	Name    string `json:"name"`
	Alias   string `json:"alias"`
	Version int    `json:"version"`
}

// listExperiments answers GET /api/experiments?pipeline=&parent=&limit=: the experiment entries,
// newest first, as golem experiments --json prints them.
func (s *Server) listExperiments(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := history.EntryFilter{Pipeline: q.Get("pipeline"), Parent: q.Get("parent"), NoTrials: q.Get("trials") == "false"}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errorf(http.StatusBadRequest, codeBadRequest, "limit %q: want a number from 0", v)
		}
		f.Limit = n
	}
	es, err := s.history.Entries(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []*history.Entry{}
	}
	writeJSON(w, http.StatusOK, EntryList{Entries: es})
	return nil
}

// experimentSteps answers GET /api/experiments/steps?id=RUN/BLOCK[/TRIAL]: the entry's stepped
// metrics, each a list of {step, value}.
func (s *Server) experimentSteps(w http.ResponseWriter, r *http.Request) error {
	id := r.URL.Query().Get("id")
	if id == "" {
		return errorf(http.StatusBadRequest, codeBadRequest, "id: an entry id RUN/BLOCK or RUN/BLOCK/TRIAL is required")
	}
	steps, err := s.history.Steps(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Steps{ID: id, Steps: steps})
	return nil
}

// listModels answers GET /api/models: the model registry.
func (s *Server) listModels(w http.ResponseWriter, r *http.Request) error {
	out, err := s.history.Registry(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ModelList{Models: out})
	return nil
}

// setModelAlias answers PUT /api/models/{name}/aliases/{alias} with {"version": N}: the alias
// points at version N from now on.
func (s *Server) setModelAlias(w http.ResponseWriter, r *http.Request) error {
	var body AliasRequest
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if body.Version <= 0 {
		return errorf(http.StatusBadRequest, codeBadRequest, "version: a number from 1 is required")
	}
	name, alias := r.PathValue("name"), r.PathValue("alias")
	if err := s.history.SetAlias(r.Context(), name, alias, body.Version); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ModelAlias{Name: name, Alias: alias, Version: body.Version})
	return nil
}

// removeModelAlias answers DELETE /api/models/{name}/aliases/{alias}.
func (s *Server) removeModelAlias(w http.ResponseWriter, r *http.Request) error {
	name, alias := r.PathValue("name"), r.PathValue("alias")
	if err := s.history.RemoveAlias(r.Context(), name, alias); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
