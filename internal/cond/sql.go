package cond

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a fixed column.
type Kind uint8

// Column kinds.
const (
	// KindInt64: an integer column (SQLite INTEGER, PostgreSQL bigint).
	KindInt64 Kind = iota + 1
	// KindString: a text column with bytewise (BINARY / deterministic)
	// collation for equality; range comparisons force bytewise order.
	KindString
	// KindBool: SQLite INTEGER 0/1, PostgreSQL boolean.
	KindBool
	// KindTime: a date column. PostgreSQL timestamptz, bound as time.Time.
	// SQLite: TEXT holding UTC "2006-01-02T15:04:05.000Z" (millisecond
	// precision, as MongoDB dates), bound in the same format.
	KindTime
)

// SQLiteTimeFormat is the text form of KindTime columns on SQLite.
const SQLiteTimeFormat = "2006-01-02T15:04:05.000Z"

// Column describes how a document field is stored in a fixed-column table.
type Column struct {
	// Expr is the trusted SQL expression of the column, e.g. `bk_obj_id`
	// or `a."id"`. It comes from code, never from a request.
	Expr string
	Kind Kind
	// Nullable says the column can be NULL.
	Nullable bool
	// NullIsMissing makes a NULL mean "the document has no such field".
	// By default a NULL is a field present with the value null (as stored
	// by bk-cmdb for e.g. ispre).
	NullIsMissing bool
}

// ColumnSet maps a document field (dotted path, as written in conditions)
// to its column. Every row has every column; a field that is not in the set
// is missing from every row.
type ColumnSet map[string]Column

// Dialect selects the SQL flavour.
type Dialect uint8

// Dialects.
const (
	// SQLite: "?" placeholders; regular expressions call
	// regexp(pattern, value), registered by the store (SQLiteRegexp).
	SQLite Dialect = iota + 1
	// Postgres: $1, $2, … placeholders in order of appearance, never
	// reused; regular expressions use `value ~ pattern` where the pattern
	// is re-written from the parsed RE2 tree into an equivalent ARE (case
	// folding, newline rules, word boundaries and repetition counts spelt
	// out), so PostgreSQL answers as Go's regexp does.
	Postgres
)

// ToSQL translates e into a boolean SQL expression for a table with fixed
// columns. Every value from the condition is returned in args and appears in
// where only as a placeholder; column expressions come from cols. The
// expression never evaluates to NULL, so NOT and the caller's own AND / OR
// are safe.
//
// The answers are MongoDB's (see Match): a type mismatch (a string against
// an int64 column, a number against a text column, an array or object
// against any column) is "no match", never a cast error; numbers against
// int64 columns are compared exactly (bounds are rounded in Go, e.g. > 1.5
// becomes > 1, = 1.5 is false); regular expressions and $size never match
// non-text / non-array columns.
func ToSQL(e Expr, cols ColumnSet, d Dialect) (where string, args []any, err error) {
	if d != SQLite && d != Postgres {
		return "", nil, fmt.Errorf("cond: unknown dialect %d", d)
	}
	t := &sqlGen{cols: cols, d: d}
	s, _, err := t.expr(e)
	if err != nil {
		return "", nil, err
	}
	return s, t.args, nil
}

const (
	sqlTrue  = "1=1"
	sqlFalse = "1=0"
)

// constness of a generated expression.
type constness int8

const (
	varying constness = iota
	always
	never
)

type sqlGen struct {
	cols ColumnSet
	d    Dialect
	args []any
}

func (t *sqlGen) arg(v any) string {
	t.args = append(t.args, v)
	if t.d == Postgres {
		return "$" + strconv.Itoa(len(t.args))
	}
	return "?"
}

func constSQL(c constness) (string, constness, error) {
	if c == always {
		return sqlTrue, always, nil
	}
	return sqlFalse, never, nil
}

func (t *sqlGen) expr(e Expr) (string, constness, error) {
	switch x := e.(type) {
	case True:
		return constSQL(always)
	case False:
		return constSQL(never)
	case And:
		return t.list(x, " AND ", never)
	case Or:
		return t.list(x, " OR ", always)
	case Nor:
		s, c, err := t.list(x, " OR ", always)
		if err != nil {
			return "", 0, err
		}
		return negate(s, c)
	case Not:
		s, c, err := t.expr(x.X)
		if err != nil {
			return "", 0, err
		}
		return negate(s, c)
	case Pred:
		return t.pred(x)
	case nil:
		return "", 0, errors.New("cond: nil expression")
	}
	return "", 0, fmt.Errorf("cond: unknown expression %T", e)
}

func negate(s string, c constness) (string, constness, error) {
	switch c {
	case always:
		return constSQL(never)
	case never:
		return constSQL(always)
	}
	return "NOT (" + s + ")", varying, nil
}

// list joins items with sep; absorbing is the constant that decides the
// whole list (never for AND, always for OR). When an item folds to a
// constant, the arguments it bound are dropped again (and all of the list's
// when the list itself folds) so that placeholders stay in step.
func (t *sqlGen) list(items []Expr, sep string, absorbing constness) (string, constness, error) {
	neutral := always
	if absorbing == always {
		neutral = never
	}
	start := len(t.args)
	parts := make([]string, 0, len(items))
	for _, it := range items {
		mark := len(t.args)
		s, c, err := t.expr(it)
		if err != nil {
			return "", 0, err
		}
		switch c {
		case absorbing:
			t.args = t.args[:start]
			return constSQL(absorbing)
		case neutral:
			t.args = t.args[:mark]
			continue
		}
		parts = append(parts, s)
	}
	switch len(parts) {
	case 0:
		return constSQL(neutral)
	case 1:
		return parts[0], varying, nil
	}
	return "(" + strings.Join(parts, sep) + ")", varying, nil
}

// placeholderLike reports whether a column expression contains something
// that reads as a placeholder of the dialect.
func placeholderLike(s string, d Dialect) bool {
	if d == SQLite {
		return strings.Contains(s, "?")
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '$' && s[i+1] >= '0' && s[i+1] <= '9' {
			return true
		}
	}
	return false
}

func (t *sqlGen) pred(p Pred) (string, constness, error) {
	col, ok := t.cols[p.Field]
	if !ok {
		return constSQL(missingAnswer(p))
	}
	if col.Expr == "" {
		return "", 0, fmt.Errorf("cond: column of field %q has no expression", p.Field)
	}
	if placeholderLike(col.Expr, t.d) {
		return "", 0, fmt.Errorf("cond: column expression of field %q looks like a placeholder", p.Field)
	}
	c := col.Expr
	// guard wraps a comparison that is NULL on a NULL column so that the
	// result is FALSE there instead.
	guard := func(s string) (string, constness, error) {
		if col.Nullable {
			return "(" + c + " IS NOT NULL AND " + s + ")", varying, nil
		}
		return s, varying, nil
	}
	isNull := func() (string, constness, error) {
		if col.Nullable {
			return c + " IS NULL", varying, nil
		}
		return constSQL(never)
	}
	switch p.Op {
	case OpExists:
		want, _ := p.Value.(bool)
		if col.Nullable && col.NullIsMissing {
			if want {
				return c + " IS NOT NULL", varying, nil
			}
			return c + " IS NULL", varying, nil
		}
		if want {
			return constSQL(always)
		}
		return constSQL(never)
	case OpEq:
		if p.Value == nil {
			return isNull()
		}
		v, ok := t.colValue(col, p.Value)
		if !ok {
			return constSQL(never)
		}
		return guard(c + " = " + t.arg(v))
	case OpIn:
		vals, _ := p.Value.([]any)
		var ph []string
		hasNull := false
		for _, v := range vals {
			if v == nil {
				hasNull = true
				continue
			}
			if cv, ok := t.colValue(col, v); ok {
				ph = append(ph, t.arg(cv))
			}
		}
		var parts []string
		switch len(ph) {
		case 0:
		case 1:
			s, _, _ := guard(c + " = " + ph[0])
			parts = append(parts, s)
		default:
			s, _, _ := guard(c + " IN (" + strings.Join(ph, ", ") + ")")
			parts = append(parts, s)
		}
		if hasNull && col.Nullable {
			parts = append(parts, c+" IS NULL")
		}
		switch len(parts) {
		case 0:
			return constSQL(never)
		case 1:
			return parts[0], varying, nil
		}
		return "(" + strings.Join(parts, " OR ") + ")", varying, nil
	case OpGt, OpGte, OpLt, OpLte:
		if p.Value == nil {
			if p.Op == OpGte || p.Op == OpLte {
				return isNull()
			}
			return constSQL(never)
		}
		return t.compare(col, p.Op, p.Value, guard)
	case OpRegex:
		if col.Kind != KindString {
			return constSQL(never)
		}
		if p.Regex == nil {
			return "", 0, fmt.Errorf("cond: regex predicate on %q without a compiled pattern", p.Field)
		}
		if t.d == Postgres {
			op, pat, err := pgRegex(p)
			if err != nil {
				return "", 0, err
			}
			return guard(c + " " + op + " " + t.arg(pat))
		}
		return guard(SQLiteRegexpFuncName + "(" + t.arg(p.Regex.String()) + ", " + c + ")")
	case OpSize:
		return constSQL(never)
	}
	return "", 0, fmt.Errorf("cond: unknown operator %v", p.Op)
}

// missingAnswer is the constant answer of a predicate on a field that no
// row has.
func missingAnswer(p Pred) constness {
	yes := func(b bool) constness {
		if b {
			return always
		}
		return never
	}
	switch p.Op {
	case OpEq:
		return yes(p.Value == nil)
	case OpIn:
		vals, _ := p.Value.([]any)
		for _, v := range vals {
			if v == nil {
				return always
			}
		}
		return never
	case OpExists:
		want, _ := p.Value.(bool)
		return yes(!want)
	case OpGte, OpLte:
		return yes(p.Value == nil)
	}
	return never
}

// colValue converts a condition value to the Go value bound for an
// equality against col; ok is false when the value can never equal a
// value of the column.
func (t *sqlGen) colValue(col Column, v any) (any, bool) {
	switch col.Kind {
	case KindInt64:
		n, ok := toNumber(v)
		if !ok {
			return nil, false
		}
		return n.integral()
	case KindString:
		s, ok := v.(string)
		if ok && t.d == Postgres && strings.IndexByte(s, 0) >= 0 {
			// PostgreSQL text cannot hold NUL: no stored value equals s.
			return nil, false
		}
		return s, ok
	case KindBool:
		b, ok := v.(bool)
		return b, ok
	case KindTime:
		tm, ok := v.(time.Time)
		if !ok {
			return nil, false
		}
		return t.timeArg(tm), true
	}
	return nil, false
}

func (t *sqlGen) timeArg(tm time.Time) any {
	if t.d == SQLite {
		return tm.UTC().Format(SQLiteTimeFormat)
	}
	return tm
}

var sqlCmp = map[Op]string{OpGt: " > ", OpGte: " >= ", OpLt: " < ", OpLte: " <= "}

// compare translates a range comparison with a non-null operand.
func (t *sqlGen) compare(col Column, op Op, v any, guard func(string) (string, constness, error)) (string, constness, error) {
	c := col.Expr
	notNull := func() (string, constness, error) {
		if col.Nullable {
			return c + " IS NOT NULL", varying, nil
		}
		return constSQL(always)
	}
	switch col.Kind {
	case KindInt64:
		n, ok := toNumber(v)
		if !ok {
			return constSQL(never)
		}
		bound, res := intBound(op, n)
		switch res {
		case boundAll:
			return notNull()
		case boundNone:
			return constSQL(never)
		}
		return guard(c + sqlCmp[op] + t.arg(bound))
	case KindString:
		s, ok := v.(string)
		if !ok {
			return constSQL(never)
		}
		if t.d == Postgres {
			if i := strings.IndexByte(s, 0); i >= 0 {
				// PostgreSQL text cannot hold NUL, and no stored string
				// lies strictly between P and P+"\x00"+rest (P = s[:i]):
				// "< or <= s" is "<= P", "> or >= s" is "> P".
				s = s[:i]
				if op == OpLt || op == OpLte {
					op = OpLte
				} else {
					op = OpGt
				}
			}
			return guard(c + ` COLLATE "C"` + sqlCmp[op] + t.arg(s))
		}
		return guard(c + " COLLATE BINARY" + sqlCmp[op] + t.arg(s))
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return constSQL(never)
		}
		// false < true: each comparison is "any", "none" or one value.
		var want bool
		switch {
		case op == OpGt && !b, op == OpGte && b:
			want = true
		case op == OpLt && b, op == OpLte && !b:
			want = false
		case op == OpGte && !b, op == OpLte && b:
			return notNull()
		default: // > true, < false
			return constSQL(never)
		}
		return guard(c + " = " + t.arg(want))
	case KindTime:
		tm, ok := v.(time.Time)
		if !ok {
			return constSQL(never)
		}
		return guard(c + sqlCmp[op] + t.arg(t.timeArg(tm)))
	}
	return constSQL(never)
}

type boundResult int8

const (
	boundValue boundResult = iota
	boundAll               // every non-null value satisfies the comparison
	boundNone              // no value does
)

// intBound rewrites "col op n" for an int64 column as "col op bound" with
// an int64 bound, or decides it outright.
func intBound(op Op, n number) (int64, boundResult) {
	if n.isInt {
		return n.i, boundValue
	}
	f := n.f
	if math.IsNaN(f) {
		return 0, boundNone
	}
	switch op {
	case OpGt, OpLte: // col > f ⇔ col > floor(f); col <= f ⇔ col <= floor(f)
		if f >= twoTo63 {
			if op == OpGt {
				return 0, boundNone
			}
			return 0, boundAll
		}
		if f < -twoTo63 {
			if op == OpGt {
				return 0, boundAll
			}
			return 0, boundNone
		}
		return int64(math.Floor(f)), boundValue
	default: // OpGte, OpLt: col >= f ⇔ col >= ceil(f); col < f ⇔ col < ceil(f)
		cf := math.Ceil(f)
		if cf >= twoTo63 {
			if op == OpGte {
				return 0, boundNone
			}
			return 0, boundAll
		}
		if cf <= -twoTo63 {
			// ceil(f) ≤ MinInt64: col >= f holds for all, col < f for none
			// (ceil(f) == -2^63 exactly is MinInt64 itself).
			if cf == -twoTo63 {
				return math.MinInt64, boundValue
			}
			if op == OpGte {
				return 0, boundAll
			}
			return 0, boundNone
		}
		return int64(cf), boundValue
	}
}
