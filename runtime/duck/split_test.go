package duck

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Statement
	}{
		{"one", "SELECT 1", []Statement{{"SELECT 1", 1, 1}}},
		{"trailing semicolon and space", "\n  SELECT 1;\n\n", []Statement{{"SELECT 1", 2, 3}}},
		{"two with lines", "CREATE TABLE t AS SELECT 1 AS a;\nSELECT a\nFROM t;", []Statement{
			{"CREATE TABLE t AS SELECT 1 AS a", 1, 1}, {"SELECT a\nFROM t", 2, 1}}},
		{"semicolon in a string", "SELECT 'a;b', \"c;d\"; SELECT 2", []Statement{
			{"SELECT 'a;b', \"c;d\"", 1, 1}, {"SELECT 2", 1, 22}}},
		{"escaped quote", "SELECT 'it''s; here'", []Statement{{"SELECT 'it''s; here'", 1, 1}}},
		{"comments", "-- a; comment\n/* b; c */ SELECT 1 -- x;\n; -- only a comment;", []Statement{
			{"SELECT 1 -- x;", 2, 12}}},
		{"dollar quoting and parameters", "SELECT $$a;b$$, $tag$c;d$tag$ WHERE x = $zone; SELECT $1", []Statement{
			{"SELECT $$a;b$$, $tag$c;d$tag$ WHERE x = $zone", 1, 1}, {"SELECT $1", 1, 48}}},
		{"empty", " ;; -- nothing\n", nil},
		{"unterminated string keeps the rest", "SELECT 'abc; def", []Statement{{"SELECT 'abc; def", 1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Split(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}
