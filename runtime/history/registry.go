package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The model registry: named models whose versions are numbered from 1 and never change once their
// block has ended, each with its lineage; aliases (champion, challenger, ...) point at versions
// and move; tags are free key/value pairs on a model or a version.
var (
	bucketModels   = []byte("models")   // name → JSON Model
	bucketVersions = []byte("versions") // name \x00 %010d version → JSON Version
)

// ErrNoAlias is returned when a reference names an alias the model does not have.
var ErrNoAlias = errors.New("history: model has no such alias")

// Model is a registered model.
type Model struct {
	Name    string            `json:"name"`
	Latest  int               `json:"latest"` // the highest version number
	Aliases map[string]int    `json:"aliases"`
	Tags    map[string]string `json:"tags"`
	Created time.Time         `json:"created"`
	Updated time.Time         `json:"updated"`
}

// Version is one registered version of a model and its lineage.
//
//golem:tsname ModelVersion
type Version struct {
	Name     string                     `json:"name"`
	Version  int                        `json:"version"`
	RunID    string                     `json:"run_id"`
	Pipeline string                     `json:"pipeline"`
	Block    string                     `json:"block"`
	CodeHash string                     `json:"code_hash"`
	Vars     map[string]string          `json:"vars"`
	Params   map[string]json.RawMessage `json:"params"`
	Metrics  map[string]float64         `json:"metrics"`
	Hash     string                     `json:"hash"` // the stored model (runtime/artifact)
	Size     int64                      `json:"size"`
	Tags     map[string]string          `json:"tags"`
	Aliases  []string                   `json:"aliases"` // filled in when read: the aliases pointing here
	Created  time.Time                  `json:"created"`
}

func versionKey(name string, v int) []byte {
	return fmt.Appendf(nil, "%s\x00%010d", name, v)
}

func getModel(tx *bolt.Tx, name string) (*Model, error) {
	b := tx.Bucket(bucketModels)
	var v []byte
	if b != nil {
		v = b.Get([]byte(name))
	}
	if v == nil {
		return nil, fmt.Errorf("%w: no registered model %q", ErrNotFound, name)
	}
	var m Model
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("decode model %q: %w", name, err)
	}
	return &m, nil
}

func putJSON(tx *bolt.Tx, bucket, key []byte, v any) error {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getVersion(tx *bolt.Tx, name string, version int) (*Version, error) {
	b := tx.Bucket(bucketVersions)
	var data []byte
	if b != nil {
		data = b.Get(versionKey(name, version))
	}
	if data == nil {
		return nil, fmt.Errorf("%w: model %q has no version %d", ErrNotFound, name, version)
	}
	var v Version
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode version %d of %q: %w", version, name, err)
	}
	return &v, nil
}

// registerVersion adds the next version of req.Name, logged by entry e.
func registerVersion(tx *bolt.Tx, e *Entry, req ModelRequest) (ModelRef, error) {
	now := time.Now().UTC()
	m, err := getModel(tx, req.Name)
	if errors.Is(err, ErrNotFound) {
		m, err = &Model{Name: req.Name, Aliases: map[string]int{}, Tags: map[string]string{}, Created: now}, nil
	}
	if err != nil {
		return ModelRef{}, err
	}
	m.Latest++
	m.Updated = now
	v := &Version{Name: m.Name, Version: m.Latest, RunID: e.RunID, Pipeline: e.Pipeline, Block: e.Block,
		CodeHash: req.CodeHash, Hash: req.Hash, Size: req.Size, Created: now, Tags: map[string]string{}}
	if r, err := getRun(tx, e.RunID); err == nil {
		v.Vars = r.Vars
	}
	if err := putJSON(tx, bucketVersions, versionKey(v.Name, v.Version), v); err != nil {
		return ModelRef{}, err
	}
	if err := putJSON(tx, bucketModels, []byte(m.Name), m); err != nil {
		return ModelRef{}, err
	}
	return ModelRef{Name: m.Name, Version: m.Latest}, nil
}

// refreshLineage copies the entry's parameters and metrics into the versions it registered, so
// that a version's lineage holds what its block logged after registering it too. Entries are
// written only while their block runs: a version does not change after its block ended.
func refreshLineage(tx *bolt.Tx, e *Entry) error {
	for _, ref := range e.Models {
		v, err := getVersion(tx, ref.Name, ref.Version)
		if err != nil {
			return err
		}
		v.Params, v.Metrics = e.Params, e.Metrics
		if err := putJSON(tx, bucketVersions, versionKey(v.Name, v.Version), v); err != nil {
			return err
		}
	}
	return nil
}

// Models returns the registered models, by name.
func (s *Store) Models(ctx context.Context) ([]*Model, error) {
	var out []*Model
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketModels)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var m Model
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("decode model %q: %w", k, err)
			}
			out = append(out, &m)
			return nil
		})
	})
	return out, err
}

// RegisteredModel is a registered model with its versions, newest first: what golem models
// --json prints and the editor's GET /api/models answers.
type RegisteredModel struct {
	*Model
	Versions []*Version `json:"versions"`
}

// Registry returns every registered model with its versions.
func (s *Store) Registry(ctx context.Context) ([]RegisteredModel, error) {
	models, err := s.Models(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RegisteredModel, 0, len(models))
	for _, m := range models {
		vs, err := s.Versions(ctx, m.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, RegisteredModel{Model: m, Versions: vs})
	}
	return out, nil
}

// Versions returns the versions of model name, newest first, with the aliases pointing at each.
func (s *Store) Versions(ctx context.Context, name string) ([]*Version, error) {
	var out []*Version
	err := s.view(ctx, func(tx *bolt.Tx) error {
		m, err := getModel(tx, name)
		if err != nil {
			return err
		}
		for n := m.Latest; n >= 1; n-- {
			v, err := getVersion(tx, name, n)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		byVersion := map[int][]string{}
		for _, a := range sortedKeys(m.Aliases) {
			byVersion[m.Aliases[a]] = append(byVersion[m.Aliases[a]], a)
		}
		for _, v := range out {
			v.Aliases = byVersion[v.Version]
			if v.Aliases == nil {
				v.Aliases = []string{}
			}
		}
		return nil
	})
	return out, err
}

// ParseModelRef splits a model reference: "name" (the latest version), "name@alias" or
// "name/version".
func ParseModelRef(ref string) (name, alias string, version int, err error) {
	if n, a, ok := strings.Cut(ref, "@"); ok {
		if n == "" || a == "" {
			return "", "", 0, fmt.Errorf("model reference %q: want NAME, NAME@ALIAS or NAME/VERSION", ref)
		}
		return n, a, 0, nil
	}
	if n, v, ok := strings.Cut(ref, "/"); ok {
		version, err := strconv.Atoi(v)
		if n == "" || err != nil || version <= 0 {
			return "", "", 0, fmt.Errorf("model reference %q: want NAME, NAME@ALIAS or NAME/VERSION (a version is a number from 1)", ref)
		}
		return n, "", version, nil
	}
	if ref == "" {
		return "", "", 0, fmt.Errorf("model reference is empty: want NAME, NAME@ALIAS or NAME/VERSION")
	}
	return ref, "", 0, nil
}

// ResolveModel returns the version a reference names (see ParseModelRef). An alias the model does
// not have is an error wrapping ErrNoAlias.
func (s *Store) ResolveModel(ctx context.Context, ref string) (*Version, error) {
	name, alias, version, err := ParseModelRef(ref)
	if err != nil {
		return nil, err
	}
	var v *Version
	err = s.view(ctx, func(tx *bolt.Tx) error {
		m, err := getModel(tx, name)
		if err != nil {
			return err
		}
		switch {
		case alias != "":
			n, ok := m.Aliases[alias]
			if !ok {
				return fmt.Errorf("%w: model %q has no alias %q (aliases: %s)", ErrNoAlias, name, alias, aliasList(m))
			}
			version = n
		case version == 0:
			version = m.Latest
		}
		v, err = getVersion(tx, name, version)
		return err
	})
	return v, err
}

func aliasList(m *Model) string {
	if len(m.Aliases) == 0 {
		return "none"
	}
	var parts []string
	for _, a := range sortedKeys(m.Aliases) {
		parts = append(parts, fmt.Sprintf("%s → %d", a, m.Aliases[a]))
	}
	return strings.Join(parts, ", ")
}

// SetAlias points alias of model name at version (moving it if it pointed elsewhere).
func (s *Store) SetAlias(ctx context.Context, name, alias string, version int) error {
	if err := validAlias(alias); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		m, err := getModel(tx, name)
		if err != nil {
			return err
		}
		if _, err := getVersion(tx, name, version); err != nil {
			return err
		}
		if m.Aliases == nil {
			m.Aliases = map[string]int{}
		}
		m.Aliases[alias] = version
		m.Updated = time.Now().UTC()
		return putJSON(tx, bucketModels, []byte(name), m)
	})
}

// RemoveAlias removes alias from model name.
func (s *Store) RemoveAlias(ctx context.Context, name, alias string) error {
	return s.update(ctx, func(tx *bolt.Tx) error {
		m, err := getModel(tx, name)
		if err != nil {
			return err
		}
		if _, ok := m.Aliases[alias]; !ok {
			return fmt.Errorf("%w: model %q has no alias %q", ErrNoAlias, name, alias)
		}
		delete(m.Aliases, alias)
		m.Updated = time.Now().UTC()
		return putJSON(tx, bucketModels, []byte(name), m)
	})
}

// SetTag sets tag key to value on model name (version 0) or on one of its versions; an empty
// value removes the tag.
func (s *Store) SetTag(ctx context.Context, name string, version int, key, value string) error {
	if key == "" {
		return fmt.Errorf("%w: empty tag", ErrInvalidName)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		m, err := getModel(tx, name)
		if err != nil {
			return err
		}
		if version == 0 {
			if m.Tags == nil {
				m.Tags = map[string]string{}
			}
			setTag(m.Tags, key, value)
			return putJSON(tx, bucketModels, []byte(name), m)
		}
		v, err := getVersion(tx, name, version)
		if err != nil {
			return err
		}
		if v.Tags == nil {
			v.Tags = map[string]string{}
		}
		setTag(v.Tags, key, value)
		return putJSON(tx, bucketVersions, versionKey(name, version), v)
	})
}

func setTag(tags map[string]string, k, v string) {
	if v == "" {
		delete(tags, k)
	} else {
		tags[k] = v
	}
}

func validAlias(a string) error {
	if a == "" || len(a) > 64 {
		return fmt.Errorf("%w: alias %q: 1 to 64 characters", ErrInvalidName, a)
	}
	if _, err := strconv.Atoi(a); err == nil {
		return fmt.Errorf("%w: alias %q: an alias cannot be a number (it would read as a version)", ErrInvalidName, a)
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("%w: alias %q: only letters, digits, '-' and '_'", ErrInvalidName, a)
		}
	}
	return nil
}

// registeredRuns returns the runs that registered a model version: retention keeps them.
func registeredRuns(tx *bolt.Tx) map[string]bool {
	runs := map[string]bool{}
	b := tx.Bucket(bucketVersions)
	if b == nil {
		return runs
	}
	_ = b.ForEach(func(_, v []byte) error {
		var ver struct {
			RunID string `json:"run_id"`
		}
		if json.Unmarshal(v, &ver) == nil {
			runs[ver.RunID] = true
		}
		return nil
	})
	return runs
}

// ArtifactHashes returns the hashes of every artifact an entry or a model version points to:
// golem gc keeps those and removes the rest.
func (s *Store) ArtifactHashes(ctx context.Context) (map[string]bool, error) {
	keep := map[string]bool{}
	err := s.scan(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketVersions); b != nil {
			if err := b.ForEach(func(k, v []byte) error {
				var ver Version
				if err := json.Unmarshal(v, &ver); err != nil {
					return fmt.Errorf("decode version %q: %w", k, err)
				}
				keep[ver.Hash] = true
				return nil
			}); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketEntries); b != nil {
			return b.ForEach(func(k, v []byte) error {
				var e Entry
				if err := decodeEntry(v, &e); err != nil {
					return fmt.Errorf("decode entry %q: %w", k, err)
				}
				for _, a := range e.Artifacts {
					keep[a.Hash] = true
				}
				return nil
			})
		}
		return nil
	})
	return keep, err
}
