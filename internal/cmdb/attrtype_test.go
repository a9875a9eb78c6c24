package cmdb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// atJV decodes a JSON literal as the server does (UseNumber).
func atJV(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := attrDecodeJSON(s, &v); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

func atBool(b bool) *bool { return &b }

type atValCase struct {
	name  string
	attr  Attribute
	value string // JSON; "" = Go nil
	code  int    // 0 = success
	en    string // expected English message (when code != 0)
	out   any    // expected returned value (when code == 0 and out != nil)
}

func atAttr(typ string, opt string) Attribute {
	a := Attribute{PropertyID: "f", PropertyName: "Field", Type: typ}
	if opt != "" {
		a.Option = atJSON(opt)
	}
	return a
}

func atJSON(s string) any {
	var v any
	if err := attrDecodeJSON(s, &v); err != nil {
		panic(err)
	}
	return v
}

func atWith(a Attribute, f func(*Attribute)) Attribute { f(&a); return a }

func atReq(a Attribute) Attribute { return atWith(a, func(a *Attribute) { a.IsRequired = true }) }

func atMulti(a Attribute, m bool) Attribute {
	return atWith(a, func(a *Attribute) { a.IsMultiple = atBool(m) })
}

const atEnumOpt = `[{"id":"1","name":"A","type":"text","is_default":true},{"id":"2","name":"B","type":"text"}]`

func atRunVal(t *testing.T, cases []atValCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.attr.Type+"/"+c.name, func(t *testing.T) {
			var v any
			if c.value != "" {
				v = atJV(t, c.value)
			}
			a := c.attr
			got, err := ValidateValue(&a, v)
			if c.code == 0 {
				if err != nil {
					t.Fatalf("unexpected error %d %q", err.Code, err.Message(LangEN))
				}
				if c.out != nil && !reflect.DeepEqual(got, c.out) {
					t.Fatalf("value = %#v, want %#v", got, c.out)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, value %#v; want %d %q", got, c.code, c.en)
			}
			if err.Code != c.code || err.Message(LangEN) != c.en {
				t.Fatalf("error = %d %q, want %d %q", err.Code, err.Message(LangEN), c.code, c.en)
			}
			if got != nil {
				t.Fatalf("value on error = %#v", got)
			}
		})
	}
}

func TestValidateValueChar(t *testing.T) {
	sc := atAttr(TypeSingleChar, "")
	lc := atAttr(TypeLongChar, "")
	re := atAttr(TypeSingleChar, `"^[a-z]+$"`)
	badRe := atAttr(TypeSingleChar, `"a(b"`)
	setName := atWith(sc, func(a *Attribute) { a.PropertyID = "bk_set_name"; a.PropertyName = "Set Name" })
	atRunVal(t, []atValCase{
		{name: "ok trimmed", attr: sc, value: `"  abc  "`, out: "abc"},
		{name: "null", attr: sc, value: ``},
		{name: "null required", attr: atReq(sc), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "blank", attr: sc, value: `"   "`, out: ""},
		{name: "blank required", attr: atReq(sc), value: `"  "`, code: 1199010, en: "'Field' unassigned"},
		{name: "number", attr: sc, value: `12`, code: 1199007, en: "'Field' must be a string type"},
		{name: "bool", attr: sc, value: `true`, code: 1199007, en: "'Field' must be a string type"},
		{name: "256 bytes", attr: sc, value: `"` + strings.Repeat("a", 256) + `"`},
		{name: "257 bytes", attr: sc, value: `"` + strings.Repeat("a", 257) + `"`, code: 1199015, en: "Data out of bounds%!(EXTRA string=Field)"},
		{name: "bytes not runes", attr: sc, value: `"` + strings.Repeat("é", 129) + `"`, code: 1199015, en: "Data out of bounds%!(EXTRA string=Field)"},
		{name: "trim before length", attr: sc, value: `"  ` + strings.Repeat("a", 256) + `  "`},
		{name: "longchar 2000", attr: lc, value: `"` + strings.Repeat("a", 2000) + `"`},
		{name: "longchar 2001", attr: lc, value: `"` + strings.Repeat("a", 2001) + `"`, code: 1199015, en: "Data out of bounds%!(EXTRA string=Field)"},
		{name: "longchar number", attr: lc, value: `1`, code: 1199007, en: "'Field' must be a string type"},
		{name: "regex ok", attr: re, value: `"abc"`, out: "abc"},
		{name: "regex fail", attr: re, value: `"ab1"`, code: 1199016, en: "'Field' Field regular check failed"},
		{name: "regex fail longchar", attr: atWith(re, func(a *Attribute) { a.Type = TypeLongChar }), value: `"A"`, code: 1199016, en: "'Field' Field regular check failed"},
		{name: "regex not applied to empty", attr: re, value: `""`, out: ""},
		{name: "regex uncompilable", attr: badRe, value: `"x"`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "non-string option ignored", attr: atAttr(TypeSingleChar, `12`), value: `"x"`, out: "x"},
		{name: "## set name", attr: setName, value: `"a##b"`, code: 1199006, en: "'Set Name' data parameter verification does not pass"},
		{name: "## other field", attr: sc, value: `"a##b"`, out: "a##b"},
		{name: "# set name", attr: setName, value: `"a#b"`, out: "a#b"},
	})
}

func TestValidateValueInt(t *testing.T) {
	i := atAttr(TypeInt, `{"min":"1","max":10}`)
	atRunVal(t, []atValCase{
		{name: "ok", attr: i, value: `5`, out: json.Number("5")},
		{name: "null", attr: i, value: ``},
		{name: "null required", attr: atReq(i), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "numeric string", attr: i, value: `"5"`, code: 1199009, en: "'Field' parameters must be integral"},
		{name: "empty string", attr: i, value: `""`, code: 1199009, en: "'Field' parameters must be integral"},
		{name: "bool", attr: i, value: `true`, code: 1199009, en: "'Field' parameters must be integral"},
		{name: "above max", attr: i, value: `11`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "below min", attr: i, value: `0`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "bounds inclusive", attr: i, value: `10`, out: json.Number("10")},
		// Quirk: a fractional number passes the type check and is range-checked as 0.
		{name: "fraction checked as 0 (fails min 1)", attr: i, value: `5.5`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "fraction checked as 0 (passes)", attr: atAttr(TypeInt, `{"min":-1,"max":1}`), value: `99.5`, out: json.Number("99.5")},
		{name: "no option", attr: atAttr(TypeInt, ""), value: `-9223372036854775808`, out: json.Number("-9223372036854775808")},
		{name: "empty option", attr: atAttr(TypeInt, `""`), value: `7`},
		{name: "only max", attr: atAttr(TypeInt, `{"max":3}`), value: `-100`},
		{name: "empty min", attr: atAttr(TypeInt, `{"min":"","max":3}`), value: `4`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "option unparsable", attr: atAttr(TypeInt, `{"min":"abc"}`), value: `1`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "option array", attr: atAttr(TypeInt, `[1]`), value: `1`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "option json string", attr: atAttr(TypeInt, `"{\"min\":1,\"max\":2}"`), value: `3`, code: 1199006, en: "'Field' data parameter verification does not pass"},
	})
}

func TestValidateValueFloat(t *testing.T) {
	f := atAttr(TypeFloat, `{"min":"-1.5","max":2.5}`)
	atRunVal(t, []atValCase{
		{name: "number", attr: f, value: `1.25`, out: json.Number("1.25")},
		{name: "numeric string", attr: f, value: `" 1.5 "`, out: "1.5"},
		{name: "null", attr: f, value: ``},
		{name: "null required", attr: atReq(f), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "word", attr: f, value: `"abc"`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "empty string", attr: f, value: `""`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "bool", attr: f, value: `false`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "above", attr: f, value: `2.51`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "below string", attr: f, value: `"-2"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "option unparsable", attr: atAttr(TypeFloat, `{"max":"x"}`), value: `1`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "no option", attr: atAttr(TypeFloat, ""), value: `1e300`},
	})
}

func TestValidateValueEnum(t *testing.T) {
	e := atAttr(TypeEnum, atEnumOpt)
	atRunVal(t, []atValCase{
		{name: "ok", attr: e, value: `"2"`, out: "2"},
		{name: "trimmed", attr: e, value: `" 1 "`, out: "1"},
		{name: "null", attr: e, value: ``},
		{name: "null required", attr: atReq(e), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "unknown id", attr: e, value: `"3"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "empty is a value", attr: e, value: `""`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "name not id", attr: e, value: `"A"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "number", attr: e, value: `1`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "option unparsable", attr: atAttr(TypeEnum, `{"id":"1"}`), value: `"1"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "option element not object", attr: atAttr(TypeEnum, `["1"]`), value: `"1"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
	})
}

func TestValidateValueEnumMulti(t *testing.T) {
	m := atMulti(atAttr(TypeEnumMulti, atEnumOpt), true)
	s := atMulti(atAttr(TypeEnumMulti, atEnumOpt), false)
	atRunVal(t, []atValCase{
		{name: "ok", attr: m, value: `["1","2"]`, out: []any{"1", "2"}},
		{name: "empty", attr: m, value: `[]`, out: []any{}},
		{name: "null", attr: m, value: ``},
		{name: "null required", attr: atReq(m), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "empty required", attr: atReq(m), value: `[]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "string", attr: m, value: `"1"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "non-string element", attr: m, value: `[1]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "unknown id", attr: m, value: `["1","9"]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "ismultiple null", attr: atAttr(TypeEnumMulti, atEnumOpt), value: `["1"]`, code: 1199010, en: "'Field' unassigned"},
		{name: "single ok", attr: s, value: `["2"]`, out: []any{"2"}},
		{name: "single several", attr: s, value: `["1","2"]`, code: 1199092, en: "current field type status is single choice, please set reasonable data"},
		{name: "single empty", attr: s, value: `[]`, code: 1199092, en: "current field type status is single choice, please set reasonable data"},
	})
}

func TestValidateValueEnumQuote(t *testing.T) {
	q := atMulti(atAttr(TypeEnumQuote, `[{"bk_obj_id":"x","bk_inst_id":1}]`), true)
	atRunVal(t, []atValCase{
		{name: "ok", attr: q, value: `[1, 5]`, out: []any{json.Number("1"), json.Number("5")}},
		{name: "empty", attr: q, value: `[]`, out: []any{}},
		{name: "null", attr: q, value: ``},
		{name: "null required", attr: atReq(q), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "not array", attr: q, value: `1`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "string element", attr: q, value: `["1"]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "fraction element", attr: q, value: `[1.5]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
	})
	v, err := ValidateValue(&q, atJV(t, `[3, 7]`))
	if err != nil {
		t.Fatal(err)
	}
	if ids := EnumQuoteIDs(v); !reflect.DeepEqual(ids, []int64{3, 7}) {
		t.Fatalf("EnumQuoteIDs = %v", ids)
	}
	if ids := EnumQuoteIDs(nil); ids != nil {
		t.Fatalf("EnumQuoteIDs(nil) = %v", ids)
	}
}

func TestValidateValueDateTime(t *testing.T) {
	d := atAttr(TypeDate, "")
	tm := atAttr(TypeTime, "")
	local := time.Date(2024, 5, 1, 10, 0, 0, 0, time.Local)
	rfc := time.Date(2024, 5, 1, 2, 0, 0, 123000000, time.UTC).In(time.Local)
	atRunVal(t, []atValCase{
		{name: "ok", attr: d, value: `"2024-02-29"`, out: "2024-02-29"},
		{name: "null", attr: d, value: ``},
		{name: "blank", attr: d, value: `" "`, out: ""},
		{name: "blank required", attr: atReq(d), value: `""`, code: 1199010, en: "'Field' unassigned"},
		{name: "feb 30", attr: d, value: `"2024-02-30"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "short month", attr: d, value: `"2024-2-01"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "with time", attr: d, value: `"2024-02-01 00:00:00"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "number", attr: d, value: `20240201`, code: 1199006, en: "'Field' data parameter verification does not pass"},

		{name: "first form", attr: tm, value: `"2024-05-01 10:00:00"`, out: local},
		{name: "rfc3339", attr: tm, value: `"2024-05-01T10:00:00.123+08:00"`, out: rfc},
		{name: "rfc3339 Z", attr: tm, value: `"2024-05-01T02:00:00.123Z"`, out: rfc},
		{name: "digits not range checked", attr: tm, value: `"2024-13-45 99:99:99"`, out: "2024-13-45 99:99:99"},
		{name: "null", attr: tm, value: ``},
		{name: "blank", attr: tm, value: `"  "`, out: ""},
		{name: "blank required", attr: atReq(tm), value: `""`, code: 1199010, en: "'Field' unassigned"},
		{name: "date only", attr: tm, value: `"2024-05-01"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "no zone", attr: tm, value: `"2024-05-01T10:00:00"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "number", attr: tm, value: `1714557600`, code: 1199006, en: "'Field' data parameter verification does not pass"},
	})
	// A stored time re-validates to itself.
	got, err := ValidateValue(&tm, local)
	if err != nil || !reflect.DeepEqual(got, local) {
		t.Fatalf("time.Time re-validation: %v %v", got, err)
	}
}

func TestValidateValueSimple(t *testing.T) {
	tz := atAttr(TypeTimeZone, "")
	b := atAttr(TypeBool, "")
	l := atAttr(TypeList, `["a","b","c"]`)
	atRunVal(t, []atValCase{
		{name: "ok", attr: tz, value: `"Asia/Shanghai"`, out: "Asia/Shanghai"},
		{name: "offset", attr: tz, value: `"UTC+8"`},
		{name: "unicode minus", attr: tz, value: `"UTC−8"`},
		{name: "null", attr: tz, value: ``},
		{name: "null required", attr: atReq(tz), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "empty", attr: tz, value: `""`, code: 1199024, en: "'Field' must be a string type"},
		{name: "blank", attr: tz, value: `"  "`, code: 1199024, en: "'Field' must be a string type"},
		{name: "space inside", attr: tz, value: `"Asia Shanghai"`, code: 1199024, en: "'Field' must be a string type"},
		{name: "number", attr: tz, value: `8`, code: 1199024, en: "'Field' must be a string type"},

		{name: "true", attr: b, value: `true`, out: true},
		{name: "false", attr: b, value: `false`, out: false},
		{name: "null", attr: b, value: ``},
		{name: "null required", attr: atReq(b), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "string", attr: b, value: `"true"`, code: 1199025, en: "'Field' must be boolean"},
		{name: "number", attr: b, value: `1`, code: 1199025, en: "'Field' must be boolean"},

		{name: "ok", attr: l, value: `"b"`, out: "b"},
		{name: "null", attr: l, value: ``},
		{name: "null required", attr: atReq(l), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "not in list", attr: l, value: `"d"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "empty not in list", attr: l, value: `""`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "number", attr: l, value: `1`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "option not array", attr: atAttr(TypeList, `"a"`), value: `"a"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "non-string element before match", attr: atAttr(TypeList, `["a",1,"b"]`), value: `"b"`, code: 1199080, en: "parsing property list content failed"},
		{name: "non-string element after match", attr: atAttr(TypeList, `["a",1,"b"]`), value: `"a"`, out: "a"},
	})
}

func TestValidateValueUser(t *testing.T) {
	u := atMulti(atAttr(TypeUser, ""), true)
	s := atMulti(atAttr(TypeUser, ""), false)
	atRunVal(t, []atValCase{
		{name: "ok", attr: u, value: `" admin,bob_1@x.com "`, out: "admin,bob_1@x.com"},
		{name: "null", attr: u, value: ``},
		{name: "null required", attr: atReq(u), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "blank", attr: u, value: `"  "`, out: ""},
		{name: "blank required", attr: atReq(u), value: `" "`, code: 1199010, en: "'Field' unassigned"},
		{name: "number", attr: u, value: `1`, code: 1199007, en: "'Field' must be a string type"},
		{name: "too long", attr: u, value: `"` + strings.Repeat("a", 2001) + `"`, code: 1199015, en: "Data out of bounds%!(EXTRA string=Field)"},
		{name: "too long before ismultiple", attr: atAttr(TypeUser, ""), value: `"` + strings.Repeat("a", 2001) + `"`, code: 1199015, en: "Data out of bounds%!(EXTRA string=Field)"},
		{name: "ismultiple null", attr: atAttr(TypeUser, ""), value: `"admin"`, code: 1199010, en: "'Field' unassigned"},
		{name: "single ok", attr: s, value: `"admin"`, out: "admin"},
		{name: "single several", attr: s, value: `"admin,bob"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "several before pattern", attr: s, value: `"!a,b"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "pattern", attr: u, value: `"_admin"`, code: 1199016, en: "'Field' Field regular check failed"},
		{name: "pattern space", attr: u, value: `"a b"`, code: 1199016, en: "'Field' Field regular check failed"},
	})
}

func TestValidateValueOrganizationObject(t *testing.T) {
	o := atMulti(atAttr(TypeOrganization, ""), true)
	s := atMulti(atAttr(TypeOrganization, ""), false)
	ob := atAttr(TypeObject, "")
	atRunVal(t, []atValCase{
		{name: "ok", attr: o, value: `[1,2]`, out: []any{json.Number("1"), json.Number("2")}},
		{name: "empty", attr: o, value: `[]`, out: []any{}},
		{name: "empty ismultiple null", attr: atAttr(TypeOrganization, ""), value: `[]`, out: []any{}},
		{name: "null", attr: o, value: ``},
		{name: "null required", attr: atReq(o), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "empty required", attr: atReq(o), value: `[]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "not array", attr: o, value: `1`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "ismultiple null", attr: atAttr(TypeOrganization, ""), value: `[1]`, code: 1199010, en: "'Field' unassigned"},
		{name: "single several", attr: s, value: `[1,2]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "single one", attr: s, value: `[1]`},
		{name: "string element", attr: o, value: `["1"]`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},
		{name: "fraction element", attr: o, value: `[1.5]`, code: 1199011, en: "'Field' the parameter is invalid or does not exist"},

		{name: "ok", attr: ob, value: `{"a":1}`, out: map[string]any{"a": json.Number("1")}},
		{name: "empty object", attr: ob, value: `{}`},
		{name: "null", attr: ob, value: ``},
		{name: "null required", attr: atReq(ob), value: ``, code: 1199010, en: "'Field' unassigned"},
		{name: "empty string", attr: ob, value: `""`, out: ""},
		{name: "empty string required", attr: atReq(ob), value: `"  "`, code: 1199010, en: "'Field' unassigned"},
		{name: "string", attr: ob, value: `"x"`, code: 1199006, en: "'Field' data parameter verification does not pass"},
		{name: "array", attr: ob, value: `[]`, code: 1199006, en: "'Field' data parameter verification does not pass"},
	})
}

func TestValidateValueUnvalidatedAndUnknown(t *testing.T) {
	for _, typ := range []string{TypeForeignKey, TypeSingleAsst, TypeMultiAsst, TypeTable, TypeInnerTable, TypeIDRule} {
		a := atReq(atAttr(typ, ""))
		for _, v := range []any{nil, json.Number("1"), []any{true}, " x "} {
			got, err := ValidateValue(&a, v)
			if err != nil {
				t.Fatalf("%s %v: %v", typ, v, err)
			}
			if s, ok := v.(string); ok {
				v = strings.TrimSpace(s)
			}
			if !reflect.DeepEqual(got, v) {
				t.Fatalf("%s: %#v -> %#v", typ, v, got)
			}
		}
	}
	atRunVal(t, []atValCase{
		{name: "unknown", attr: atAttr("user", ""), value: `"admin"`, code: 1199085, en: "unexpected type: user"},
		{name: "unknown null", attr: atAttr("blob", ""), value: ``, code: 1199085, en: "unexpected type: blob"},
	})
}

func TestValidateValueMessagesZH(t *testing.T) {
	a := Attribute{PropertyID: "bk_inst_name", PropertyName: "实例名", Type: TypeSingleChar, IsRequired: true}
	cases := []struct {
		attr Attribute
		v    any
		en   string
		zh   string
	}{
		{a, nil, "'实例名' unassigned", "'实例名' 未赋值"},
		{a, strings.Repeat("x", 300), "Data out of bounds%!(EXTRA string=实例名)", "'实例名' 数据越界"},
		{a, json.Number("1"), "'实例名' must be a string type", "'实例名' 必须为字符串类型"},
		{atWith(a, func(a *Attribute) { a.Type = TypeTimeZone }), "", "'实例名' must be a string type", "'实例名' 必须为字符串类型"},
		{atWith(a, func(a *Attribute) { a.Type = TypeBool }), "x", "'实例名' must be boolean", "'实例名' 必须为bool类型"},
		{atWith(a, func(a *Attribute) { a.Type = TypeInt }), "x", "'实例名' parameters must be integral", "'实例名' 参数必须是整型"},
		{atWith(a, func(a *Attribute) { a.Type = "nope" }), "x", "unexpected type: nope", "未知类型：nope"},
		{atMulti(atWith(a, func(a *Attribute) { a.Type = TypeEnumMulti; a.Option = atJSON(atEnumOpt) }), false), []any{"1", "2"},
			"current field type status is single choice, please set reasonable data", "当前字段类型状态为单选，请设置合理数据"},
	}
	for _, c := range cases {
		_, err := ValidateValue(&c.attr, c.v)
		if err == nil {
			t.Fatalf("%s %v: no error", c.attr.Type, c.v)
		}
		if got := err.Message(LangEN); got != c.en {
			t.Errorf("en = %q, want %q", got, c.en)
		}
		if got := err.Message(LangZH); got != c.zh {
			t.Errorf("zh = %q, want %q", got, c.zh)
		}
	}
}

func TestValidateValueNameFallback(t *testing.T) {
	a := Attribute{PropertyID: "f1", Type: TypeBool}
	_, err := ValidateValue(&a, "x")
	if err == nil || err.Message(LangEN) != "'f1' must be boolean" {
		t.Fatalf("got %v", err)
	}
}

func TestValidateValueGoNumbers(t *testing.T) {
	a := atAttr(TypeInt, `{"min":0,"max":10}`)
	for _, c := range []struct {
		in  any
		out json.Number
	}{{3, "3"}, {int64(4), "4"}, {float64(5), "5"}, {uint8(6), "6"}} {
		got, err := ValidateValue(&a, c.in)
		if err != nil || got != c.out {
			t.Fatalf("%#v: %#v %v", c.in, got, err)
		}
	}
	if _, err := ValidateValue(&a, json.Number("NaN")); err == nil || err.Code != 1199009 {
		t.Fatalf("json.Number NaN: %v", err)
	}
}
