package duck

import "strings"

// Statement is one statement of a SQL script with where it starts in the file.
type Statement struct {
	Text string
	Line int // 1-based line of the statement's first character in the file
	Col  int // 1-based column of that character
}

// Split cuts a script into statements at semicolons outside quotes, identifiers, comments and
// dollar-quoted strings. Statements that hold only space and comments are dropped.
func Split(script string) []Statement {
	var out []Statement
	start, line, col := 0, 1, 1
	sLine, sCol := 1, 1
	started := false // a non-space, non-comment character has been seen in this statement
	flush := func(end int) {
		if started {
			out = append(out, Statement{Text: strings.TrimSpace(script[start:end]), Line: sLine, Col: sCol})
		}
		started = false
	}
	mark := func(i int) {
		if !started {
			start, sLine, sCol, started = i, line, col, true
		}
	}
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	i := 0
	for i < len(script) {
		c := script[i]
		switch {
		case c == ';':
			flush(i)
			advance(";")
			i++
		case c == '-' && strings.HasPrefix(script[i:], "--"):
			j := strings.IndexByte(script[i:], '\n')
			if j < 0 {
				j = len(script) - i
			}
			advance(script[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(script[i:], "/*"):
			j := strings.Index(script[i+2:], "*/")
			end := len(script)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			advance(script[i:end])
			i = end
		case c == '\'' || c == '"':
			mark(i)
			end := quoted(script, i, c)
			advance(script[i:end])
			i = end
		case c == '$':
			mark(i)
			end := i + 1
			if tag, ok := dollarTag(script[i:]); ok {
				if j := strings.Index(script[i+len(tag):], tag); j >= 0 {
					end = i + len(tag) + j + len(tag)
				} else {
					end = len(script)
				}
			}
			advance(script[i:end])
			i = end
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			advance(script[i : i+1])
			i++
		default:
			mark(i)
			advance(script[i : i+1])
			i++
		}
	}
	flush(len(script))
	return out
}

// quoted returns the index just past the quoted text starting at i (a doubled quote escapes one).
func quoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// dollarTag returns the opening tag of a dollar-quoted string ($$ or $tag$) at the start of s; a
// parameter ($months) is not one.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return "", false
}
