package editor

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

//go:generate go run ./internal/gencompletions -o completions.json ../blocks ../blocks/frame ../blocks/conn

// completionsJSON lists the exported API of blocks and blocks/frame, made by
// `go generate ./editor` from their sources.
//
//go:embed completions.json
var completionsJSON []byte

func (s *Server) completions(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write([]byte(`{"items":`))
	w.Write(json.RawMessage(completionsJSON))
	w.Write([]byte("}\n"))
	return nil
}
