package secret

import (
	"encoding/json"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/golemlabs/golem/projects"
)

// Mask replaces a secret value in redacted text.
const Mask = "***"

// MinLen is the shortest value redacted: masking every "a" or "1" would wreck logs and reveal,
// by its gaps, more than it hides.
const MinLen = 4

// Redactor replaces known secret values, in the forms they take in text, JSON and URLs, by Mask.
// The zero value and nil redact nothing.
type Redactor struct {
	r *strings.Replacer
}

// NewRedactor returns a Redactor of values (those shorter than MinLen are kept).
func NewRedactor(values []string) *Redactor {
	seen := map[string]bool{}
	var forms []string
	for _, v := range values {
		if len(v) < MinLen {
			continue
		}
		j, _ := json.Marshal(v)
		for _, f := range []string{v, string(j[1 : len(j)-1]), url.QueryEscape(v), url.PathEscape(v), (&url.URL{User: url.UserPassword("u", v)}).User.String()[2:]} {
			if len(f) >= MinLen && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	if len(forms) == 0 {
		return &Redactor{}
	}
	// Longest first, so a value that contains another is masked whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// String returns s with every secret value masked.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Bytes returns b with every secret value masked (b itself when there is nothing to mask).
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil || r.r == nil {
		return b
	}
	s := string(b)
	out := r.r.Replace(s)
	if out == s {
		return b
	}
	return []byte(out)
}

// Empty reports whether r masks nothing.
func (r *Redactor) Empty() bool { return r == nil || r.r == nil }

// Values returns the secret values of the project in dir that must never be shown: every stored
// secret, every GOLEM_SECRET_* variable, and the expanded credentials (Connection.Sensitive) of
// its connection profiles. Secrets it cannot read (no key yet) are skipped: what cannot be read
// cannot leak either.
func Values(dir string) []string {
	var out []string
	st, err := Open(dir)
	if err == nil {
		if list, err := st.List(); err == nil {
			for _, e := range list {
				if v, err := st.Get(e.Name); err == nil {
					out = append(out, v)
				}
			}
		}
	}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, EnvPrefix) {
			out = append(out, v)
		}
	}
	conns, _ := projects.LoadConnections(dir)
	for _, c := range conns {
		for _, v := range c.Sensitive() {
			if st != nil {
				if x, err := projects.Expand(v, st.Lookup); err == nil {
					out = append(out, x)
				}
			}
		}
	}
	return out
}

// ForProject returns the Redactor of the project in dir (see Values).
func ForProject(dir string) *Redactor { return NewRedactor(Values(dir)) }
