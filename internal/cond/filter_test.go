package cond

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

func atom(field, op, value string) string {
	if value == "" {
		return fmt.Sprintf(`{"field":%q,"operator":%q}`, field, op)
	}
	return fmt.Sprintf(`{"field":%q,"operator":%q,"value":%s}`, field, op, value)
}

func filterInvalid(exprJSON string) string {
	return "ERR 1199006 'conditions: " + exprJSON + "' data parameter verification does not pass"
}

const filterDecodeErr = "ERR 1199000 Deserializing JSON data failed"

func TestParseFilter(t *testing.T) {
	cases := []parseCase{
		{"", "TRUE"},
		{`null`, "TRUE"},
		// either form at the top level
		{atom("bk_inst_name", "equal", `"sw-01"`), `bk_inst_name $eq "sw-01"`},
		{`{"condition":"AND","rules":[{"field":"bk_inst_name","operator":"contains","value":"sw"},{"condition":"OR","rules":[{"field":"bk_inst_id","operator":"in","value":[1,2]},{"field":"port","operator":"greater","value":8000}]}]}`,
			`AND(bk_inst_name $regex "(?i)sw", OR(bk_inst_id $in [1,2], port $gt 8000))`},
		// every operator
		{atom("a", "not_equal", `false`), `NOT(a $eq false)`},
		{atom("a", "not_in", `["x"]`), `NOT(a $in ["x"])`},
		{atom("a", "less", `1`), `a $lt 1`},
		{atom("a", "less_or_equal", `1`), `a $lte 1`},
		{atom("a", "greater", `1`), `a $gt 1`},
		{atom("a", "greater_or_equal", `1.25`), `a $gte 1.25`},
		{atom("a", "datetime_less", `"2024-05-01T10:00:00+08:00"`), `a $lt {"$date":"2024-05-01T02:00:00Z"}`},
		{atom("a", "datetime_greater_or_equal", `0`), `a $gte {"$date":"1970-01-01T00:00:00Z"}`},
		{atom("a", "begins_with", `"sw"`), `a $regex "^sw"`},
		{atom("a", "begins_with_i", `"sw"`), `a $regex "(?i)^sw"`},
		{atom("a", "not_begins_with", `"sw"`), `NOT(a $regex "^sw")`},
		{atom("a", "not_begins_with_i", `"sw"`), `NOT(a $regex "(?i)^sw")`},
		{atom("a", "contains", `"Sw"`), `a $regex "(?i)Sw"`},
		{atom("a", "contains_s", `"Sw"`), `a $regex "Sw"`},
		{atom("a", "not_contains", `"Sw"`), `NOT(a $regex "Sw")`},
		{atom("a", "not_contains_i", `"Sw"`), `NOT(a $regex "(?i)Sw")`},
		{atom("a", "ends_with", `"01"`), `a $regex "01$"`},
		{atom("a", "ends_with_i", `"ab"`), `a $regex "(?i)ab$"`},
		{atom("a", "not_ends_with", `"01"`), `NOT(a $regex "01$")`},
		{atom("a", "not_ends_with_i", `"ab"`), `NOT(a $regex "(?i)ab$")`},
		{atom("a", "contains", `"10.0.0.1"`), `a $regex "(?i)10.0.0.1"`},
		{atom("a", "is_empty", ``), `a $size 0`},
		{atom("a", "is_not_empty", `null`), `a.0 $exists true`},
		{atom("a", "size", `3`), `a $size 3`},
		{atom("a", "size", `3.0`), `a $size 3`},
		{atom("a", "is_null", `""`), `a $eq null`},
		{atom("a", "is_not_null", `1`), `NOT(a $eq null)`},
		{atom("a", "exist", ``), `a $exists true`},
		{atom("a", "not_exist", `true`), `a $exists false`},
		{atom("a", "equal", `9007199254740993`), `a $eq 9007199254740992`},
		{atom("a", "in", `[1,1.5]`), `a $in [1,1.5]`},
		// nested fields
		{atom("obj", "filter_object", atom("b", "equal", `1`)), `obj.b $eq 1`},
		{atom("obj", "filter_object", `{"condition":"OR","rules":[`+atom("b", "equal", `1`)+`,`+atom("c", "exist", `null`)+`]}`),
			`OR(obj.b $eq 1, obj.c $exists true)`},
		{atom("obj", "filter_object", atom("b", "filter_object", atom("c", "less", `2`))), `obj.b.c $lt 2`},
		{atom("tags", "filter_array", atom("element", "equal", `"x"`)), `tags $eq "x"`},
		{atom("tags", "filter_array", `{"condition":"AND","rules":[`+atom("element", "greater", `1`)+`,`+atom("element", "less", `5`)+`]}`),
			`AND(tags $gt 1, tags $lt 5)`},
		{atom("list", "filter_array", atom("element", "filter_object", atom("name", "begins_with", `"a"`))), `list.name $regex "^a"`},
		{atom("obj", "filter_object", atom("arr", "filter_array", atom("element", "is_null", `1`))), `obj.arr $eq null`},
		// validation failures: the message carries the re-encoded expression
		{atom("a", "bogus", `1`), filterInvalid(`{"field":"a","operator":"bogus","value":1}`)},
		{atom("", "equal", `1`), filterInvalid(`{"field":"","operator":"equal","value":1}`)},
		{atom("a", "equal", `null`), filterInvalid(`{"field":"a","operator":"equal","value":null}`)},
		{atom("a", "equal", ``), filterInvalid(`{"field":"a","operator":"equal","value":null}`)},
		{atom("a", "equal", `[1]`), filterInvalid(`{"field":"a","operator":"equal","value":[1]}`)},
		{atom("a", "in", `[]`), filterInvalid(`{"field":"a","operator":"in","value":[]}`)},
		{atom("a", "in", `null`), filterInvalid(`{"field":"a","operator":"in","value":null}`)},
		{atom("a", "in", `[1,"1"]`), filterInvalid(`{"field":"a","operator":"in","value":[1,"1"]}`)},
		{atom("a", "in", `[{"x":1}]`), filterInvalid(`{"field":"a","operator":"in","value":[{"x":1}]}`)},
		{atom("a", "less", `"1"`), filterInvalid(`{"field":"a","operator":"less","value":"1"}`)},
		{atom("a", "datetime_less", `"01/02/2024"`), filterInvalid(`{"field":"a","operator":"datetime_less","value":"01/02/2024"}`)},
		{atom("a", "begins_with", `""`), filterInvalid(`{"field":"a","operator":"begins_with","value":""}`)},
		{atom("a", "contains", `"(x"`), filterInvalid(`{"field":"a","operator":"contains","value":"(x"}`)},
		{atom("a", "size", `-1`), filterInvalid(`{"field":"a","operator":"size","value":-1}`)},
		{atom("a", "size", `1.5`), filterInvalid(`{"field":"a","operator":"size","value":1.5}`)},
		{atom("a", "equal", `"<&>"`+``), `a $eq "<&>"`},
		{atom("a", "bogus", `"<&>"`), filterInvalid(`{"field":"a","operator":"bogus","value":"\u003c\u0026\u003e"}`)},
		{`{"condition":"and","rules":[` + atom("a", "exist", `1`) + `]}`,
			filterInvalid(`{"condition":"and","rules":[{"field":"a","operator":"exist","value":1}]}`)},
		{`{"condition":"AND","rules":[]}`, filterInvalid(`{"condition":"AND","rules":[]}`)},
		{`{"condition":"AND"}`, filterInvalid(`{"condition":"AND","rules":null}`)},
		{atom("tags", "filter_array", atom("x", "equal", `1`)),
			filterInvalid(`{"field":"tags","operator":"filter_array","value":{"field":"x","operator":"equal","value":1}}`)},
		// depth: top group + one nested group; filter_object/array count as a level
		{`{"condition":"AND","rules":[{"condition":"OR","rules":[{"condition":"AND","rules":[` + atom("a", "exist", `1`) + `]}]}]}`,
			filterInvalid(`{"condition":"AND","rules":[{"condition":"OR","rules":[{"condition":"AND","rules":[{"field":"a","operator":"exist","value":1}]}]}]}`)},
		{`{"condition":"AND","rules":[` + atom("o", "filter_object", atom("b", "equal", `1`)) + `]}`, `o.b $eq 1`},
		{`{"condition":"AND","rules":[` + atom("o", "filter_object", `{"condition":"AND","rules":[`+atom("b", "equal", `1`)+`]}`) + `]}`,
			filterInvalid(`{"condition":"AND","rules":[{"field":"o","operator":"filter_object","value":{"condition":"AND","rules":[{"field":"b","operator":"equal","value":1}]}}]}`)},
		// decoding failures
		{`{}`, filterDecodeErr},
		{`[]`, filterDecodeErr},
		{`1`, filterDecodeErr},
		{`{"field":"a","value":1}`, filterDecodeErr},
		{`{"condition":"AND","rules":[null]}`, filterDecodeErr},
		{`{"condition":"AND","rules":[1]}`, filterDecodeErr},
		{`{"condition":"AND","rules":"x"}`, filterDecodeErr},
		{`{"condition":true,"rules":[]}`, filterDecodeErr},
		{atom("a", "in", `"x"`), filterDecodeErr},
		{atom("a", "filter_object", `1`), filterDecodeErr},
		{atom("a", "filter_object", ``), filterDecodeErr},
		{atom("a", "filter_array", `{"x":1}`), filterDecodeErr},
		{atom("a", "equal", `1e400`), filterDecodeErr},
		{`{"field":["a"],"operator":"equal","value":1}`, filterDecodeErr},
		{`{"field":"a","operator":1,"value":1}`, filterDecodeErr},
		// a decoding failure anywhere comes before any validation failure
		{`{"condition":"XOR","rules":[{"field":"a"}]}`, filterDecodeErr},
	}
	for _, c := range cases {
		checkParse(t, "ParseFilter", c, ParseFilter)
	}
}

func TestParseFilterLimits(t *testing.T) {
	rules := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = atom(fmt.Sprintf("f%d", i), "equal", "1")
		}
		return `{"condition":"OR","rules":[` + strings.Join(parts, ",") + `]}`
	}
	if _, err := ParseFilter(decodeJSON(t, rules(50))); err != nil {
		t.Errorf("50 rules: %v", err)
	}
	if _, err := ParseFilter(decodeJSON(t, rules(51))); err == nil || err.Code != cmdb.CodeParamsInvalid {
		t.Errorf("51 rules: %v", err)
	}
	vals := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(i)
		}
		return atom("a", "in", "["+strings.Join(parts, ",")+"]")
	}
	if _, err := ParseFilter(decodeJSON(t, vals(500))); err != nil {
		t.Errorf("500 values: %v", err)
	}
	if _, err := ParseFilter(decodeJSON(t, vals(501))); err == nil || err.Code != cmdb.CodeParamsInvalid {
		t.Errorf("501 values: %v", err)
	}
	// the caller's own text is used verbatim
	text := `{ "field": "a", "operator": "bogus", "value": 1 }`
	_, err := ParseFilterOpts(decodeJSON(t, text), FilterOptions{Text: text})
	if got, want := errText(err), "1199006 'conditions: "+text+"' data parameter verification does not pass"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	// global limits
	_, err = ParseFilterOpts(decodeJSON(t, atom("a", "contains", `"abcde"`)), FilterOptions{Limits: Limits{MaxRegexLen: 4}})
	if err == nil || err.Code != cmdb.CodeParamsInvalid {
		t.Errorf("regex limit: %v", err)
	}
	_, err = ParseFilterOpts(decodeJSON(t, rules(5)), FilterOptions{Limits: Limits{MaxPredicates: 4}})
	if err == nil || err.Code != cmdb.CodeParamsInvalid {
		t.Errorf("predicate limit: %v", err)
	}
	_, err = ParseFilterOpts(decodeJSON(t, vals(11)), FilterOptions{Limits: Limits{MaxInItems: 10}})
	if err == nil || err.Code != cmdb.CodeParamsInvalid {
		t.Errorf("in limit: %v", err)
	}
	deepVal := atom("a", "is_null", strings.Repeat("[", 40)+strings.Repeat("]", 40))
	if _, err := ParseFilter(decodeJSON(t, deepVal)); err == nil || err.Code != cmdb.CodeJSONUnmarshalFailed {
		t.Errorf("deep value: %v", err)
	}
	if ErrFilterInvalid("{}").Message(cmdb.LangEN) != "'conditions: {}' data parameter verification does not pass" {
		t.Error("ErrFilterInvalid text")
	}
}

func TestParseFilterDatetimeLocal(t *testing.T) {
	for _, s := range []string{`"2024-05-01 10:00:00"`, `"2024-05-01"`} {
		e, err := ParseFilter(decodeJSON(t, atom("create_time", "datetime_greater", s)))
		if err != nil {
			t.Fatal(err)
		}
		p := e.(Pred)
		tm := p.Value.(time.Time)
		if tm.Location() != time.Local || tm.Year() != 2024 || tm.Month() != 5 || tm.Day() != 1 {
			t.Errorf("%s parsed as %v", s, tm)
		}
	}
	doc := map[string]any{"create_time": time.Date(2024, 5, 2, 0, 0, 0, 0, time.Local)}
	e, _ := ParseFilter(decodeJSON(t, atom("create_time", "datetime_greater", `"2024-05-01 23:59:59"`)))
	if !Match(e, doc) {
		t.Error("datetime_greater must match a later date")
	}
	e, _ = ParseFilter(decodeJSON(t, atom("create_time", "datetime_less", `"2024-05-01"`)))
	if Match(e, doc) {
		t.Error("datetime_less must not match a later date")
	}
}

func TestFilterMatch(t *testing.T) {
	doc := decodeDoc(t, `{"name":"Switch-01","tags":["a","b"],"empty":[],"obj":{"b":1,"arr":[1,null]},"list":[{"name":"abc"},{"name":"x"}]}`)
	rows := []struct {
		f    string
		want bool
	}{
		{atom("name", "contains", `"switch"`), true},
		{atom("name", "contains_s", `"switch"`), false},
		{atom("name", "not_contains", `"switch"`), true},
		{atom("name", "not_contains_i", `"switch"`), false},
		{atom("name", "begins_with", `"Sw"`), true},
		{atom("name", "ends_with_i", `"-01"`), true},
		{atom("name", "contains", `"S.itch"`), true},
		{atom("tags", "is_empty", ``), false},
		{atom("empty", "is_empty", ``), true},
		{atom("tags", "is_not_empty", ``), true},
		{atom("empty", "is_not_empty", ``), false},
		{atom("name", "is_not_empty", ``), false},
		{atom("missing", "is_not_empty", ``), false},
		{atom("tags", "size", `2`), true},
		{atom("tags", "filter_array", atom("element", "equal", `"b"`)), true},
		{atom("tags", "filter_array", atom("element", "not_equal", `"b"`)), false},
		{atom("obj", "filter_object", atom("b", "equal", `1`)), true},
		{atom("obj", "filter_object", atom("arr", "filter_array", atom("element", "is_null", `1`))), true},
		{atom("list", "filter_array", atom("element", "filter_object", atom("name", "equal", `"x"`))), true},
		{atom("missing", "is_null", ``), true},
		{atom("missing", "not_exist", ``), true},
		{atom("missing", "not_in", `[1]`), true},
	}
	for _, r := range rows {
		e, err := ParseFilter(decodeJSON(t, r.f))
		if err != nil {
			t.Fatalf("%s: %v", r.f, err)
		}
		if got := Match(e, doc); got != r.want {
			t.Errorf("Match(%s) = %v, want %v (tree %s)", r.f, got, r.want, Format(e))
		}
	}
}

func TestDatetimeMillisecondPrecision(t *testing.T) {
	e, err := ParseFilter(decodeJSON(t, atom("t", "datetime_less", `"2024-05-01T10:00:00.123456789Z"`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(Pred).Value.(time.Time); got.Nanosecond() != 123000000 {
		t.Errorf("filter datetime not truncated to ms: %v", got)
	}
	e, cerr := qbSearch(decodeJSON(t, and1(atom("t", "datetime_less", `"2024-05-01T10:00:00.999999Z"`))))
	if cerr != nil {
		t.Fatal(cerr)
	}
	if got := e.(Pred).Value.(time.Time); got.Nanosecond() != 999000000 {
		t.Errorf("querybuilder datetime not truncated to ms: %v", got)
	}
}
