package runtime

import (
	"fmt"
	"testing"
)

func TestBindNames(t *testing.T) {
	vars := map[string]any{"a": "x'y", "b": int64(2)}
	for _, tc := range []struct{ in, want, args string }{
		{"SELECT $a, $b, $a", "SELECT $1, $2, $1", "[x'y 2]"},
		{"SELECT '$a', \"$b\", $a -- $b\n", "SELECT '$a', \"$b\", $1 -- $b\n", "[x'y]"},
		{"SELECT 'it''s $a' || $b /* $a */", "SELECT 'it''s $a' || $1 /* $a */", "[2]"},
		{"SELECT $$ $a $$, $fn$ $b $fn$, $b", "SELECT $$ $a $$, $fn$ $b $fn$, $1", "[2]"},
		{"SELECT x::text FROM t", "SELECT x::text FROM t", "[]"},
	} {
		got, args, err := bindNames(tc.in, vars)
		if err != nil || got != tc.want || fmt.Sprint(args) != tc.args {
			t.Errorf("bindNames(%q) = %q %v %v, want %q %s", tc.in, got, args, err, tc.want, tc.args)
		}
	}
	for _, bad := range []string{"SELECT $c", "SELECT $1"} {
		if _, _, err := bindNames(bad, vars); err == nil {
			t.Errorf("bindNames(%q) accepted", bad)
		}
	}
}
