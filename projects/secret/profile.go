package secret

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/golemlabs/golem/projects"
)

// Profile returns the connection profile name of the project in dir, which must be of type typ,
// with every ${env:NAME} and ${secret:NAME} expanded. Errors name the profile and its file:line.
func Profile(dir, name, typ string) (*projects.Connection, error) {
	conns, err := projects.LoadConnections(dir)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w", name, err)
	}
	c, ok := conns[name]
	if !ok {
		names := slices.Sorted(maps.Keys(conns))
		known := "the project defines none"
		if len(names) > 0 {
			known = "defined: " + strings.Join(names, ", ")
		}
		return nil, fmt.Errorf("connection %q: %w: add it under connections: in %s or %s (%s)", name, ErrUnknownProfile, projects.ConfigFile, projects.ConnectionsFile, known)
	}
	where := c.Where(name)
	if c.Type != typ {
		return nil, fmt.Errorf("%s: %w: it is a %s profile, not %s", where, ErrWrongType, c.Type, typ)
	}
	st, err := Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	x := *c
	var firstErr error
	expand := func(key string, p *string) {
		v, err := projects.Expand(*p, st.Lookup)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %s: %w", where, key, err)
		}
		*p = v
	}
	for _, f := range []struct {
		key string
		p   *string
	}{
		{"url", &x.URL}, {"host", &x.Host}, {"port", &x.Port}, {"database", &x.Database}, {"user", &x.User},
		{"password", &x.Password}, {"sslmode", &x.SSLMode}, {"endpoint", &x.Endpoint}, {"region", &x.Region},
		{"bucket", &x.Bucket}, {"access_key_id", &x.AccessKeyID}, {"secret_access_key", &x.SecretAccessKey},
		{"base_url", &x.BaseURL},
	} {
		expand(f.key, f.p)
	}
	if c.Headers != nil {
		x.Headers = map[string]string{}
		for k, v := range c.Headers {
			expand("headers."+k, &v)
			x.Headers[k] = v
		}
	}
	if c.Auth != nil {
		a := *c.Auth
		expand("auth.bearer", &a.Bearer)
		expand("auth.user", &a.User)
		expand("auth.password", &a.Password)
		x.Auth = &a
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return &x, nil
}
