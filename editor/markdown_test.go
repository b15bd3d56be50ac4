package editor

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// scriptURLs are the spellings of issue 9: none may come out as an active
// link, source or handler.
var scriptURLs = []struct{ name, md string }{
	{"entity-encoded", "[a](&#106;avascript:fetch('/api/files/x',{method:'PUT'}))"},
	{"mixed case", "[b](JaVaScRiPt:alert(1))"},
	{"autolink", "<javascript:alert(1)>"},
	{"raw html link", `<a href=javascript:alert(1)>c</a>`},
	{"raw html img onerror", `<img src=x onerror="alert(1)">`},
	{"data url", "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
	{"vbscript", "[e](vbscript:msgbox(1))"},
	{"entity-encoded colon", "[f](javascript&#58;alert(1))"},
	{"raw script", "<script>alert(1)</script>"},
	{"svg onload", `<svg onload="alert(1)"></svg>`},
	{"reference link", "[g][r]\n\n[r]: javascript:alert(1)"},
	{"data image", "![h](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"},
}

// unsafeHTML returns what in rendered is active: event handlers, style,
// script-ish elements and URLs whose scheme is not http, https or mailto.
func unsafeHTML(t *testing.T, rendered []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(rendered))
	if err != nil {
		t.Fatalf("parse %q: %v", rendered, err)
	}
	var bad []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "svg", "style", "form", "base", "meta", "link":
				bad = append(bad, "<"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "formaction":
					bad = append(bad, key+"="+a.Val)
				case key == "href" || key == "src" || key == "xlink:href" || key == "action":
					if !safeURL(a.Val) {
						bad = append(bad, key+"="+a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return bad
}

// safeURL accepts http(s) and mailto URLs and relative references without
// a scheme.
func safeURL(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, ok := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(v, ok) {
			return true
		}
	}
	i := strings.IndexAny(v, ":/?#")
	return i < 0 || v[i] != ':'
}

func TestMarkdownHTML_RefusesScriptURLs(t *testing.T) {
	for _, tc := range scriptURLs {
		t.Run(tc.name, func(t *testing.T) {
			out, err := markdownHTML([]byte(tc.md))
			if err != nil {
				t.Fatal(err)
			}
			if bad := unsafeHTML(t, out); len(bad) > 0 {
				t.Errorf("%s\nrendered %q\nactive: %v", tc.md, out, bad)
			}
			if low := strings.ToLower(string(out)); strings.Contains(low, "href=\"javascript") || strings.Contains(low, "onerror") {
				t.Errorf("rendered %q", out)
			}
		})
	}
}

// The checker must see what goldmark alone let through (issue 9), or the
// test above proves nothing.
func TestMarkdownHTML_CheckerSeesGoldmarkOutput(t *testing.T) {
	for _, src := range []string{"[a](&#106;avascript:alert(1))", "<javascript:alert(1)>"} {
		var buf bytes.Buffer
		if err := md.Convert([]byte(src), &buf); err != nil {
			t.Fatal(err)
		}
		if bad := unsafeHTML(t, buf.Bytes()); len(bad) == 0 {
			t.Errorf("goldmark alone rendered %q as %q and the checker saw nothing", src, buf.String())
		}
	}
}

func TestMarkdownHTML_KeepsMarkdown(t *testing.T) {
	tests := []struct{ name, md, want string }{
		{"https link", "[ok](https://example.com)", `<a href="https://example.com" rel="nofollow noreferrer noopener" target="_blank">ok</a>`},
		{"relative link", "[doc](docs/x.md)", `<a href="docs/x.md" rel="nofollow noreferrer">doc</a>`},
		{"mailto", "[m](mailto:a@b.c)", `href="mailto:a@b.c"`},
		{"code language", "```go\nx := 1\n```", `<code class="language-go">x := 1`},
		{"table", "| a |\n|---|\n| 1 |", "<td>1</td>"},
		{"task list", "- [x] done", `<input checked="" disabled="" type="checkbox"> done`},
		{"emphasis", "**bold** _it_", "<strong>bold</strong> <em>it</em>"},
		{"image", "![alt](img/a.png)", `<img src="img/a.png" alt="alt">`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := markdownHTML([]byte(tc.md))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("%s rendered %s, want it to hold %s", tc.md, out, tc.want)
			}
		})
	}
}
