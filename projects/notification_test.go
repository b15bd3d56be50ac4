package projects

import (
	"strings"
	"testing"
)

func TestNotification_Problems(t *testing.T) {
	tests := []struct {
		name string
		n    Notification
		want []string // one substring per problem
	}{
		{"ok", Notification{URL: "https://hooks.example.com/x", On: []string{"failure", "success"}, Format: "slack"}, nil},
		{"default on and format", Notification{URL: "http://x"}, nil},
		{"file url", Notification{URL: "file:///etc/passwd"}, []string{"not an http(s) URL"}},
		{"both is not an outcome", Notification{URL: "http://x", On: []string{"both"}}, []string{`unknown event "both"`}},
		{"everything wrong", Notification{URL: "x", On: []string{"always"}, Format: "xml"}, []string{"URL", "always", "xml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.n.Problems()
			if len(got) != len(tt.want) {
				t.Fatalf("problems %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %q lacks %q", got[i], w)
				}
			}
		})
	}
}
