package cond

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"
)

// The differential test: random conditions over a small fixed-column table;
// Match on each row (as a document) must agree with the rows an in-memory
// SQLite returns for ToSQL's WHERE clause.

var registerOnce sync.Once

func registerRegexp() {
	registerOnce.Do(func() {
		sqlite.MustRegisterDeterministicScalarFunction(SQLiteRegexpFuncName, 2,
			func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				p, _ := args[0].(string)
				s, ok := args[1].(string)
				if !ok {
					return nil, nil
				}
				m, err := SQLiteRegexp(p, s)
				if err != nil {
					return nil, err
				}
				if m {
					return int64(1), nil
				}
				return int64(0), nil
			})
	})
}

type testRow struct {
	id int64
	i  *int64
	s  *string
	b  *bool
	n  int64
	m  *string
	t  *time.Time
}

func (r testRow) doc() map[string]any {
	d := map[string]any{"id": r.id, "n": r.n}
	put := func(k string, present bool, v any) {
		if present {
			d[k] = v
		} else {
			d[k] = nil
		}
	}
	if r.i != nil {
		put("i", true, *r.i)
	} else {
		put("i", false, nil)
	}
	if r.s != nil {
		put("s", true, *r.s)
	} else {
		put("s", false, nil)
	}
	if r.b != nil {
		put("b", true, *r.b)
	} else {
		put("b", false, nil)
	}
	if r.m != nil {
		d["m"] = *r.m // NULL m means the field is missing
	}
	if r.t != nil {
		put("t", true, *r.t)
	} else {
		put("t", false, nil)
	}
	return d
}

var (
	diffInts = []int64{0, 1, -1, 2, 3, 7, 10, -7, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, 9007199254740993, 1 << 53}
	diffStrs = []string{"", "a", "A", "ab", "abc", "b", "B", "a\nb", "héllo", "HÉLLO", "10.0.0.1", "1", "Z", "x y", "sw-01", "Sw-01", "b\na", "é"}
	diffTime = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
)

func makeRows(r *rand.Rand, n int) []testRow {
	rows := make([]testRow, n)
	for k := range rows {
		row := testRow{id: int64(k + 1), n: diffInts[r.Intn(len(diffInts))]}
		if r.Intn(5) > 0 {
			v := diffInts[r.Intn(len(diffInts))]
			row.i = &v
		}
		if r.Intn(5) > 0 {
			v := diffStrs[r.Intn(len(diffStrs))]
			row.s = &v
		}
		if r.Intn(4) > 0 {
			v := r.Intn(2) == 0
			row.b = &v
		}
		if r.Intn(3) > 0 {
			v := diffStrs[r.Intn(len(diffStrs))]
			row.m = &v
		}
		if r.Intn(4) > 0 {
			v := diffTime.Add(time.Duration(r.Intn(5)-2) * time.Hour)
			row.t = &v
		}
		rows[k] = row
	}
	return rows
}

func openTestDB(t testing.TB, rows []testRow) *sql.DB {
	registerRegexp()
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, c_i INTEGER, c_s TEXT, c_b INTEGER, c_n INTEGER NOT NULL, c_m TEXT, c_t TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		var tv any
		if r.t != nil {
			tv = r.t.UTC().Format(SQLiteTimeFormat)
		}
		var iv, sv, bv, mv any
		if r.i != nil {
			iv = *r.i
		}
		if r.s != nil {
			sv = *r.s
		}
		if r.b != nil {
			bv = *r.b
		}
		if r.m != nil {
			mv = *r.m
		}
		if _, err := db.Exec(`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)`, r.id, iv, sv, bv, r.n, mv, tv); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func sqlIDs(t testing.TB, db *sql.DB, e Expr) ([]int64, string) {
	w, args, err := ToSQL(e, testCols, SQLite)
	if err != nil {
		t.Fatalf("ToSQL(%s): %v", Format(e), err)
	}
	rs, err := db.Query("SELECT id FROM t WHERE "+w+" ORDER BY id", args...)
	if err != nil {
		t.Fatalf("query %s %v: %v", w, args, err)
	}
	defer rs.Close()
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, w + " " + argsText(args)
}

func matchIDs(e Expr, rows []testRow) []int64 {
	var ids []int64
	for _, r := range rows {
		if Match(e, r.doc()) {
			ids = append(ids, r.id)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return ids
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// gen produces random conditions as decoded JSON (for ParseMongo) and as
// trees (for what JSON cannot say: dates, $size).
type gen struct{ r *rand.Rand }

var diffFields = []string{"id", "i", "s", "b", "n", "m", "x", "i.sub", "t"}

func (g gen) number() any {
	switch g.r.Intn(4) {
	case 0:
		return json.Number(fmt.Sprint(diffInts[g.r.Intn(len(diffInts))]))
	case 1:
		fs := []string{"1.5", "-0.5", "2.0", "1e19", "-1e19", "9.223372036854775807e18", "-9.223372036854775808e18", "9007199254740992.0", "0.0", "-1e400", "1e400", "6.5"}
		return json.Number(fs[g.r.Intn(len(fs))])
	default:
		return json.Number(fmt.Sprint(g.r.Intn(12) - 3))
	}
}

func (g gen) scalar() any {
	switch g.r.Intn(10) {
	case 0:
		return nil
	case 1, 2:
		return g.r.Intn(2) == 0
	case 3, 4, 5:
		return diffStrs[g.r.Intn(len(diffStrs))]
	}
	return g.number()
}

func (g gen) value() any {
	switch g.r.Intn(12) {
	case 0:
		return []any{g.scalar()}
	case 1:
		return map[string]any{"a": g.scalar()}
	case 2:
		return []any{}
	}
	return g.scalar()
}

var diffPatterns = []string{"^a", "a", "b$", "^$", "A", ".", "a.b", `^\d+$`, "é", "^sw", "0\\.1", "^.$", "a$", "^b", "x y", "^[a-c]+$"}
var diffOptions = []string{"", "", "i", "m", "s", "ms", "x", "mi", "si"}

func (g gen) opDoc(allowNot bool) map[string]any {
	m := map[string]any{}
	for k := 1 + g.r.Intn(2); k > 0; k-- {
		ops := []string{"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex", "$not"}
		op := ops[g.r.Intn(len(ops))]
		switch op {
		case "$eq", "$ne":
			m[op] = g.value()
		case "$gt", "$gte", "$lt", "$lte":
			m[op] = g.scalar()
		case "$in", "$nin":
			var vals []any
			for j := g.r.Intn(4); j > 0; j-- {
				vals = append(vals, g.value())
			}
			if vals == nil {
				vals = []any{}
			}
			m[op] = vals
		case "$exists":
			m[op] = []any{true, false, json.Number("0"), json.Number("1"), nil}[g.r.Intn(5)]
		case "$regex":
			m[op] = diffPatterns[g.r.Intn(len(diffPatterns))]
			if o := diffOptions[g.r.Intn(len(diffOptions))]; o != "" {
				m["$options"] = o
			}
		case "$not":
			if allowNot {
				m[op] = g.opDoc(false)
			}
		}
	}
	if len(m) == 0 {
		m["$exists"] = true
	}
	return m
}

func (g gen) cond(depth int) map[string]any {
	m := map[string]any{}
	for k := 1 + g.r.Intn(2); k > 0; k-- {
		if depth < 3 && g.r.Intn(4) == 0 {
			var subs []any
			for j := 1 + g.r.Intn(3); j > 0; j-- {
				subs = append(subs, g.cond(depth+1))
			}
			m[[]string{"$and", "$or", "$nor"}[g.r.Intn(3)]] = subs
			continue
		}
		f := diffFields[g.r.Intn(len(diffFields))]
		if g.r.Intn(4) == 0 {
			m[f] = g.value()
		} else {
			m[f] = g.opDoc(true)
		}
	}
	return m
}

// tree produces a random tree directly, with dates and $size.
func (g gen) tree(depth int) Expr {
	if depth < 3 && g.r.Intn(3) == 0 {
		var items []Expr
		for j := g.r.Intn(4); j > 0; j-- {
			items = append(items, g.tree(depth+1))
		}
		switch g.r.Intn(4) {
		case 0:
			return And(items)
		case 1:
			return Or(items)
		case 2:
			return Nor(items)
		}
		if len(items) == 0 {
			return True{}
		}
		return Not{items[0]}
	}
	f := diffFields[g.r.Intn(len(diffFields))]
	switch g.r.Intn(6) {
	case 0:
		return Pred{Field: f, Op: OpSize, Value: int64(g.r.Intn(2))}
	case 1, 2:
		ops := []Op{OpEq, OpGt, OpGte, OpLt, OpLte}
		var v any = diffTime.Add(time.Duration(g.r.Intn(5)-2) * time.Hour)
		if g.r.Intn(4) == 0 {
			v = v.(time.Time).In(time.FixedZone("X", 3600))
		}
		return Pred{Field: f, Op: ops[g.r.Intn(len(ops))], Value: v}
	case 3:
		return Pred{Field: f, Op: OpIn, Value: []any{diffTime, nil, g.scalar()}}
	}
	e, err := ParseMongo(map[string]any{f: g.opDoc(true)}, Limits{})
	if err != nil {
		panic(err)
	}
	return e
}

func TestDifferentialSQLite(t *testing.T) {
	r := rand.New(rand.NewSource(20240501))
	rows := makeRows(r, 80)
	db := openTestDB(t, rows)
	defer db.Close()
	g := gen{r}
	n := 4000
	if testing.Short() {
		n = 500
	}
	check := func(what string, e Expr) {
		got, sqlText := sqlIDs(t, db, e)
		want := matchIDs(e, rows)
		if !sameIDs(got, want) {
			t.Fatalf("%s: Match and SQL disagree\ntree: %s\nsql:  %s\nmatch ids: %v\nsql ids:   %v", what, Format(e), sqlText, want, got)
		}
	}
	for k := 0; k < n; k++ {
		c := g.cond(0)
		e, err := ParseMongo(c, Limits{})
		if err != nil {
			t.Fatalf("generated condition %s: %v", jsonText(c), err)
		}
		check(jsonText(c), e)
		check("tree", g.tree(0))
	}
	// Every querybuilder and filter operator, against every field.
	for _, f := range diffFields {
		if strings.Contains(f, ".") {
			continue
		}
		for op := range qbOperators {
			for _, v := range []string{`1`, `"a"`, `[1,2]`, `["a","b"]`, `true`, `"2024-05-01T10:00:00Z"`, `"2024-05-01"`, `-1.5`} {
				in := and1(fmt.Sprintf(`{"field":%q,"operator":%q,"value":%s}`, f, op, v))
				if e, err := qbSearch(decodeJSON(t, in)); err == nil {
					check(in, e)
				}
			}
		}
		for op := range filterOperators {
			for _, v := range []string{`1`, `"a"`, `[1,2]`, `["a","b"]`, `true`, `"2024-05-01 10:00:00"`, `1714557600`, `-1.5`, `0`, atom("element", "equal", `1`), atom("sub", "equal", `1`)} {
				in := atom(f, op, v)
				if e, err := ParseFilter(decodeJSON(t, in)); err == nil {
					check(in, e)
				}
			}
		}
	}
}
