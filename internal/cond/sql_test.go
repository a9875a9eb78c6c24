package cond

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// testCols is the fixed-column table of the SQL tests.
var testCols = ColumnSet{
	"id": {Expr: "id", Kind: KindInt64},
	"i":  {Expr: "c_i", Kind: KindInt64, Nullable: true},
	"s":  {Expr: "c_s", Kind: KindString, Nullable: true},
	"b":  {Expr: "c_b", Kind: KindBool, Nullable: true},
	"n":  {Expr: "c_n", Kind: KindInt64},
	"m":  {Expr: "c_m", Kind: KindString, Nullable: true, NullIsMissing: true},
	"t":  {Expr: "c_t", Kind: KindTime, Nullable: true},
}

func argsText(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch x := a.(type) {
		case time.Time:
			parts[i] = "time(" + x.UTC().Format(time.RFC3339) + ")"
		default:
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(a)
			parts[i] = strings.TrimSpace(buf.String())
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestToSQL(t *testing.T) {
	cases := []struct {
		cond   string
		sqlite string
		pg     string
	}{
		{`{}`, `1=1 []`, `1=1 []`},
		{`{"n":1}`, `c_n = ? [1]`, `c_n = $1 [1]`},
		{`{"n":1.0}`, `c_n = ? [1]`, `c_n = $1 [1]`},
		{`{"n":1.5}`, `1=0 []`, `1=0 []`},
		{`{"i":1}`, `(c_i IS NOT NULL AND c_i = ?) [1]`, `(c_i IS NOT NULL AND c_i = $1) [1]`},
		{`{"i":"1"}`, `1=0 []`, `1=0 []`},
		{`{"i":[1]}`, `1=0 []`, `1=0 []`},
		{`{"i":{"a":1}}`, `1=0 []`, `1=0 []`},
		{`{"i":{"$ne":"1"}}`, `1=1 []`, `1=1 []`},
		{`{"i":{"$ne":1}}`, `NOT ((c_i IS NOT NULL AND c_i = ?)) [1]`, `NOT ((c_i IS NOT NULL AND c_i = $1)) [1]`},
		{`{"i":null}`, `c_i IS NULL []`, `c_i IS NULL []`},
		{`{"n":null}`, `1=0 []`, `1=0 []`},
		{`{"x":null}`, `1=1 []`, `1=1 []`},
		{`{"x":1}`, `1=0 []`, `1=0 []`},
		{`{"x":{"$exists":false}}`, `1=1 []`, `1=1 []`},
		{`{"x":{"$nin":[1]}}`, `1=1 []`, `1=1 []`},
		{`{"x":{"$in":[1,null]}}`, `1=1 []`, `1=1 []`},
		{`{"x":{"$gte":null}}`, `1=1 []`, `1=1 []`},
		{`{"x":{"$regex":"a"}}`, `1=0 []`, `1=0 []`},
		{`{"i.sub":1}`, `1=0 []`, `1=0 []`},
		{`{"i":{"$gt":1.5}}`, `(c_i IS NOT NULL AND c_i > ?) [1]`, `(c_i IS NOT NULL AND c_i > $1) [1]`},
		{`{"i":{"$gte":1.5}}`, `(c_i IS NOT NULL AND c_i >= ?) [2]`, `(c_i IS NOT NULL AND c_i >= $1) [2]`},
		{`{"i":{"$lt":-1.5}}`, `(c_i IS NOT NULL AND c_i < ?) [-1]`, `(c_i IS NOT NULL AND c_i < $1) [-1]`},
		{`{"i":{"$lte":-1.5}}`, `(c_i IS NOT NULL AND c_i <= ?) [-2]`, `(c_i IS NOT NULL AND c_i <= $1) [-2]`},
		{`{"n":{"$lt":1e30}}`, `1=1 []`, `1=1 []`},
		{`{"i":{"$lt":1e30}}`, `c_i IS NOT NULL []`, `c_i IS NOT NULL []`},
		{`{"i":{"$gt":1e30}}`, `1=0 []`, `1=0 []`},
		{`{"i":{"$gt":"a"}}`, `1=0 []`, `1=0 []`},
		{`{"i":{"$gt":null}}`, `1=0 []`, `1=0 []`},
		{`{"i":{"$lte":null}}`, `c_i IS NULL []`, `c_i IS NULL []`},
		{`{"s":"a"}`, `(c_s IS NOT NULL AND c_s = ?) ["a"]`, `(c_s IS NOT NULL AND c_s = $1) ["a"]`},
		{`{"s":1}`, `1=0 []`, `1=0 []`},
		{`{"s":{"$gt":"a"}}`, `(c_s IS NOT NULL AND c_s COLLATE BINARY > ?) ["a"]`, `(c_s IS NOT NULL AND c_s COLLATE "C" > $1) ["a"]`},
		{`{"s":{"$regex":"^a","$options":"i"}}`, `(c_s IS NOT NULL AND regexp(?, c_s)) ["(?i)^a"]`, `(c_s IS NOT NULL AND c_s ~ $1) ["^[Aa]"]`},
		{`{"s":{"$regex":"^a","$options":"m"}}`, `(c_s IS NOT NULL AND regexp(?, c_s)) ["(?m)^a"]`, `(c_s IS NOT NULL AND c_s ~ $1) ["(?:^|(?<=\\n))a"]`},
		{`{"s":{"$regex":"a.b","$options":"s"}}`, `(c_s IS NOT NULL AND regexp(?, c_s)) ["(?s)a.b"]`, `(c_s IS NOT NULL AND c_s ~ $1) ["a[\\u0000-\\U0010FFFF]b"]`},
		{`{"s":{"$regex":"a.b","$options":"sm"}}`, `(c_s IS NOT NULL AND regexp(?, c_s)) ["(?ms)a.b"]`, `(c_s IS NOT NULL AND c_s ~ $1) ["a[\\u0000-\\U0010FFFF]b"]`},
		{`{"n":{"$regex":"1"}}`, `1=0 []`, `1=0 []`},
		{`{"b":true}`, `(c_b IS NOT NULL AND c_b = ?) [true]`, `(c_b IS NOT NULL AND c_b = $1) [true]`},
		{`{"b":{"$gt":false}}`, `(c_b IS NOT NULL AND c_b = ?) [true]`, `(c_b IS NOT NULL AND c_b = $1) [true]`},
		{`{"b":{"$gte":false}}`, `c_b IS NOT NULL []`, `c_b IS NOT NULL []`},
		{`{"b":{"$lt":false}}`, `1=0 []`, `1=0 []`},
		{`{"b":{"$lte":false}}`, `(c_b IS NOT NULL AND c_b = ?) [false]`, `(c_b IS NOT NULL AND c_b = $1) [false]`},
		{`{"b":1}`, `1=0 []`, `1=0 []`},
		{`{"m":{"$exists":false}}`, `c_m IS NULL []`, `c_m IS NULL []`},
		{`{"m":{"$exists":true}}`, `c_m IS NOT NULL []`, `c_m IS NOT NULL []`},
		{`{"s":{"$exists":false}}`, `1=0 []`, `1=0 []`},
		{`{"s":{"$exists":true}}`, `1=1 []`, `1=1 []`},
		{`{"n":{"$in":[1,"a",2.5,3]}}`, `c_n IN (?, ?) [1 3]`, `c_n IN ($1, $2) [1 3]`},
		{`{"n":{"$in":["a"]}}`, `1=0 []`, `1=0 []`},
		{`{"n":{"$nin":[1,2]}}`, `NOT (c_n IN (?, ?)) [1 2]`, `NOT (c_n IN ($1, $2)) [1 2]`},
		{`{"$or":[{"n":1},{"s":{"$in":["a","b",null]}}]}`,
			`(c_n = ? OR ((c_s IS NOT NULL AND c_s IN (?, ?)) OR c_s IS NULL)) [1 "a" "b"]`,
			`(c_n = $1 OR ((c_s IS NOT NULL AND c_s IN ($2, $3)) OR c_s IS NULL)) [1 "a" "b"]`},
		{`{"$nor":[{"n":1},{"s":"a"}]}`,
			`NOT ((c_n = ? OR (c_s IS NOT NULL AND c_s = ?))) [1 "a"]`,
			`NOT ((c_n = $1 OR (c_s IS NOT NULL AND c_s = $2))) [1 "a"]`},
		// constant folding drops the arguments of folded parts
		{`{"$and":[{"n":1},{"x":1}]}`, `1=0 []`, `1=0 []`},
		{`{"$or":[{"n":1},{"x":null},{"n":2}]}`, `1=1 []`, `1=1 []`},
		{`{"$and":[{"n":1},{"x":{"$exists":false}},{"i":2}]}`,
			`(c_n = ? AND (c_i IS NOT NULL AND c_i = ?)) [1 2]`,
			`(c_n = $1 AND (c_i IS NOT NULL AND c_i = $2)) [1 2]`},
		{`{"$or":[{"$and":[{"n":1},{"x":1}]},{"n":3}]}`, `c_n = ? [3]`, `c_n = $1 [3]`},
		{`{"$nor":[{"x":null}]}`, `1=0 []`, `1=0 []`},
		// PostgreSQL text cannot hold NUL
		{`{"s":"a\u0000b"}`, `(c_s IS NOT NULL AND c_s = ?) ["a\u0000b"]`, `1=0 []`},
		{`{"s":{"$in":["a\u0000b","c"]}}`, `(c_s IS NOT NULL AND c_s IN (?, ?)) ["a\u0000b" "c"]`, `(c_s IS NOT NULL AND c_s = $1) ["c"]`},
		{`{"s":{"$lt":"a\u0000b"}}`, `(c_s IS NOT NULL AND c_s COLLATE BINARY < ?) ["a\u0000b"]`, `(c_s IS NOT NULL AND c_s COLLATE "C" <= $1) ["a"]`},
		{`{"s":{"$gte":"a\u0000b"}}`, `(c_s IS NOT NULL AND c_s COLLATE BINARY >= ?) ["a\u0000b"]`, `(c_s IS NOT NULL AND c_s COLLATE "C" > $1) ["a"]`},
	}
	for _, c := range cases {
		e, perr := ParseMongo(decodeJSON(t, c.cond), Limits{})
		if perr != nil {
			t.Fatalf("%s: %v", c.cond, perr)
		}
		for _, d := range []struct {
			d    Dialect
			want string
		}{{SQLite, c.sqlite}, {Postgres, c.pg}} {
			w, args, err := ToSQL(e, testCols, d.d)
			if err != nil {
				t.Fatalf("%s: %v", c.cond, err)
			}
			if got := w + " " + argsText(args); got != d.want {
				t.Errorf("ToSQL(%s, %d)\n got: %s\nwant: %s", c.cond, d.d, got, d.want)
			}
		}
	}
}

func TestToSQLTreesAndErrors(t *testing.T) {
	tm := time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	cases := []struct {
		e      Expr
		sqlite string
		pg     string
	}{
		{Pred{Field: "t", Op: OpGt, Value: tm}, `(c_t IS NOT NULL AND c_t > ?) ["2024-05-01T02:00:00.123Z"]`, `(c_t IS NOT NULL AND c_t > $1) [time(2024-05-01T02:00:00Z)]`},
		{Pred{Field: "t", Op: OpEq, Value: "2024-05-01"}, `1=0 []`, `1=0 []`},
		{Pred{Field: "s", Op: OpLt, Value: tm}, `1=0 []`, `1=0 []`},
		{Pred{Field: "n", Op: OpSize, Value: int64(0)}, `1=0 []`, `1=0 []`},
		{Pred{Field: "n", Op: OpEq, Value: uint64(math.MaxUint64)}, `1=0 []`, `1=0 []`},
		{Pred{Field: "n", Op: OpGt, Value: uint64(math.MaxUint64)}, `1=0 []`, `1=0 []`},
		{Pred{Field: "n", Op: OpGte, Value: -9.3e18}, `1=1 []`, `1=1 []`},
		{Pred{Field: "n", Op: OpGte, Value: -twoTo63}, `c_n >= ? [-9223372036854775808]`, `c_n >= $1 [-9223372036854775808]`},
		{Pred{Field: "n", Op: OpLt, Value: -twoTo63}, `c_n < ? [-9223372036854775808]`, `c_n < $1 [-9223372036854775808]`},
		{Pred{Field: "n", Op: OpLte, Value: twoTo63}, `1=1 []`, `1=1 []`},
		{Pred{Field: "n", Op: OpGt, Value: math.NaN()}, `1=0 []`, `1=0 []`},
		{Nor{}, `1=1 []`, `1=1 []`},
		{Or{}, `1=0 []`, `1=0 []`},
		{And{}, `1=1 []`, `1=1 []`},
		{Not{False{}}, `1=1 []`, `1=1 []`},
	}
	for _, c := range cases {
		for _, d := range []struct {
			d    Dialect
			want string
		}{{SQLite, c.sqlite}, {Postgres, c.pg}} {
			w, args, err := ToSQL(c.e, testCols, d.d)
			if err != nil {
				t.Fatalf("%s: %v", Format(c.e), err)
			}
			if got := w + " " + argsText(args); got != d.want {
				t.Errorf("ToSQL(%s, %d)\n got: %s\nwant: %s", Format(c.e), d.d, got, d.want)
			}
		}
	}
	bad := []struct {
		e    Expr
		cols ColumnSet
		d    Dialect
	}{
		{True{}, testCols, 0},
		{nil, testCols, SQLite},
		{Pred{Field: "a", Op: OpEq, Value: 1}, ColumnSet{"a": {Kind: KindInt64}}, SQLite},
		{Pred{Field: "a", Op: OpEq, Value: 1}, ColumnSet{"a": {Expr: "a ? 1", Kind: KindInt64}}, SQLite},
		{Pred{Field: "a", Op: OpEq, Value: 1}, ColumnSet{"a": {Expr: "$1", Kind: KindInt64}}, Postgres},
		{Pred{Field: "s", Op: OpRegex}, testCols, SQLite},
		{Pred{Field: "s", Op: 99}, testCols, SQLite},
	}
	for i, c := range bad {
		if _, _, err := ToSQL(c.e, c.cols, c.d); err == nil {
			t.Errorf("case %d: expected an error", i)
		}
	}
	// PostgreSQL placeholders are numbered in order and never reused.
	var conds []string
	for i := 0; i < 12; i++ {
		conds = append(conds, fmt.Sprintf(`{"n":%d}`, i))
	}
	e, _ := ParseMongo(decodeJSON(t, `{"$or":[`+strings.Join(conds, ",")+`]}`), Limits{})
	w, args, _ := ToSQL(e, testCols, Postgres)
	for i := 1; i <= 12; i++ {
		if strings.Count(w, fmt.Sprintf("$%d)", i))+strings.Count(w, fmt.Sprintf("$%d ", i)) != 1 {
			t.Errorf("placeholder $%d not exactly once in %s", i, w)
		}
	}
	if len(args) != 12 {
		t.Errorf("args %v", args)
	}
}
