package editor

import (
	"net/http"
	"os"
	"sort"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
)

// SecretList is the answer of GET /api/secrets: names, never values.
type SecretList struct {
	Secrets     []secret.Entry   `json:"secrets"`
	Connections []ConnectionInfo `json:"connections"`
	// KeyFile is where the key of the secret store is.
	KeyFile string `json:"key_file"`
}

// ConnectionInfo is a connection profile as the editor shows it: where it is defined and the
// names it references, never a value.
type ConnectionInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
	File string `json:"file"`
	Line int    `json:"line"`
	// Refs are the ${secret:NAME} and ${env:NAME} references of the profile, with whether each
	// is set where the editor runs.
	Refs []ConnectionRef `json:"refs"`
}

// ConnectionRef is one reference of a profile.
type ConnectionRef struct {
	Kind string `json:"kind"` // secret or env
	Name string `json:"name"`
	Set  bool   `json:"set"`
}

// listSecrets answers the Secrets panel: the project's secrets (names and sources) and its
// connection profiles with the names they reference. No value ever leaves the server.
func (s *Server) listSecrets(w http.ResponseWriter, r *http.Request) error {
	p, loadErr := s.project()
	if p == nil {
		return loadErr
	}
	st, err := secret.Open(p.Dir)
	if err != nil {
		return errorf(http.StatusInternalServerError, codeInternal, "%v", err)
	}
	list, err := st.List()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(p.Config.Connections))
	for n := range p.Config.Connections {
		names = append(names, n)
	}
	sort.Strings(names)
	conns := []ConnectionInfo{}
	for _, n := range names {
		c := p.Config.Connections[n]
		v := ConnectionInfo{Name: n, Type: c.Type, File: c.File, Line: c.Line, Refs: []ConnectionRef{}}
		seen := map[projects.Ref]bool{}
		for _, val := range connectionValues(c) {
			for _, ref := range projects.Refs(val) {
				if seen[ref] {
					continue
				}
				seen[ref] = true
				set := false
				switch ref.Kind {
				case "secret":
					_, env := os.LookupEnv(secret.EnvPrefix + ref.Name)
					set = env || st.Stored(ref.Name)
				case "env":
					_, set = os.LookupEnv(ref.Name)
				}
				v.Refs = append(v.Refs, ConnectionRef{Kind: ref.Kind, Name: ref.Name, Set: set})
			}
		}
		conns = append(conns, v)
	}
	writeJSON(w, http.StatusOK, SecretList{Secrets: list, Connections: conns, KeyFile: st.KeyFile()})
	return nil
}

// connectionValues lists every string of a profile that may hold a reference.
func connectionValues(c *projects.Connection) []string {
	out := []string{c.URL, c.Host, c.Port, c.Database, c.User, c.Password, c.SSLMode, c.Endpoint, c.Region,
		c.Bucket, c.AccessKeyID, c.SecretAccessKey, c.BaseURL}
	keys := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, c.Headers[k])
	}
	if c.Auth != nil {
		out = append(out, c.Auth.Bearer, c.Auth.User, c.Auth.Password)
	}
	return out
}
