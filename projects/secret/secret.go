// Package secret keeps a project's secrets (the values ${secret:NAME} in a connection profile
// refers to) encrypted at rest with age, under the project's .golem/secrets/, with the key outside
// the project; resolves profile references; and redacts secret values from text.
package secret

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"filippo.io/age"
	"github.com/golemlabs/golem/internal/atomicfile"
	"github.com/golemlabs/golem/projects"
)

// Dir is where a project keeps its encrypted secrets, one NAME.age file each (git-ignored, like
// all of .golem).
const Dir = ".golem/secrets"

// KeyFileEnv names the environment variable that points at the age identity file; without it the
// key is $XDG_CONFIG_HOME/golem/secrets.key (~/.config/golem/secrets.key).
const KeyFileEnv = "GOLEM_SECRETS_KEY_FILE"

// EnvPrefix prefixes the environment variable that, when set, gives a secret's value instead of
// the store: GOLEM_SECRET_PGPASSWORD for ${secret:PGPASSWORD}.
const EnvPrefix = "GOLEM_SECRET_"

// Store is one project's secrets.
type Store struct {
	dir     string // the project directory
	keyFile string
}

// Open returns the secret store of the project in dir. The key file is found as KeyFileEnv says;
// a key file inside the project is refused (it would be committed next to what it unlocks).
func Open(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	key := os.Getenv(KeyFileEnv)
	if key == "" {
		cfg, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("secrets key: %w (set %s)", err, KeyFileEnv)
		}
		key = filepath.Join(cfg, "golem", "secrets.key")
	}
	key, err = filepath.Abs(key)
	if err != nil {
		return nil, err
	}
	if rel, err := filepath.Rel(abs, key); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%w: the key %s is inside the project %s", ErrKeyInProject, key, abs)
	}
	return &Store{dir: abs, keyFile: key}, nil
}

// KeyFile returns the path of the age identity that encrypts the store.
func (s *Store) KeyFile() string { return s.keyFile }

func (s *Store) path(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(Dir), name+".age")
}

func checkName(name string) error {
	if !projects.ValidRefName(name) {
		return fmt.Errorf("%w %q (want letters, digits, _; not starting with a digit)", ErrBadName, name)
	}
	return nil
}

// identity reads the key, creating it (mode 0600, in a 0700 folder) when create is set and it
// does not exist yet.
func (s *Store) identity(create bool) (*age.X25519Identity, error) {
	data, err := os.ReadFile(s.keyFile)
	if errors.Is(err, fs.ErrNotExist) && create {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(s.keyFile), 0o700); err != nil {
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		content := "# golem secrets key (age); keep it out of every repository\n# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"
		f, err := os.OpenFile(s.keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		if _, err := f.WriteString(content); err != nil {
			f.Close()
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("secrets key: %w", err)
		}
		return id, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no key at %s (golem secrets set creates one; %s points elsewhere)", ErrNoKey, s.keyFile, KeyFileEnv)
	}
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("secrets key %s: %w", s.keyFile, err)
	}
	for _, id := range ids {
		if x, ok := id.(*age.X25519Identity); ok {
			return x, nil
		}
	}
	return nil, fmt.Errorf("secrets key %s: no X25519 identity", s.keyFile)
}

// Set stores value under name, encrypted to the key (created on first use).
func (s *Store) Set(name, value string) error {
	if err := checkName(name); err != nil {
		return err
	}
	id, err := s.identity(true)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, value); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	p := s.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("secret %s: %w", name, err)
	}
	return atomicfile.Write(p, atomicfile.Options{Sync: true, Perm: 0o600}, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// Stored reports whether the store holds name (not counting the environment).
func (s *Store) Stored(name string) bool {
	_, err := os.Stat(s.path(name))
	return err == nil
}

// Get returns the value of name: the environment variable GOLEM_SECRET_<name> if set, else the
// stored value. A secret in neither place wraps ErrNotSet.
func (s *Store) Get(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	if v, ok := os.LookupEnv(EnvPrefix + name); ok {
		return v, nil
	}
	data, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("secret %s: %w (golem secrets set %s %s, or set %s%s)", name, ErrNotSet, s.dir, name, EnvPrefix, name)
	}
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, err)
	}
	id, err := s.identity(false)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w", name, err)
	}
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w: %v (was it set with another key than %s?)", name, ErrDecrypt, err, s.keyFile)
	}
	v, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("secret %s: %w: %v", name, ErrDecrypt, err)
	}
	return string(v), nil
}

// Entry is one secret in a listing: its name and where its value comes from.
//
//golem:tsname SecretInfo
type Entry struct {
	Name string `json:"name"`
	// Source is "store", "env" (GOLEM_SECRET_<name>) or "store, env" (the environment wins).
	Source string `json:"source"`
}

// List returns the secrets' names, from the store and the environment, sorted; never values.
func (s *Store) List() ([]Entry, error) {
	src := map[string][]string{}
	entries, err := os.ReadDir(filepath.Join(s.dir, filepath.FromSlash(Dir)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list secrets: %w", err)
	}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".age"); ok && !e.IsDir() && projects.ValidRefName(name) {
			src[name] = append(src[name], "store")
		}
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if name, ok := strings.CutPrefix(k, EnvPrefix); ok && projects.ValidRefName(name) {
			src[name] = append(src[name], "env")
		}
	}
	out := make([]Entry, 0, len(src))
	for name, s := range src {
		out = append(out, Entry{Name: name, Source: strings.Join(s, ", ")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes name from the store.
func (s *Store) Remove(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	err := os.Remove(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("secret %s: %w", name, ErrNotSet)
	}
	return err
}

// Lookup resolves a profile reference: ${secret:NAME} from the store (or GOLEM_SECRET_NAME),
// ${env:NAME} from the environment (unset is an error, an empty value is not).
func (s *Store) Lookup(r projects.Ref) (string, error) {
	switch r.Kind {
	case "secret":
		return s.Get(r.Name)
	case "env":
		v, ok := os.LookupEnv(r.Name)
		if !ok {
			return "", fmt.Errorf("${env:%s}: %w", r.Name, ErrEnvUnset)
		}
		return v, nil
	}
	return "", fmt.Errorf("${%s:%s}: unknown kind %q", r.Kind, r.Name, r.Kind)
}
