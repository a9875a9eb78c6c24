package cmdb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type atOptCase struct {
	name string
	attr Attribute
	code int
	en   string
	zh   string // checked when non-empty
}

func atRunOpt(t *testing.T, check func(*Attribute, Lang) *Error, cases []atOptCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.attr.Type+"/"+c.name, func(t *testing.T) {
			a := c.attr
			err := check(&a, LangEN)
			if c.code == 0 {
				if err != nil {
					t.Fatalf("unexpected %d %q", err.Code, err.Message(LangEN))
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %d %q", c.code, c.en)
			}
			if err.Code != c.code || err.Message(LangEN) != c.en {
				t.Fatalf("error = %d %q, want %d %q", err.Code, err.Message(LangEN), c.code, c.en)
			}
			if c.zh != "" {
				a := c.attr
				if got := check(&a, LangZH).Message(LangZH); got != c.zh {
					t.Fatalf("zh = %q, want %q", got, c.zh)
				}
			}
		})
	}
}

func atDefault(a Attribute, d string) Attribute {
	return atWith(a, func(a *Attribute) { a.Default = atJSON(d) })
}

func atEnumOpts(n int, defaults int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		d := "false"
		if i < defaults {
			d = "true"
		}
		b.WriteString(`{"id":"` + strings.Repeat("i", 1) + string(rune('a'+i%26)) + `","name":"n","type":"text","is_default":` + d + `}`)
	}
	b.WriteString("]")
	return b.String()
}

func TestCheckAttributeOptionInt(t *testing.T) {
	i := atAttr(TypeInt, `{"min":1,"max":"10"}`)
	atRunOpt(t, CheckAttributeOption, []atOptCase{
		{name: "ok", attr: i},
		{name: "ok default", attr: atDefault(i, `10`)},
		{name: "empty bounds", attr: atAttr(TypeInt, `{"min":"","max":""}`)},
		{name: "option null", attr: atAttr(TypeInt, ""), code: 1199008, en: "'option' cannot be omitted", zh: "'option' 不可以被省略"},
		{name: "option unparsable", attr: atAttr(TypeInt, `{"min":"x"}`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "option array", attr: atAttr(TypeInt, `[]`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "min > max", attr: atAttr(TypeInt, `{"min":5,"max":4}`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "default string", attr: atDefault(i, `"5"`), code: 1199998, en: "not numeric", zh: "not numeric"},
		{name: "default bool", attr: atDefault(i, `true`), code: 1199998, en: "not numeric"},
		{name: "default over", attr: atDefault(i, `11`), code: 1199998, en: "int type field default value over limit"},
		{name: "default under", attr: atDefault(i, `0`), code: 1199998, en: "int type field default value over limit"},
	})
}

func TestCheckAttributeOptionEnum(t *testing.T) {
	e := atAttr(TypeEnum, atEnumOpt)
	long := strings.Repeat("é", 129)
	atRunOpt(t, CheckAttributeOption, []atOptCase{
		{name: "ok", attr: e},
		{name: "ok multiple no default", attr: atMulti(atAttr(TypeEnumMulti, `[{"id":"1","name":"A","type":"text"}]`), true)},
		{name: "ok multiple several defaults", attr: atMulti(atAttr(TypeEnumMulti, atEnumOpts(3, 3)), true)},
		{name: "200 elements", attr: atAttr(TypeEnum, atEnumOpts(200, 1))},
		{name: "option null", attr: atAttr(TypeEnum, ""), code: 1199008, en: "'option' cannot be omitted"},
		{name: "option null enummulti", attr: atAttr(TypeEnumMulti, ""), code: 1199008, en: "'option' cannot be omitted"},
		{name: "option string", attr: atAttr(TypeEnum, `"x"`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "element not object", attr: atAttr(TypeEnum, `["1"]`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "missing type", attr: atAttr(TypeEnum, `[{"id":"1","name":"A","is_default":true}]`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "id number", attr: atAttr(TypeEnum, `[{"id":1,"name":"A","type":"text","is_default":true}]`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "201 elements", attr: atAttr(TypeEnum, atEnumOpts(201, 1)), code: 1199073, en: "option field exceeds maximum value %!s(int=200)", zh: "字段option超过最大值200"},
		{name: "empty id", attr: atAttr(TypeEnum, `[{"id":"","name":"A","type":"text","is_default":true}]`), code: 1199010, en: "'option id' unassigned"},
		{name: "long id", attr: atAttr(TypeEnum, `[{"id":"`+long+`","name":"A","type":"text","is_default":true}]`), code: 1199073, en: "option id field exceeds maximum value %!s(int=128)", zh: "字段option id超过最大值128"},
		{name: "128-rune id", attr: atAttr(TypeEnum, `[{"id":"`+long[2:]+`","name":"A","type":"text","is_default":true}]`)},
		{name: "empty name", attr: atAttr(TypeEnum, `[{"id":"1","name":"","type":"text","is_default":true}]`), code: 1199010, en: "'option name' unassigned"},
		{name: "long name", attr: atAttr(TypeEnum, `[{"id":"1","name":"`+long+`","type":"text","is_default":true}]`), code: 1199073, en: "option name field exceeds maximum value %!s(int=128)"},
		{name: "type not text", attr: atAttr(TypeEnum, `[{"id":"1","name":"A","type":"int","is_default":true}]`), code: 1199011, en: "'option type' the parameter is invalid or does not exist"},
		{name: "single no default", attr: atAttr(TypeEnum, `[{"id":"1","name":"A","type":"text"}]`), code: 1199092, en: "current field type status is single choice, please set reasonable data", zh: "当前字段类型状态为单选，请设置合理数据"},
		{name: "single two defaults", attr: atAttr(TypeEnum, atEnumOpts(2, 2)), code: 1199092, en: "current field type status is single choice, please set reasonable data"},
		{name: "enummulti single two defaults", attr: atMulti(atAttr(TypeEnumMulti, atEnumOpts(2, 2)), false), code: 1199092, en: "current field type status is single choice, please set reasonable data"},
		{name: "is_default string not counted", attr: atAttr(TypeEnum, `[{"id":"1","name":"A","type":"text","is_default":"true"}]`), code: 1199092, en: "current field type status is single choice, please set reasonable data"},
		{name: "empty array single", attr: atAttr(TypeEnum, `[]`), code: 1199092, en: "current field type status is single choice, please set reasonable data"},
	})
}

func TestCheckAttributeOptionList(t *testing.T) {
	l := atAttr(TypeList, `["a","b"]`)
	many := "[" + strings.Repeat(`"x",`, 200) + `"y"]`
	atRunOpt(t, CheckAttributeOption, []atOptCase{
		{name: "ok", attr: l},
		{name: "ok default", attr: atDefault(l, `"b"`)},
		{name: "option null", attr: atAttr(TypeList, ""), code: 1199008, en: "'option' cannot be omitted"},
		{name: "option string", attr: atAttr(TypeList, `"a"`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "element number", attr: atAttr(TypeList, `["a",1]`), code: 1199011, en: "'option' the parameter is invalid or does not exist"},
		{name: "201 elements", attr: atAttr(TypeList, many), code: 1199073, en: "option field exceeds maximum value %!s(int=200)"},
		{name: "long element", attr: atAttr(TypeList, `["`+strings.Repeat("x", 129)+`"]`), code: 1199073, en: "option field exceeds maximum value %!s(int=128)"},
		{name: "default not in list", attr: atDefault(l, `"c"`), code: 1199011, en: "'list default value' the parameter is invalid or does not exist", zh: "'list default value' 参数无效或不存在"},
		{name: "default number", attr: atDefault(l, `1`), code: 1199011, en: "'list default value' the parameter is invalid or does not exist"},
	})
}

func TestCheckAttributeOptionString(t *testing.T) {
	s := atAttr(TypeSingleChar, `"^[a-z]+$"`)
	atRunOpt(t, CheckAttributeOption, []atOptCase{
		{name: "ok", attr: s},
		{name: "no option", attr: atAttr(TypeSingleChar, "")},
		{name: "empty option", attr: atAttr(TypeLongChar, `""`)},
		{name: "empty option default", attr: atDefault(atAttr(TypeLongChar, `""`), `"any 1"`)},
		{name: "default matches", attr: atDefault(s, `"abc"`)},
		{name: "option not string", attr: atAttr(TypeSingleChar, `{"a":1}`), code: 1199090,
			en: "Regular expression's type assertion failed%!(EXTRA string=option)", zh: "非法的正则表达式%!(EXTRA string=option)"},
		{name: "option number longchar", attr: atAttr(TypeLongChar, `1`), code: 1199090, en: "Regular expression's type assertion failed%!(EXTRA string=option)"},
		{name: "bad regex", attr: atAttr(TypeSingleChar, `"a(b"`), code: 1101109,
			en: "regular expression is invalid%!(EXTRA string=regular is wrong)", zh: "正则表达式书写错误%!(EXTRA string=regular is wrong)"},
		{name: "default not matching", attr: atDefault(s, `"ab1"`), code: 1199011, en: "'string default value' the parameter is invalid or does not exist"},
		{name: "default not string", attr: atDefault(s, `1`), code: 1199011, en: "'string default value' the parameter is invalid or does not exist"},
		{name: "default not string no regex", attr: atDefault(atAttr(TypeSingleChar, ""), `true`), code: 1199011, en: "'string default value' the parameter is invalid or does not exist"},
	})
	// Types outside check 9 pass whatever their option.
	for _, typ := range []string{TypeFloat, TypeDate, TypeTime, TypeBool, TypeUser, TypeObject, TypeEnumQuote, "nope"} {
		a := atAttr(typ, `{"min":"x"}`)
		if err := CheckAttributeOption(&a, LangEN); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
}

func TestCheckAttributeCore(t *testing.T) {
	longRegex := `"` + strings.Repeat("é", 2001) + `"`
	atRunOpt(t, CheckAttributeCore, []atOptCase{
		{name: "unknown type", attr: atAttr("user", ""), code: 1199011, en: "'bk_property_type' the parameter is invalid or does not exist"},
		{name: "legacy type refused", attr: atAttr(TypeForeignKey, ""), code: 1199011, en: "'bk_property_type' the parameter is invalid or does not exist"},
		{name: "empty type", attr: atAttr("", ""), code: 1199011, en: "'bk_property_type' the parameter is invalid or does not exist"},
		{name: "ok singlechar", attr: atDefault(atAttr(TypeSingleChar, ""), `"x"`)},

		{name: "objuser ok", attr: atDefault(atAttr(TypeUser, ""), `"admin,bob"`)},
		{name: "objuser empty", attr: atDefault(atAttr(TypeUser, ""), `""`)},
		{name: "objuser pattern", attr: atDefault(atAttr(TypeUser, ""), `"_x"`), code: 1199011, en: "'default' the parameter is invalid or does not exist", zh: "'default' 参数无效或不存在"},
		{name: "objuser number", attr: atDefault(atAttr(TypeUser, ""), `1`), code: 1199011, en: "'default' the parameter is invalid or does not exist"},
		{name: "organization ok", attr: atDefault(atAttr(TypeOrganization, ""), `[1,2]`)},
		{name: "organization string", attr: atDefault(atAttr(TypeOrganization, ""), `"1"`), code: 1199011, en: "'default' the parameter is invalid or does not exist"},
		{name: "organization element", attr: atDefault(atAttr(TypeOrganization, ""), `["a"]`), code: 1199011, en: "'default' the parameter is invalid or does not exist"},
		{name: "organization single several", attr: atMulti(atDefault(atAttr(TypeOrganization, ""), `[1,2]`), false), code: 1199011, en: "'default' the parameter is invalid or does not exist"},

		{name: "date ok", attr: atDefault(atAttr(TypeDate, ""), `"2024-01-31"`)},
		{name: "date bad", attr: atDefault(atAttr(TypeDate, ""), `"2024-02-30"`), code: 1199999,
			en: "'date default value is not date type, type: string' Internal Server Error",
			zh: "'date default value is not date type, type: string' 服务器内部错误"},
		{name: "date number", attr: atDefault(atAttr(TypeDate, ""), `1`), code: 1199999, en: "'date default value is not date type, type: float64' Internal Server Error"},
		{name: "time ok", attr: atDefault(atAttr(TypeTime, ""), `"2024-01-31 10:00:00"`)},
		{name: "time bad", attr: atDefault(atAttr(TypeTime, ""), `"2024-01-31"`), code: 1199999, en: "'time default value is not time type, type: string' Internal Server Error"},
		{name: "timezone ok", attr: atDefault(atAttr(TypeTimeZone, ""), `"Asia/Shanghai"`)},
		{name: "timezone bad", attr: atDefault(atAttr(TypeTimeZone, ""), `"a b"`), code: 1199999, en: "'timezone default value is not timezone type, type: string' Internal Server Error"},
		{name: "bool ok", attr: atDefault(atAttr(TypeBool, ""), `false`)},
		{name: "bool bad", attr: atDefault(atAttr(TypeBool, ""), `"true"`), code: 1199999, en: "'bool default value is not bool type, type: string' Internal Server Error"},
		{name: "float ok", attr: atDefault(atAttr(TypeFloat, `{"min":0,"max":1}`), `0.5`)},
		{name: "float string", attr: atDefault(atAttr(TypeFloat, ""), `"0.5"`), code: 1199999, en: "'float default value is not float type, type: string' Internal Server Error"},
		{name: "float over", attr: atDefault(atAttr(TypeFloat, `{"min":0,"max":1}`), `1.5`), code: 1199999, en: "'float type field default value over limit' Internal Server Error"},

		{name: "regex 2000 runes", attr: atAttr(TypeSingleChar, `"`+strings.Repeat("é", 2000)+`"`)},
		{name: "regex too long", attr: atAttr(TypeSingleChar, longRegex), code: 1199073,
			en: "Regex field exceeds maximum value %!s(int=2000)", zh: "字段正则校验超过最大值2000"},
	})
}

func TestCheckMultiple(t *testing.T) {
	cases := []struct {
		typ  string
		in   *bool
		want bool
		code int
	}{
		{TypeSingleChar, nil, false, 0},
		{TypeOrganization, nil, true, 0},
		{TypeOrganization, atBool(false), false, 0},
		{TypeUser, nil, true, 0},
		{TypeUser, atBool(false), true, 0},
		{TypeEnumMulti, nil, false, 0},
		{TypeEnumMulti, atBool(true), true, 0},
		{TypeEnumQuote, atBool(true), true, 0},
		{TypeObject, atBool(true), true, 0},
		{TypeSingleChar, atBool(false), false, 0},
	}
	for _, c := range cases {
		a := Attribute{Type: c.typ, IsMultiple: c.in}
		if err := CheckMultiple(&a); err != nil {
			t.Fatalf("%s: %v", c.typ, err)
		}
		if a.IsMultiple == nil || *a.IsMultiple != c.want {
			t.Fatalf("%s %v: ismultiple = %v", c.typ, c.in, a.IsMultiple)
		}
	}
	for _, typ := range []string{TypeSingleChar, TypeLongChar, TypeInt, TypeFloat, TypeEnum, TypeDate, TypeTime, TypeTimeZone, TypeBool, TypeList} {
		a := Attribute{Type: typ, IsMultiple: atBool(true)}
		err := CheckMultiple(&a)
		want := "'" + typ + "' field type not support is multiple, please set the parameter false"
		if err == nil || err.Code != 1199012 || err.Message(LangEN) != want {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	a := Attribute{Type: TypeInt, IsMultiple: atBool(true)}
	if got := CheckMultiple(&a).Message(LangZH); got != "'int' 数据类型不支持是否可多选，请将参数设置为false" {
		t.Fatalf("zh = %q", got)
	}
}

func TestDefaultValue(t *testing.T) {
	cases := []struct {
		name string
		attr Attribute
		want any
		code int
	}{
		{"singlechar none", atAttr(TypeSingleChar, ""), "", 0},
		{"singlechar default", atDefault(atAttr(TypeSingleChar, ""), `"x"`), "x", 0},
		{"longchar none", atAttr(TypeLongChar, ""), "", 0},
		{"enum default", atAttr(TypeEnum, atEnumOpt), "1", 0},
		{"enum none", atAttr(TypeEnum, `[{"id":"1","name":"A","type":"text"}]`), nil, 0},
		{"enum several", atAttr(TypeEnum, atEnumOpts(2, 2)), nil, 1199092},
		{"enum ignores default field", atDefault(atAttr(TypeEnum, `[]`), `"1"`), nil, 0},
		{"enummulti defaults", atAttr(TypeEnumMulti, atEnumOpts(3, 2)), []any{"ia", "ib"}, 0},
		{"enummulti none", atAttr(TypeEnumMulti, atEnumOpts(3, 0)), nil, 0},
		{"enumquote ids", atAttr(TypeEnumQuote, `[{"bk_obj_id":"x","bk_inst_id":3},{"bk_obj_id":"x","bk_inst_id":4}]`), []any{json.Number("3"), json.Number("4")}, 0},
		{"enumquote none", atAttr(TypeEnumQuote, `[]`), nil, 0},
		{"enumquote null", atAttr(TypeEnumQuote, ""), nil, 0},
		{"bool none", atAttr(TypeBool, ""), false, 0},
		{"bool default", atDefault(atAttr(TypeBool, ""), `true`), true, 0},
		{"int none", atAttr(TypeInt, `{}`), nil, 0},
		{"int default", atDefault(atAttr(TypeInt, `{}`), `5`), json.Number("5"), 0},
		{"float default", atDefault(atAttr(TypeFloat, ""), `1.5`), json.Number("1.5"), 0},
		{"date default", atDefault(atAttr(TypeDate, ""), `"2024-01-01"`), "2024-01-01", 0},
		{"time none", atAttr(TypeTime, ""), nil, 0},
		{"timezone default", atDefault(atAttr(TypeTimeZone, ""), `"UTC"`), "UTC", 0},
		{"objuser default", atDefault(atAttr(TypeUser, ""), `"admin"`), "admin", 0},
		{"list default", atDefault(atAttr(TypeList, `["a"]`), `"a"`), "a", 0},
		{"organization default", atDefault(atAttr(TypeOrganization, ""), `[1]`), []any{json.Number("1")}, 0},
		{"object", atDefault(atAttr(TypeObject, ""), `{"a":1}`), nil, 0},
		{"foreignkey", atDefault(atAttr(TypeForeignKey, ""), `1`), nil, 0},
		{"unknown", atDefault(atAttr("nope", ""), `1`), nil, 0},
	}
	for _, c := range cases {
		a := c.attr
		got, err := DefaultValue(&a)
		if c.code != 0 {
			if err == nil || err.Code != c.code {
				t.Fatalf("%s: err = %v, want %d", c.name, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Fatalf("%s: %#v, want %#v", c.name, got, c.want)
		}
	}
	// The default is copied.
	a := atDefault(atAttr(TypeOrganization, ""), `[1]`)
	got, _ := DefaultValue(&a)
	got.([]any)[0] = "changed"
	if !reflect.DeepEqual(a.Default, []any{json.Number("1")}) {
		t.Fatalf("default shared: %#v", a.Default)
	}
}

// The wrapped form create_inst answers for a bad value (errors.md §1).
func TestValidateValueWrapped(t *testing.T) {
	a := Attribute{PropertyID: "bk_inst_name", PropertyName: "实例名", Type: TypeSingleChar, IsRequired: true}
	_, inner := ValidateValue(&a, "  ")
	wrapped := Errorf(CodeParamsIsInvalid, inner)
	if got := wrapped.Message(LangEN); got != "''实例名' unassigned' the parameter is invalid or does not exist" {
		t.Fatalf("en = %q", got)
	}
	if got := wrapped.Message(LangZH); got != "''实例名' 未赋值' 参数无效或不存在" {
		t.Fatalf("zh = %q", got)
	}
}
