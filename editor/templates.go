package editor

import (
	"net/http"

	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/projects"
)

// blockTemplate returns the content of a new block file (blocks.Template); a template that does
// not fit the kind is the client's mistake.
func blockTemplate(kind projects.Kind, tmpl, name, source string, upstream ...string) (string, error) {
	src, err := blocks.Template(kind, name, blocks.TemplateOptions{Template: tmpl, Source: source, Upstream: upstream})
	if err != nil {
		return "", errorf(http.StatusBadRequest, codeBadRequest, "%v", err)
	}
	return src, nil
}
