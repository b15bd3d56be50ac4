package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/runtime/output"
)

// cacheKey is the hash of everything a block's output depends on: its source, the utils packages
// it imports, its upstreams' cache keys and the run's variables. It is recorded with every stored
// output so that a block with `cache: {ttl: ...}` can be skipped while its key is unchanged.
func cacheKey(plan *Plan, n *Node, upstreamKeys []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "golem-cache-v1\x00%s\x00%s\x00%s\x00", plan.Pipeline.Name, n.Name(), n.Block.Kind)
	h.Write(n.Code)
	h.Write([]byte{0})
	if n.Source != nil {
		imports := slices.Clone(n.Source.Imports)
		slices.Sort(imports)
		for _, imp := range imports {
			if !strings.HasPrefix(imp, blocks.UtilsPrefix) {
				continue
			}
			hashDir(h, filepath.Join(plan.Project.Dir, filepath.FromSlash(imp)), imp)
		}
	}
	for _, k := range upstreamKeys {
		fmt.Fprintf(h, "up\x00%s\x00", k)
	}
	names := make([]string, 0, len(plan.Vars))
	for k := range plan.Vars {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(h, "var\x00%s\x00%s\x00", k, plan.Vars[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hashDir adds the Go files of a utils package to h, in name order.
func hashDir(h interface{ Write([]byte) (int, error) }, dir, imp string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintf(h, "missing\x00%s\x00", imp)
		return
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		fmt.Fprintf(h, "file\x00%s/%s\x00%d\x00", imp, e.Name(), len(b))
		h.Write(b)
	}
}

// cached reports whether block n may be skipped: it has a cache TTL, and its stored output has the
// same key and is younger than the TTL.
func cached(store *output.Store, plan *Plan, n *Node, key string, now time.Time) (output.Meta, bool) {
	if n.Block.Cache == nil || n.Block.Cache.TTL.D() <= 0 || plan.Options.NoCache {
		return output.Meta{}, false
	}
	m, err := store.Meta(plan.Pipeline.Name, n.Name())
	if err != nil || m.CacheKey == "" || m.CacheKey != key {
		return m, false
	}
	if now.Sub(m.SavedAt) >= n.Block.Cache.TTL.D() {
		return m, false
	}
	return m, true
}
