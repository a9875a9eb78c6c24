package cond

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMatchMongoSemantics(t *testing.T) {
	type row struct {
		cond string
		doc  string
		want bool
	}
	rows := []row{
		// equality, missing and null
		{`{"a":1}`, `{"a":1}`, true},
		{`{"a":1}`, `{"a":1.0}`, true},
		{`{"a":1}`, `{"a":"1"}`, false},
		{`{"a":1}`, `{}`, false},
		{`{"a":null}`, `{}`, true},
		{`{"a":null}`, `{"a":null}`, true},
		{`{"a":null}`, `{"a":0}`, false},
		{`{"a":{"$ne":1}}`, `{}`, true},
		{`{"a":{"$ne":1}}`, `{"a":null}`, true},
		{`{"a":{"$ne":1}}`, `{"a":1}`, false},
		{`{"a":{"$ne":null}}`, `{}`, false},
		{`{"a":{"$ne":null}}`, `{"a":0}`, true},
		{`{"a":{"$nin":[1,2]}}`, `{}`, true},
		{`{"a":{"$nin":[1,2]}}`, `{"a":3}`, true},
		{`{"a":{"$nin":[1,2]}}`, `{"a":2}`, false},
		{`{"a":{"$in":[null]}}`, `{}`, true},
		{`{"a":{"$in":[]}}`, `{"a":1}`, false},
		{`{"a":{"$nin":[]}}`, `{}`, true},
		{`{"a":{"$exists":false}}`, `{}`, true},
		{`{"a":{"$exists":false}}`, `{"a":null}`, false},
		{`{"a":{"$exists":true}}`, `{"a":null}`, true},
		// comparisons: type bracketing
		{`{"a":{"$gt":1}}`, `{"a":"2"}`, false},
		{`{"a":{"$gt":1}}`, `{"a":2}`, true},
		{`{"a":{"$gt":1}}`, `{"a":1.0000001}`, true},
		{`{"a":{"$gt":1}}`, `{"a":true}`, false},
		{`{"a":{"$gt":"a"}}`, `{"a":"b"}`, true},
		{`{"a":{"$gt":"a"}}`, `{"a":"B"}`, false},
		{`{"a":{"$lt":"a"}}`, `{"a":5}`, false},
		{`{"a":{"$gt":false}}`, `{"a":true}`, true},
		{`{"a":{"$lt":true}}`, `{"a":false}`, true},
		{`{"a":{"$gt":1}}`, `{}`, false},
		{`{"a":{"$lt":1}}`, `{}`, false},
		{`{"a":{"$lt":1}}`, `{"a":null}`, false},
		{`{"a":{"$gte":null}}`, `{}`, true},
		{`{"a":{"$lte":null}}`, `{"a":null}`, true},
		{`{"a":{"$gt":null}}`, `{"a":null}`, false},
		{`{"a":{"$gte":null}}`, `{"a":1}`, false},
		// exact numbers across representations
		{`{"a":9007199254740993}`, `{"a":9007199254740992}`, false},
		{`{"a":{"$gt":9007199254740992}}`, `{"a":9007199254740993}`, true},
		{`{"a":{"$lt":9223372036854775807}}`, `{"a":9.3e18}`, false},
		{`{"a":{"$lt":1e19}}`, `{"a":9223372036854775807}`, true},
		{`{"a":{"$gte":1.5}}`, `{"a":1}`, false},
		{`{"a":{"$gte":1.5}}`, `{"a":2}`, true},
		{`{"a":1e400}`, `{"a":1e400}`, true},
		// regex: strings only
		{`{"a":{"$regex":"1"}}`, `{"a":1}`, false},
		{`{"a":{"$regex":"1"}}`, `{"a":"x1"}`, true},
		{`{"a":{"$regex":"^X","$options":"i"}}`, `{"a":"xy"}`, true},
		{`{"a":{"$regex":"^X"}}`, `{"a":"xy"}`, false},
		{`{"a":{"$regex":"^b","$options":"m"}}`, `{"a":"a\nb"}`, true},
		{`{"a":{"$regex":"^b"}}`, `{"a":"a\nb"}`, false},
		{`{"a":{"$regex":"a.b"}}`, `{"a":"a\nb"}`, false},
		{`{"a":{"$regex":"a.b","$options":"s"}}`, `{"a":"a\nb"}`, true},
		{`{"a":{"$not":{"$regex":"x"}}}`, `{}`, true},
		{`{"a":{"$not":{"$regex":"x"}}}`, `{"a":"x"}`, false},
		{`{"a":{"$not":{"$gt":5}}}`, `{"a":"z"}`, true},
		// arrays: any element, or the whole array
		{`{"a":2}`, `{"a":[1,2,3]}`, true},
		{`{"a":[1,2]}`, `{"a":[1,2]}`, true},
		{`{"a":[1,2]}`, `{"a":[2,1]}`, false},
		{`{"a":[1,2]}`, `{"a":[[1,2],3]}`, true},
		{`{"a":1}`, `{"a":[[1]]}`, false},
		{`{"a":{"$gt":2}}`, `{"a":[1,3]}`, true},
		{`{"a":{"$gt":1,"$lt":3}}`, `{"a":[0,5]}`, true},
		{`{"a":{"$ne":2}}`, `{"a":[1,2]}`, false},
		{`{"a":{"$regex":"^b"}}`, `{"a":["a","b"]}`, true},
		{`{"a":{"$in":[5,2]}}`, `{"a":[1,2]}`, true},
		{`{"a":null}`, `{"a":[1,null]}`, true},
		{`{"a":[]}`, `{"a":[]}`, true},
		{`{"a":[]}`, `{"a":[[]]}`, true},
		// sub-documents and dotted paths
		{`{"a":{"b":1}}`, `{"a":{"b":1}}`, true},
		{`{"a":{"b":1}}`, `{"a":{"b":1,"c":2}}`, false},
		{`{"a":{"b":1}}`, `{"a":{"b":1.0}}`, true},
		{`{"a.b":1}`, `{"a":{"b":1,"c":2}}`, true},
		{`{"a.b":1}`, `{"a":[{"b":2},{"b":1}]}`, true},
		{`{"a.b":1}`, `{"a":[{"b":[0,1]}]}`, true},
		{`{"a.b":null}`, `{"a":[{"b":2},{"c":1}]}`, true},
		{`{"a.b":null}`, `{"a":5}`, true},
		{`{"a.b":{"$exists":true}}`, `{"a":[{"c":1}]}`, false},
		{`{"a.b":{"$exists":true}}`, `{"a":[{"c":1},{"b":null}]}`, true},
		{`{"a.1":"y"}`, `{"a":["x","y"]}`, true},
		{`{"a.0":{"$exists":true}}`, `{"a":[]}`, false},
		{`{"a.0":{"$exists":true}}`, `{"a":[0]}`, true},
		{`{"a.b.c":3}`, `{"a":{"b":{"c":3}}}`, true},
		// logical
		{`{"$or":[{"a":1},{"b":1}]}`, `{"b":1}`, true},
		{`{"$nor":[{"a":1},{"b":1}]}`, `{"b":1}`, false},
		{`{"$nor":[{"a":1},{"b":1}]}`, `{}`, true},
		{`{"$and":[{"a":1},{"b":1}]}`, `{"a":1}`, false},
	}
	for _, r := range rows {
		e, err := ParseMongo(decodeJSON(t, r.cond), Limits{})
		if err != nil {
			t.Fatalf("%s: %v", r.cond, err)
		}
		if got := Match(e, decodeDoc(t, r.doc)); got != r.want {
			t.Errorf("Match(%s, %s) = %v, want %v (tree %s)", r.cond, r.doc, got, r.want, Format(e))
		}
	}
}

func TestMatchGoValuesAndDates(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	doc := map[string]any{
		"i": int64(7), "u": uint64(1 << 63), "f": float32(1.5), "n": json.Number("3"),
		"t": t0, "s": "x", "b": false, "arr": []any{int(1), "a"},
	}
	cases := []struct {
		e    Expr
		want bool
	}{
		{Pred{Field: "i", Op: OpEq, Value: 7}, true},
		{Pred{Field: "i", Op: OpEq, Value: json.Number("7.0")}, true},
		{Pred{Field: "u", Op: OpGt, Value: int64(1<<63 - 1)}, true},
		{Pred{Field: "f", Op: OpEq, Value: 1.5}, true},
		{Pred{Field: "n", Op: OpLt, Value: json.Number("3.5")}, true},
		{Pred{Field: "t", Op: OpGt, Value: t0.Add(-time.Second)}, true},
		{Pred{Field: "t", Op: OpEq, Value: t0.In(time.FixedZone("x", 3600))}, true},
		{Pred{Field: "t", Op: OpGt, Value: "2024"}, false},
		{Pred{Field: "s", Op: OpLt, Value: t0}, false},
		{Pred{Field: "b", Op: OpLt, Value: true}, true},
		{Pred{Field: "arr", Op: OpIn, Value: []any{json.Number("1")}}, true},
		{Pred{Field: "arr", Op: OpSize, Value: int64(2)}, true},
		{Pred{Field: "arr", Op: OpSize, Value: int64(1)}, false},
		{Pred{Field: "s", Op: OpSize, Value: int64(0)}, false},
		{Nor{Pred{Field: "s", Op: OpEq, Value: "x"}}, false},
		{Or{}, false},
		{And{}, true},
		{False{}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := Match(c.e, doc); got != c.want {
			t.Errorf("Match(%s) = %v, want %v", Format(c.e), got, c.want)
		}
	}
}
