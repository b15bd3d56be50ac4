package editor

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/golemlabs/golem/editor/internal/completion"
)

//go:generate go run ./internal/gencompletions -o completions.json -ref ../docs/REFERENCE.md ../blocks ../blocks/frame ../blocks/ml ../blocks/conn

// completionsJSON lists the exported API of blocks, blocks/frame, blocks/ml and
// blocks/conn (signature, first doc sentence, example), made by `go generate ./editor`
// from their sources with docs/REFERENCE.md.
//
//go:embed completions.json
var completionsJSON []byte

// CompletionList is the answer of GET /api/completions.
type CompletionList struct {
	Items []completion.Item `json:"items"`
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write([]byte(`{"items":`))
	w.Write(json.RawMessage(completionsJSON))
	w.Write([]byte("}\n"))
	return nil
}
