package conn

import (
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/projects"
)

// Defined reports whether the project defines the connection profile name (of any type), so a
// block can skip an optional destination: if !conn.Defined(ctx, "warehouse") { ... }. A project
// file with problems counts as defining nothing it cannot read.
func Defined(ctx *blocks.Context, name string) bool {
	conns, _ := projects.LoadConnections(ctx.ProjectDir())
	_, ok := conns[name]
	return ok
}
