package cond

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// regexPred builds an OpRegex predicate from a MongoDB pattern and option
// string. Options: i (case-insensitive), m (^ and $ at line breaks), s (dot
// matches newline), x (extended: unescaped white space and #-comments
// outside character classes are removed), u (accepted, no effect: matching
// is always UTF-8). The pattern is compiled with Go's regexp (RE2 syntax);
// PCRE-only constructs such as look-around or back-references are refused.
func regexPred(field, pattern, options string, maxLen int) (Pred, error) {
	if len(pattern) > maxLen {
		return Pred{}, fmt.Errorf("regular expression longer than %d bytes", maxLen)
	}
	var flags []byte
	extended := false
	for i := 0; i < len(options); i++ {
		switch c := options[i]; c {
		case 'i', 'm', 's':
			if !strings.ContainsRune(string(flags), rune(c)) {
				flags = append(flags, c)
			}
		case 'x':
			extended = true
		case 'u':
		default:
			return Pred{}, fmt.Errorf("invalid regular expression option %q", string(c))
		}
	}
	sort.Slice(flags, func(a, b int) bool { return flags[a] < flags[b] })
	if extended {
		pattern = stripExtended(pattern)
	}
	src := pattern
	if len(flags) > 0 {
		src = "(?" + string(flags) + ")" + pattern
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return Pred{}, err
	}
	return Pred{Field: field, Op: OpRegex, Regex: re, Pattern: pattern, Flags: string(flags)}, nil
}

// stripExtended applies PCRE's extended mode: white space outside character
// classes is dropped unless escaped, and '#' starts a comment that runs to
// the end of the line.
func stripExtended(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			b.WriteByte(c)
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
			}
		case inClass:
			b.WriteByte(c)
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal member.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
				b.WriteByte(p[i])
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
				b.WriteByte(p[i])
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
		case c == '#':
			for i+1 < len(p) && p[i+1] != '\n' {
				i++
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// regexCache keeps compiled patterns for SQLiteRegexp.
var regexCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

const regexCacheMax = 1024

// SQLiteRegexp is the function a SQLite store must register as
// regexp(pattern TEXT, value TEXT) -> INTEGER (2 arguments, deterministic):
// ToSQL's SQLite dialect writes `regexp(?, <column>)` with the pattern as a
// bound parameter. The pattern uses Go regexp (RE2) syntax with the flags as
// a "(?ims)" prefix, exactly Pred.Regex.String(). It reports whether value
// matches; the store returns 1 or 0 (and NULL when value is NULL, which ToSQL
// never lets happen). Compiled patterns are cached.
//
// With modernc.org/sqlite:
//
//	sqlite.MustRegisterDeterministicScalarFunction("regexp", 2,
//		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
//			p, _ := args[0].(string)
//			s, ok := args[1].(string)
//			if !ok { return nil, nil }
//			m, err := cond.SQLiteRegexp(p, s)
//			if err != nil { return nil, err }
//			if m { return int64(1), nil }
//			return int64(0), nil
//		})
func SQLiteRegexp(pattern, value string) (bool, error) {
	regexCache.Lock()
	re, ok := regexCache.m[pattern]
	regexCache.Unlock()
	if !ok {
		var err error
		re, err = regexp.Compile(pattern)
		if err != nil {
			return false, err
		}
		regexCache.Lock()
		if regexCache.m == nil || len(regexCache.m) >= regexCacheMax {
			regexCache.m = make(map[string]*regexp.Regexp)
		}
		regexCache.m[pattern] = re
		regexCache.Unlock()
	}
	return re.MatchString(value), nil
}

// SQLiteRegexpFuncName is the SQL function name ToSQL uses for SQLite.
const SQLiteRegexpFuncName = "regexp"

// pgRegex returns the PostgreSQL operator (~ or ~*) and the pattern with
// PostgreSQL ARE embedded options that give MongoDB's newline rules:
// without s the dot and bracket expressions do not match a newline, with m
// the anchors match at line breaks.
func pgRegex(p Pred) (op, pattern string) {
	op = "~"
	if strings.Contains(p.Flags, "i") {
		op = "~*"
	}
	m, s := strings.Contains(p.Flags, "m"), strings.Contains(p.Flags, "s")
	var opt string
	switch {
	case !m && !s:
		opt = "p"
	case m && !s:
		opt = "n"
	case m && s:
		opt = "w"
	}
	if opt != "" {
		return op, "(?" + opt + ")" + p.Pattern
	}
	return op, p.Pattern
}
