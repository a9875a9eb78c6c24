package service

import (
	"math"
	"regexp/syntax"
	"sort"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// Instance search engine.
//
// Every instance search parses the caller's condition into a cond.Expr (never
// passing it on) and answers with exactly the instances cond.Match admits,
// which is MongoDB's answer. To make the cost follow the answer rather than
// the model, toIndexFilter derives from the tree an IndexFilter — a set of
// instances described by lookups in the value index only (equality, $in,
// ranges, anchored-prefix regular expressions on any top-level field; id
// lookups on the id field; AND / OR of those) — which is a superset of the
// matches, and says whether it is exact (equal to the matches):
//
//   - parts that cannot be looked up (negations, $exists, $size, dotted
//     paths, null equality, unanchored or case-insensitive regular
//     expressions, …) are dropped from an AND (the set grows, exact=false)
//     and make an OR unrestricted;
//   - the index holds every top-level scalar and every scalar element of a
//     top-level array, typed by MongoDB's type brackets, so equality and
//     ranges on it are exactly MongoDB's (a field equals v when it or one of
//     its elements equals v; comparisons stay within one bracket).
//
// The store reads only the candidates the filter admits, in id order, and
// cond.Match is always applied to each one. When the filter is exact and the
// order is the id order, counting, skipping and limiting happen in SQL;
// otherwise the candidates are filtered, counted and paged in memory (and a
// disagreement between an exact filter and Match — a bug — falls back to
// that path too, so the answer is always Match's).

// instSearch is one search.
type instSearch struct {
	expr   cond.Expr
	start  int64
	limit  int64 // 0 = no limit
	sort   string
	fields []string
	count  bool // the answer needs the total
	rows   bool // the answer needs the rows
}

type instResult struct {
	count int64
	info  []cmdb.Instance
}

// runSearch answers q over the instances of m visible to c.
func (s *Service) runSearch(tx cmdb.Tx, c Caller, m *instModel, q *instSearch) (*instResult, error) {
	if q.expr == nil {
		q.expr = cond.True{}
	}
	res := &instResult{}
	filter, exact := m.toIndexFilter(q.expr)
	if filter != nil && filter.Op == cmdb.IdxNone {
		return res, nil
	}
	keys, desc := sortKeys(q.sort)
	idOrder := len(keys) == 0 || (len(keys) == 1 && keys[0] == m.idField)
	base := cmdb.InstanceQuery{Scope: cmdb.ScopeOf(c.Supplier), ObjID: m.objID, Filter: filter,
		Desc: len(keys) == 1 && desc[0]}
	if exact && idOrder {
		ok, err := s.searchExact(tx, m, q, base, res)
		if err != nil || ok {
			return res, err
		}
		s.log.Warn("instance search: exact index filter disagreed with the condition; filtering in memory",
			"obj", m.objID, "cond", cond.Format(q.expr))
		*res = instResult{}
	}
	var all []cmdb.StoredInstance
	var docs []map[string]any
	q2 := base
	if !idOrder {
		q2.Desc = false
	}
	err := tx.QueryInstances(&q2, func(si cmdb.StoredInstance) (bool, error) {
		doc := m.matchDoc(si.Data)
		if !cond.Match(q.expr, doc) {
			return true, nil
		}
		res.count++
		if !idOrder {
			all = append(all, si)
			docs = append(docs, doc)
			return true, nil
		}
		if q.rows && res.count > q.start && (q.limit == 0 || int64(len(res.info)) < q.limit) {
			res.info = append(res.info, instProjection(si.Data, q.fields))
		}
		if !q.count && q.limit > 0 && int64(len(res.info)) >= q.limit {
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if !idOrder && q.rows {
		idx := make([]int, len(all))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool {
			for k, f := range keys {
				c := mongoCompare(sortValue(docs[idx[a]], f, desc[k]), sortValue(docs[idx[b]], f, desc[k]))
				if c != 0 {
					return (c < 0) != desc[k]
				}
			}
			return false
		})
		for n, i := range idx {
			if int64(n) < q.start {
				continue
			}
			if q.limit > 0 && int64(len(res.info)) >= q.limit {
				break
			}
			res.info = append(res.info, instProjection(all[i].Data, q.fields))
		}
	}
	return res, nil
}

// searchExact answers with SQL counting and paging; ok is false when a row
// the filter admitted does not match (the caller then filters in memory).
func (s *Service) searchExact(tx cmdb.Tx, m *instModel, q *instSearch, base cmdb.InstanceQuery, res *instResult) (bool, error) {
	if q.count {
		n, err := tx.CountInstanceQuery(&base)
		if err != nil {
			return false, err
		}
		res.count = n
	}
	if !q.rows {
		return true, nil
	}
	pq := base
	pq.Offset, pq.Limit = q.start, q.limit
	ok := true
	err := tx.QueryInstances(&pq, func(si cmdb.StoredInstance) (bool, error) {
		if !cond.Match(q.expr, m.matchDoc(si.Data)) {
			ok = false
			return false, nil
		}
		res.info = append(res.info, instProjection(si.Data, q.fields))
		return true, nil
	})
	return ok, err
}

// instProjection keeps the listed fields of an instance (all when fields is
// empty); a dotted field keeps that part of a sub-document.
func instProjection(data cmdb.Instance, fields []string) cmdb.Instance {
	if len(fields) == 0 {
		return data
	}
	out := cmdb.Instance{}
	for _, f := range fields {
		if v, ok := data[f]; ok {
			out[f] = v
			continue
		}
		parts := strings.Split(f, ".")
		if len(parts) < 2 {
			continue
		}
		projectPath(out, map[string]any(data), parts)
	}
	return out
}

func projectPath(dst map[string]any, src map[string]any, parts []string) {
	v, ok := src[parts[0]]
	if !ok {
		return
	}
	if len(parts) == 1 {
		dst[parts[0]] = v
		return
	}
	sub, ok := v.(map[string]any)
	if !ok {
		return
	}
	d, ok := dst[parts[0]].(map[string]any)
	if !ok {
		d = map[string]any{}
		dst[parts[0]] = d
	}
	projectPath(d, sub, parts[1:])
}

// sortValue is the key MongoDB sorts a document by for one field: an array
// sorts by its smallest element ascending and its largest descending; a
// missing field is null.
func sortValue(doc map[string]any, field string, desc bool) any {
	var v any = doc
	for _, p := range strings.Split(field, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	arr, ok := v.([]any)
	if !ok {
		return v
	}
	if len(arr) == 0 {
		return emptyArray{}
	}
	best := arr[0]
	for _, e := range arr[1:] {
		c := mongoCompare(e, best)
		if (!desc && c < 0) || (desc && c > 0) {
			best = e
		}
	}
	return best
}

// emptyArray sorts below null, as in MongoDB.
type emptyArray struct{}

func mongoRank(v any) int {
	switch v.(type) {
	case emptyArray:
		return 0
	case nil:
		return 1
	case string:
		return 3
	case map[string]any:
		return 4
	case []any:
		return 5
	case bool:
		return 8
	case time.Time:
		return 9
	}
	if _, ok := cmdb.IndexNumber(v); ok {
		return 2
	}
	return 10
}

// mongoCompare orders two values as MongoDB's sort does (null < numbers <
// strings < objects < arrays < bools < dates).
func mongoCompare(a, b any) int {
	ra, rb := mongoRank(a), mongoRank(b)
	if ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case time.Time:
		return x.Compare(b.(time.Time))
	case []any:
		y := b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := mongoCompare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case map[string]any:
		y := b.(map[string]any)
		kx, ky := sortedMapKeys(x), sortedMapKeys(y)
		for i := 0; i < len(kx) && i < len(ky); i++ {
			if c := mongoCompare(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
		}
		return len(kx) - len(ky)
	}
	if ra == 2 {
		na, _ := cmdb.IndexNumber(a)
		nb, _ := cmdb.IndexNumber(b)
		return compareNumbers(na, nb)
	}
	return 0
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compareNumbers compares int64 / float64 values exactly.
func compareNumbers(a, b any) int {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		switch {
		case ai < bi:
			return -1
		case ai > bi:
			return 1
		}
		return 0
	}
	af, bf := toFloat(a), toFloat(b)
	switch {
	case af < bf:
		return -1
	case af > bf:
		return 1
	}
	if aInt && !bInt {
		return cmpIntFloatExact(ai, bf)
	}
	if bInt && !aInt {
		return -cmpIntFloatExact(bi, af)
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func cmpIntFloatExact(i int64, f float64) int {
	if f >= 9.223372036854775807e18 {
		return -1
	}
	if f < -9.223372036854775808e18 {
		return 1
	}
	t := int64(math.Trunc(f))
	switch {
	case i < t:
		return -1
	case i > t:
		return 1
	}
	frac := f - math.Trunc(f)
	switch {
	case frac > 0:
		return -1
	case frac < 0:
		return 1
	}
	return 0
}

// toIndexFilter derives the index filter of e (see the file comment): nil
// means "every instance"; exact says the filter admits exactly the
// matches.
func (m *instModel) toIndexFilter(e cond.Expr) (*cmdb.IndexFilter, bool) {
	switch x := e.(type) {
	case nil, cond.True:
		return nil, true
	case cond.False:
		return &cmdb.IndexFilter{Op: cmdb.IdxNone}, true
	case cond.And:
		return m.andFilter(x)
	case cond.Or:
		items := make([]*cmdb.IndexFilter, 0, len(x))
		exact := true
		for _, c := range x {
			f, ex := m.toIndexFilter(c)
			if f == nil {
				return nil, ex && isTrue(c)
			}
			if f.Op == cmdb.IdxNone {
				exact = exact && ex
				continue
			}
			exact = exact && ex
			items = append(items, f)
		}
		switch len(items) {
		case 0:
			return &cmdb.IndexFilter{Op: cmdb.IdxNone}, exact
		case 1:
			return items[0], exact
		}
		return &cmdb.IndexFilter{Op: cmdb.IdxOr, Items: items}, exact
	case cond.Pred:
		return m.predFilter(x)
	}
	return nil, false
}

func isTrue(e cond.Expr) bool {
	_, ok := e.(cond.True)
	return ok
}

func (m *instModel) andFilter(x cond.And) (*cmdb.IndexFilter, bool) {
	exact := true
	var items []*cmdb.IndexFilter
	// Ranges on one scalar field (never an array) merge into one lookup.
	type rng struct{ lo, hi *cmdb.IndexFilter }
	ranges := map[string]*rng{}
	var order []string
	for _, c := range x {
		f, ex := m.toIndexFilter(c)
		exact = exact && ex
		if f == nil {
			continue
		}
		if f.Op == cmdb.IdxNone {
			return f, ex
		}
		if f.Op == cmdb.IdxValue && len(f.In) == 0 && m.scalar[f.Field] && (f.Lo == nil) != (f.Hi == nil) {
			key := f.Field + "\x00" + string(rune('0'+f.Kind))
			r := ranges[key]
			if r == nil {
				r = &rng{}
				ranges[key] = r
				order = append(order, key)
			}
			if f.Lo != nil && r.lo == nil {
				r.lo = f
				continue
			}
			if f.Hi != nil && r.hi == nil {
				r.hi = f
				continue
			}
		}
		items = append(items, f)
	}
	for _, key := range order {
		r := ranges[key]
		switch {
		case r.lo != nil && r.hi != nil:
			merged := *r.lo
			merged.Hi, merged.HiIncl = r.hi.Hi, r.hi.HiIncl
			items = append(items, &merged)
		case r.lo != nil:
			items = append(items, r.lo)
		case r.hi != nil:
			items = append(items, r.hi)
		}
	}
	switch len(items) {
	case 0:
		return nil, exact
	case 1:
		return items[0], exact
	}
	return &cmdb.IndexFilter{Op: cmdb.IdxAnd, Items: items}, exact
}

// predFilter is the lookup of one field predicate.
func (m *instModel) predFilter(p cond.Pred) (*cmdb.IndexFilter, bool) {
	none := &cmdb.IndexFilter{Op: cmdb.IdxNone}
	if p.Field == m.idField {
		return idFilter(p)
	}
	if strings.Contains(p.Field, ".") || cmdb.IndexSkipFields(m.objID)[p.Field] {
		return nil, false
	}
	switch p.Op {
	case cond.OpEq:
		v, ok := indexKey(p.Field, p.Value)
		if !ok {
			return nil, false
		}
		if v == nil {
			return none, true // a date between two milliseconds
		}
		return v, true
	case cond.OpIn:
		vals, ok := p.Value.([]any)
		if !ok {
			return nil, false
		}
		byKind := map[cmdb.IndexKind]*cmdb.IndexFilter{}
		var kinds []cmdb.IndexKind
		for _, val := range vals {
			f, ok := indexKey(p.Field, val)
			if !ok {
				return nil, false
			}
			if f == nil {
				continue
			}
			g := byKind[f.Kind]
			if g == nil {
				byKind[f.Kind] = f
				kinds = append(kinds, f.Kind)
				continue
			}
			g.In = append(g.In, f.In...)
		}
		switch len(kinds) {
		case 0:
			return none, true
		case 1:
			return byKind[kinds[0]], true
		}
		or := &cmdb.IndexFilter{Op: cmdb.IdxOr}
		for _, k := range kinds {
			or.Items = append(or.Items, byKind[k])
		}
		return or, true
	case cond.OpGt, cond.OpGte, cond.OpLt, cond.OpLte:
		return rangeFilter(p)
	case cond.OpRegex:
		return regexFilter(p)
	}
	return nil, false
}

// indexKey is the equality lookup of one value: ok false when the value
// cannot be looked up (null, arrays, objects); a nil filter when nothing can
// equal it (a date with a fraction of a millisecond).
func indexKey(field string, v any) (*cmdb.IndexFilter, bool) {
	if t, ok := v.(time.Time); ok && t.Nanosecond()%int(time.Millisecond) != 0 {
		return nil, true
	}
	iv, ok := cmdb.IndexScalar(field, v, false)
	if !ok {
		return nil, false
	}
	f := &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: field, Kind: iv.Kind}
	if iv.Kind == cmdb.KindString {
		f.In = []any{iv.Str}
	} else {
		f.In = []any{iv.Num}
	}
	return f, true
}

// rangeFilter is the lookup of a comparison: within the value's type bracket.
func rangeFilter(p cond.Pred) (*cmdb.IndexFilter, bool) {
	if p.Value == nil {
		return nil, false
	}
	op := p.Op
	var bound any
	var kind cmdb.IndexKind
	if t, ok := p.Value.(time.Time); ok {
		kind, bound = cmdb.KindDate, t.UnixMilli()
		if t.Nanosecond()%int(time.Millisecond) != 0 {
			// Stored dates are whole milliseconds: x < t ⇔ x <= floor(t),
			// x > t ⇔ x > floor(t).
			switch op {
			case cond.OpLt, cond.OpLte:
				op = cond.OpLte
			default:
				op = cond.OpGt
			}
		}
	} else {
		iv, ok := cmdb.IndexScalar(p.Field, p.Value, false)
		if !ok {
			return nil, false
		}
		kind = iv.Kind
		if kind == cmdb.KindString {
			bound = iv.Str
		} else {
			bound = iv.Num
		}
	}
	f := &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: p.Field, Kind: kind}
	switch op {
	case cond.OpGt, cond.OpGte:
		f.Lo, f.LoIncl = bound, op == cond.OpGte
	default:
		f.Hi, f.HiIncl = bound, op == cond.OpLte
	}
	return f, true
}

// regexFilter turns an anchored literal prefix into a string range: exact
// when the expression is nothing but ^prefix.
func regexFilter(p cond.Pred) (*cmdb.IndexFilter, bool) {
	if strings.ContainsAny(p.Flags, "im") {
		return nil, false
	}
	re, err := syntax.Parse(p.Pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) == 0 || subs[0].Op != syntax.OpBeginText {
		return nil, false
	}
	var prefix []rune
	i := 1
	for ; i < len(subs); i++ {
		s := subs[i]
		if s.Op != syntax.OpLiteral || s.Flags&syntax.FoldCase != 0 {
			break
		}
		prefix = append(prefix, s.Rune...)
	}
	exact := i == len(subs)
	f := &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: p.Field, Kind: cmdb.KindString}
	if len(prefix) == 0 {
		if !exact {
			return nil, false
		}
		return f, true // "^": every string
	}
	lo := string(prefix)
	f.Lo, f.LoIncl = lo, true
	if hi, ok := prefixUpper(lo); ok {
		f.Hi = hi
	}
	return f, exact
}

// prefixUpper is the smallest string above every string starting with p.
func prefixUpper(p string) (string, bool) {
	b := []byte(p)
	for len(b) > 0 && b[len(b)-1] == 0xff {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return "", false
	}
	b[len(b)-1]++
	return string(b), true
}

// idFilter is the lookup of a predicate on the id field, which every
// instance holds as an integer equal to its row id.
func idFilter(p cond.Pred) (*cmdb.IndexFilter, bool) {
	none := &cmdb.IndexFilter{Op: cmdb.IdxNone}
	idOf := func(v any) (int64, bool, bool) { // id, isInteger, lookupable
		switch v.(type) {
		case nil, []any, map[string]any:
			return 0, false, false
		}
		n, ok := cmdb.IndexNumber(v)
		if !ok {
			return 0, false, true // another type bracket: never equal
		}
		switch x := n.(type) {
		case int64:
			return x, true, true
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 9e18 {
				return int64(x), true, true
			}
		}
		return 0, false, true
	}
	switch p.Op {
	case cond.OpEq:
		id, isInt, ok := idOf(p.Value)
		if !ok {
			return nil, false
		}
		if !isInt {
			return none, true
		}
		return &cmdb.IndexFilter{Op: cmdb.IdxID, In: []any{id}}, true
	case cond.OpIn:
		vals, ok := p.Value.([]any)
		if !ok {
			return nil, false
		}
		var in []any
		for _, v := range vals {
			id, isInt, ok := idOf(v)
			if !ok {
				return nil, false
			}
			if isInt {
				in = append(in, id)
			}
		}
		if len(in) == 0 {
			return none, true
		}
		return &cmdb.IndexFilter{Op: cmdb.IdxID, In: in}, true
	case cond.OpGt, cond.OpGte, cond.OpLt, cond.OpLte:
		if p.Value == nil {
			return nil, false
		}
		n, ok := cmdb.IndexNumber(p.Value)
		if !ok {
			if _, isTime := p.Value.(time.Time); isTime {
				return none, true
			}
			switch p.Value.(type) {
			case string, bool:
				return none, true
			}
			return nil, false
		}
		f := &cmdb.IndexFilter{Op: cmdb.IdxID}
		switch p.Op {
		case cond.OpGt, cond.OpGte:
			f.Lo, f.LoIncl = n, p.Op == cond.OpGte
		default:
			f.Hi, f.HiIncl = n, p.Op == cond.OpLte
		}
		return f, true
	}
	return nil, false
}
