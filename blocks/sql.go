package blocks

import (
	"errors"
	"fmt"
	"go/token"
	"path"
	"strings"
)

// SQLExt is the extension of SQL block files: the runtime runs them on an embedded DuckDB.
const SQLExt = ".sql"

// IsSQL reports whether file is a SQL block file.
func IsSQL(file string) bool { return path.Ext(file) == SQLExt }

// TakesSQL reports whether blocks of kind k may be SQL files (data loaders, transformers, data
// exporters and custom blocks; a sensor's answer is a bool, a markdown block does not run).
func (k Kind) TakesSQL() bool {
	return k == DataLoader || k == Transformer || k == DataExporter || k == Custom
}

// frameType is the type every SQL block returns.
var frameType = Type{Display: "*frame.Frame", Key: "*" + ModulePath + "/frame.Frame"}

// Parse parses the block file named file of kind k: a Go file (ParseSource) or a SQL file
// (ParseSQL), by its extension.
func Parse(file string, src []byte, k Kind) (*Source, error) {
	if IsSQL(file) {
		return ParseSQL(file, src, k)
	}
	return ParseSource(file, src, k)
}

// ParseSQL checks the SQL block file named file of kind k. Its statements are checked by DuckDB when
// the block runs; here a SQL block gets the signature every SQL block has: each upstream's
// *frame.Frame in (as a table named after the upstream), the last statement's result out.
func ParseSQL(file string, src []byte, k Kind) (*Source, error) {
	pos := token.Position{Filename: file, Line: 1, Column: 1}
	s := &Source{File: file, Kind: k, SQL: true}
	if !k.TakesSQL() {
		return s, &PosError{Pos: pos, Err: fmt.Errorf("a %s block cannot be SQL: data loaders, transformers, data exporters and custom blocks can", k)}
	}
	if !hasStatement(string(src)) {
		return s, &PosError{Pos: pos, Err: errors.New("no SQL statement: a SQL block's last statement gives its output (SELECT … FROM upstream)")}
	}
	s.Connection, s.ConnectionLine = sqlConnection(string(src))
	if s.ConnectionLine > 0 && !validProfileName(s.Connection) {
		return s, &PosError{Pos: token.Position{Filename: file, Line: s.ConnectionLine, Column: 1},
			Err: fmt.Errorf("%s %q: name a postgres connection profile of golem.yaml ([a-z0-9_]+)", SQLConnectionHeader, s.Connection)}
	}
	t := frameType
	t.Pos = pos
	s.Entry = &Func{Name: "SQL", Pos: pos, HasCtx: true, Results: []Type{t}}
	return s, nil
}

// SQLConnectionHeader starts the header line that runs a SQL block on a PostgreSQL connection
// profile instead of DuckDB: "-- connection: warehouse", among the comment lines at the top.
const SQLConnectionHeader = "-- connection:"

// sqlConnection returns the profile a SQL block's header names, and the header's line; "" when
// the leading comment lines name none.
func sqlConnection(src string) (string, int) {
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			return "", 0
		}
		if rest, ok := strings.CutPrefix(line, SQLConnectionHeader); ok {
			return strings.TrimSpace(rest), i + 1
		}
	}
	return "", 0
}

func validProfileName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// hasStatement reports whether src holds anything but space, semicolons and comments.
func hasStatement(src string) bool {
	for src != "" {
		switch {
		case strings.HasPrefix(src, "--"):
			i := strings.IndexByte(src, '\n')
			if i < 0 {
				return false
			}
			src = src[i:]
		case strings.HasPrefix(src, "/*"):
			i := strings.Index(src, "*/")
			if i < 0 {
				return false
			}
			src = src[i+2:]
		case strings.ContainsRune(" \t\r\n;", rune(src[0])):
			src = src[1:]
		default:
			return true
		}
	}
	return false
}

// sqlTemplate is the SQL a new block of kind k starts with; upstream names the tables it reads.
func sqlTemplate(k Kind, name string, o TemplateOptions) (string, error) {
	if !k.TakesSQL() {
		return "", fmt.Errorf("no template sql for a %s block: data loaders, transformers, data exporters and custom blocks can be SQL", k)
	}
	from := "upstream_block"
	if len(o.Upstream) > 0 {
		from = o.Upstream[0]
	}
	if strings.ContainsAny(from, `" `) {
		from = `"` + strings.ReplaceAll(from, `"`, `""`) + `"`
	}
	head := "-- " + name + ": a SQL block, run by DuckDB. Each upstream block's output is a table named\n" +
		"-- after it; variables are named parameters ($name); relative paths are the project's.\n"
	switch k {
	case DataLoader:
		source := o.Source
		if source == "" {
			source = "data/green/2023/01.parquet"
		}
		reader := "read_parquet"
		if strings.HasSuffix(source, ".csv") {
			reader = "read_csv"
		}
		return head + "SELECT *\nFROM " + reader + "('" + strings.ReplaceAll(source, "'", "''") + "')\n", nil
	case Transformer, Custom:
		return head + "SELECT *\nFROM " + from + "\nWHERE true\n", nil
	}
	return head + "COPY (SELECT * FROM " + from + ") TO 'output/" + name + ".parquet' (FORMAT parquet)\n", nil
}
