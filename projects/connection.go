package projects

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConnectionsFile is the optional project file that holds connection profiles apart from golem.yaml
// (under the same key, connections:).
const ConnectionsFile = "connections.yaml"

// Connection types.
const (
	Postgres = "postgres"
	S3       = "s3"
	HTTP     = "http"
)

// ConnectionTypes lists the connection types a profile can have.
var ConnectionTypes = []string{Postgres, S3, HTTP}

// Connection is a named connection profile (connections: in golem.yaml or connections.yaml). A value
// may reference ${env:NAME} and ${secret:NAME}; the fields that hold credentials must (see Sensitive).
type Connection struct {
	Type string `yaml:"type"`

	// postgres: a URL, or host, port, database, user, password and sslmode.
	URL      string `yaml:"url,omitempty"`
	Host     string `yaml:"host,omitempty"`
	Port     string `yaml:"port,omitempty"`
	Database string `yaml:"database,omitempty"`
	User     string `yaml:"user,omitempty"`
	Password string `yaml:"password,omitempty"`
	SSLMode  string `yaml:"sslmode,omitempty"`

	// s3: an endpoint (empty: AWS), region, bucket, path-style addressing and credentials (empty: the
	// AWS SDK's default chain).
	Endpoint        string `yaml:"endpoint,omitempty"`
	Region          string `yaml:"region,omitempty"`
	Bucket          string `yaml:"bucket,omitempty"`
	PathStyle       bool   `yaml:"path_style,omitempty"`
	AccessKeyID     string `yaml:"access_key_id,omitempty"`
	SecretAccessKey string `yaml:"secret_access_key,omitempty"`

	// http: a base URL, headers sent with every request and an authentication.
	BaseURL string            `yaml:"base_url,omitempty"`
	Headers map[string]string `yaml:"headers,omitempty"`
	Auth    *HTTPAuth         `yaml:"auth,omitempty"`

	// Timeout bounds connecting (postgres) or each request (s3, http); 0 means 30s.
	Timeout Duration `yaml:"timeout,omitempty"`

	// File and Line locate the profile's name, for messages.
	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// HTTPAuth authenticates an http profile: a bearer token, or a user and password (basic).
type HTTPAuth struct {
	Bearer   string `yaml:"bearer,omitempty"`
	User     string `yaml:"user,omitempty"`
	Password string `yaml:"password,omitempty"`
}

// Where names the profile for messages: `connection "warehouse" (golem.yaml:12)`.
func (c *Connection) Where(name string) string {
	if c.File == "" {
		return fmt.Sprintf("connection %q", name)
	}
	return fmt.Sprintf("connection %q (%s:%d)", name, c.File, c.Line)
}

// Sensitive returns the profile's values that are credentials, by field name: each must be a
// reference (${secret:NAME} or ${env:NAME}), and their expanded values are redacted from logs.
// Header values count as credentials (they often carry API keys); a postgres URL's password does.
func (c *Connection) Sensitive() map[string]string {
	m := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	add("password", c.Password)
	add("secret_access_key", c.SecretAccessKey)
	if c.Auth != nil {
		add("auth.bearer", c.Auth.Bearer)
		add("auth.password", c.Auth.Password)
	}
	for k, v := range c.Headers {
		add("headers."+k, v)
	}
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok {
				add("url password", p)
			}
		}
	}
	return m
}

// refRE matches one ${kind:NAME} reference.
var refRE = regexp.MustCompile(`\$\{([^}:]*):([^}]*)\}`)

// refNameRE is what a secret or environment variable name may be.
var refNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidRefName reports whether s can be a secret (or environment variable) name.
func ValidRefName(s string) bool { return refNameRE.MatchString(s) }

// Ref is one ${kind:name} reference in a profile value.
type Ref struct{ Kind, Name string }

// Refs returns the references in s.
func Refs(s string) []Ref {
	var out []Ref
	for _, m := range refRE.FindAllStringSubmatch(s, -1) {
		out = append(out, Ref{Kind: m[1], Name: m[2]})
	}
	return out
}

// Expand replaces each ${env:NAME} and ${secret:NAME} in s with what lookup returns for it.
func Expand(s string, lookup func(Ref) (string, error)) (string, error) {
	var first error
	out := refRE.ReplaceAllStringFunc(s, func(m string) string {
		sm := refRE.FindStringSubmatch(m)
		v, err := lookup(Ref{Kind: sm[1], Name: sm[2]})
		if err != nil && first == nil {
			first = err
		}
		return v
	})
	return out, first
}

// connectionsDoc is the shape of connections.yaml (and the connections: key of golem.yaml).
type connectionsDoc struct {
	Connections map[string]*Connection `yaml:"connections"`
}

// LoadConnections reads the connection profiles of the project in dir (golem.yaml and
// connections.yaml) without loading its pipelines. Problems name the file and line.
func LoadConnections(dir string) (map[string]*Connection, error) {
	data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load connections of %q: %w", dir, ErrNotProject)
	}
	if err != nil {
		return nil, fmt.Errorf("load connections: %w", err)
	}
	ps := &problems{file: ConfigFile}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.addYAML(err)
		return nil, errors.Join(ps.errs...)
	}
	out := map[string]*Connection{}
	if len(doc.Content) > 0 {
		parseConnections(ps, mapValue(doc.Content[0], "connections"), out, true)
	}
	return out, errors.Join(append(ps.errs, readConnectionsFile(dir, out)...)...)
}

// readConnectionsFile adds the profiles of connections.yaml, if the project has one, to out.
func readConnectionsFile(dir string, out map[string]*Connection) []error {
	data, err := os.ReadFile(filepath.Join(dir, ConnectionsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []error{fmt.Errorf("%s: %w", ConnectionsFile, err)}
	}
	ps := &problems{file: ConnectionsFile}
	var doc connectionsDoc
	root := decodeFile(ps, data, &doc)
	if root == nil {
		return ps.errs
	}
	parseConnections(ps, mapValue(root, "connections"), out, false)
	return ps.errs
}

// parseConnections validates the connections: mapping n of ps.file and adds its profiles to out.
// decode says whether to report unknown keys and type errors (false when decodeFile has already
// done so for the whole file).
func parseConnections(ps *problems, n *yaml.Node, out map[string]*Connection, decode bool) {
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		ps.add(n.Line, "connections: want a mapping of profile names to profiles, got %s", nodeKind(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if !ValidName(name) {
			ps.add(k.Line, "connection %q: invalid name (want [a-z0-9_]+)", name)
			continue
		}
		if prev, ok := out[name]; ok {
			ps.add(k.Line, "connection %q is also defined at %s:%d", name, prev.File, prev.Line)
			continue
		}
		c := &Connection{}
		where := fmt.Sprintf("connection %q", name)
		if v.Kind != yaml.MappingNode {
			ps.add(v.Line, "%s: want a mapping, got %s", where, nodeKind(v))
			continue
		}
		if decode {
			checkKeys(ps, v, reflect.TypeOf(Connection{}), where)
		}
		if err := v.Decode(c); err != nil {
			if decode {
				ps.addYAML(err)
			}
			continue
		}
		c.File, c.Line = ps.file, k.Line
		validateConnection(ps, v, name, c)
		out[name] = c
	}
}

// fieldsOf lists, per type, the keys a profile of that type may set (besides type and timeout).
var fieldsOf = map[string][]string{
	Postgres: {"url", "host", "port", "database", "user", "password", "sslmode"},
	S3:       {"endpoint", "region", "bucket", "path_style", "access_key_id", "secret_access_key"},
	HTTP:     {"base_url", "headers", "auth"},
}

func validateConnection(ps *problems, n *yaml.Node, name string, c *Connection) {
	where := fmt.Sprintf("connection %q", name)
	allowed, ok := fieldsOf[c.Type]
	if !ok {
		line := keyLine(n, "type")
		if line == 0 {
			line = n.Line
		}
		ps.add(line, "%s: type %q is not a connection type (want %s)", where, c.Type, strings.Join(ConnectionTypes, ", "))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if key == "type" || key == "timeout" {
			continue
		}
		if !contains(allowed, key) {
			for t, fs := range fieldsOf {
				if contains(fs, key) {
					ps.add(n.Content[i].Line, "%s: %s is a key of %s profiles, not %s ones", where, key, t, c.Type)
				}
			}
		}
	}
	switch c.Type {
	case Postgres:
		if c.URL == "" && c.Host == "" {
			ps.add(n.Line, "%s: set url, or host (with port, database, user, password)", where)
		}
		if c.URL != "" && (c.Host != "" || c.Port != "" || c.Database != "" || c.User != "" || c.Password != "") {
			ps.add(keyLine(n, "url"), "%s: set url or host/port/database/user/password, not both", where)
		}
	case S3:
		if c.Bucket == "" {
			ps.add(n.Line, "%s: bucket is required", where)
		}
		if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
			ps.add(n.Line, "%s: set access_key_id and secret_access_key together (or neither, for the AWS default credentials)", where)
		}
	case HTTP:
		if c.BaseURL == "" {
			ps.add(n.Line, "%s: base_url is required", where)
		}
		if a := c.Auth; a != nil && a.Bearer != "" && (a.User != "" || a.Password != "") {
			ps.add(keyLine(n, "auth"), "%s: auth is a bearer token or a user and password, not both", where)
		}
	}
	// References must be well formed, and credentials must be references, never literal values.
	check := func(key, v string) {
		line := lineOfKey(n, key)
		rest := refRE.ReplaceAllString(v, "")
		if strings.Contains(rest, "${") {
			ps.add(line, "%s: %s: an unterminated or malformed ${...} reference (want ${env:NAME} or ${secret:NAME})", where, key)
		}
		for _, r := range Refs(v) {
			if r.Kind != "env" && r.Kind != "secret" {
				ps.add(line, "%s: %s: ${%s:%s}: unknown kind %q (want env or secret)", where, key, r.Kind, r.Name, r.Kind)
			} else if !ValidRefName(r.Name) {
				ps.add(line, "%s: %s: ${%s:%s}: invalid name (want letters, digits, _)", where, key, r.Kind, r.Name)
			}
		}
	}
	for _, f := range []struct{ key, v string }{
		{"url", c.URL}, {"host", c.Host}, {"port", c.Port}, {"database", c.Database}, {"user", c.User},
		{"password", c.Password}, {"sslmode", c.SSLMode}, {"endpoint", c.Endpoint}, {"region", c.Region},
		{"bucket", c.Bucket}, {"access_key_id", c.AccessKeyID}, {"secret_access_key", c.SecretAccessKey},
		{"base_url", c.BaseURL},
	} {
		check(f.key, f.v)
	}
	for k, v := range c.Headers {
		check("headers", v)
		_ = k
	}
	if c.Auth != nil {
		check("auth", c.Auth.Bearer+c.Auth.User+c.Auth.Password)
	}
	sens := c.Sensitive()
	keys := make([]string, 0, len(sens))
	for k := range sens {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := sens[k]
		if strings.HasPrefix(k, "headers.") && !strings.EqualFold(k, "headers.authorization") && !looksSecretHeader(k) {
			continue
		}
		if len(Refs(v)) == 0 {
			line := lineOfKey(n, strings.SplitN(strings.TrimSuffix(k, " password"), ".", 2)[0])
			ps.add(line, "%s: %s holds a literal credential: the project files hold no secret; use ${secret:NAME} (golem secrets set) or ${env:NAME}", where, k)
		}
	}
}

// looksSecretHeader reports whether a header key (headers.X) names a credential by convention.
func looksSecretHeader(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "token") || strings.Contains(k, "key") || strings.Contains(k, "secret") || strings.Contains(k, "auth")
}

func lineOfKey(n *yaml.Node, key string) int {
	if l := keyLine(n, key); l > 0 {
		return l
	}
	return n.Line
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
