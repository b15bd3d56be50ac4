// Package editor is the HTTP API and websocket hub behind the browser editor
// (`golem start`). It serves the embedded frontend, reads and writes the
// project through package projects, starts runs through package runtime and
// streams their events, and draws charts of block outputs through package
// chart. The protocol is documented in docs/EDITOR_API.md.
//
// The editor runs arbitrary code on behalf of whoever can reach it, so every
// request passes the checks in security.go: Host (DNS rebinding), Origin on
// websockets and mutating requests, and an access token whenever the server
// listens beyond loopback.
package editor
