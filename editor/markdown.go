package editor

import (
	"bytes"
	"net/http"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders markdown without raw HTML (goldmark drops it unless WithUnsafe
// is set, which it never is here). Its link filter alone is not enough:
// `[x](&#106;avascript:…)` and `<javascript:…>` came out as
// href="javascript:…" (issue 9), so every render also goes through
// markdownPolicy.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// sanitizer is built once and only read afterwards (a bluemonday Policy is
// safe for concurrent use once configured).
var sanitizer = markdownPolicy()

// markdownPolicy is the allow-list the rendered HTML must pass: the usual
// user-content elements, links only to http, https and mailto (or relative
// paths), no event handlers, no style, no data: or script URLs. The page
// sanitises once more with DOMPurify before inserting it.
func markdownPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+-]+$`)).OnElements("code")
	// GFM task lists: <input checked="" disabled="" type="checkbox">
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").OnElements("input")
	return p
}

// markdownHTML turns markdown into HTML that passed the allow-list.
func markdownHTML(src []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := md.Convert(src, &buf); err != nil {
		return nil, err
	}
	return sanitizer.SanitizeBytes(buf.Bytes()), nil
}

// MarkdownRequest is the body of POST /api/markdown/render.
type MarkdownRequest struct {
	Markdown string `json:"markdown"`
}

// MarkdownHTML is the answer of POST /api/markdown/render: HTML that passed the allow-list.
type MarkdownHTML struct {
	HTML string `json:"html"`
}

func (s *Server) renderMarkdown(w http.ResponseWriter, r *http.Request) error {
	var req MarkdownRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	html, err := markdownHTML([]byte(req.Markdown))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MarkdownHTML{HTML: string(html)})
	return nil
}
