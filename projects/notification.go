package projects

import (
	"fmt"
	"net/url"
)

// Notification outcomes: the values of a notification's on list.
const (
	OnFailure = "failure"
	OnSuccess = "success"
)

// Notification formats: the body a webhook receives (json is the default).
const (
	FormatJSON  = "json"
	FormatSlack = "slack"
)

// Problems returns what is wrong with n, one phrase each: a URL that is not http(s), an unknown
// outcome or format. It is the one validator of notifications: Load reports its problems with
// the line, and runtime/notify checks a hook with it before sending.
func (n Notification) Problems() []string {
	var out []string
	if u, err := url.Parse(n.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		out = append(out, fmt.Sprintf("url %q is not an http(s) URL", n.URL))
	}
	for _, on := range n.On {
		if on != OnSuccess && on != OnFailure {
			out = append(out, fmt.Sprintf("unknown event %q (want %s, %s)", on, OnSuccess, OnFailure))
		}
	}
	if n.Format != "" && n.Format != FormatJSON && n.Format != FormatSlack {
		out = append(out, fmt.Sprintf("unknown format %q (want %s, %s)", n.Format, FormatJSON, FormatSlack))
	}
	return out
}
