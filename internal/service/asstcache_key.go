package service

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// answerKey is the cache key of a query: every field of it (scope, model,
// parsed condition, sort and page) in a binary encoding that is injective —
// every node and value carries a type tag, every string and list its length
// — so that two queries share a key only when they are the same query. (The
// text of cond.Format is not: a field name may contain anything.) ok is
// false for a condition holding a value of a type the encoding does not
// know; such a query is not cached.
func answerKey(q *cmdb.InstAsstQuery) (key string, ok bool) {
	b := make([]byte, 0, 128)
	if q.Scope == nil {
		b = append(b, 'A')
	} else {
		b = append(b, 'S')
		b = binary.AppendUvarint(b, uint64(len(q.Scope)))
		for _, s := range q.Scope {
			b = appendKeyString(b, s)
		}
	}
	b = appendKeyString(b, q.ObjID)
	if q.SourceOnly {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, q.Start)
	b = binary.AppendVarint(b, q.Limit)
	b = binary.AppendUvarint(b, uint64(len(q.Sort)))
	for _, k := range q.Sort {
		b = appendKeyString(b, k.Field)
		if k.Desc {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	if q.Where == nil {
		b = append(b, 'n')
		return string(b), true
	}
	e, isExpr := q.Where.(cond.Expr)
	if !isExpr {
		return "", false
	}
	b, ok = appendKeyExpr(b, e)
	return string(b), ok
}

func appendKeyString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendKeyList(b []byte, tag byte, xs []cond.Expr) ([]byte, bool) {
	b = append(b, tag)
	b = binary.AppendUvarint(b, uint64(len(xs)))
	for _, x := range xs {
		var ok bool
		if b, ok = appendKeyExpr(b, x); !ok {
			return b, false
		}
	}
	return b, true
}

func appendKeyExpr(b []byte, e cond.Expr) ([]byte, bool) {
	switch x := e.(type) {
	case cond.True:
		return append(b, 'T'), true
	case cond.False:
		return append(b, 'F'), true
	case cond.And:
		return appendKeyList(b, '&', x)
	case cond.Or:
		return appendKeyList(b, '|', x)
	case cond.Nor:
		return appendKeyList(b, 'R', x)
	case cond.Not:
		return appendKeyExpr(append(b, '!'), x.X)
	case cond.Pred:
		b = append(b, 'P', byte(x.Op))
		b = appendKeyString(b, x.Field)
		b = appendKeyString(b, x.Pattern)
		b = appendKeyString(b, x.Flags)
		if x.Regex != nil {
			// The compiled form is made from Pattern and Flags; its text
			// is added in case a parser ever sets it otherwise.
			b = appendKeyString(append(b, 'x'), x.Regex.String())
		} else {
			b = append(b, '-')
		}
		return appendKeyValue(b, x.Value, 0)
	}
	return b, false
}

// maxKeyDepth bounds the nesting of values (the parsers bound it already).
const maxKeyDepth = 64

func appendKeyValue(b []byte, v any, depth int) ([]byte, bool) {
	if depth > maxKeyDepth {
		return b, false
	}
	switch x := v.(type) {
	case nil:
		return append(b, 'z'), true
	case bool:
		if x {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case string:
		return appendKeyString(append(b, 's'), x), true
	case json.Number:
		return appendKeyString(append(b, 'd'), string(x)), true
	case int:
		return binary.AppendVarint(append(b, 'i'), int64(x)), true
	case int32:
		return binary.AppendVarint(append(b, 'i'), int64(x)), true
	case int64:
		return binary.AppendVarint(append(b, 'i'), x), true
	case uint64:
		return binary.AppendUvarint(append(b, 'u'), x), true
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'g'), math.Float64bits(x)), true
	case time.Time:
		return appendKeyString(append(b, 'm'), x.UTC().Format(time.RFC3339Nano)), true
	case []any:
		b = append(b, 'a')
		b = binary.AppendUvarint(b, uint64(len(x)))
		for _, e := range x {
			var ok bool
			if b, ok = appendKeyValue(b, e, depth+1); !ok {
				return b, false
			}
		}
		return b, true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, 'o')
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			b = appendKeyString(b, k)
			var ok bool
			if b, ok = appendKeyValue(b, x[k], depth+1); !ok {
				return b, false
			}
		}
		return b, true
	}
	return b, false
}
