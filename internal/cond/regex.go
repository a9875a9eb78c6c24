package cond

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"unicode"
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
	p := Pred{Field: field, Op: OpRegex, Regex: re, Pattern: pattern, Flags: string(flags)}
	// Refuse now what ToSQL could not translate for PostgreSQL.
	if _, are, err := pgRegex(p); err != nil {
		return Pred{}, err
	} else if len(are) > maxARELen {
		return Pred{}, errTooComplex
	}
	return p, nil
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

// pgRegex returns the PostgreSQL operator and pattern of a regex
// predicate. The pattern is not the caller's text: it is re-written from the
// parsed RE2 syntax tree into a PostgreSQL ARE with the same meaning, so that
// the answer does not depend on where the two dialects differ (\b is a
// backspace in ARE, \w follows the locale, (?i) may only lead a pattern,
// repetition counts stop at 255, dot and anchors follow other newline rules).
// Case-insensitivity is spelt out in the pattern, so the operator is always ~.
func pgRegex(p Pred) (op, pattern string, err error) {
	src := p.Pattern
	if p.Flags != "" {
		src = "(?" + p.Flags + ")" + src
	}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	if err := writeARE(&b, re); err != nil {
		return "", "", err
	}
	return "~", b.String(), nil
}

// areWord is RE2's (ASCII) word character class.
const areWord = "[0-9A-Za-z_]"

// areRune writes r as an ARE character-entry escape (valid inside and
// outside bracket expressions), or as itself when it is an ASCII letter or
// digit.
func areRune(b *strings.Builder, r rune) {
	switch {
	case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		b.WriteRune(r)
	case r <= 0xFFFF:
		fmt.Fprintf(b, "\\u%04X", r)
	default:
		fmt.Fprintf(b, "\\U%08X", r)
	}
}

// areNever is a bracket expression that matches no character.
const areNever = "[^\\u0000-\\U0010FFFF]"

// maxARERepeat is PostgreSQL's largest repetition count (RE_DUP_MAX).
const maxARERepeat = 255

// maxARELen bounds the PostgreSQL form of one pattern (a 4 KiB pattern of
// Unicode classes would otherwise grow to megabytes).
const maxARELen = 256 << 10

var errTooComplex = fmt.Errorf("regular expression too complex (its PostgreSQL form exceeds %d bytes)", maxARELen)

func writeARE(b *strings.Builder, re *syntax.Regexp) error {
	if b.Len() > maxARELen {
		return errTooComplex
	}
	group := func(sub *syntax.Regexp) error {
		b.WriteString("(?:")
		if err := writeARE(b, sub); err != nil {
			return err
		}
		b.WriteString(")")
		return nil
	}
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteString(areNever)
	case syntax.OpEmptyMatch:
		b.WriteString("(?:)")
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && unicode.SimpleFold(r) != r {
				b.WriteByte('[')
				for f := r; ; {
					areRune(b, f)
					if f = unicode.SimpleFold(f); f == r {
						break
					}
				}
				b.WriteByte(']')
				continue
			}
			areRune(b, r)
		}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			b.WriteString(areNever)
			return nil
		}
		b.WriteByte('[')
		for i := 0; i+1 < len(re.Rune); i += 2 {
			areRune(b, re.Rune[i])
			if re.Rune[i+1] != re.Rune[i] {
				b.WriteByte('-')
				areRune(b, re.Rune[i+1])
			}
		}
		b.WriteByte(']')
	case syntax.OpAnyCharNotNL:
		b.WriteString("[^\\n]")
	case syntax.OpAnyChar:
		b.WriteString("[\\u0000-\\U0010FFFF]")
	case syntax.OpBeginLine:
		b.WriteString("(?:^|(?<=\\n))")
	case syntax.OpEndLine:
		b.WriteString("(?:$|(?=\\n))")
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpWordBoundary:
		b.WriteString("(?:(?<=" + areWord + ")(?!" + areWord + ")|(?<!" + areWord + ")(?=" + areWord + "))")
	case syntax.OpNoWordBoundary:
		b.WriteString("(?:(?<=" + areWord + ")(?=" + areWord + ")|(?<!" + areWord + ")(?!" + areWord + "))")
	case syntax.OpCapture:
		return group(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		// Greedy or not makes no difference to whether a string matches.
		if err := group(re.Sub[0]); err != nil {
			return err
		}
		b.WriteString(map[syntax.Op]string{syntax.OpStar: "*", syntax.OpPlus: "+", syntax.OpQuest: "?"}[re.Op])
	case syntax.OpRepeat:
		return writeRepeat(b, re.Sub[0], re.Min, re.Max)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := writeARE(b, sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteByte('|')
			}
			if err := writeARE(b, sub); err != nil {
				return err
			}
		}
		b.WriteString(")")
	default:
		return fmt.Errorf("cond: regular expression operator %v has no PostgreSQL form", re.Op)
	}
	return nil
}

// writeRepeat writes sub{min,max} (max -1: unbounded) with counts PostgreSQL
// accepts: x{n} with n > 255 becomes nested groups, x{n,m} becomes
// x{n}(?:x{0,m-n}).
func writeRepeat(b *strings.Builder, sub *syntax.Regexp, min, max int) error {
	exact := func(n int) error {
		// sub{n} = (sub{255}){n/255} sub{n%255}
		if n == 0 {
			return nil
		}
		if n > maxARERepeat {
			b.WriteString("(?:")
			if err := writeRepeat(b, sub, maxARERepeat, maxARERepeat); err != nil {
				return err
			}
			b.WriteString(")")
			if err := writeCount(b, n/maxARERepeat, n/maxARERepeat); err != nil {
				return err
			}
			return writeRepeat(b, sub, n%maxARERepeat, n%maxARERepeat)
		}
		b.WriteString("(?:")
		if err := writeARE(b, sub); err != nil {
			return err
		}
		b.WriteString(")")
		return writeCount(b, n, n)
	}
	switch {
	case max == -1:
		if err := exact(min); err != nil {
			return err
		}
		b.WriteString("(?:")
		if err := writeARE(b, sub); err != nil {
			return err
		}
		b.WriteString(")*")
		return nil
	case min == max:
		return exact(min)
	}
	if err := exact(min); err != nil {
		return err
	}
	// sub{0,k}: optional copies, nested so that counts stay small.
	for k := max - min; k > 0; {
		n := k
		if n > maxARERepeat {
			n = maxARERepeat
		}
		b.WriteString("(?:")
		if err := writeARE(b, sub); err != nil {
			return err
		}
		b.WriteString(")")
		if err := writeCount(b, 0, n); err != nil {
			return err
		}
		k -= n
	}
	return nil
}

func writeCount(b *strings.Builder, min, max int) error {
	if min == 1 && max == 1 {
		return nil
	}
	if max > maxARERepeat {
		return fmt.Errorf("cond: repetition count %d too large", max)
	}
	if min == max {
		fmt.Fprintf(b, "{%d}", min)
	} else {
		fmt.Fprintf(b, "{%d,%d}", min, max)
	}
	return nil
}
