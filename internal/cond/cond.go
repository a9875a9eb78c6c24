// Package cond turns every condition language bk-cmdb accepts into one typed
// condition tree, evaluates that tree in memory with MongoDB's semantics and
// translates it to SQL whose only user-supplied parts are bound parameters.
//
// Languages (shared/spec/models-and-instances.md §0.1, associations.md §0.7):
//
//   - A and B, raw MongoDB filter maps: ParseMongo. One allowlist for both:
//     implicit equality, $eq $ne $gt $gte $lt $lte $in $nin $exists $regex
//     $options $not $and $or $nor. Any other key starting with "$", at any
//     depth and inside arrays too, is refused with 1199998
//     `operator "<op>" is forbidden`.
//   - C, querybuilder rule trees: ParseQueryBuilder.
//   - D, pkg/filter expressions: ParseFilter / ParseFilterOpts.
//
// The tree is deliberately small: And, Or, Nor, Not, True, False and one
// field predicate Pred with the operators Eq Gt Gte Lt Lte In Exists Regex
// Size. "Not equal" and "not in" are Not{Pred{Eq}} and Not{Pred{In}}: MongoDB
// defines $ne/$nin exactly as the negation of $eq/$in (missing fields and
// nulls included), so no separate operator is needed.
//
// Match evaluates a tree against a JSON document; ToSQL translates it for a
// table with fixed columns. Both give MongoDB's answer; the package tests
// check them against each other on an in-memory SQLite (and, when
// CMDB_COND_PSQL names a server, on PostgreSQL through psql).
//
// Nothing from a condition ever becomes SQL text: field names only select a
// column of the ColumnSet (code-defined expressions), values are bound
// parameters. Regular expressions are Go (RE2) patterns: SQLite stores
// register SQLiteRegexp as regexp(pattern, value); for PostgreSQL the
// pattern is re-written into an equivalent ARE.
//
// Where cmdb answers differently from bk-cmdb on purpose (the allowlist,
// limits, RE2 instead of PCRE, comparisons against arrays/objects refused)
// the answer is a 1199998 / 1199006 error, never a different result set.
package cond

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Expr is a node of a condition tree: And, Or, Nor, Not, True, False or Pred.
type Expr interface{ isExpr() }

// And matches when every element matches (an empty And matches everything).
type And []Expr

// Or matches when at least one element matches (an empty Or matches nothing).
type Or []Expr

// Nor matches when no element matches.
type Nor []Expr

// Not negates X.
type Not struct{ X Expr }

// True matches every document.
type True struct{}

// False matches no document.
type False struct{}

// Op is the operator of a field predicate.
type Op uint8

// Field predicate operators.
const (
	// OpEq: the field equals Value. Value is nil, bool, a number, string,
	// time.Time, []any or map[string]any (exact sub-document match). A null
	// Value also matches a missing field; an array field matches when the
	// whole array or one of its elements equals Value.
	OpEq Op = iota + 1
	// OpGt, OpGte, OpLt, OpLte compare within one type class (numbers with
	// numbers, strings with strings, bools with bools, dates with dates).
	// Value is nil, bool, a number, string or time.Time; a nil Value makes
	// Gte/Lte behave as Eq nil and Gt/Lt match nothing (MongoDB).
	OpGt
	OpGte
	OpLt
	OpLte
	// OpIn: the field equals one of the values in Value ([]any).
	OpIn
	// OpExists: Value (bool) says whether the field must be present.
	OpExists
	// OpRegex: the field is a string matched by Regex (Pattern, Flags).
	OpRegex
	// OpSize: the field is an array of exactly Value (int64) elements.
	OpSize
)

var opNames = [...]string{OpEq: "$eq", OpGt: "$gt", OpGte: "$gte", OpLt: "$lt", OpLte: "$lte",
	OpIn: "$in", OpExists: "$exists", OpRegex: "$regex", OpSize: "$size"}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Pred is a predicate on one field.
type Pred struct {
	// Field is a dotted path into the document ("a.b" = field b of
	// sub-document a; through arrays as MongoDB does).
	Field string
	Op    Op
	// Value is the operand; its type per operator is documented on Op.
	// Numbers are json.Number (parsers) or any Go integer / float type.
	Value any
	// Regex is set for OpRegex: Pattern compiled with Flags as a "(?flags)"
	// prefix, RE2 syntax.
	Regex *regexp.Regexp
	// Pattern is the regular expression without flags (MongoDB's x option
	// already applied: white space and #-comments removed).
	Pattern string
	// Flags is a sorted subset of "ims" (case-insensitive, multi-line
	// anchors, dot matches newline).
	Flags string
}

func (And) isExpr()   {}
func (Or) isExpr()    {}
func (Nor) isExpr()   {}
func (Not) isExpr()   {}
func (True) isExpr()  {}
func (False) isExpr() {}
func (Pred) isExpr()  {}

// Limits bound what a caller can make the server do with one condition. The
// defaults are far above legitimate use; past them the parsers answer a
// 1199006 parameter error. A zero field takes its default.
type Limits struct {
	// MaxDepth bounds the JSON nesting depth of a condition (objects and
	// arrays). Default 32.
	MaxDepth int
	// MaxPredicates bounds the number of field predicates. Default 10 000.
	MaxPredicates int
	// MaxInItems bounds the values of one $in / $nin / in / not_in.
	// Default 10 000.
	MaxInItems int
	// MaxRegexLen bounds the length in bytes of one regular expression.
	// Default 4096.
	MaxRegexLen int
}

// Default limits.
const (
	DefaultMaxDepth      = 32
	DefaultMaxPredicates = 10000
	DefaultMaxInItems    = 10000
	DefaultMaxRegexLen   = 4096
)

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{MaxDepth: DefaultMaxDepth, MaxPredicates: DefaultMaxPredicates,
		MaxInItems: DefaultMaxInItems, MaxRegexLen: DefaultMaxRegexLen}
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxPredicates <= 0 {
		l.MaxPredicates = DefaultMaxPredicates
	}
	if l.MaxInItems <= 0 {
		l.MaxInItems = DefaultMaxInItems
	}
	if l.MaxRegexLen <= 0 {
		l.MaxRegexLen = DefaultMaxRegexLen
	}
	return l
}

// mkAnd builds the conjunction of items, flattening nested Ands and folding
// constants.
func mkAnd(items []Expr) Expr {
	out := make(And, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case True:
			continue
		case False:
			return False{}
		case And:
			out = append(out, x...)
		default:
			out = append(out, it)
		}
	}
	switch len(out) {
	case 0:
		return True{}
	case 1:
		return out[0]
	}
	return out
}

// mkOr builds the disjunction of items, flattening nested Ors and folding
// constants.
func mkOr(items []Expr) Expr {
	out := make(Or, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case False:
			continue
		case True:
			return True{}
		case Or:
			out = append(out, x...)
		default:
			out = append(out, it)
		}
	}
	switch len(out) {
	case 0:
		return False{}
	case 1:
		return out[0]
	}
	return out
}

// mkNot negates x, folding constants and double negation.
func mkNot(x Expr) Expr {
	switch y := x.(type) {
	case True:
		return False{}
	case False:
		return True{}
	case Not:
		return y.X
	}
	return Not{X: x}
}

// Format renders a tree in a compact, deterministic text form, e.g.
// `AND(bk_obj_id $eq "host", NOT(id $in [1,2]))`. For logs and tests.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e)
	return b.String()
}

func format(b *strings.Builder, e Expr) {
	list := func(name string, xs []Expr) {
		b.WriteString(name)
		b.WriteByte('(')
		for i, x := range xs {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, x)
		}
		b.WriteByte(')')
	}
	switch x := e.(type) {
	case nil:
		b.WriteString("<nil>")
	case True:
		b.WriteString("TRUE")
	case False:
		b.WriteString("FALSE")
	case And:
		list("AND", x)
	case Or:
		list("OR", x)
	case Nor:
		list("NOR", x)
	case Not:
		b.WriteString("NOT(")
		format(b, x.X)
		b.WriteByte(')')
	case Pred:
		b.WriteString(x.Field)
		b.WriteByte(' ')
		b.WriteString(x.Op.String())
		b.WriteByte(' ')
		if x.Op == OpRegex {
			s := x.Pattern
			if x.Flags != "" {
				s = "(?" + x.Flags + ")" + s
			}
			b.WriteString(jsonText(s))
			return
		}
		b.WriteString(jsonText(x.Value))
	default:
		fmt.Fprintf(b, "%T", e)
	}
}

// jsonText renders a value as JSON with sorted object keys; times as
// RFC3339 strings.
func jsonText(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, k)
			b.WriteByte(':')
			writeJSON(b, x[k])
		}
		b.WriteByte('}')
	case time.Time:
		b.WriteString(`{"$date":`)
		writeJSON(b, x.UTC().Format(time.RFC3339Nano))
		b.WriteByte('}')
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(b, "%q", fmt.Sprint(v))
			return
		}
		b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
}
