package editor

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/golemlabs/golem/projects"
)

// tokenCookie carries the access token after its first use in ?token=.
const tokenCookie = "golem_token"

// isLoopback reports whether host is a loopback name or address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// allowedHost reports whether hostport (a Host header or an Origin's host)
// names this server: a loopback name or the configured host, with the
// server's port.
func (s *Server) allowedHost(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80"
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if s.port != 0 && port != strconv.Itoa(s.port) {
		return false
	}
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	cfg := strings.ToLower(strings.Trim(s.opts.Host, "[]"))
	if cfg == "0.0.0.0" || cfg == "::" {
		// Listening on every interface: accept this machine's addresses and
		// names only through the token, which is then always required.
		return s.token != "" && host != ""
	}
	return host == cfg
}

// allowedOrigin reports whether an Origin header names this server.
func (s *Server) allowedOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	hostport := u.Host
	if u.Port() == "" {
		if u.Scheme == "https" {
			hostport += ":443"
		} else {
			hostport += ":80"
		}
	}
	return s.allowedHost(hostport)
}

func mutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// secure wraps h with the checks of DESIGN §6: Host on every request, Origin
// on websockets and mutating requests, and the access token when one is set.
func (s *Server) secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if !s.allowedHost(r.Host) {
			writeError(w, errorf(http.StatusForbidden, codeForbidden, "host %q is not allowed (DNS rebinding protection); open %s", r.Host, s.URL()), s.log)
			return
		}
		isWS := r.URL.Path == "/ws"
		if origin := r.Header.Get("Origin"); origin != "" && (isWS || mutating(r.Method)) && !s.allowedOrigin(origin) {
			writeError(w, errorf(http.StatusForbidden, codeForbidden, "origin %q is not allowed", origin), s.log)
			return
		}
		if s.isAPITrigger(r) {
			// a client that is not the page (no Origin): the API trigger,
			// authorised by the project's API token instead of the editor's token
			if err := s.checkAPIToken(r); err != nil {
				writeError(w, err, s.log)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), apiTriggerKey{}, true))
		} else if s.token != "" && r.URL.Path != "/api/health" && !s.authorized(w, r) {
			writeError(w, errorf(http.StatusUnauthorized, codeUnauthorized, "access token required: open the URL printed by golem start (…/?token=…)"), s.log)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ContentSecurityPolicy is sent with every response, pages and API alike.
// Scripts come only from the bundle (no inline script, no eval), nothing is
// framed or embedded, and the page talks only to this server (the websocket
// included: 'self' covers ws: on the same host). Styles alone allow
// 'unsafe-inline': CodeMirror mounts its theme as a <style> element
// (style-mod uses adoptedStyleSheets only in shadow roots) and echarts'
// tooltips carry style="…"; the e2e run counted 3 blocked <style> elements
// without it. An injected style still cannot send anything out: img-src,
// font-src and connect-src reach only this server. img-src allows data: for
// the favicon and echarts' exported images; markdown never carries data:
// URLs (the sanitiser drops them).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders sets the headers every response carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// authorized checks the token in the Authorization header, the cookie or the
// query; a valid query token sets the cookie.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		return s.tokenOK(strings.TrimPrefix(auth, "Bearer "))
	}
	if c, err := r.Cookie(tokenCookie); err == nil && s.tokenOK(c.Value) {
		return true
	}
	if t := r.URL.Query().Get("token"); t != "" && s.tokenOK(t) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

func (s *Server) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// apiTriggerKey marks, in a request's context, a run start authorised by
// the project's API token.
type apiTriggerKey struct{}

// byAPITrigger reports whether r was authorised as an API trigger.
func byAPITrigger(r *http.Request) bool {
	ok, _ := r.Context().Value(apiTriggerKey{}).(bool)
	return ok
}

// isAPITrigger reports whether r is POST /api/pipelines/{name}/runs from a
// client without a browser Origin (curl, CI, another service); headless,
// every run start is one.
func (s *Server) isAPITrigger(r *http.Request) bool {
	if r.Method != http.MethodPost || (r.Header.Get("Origin") != "" && !s.opts.Headless) {
		return false
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	return len(parts) == 4 && parts[0] == "api" && parts[1] == "pipelines" && parts[2] != "" && parts[3] == "runs"
}

// checkAPIToken checks the bearer token of an API trigger against the
// project's API token (GOLEM_API_TOKEN, .golem/api_token or, warned about,
// settings.api_token of golem.yaml), resolved on each request so a new token
// applies at once.
func (s *Server) checkAPIToken(r *http.Request) error {
	p, err := s.mustProject()
	if err != nil {
		return err
	}
	tok, err := p.APIToken(os.Getenv)
	if err != nil {
		return err
	}
	if tok.Value == "" {
		return errorf(http.StatusForbidden, codeForbidden, "API trigger disabled: set %s or write the token to %s in the project", projects.APITokenEnv, projects.APITokenFile)
	}
	auth := r.Header.Get("Authorization")
	got, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || got == "" {
		return errorf(http.StatusUnauthorized, codeUnauthorized, "API trigger needs the header Authorization: Bearer <token> (the token of %s or %s)", projects.APITokenEnv, projects.APITokenFile)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(tok.Value)) != 1 {
		return errorf(http.StatusUnauthorized, codeUnauthorized, "API trigger: wrong bearer token (want the token from %s)", tokenSource(tok.Source))
	}
	return nil
}

// tokenSource names where an API token came from, for messages.
func tokenSource(src string) string {
	switch src {
	case projects.TokenFromEnv:
		return projects.APITokenEnv
	case projects.TokenFromFile:
		return projects.APITokenFile
	}
	return "settings.api_token of golem.yaml"
}

// warnAPIToken logs, when the server starts, that the project keeps its API
// token in golem.yaml (committed with the project); the editor shows the
// same warning as a problem of the project.
func (s *Server) warnAPIToken() {
	if p, _ := s.project(); p != nil {
		if w := p.TokenWarning(); w != nil {
			s.log.Printf("warning: %v", w)
		}
	}
}
