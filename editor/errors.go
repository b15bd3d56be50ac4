package editor

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"

	"github.com/golemlabs/golem/blocks/chart"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime"
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/output"
)

// ErrForbidden means a request failed the Host, Origin or path checks.
var ErrForbidden = errors.New("forbidden")

// ErrUnauthorized means a request lacks the access token.
var ErrUnauthorized = errors.New("access token required")

// Error codes of the JSON error body (docs/EDITOR_API.md §0).
const (
	codeBadRequest   = "bad_request"
	codeUnauthorized = "unauthorized"
	codeForbidden    = "forbidden"
	codeNotFound     = "not_found"
	codeNoOutput     = "no_output"
	codeConflict     = "conflict"
	codeInvalid      = "invalid"
	codeCycle        = "cycle"
	codeInternal     = "internal"
	codeTooLarge     = "too_large"
)

// maxBody bounds a JSON request body: a file of maxEditable with room for its escapes.
const maxBody = 8 << 20

// Problem is one positioned error message.
type Problem struct {
	Message string `json:"message"`
	// File is project-relative; File, Line and Col are absent when not known.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
	// Stack is the Go stack of a block's panic.
	Stack string `json:"stack,omitempty"`
	// Severity is "warning" for a problem that does not stop runs (absent for an error).
	Severity Severity `json:"severity,omitempty"`
}

// Severity grades a Problem; the zero value is an error.
type Severity string

// SeverityWarning marks a problem that does not stop runs.
const SeverityWarning Severity = "warning"

// ErrorBody is the "error" of every non-2xx answer.
type ErrorBody struct {
	// Code classifies the error (docs/EDITOR_API.md §0).
	Code string `json:"code"`
	// ID names a 5xx; the server's log line of the error carries it too.
	ID string `json:"id,omitempty"`
	Problem
	// Details are several problems at once (a project that fails validation).
	Details []Problem `json:"details,omitempty"`
}

// ErrorReply is the body of every non-2xx answer.
type ErrorReply struct {
	Error ErrorBody `json:"error"`
	// Conflict is the disk side of a 409 on a stale file version.
	Conflict *Conflict `json:"conflict,omitempty"`
}

// Conflict is the two sides of a stale write: the version the client sent and what is on disk.
type Conflict struct {
	Path        string `json:"path"`
	YourVersion string `json:"your_version"`
	// DiskVersion is "" when the file no longer exists.
	DiskVersion string `json:"disk_version"`
	// DiskContent is null when the file no longer exists, and in the conflict of a pipeline's
	// If-Match (reload the pipeline).
	DiskContent *string `json:"disk_content"`
}

// apiError is an error with its HTTP status and JSON body.
type apiError struct {
	Status int
	Code   string
	Problem
	Details  []Problem
	Conflict *Conflict // the disk side of a 409 on a stale file version
	Err      error
	// ID names a 5xx in the response and in the server log line (writeError sets it when empty).
	ID string
}

func (e *apiError) Error() string { return e.Message }
func (e *apiError) Unwrap() error { return e.Err }

// errorf returns an apiError with status and code.
func errorf(status int, code, format string, args ...any) *apiError {
	err := fmt.Errorf(format, args...)
	return &apiError{Status: status, Code: code, Problem: Problem{Message: err.Error()}, Err: errors.Unwrap(err)}
}

// toAPIError classifies err into a status, a code and positions.
func toAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	e := &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Problem: Problem{Message: err.Error()}, Err: err}
	var be *runtime.BlockError
	switch {
	case errors.Is(err, ErrUnauthorized):
		e.Status, e.Code = http.StatusUnauthorized, codeUnauthorized
	case errors.Is(err, ErrForbidden), errors.Is(err, projects.ErrOutsideProject):
		e.Status, e.Code = http.StatusForbidden, codeForbidden
	case errors.Is(err, runtime.ErrCycle):
		e.Status, e.Code = http.StatusUnprocessableEntity, codeCycle
	case errors.As(err, &be):
		e.Status, e.Code = http.StatusUnprocessableEntity, codeInvalid
		e.File, e.Line, e.Col = be.File, be.Line, be.Col
	case errors.Is(err, output.ErrNoOutput):
		e.Status, e.Code = http.StatusNotFound, codeNoOutput
	case errors.Is(err, projects.ErrNotFound), errors.Is(err, fs.ErrNotExist), errors.Is(err, history.ErrNotFound),
		errors.Is(err, history.ErrNoAlias):
		e.Status, e.Code = http.StatusNotFound, codeNotFound
	case errors.Is(err, projects.ErrExists), errors.Is(err, projects.ErrConflict):
		e.Status, e.Code = http.StatusConflict, codeConflict
	case errors.Is(err, chart.ErrSpec), errors.Is(err, history.ErrInvalidName):
		e.Status, e.Code = http.StatusBadRequest, codeBadRequest
	case errors.Is(err, chart.ErrColumn), errors.Is(err, projects.ErrInvalid),
		errors.Is(err, runtime.ErrUnknownBlock), errors.Is(err, runtime.ErrTypeMismatch),
		errors.Is(err, runtime.ErrMissingOutput):
		e.Status, e.Code = http.StatusUnprocessableEntity, codeInvalid
	}
	if ps := projects.Problems(err); len(ps) > 0 {
		for _, p := range ps {
			e.Details = append(e.Details, Problem{Message: p.Error(), File: p.File, Line: p.Line})
		}
		if len(ps) == 1 && e.File == "" {
			e.File, e.Line = ps[0].File, ps[0].Line
		}
	}
	if e.File == "" { // parse and pre-check errors of block files
		var located []Problem
		for _, p := range positioned(err) {
			if p.File != "" {
				located = append(located, p)
			}
		}
		if len(located) > 0 {
			e.File, e.Line, e.Col = located[0].File, located[0].Line, located[0].Col
			if len(located) > 1 && len(e.Details) == 0 {
				e.Details = located
			}
		}
	}
	return e
}

// writeError writes err as {"error": {...}} with its status. It is the only
// place handler errors become responses. A 5xx gets a short random id, in the
// body and in the log line, so a user's report leads to the server's log.
func writeError(w http.ResponseWriter, err error, logger *log.Logger) {
	e := toAPIError(err)
	if e.Status >= 500 && e.ID == "" {
		e.ID = newErrorID()
		if logger != nil {
			logger.Printf("editor: error %s: %v", e.ID, err)
		}
	}
	writeJSON(w, e.Status, ErrorReply{Error: ErrorBody{Code: e.Code, ID: e.ID, Problem: e.Problem, Details: e.Details}, Conflict: e.Conflict})
}

// newErrorID returns 8 random hex digits: enough to find one request among a server's log lines.
func newErrorID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// readJSON decodes a request body of one JSON value, at most maxBody bytes, into v:
// a larger body is a 413, anything after the value a 400. An empty body leaves v as
// it is. Unknown fields are ignored.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err == nil {
		// one value only: `{"a":1} garbage` is not a request
		var extra json.RawMessage
		if err = dec.Decode(&extra); errors.Is(err, io.EOF) {
			return nil
		} else if err == nil {
			err = errors.New("data after the JSON value")
		}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errorf(http.StatusRequestEntityTooLarge, codeTooLarge, "request body larger than %d MiB", maxBody>>20)
	}
	return errorf(http.StatusBadRequest, codeBadRequest, "request body: %w", err)
}
