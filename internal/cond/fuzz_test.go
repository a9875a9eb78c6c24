package cond

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// fuzzCols maps many field names (those of the seeds) onto the test table's
// columns.
var fuzzCols = func() ColumnSet {
	c := ColumnSet{}
	for k, v := range testCols {
		c[k] = v
	}
	for k, v := range map[string]string{
		"bk_obj_id": "s", "bk_asst_obj_id": "m", "bk_obj_asst_id": "s", "bk_asst_id": "m",
		"bk_inst_id": "i", "bk_asst_inst_id": "n", "ispre": "b", "create_time": "t",
		"bk_inst_name": "s", "bk_classification_id": "s", "a": "i", "f": "s", "port": "n",
	} {
		c[k] = testCols[v]
	}
	return c
}()

var sqlToken = regexp.MustCompile(`^(\s+|[A-Za-z_][A-Za-z0-9_]*|\$[0-9]+|\?|"C"|[0-9]+|[()=<>!,~*]+)`)

var sqlWords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "IN": true,
	"COLLATE": true, "BINARY": true, SQLiteRegexpFuncName: true,
	"id": true, "c_i": true, "c_s": true, "c_b": true, "c_n": true, "c_m": true, "c_t": true,
}

// sqlTokens splits generated SQL into tokens; ok is false when some part is
// not made of the generator's vocabulary (keywords, column expressions,
// placeholders, operators, the constants 1=1 / 1=0).
func sqlTokens(s string) (toks []string, ok bool) {
	for s != "" {
		m := sqlToken.FindString(s)
		if m == "" {
			return toks, false
		}
		s = s[len(m):]
		if strings.TrimSpace(m) == "" {
			continue
		}
		switch c := m[0]; {
		case c >= '0' && c <= '9':
			if m != "1" && m != "0" {
				return toks, false
			}
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			if !sqlWords[m] {
				return toks, false
			}
		}
		toks = append(toks, m)
	}
	return toks, true
}

// inputStrings collects every string (keys and values) of a decoded input.
func inputStrings(v any, out []string) []string {
	switch x := v.(type) {
	case string:
		return append(out, x)
	case json.Number:
		return append(out, string(x))
	case []any:
		for _, e := range x {
			out = inputStrings(e, out)
		}
	case map[string]any:
		for k, e := range x {
			out = append(out, k)
			out = inputStrings(e, out)
		}
	}
	return out
}

// checkSQLSafe asserts that ToSQL of an accepted tree puts no user input
// into the SQL text: the text is made of the generator's vocabulary only,
// has exactly one placeholder per argument (PostgreSQL: $1…$n in order), and
// contains none of the input's strings longer than 3 bytes (unless such a
// string is itself made of vocabulary tokens only).
func checkSQLSafe(t *testing.T, e Expr, input any) {
	t.Helper()
	strs := inputStrings(input, nil)
	for _, d := range []Dialect{SQLite, Postgres} {
		where, args, err := ToSQL(e, fuzzCols, d)
		if err != nil {
			t.Fatalf("ToSQL(%s): %v", Format(e), err)
		}
		toks, ok := sqlTokens(where)
		if !ok {
			t.Fatalf("SQL outside the vocabulary: %q", where)
		}
		n := 0
		for _, tok := range toks {
			switch {
			case tok == "?":
				if d != SQLite {
					t.Fatalf("? in PostgreSQL SQL: %q", where)
				}
				n++
			case tok[0] == '$':
				n++
				if tok != "$"+strconv.Itoa(n) {
					t.Fatalf("placeholder %s out of order in %q", tok, where)
				}
			}
		}
		if n != len(args) {
			t.Fatalf("%d placeholders for %d args in %q", n, len(args), where)
		}
		for _, a := range args {
			switch a.(type) {
			case int64, string, bool, time.Time:
			default:
				t.Fatalf("argument of type %T", a)
			}
		}
		for _, s := range strs {
			if len(s) <= 3 || !strings.Contains(where, s) {
				continue
			}
			if _, ok := sqlTokens(s); ok {
				continue // made of vocabulary only, e.g. "NULL"
			}
			t.Fatalf("input string %q appears in SQL %q", s, where)
		}
	}
}

var fuzzDocs = []map[string]any{
	{},
	{"id": int64(1), "i": int64(7), "s": "sw-01", "b": true, "n": int64(-1), "m": "a", "t": diffTime},
	{"i": nil, "s": []any{"a", json.Number("1"), nil, map[string]any{"b": json.Number("2")}},
		"a": map[string]any{"b": []any{map[string]any{"c": "x"}}}, "f": []any{[]any{}}},
}

func fuzzUse(t *testing.T, e Expr, input any) {
	t.Helper()
	_ = Format(e)
	for _, d := range fuzzDocs {
		_ = Match(e, d)
	}
	checkSQLSafe(t, e, input)
}

func decodeFuzz(data []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// checkErr asserts the error is one of the codes the parser may answer.
func checkErr(t *testing.T, err *cmdb.Error, codes ...int) {
	t.Helper()
	for _, c := range codes {
		if err.Code == c {
			_ = err.Message(cmdb.LangEN)
			_ = err.Message(cmdb.LangZH)
			return
		}
	}
	t.Fatalf("unexpected error code %d: %v", err.Code, err)
}

var mongoSeeds = []string{
	`{}`, `null`,
	`{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7}`,
	`{"bk_classification_id":"bk_network"}`,
	`{"bk_obj_id":"bk_switch"}`,
	`{"bk_obj_id":{"$in":["host","bk_switch"]},"bk_asst_id":{"$ne":"bk_mainline"}}`,
	`{"$or":[{"bk_obj_id":"host"},{"bk_asst_obj_id":"host"}]}`,
	`{"bk_inst_id":{"$gte":1,"$lt":100},"ispre":{"$exists":false}}`,
	`{"bk_inst_name":{"$regex":"^sw","$options":"i"}}`,
	`{"s":{"$not":{"$regex":"a b # c","$options":"xms"}}}`,
	`{"$nor":[{"i":null},{"n":{"$nin":[1,2.5,"x"]}}]}`,
	`{"$and":[{"a.b":{"c":[1,{"d":true}]}},{"m":{"$eq":[]}}]}`,
	`{"$where":"sleep(1000)"}`,
	`{"f":{"$elemMatch":{"$expr":1}}}`,
	`{"f":{"$in":[{"$function":1}]}}`,
	`{"i":{"$gt":9223372036854775807,"$lte":1e400}}`,
	`{"b":{"$gt":false},"t":{"$lte":null}}`,
}

func FuzzParseMongo(f *testing.F) {
	for _, s := range mongoSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := decodeFuzz(data)
		if !ok {
			return
		}
		e, err := ParseMongo(v, Limits{})
		if err != nil {
			checkErr(t, err, cmdb.CodeParamsInvalid, cmdb.CodeUnknownOrUnrecognizedError)
			return
		}
		fuzzUse(t, e, v)
	})
}

var qbSeeds = []string{
	`{"condition":"AND","rules":[{"field":"bk_obj_asst_id","operator":"equal","value":"bk_switch_connect_host"},{"field":"bk_inst_id","operator":"in","value":[1,2]}]}`,
	`{"condition":"OR","rules":[{"field":"bk_obj_id","operator":"begins_with","value":"bk_"},{"condition":"AND","rules":[{"field":"bk_asst_inst_id","operator":"greater","value":3},{"field":"bk_asst_id","operator":"not_contains","value":"main"}]}]}`,
	`{"condition":"AND","rules":[{"field":"bk_asst_obj_id","operator":"is_null"},{"field":"ispre","operator":"not_exist"},{"field":"bk_obj_id","operator":"is_not_empty"}]}`,
	`{"condition":"AND","rules":[{"field":"create_time","operator":"datetime_less","value":"2024-01-02T03:04:05Z"},{"field":"bk_obj_id","operator":"datetime_greater","value":"2024-01-02"}]}`,
	`{"condition":"AND","rules":[{"field":"a","operator":"contains","value":"a.b|c"},{"field":"s","operator":"ends_with","value":"01"},{"field":"n","operator":"not_in","value":[1,2]}]}`,
	`{"condition":"AND","rules":[{"field":"a","operator":"equal","value":1},{"condition":"OR","rules":[{"field":"b","operator":"bogus","value":1}]}]}`,
	`{"field":"a","operator":"equal","value":1}`,
	`{"condition":"AND","rules":[null,{"field":"a","value":1}]}`,
	`{}`,
}

func FuzzParseQueryBuilder(f *testing.F) {
	for _, s := range qbSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := decodeFuzz(data)
		if !ok {
			return
		}
		for _, opts := range []QBOptions{
			{Prefix: "conditions"},
			{Prefix: "condition.asst_filter", Code: cmdb.CodeParamsIsInvalid, NoLimits: true},
		} {
			e, err := ParseQueryBuilder(v, opts)
			if err != nil {
				code := opts.Code
				if code == 0 {
					code = cmdb.CodeParamsInvalid
				}
				checkErr(t, err, cmdb.CodeJSONUnmarshalFailed, code)
				continue
			}
			fuzzUse(t, e, v)
		}
	})
}

var filterSeeds = []string{
	`{"field":"bk_inst_name","operator":"equal","value":"sw-01"}`,
	`{"condition":"AND","rules":[{"field":"bk_inst_name","operator":"contains","value":"sw"},{"condition":"OR","rules":[{"field":"bk_inst_id","operator":"in","value":[1,2]},{"field":"port","operator":"greater","value":8000}]}]}`,
	`{"condition":"OR","rules":[{"field":"s","operator":"begins_with_i","value":"A"},{"field":"s","operator":"not_ends_with_i","value":"b"},{"field":"s","operator":"contains_s","value":"x"},{"field":"s","operator":"not_contains_i","value":"y"}]}`,
	`{"condition":"AND","rules":[{"field":"tags","operator":"is_empty","value":null},{"field":"tags","operator":"size","value":2},{"field":"tags","operator":"is_not_empty"}]}`,
	`{"field":"obj","operator":"filter_object","value":{"condition":"OR","rules":[{"field":"b","operator":"equal","value":1},{"field":"c","operator":"exist","value":true}]}}`,
	`{"field":"list","operator":"filter_array","value":{"field":"element","operator":"filter_object","value":{"field":"name","operator":"begins_with","value":"a"}}}`,
	`{"field":"create_time","operator":"datetime_greater_or_equal","value":"2024-05-01 10:00:00"}`,
	`{"field":"create_time","operator":"datetime_less","value":1714557600}`,
	`{"field":"a","operator":"bogus","value":"<&>"}`,
	`{"condition":"AND","rules":[null]}`,
	`{"field":"a","operator":"equal","value":9007199254740993}`,
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := decodeFuzz(data)
		if !ok {
			return
		}
		e, err := ParseFilter(v)
		if err != nil {
			checkErr(t, err, cmdb.CodeJSONUnmarshalFailed, cmdb.CodeParamsInvalid)
			return
		}
		fuzzUse(t, e, v)
	})
}

// The safety check itself must refuse what a leak would look like.
func TestSQLSafetyCheckCatchesLeaks(t *testing.T) {
	if _, ok := sqlTokens(`(c_s IS NOT NULL AND c_s = 'x')`); ok {
		t.Error("a literal must fail the vocabulary check")
	}
	if _, ok := sqlTokens(`(c_s IS NOT NULL AND c_s = ?) OR 1=1`); !ok {
		t.Error("generated SQL must pass the vocabulary check")
	}
	if _, ok := sqlTokens(`c_x = ?`); ok {
		t.Error("an unknown identifier must fail the vocabulary check")
	}
}
