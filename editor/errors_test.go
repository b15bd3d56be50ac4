package editor

import (
	"bytes"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A 500 carries an id that is also in the server's log line, so a user's report of one failed
// request leads to its log; other statuses are the caller's to fix and are neither logged nor numbered.
func TestWriteError_InternalErrorIDInBodyAndLog(t *testing.T) {
	tests := []struct {
		name    string
		handler apiFunc
		status  int
		logged  string // in the log line; "" for no log line and no id
	}{
		{"error", func(http.ResponseWriter, *http.Request) error { return errors.New("disk on fire") }, 500, "disk on fire"},
		{"panic", func(http.ResponseWriter, *http.Request) error { panic("nil map") }, 500, "nil map"},
		{"not found", func(http.ResponseWriter, *http.Request) error {
			return errorf(http.StatusNotFound, codeNotFound, "no such run")
		}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{log: log.New(&logs, "", 0)}
			rec := httptest.NewRecorder()
			s.api(tt.handler).ServeHTTP(rec, httptest.NewRequest("GET", "/api/x", nil))
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			var body struct {
				Error struct {
					Code string `json:"code"`
					ID   string `json:"id"`
				} `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body: %v\n%s", err, rec.Body)
			}
			id := body.Error.ID
			if tt.logged == "" {
				if id != "" || logs.Len() > 0 {
					t.Errorf("a %d has id %q and log %q", tt.status, id, logs.String())
				}
				return
			}
			if len(id) < 8 {
				t.Fatalf("id = %q, want a short random id:\n%s", id, rec.Body)
			}
			var line string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, id) {
					line = l
				}
			}
			if !strings.Contains(line, tt.logged) {
				t.Errorf("no log line with id %s and %q:\n%s", id, tt.logged, logs.String())
			}
		})
	}
}
