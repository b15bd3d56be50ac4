package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/runtime/retry"
)

// A hook is a projects.Notification, the one type of a pipeline's notifications entry: what
// projects.Load reads and checks is what Notify sends.

// Wants reports whether hook h fires for a run that ended with status (a history status:
// succeeded, failed, crashed, cancelled, ...). An empty on list means failure.
func Wants(h projects.Notification, status string) bool {
	var outcome string
	switch status {
	case "succeeded":
		outcome = projects.OnSuccess
	case "failed", "crashed":
		outcome = projects.OnFailure
	default:
		return false // cancelled and unfinished runs notify nobody
	}
	if len(h.On) == 0 {
		return outcome == projects.OnFailure
	}
	return slices.Contains(h.On, outcome)
}

// Payload is what the json format posts.
type Payload struct {
	RunID       string    `json:"run_id"`
	Pipeline    string    `json:"pipeline"`
	Status      string    `json:"status"`
	Trigger     string    `json:"trigger,omitempty"`
	Error       string    `json:"error,omitempty"`
	FailedBlock string    `json:"failed_block,omitempty"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	EndedAt     time.Time `json:"ended_at,omitzero"`
	// Duration is in seconds.
	Duration float64 `json:"duration_seconds"`
	URL      string  `json:"url,omitempty"`
	// Alerts are the pipeline's alert rules the run's logged metrics crossed: a run with alerts
	// notifies every hook of the pipeline, whatever its on: says.
	Alerts []Alert `json:"alerts,omitempty"`
}

// Alert is an alert rule that fired: a block's metric crossed a threshold.
type Alert struct {
	Metric string  `json:"metric"`
	Block  string  `json:"block"`
	Value  float64 `json:"value"`
	Rule   string  `json:"rule"` // "above 6", "below 0.5"
}

// RunURL links to a run in the editor, e.g. http://localhost:6789/pipelines/p/runs/<id>.
func RunURL(editorBase, pipeline, runID string) string {
	if editorBase == "" {
		return ""
	}
	return strings.TrimSuffix(editorBase, "/") + "/pipelines/" + url.PathEscape(pipeline) + "/runs/" + url.PathEscape(runID)
}

// Body renders p in format f (projects.FormatJSON, the default, or projects.FormatSlack).
func Body(f string, p Payload) ([]byte, error) {
	if f != projects.FormatSlack {
		return json.Marshal(p)
	}
	icon := ":white_check_mark:"
	if p.Status != "succeeded" {
		icon = ":x:"
	} else if len(p.Alerts) > 0 {
		icon = ":warning:"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s Pipeline *%s* %s in %s (run %s)", icon, p.Pipeline, p.Status,
		time.Duration(p.Duration*float64(time.Second)).Round(time.Millisecond), p.RunID)
	if p.FailedBlock != "" {
		fmt.Fprintf(&b, "\nBlock *%s* failed", p.FailedBlock)
	}
	if p.Error != "" {
		fmt.Fprintf(&b, "\n```%s```", p.Error)
	}
	for _, a := range p.Alerts {
		fmt.Fprintf(&b, "\nAlert: *%s* of block %s is %g, %s", a.Metric, a.Block, a.Value, a.Rule)
	}
	if p.URL != "" {
		fmt.Fprintf(&b, "\n<%s|Open the run>", p.URL)
	}
	return json.Marshal(map[string]string{"text": b.String()})
}

// Options configure a Notifier. The zero value works.
type Options struct {
	Client  *http.Client  // nil means a client without its own timeout
	Timeout time.Duration // per attempt; 0 means 10s
	// Retry is the delivery policy; the zero Policy means DefaultRetry.
	Retry retry.Policy
	Clock retry.Clock // nil means the wall clock
}

// DefaultRetry retries 4 times over about 15 s.
var DefaultRetry = retry.Policy{Count: 4, Delay: time.Second, Backoff: 2, MaxDelay: 30 * time.Second, Jitter: 0.1}

// Notifier delivers webhooks.
type Notifier struct{ o Options }

// New returns a Notifier.
func New(o Options) *Notifier {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Retry == (retry.Policy{}) {
		o.Retry = DefaultRetry
	}
	if o.Clock == nil {
		o.Clock = retry.Real{}
	}
	return &Notifier{o: o}
}

// Notify sends p to every hook that wants its status, one after another,
// and returns the delivery errors joined.
func (n *Notifier) Notify(ctx context.Context, hooks []projects.Notification, p Payload) error {
	var errs []error
	for _, h := range hooks {
		if !Wants(h, p.Status) && len(p.Alerts) == 0 {
			continue
		}
		if _, err := n.Send(ctx, h, p); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Send posts p to h, retrying as configured, and returns the attempts made.
// A hook that projects.Notification.Problems finds wrong is ErrInvalidHook, never sent.
func (n *Notifier) Send(ctx context.Context, h projects.Notification, p Payload) ([]retry.Attempt, error) {
	if ps := h.Problems(); len(ps) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidHook, strings.Join(ps, "; "))
	}
	body, err := Body(h.Format, p)
	if err != nil {
		return nil, err
	}
	attempts, err := retry.Do(ctx, n.o.Clock, n.o.Retry, func(ctx context.Context, _ int) error {
		return n.post(ctx, h.URL, body)
	})
	if err != nil {
		return attempts, fmt.Errorf("webhook %s: %w", redact(h.URL), err)
	}
	return attempts, nil
}

func (n *Notifier) post(ctx context.Context, u string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, n.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return retry.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "golem-notify")
	resp, err := n.o.Client.Do(req)
	if err != nil {
		return err // network error or timeout: retry
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("%w: %s: %s", ErrStatus, resp.Status, bytes.TrimSpace(msg))
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout {
		return err
	}
	return retry.Permanent(err)
}

// redact drops the path of a webhook URL from messages: Slack-style URLs carry their secret there.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(invalid url)"
	}
	return p.Scheme + "://" + p.Host + "/…"
}
