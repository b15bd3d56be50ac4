package editor

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every route of routes.go is in docs/EDITOR_API.md, spelled as the mux pattern.
func TestRoutes_EveryRouteIsDocumented(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/EDITOR_API.md")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`h\("([A-Z]+ /[^"]*)"`).FindAllSubmatch(src, -1)
	if len(routes) < 30 {
		t.Fatalf("found %d routes in routes.go: has its h(...) form changed?", len(routes))
	}
	for _, m := range routes {
		if !strings.Contains(string(doc), string(m[1])) {
			t.Errorf("route %s is not in docs/EDITOR_API.md", m[1])
		}
	}
}
