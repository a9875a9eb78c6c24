package cond

import (
	"strconv"
	"strings"
)

// Match reports whether doc satisfies e, with MongoDB's semantics on JSON
// documents:
//   - dotted paths walk into sub-documents, and through arrays into each
//     element that is a document (a numeric component also indexes the
//     array);
//   - a missing field equals only null ({f: null} matches missing and
//     null); $ne / $nin (Not of Eq / In) therefore match missing fields;
//     $exists:false matches missing fields;
//   - when the field is an array, a predicate matches if the whole array or
//     any of its elements matches (comparisons and $regex: any element);
//   - comparisons only within one type class (numbers with numbers,
//     strings with strings by bytes, bools, dates), numbers compared exactly
//     across int64 / float64 / json.Number;
//   - $regex matches strings only.
//
// Documents hold JSON values (map[string]any, []any, json.Number or any Go
// number, string, bool, nil) and may hold time.Time for dates.
func Match(e Expr, doc map[string]any) bool {
	switch x := e.(type) {
	case True:
		return true
	case False, nil:
		return false
	case And:
		for _, c := range x {
			if !Match(c, doc) {
				return false
			}
		}
		return true
	case Or:
		for _, c := range x {
			if Match(c, doc) {
				return true
			}
		}
		return false
	case Nor:
		for _, c := range x {
			if Match(c, doc) {
				return false
			}
		}
		return true
	case Not:
		return !Match(x.X, doc)
	case Pred:
		return matchPred(x, doc)
	}
	return false
}

// leaf is one value a path leads to; missing means the path ends nowhere.
type leaf struct {
	v       any
	missing bool
}

// resolve collects the leaves path parts lead to from v.
func resolve(v any, parts []string, out []leaf) []leaf {
	if len(parts) == 0 {
		return append(out, leaf{v: v})
	}
	switch x := v.(type) {
	case map[string]any:
		next, ok := x[parts[0]]
		if !ok {
			return append(out, leaf{missing: true})
		}
		return resolve(next, parts[1:], out)
	case []any:
		n := len(out)
		if idx, err := strconv.Atoi(parts[0]); err == nil && idx >= 0 && isDigits(parts[0]) {
			if idx < len(x) {
				out = resolve(x[idx], parts[1:], out)
			}
		}
		for _, el := range x {
			if m, ok := el.(map[string]any); ok {
				out = resolve(m, parts, out)
			}
		}
		if len(out) == n {
			out = append(out, leaf{missing: true})
		}
		return out
	}
	return append(out, leaf{missing: true})
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func matchPred(p Pred, doc map[string]any) bool {
	leaves := resolve(doc, strings.Split(p.Field, "."), nil)
	switch p.Op {
	case OpExists:
		want, _ := p.Value.(bool)
		found := false
		for _, l := range leaves {
			if !l.missing {
				found = true
				break
			}
		}
		return found == want
	case OpEq:
		for _, l := range leaves {
			if leafEq(l, p.Value) {
				return true
			}
		}
		return false
	case OpIn:
		vals, _ := p.Value.([]any)
		for _, l := range leaves {
			for _, v := range vals {
				if leafEq(l, v) {
					return true
				}
			}
		}
		return false
	case OpGt, OpGte, OpLt, OpLte:
		if p.Value == nil {
			if p.Op == OpGte || p.Op == OpLte {
				for _, l := range leaves {
					if leafEq(l, nil) {
						return true
					}
				}
			}
			return false
		}
		for _, l := range leaves {
			if l.missing {
				continue
			}
			if cmpOK(p.Op, l.v, p.Value) {
				return true
			}
			if arr, ok := l.v.([]any); ok {
				for _, el := range arr {
					if cmpOK(p.Op, el, p.Value) {
						return true
					}
				}
			}
		}
		return false
	case OpRegex:
		if p.Regex == nil {
			return false
		}
		for _, l := range leaves {
			if l.missing {
				continue
			}
			if s, ok := l.v.(string); ok && p.Regex.MatchString(s) {
				return true
			}
			if arr, ok := l.v.([]any); ok {
				for _, el := range arr {
					if s, ok := el.(string); ok && p.Regex.MatchString(s) {
						return true
					}
				}
			}
		}
		return false
	case OpSize:
		n, ok := toNumber(p.Value)
		if !ok {
			return false
		}
		want, ok := n.integral()
		if !ok {
			return false
		}
		for _, l := range leaves {
			if arr, ok := l.v.([]any); ok && !l.missing && int64(len(arr)) == want {
				return true
			}
		}
		return false
	}
	return false
}

// leafEq is MongoDB equality of one leaf with a value: missing equals only
// null; an array leaf also matches when one of its elements equals v.
func leafEq(l leaf, v any) bool {
	if l.missing {
		return v == nil
	}
	if equalValues(l.v, v) {
		return true
	}
	if arr, ok := l.v.([]any); ok {
		for _, el := range arr {
			if equalValues(el, v) {
				return true
			}
		}
	}
	return false
}

func cmpOK(op Op, a, b any) bool {
	c, ok := compareSame(a, b)
	if !ok {
		return false
	}
	switch op {
	case OpGt:
		return c > 0
	case OpGte:
		return c >= 0
	case OpLt:
		return c < 0
	case OpLte:
		return c <= 0
	}
	return false
}
