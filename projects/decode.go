package projects

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// problems collects positioned errors for one file.
type problems struct {
	file string
	errs []error
}

func (ps *problems) add(line int, format string, args ...any) {
	ps.errs = append(ps.errs, &Error{File: ps.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// parserProblems are the yaml.v3 parser errors whose line is 0-based.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

var lineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// addYAML turns a yaml.v3 error ("yaml: line 3: ...", or a TypeError with one
// "line N: ..." entry per problem) into positioned problems.
func (ps *problems) addYAML(err error) {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for _, m := range msgs {
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			if parserProblems[sm[2]] {
				line++ // yaml.v3 reports parser (not scanner) errors 0-based
			}
			ps.add(line, "%s", sm[2])
			continue
		}
		ps.add(0, "%s", strings.TrimPrefix(m, "yaml: "))
	}
}

// decodeFile parses data into v, reporting syntax errors, unknown keys and
// type errors with their lines. It returns the document's root node (nil when
// the YAML does not parse).
func decodeFile(ps *problems, data []byte, v any) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.addYAML(err)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		ps.add(0, "empty file")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.add(root.Line, "want a mapping of keys, got %s", nodeKind(root))
		return nil
	}
	checkKeys(ps, root, reflect.TypeOf(v), "")
	if err := root.Decode(v); err != nil {
		ps.addYAML(err)
	}
	return root
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

var (
	variablesType = reflect.TypeOf(Variables{})
	variableSpecT = reflect.TypeOf(variableSpec{})
)

// checkKeys reports mapping keys that do not name a field of t (recursively),
// the equivalent of yaml.v3's KnownFields with a message that lists the known
// keys.
func checkKeys(ps *problems, n *yaml.Node, t reflect.Type, where string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == variablesType {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				checkKeys(ps, n.Content[i+1], variableSpecT, fmt.Sprintf("variable %q", n.Content[i].Value))
			}
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // Decode reports the type error
		}
		if t == reflect.TypeOf(Block{}) {
			where = "block"
			if name := mapValue(n, "name"); name != nil {
				where = fmt.Sprintf("block %q", name.Value)
			}
		}
		fields, inline := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				if !inline {
					known := slices.Sorted(maps.Keys(fields))
					in := ""
					if where != "" {
						in = " in " + where
					}
					ps.add(k.Line, "unknown key %q%s (known: %s)", k.Value, in, strings.Join(known, ", "))
				}
				continue
			}
			sub := where
			if ft.Kind() == reflect.Struct || (ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct) {
				sub = k.Value
				if where != "" {
					sub = where + " " + k.Value
				}
			}
			checkKeys(ps, v, ft, sub)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for _, item := range n.Content {
			checkKeys(ps, item, t.Elem(), where)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 1; i < len(n.Content); i += 2 {
			checkKeys(ps, n.Content[i], t.Elem(), where)
		}
	}
}

// yamlFields maps the yaml keys of struct t to their field types; inline
// reports a ",inline" map that accepts any other key.
func yamlFields(t reflect.Type) (map[string]reflect.Type, bool) {
	fields := map[string]reflect.Type{}
	inline := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			inline = true
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields, inline
}

// MapValue returns the value node of key in YAML mapping n, or nil: for code that edits a
// project file's nodes in place (the editor's trigger switch).
func MapValue(n *yaml.Node, key string) *yaml.Node { return mapValue(n, key) }

// mapValue returns the value node of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// keyLine returns the line of key in mapping n, or the mapping's own line.
func keyLine(n *yaml.Node, key string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	return n.Line
}
