package cond

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// QBOptions configure ParseQueryBuilder for one endpoint.
type QBOptions struct {
	// Prefix is put before every key path in validation errors, joined
	// with ".": "conditions" (search/count_instance_associations) gives
	// `conditions.rules[1].operator`; "condition.asst_filter"
	// (find_instassociation_with_inst) gives `condition.asst_filter.field`.
	// A top level that is not a combined rule has the empty path, so the
	// key is the prefix plus "." (`conditions.`).
	Prefix string
	// Code is the code of validation errors: 1199006 when zero
	// (search/count); find_instassociation_with_inst uses 1199011.
	Code int
	// NoLimits turns off bk-cmdb's depth (≤3), OR-group (≤20 rules) and
	// in/not_in (≤500 values) limits, as find_instassociation_with_inst
	// does. The global Limits still apply.
	NoLimits bool
	// Limits are the global safety limits (zero fields take defaults).
	Limits Limits
}

// bk-cmdb's querybuilder limits (associations.md §0.7).
const (
	QBMaxDepth    = 3
	QBMaxOrRules  = 20
	QBMaxInValues = 500
)

// QBError is the cause of a querybuilder error, kept in cmdb.Error.Err.
type QBError struct {
	// Path is the key path inside the condition, e.g. "rules[1].operator";
	// "" for a top level that is not a combined rule.
	Path string
	// Decode is true for failures of JSON decoding (a rule with neither
	// "condition" nor "operator", a wrong JSON type): those answer 1199000.
	Decode bool
	// Reason says what is wrong, for logs.
	Reason string
}

func (e *QBError) Error() string {
	if e.Decode {
		return "querybuilder decode: " + e.Reason
	}
	return fmt.Sprintf("querybuilder %s: %s", e.Path, e.Reason)
}

// qbFieldPattern is bk-cmdb's rule field pattern.
var qbFieldPattern = regexp.MustCompile(`^[a-zA-Z0-9][\d\w\-_.]*$`)

type qbNode struct {
	combined bool
	cond     string
	rules    []*qbNode
	field    string
	op       string
	value    any
}

// ParseQueryBuilder parses a querybuilder rule tree (language C,
// associations.md §0.7) into a tree. v nil means "everything".
//
// Errors, in bk-cmdb's order:
//   - decoding (a node that is not an object or has neither "condition" nor
//     "operator", a non-string condition/field/operator, rules not an array
//     of objects): 1199000 `Deserializing JSON data failed`;
//   - validation of the rules, depth-first (condition, rules empty, OR
//     group too large; then per atom operator, field, value), then the depth
//     check: opts.Code (default 1199006) with the key opts.Prefix + "." +
//     path, e.g. `'conditions.rules[1].rules[0].operator' data parameter
//     verification does not pass`; depth > 3 → path "rules".
//
// The *cmdb.Error carries a *QBError in its Err field.
func ParseQueryBuilder(v any, opts QBOptions) (Expr, *cmdb.Error) {
	lim := opts.Limits.withDefaults()
	if v == nil {
		return True{}, nil
	}
	q := &qbParser{opts: opts, lim: lim}
	root, qerr := q.decode(v, 1)
	if qerr != nil {
		return nil, q.fail(qerr)
	}
	if root == nil {
		return True{}, nil
	}
	if !root.combined {
		return nil, q.fail(&QBError{Reason: "query filter must be combined rules"})
	}
	if path, reason := q.validate(root); reason != "" {
		return nil, q.fail(&QBError{Path: path, Reason: reason})
	}
	if !opts.NoLimits && qbDepth(root) > QBMaxDepth {
		return nil, q.fail(&QBError{Path: "rules", Reason: fmt.Sprintf("exceed max query condition depth %d", QBMaxDepth)})
	}
	e, qerr := q.build(root, "")
	if qerr != nil {
		return nil, q.fail(qerr)
	}
	return e, nil
}

type qbParser struct {
	opts  QBOptions
	lim   Limits
	preds int
}

func (q *qbParser) fail(e *QBError) *cmdb.Error {
	if e.Decode {
		err := cmdb.ErrDecode()
		err.Err = e
		return err
	}
	code := q.opts.Code
	if code == 0 {
		code = cmdb.CodeParamsInvalid
	}
	key := e.Path
	if q.opts.Prefix != "" {
		key = q.opts.Prefix + "." + e.Path
	}
	err := cmdb.Errorf(code, key)
	err.Err = e
	return err
}

func decodeErr(format string, args ...any) *QBError {
	return &QBError{Decode: true, Reason: fmt.Sprintf(format, args...)}
}

// lookupFold finds key name in m the way encoding/json fills a struct field:
// the exact key, else a case-insensitive one (of several, the one sorting
// last, as a re-encoded map decodes last-wins).
func lookupFold(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	best, found := "", false
	for k := range m {
		if strings.EqualFold(k, name) && (!found || k > best) {
			best, found = k, true
		}
	}
	if !found {
		return nil, false
	}
	return m[best], true
}

// stringField decodes an optional string member (absent or null = "").
func stringField(m map[string]any, name string) (string, bool) {
	v, ok := lookupFold(m, name)
	if !ok || v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// decode mirrors bk-cmdb's ParseRule: a map with a "condition" key is a
// combined rule, else one with an "operator" key is an atom; null members
// of rules are skipped.
func (q *qbParser) decode(v any, depth int) (*qbNode, *QBError) {
	if depth > q.lim.MaxDepth {
		return nil, &QBError{Path: "rules", Reason: fmt.Sprintf("nesting deeper than %d", q.lim.MaxDepth)}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, decodeErr("rule is not an object")
	}
	if _, ok := m["condition"]; ok {
		n := &qbNode{combined: true}
		if n.cond, ok = stringField(m, "condition"); !ok {
			return nil, decodeErr("condition is not a string")
		}
		rv, _ := lookupFold(m, "rules")
		if rv != nil {
			arr, ok := rv.([]any)
			if !ok {
				return nil, decodeErr("rules is not an array")
			}
			for _, el := range arr {
				if el == nil {
					continue
				}
				if _, ok := el.(map[string]any); !ok {
					return nil, decodeErr("rule is not an object")
				}
				c, err := q.decode(el, depth+2)
				if err != nil {
					return nil, err
				}
				n.rules = append(n.rules, c)
			}
		}
		return n, nil
	}
	if _, ok := m["operator"]; ok {
		n := &qbNode{}
		if n.field, ok = stringField(m, "field"); !ok {
			return nil, decodeErr("field is not a string")
		}
		if n.op, ok = stringField(m, "operator"); !ok {
			return nil, decodeErr("operator is not a string")
		}
		n.value, _ = lookupFold(m, "value")
		if err := depthOK(n.value, depth+1, q.lim.MaxDepth); err != "" {
			return nil, &QBError{Path: "rules", Reason: err}
		}
		return n, nil
	}
	return nil, decodeErr("no query filter found")
}

// depthOK bounds the nesting of a value.
func depthOK(v any, depth, max int) string {
	switch x := v.(type) {
	case map[string]any:
		if depth > max {
			return fmt.Sprintf("nesting deeper than %d", max)
		}
		for _, e := range x {
			if r := depthOK(e, depth+1, max); r != "" {
				return r
			}
		}
	case []any:
		if depth > max {
			return fmt.Sprintf("nesting deeper than %d", max)
		}
		for _, e := range x {
			if r := depthOK(e, depth+1, max); r != "" {
				return r
			}
		}
	}
	return ""
}

func qbDepth(n *qbNode) int {
	if !n.combined {
		return 1
	}
	max := 1
	for _, c := range n.rules {
		if d := qbDepth(c); d > max {
			max = d
		}
	}
	return max + 1
}

var qbOperators = map[string]bool{
	"equal": true, "not_equal": true, "in": true, "not_in": true,
	"less": true, "less_or_equal": true, "greater": true, "greater_or_equal": true,
	"datetime_less": true, "datetime_less_or_equal": true, "datetime_greater": true, "datetime_greater_or_equal": true,
	"begins_with": true, "not_begins_with": true, "contains": true, "not_contains": true,
	"ends_with": true, "not_ends_with": true,
	"is_empty": true, "is_not_empty": true, "is_null": true, "is_not_null": true,
	"exist": true, "not_exist": true,
}

// validate returns the path and reason of the first invalid rule.
func (q *qbParser) validate(n *qbNode) (string, string) {
	if n.combined {
		if n.cond != "AND" && n.cond != "OR" {
			return "condition", "unexpected condition " + n.cond
		}
		if len(n.rules) == 0 {
			return "rules", "combined rules shouldn't be empty"
		}
		if !q.opts.NoLimits && n.cond == "OR" && len(n.rules) > QBMaxOrRules {
			return "rules", fmt.Sprintf("OR rules exceed %d", QBMaxOrRules)
		}
		for i, c := range n.rules {
			if p, r := q.validate(c); r != "" {
				return fmt.Sprintf("rules[%d].%s", i, p), r
			}
		}
		return "", ""
	}
	if !qbOperators[n.op] {
		return "operator", "unsupported operator " + n.op
	}
	if !qbFieldPattern.MatchString(n.field) {
		return "field", "invalid field " + n.field
	}
	if r := q.validateValue(n); r != "" {
		return "value", r
	}
	return "", ""
}

func isBasic(v any) bool {
	switch classOf(v) {
	case clsString, clsNumber, clsBool:
		return true
	}
	return false
}

// qbDatetime parses a querybuilder datetime operand: RFC3339 and
// "YYYY-MM-DD hh:mm:ss" (server local time) become dates, truncated to
// milliseconds as MongoDB stores them; "YYYY-MM-DD" stays a string and
// compares as a string.
func qbDatetime(v any) (any, bool) {
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Truncate(time.Millisecond), true
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.Local); err == nil {
		return t, true
	}
	if _, err := time.Parse("2006-01-02", s); err == nil {
		return s, true
	}
	return nil, false
}

func (q *qbParser) validateValue(n *qbNode) string {
	switch n.op {
	case "equal", "not_equal":
		if !isBasic(n.value) {
			return "value must be a string, number or bool"
		}
	case "in", "not_in":
		arr, ok := n.value.([]any)
		if !ok {
			return "value must be an array"
		}
		if !q.opts.NoLimits && len(arr) > QBMaxInValues {
			return fmt.Sprintf("more than %d values", QBMaxInValues)
		}
		if len(arr) > q.lim.MaxInItems {
			return fmt.Sprintf("more than %d values", q.lim.MaxInItems)
		}
		var first class
		for i, e := range arr {
			if !isBasic(e) {
				return "values must be strings, numbers or bools"
			}
			if i == 0 {
				first = classOf(e)
			} else if classOf(e) != first {
				return "values must be of one type"
			}
		}
	case "less", "less_or_equal", "greater", "greater_or_equal":
		if classOf(n.value) != clsNumber {
			return "value must be a number"
		}
	case "datetime_less", "datetime_less_or_equal", "datetime_greater", "datetime_greater_or_equal":
		if _, ok := qbDatetime(n.value); !ok {
			return "value must be a datetime"
		}
	case "begins_with", "not_begins_with", "contains", "not_contains", "ends_with", "not_ends_with":
		s, ok := n.value.(string)
		if !ok || s == "" {
			return "value must be a non-empty string"
		}
		if _, err := q.regex(n); err != nil {
			return err.Error()
		}
	}
	return ""
}

// regex builds the regular expression predicate of a string operator.
// Operands are not escaped (bk-cmdb): they are regular expressions.
func (q *qbParser) regex(n *qbNode) (Pred, error) {
	s, _ := n.value.(string)
	pat, opts := s, ""
	switch n.op {
	case "begins_with", "not_begins_with":
		pat = "^" + s
	case "contains":
		opts = "i"
	case "ends_with", "not_ends_with":
		pat = s + "$"
	}
	return regexPred(n.field, pat, opts, q.lim.MaxRegexLen)
}

func (q *qbParser) build(n *qbNode, path string) (Expr, *QBError) {
	if n.combined {
		items := make([]Expr, 0, len(n.rules))
		for i, c := range n.rules {
			e, err := q.build(c, fmt.Sprintf("%srules[%d].", path, i))
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		}
		if n.cond == "OR" {
			return mkOr(items), nil
		}
		return mkAnd(items), nil
	}
	q.preds++
	if q.preds > q.lim.MaxPredicates {
		return nil, &QBError{Path: "rules", Reason: fmt.Sprintf("more than %d predicates", q.lim.MaxPredicates)}
	}
	f := n.field
	switch n.op {
	case "equal":
		return Pred{Field: f, Op: OpEq, Value: n.value}, nil
	case "not_equal":
		return Not{Pred{Field: f, Op: OpEq, Value: n.value}}, nil
	case "in":
		return Pred{Field: f, Op: OpIn, Value: n.value}, nil
	case "not_in":
		return Not{Pred{Field: f, Op: OpIn, Value: n.value}}, nil
	case "less":
		return Pred{Field: f, Op: OpLt, Value: n.value}, nil
	case "less_or_equal":
		return Pred{Field: f, Op: OpLte, Value: n.value}, nil
	case "greater":
		return Pred{Field: f, Op: OpGt, Value: n.value}, nil
	case "greater_or_equal":
		return Pred{Field: f, Op: OpGte, Value: n.value}, nil
	case "datetime_less", "datetime_less_or_equal", "datetime_greater", "datetime_greater_or_equal":
		t, _ := qbDatetime(n.value)
		return Pred{Field: f, Op: datetimeOps[n.op], Value: t}, nil
	case "begins_with", "contains", "ends_with":
		p, err := q.regex(n)
		if err != nil {
			return nil, &QBError{Path: path + "value", Reason: err.Error()}
		}
		return p, nil
	case "not_begins_with", "not_contains", "not_ends_with":
		p, err := q.regex(n)
		if err != nil {
			return nil, &QBError{Path: path + "value", Reason: err.Error()}
		}
		return Not{p}, nil
	case "is_empty":
		return Pred{Field: f, Op: OpEq, Value: []any{}}, nil
	case "is_not_empty":
		return Not{Pred{Field: f, Op: OpEq, Value: []any{}}}, nil
	case "is_null":
		return Pred{Field: f, Op: OpEq, Value: nil}, nil
	case "is_not_null":
		return Not{Pred{Field: f, Op: OpEq, Value: nil}}, nil
	case "exist":
		return Pred{Field: f, Op: OpExists, Value: true}, nil
	case "not_exist":
		return Pred{Field: f, Op: OpExists, Value: false}, nil
	}
	return nil, &QBError{Path: path + "operator", Reason: "unsupported operator " + n.op}
}

var datetimeOps = map[string]Op{
	"datetime_less": OpLt, "datetime_less_or_equal": OpLte,
	"datetime_greater": OpGt, "datetime_greater_or_equal": OpGte,
}
