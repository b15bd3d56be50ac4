// Package frontend embeds the built browser editor (frontend/dist) into the
// golem binary. The TypeScript sources next to it are built with
// `make frontend`; without a build, Dist holds only a placeholder.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built frontend: index.html and its assets at the root.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed directive guarantees dist exists
	}
	return sub
}
