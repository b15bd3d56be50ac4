package schedule

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a triggers.yaml file, with its position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Unwrap makes every Error match ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// FileName is the name of the triggers file inside a pipeline folder.
const FileName = "triggers.yaml"

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// triggerFiles returns pipelines/*/triggers.yaml under dir, in name order. It lists folders rather
// than globbing so that a project folder named like a pattern ("pb[1]") is taken literally.
func triggerFiles(dir string) []string {
	entries, _ := os.ReadDir(filepath.Join(dir, "pipelines"))
	var out []string
	for _, e := range entries {
		p := filepath.Join(dir, "pipelines", e.Name(), FileName)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// LoadProject reads pipelines/*/triggers.yaml under dir and returns the
// triggers of every pipeline that has the file. A pipeline whose file has
// problems is left out of the map and its problems are in the error
// (errors.Join of *Error), so the caller can keep its previous triggers.
func LoadProject(dir string) (map[string][]Trigger, error) {
	files := triggerFiles(dir)
	out := map[string][]Trigger{}
	var errs []error
	for _, f := range files {
		pipeline := filepath.Base(filepath.Dir(f))
		rel, _ := filepath.Rel(dir, f)
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ts, err := Parse(filepath.ToSlash(rel), pipeline, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ts == nil {
			ts = []Trigger{}
		}
		out[pipeline] = ts
	}
	return out, errors.Join(errs...)
}

// Parse reads the triggers of pipeline from the contents of a triggers.yaml
// file named file (used in error positions). It reports every problem at
// once, each an *Error carrying file:line:col.
//
//	triggers:
//	  - name: nightly
//	    type: cron                  # cron | interval | once
//	    cron: "30 2 * * *"          # or @daily, @hourly, ...
//	    timezone: Europe/Amsterdam  # IANA name, default UTC
//	    variables: {month: "2024-01"}
//	    overlap: skip               # skip | queue | cancel
//	    catch_up: {policy: latest, window: 24h, max: 3}   # or just: catch_up: latest
//	    enabled: true
//	    start: 2024-01-01           # optional bounds, naive times in timezone
//	    end: 2024-12-31T23:59:59
//	  - {name: every5, type: interval, interval: 5m}
//	  - {name: backfill, type: once, at: "2024-03-01 09:00"}
func Parse(file, pipeline string, data []byte) ([]Trigger, error) {
	p := &parser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		return nil, &Error{Pos{file, line, 1}, strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 { // empty file: no triggers
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errf(root, "want a mapping with a triggers list")
		return nil, p.err()
	}
	var list *yaml.Node
	p.fields(root, func(k, v *yaml.Node) {
		if k.Value == "triggers" {
			list = v
		} else {
			p.errf(k, "unknown key %q (want triggers)", k.Value)
		}
	})
	var out []Trigger
	if list != nil && !(list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
		if list.Kind != yaml.SequenceNode {
			p.errf(list, "triggers must be a list")
			return nil, p.err()
		}
		seen := map[string]*yaml.Node{}
		for _, n := range list.Content {
			t, ok := p.trigger(pipeline, n)
			if !ok {
				continue
			}
			if prev, dup := seen[t.Name]; dup {
				p.errf(n, "duplicate trigger name %q (first at line %d)", t.Name, prev.Line)
				continue
			}
			seen[t.Name] = n
			out = append(out, t)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type parser struct {
	file string
	errs []error
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos{p.file, n.Line, n.Column}, fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return errors.Join(p.errs...) }

func (p *parser) fields(n *yaml.Node, fn func(k, v *yaml.Node)) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errf(n, "%s must be a single value", what)
		return "", false
	}
	return n.Value, true
}

func (p *parser) trigger(pipeline string, n *yaml.Node) (Trigger, bool) {
	t := Trigger{Pipeline: pipeline, Enabled: true, Overlap: Skip, CatchUp: CatchUp{Policy: None},
		Location: time.UTC, Pos: Pos{p.file, n.Line, n.Column}}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "a trigger must be a mapping with name and type")
		return t, false
	}
	before := len(p.errs)
	nodes := map[string]*yaml.Node{}
	p.fields(n, func(k, v *yaml.Node) {
		switch k.Value {
		case "name", "type", "cron", "timezone", "interval", "at", "variables", "overlap", "catch_up", "enabled", "start", "end":
			nodes[k.Value] = v
		default:
			p.errf(k, "unknown key %q (want name, type, cron, timezone, interval, at, variables, overlap, catch_up, enabled, start, end)", k.Value)
		}
	})
	str := func(key string) (string, *yaml.Node) {
		v := nodes[key]
		if v == nil {
			return "", nil
		}
		s, _ := p.scalar(v, key)
		return s, v
	}
	if name, v := str("name"); v == nil {
		p.errf(n, "trigger has no name")
	} else if !validName.MatchString(name) {
		p.errf(v, "invalid trigger name %q (letters, digits, _ . -)", name)
	} else {
		t.Name = name
	}
	if tz, v := str("timezone"); v != nil {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" || tz == "Local" {
			p.errf(v, "unknown timezone %q (want an IANA name like Europe/Amsterdam)", tz)
		} else {
			t.Location = loc
		}
	}
	typ, tv := str("type")
	t.Type = Type(typ)
	switch {
	case tv == nil:
		p.errf(n, "trigger %q has no type (want cron, interval or once)", t.Name)
	case t.Type == Cron:
		expr, v := str("cron")
		if v == nil {
			p.errf(tv, "a cron trigger needs cron: <expression>")
		} else if spec, err := parseCron(expr); err != nil {
			p.errf(v, "%v", err)
		} else {
			t.Cron, t.cron = expr, spec
		}
	case t.Type == Interval:
		s, v := str("interval")
		if v == nil {
			p.errf(tv, "an interval trigger needs interval: <duration> (e.g. 15m)")
		} else if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			p.errf(v, "invalid interval %q (want a positive duration like 15m or 6h)", s)
		} else {
			t.Interval = d
		}
	case t.Type == Once:
		if _, v := str("at"); v == nil {
			p.errf(tv, "a once trigger needs at: <time>")
		}
	default:
		p.errf(tv, "unknown trigger type %q (want cron, interval or once)", typ)
	}
	for _, f := range []struct {
		key string
		dst *time.Time
	}{{"at", &t.At}, {"start", &t.Start}, {"end", &t.End}} {
		key, dst := f.key, f.dst
		if s, v := str(key); v != nil {
			tm, err := parseTime(s, t.Location)
			if err != nil {
				p.errf(v, "invalid %s %q (want 2006-01-02, 2006-01-02 15:04[:05] or RFC 3339)", key, s)
			}
			*dst = tm
		}
	}
	if t.Type != Once && nodes["at"] != nil {
		p.errf(nodes["at"], "at: only applies to type once")
	}
	if !t.Start.IsZero() && !t.End.IsZero() && !t.End.After(t.Start) {
		p.errf(nodes["end"], "end %s is not after start %s", t.End, t.Start)
	}
	if v := nodes["variables"]; v != nil {
		if v.Kind != yaml.MappingNode {
			p.errf(v, "variables must be a mapping of name: value")
		} else {
			t.Vars = map[string]string{}
			p.fields(v, func(k, val *yaml.Node) {
				if s, ok := p.scalar(val, "variable "+k.Value); ok {
					t.Vars[k.Value] = s
				}
			})
		}
	}
	if s, v := str("overlap"); v != nil {
		switch o := Overlap(s); o {
		case Skip, Queue, Cancel:
			t.Overlap = o
		default:
			p.errf(v, "unknown overlap policy %q (want skip, queue or cancel)", s)
		}
	}
	if s, v := str("enabled"); v != nil {
		b, err := strconv.ParseBool(s)
		if err != nil {
			p.errf(v, "enabled must be true or false, not %q", s)
		}
		t.Enabled = b
	}
	if v := nodes["catch_up"]; v != nil {
		t.CatchUp = p.catchUp(v)
	}
	return t, len(p.errs) == before
}

func (p *parser) catchUp(v *yaml.Node) CatchUp {
	c := CatchUp{Policy: None}
	policy := func(n *yaml.Node) {
		switch pol := CatchUpPolicy(n.Value); pol {
		case None, Latest, All:
			c.Policy = pol
		default:
			p.errf(n, "unknown catch-up policy %q (want none, latest or all)", n.Value)
		}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		policy(v)
	case yaml.MappingNode:
		p.fields(v, func(k, val *yaml.Node) {
			s, ok := p.scalar(val, "catch_up."+k.Value)
			if !ok {
				return
			}
			switch k.Value {
			case "policy":
				policy(val)
			case "window":
				d, err := time.ParseDuration(s)
				if err != nil || d < 0 {
					p.errf(val, "invalid catch-up window %q (want a duration like 24h)", s)
				}
				c.Window = d
			case "max":
				n, err := strconv.Atoi(s)
				if err != nil || n < 0 {
					p.errf(val, "catch-up max must be a whole number >= 0, not %q", s)
				}
				c.Max = n
			default:
				p.errf(k, "unknown key %q in catch_up (want policy, window, max)", k.Value)
			}
		})
	default:
		p.errf(v, "catch_up must be none, latest, all or a mapping with policy, window, max")
	}
	return c
}

// parseTime reads RFC 3339 (absolute) or a naive date/time in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// sortTriggers orders triggers by pipeline then name, for deterministic firing.
func sortTriggers(ts []*entry) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].t.Pipeline != ts[j].t.Pipeline {
			return ts[i].t.Pipeline < ts[j].t.Pipeline
		}
		return ts[i].t.Name < ts[j].t.Name
	})
}
