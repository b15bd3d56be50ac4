package editor

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/schedule"
)

// TriggerList is the answer of GET /api/pipelines/{name}/triggers. No file means no triggers; a
// file with problems has no triggers and lists every problem.
type TriggerList struct {
	File     string        `json:"file"`
	Triggers []TriggerInfo `json:"triggers"`
	Problems []Problem     `json:"problems"`
}

// TriggerEnabledRequest is the body of PUT /api/pipelines/{name}/triggers/{trigger}/enabled.
type TriggerEnabledRequest struct {
	Enabled *bool `json:"enabled"`
}

// TriggerInfo is one trigger of GET /api/pipelines/{name}/triggers.
type TriggerInfo struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	Schedule  string            `json:"schedule"` // cron expression, interval, or the once time
	Timezone  string            `json:"timezone"`
	NextRun   *string           `json:"next_run"` // null: will not fire again (disabled, ended, once passed)
	Enabled   bool              `json:"enabled"`
	Overlap   string            `json:"overlap"`
	Variables map[string]string `json:"variables"`
	Line      int               `json:"line"`
}

func triggersPath(pipeline string) string { return "pipelines/" + pipeline + "/" + schedule.FileName }

func viewTrigger(t schedule.Trigger, now time.Time) TriggerInfo {
	loc := t.Location
	if loc == nil {
		loc = time.UTC
	}
	v := TriggerInfo{Name: t.Name, Type: string(t.Type), Timezone: loc.String(), Enabled: t.Enabled,
		Overlap: string(t.Overlap), Variables: t.Vars, Line: t.Pos.Line}
	if v.Variables == nil {
		v.Variables = map[string]string{}
	}
	switch t.Type {
	case schedule.Cron:
		v.Schedule = t.Cron
	case schedule.Interval:
		v.Schedule = "every " + t.Interval.String()
	case schedule.Once:
		v.Schedule = "at " + t.At.In(loc).Format("2006-01-02 15:04:05 MST")
	}
	if next := schedule.Next(t, now); !next.IsZero() {
		v.NextRun = ptr(next.UTC().Format(time.RFC3339))
	}
	return v
}

// triggerProblems flattens the errors of schedule.Parse.
func triggerProblems(err error) []Problem {
	var out []Problem
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var se *schedule.Error
		if errors.As(err, &se) {
			out = append(out, Problem{Message: se.Error(), File: se.Pos.File, Line: se.Pos.Line, Col: se.Pos.Col})
			return
		}
		out = append(out, Problem{Message: err.Error()})
	}
	walk(err)
	return out
}

func (s *Server) listTriggers(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	if _, err := p.Pipeline(name); err != nil {
		return err
	}
	rel := triggersPath(name)
	out := TriggerList{File: rel, Triggers: []TriggerInfo{}, Problems: []Problem{}}
	data, err := p.ReadFile(rel)
	if errors.Is(err, fs.ErrNotExist) {
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	if err != nil {
		return err
	}
	ts, err := schedule.Parse(rel, name, data)
	if err != nil {
		out.Problems = triggerProblems(err)
	}
	now := time.Now()
	views := []TriggerInfo{}
	for _, t := range ts {
		views = append(views, viewTrigger(t, now))
	}
	out.Triggers = views
	writeJSON(w, http.StatusOK, out)
	return nil
}

// setTriggerEnabled sets enabled: of one trigger in triggers.yaml, editing
// the YAML tree so that comments, order and the other keys stay.
func (s *Server) setTriggerEnabled(w http.ResponseWriter, r *http.Request) error {
	var req TriggerEnabledRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		return errorf(http.StatusBadRequest, codeBadRequest, `want {"enabled": true|false}`)
	}
	name, trig := r.PathValue("name"), r.PathValue("trigger")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	if _, err := p.Pipeline(name); err != nil {
		return err
	}
	rel := triggersPath(name)
	data, err := p.ReadFile(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(http.StatusNotFound, codeNotFound, "pipeline %q has no %s", name, rel)
	}
	if err != nil {
		return err
	}
	if _, err := schedule.Parse(rel, name, data); err != nil {
		ps := triggerProblems(err)
		e := errorf(http.StatusUnprocessableEntity, codeInvalid, "%s has problems: fix them first: %s", rel, ps[0].Message)
		e.File, e.Line, e.Col = ps[0].File, ps[0].Line, ps[0].Col
		return e
	}
	out, err := setEnabled(data, trig, *req.Enabled)
	if err != nil {
		return err
	}
	ts, err := schedule.Parse(rel, name, out)
	if err != nil { // cannot happen; never write a broken file
		return err
	}
	if _, err := p.WriteFileIfVersion(rel, out, projects.Version(data)); err != nil {
		return err
	}
	s.wrote(rel)
	now := time.Now()
	for _, t := range ts {
		if t.Name == trig {
			writeJSON(w, http.StatusOK, viewTrigger(t, now))
			return nil
		}
	}
	return errorf(http.StatusNotFound, codeNotFound, "no trigger %q in %s", trig, rel)
}

// setEnabled returns the triggers.yaml data with enabled: set on trigger.
func setEnabled(data []byte, trigger string, enabled bool) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var list *yaml.Node
	if len(doc.Content) > 0 {
		list = projects.MapValue(doc.Content[0], "triggers")
	}
	var t *yaml.Node
	if list != nil && list.Kind == yaml.SequenceNode {
		for _, n := range list.Content {
			if v := projects.MapValue(n, "name"); v != nil && v.Value == trigger {
				t = n
			}
		}
	}
	if t == nil {
		return nil, errorf(http.StatusNotFound, codeNotFound, "no trigger %q", trigger)
	}
	val := "false"
	if enabled {
		val = "true"
	}
	if v := projects.MapValue(t, "enabled"); v != nil {
		v.Kind, v.Tag, v.Value, v.Style = yaml.ScalarNode, "!!bool", val, 0
	} else {
		t.Content = append(t.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "enabled"},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: val})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
