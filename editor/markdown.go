package editor

import (
	"bytes"
	"net/http"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders markdown without raw HTML: goldmark drops it and refuses
// dangerous link schemes (javascript:, vbscript:, data: other than images)
// unless WithUnsafe is set, which it never is here.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

func (s *Server) renderMarkdown(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Markdown string `json:"markdown"`
	}
	if err := readJSON(r, &req); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(req.Markdown), &buf); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": buf.String()})
	return nil
}
