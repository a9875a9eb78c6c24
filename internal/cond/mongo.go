package cond

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// mongoAllowed is the operator allowlist of cmdb-decisions.md ("Conditions").
var mongoAllowed = map[string]bool{
	"$eq": true, "$ne": true, "$gt": true, "$gte": true, "$lt": true, "$lte": true,
	"$in": true, "$nin": true, "$exists": true, "$regex": true, "$options": true,
	"$not": true, "$and": true, "$or": true, "$nor": true,
}

// ErrForbidden is bk-cmdb's answer to a forbidden MongoDB operator: code
// 1199998 with the text `operator "<op>" is forbidden`.
func ErrForbidden(op string) *cmdb.Error {
	return cmdb.ErrText(cmdb.CodeUnknownOrUnrecognizedError, fmt.Sprintf("operator %q is forbidden", op))
}

func paramErr(key string) *cmdb.Error { return cmdb.Errorf(cmdb.CodeParamsInvalid, key) }

// ParseMongo parses a raw MongoDB filter (languages A and B) into a tree.
//
// v is JSON decoded with UseNumber (map[string]any, []any, json.Number,
// string, bool, nil); Go numbers and time.Time values are accepted too, for
// conditions built by server code. nil means "everything".
//
// Errors:
//   - any key starting with "$" that is not allowlisted, anywhere in v (in
//     sub-documents and arrays too): 1199998 `operator "<op>" is forbidden`;
//   - limits exceeded, a malformed operator ($in without an array, an empty
//     $and, $options without $regex, an invalid or too long $regex, a
//     comparison against an array or object, ...): 1199006 whose key names
//     the place, e.g. `'bk_inst_id.$in' data parameter verification does not
//     pass`.
func ParseMongo(v any, lim Limits) (Expr, *cmdb.Error) {
	lim = lim.withDefaults()
	if v == nil {
		return True{}, nil
	}
	if err := scanMongo(v, 1, lim); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, paramErr("condition")
	}
	p := &mongoParser{lim: lim}
	return p.doc(m, "")
}

// scanMongo refuses non-allowlisted operators anywhere and bounds the depth.
// Keys are visited in sorted order so that the answer is deterministic.
func scanMongo(v any, depth int, lim Limits) *cmdb.Error {
	switch x := v.(type) {
	case map[string]any:
		if depth > lim.MaxDepth {
			return paramErr(fmt.Sprintf("condition: nesting deeper than %d", lim.MaxDepth))
		}
		for _, k := range sortedKeys(x) {
			if strings.HasPrefix(k, "$") && !mongoAllowed[k] {
				return ErrForbidden(k)
			}
			if err := scanMongo(x[k], depth+1, lim); err != nil {
				return err
			}
		}
	case []any:
		if depth > lim.MaxDepth {
			return paramErr(fmt.Sprintf("condition: nesting deeper than %d", lim.MaxDepth))
		}
		for _, e := range x {
			if err := scanMongo(e, depth+1, lim); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type mongoParser struct {
	lim   Limits
	preds int
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (p *mongoParser) pred(pr Pred, key string) (Expr, *cmdb.Error) {
	p.preds++
	if p.preds > p.lim.MaxPredicates {
		return nil, paramErr(fmt.Sprintf("condition: more than %d predicates", p.lim.MaxPredicates))
	}
	return pr, nil
}

// doc parses a filter document: field conditions and $and/$or/$nor.
func (p *mongoParser) doc(m map[string]any, path string) (Expr, *cmdb.Error) {
	items := make([]Expr, 0, len(m))
	for _, k := range sortedKeys(m) {
		val := m[k]
		key := joinKey(path, k)
		switch k {
		case "$and", "$or", "$nor":
			arr, ok := val.([]any)
			if !ok || len(arr) == 0 {
				return nil, paramErr(key)
			}
			subs := make([]Expr, 0, len(arr))
			for i, el := range arr {
				sm, ok := el.(map[string]any)
				if !ok {
					return nil, paramErr(fmt.Sprintf("%s[%d]", key, i))
				}
				e, err := p.doc(sm, fmt.Sprintf("%s[%d]", key, i))
				if err != nil {
					return nil, err
				}
				subs = append(subs, e)
			}
			switch k {
			case "$and":
				items = append(items, mkAnd(subs))
			case "$or":
				items = append(items, mkOr(subs))
			default:
				items = append(items, mkNot(mkOr(subs)))
			}
		default:
			if strings.HasPrefix(k, "$") {
				// An allowlisted operator that is not a top-level one
				// ($eq, $not, $regex, ...): MongoDB refuses it.
				return nil, paramErr(key)
			}
			e, err := p.field(k, val, key)
			if err != nil {
				return nil, err
			}
			items = append(items, e)
		}
	}
	return mkAnd(items), nil
}

func hasOperatorKey(m map[string]any) bool {
	for k := range m {
		if strings.HasPrefix(k, "$") {
			return true
		}
	}
	return false
}

// field parses the condition on one field: an operator document or a value
// for implicit equality.
func (p *mongoParser) field(field string, val any, key string) (Expr, *cmdb.Error) {
	if m, ok := val.(map[string]any); ok && hasOperatorKey(m) {
		return p.ops(field, m, key)
	}
	lit, err := literal(val, key)
	if err != nil {
		return nil, err
	}
	return p.pred(Pred{Field: field, Op: OpEq, Value: lit}, key)
}

// ops parses an operator document {"$gt": 1, "$lt": 5, ...} on field.
func (p *mongoParser) ops(field string, m map[string]any, key string) (Expr, *cmdb.Error) {
	items := make([]Expr, 0, len(m))
	if _, ok := m["$options"]; ok {
		if _, ok := m["$regex"]; !ok {
			return nil, paramErr(key + ".$options")
		}
	}
	for _, op := range sortedKeys(m) {
		val := m[op]
		okey := key + "." + op
		var e Expr
		var err *cmdb.Error
		switch op {
		case "$eq", "$ne":
			var lit any
			if lit, err = literal(val, okey); err != nil {
				return nil, err
			}
			e, err = p.pred(Pred{Field: field, Op: OpEq, Value: lit}, okey)
			if err == nil && op == "$ne" {
				e = mkNot(e)
			}
		case "$gt", "$gte", "$lt", "$lte":
			if !isScalar(val) {
				return nil, paramErr(okey)
			}
			e, err = p.pred(Pred{Field: field, Op: cmpOps[op], Value: val}, okey)
		case "$in", "$nin":
			arr, ok := val.([]any)
			if !ok {
				return nil, paramErr(okey)
			}
			if len(arr) > p.lim.MaxInItems {
				return nil, paramErr(fmt.Sprintf("%s: more than %d values", okey, p.lim.MaxInItems))
			}
			vals := make([]any, len(arr))
			for i, a := range arr {
				if vals[i], err = literal(a, fmt.Sprintf("%s[%d]", okey, i)); err != nil {
					return nil, err
				}
			}
			e, err = p.pred(Pred{Field: field, Op: OpIn, Value: vals}, okey)
			if err == nil && op == "$nin" {
				e = mkNot(e)
			}
		case "$exists":
			e, err = p.pred(Pred{Field: field, Op: OpExists, Value: truthy(val)}, okey)
		case "$regex":
			pat, ok := val.(string)
			if !ok {
				return nil, paramErr(okey)
			}
			opts := ""
			if o, has := m["$options"]; has {
				if opts, ok = o.(string); !ok {
					return nil, paramErr(key + ".$options")
				}
			}
			pr, rerr := regexPred(field, pat, opts, p.lim.MaxRegexLen)
			if rerr != nil {
				return nil, paramErr(okey + ": " + rerr.Error())
			}
			e, err = p.pred(pr, okey)
		case "$options":
			continue // consumed with $regex
		case "$not":
			sub, ok := val.(map[string]any)
			if !ok || len(sub) == 0 {
				return nil, paramErr(okey)
			}
			for k := range sub {
				if !strings.HasPrefix(k, "$") {
					return nil, paramErr(okey + "." + k)
				}
			}
			if e, err = p.ops(field, sub, okey); err == nil {
				e = mkNot(e)
			}
		default:
			// A non-operator key beside operators, or an operator that is
			// not valid on a field ($and, $or, $nor).
			return nil, paramErr(okey)
		}
		if err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return mkAnd(items), nil
}

var cmpOps = map[string]Op{"$gt": OpGt, "$gte": OpGte, "$lt": OpLt, "$lte": OpLte}

// isScalar reports whether v can bound a comparison: null, bool, number,
// string or date. Comparisons against arrays and objects are refused.
func isScalar(v any) bool {
	switch classOf(v) {
	case clsNull, clsBool, clsNumber, clsString, clsDate:
		return true
	}
	return false
}

// truthy is MongoDB's truth value of an $exists operand.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	}
	if n, ok := toNumber(v); ok {
		if n.isInt {
			return n.i != 0
		}
		return n.f != 0
	}
	return true
}

// literal checks a value used for equality: JSON-like types only, and no
// operator keys inside sub-documents (a literal cannot hold "$" fields).
func literal(v any, key string) (any, *cmdb.Error) {
	switch x := v.(type) {
	case nil, bool, string, time.Time:
		return v, nil
	case []any:
		for i, e := range x {
			if _, err := literal(e, key+"["+strconv.Itoa(i)+"]"); err != nil {
				return nil, err
			}
		}
		return v, nil
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if strings.HasPrefix(k, "$") {
				return nil, paramErr(key + "." + k)
			}
			if _, err := literal(x[k], key+"."+k); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
	if classOf(v) == clsNumber {
		return v, nil
	}
	return nil, paramErr(key)
}
