package editor

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// buildHint is served when the frontend was not built into the binary. It
// has no inline style: the Content-Security-Policy would block it.
const buildHint = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Golem</title></head>
<body><h1>Golem editor</h1>
<p>The API is running, but this binary was built without the browser editor
(<code>frontend/dist</code> holds only a placeholder).</p>
<p>Build the frontend and the binary, then start again:</p>
<pre>make frontend   # npm ci &amp;&amp; npm run build -> frontend/dist
go build ./cmd/golem</pre>
<p>The API is documented in <code>docs/EDITOR_API.md</code>.</p></body></html>
`

// frontendHandler serves the built frontend; paths that are not files fall
// back to index.html (client-side routes). Without index.html it serves the
// build hint.
func (s *Server) frontendHandler() http.Handler {
	files := s.opts.Frontend
	_, err := fs.Stat(files, "index.html")
	hasIndex := err == nil
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeError(w, errorf(http.StatusMethodNotAllowed, codeBadRequest, "%s %s: method not allowed", r.Method, r.URL.Path), nil)
			return
		}
		if !hasIndex {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(buildHint))
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" || name == "index.html" {
			s.serveIndex(w, r, files)
			return
		}
		if st, err := fs.Stat(files, name); err != nil || st.IsDir() {
			if path.Ext(name) != "" { // a missing asset, not a client route
				http.NotFound(w, r)
				return
			}
			s.serveIndex(w, r, files)
			return
		}
		if strings.HasPrefix(name, "assets/") { // hashed names from vite
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		if s.serveGzip(w, r, files, name) {
			return
		}
		fileServer.ServeHTTP(w, r)
	})
}

// compressible are the asset types worth gzipping.
var compressible = map[string]string{
	".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".json": "application/json", ".map": "application/json",
}

// serveGzip serves a compressible asset gzipped (compressed once, kept in
// memory) to clients that accept it.
func (s *Server) serveGzip(w http.ResponseWriter, r *http.Request, files fs.FS, name string) bool {
	ctype, ok := compressible[path.Ext(name)]
	if !ok || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		return false
	}
	v, ok := s.gzipped.Load(name)
	if !ok {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return false
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		v, _ = s.gzipped.LoadOrStore(name, buf.Bytes())
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("Content-Length", strconv.Itoa(len(v.([]byte))))
	if r.Method != http.MethodHead {
		w.Write(v.([]byte))
	}
	return true
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request, files fs.FS) {
	data, err := fs.ReadFile(files, "index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}
