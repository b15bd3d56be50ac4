package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/runtime/output"
)

// cacheKey is the hash of everything a block's output depends on: its source, the utils packages
// it imports directly or through other utils packages, its upstreams' cache keys and the run's variables. It is recorded with every stored
// output so that a block with `cache: {ttl: ...}` can be skipped while its key is unchanged.
func cacheKey(plan *Plan, n *Node, upstreamKeys []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "golem-cache-v1\x00%s\x00%s\x00%s\x00", plan.Pipeline.Name, n.Name(), n.Block.Kind)
	h.Write(n.Code)
	h.Write([]byte{0})
	if n.Source != nil {
		for _, imp := range utilsClosure(plan.Project.Dir, n.Source.Imports) {
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

// utilsClosure returns, sorted, the project packages (utils/...) that imports reach directly or
// through other utils packages: editing any of them can change a block's output.
func utilsClosure(projectDir string, imports []string) []string {
	seen := map[string]bool{}
	var queue []string
	add := func(imps []string) {
		for _, imp := range imps {
			if strings.HasPrefix(imp, blocks.UtilsPrefix) && !seen[imp] {
				seen[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	add(imports)
	for len(queue) > 0 {
		imp := queue[0]
		queue = queue[1:]
		add(packageImports(filepath.Join(projectDir, filepath.FromSlash(imp))))
	}
	out := make([]string, 0, len(seen))
	for imp := range seen {
		out = append(out, imp)
	}
	slices.Sort(out)
	return out
}

// packageImports returns the imports of the Go files in dir; files that do not parse add none
// (the interpreter reports them when the block runs).
func packageImports(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".go" {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, im := range f.Imports {
			if p, err := strconv.Unquote(im.Path.Value); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
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
// same key, is younger than the TTL and is there. The output itself is not read here: only a
// downstream that runs reads it.
func cached(store *output.Store, plan *Plan, n *Node, key string, now time.Time) (output.Meta, bool) {
	if n.Block.Cache == nil || n.Block.Cache.TTL.D() <= 0 || plan.Options.NoCache {
		return output.Meta{}, false
	}
	m, err := store.Meta(plan.Pipeline.Name, n.Name())
	if err != nil || m.CacheKey == "" || m.CacheKey != key || !store.HasData(plan.Pipeline.Name, n.Name(), m) {
		return m, false
	}
	if now.Sub(m.SavedAt) >= n.Block.Cache.TTL.D() {
		return m, false
	}
	return m, true
}
