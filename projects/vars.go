package projects

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

func checkType(value, typ string) error {
	var err error
	switch typ {
	case "", "string":
	case "int":
		_, err = strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	case "float":
		_, err = strconv.ParseFloat(strings.TrimSpace(value), 64)
	case "bool":
		_, err = strconv.ParseBool(strings.TrimSpace(value))
	default:
		return fmt.Errorf("unknown type %q", typ)
	}
	return err
}

// ResolveVars returns the variables of a run of p: the project defaults
// (golem.yaml variables), then p's declared defaults, then overrides (e.g.
// --var k=v). Only variables declared by the pipeline or by the project may
// be overridden, and a value must parse as its declared type; the error names
// the variable (and the declared ones, or the value and type).
func (p *Pipeline) ResolveVars(projectDefaults, overrides map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(projectDefaults)+len(p.Variables)+len(overrides))
	for k, v := range projectDefaults {
		out[k] = v
	}
	for _, v := range p.Variables {
		if v.Default != "" {
			out[v.Name] = v.Default
		} else if _, ok := out[v.Name]; !ok {
			out[v.Name] = ""
		}
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		val := overrides[k]
		decl, declared := p.Variables.Get(k)
		_, project := projectDefaults[k]
		if !declared && !project {
			return nil, fmt.Errorf("variable %q is not declared by pipeline %q (declared: %s)", k, p.Name, declaredList(p, projectDefaults))
		}
		if declared {
			if err := checkType(val, decl.Type); err != nil {
				return nil, fmt.Errorf("variable %q: value %q is not a %s", k, val, decl.Type)
			}
		}
		out[k] = val
	}
	// A project default feeding a typed pipeline variable must parse too.
	for _, v := range p.Variables {
		if err := checkType(out[v.Name], v.Type); err != nil && out[v.Name] != "" {
			return nil, fmt.Errorf("variable %q: value %q is not a %s", v.Name, out[v.Name], v.Type)
		}
	}
	return out, nil
}

func declaredList(p *Pipeline, projectDefaults map[string]string) string {
	seen := map[string]bool{}
	var names []string
	for _, v := range p.Variables {
		seen[v.Name] = true
		names = append(names, v.Name)
	}
	var extra []string
	for k := range projectDefaults {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	names = append(names, extra...)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
