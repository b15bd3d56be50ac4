package ml

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/golemlabs/golem/blocks"
)

// ErrNoAlias reports a reference name@alias to an alias the registered model does not have.
var ErrNoAlias = blocks.ErrNoAlias

// LoadModel loads a model for a block: a version of a registered model — "taxi-duration" (the
// latest version), "taxi-duration@champion" (the version an alias points at) or "taxi-duration/3"
// — or a model file that SaveModel wrote (a path ending in .json, relative to the project). It
// logs which version it loaded and records it as the block's parameter "model", so the run's
// entry says which model it used. An alias the model does not have is an error wrapping
// ErrNoAlias.
func LoadModel(ctx *blocks.Context, ref string) (*Bundle, error) {
	if strings.HasSuffix(ref, ".json") {
		b, err := ReadModel(ctx.Path(ref))
		if err == nil {
			ctx.LogParam("model", filepath.ToSlash(ref))
		}
		return b, err
	}
	v, data, err := ctx.ModelData(ref)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("load model %s version %d: %w", v.Name, v.Version, err)
	}
	via := ""
	if v.Alias != "" {
		via = " (" + v.Alias + ")"
	}
	ctx.Logf("loaded model %s version %d%s, registered by %s/%s in run %s", v.Name, v.Version, via, v.Pipeline, v.Block, v.RunID)
	ctx.LogParam("model", fmt.Sprintf("%s/%d", v.Name, v.Version))
	return &b, nil
}

// IsNoAlias says whether err is a reference to a missing alias (see LoadModel).
func IsNoAlias(err error) bool { return errors.Is(err, ErrNoAlias) }
