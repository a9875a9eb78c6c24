package cmdb

import (
	"reflect"
	"testing"
)

var atFuzzTypes = []string{
	TypeSingleChar, TypeLongChar, TypeInt, TypeFloat, TypeEnum, TypeEnumMulti,
	TypeEnumQuote, TypeDate, TypeTime, TypeTimeZone, TypeBool, TypeList, TypeUser,
	TypeOrganization, TypeObject, TypeTable, TypeInnerTable, TypeIDRule,
	TypeForeignKey, TypeSingleAsst, TypeMultiAsst, "user", "",
}

// FuzzValidateValue: random attribute (type, option, default, flags) and a
// random JSON value. Nothing may panic, and an accepted value must validate
// again to itself without error.
func FuzzValidateValue(f *testing.F) {
	seeds := []struct {
		typ           byte
		opt, def, val string
		flags         byte
	}{
		{0, `"^[a-z]+$"`, `"abc"`, `" abc "`, 0},
		{0, `""`, `null`, `"a##b"`, 8},
		{1, `"(a"`, `null`, `"x"`, 1},
		{2, `{"min":1,"max":"10"}`, `5`, `5.5`, 0},
		{2, `"{\"min\":1}"`, `1e3`, `-1`, 1},
		{3, `{"min":"-1.5","max":2.5}`, `"1"`, `"1.5"`, 0},
		{4, atEnumOpt, `null`, `"1"`, 0},
		{5, atEnumOpt, `null`, `["1","2"]`, 2},
		{5, atEnumOpt, `null`, `["1"]`, 4},
		{6, `[{"bk_obj_id":"x","bk_inst_id":1}]`, `null`, `[1,2]`, 2},
		{7, `null`, `"2024-01-01"`, `"2024-02-29"`, 0},
		{8, `null`, `null`, `"2024-05-01 10:00:00"`, 0},
		{8, `null`, `null`, `"2024-05-01T10:00:00.123456789+08:00"`, 0},
		{8, `null`, `null`, `"2024-13-45 99:99:99"`, 0},
		{9, `null`, `null`, `"Asia/Shanghai"`, 0},
		{10, `null`, `true`, `false`, 1},
		{11, `["a",1,"b"]`, `"a"`, `"b"`, 0},
		{12, `null`, `"admin"`, `"admin,bob"`, 2},
		{13, `null`, `[1]`, `[1,2]`, 2},
		{14, `null`, `null`, `{"a":[1,{"b":null}]}`, 0},
		{21, `null`, `null`, `"x"`, 0},
	}
	for _, s := range seeds {
		f.Add(s.typ, s.opt, s.def, s.val, s.flags)
	}
	f.Fuzz(func(t *testing.T, typ byte, opt, def, val string, flags byte) {
		a := Attribute{
			PropertyID:   "f",
			PropertyName: "Field",
			Type:         atFuzzTypes[int(typ)%len(atFuzzTypes)],
			IsRequired:   flags&1 != 0,
		}
		if flags&8 != 0 {
			a.PropertyID = "bk_set_name"
		}
		switch flags & 6 {
		case 2:
			a.IsMultiple = atBool(true)
		case 4:
			a.IsMultiple = atBool(false)
		}
		var o, d any
		if attrDecodeJSON(opt, &o) == nil {
			a.Option = o
		}
		if attrDecodeJSON(def, &d) == nil {
			a.Default = d
		}
		var v any
		if err := attrDecodeJSON(val, &v); err != nil {
			return
		}

		// The definition checks must not panic.
		for _, lang := range []Lang{LangEN, LangZH} {
			c := a
			if err := CheckAttributeOption(&c, lang); err != nil {
				_ = err.Message(lang)
			}
			if err := CheckAttributeCore(&c, lang); err != nil {
				_ = err.Message(lang)
			}
		}
		c := a
		_ = CheckMultiple(&c)
		if dv, err := DefaultValue(&a); err == nil {
			_, _ = ValidateValue(&a, dv)
		}

		got, err := ValidateValue(&a, v)
		if err != nil {
			if got != nil {
				t.Fatalf("value %#v returned with error %v", got, err)
			}
			_ = err.Message(LangEN)
			_ = err.Message(LangZH)
			return
		}
		again, err := ValidateValue(&a, got)
		if err != nil {
			t.Fatalf("%s option %#v: %#v -> %#v, re-validation failed: %v", a.Type, a.Option, v, got, err)
		}
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("%s: %#v -> %#v -> %#v", a.Type, v, got, again)
		}
	})
}
