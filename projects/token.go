package projects

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// APITokenEnv is the environment variable holding the API trigger's token.
const APITokenEnv = "GOLEM_API_TOKEN"

// APITokenFile is the project file holding the API trigger's token when the
// environment does not: under .golem/, which every project's .gitignore
// excludes and the editor's file API never serves.
const APITokenFile = ".golem/api_token"

// Where an API token was found.
const (
	TokenFromEnv    = "env"
	TokenFromFile   = "file"
	TokenFromConfig = "golem.yaml"
)

// APIToken is the bearer token of the API trigger and where it was found.
type APIToken struct {
	// Value is the token; "" means the API trigger is disabled.
	Value string
	// Source is TokenFromEnv, TokenFromFile or TokenFromConfig ("" when unset).
	Source string
}

// APIToken resolves the API trigger's token, in this order: the environment
// variable GOLEM_API_TOKEN (read through getenv, os.Getenv in production),
// the file .golem/api_token (trimmed), then settings.api_token of golem.yaml,
// which still works but is committed with the project: TokenWarning reports
// it. It reads the file fresh on each call, so a new token applies at once.
func (p *Project) APIToken(getenv func(string) string) (APIToken, error) {
	if v := strings.TrimSpace(getenv(APITokenEnv)); v != "" {
		return APIToken{Value: v, Source: TokenFromEnv}, nil
	}
	data, err := os.ReadFile(filepath.Join(p.Dir, filepath.FromSlash(APITokenFile)))
	switch {
	case err == nil:
		if v := strings.TrimSpace(string(data)); v != "" {
			return APIToken{Value: v, Source: TokenFromFile}, nil
		}
	case !errors.Is(err, fs.ErrNotExist):
		return APIToken{}, fmt.Errorf("api token: %w", err)
	}
	if v := p.Config.Settings.APIToken; v != "" {
		return APIToken{Value: v, Source: TokenFromConfig}, nil
	}
	return APIToken{}, nil
}

// TokenWarning returns a problem at settings.api_token of golem.yaml when
// the project keeps its API token there (committed with the project), nil
// otherwise. It is a warning: the token keeps working.
func (p *Project) TokenWarning() *Error {
	if p.Config.Settings.APIToken == "" {
		return nil
	}
	line := 0
	if data, err := os.ReadFile(filepath.Join(p.Dir, ConfigFile)); err == nil {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 {
			line = keyLine(mapValue(doc.Content[0], "settings"), "api_token")
		}
	}
	return &Error{File: ConfigFile, Line: line, Msg: fmt.Sprintf(
		"settings.api_token is committed with the project: move the token to the environment (%s) or to %s (git-ignored), then delete it here",
		APITokenEnv, APITokenFile)}
}
