package cond

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

func qbSearch(v any) (Expr, *cmdb.Error) {
	return ParseQueryBuilder(v, QBOptions{Prefix: "conditions"})
}

func qbWithInst(v any) (Expr, *cmdb.Error) {
	return ParseQueryBuilder(v, QBOptions{Prefix: "condition.asst_filter", Code: cmdb.CodeParamsIsInvalid, NoLimits: true})
}

func and1(rule string) string { return `{"condition":"AND","rules":[` + rule + `]}` }

func TestParseQueryBuilder(t *testing.T) {
	cases := []parseCase{
		{"", "TRUE"},
		{`null`, "TRUE"},
		{`{"condition":"AND","rules":[{"field":"bk_obj_asst_id","operator":"equal","value":"bk_switch_connect_host"},{"field":"bk_inst_id","operator":"in","value":[1,2]}]}`,
			`AND(bk_obj_asst_id $eq "bk_switch_connect_host", bk_inst_id $in [1,2])`},
		{`{"condition":"OR","rules":[{"field":"a","operator":"equal","value":1},{"condition":"AND","rules":[{"field":"b","operator":"less","value":2},{"field":"c","operator":"greater","value":3}]}]}`,
			`OR(a $eq 1, AND(b $lt 2, c $gt 3))`},
		// every operator
		{and1(`{"field":"a","operator":"equal","value":true}`), `a $eq true`},
		{and1(`{"field":"a","operator":"not_equal","value":"x"}`), `NOT(a $eq "x")`},
		{and1(`{"field":"a","operator":"not_in","value":["x","y"]}`), `NOT(a $in ["x","y"])`},
		{and1(`{"field":"a","operator":"in","value":[]}`), `a $in []`},
		{and1(`{"field":"a","operator":"less_or_equal","value":1.5}`), `a $lte 1.5`},
		{and1(`{"field":"a","operator":"greater_or_equal","value":-1}`), `a $gte -1`},
		{and1(`{"field":"a","operator":"datetime_less","value":"2024-01-02T03:04:05Z"}`), `a $lt {"$date":"2024-01-02T03:04:05Z"}`},
		{and1(`{"field":"a","operator":"datetime_greater","value":"2024-01-02"}`), `a $gt "2024-01-02"`},
		{and1(`{"field":"a","operator":"begins_with","value":"sw"}`), `a $regex "^sw"`},
		{and1(`{"field":"a","operator":"not_begins_with","value":"sw"}`), `NOT(a $regex "^sw")`},
		{and1(`{"field":"a","operator":"contains","value":"Sw"}`), `a $regex "(?i)Sw"`},
		{and1(`{"field":"a","operator":"not_contains","value":"Sw"}`), `NOT(a $regex "Sw")`},
		{and1(`{"field":"a","operator":"ends_with","value":"01"}`), `a $regex "01$"`},
		{and1(`{"field":"a","operator":"not_ends_with","value":"01"}`), `NOT(a $regex "01$")`},
		{and1(`{"field":"a","operator":"contains","value":"a.b|c"}`), `a $regex "(?i)a.b|c"`},
		{and1(`{"field":"a","operator":"is_empty"}`), `a $eq []`},
		{and1(`{"field":"a","operator":"is_not_empty","value":5}`), `NOT(a $eq [])`},
		{and1(`{"field":"a","operator":"is_null"}`), `a $eq null`},
		{and1(`{"field":"a","operator":"is_not_null"}`), `NOT(a $eq null)`},
		{and1(`{"field":"a","operator":"exist"}`), `a $exists true`},
		{and1(`{"field":"a","operator":"not_exist"}`), `a $exists false`},
		{and1(`{"field":"a.b-c_d","operator":"equal","value":1}`), `a.b-c_d $eq 1`},
		// null members of rules are skipped (bk-cmdb's ParseRule)
		{`{"condition":"AND","rules":[null,{"field":"a","operator":"equal","value":1}]}`, `a $eq 1`},
		// keys are matched like encoding/json fills a struct
		{`{"condition":"AND","Rules":[{"operator":"equal","Field":"a","VALUE":1}]}`, `a $eq 1`},
		// validation errors: key paths
		{`{"field":"a","operator":"equal","value":1}`, `ERR 1199006 'conditions.' data parameter verification does not pass`},
		{`{"condition":"and","rules":[{"field":"a","operator":"equal","value":1}]}`, `ERR 1199006 'conditions.condition' data parameter verification does not pass`},
		{`{"condition":null,"rules":[]}`, `ERR 1199006 'conditions.condition' data parameter verification does not pass`},
		{`{"condition":"AND","rules":[]}`, `ERR 1199006 'conditions.rules' data parameter verification does not pass`},
		{`{"condition":"AND"}`, `ERR 1199006 'conditions.rules' data parameter verification does not pass`},
		{`{"condition":"AND","rules":[null]}`, `ERR 1199006 'conditions.rules' data parameter verification does not pass`},
		{`{"condition":"AND","rules":[{"field":"a","operator":"equal","value":1},{"condition":"OR","rules":[{"field":"b","operator":"bogus","value":1}]}]}`,
			`ERR 1199006 'conditions.rules[1].rules[0].operator' data parameter verification does not pass`},
		{and1(`{"field":"$a","operator":"equal","value":1}`), `ERR 1199006 'conditions.rules[0].field' data parameter verification does not pass`},
		{and1(`{"field":"_a","operator":"equal","value":1}`), `ERR 1199006 'conditions.rules[0].field' data parameter verification does not pass`},
		{and1(`{"field":"a b","operator":"equal","value":1}`), `ERR 1199006 'conditions.rules[0].field' data parameter verification does not pass`},
		{and1(`{"operator":"equal","value":1}`), `ERR 1199006 'conditions.rules[0].field' data parameter verification does not pass`},
		{and1(`{"field":"$a","operator":"bogus","value":1}`), `ERR 1199006 'conditions.rules[0].operator' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"equal","value":null}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"equal","value":[1]}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"equal","value":{"a":1}}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"in","value":1}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"in","value":[1,"a"]}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"in","value":[null]}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"less","value":"1"}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"datetime_less","value":"yesterday"}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"datetime_less","value":1700000000}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"begins_with","value":""}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		{and1(`{"field":"a","operator":"contains","value":"("}`), `ERR 1199006 'conditions.rules[0].value' data parameter verification does not pass`},
		// the first failing rule in document order wins
		{`{"condition":"AND","rules":[{"field":"a","operator":"equal","value":1},{"field":"b","operator":"equal"},{"field":"c","operator":"nope"}]}`,
			`ERR 1199006 'conditions.rules[1].value' data parameter verification does not pass`},
		// depth: top group + one nested group is the maximum
		{`{"condition":"AND","rules":[{"condition":"OR","rules":[{"condition":"AND","rules":[{"field":"a","operator":"equal","value":1}]}]}]}`,
			`ERR 1199006 'conditions.rules' data parameter verification does not pass`},
		// rule errors are reported before the depth
		{`{"condition":"AND","rules":[{"condition":"OR","rules":[{"condition":"AND","rules":[{"field":"a","operator":"x","value":1}]}]}]}`,
			`ERR 1199006 'conditions.rules[0].rules[0].rules[0].operator' data parameter verification does not pass`},
		// decoding errors
		{`{}`, `ERR 1199000 Deserializing JSON data failed`},
		{`[]`, `ERR 1199000 Deserializing JSON data failed`},
		{`"x"`, `ERR 1199000 Deserializing JSON data failed`},
		{`{"condition":1,"rules":[]}`, `ERR 1199000 Deserializing JSON data failed`},
		{`{"condition":"AND","rules":{}}`, `ERR 1199000 Deserializing JSON data failed`},
		{`{"condition":"AND","rules":[1]}`, `ERR 1199000 Deserializing JSON data failed`},
		{`{"condition":"AND","rules":[{"field":"a","value":1}]}`, `ERR 1199000 Deserializing JSON data failed`},
		{and1(`{"field":1,"operator":"equal","value":1}`), `ERR 1199000 Deserializing JSON data failed`},
		{and1(`{"field":"a","operator":["equal"],"value":1}`), `ERR 1199000 Deserializing JSON data failed`},
		// decoding failures anywhere come before any validation failure
		{`{"condition":"XOR","rules":[{"field":"a","value":1}]}`, `ERR 1199000 Deserializing JSON data failed`},
	}
	for _, c := range cases {
		checkParse(t, "ParseQueryBuilder", c, qbSearch)
	}
}

func TestParseQueryBuilderLimits(t *testing.T) {
	rules := func(n int, op string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`{"field":"f%d","operator":"equal","value":%d}`, i, i)
		}
		return `{"condition":"` + op + `","rules":[` + strings.Join(parts, ",") + `]}`
	}
	values := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(i)
		}
		return and1(`{"field":"a","operator":"in","value":[` + strings.Join(parts, ",") + `]}`)
	}
	deep := `{"condition":"AND","rules":[{"condition":"OR","rules":[{"condition":"AND","rules":[{"field":"a","operator":"equal","value":1}]}]}]}`
	cases := []struct {
		in       string
		search   string // error text for search/count ("" = accepted)
		withInst string // error text for find_instassociation_with_inst
	}{
		{rules(20, "OR"), "", ""},
		{rules(21, "OR"), "1199006 'conditions.rules' data parameter verification does not pass", ""},
		{rules(100, "AND"), "", ""},
		{values(500), "", ""},
		{values(501), "1199006 'conditions.rules[0].value' data parameter verification does not pass", ""},
		{deep, "1199006 'conditions.rules' data parameter verification does not pass", ""},
		{`{"field":"a","operator":"equal","value":1}`,
			"1199006 'conditions.' data parameter verification does not pass",
			"1199011 'condition.asst_filter.' the parameter is invalid or does not exist"},
		{and1(`{"field":"a","operator":"bogus","value":1}`),
			"1199006 'conditions.rules[0].operator' data parameter verification does not pass",
			"1199011 'condition.asst_filter.rules[0].operator' the parameter is invalid or does not exist"},
		{and1(`{"field":"a","operator":"in","value":[1,"a"]}`),
			"1199006 'conditions.rules[0].value' data parameter verification does not pass",
			"1199011 'condition.asst_filter.rules[0].value' the parameter is invalid or does not exist"},
		{`{"x":1}`, "1199000 Deserializing JSON data failed", "1199000 Deserializing JSON data failed"},
	}
	for _, c := range cases {
		v := decodeJSON(t, c.in)
		_, err := qbSearch(v)
		if got := errText(err); got != c.search {
			t.Errorf("search %.80s: got %q want %q", c.in, got, c.search)
		}
		_, err = qbWithInst(v)
		if got := errText(err); got != c.withInst {
			t.Errorf("with_inst %.80s: got %q want %q", c.in, got, c.withInst)
		}
	}
	// global limits still apply without bk-cmdb's limits
	_, err := ParseQueryBuilder(decodeJSON(t, values(11)), QBOptions{Prefix: "conditions", NoLimits: true, Limits: Limits{MaxInItems: 10}})
	if got, want := errText(err), "1199006 'conditions.rules[0].value' data parameter verification does not pass"; got != want {
		t.Errorf("global in limit: got %q want %q", got, want)
	}
	_, err = ParseQueryBuilder(decodeJSON(t, rules(5, "AND")), QBOptions{Prefix: "conditions", Limits: Limits{MaxPredicates: 4}})
	if got, want := errText(err), "1199006 'conditions.rules' data parameter verification does not pass"; got != want {
		t.Errorf("global predicate limit: got %q want %q", got, want)
	}
	nested := and1(`{"field":"a","operator":"equal","value":1}`)
	for i := 0; i < 20; i++ {
		nested = and1(nested)
	}
	_, err = ParseQueryBuilder(decodeJSON(t, nested), QBOptions{Prefix: "conditions", NoLimits: true})
	if got, want := errText(err), "1199006 'conditions.rules' data parameter verification does not pass"; got != want {
		t.Errorf("global depth limit: got %q want %q", got, want)
	}
	_, err = ParseQueryBuilder(decodeJSON(t, and1(`{"field":"a","operator":"contains","value":"abcde"}`)), QBOptions{Prefix: "conditions", Limits: Limits{MaxRegexLen: 4}})
	if got, want := errText(err), "1199006 'conditions.rules[0].value' data parameter verification does not pass"; got != want {
		t.Errorf("regex limit: got %q want %q", got, want)
	}
}

func TestQBErrorCause(t *testing.T) {
	_, err := qbSearch(decodeJSON(t, and1(`{"field":"a"}`)))
	var qe *QBError
	if err == nil || !errors.As(err.Err, &qe) || !qe.Decode {
		t.Fatalf("decode error must carry a *QBError with Decode: %v", err)
	}
	_, err = qbSearch(decodeJSON(t, and1(`{"field":"a","operator":"x"}`)))
	if err == nil || !errors.As(err.Err, &qe) || qe.Decode || qe.Path != "rules[0].operator" {
		t.Fatalf("validation error must carry its path: %v %+v", err, qe)
	}
	// no prefix: the key is the bare path
	_, err = ParseQueryBuilder(decodeJSON(t, and1(`{"field":"a","operator":"x"}`)), QBOptions{})
	if got, want := errText(err), "1199006 'rules[0].operator' data parameter verification does not pass"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}
