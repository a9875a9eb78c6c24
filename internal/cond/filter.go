package cond

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// bk-cmdb's pkg/filter limits (models-and-instances.md §0.2).
const (
	FilterMaxRules    = 50
	FilterMaxDepth    = 3
	FilterMaxInValues = 500
)

// FilterOptions configure ParseFilterOpts.
type FilterOptions struct {
	// Text is the expression as the caller received it, used verbatim in
	// the validation error message. Empty: the decoded expression is
	// re-encoded (keys in bk-cmdb's struct order: condition, rules / field,
	// operator, value; numbers as float64).
	Text string
	// Limits are the global safety limits (zero fields take defaults).
	Limits Limits
}

// ErrFilterInvalid is the validation failure of a filter expression:
// `1199006 'conditions: <expression JSON>' data parameter verification does
// not pass`.
func ErrFilterInvalid(exprJSON string) *cmdb.Error {
	return cmdb.Errorf(cmdb.CodeParamsInvalid, "conditions: "+exprJSON)
}

// ParseFilter parses a pkg/filter expression (language D) with default
// options. See ParseFilterOpts.
func ParseFilter(v any) (Expr, *cmdb.Error) { return ParseFilterOpts(v, FilterOptions{}) }

// ParseFilterOpts parses a pkg/filter expression (language D,
// models-and-instances.md §0.2) into a tree. v nil means "everything".
//
// Errors:
//   - decoding: a node that is not an object or has neither "condition" nor
//     "operator"; a non-string condition, field or operator; rules not an
//     array; in/not_in with a value that is neither an array nor null;
//     filter_object/filter_array whose value is not a node; a number out of
//     float64 range: 1199000 `Deserializing JSON data failed`;
//   - validation (operator table, ≤50 rules per combined node, depth ≤3,
//     ≤500 in values, "element" fields under filter_array, an operand that
//     does not compile as a regular expression) and the global limits:
//     ErrFilterInvalid(text).
//
// Semantics decisions: numbers are rounded to float64 (bk-cmdb decodes them
// so); the value of is_empty, is_not_empty, is_null, is_not_null, exist and
// not_exist is ignored (absent and null included); is_not_empty means "an
// array with at least one element" (bk-cmdb's {$size:{$gt:0}} is refused by
// MongoDB); filter_array applies its sub-expression to the array field
// itself with MongoDB's any-element semantics (bk-cmdb generates exactly
// that, not $elemMatch); "YYYY-MM-DD hh:mm:ss" and "YYYY-MM-DD" datetimes
// are in the server's local zone, numbers are unix seconds.
func ParseFilterOpts(v any, o FilterOptions) (Expr, *cmdb.Error) {
	if v == nil {
		return True{}, nil
	}
	f := &filterParser{lim: o.Limits.withDefaults()}
	root, derr := f.decode(v, 1)
	if derr != "" {
		err := cmdb.ErrDecode()
		err.Err = fmt.Errorf("filter decode: %s", derr)
		return nil, err
	}
	invalid := func(reason string) *cmdb.Error {
		text := o.Text
		if text == "" {
			text = filterJSON(root)
		}
		err := ErrFilterInvalid(text)
		err.Err = fmt.Errorf("filter: %s", reason)
		return err
	}
	if reason := f.validate(root, FilterMaxDepth, false); reason != "" {
		return nil, invalid(reason)
	}
	e, reason := f.build(root, "", false, "")
	if reason != "" {
		return nil, invalid(reason)
	}
	return e, nil
}

type filterNode struct {
	combined bool
	cond     string
	rules    []*filterNode
	field    string
	op       string
	value    any         // decoded operand (numbers as float64 json.Number)
	sub      *filterNode // filter_object / filter_array operand
}

type filterParser struct {
	lim   Limits
	preds int
}

// decode mirrors bk-cmdb's JSON decoding of an expression node.
func (f *filterParser) decode(v any, depth int) (*filterNode, string) {
	if depth > f.lim.MaxDepth {
		return nil, fmt.Sprintf("nesting deeper than %d", f.lim.MaxDepth)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "rule is not an object"
	}
	if _, ok := m["condition"]; ok {
		n := &filterNode{combined: true}
		if n.cond, ok = stringField(m, "condition"); !ok {
			return nil, "condition is not a string"
		}
		rv, _ := lookupFold(m, "rules")
		if rv != nil {
			arr, ok := rv.([]any)
			if !ok {
				return nil, "rules is not an array"
			}
			n.rules = make([]*filterNode, 0, len(arr))
			for _, el := range arr {
				c, err := f.decode(el, depth+2)
				if err != "" {
					return nil, err
				}
				n.rules = append(n.rules, c)
			}
		}
		return n, ""
	}
	if _, ok := m["operator"]; ok {
		n := &filterNode{}
		if n.field, ok = stringField(m, "field"); !ok {
			return nil, "field is not a string"
		}
		if n.op, ok = stringField(m, "operator"); !ok {
			return nil, "operator is not a string"
		}
		val, _ := lookupFold(m, "value")
		switch n.op {
		case "filter_object", "filter_array":
			sub, err := f.decode(val, depth+1)
			if err != "" {
				return nil, err
			}
			n.sub = sub
			return n, ""
		case "in", "not_in":
			if _, ok := val.([]any); !ok && val != nil {
				return nil, "in/not_in value is not an array"
			}
		}
		val, err := floatValues(val, depth+1, f.lim.MaxDepth)
		if err != "" {
			return nil, err
		}
		n.value = val
		return n, ""
	}
	return nil, "no rule is found"
}

// floatValues rounds every number in v to float64, as bk-cmdb's decoding
// into interface{} does, and bounds the nesting.
func floatValues(v any, depth, max int) (any, string) {
	switch x := v.(type) {
	case map[string]any:
		if depth > max {
			return nil, fmt.Sprintf("nesting deeper than %d", max)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := floatValues(e, depth+1, max)
			if err != "" {
				return nil, err
			}
			out[k] = c
		}
		return out, ""
	case []any:
		if depth > max {
			return nil, fmt.Sprintf("nesting deeper than %d", max)
		}
		out := make([]any, len(x))
		for i, e := range x {
			c, err := floatValues(e, depth+1, max)
			if err != "" {
				return nil, err
			}
			out[i] = c
		}
		return out, ""
	}
	if classOf(v) == clsNumber {
		n, _ := toNumber(v)
		fv := n.f
		if n.isInt {
			fv = float64(n.i)
		} else if s, ok := v.(json.Number); ok {
			var err error
			if fv, err = strconv.ParseFloat(string(s), 64); err != nil {
				return nil, "number out of range"
			}
		}
		if math.IsInf(fv, 0) || math.IsNaN(fv) {
			return nil, "number out of range"
		}
		return numberValue(fv), ""
	}
	return v, ""
}

var filterOperators = map[string]bool{
	"equal": true, "not_equal": true, "in": true, "not_in": true,
	"less": true, "less_or_equal": true, "greater": true, "greater_or_equal": true,
	"datetime_less": true, "datetime_less_or_equal": true, "datetime_greater": true, "datetime_greater_or_equal": true,
	"begins_with": true, "begins_with_i": true, "not_begins_with": true, "not_begins_with_i": true,
	"contains": true, "contains_s": true, "not_contains": true, "not_contains_i": true,
	"ends_with": true, "ends_with_i": true, "not_ends_with": true, "not_ends_with_i": true,
	"is_empty": true, "is_not_empty": true, "size": true,
	"is_null": true, "is_not_null": true, "exist": true, "not_exist": true,
	"filter_object": true, "filter_array": true,
}

// validate checks a node with the remaining depth budget; inArray says the
// node is (inside) the operand of filter_array, whose atoms must name the
// field "element".
func (f *filterParser) validate(n *filterNode, budget int, inArray bool) string {
	if n.combined {
		if n.cond != "AND" && n.cond != "OR" {
			return "unsupported logic operator " + n.cond
		}
		if len(n.rules) == 0 {
			return "combined rules shouldn't be empty"
		}
		if len(n.rules) > FilterMaxRules {
			return fmt.Sprintf("more than %d rules", FilterMaxRules)
		}
		if budget <= 1 {
			return "expression rules depth exceeds maximum"
		}
		for _, c := range n.rules {
			if r := f.validate(c, budget-1, inArray); r != "" {
				return r
			}
		}
		return ""
	}
	if n.field == "" {
		return "field is empty"
	}
	if inArray && n.field != "element" {
		return "filter array field must be element"
	}
	if !filterOperators[n.op] {
		return "unsupported operator " + n.op
	}
	switch n.op {
	case "filter_object", "filter_array":
		if budget <= 1 {
			return "expression rules depth exceeds maximum"
		}
		return f.validate(n.sub, budget-1, n.op == "filter_array")
	case "equal", "not_equal":
		if !isBasic(n.value) {
			return "value must be a string, number or bool"
		}
	case "in", "not_in":
		arr, _ := n.value.([]any)
		if len(arr) == 0 {
			return "value must be a non-empty array"
		}
		if len(arr) > FilterMaxInValues || len(arr) > f.lim.MaxInItems {
			return "too many values"
		}
		for _, e := range arr {
			if !isBasic(e) || classOf(e) != classOf(arr[0]) {
				return "values must be of one basic type"
			}
		}
	case "less", "less_or_equal", "greater", "greater_or_equal":
		if classOf(n.value) != clsNumber {
			return "value must be a number"
		}
	case "datetime_less", "datetime_less_or_equal", "datetime_greater", "datetime_greater_or_equal":
		if _, ok := filterDatetime(n.value); !ok {
			return "value must be a datetime"
		}
	case "size":
		if _, ok := sizeValue(n.value); !ok {
			return "size must be an integer >= 0"
		}
	case "is_empty", "is_not_empty", "is_null", "is_not_null", "exist", "not_exist":
	default: // string operators
		s, ok := n.value.(string)
		if !ok || s == "" {
			return "value must be a non-empty string"
		}
		if _, err := filterRegex("", n.op, s, f.lim.MaxRegexLen); err != nil {
			return err.Error()
		}
	}
	return ""
}

func sizeValue(v any) (int64, bool) {
	n, ok := toNumber(v)
	if !ok {
		return 0, false
	}
	i, ok := n.integral()
	return i, ok && i >= 0
}

// filterDatetime parses a datetime operand: unix seconds, "YYYY-MM-DD",
// "YYYY-MM-DD hh:mm:ss" (local zone) or RFC3339 (truncated to milliseconds,
// MongoDB's precision).
func filterDatetime(v any) (time.Time, bool) {
	if n, ok := toNumber(v); ok {
		f := n.f
		if n.isInt {
			f = float64(n.i)
		}
		if math.IsNaN(f) || f >= 1e15 || f <= -1e15 {
			return time.Time{}, false
		}
		return time.Unix(int64(f), 0), true
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Truncate(time.Millisecond), true
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.Local); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// filterRegex builds the predicate of a string operator; operands are not
// escaped. The not_ variants are negated by the caller.
func filterRegex(field, op, s string, maxLen int) (Pred, error) {
	base := strings.TrimPrefix(op, "not_")
	opts := ""
	if strings.HasSuffix(base, "_i") {
		opts = "i"
		base = strings.TrimSuffix(base, "_i")
	}
	switch base {
	case "begins_with":
		s = "^" + s
	case "ends_with":
		s += "$"
	case "contains":
		if op == "contains" {
			opts = "i" // contains is case-insensitive, contains_s sensitive
		}
	case "contains_s":
	}
	return regexPred(field, s, opts, maxLen)
}

// build turns a validated node into a tree. prefix is the path of the
// enclosing filter_object ("a.b."); arrayField is the field an "element"
// atom stands for inside filter_array.
func (f *filterParser) build(n *filterNode, prefix string, inArray bool, arrayField string) (Expr, string) {
	if n.combined {
		items := make([]Expr, 0, len(n.rules))
		for _, c := range n.rules {
			e, r := f.build(c, prefix, inArray, arrayField)
			if r != "" {
				return nil, r
			}
			items = append(items, e)
		}
		if n.cond == "OR" {
			return mkOr(items), ""
		}
		return mkAnd(items), ""
	}
	field := prefix + n.field
	if inArray {
		field = arrayField
	}
	switch n.op {
	case "filter_object":
		return f.build(n.sub, field+".", false, "")
	case "filter_array":
		return f.build(n.sub, "", true, field)
	}
	f.preds++
	if f.preds > f.lim.MaxPredicates {
		return nil, fmt.Sprintf("more than %d predicates", f.lim.MaxPredicates)
	}
	switch n.op {
	case "equal":
		return Pred{Field: field, Op: OpEq, Value: n.value}, ""
	case "not_equal":
		return Not{Pred{Field: field, Op: OpEq, Value: n.value}}, ""
	case "in":
		return Pred{Field: field, Op: OpIn, Value: n.value}, ""
	case "not_in":
		return Not{Pred{Field: field, Op: OpIn, Value: n.value}}, ""
	case "less":
		return Pred{Field: field, Op: OpLt, Value: n.value}, ""
	case "less_or_equal":
		return Pred{Field: field, Op: OpLte, Value: n.value}, ""
	case "greater":
		return Pred{Field: field, Op: OpGt, Value: n.value}, ""
	case "greater_or_equal":
		return Pred{Field: field, Op: OpGte, Value: n.value}, ""
	case "datetime_less", "datetime_less_or_equal", "datetime_greater", "datetime_greater_or_equal":
		t, _ := filterDatetime(n.value)
		return Pred{Field: field, Op: datetimeOps[n.op], Value: t}, ""
	case "is_empty":
		return Pred{Field: field, Op: OpSize, Value: int64(0)}, ""
	case "is_not_empty":
		return Pred{Field: field + ".0", Op: OpExists, Value: true}, ""
	case "size":
		sz, _ := sizeValue(n.value)
		return Pred{Field: field, Op: OpSize, Value: sz}, ""
	case "is_null":
		return Pred{Field: field, Op: OpEq, Value: nil}, ""
	case "is_not_null":
		return Not{Pred{Field: field, Op: OpEq, Value: nil}}, ""
	case "exist":
		return Pred{Field: field, Op: OpExists, Value: true}, ""
	case "not_exist":
		return Pred{Field: field, Op: OpExists, Value: false}, ""
	}
	s, _ := n.value.(string)
	p, err := filterRegex(field, n.op, s, f.lim.MaxRegexLen)
	if err != nil {
		return nil, err.Error()
	}
	if strings.HasPrefix(n.op, "not_") {
		return Not{p}, ""
	}
	return p, ""
}

// filterJSON re-encodes a decoded expression the way bk-cmdb marshals it.
func filterJSON(n *filterNode) string {
	var b bytes.Buffer
	writeFilterJSON(&b, n)
	return b.String()
}

func writeFilterJSON(b *bytes.Buffer, n *filterNode) {
	enc := func(v any) {
		bs, err := json.Marshal(toPlain(v))
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(bs)
	}
	if n.combined {
		b.WriteString(`{"condition":`)
		enc(n.cond)
		b.WriteString(`,"rules":`)
		if n.rules == nil {
			b.WriteString("null")
		} else {
			b.WriteByte('[')
			for i, c := range n.rules {
				if i > 0 {
					b.WriteByte(',')
				}
				writeFilterJSON(b, c)
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
		return
	}
	b.WriteString(`{"field":`)
	enc(n.field)
	b.WriteString(`,"operator":`)
	enc(n.op)
	b.WriteString(`,"value":`)
	if n.sub != nil {
		writeFilterJSON(b, n.sub)
	} else {
		enc(n.value)
	}
	b.WriteByte('}')
}

// toPlain turns json.Number values into float64 for re-encoding.
func toPlain(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toPlain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = toPlain(e)
		}
		return out
	}
	return v
}
