package cond

import (
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

func TestParseMongo(t *testing.T) {
	cases := []parseCase{
		// everything
		{"", "TRUE"},
		{`null`, "TRUE"},
		{`{}`, "TRUE"},
		// spec examples (associations.md §3.1, models-and-instances.md §1.1, §2.1)
		{`{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7}`,
			`AND(bk_inst_id $eq 7, bk_obj_asst_id $eq "bk_switch_connect_host")`},
		{`{"bk_classification_id":"bk_network"}`, `bk_classification_id $eq "bk_network"`},
		{`{"bk_obj_id":"bk_switch"}`, `bk_obj_id $eq "bk_switch"`},
		// implicit equality with every JSON type
		{`{"f":null}`, `f $eq null`},
		{`{"f":true}`, `f $eq true`},
		{`{"f":1.5}`, `f $eq 1.5`},
		{`{"f":[1,"a"]}`, `f $eq [1,"a"]`},
		{`{"f":{"a":1,"b":{"c":[2]}}}`, `f $eq {"a":1,"b":{"c":[2]}}`},
		{`{"f":{}}`, `f $eq {}`},
		{`{"a.b.c":1}`, `a.b.c $eq 1`},
		// operators
		{`{"f":{"$eq":{"a":1}}}`, `f $eq {"a":1}`},
		{`{"f":{"$ne":1}}`, `NOT(f $eq 1)`},
		{`{"f":{"$ne":null}}`, `NOT(f $eq null)`},
		{`{"f":{"$gt":1,"$lt":5}}`, `AND(f $gt 1, f $lt 5)`},
		{`{"f":{"$gte":"a","$lte":"z"}}`, `AND(f $gte "a", f $lte "z")`},
		{`{"f":{"$gt":null}}`, `f $gt null`},
		{`{"f":{"$gt":false}}`, `f $gt false`},
		{`{"f":{"$in":[1,"a",null,[2],{"x":1}]}}`, `f $in [1,"a",null,[2],{"x":1}]`},
		{`{"f":{"$in":[]}}`, `f $in []`},
		{`{"f":{"$nin":[1,2]}}`, `NOT(f $in [1,2])`},
		{`{"f":{"$exists":true}}`, `f $exists true`},
		{`{"f":{"$exists":false}}`, `f $exists false`},
		{`{"f":{"$exists":1}}`, `f $exists true`},
		{`{"f":{"$exists":0}}`, `f $exists false`},
		{`{"f":{"$exists":0.0}}`, `f $exists false`},
		{`{"f":{"$exists":null}}`, `f $exists false`},
		{`{"f":{"$exists":"no"}}`, `f $exists true`},
		{`{"f":{"$regex":"^sw"}}`, `f $regex "^sw"`},
		{`{"f":{"$regex":"^sw","$options":"i"}}`, `f $regex "(?i)^sw"`},
		{`{"f":{"$regex":"a.b","$options":"smi"}}`, `f $regex "(?ims)a.b"`},
		{`{"f":{"$regex":"a b # comment\n c\\ d[ #]","$options":"x"}}`, `f $regex "abc\\ d[ #]"`},
		{`{"f":{"$regex":"x","$options":""}}`, `f $regex "x"`},
		{`{"f":{"$not":{"$regex":"a","$options":"i"}}}`, `NOT(f $regex "(?i)a")`},
		{`{"f":{"$not":{"$gt":1,"$lt":5}}}`, `NOT(AND(f $gt 1, f $lt 5))`},
		{`{"f":{"$not":{"$ne":1}}}`, `f $eq 1`},
		{`{"f":{"$not":{"$gt":5},"$lt":10}}`, `AND(f $lt 10, NOT(f $gt 5))`},
		// logical operators
		{`{"$or":[{"a":1},{"b":2}]}`, `OR(a $eq 1, b $eq 2)`},
		{`{"$and":[{"a":1},{"b":{"$gte":2}}]}`, `AND(a $eq 1, b $gte 2)`},
		{`{"$nor":[{"a":1},{"b":2}]}`, `NOT(OR(a $eq 1, b $eq 2))`},
		{`{"$or":[{"a":1}],"c":3}`, `AND(a $eq 1, c $eq 3)`},
		{`{"$or":[{},{"a":1}]}`, `TRUE`},
		{`{"$and":[{}]}`, `TRUE`},
		{`{"$nor":[{}]}`, `FALSE`},
		{`{"$or":[{"$and":[{"a":1},{"$or":[{"b":1},{"c":{"$in":[1]}}]}]},{"d":{"$exists":false}}]}`,
			`OR(AND(a $eq 1, OR(b $eq 1, c $in [1])), d $exists false)`},
		// forbidden operators (1199998), anywhere
		{`{"$where":"sleep(1000)"}`, `ERR 1199998 operator "$where" is forbidden`},
		{`{"$expr":{"$eq":["$a","$b"]}}`, `ERR 1199998 operator "$expr" is forbidden`},
		{`{"f":{"$function":{}}}`, `ERR 1199998 operator "$function" is forbidden`},
		{`{"$or":[{"a":1},{"$where":"x"}]}`, `ERR 1199998 operator "$where" is forbidden`},
		{`{"f":{"$in":[{"$accumulator":1}]}}`, `ERR 1199998 operator "$accumulator" is forbidden`},
		{`{"f":{"$elemMatch":{"a":1}}}`, `ERR 1199998 operator "$elemMatch" is forbidden`},
		{`{"f":{"$size":1}}`, `ERR 1199998 operator "$size" is forbidden`},
		{`{"f":{"$type":"string"}}`, `ERR 1199998 operator "$type" is forbidden`},
		{`{"f":{"$mod":[2,0]}}`, `ERR 1199998 operator "$mod" is forbidden`},
		{`{"f":{"$all":[1]}}`, `ERR 1199998 operator "$all" is forbidden`},
		{`{"$text":{"$search":"x"}}`, `ERR 1199998 operator "$text" is forbidden`},
		{`{"$comment":"x"}`, `ERR 1199998 operator "$comment" is forbidden`},
		{`{"$jsonSchema":{}}`, `ERR 1199998 operator "$jsonSchema" is forbidden`},
		{`{"f":{"a":{"$where":"x"}}}`, `ERR 1199998 operator "$where" is forbidden`},
		{`{"f":[[{"$where":"x"}]]}`, `ERR 1199998 operator "$where" is forbidden`},
		{`{"f":{"$not":{"$where":"x"}}}`, `ERR 1199998 operator "$where" is forbidden`},
		{`{"f":{"$eq":{"$lookup":1}}}`, `ERR 1199998 operator "$lookup" is forbidden`},
		{`{"$WHERE":1}`, `ERR 1199998 operator "$WHERE" is forbidden`},
		{`{"$":1}`, `ERR 1199998 operator "$" is forbidden`},
		// a forbidden operator wins over a malformed one
		{`{"$and":[],"$where":"x"}`, `ERR 1199998 operator "$where" is forbidden`},
		// malformed uses of allowed operators (1199006)
		{`[]`, `ERR 1199006 'condition' data parameter verification does not pass`},
		{`"x"`, `ERR 1199006 'condition' data parameter verification does not pass`},
		{`{"f":{"$in":5}}`, `ERR 1199006 'f.$in' data parameter verification does not pass`},
		{`{"f":{"$nin":{"a":1}}}`, `ERR 1199006 'f.$nin' data parameter verification does not pass`},
		{`{"$and":[]}`, `ERR 1199006 '$and' data parameter verification does not pass`},
		{`{"$or":{}}`, `ERR 1199006 '$or' data parameter verification does not pass`},
		{`{"$nor":[1]}`, `ERR 1199006 '$nor[0]' data parameter verification does not pass`},
		{`{"$or":[{"a":{"$in":1}}]}`, `ERR 1199006 '$or[0].a.$in' data parameter verification does not pass`},
		{`{"$not":{"a":1}}`, `ERR 1199006 '$not' data parameter verification does not pass`},
		{`{"$eq":1}`, `ERR 1199006 '$eq' data parameter verification does not pass`},
		{`{"f":{"$and":[{"a":1}]}}`, `ERR 1199006 'f.$and' data parameter verification does not pass`},
		{`{"f":{"$gt":1,"a":2}}`, `ERR 1199006 'f.a' data parameter verification does not pass`},
		{`{"f":{"$gt":[1]}}`, `ERR 1199006 'f.$gt' data parameter verification does not pass`},
		{`{"f":{"$lte":{"a":1}}}`, `ERR 1199006 'f.$lte' data parameter verification does not pass`},
		{`{"f":{"$options":"i"}}`, `ERR 1199006 'f.$options' data parameter verification does not pass`},
		{`{"f":{"$regex":"a","$options":1}}`, `ERR 1199006 'f.$options' data parameter verification does not pass`},
		{`{"f":{"$regex":5}}`, `ERR 1199006 'f.$regex' data parameter verification does not pass`},
		{`{"f":{"$regex":"a","$options":"q"}}`, `ERR 1199006 'f.$regex: invalid regular expression option "q"' data parameter verification does not pass`},
		{`{"f":{"$regex":"("}}`, "ERR 1199006 'f.$regex: error parsing regexp: missing closing ): `(`' data parameter verification does not pass"},
		{`{"f":{"$regex":"(?=a)"}}`, "ERR 1199006 'f.$regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`' data parameter verification does not pass"},
		{`{"f":{"$not":{}}}`, `ERR 1199006 'f.$not' data parameter verification does not pass`},
		{`{"f":{"$not":"a"}}`, `ERR 1199006 'f.$not' data parameter verification does not pass`},
		{`{"f":{"$not":{"$gt":1,"x":1}}}`, `ERR 1199006 'f.$not.x' data parameter verification does not pass`},
		{`{"f":{"$eq":{"a":{"$gt":1}}}}`, `ERR 1199006 'f.$eq.a.$gt' data parameter verification does not pass`},
		{`{"f":{"$in":[{"$regex":"a"}]}}`, `ERR 1199006 'f.$in[0].$regex' data parameter verification does not pass`},
	}
	for _, c := range cases {
		checkParse(t, "ParseMongo", c, func(v any) (Expr, *cmdb.Error) { return ParseMongo(v, Limits{}) })
	}
}

func TestParseMongoLimits(t *testing.T) {
	// depth: 32 levels of {"$and":[...]} nesting is 64 JSON levels.
	deep := strings.Repeat(`{"a":`, 32) + "1" + strings.Repeat("}", 32)
	if _, err := ParseMongo(decodeJSON(t, deep), Limits{}); err != nil {
		t.Errorf("depth 32: %v", err)
	}
	deeper := strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33)
	_, err := ParseMongo(decodeJSON(t, deeper), Limits{})
	if got, want := errText(err), "1199006 'condition: nesting deeper than 32' data parameter verification does not pass"; got != want {
		t.Errorf("depth 33: got %q want %q", got, want)
	}
	arrDeep := `{"f":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`
	if _, err := ParseMongo(decodeJSON(t, arrDeep), Limits{}); err == nil || err.Code != 1199006 {
		t.Errorf("array depth: %v", err)
	}

	lim := Limits{MaxPredicates: 3, MaxInItems: 2, MaxRegexLen: 4}
	cases := []parseCase{
		{`{"a":1,"b":2,"c":3}`, `AND(a $eq 1, b $eq 2, c $eq 3)`},
		{`{"a":1,"b":2,"c":3,"d":4}`, `ERR 1199006 'condition: more than 3 predicates' data parameter verification does not pass`},
		{`{"a":{"$in":[1,2]}}`, `a $in [1,2]`},
		{`{"a":{"$in":[1,2,3]}}`, `ERR 1199006 'a.$in: more than 2 values' data parameter verification does not pass`},
		{`{"a":{"$nin":[1,2,3]}}`, `ERR 1199006 'a.$nin: more than 2 values' data parameter verification does not pass`},
		{`{"a":{"$regex":"abcd"}}`, `a $regex "abcd"`},
		{`{"a":{"$regex":"abcde"}}`, `ERR 1199006 'a.$regex: regular expression longer than 4 bytes' data parameter verification does not pass`},
	}
	for _, c := range cases {
		checkParse(t, "ParseMongo(limits)", c, func(v any) (Expr, *cmdb.Error) { return ParseMongo(v, lim) })
	}
	d := DefaultLimits()
	if d.MaxDepth != 32 || d.MaxPredicates != 10000 || d.MaxInItems != 10000 || d.MaxRegexLen != 4096 {
		t.Errorf("DefaultLimits = %+v", d)
	}
}

func TestParseMongoGoValues(t *testing.T) {
	// Conditions built by server code may hold Go numbers.
	e, err := ParseMongo(map[string]any{"bk_inst_id": int64(7), "n": 1.5, "ids": map[string]any{"$in": []any{1, uint8(2)}}}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := Format(e); got != `AND(bk_inst_id $eq 7, ids $in [1,2], n $eq 1.5)` {
		t.Errorf("got %s", got)
	}
	if _, err := ParseMongo(map[string]any{"f": struct{}{}}, Limits{}); err == nil {
		t.Error("a Go struct must not be accepted as a literal")
	}
}

func TestRegexTooComplexForPostgres(t *testing.T) {
	_, err := ParseMongo(decodeJSON(t, `{"f":{"$regex":"`+strings.Repeat(`\\pL`, 100)+`"}}`), Limits{})
	if err == nil || err.Code != cmdb.CodeParamsInvalid || !strings.Contains(err.Message(cmdb.LangEN), "too complex") {
		t.Errorf("got %v", err)
	}
}
