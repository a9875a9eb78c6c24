// Attribute definition checks (create_object_attribute, models-and-instances.md
// §3.3 checks 6, 9 and the type part of 11) and the create_inst default fill
// (§4.1).

package cmdb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of attribute options (runes).
const (
	attrOptionArrayMax     = 200  // elements of an enum / list option
	attrOptionValueMax     = 128  // runes of an enum id / name, of a list element
	attrOptionStringMax    = 2000 // runes of a string (regex) option
	attrLabelOptionRegex   = "model_attr_option_regex"
	attrTextNotNumeric     = "not numeric"
	attrTextIntOverLimit   = "int type field default value over limit"
	attrTextFloatOverLimit = "float type field default value over limit"
)

// attrSingleValueTypes may not be ismultiple (1199012).
var attrSingleValueTypes = map[string]bool{
	TypeSingleChar: true, TypeLongChar: true, TypeInt: true, TypeFloat: true,
	TypeEnum: true, TypeDate: true, TypeTime: true, TypeTimeZone: true,
	TypeBool: true, TypeList: true,
}

// attrCreatableTypes are the bk_property_type values create_object_attribute
// accepts. cmdb refuses the legacy association types (foreignkey,
// singleasst, multiasst) and the out-of-scope table / innertable / id_rule.
var attrCreatableTypes = map[string]bool{
	TypeSingleChar: true, TypeLongChar: true, TypeInt: true, TypeFloat: true,
	TypeEnum: true, TypeEnumMulti: true, TypeEnumQuote: true, TypeDate: true,
	TypeTime: true, TypeTimeZone: true, TypeBool: true, TypeList: true,
	TypeUser: true, TypeOrganization: true, TypeObject: true,
}

// CreatableType reports whether create_object_attribute accepts the type.
func CreatableType(t string) bool { return attrCreatableTypes[t] }

// CheckMultiple applies the ismultiple rules of create_object_attribute to
// a: an absent ismultiple becomes false (true for organization); true on a
// single-value type (singlechar, longchar, int, float, enum, date, time,
// timezone, bool, list) → 1199012 '<type>'; objuser is then forced true.
// a.IsMultiple is set (to a new pointer) as a side effect.
func CheckMultiple(a *Attribute) *Error {
	if a.IsMultiple == nil {
		m := a.Type == TypeOrganization
		a.IsMultiple = &m
	}
	if *a.IsMultiple && attrSingleValueTypes[a.Type] {
		return Errorf(CodeFieldTypeNotSupportMultiple, a.Type)
	}
	if a.Type == TypeUser {
		t := true
		a.IsMultiple = &t
	}
	return nil
}

// CheckAttributeOption is create_object_attribute check 9: the option (and,
// for int, list, singlechar and longchar, the default) of the types int,
// enum, enummulti, list, singlechar and longchar. Other types pass. An
// absent ismultiple counts as false.
func CheckAttributeOption(a *Attribute, lang Lang) *Error {
	_ = lang // no label in check 9's messages; kept for symmetry with check 11
	switch a.Type {
	case TypeInt:
		return attrCheckIntOption(a)
	case TypeEnum, TypeEnumMulti:
		return attrCheckEnumOption(a)
	case TypeList:
		return attrCheckListOption(a)
	case TypeSingleChar, TypeLongChar:
		return attrCheckStringOption(a)
	}
	return nil
}

func attrCheckIntOption(a *Attribute) *Error {
	if a.Option == nil {
		return Errorf(CodeParamsLostField, "option")
	}
	b, ok := attrParseIntOption(a.Option)
	if !ok || b.min > b.max {
		return Errorf(CodeParamsIsInvalid, "option")
	}
	if a.Default == nil {
		return nil
	}
	n, ok := attrNumber(a.Default)
	if !ok {
		return ErrText(CodeUnknownOrUnrecognizedError, attrTextNotNumeric)
	}
	if x := attrIntOrZero(n); x < b.min || x > b.max {
		return ErrText(CodeUnknownOrUnrecognizedError, attrTextIntOverLimit)
	}
	return nil
}

// attrCheckEnumOption checks, element by element: an object with keys id,
// name and type (id and name strings) else 1199011 'option'; empty id
// 1199010 'option id'; id >128 runes 1199073 'option id'; empty name
// 1199010 'option name'; name >128 runes 1199073 'option name'; type not
// "text" 1199011 'option type'. The element count (>200) is checked first,
// the single-choice default count (1199092) last.
func attrCheckEnumOption(a *Attribute) *Error {
	if a.Option == nil {
		return Errorf(CodeParamsLostField, "option")
	}
	arr, ok := a.Option.([]any)
	if !ok {
		return Errorf(CodeParamsIsInvalid, "option")
	}
	if len(arr) > attrOptionArrayMax {
		return Errorf(CodeValExceedMaxFailed, "option", attrOptionArrayMax)
	}
	defaults := 0
	for _, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return Errorf(CodeParamsIsInvalid, "option")
		}
		idv, okID := m["id"]
		namev, okName := m["name"]
		typev, okType := m["type"]
		if !okID || !okName || !okType {
			return Errorf(CodeParamsIsInvalid, "option")
		}
		id, okID := idv.(string)
		name, okName := namev.(string)
		if !okID || !okName {
			return Errorf(CodeParamsIsInvalid, "option")
		}
		if id == "" {
			return Errorf(CodeParamsNeedSet, "option id")
		}
		if utf8.RuneCountInString(id) > attrOptionValueMax {
			return Errorf(CodeValExceedMaxFailed, "option id", attrOptionValueMax)
		}
		if name == "" {
			return Errorf(CodeParamsNeedSet, "option name")
		}
		if utf8.RuneCountInString(name) > attrOptionValueMax {
			return Errorf(CodeValExceedMaxFailed, "option name", attrOptionValueMax)
		}
		if t, _ := typev.(string); t != "text" {
			return Errorf(CodeParamsIsInvalid, "option type")
		}
		if d, _ := m["is_default"].(bool); d {
			defaults++
		}
	}
	if (a.IsMultiple == nil || !*a.IsMultiple) && defaults != 1 {
		return Errorf(CodeParamsNeedSingleChoice)
	}
	return nil
}

func attrCheckListOption(a *Attribute) *Error {
	if a.Option == nil {
		return Errorf(CodeParamsLostField, "option")
	}
	arr, ok := a.Option.([]any)
	if !ok {
		return Errorf(CodeParamsIsInvalid, "option")
	}
	if len(arr) > attrOptionArrayMax {
		return Errorf(CodeValExceedMaxFailed, "option", attrOptionArrayMax)
	}
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			return Errorf(CodeParamsIsInvalid, "option")
		}
		if utf8.RuneCountInString(s) > attrOptionValueMax {
			return Errorf(CodeValExceedMaxFailed, "option", attrOptionValueMax)
		}
	}
	if a.Default == nil {
		return nil
	}
	if d, ok := a.Default.(string); ok {
		for _, e := range arr {
			if e == d {
				return nil
			}
		}
	}
	return Errorf(CodeParamsIsInvalid, "list default value")
}

// attrCheckStringOption: a null option is no regex; a non-string option is
// 1199090 (with the EXTRA arg "option"); a string that does not compile is
// 1101109 (EXTRA "regular is wrong"); a default that is not a string or does
// not match the regex is 1199011 'string default value'.
func attrCheckStringOption(a *Attribute) *Error {
	var expr string
	if a.Option != nil {
		s, ok := a.Option.(string)
		if !ok {
			return Errorf(CodeIllegalRegularExpression, "option")
		}
		expr = s
	}
	var match func(string) bool
	if expr != "" {
		re, err := attrRegexp(expr)
		if err != nil {
			return Errorf(CodeCheckRegularFailed, "regular is wrong")
		}
		match = re.MatchString
	}
	if a.Default == nil {
		return nil
	}
	d, ok := a.Default.(string)
	if !ok || (match != nil && !match(d)) {
		return Errorf(CodeParamsIsInvalid, "string default value")
	}
	return nil
}

// CheckAttributeCore is the type part of create_object_attribute check 11,
// in its order: an unknown bk_property_type (CreatableType) → 1199011
// 'bk_property_type'; a default that does not fit the type — objuser /
// organization 1199011 'default'; date, time, timezone, bool, float 1199999
// '<reason>' Internal Server Error; then a string option longer than 2000
// runes → 1199073 with the request-language label of model_attr_option_regex
// (en `Regex field exceeds maximum value %!s(int=2000)`). The caller runs the
// check-11 steps before it (bk_property_id, placeholder, unit…) first and
// the duplicate-name check after it.
func CheckAttributeCore(a *Attribute, lang Lang) *Error {
	if !CreatableType(a.Type) {
		return Errorf(CodeParamsIsInvalid, "bk_property_type")
	}
	if err := attrCheckDefaultFits(a); err != nil {
		return err
	}
	if s, ok := a.Option.(string); ok && utf8.RuneCountInString(s) > attrOptionStringMax {
		label := attrLabelOptionRegex
		if t, ok := LangText(lang, attrLabelOptionRegex); ok {
			label = t
		}
		return Errorf(CodeValExceedMaxFailed, label, attrOptionStringMax)
	}
	return nil
}

// attrCheckDefaultFits checks a non-null default of objuser, organization,
// date, time, timezone, bool and float. The 1199999 reason texts follow
// the one verified example ("date default value is not date type, type:
// string"); <type> is the Go type bk-cmdb would see (a JSON number decodes
// to float64 there).
func attrCheckDefaultFits(a *Attribute) *Error {
	d := a.Default
	if d == nil {
		return nil
	}
	switch a.Type {
	case TypeUser:
		s, ok := d.(string)
		if !ok {
			return Errorf(CodeParamsIsInvalid, "default")
		}
		s = strings.TrimSpace(s)
		if s != "" && (len(s) > attrUserMaxLen || !attrUserRe.MatchString(s)) {
			return Errorf(CodeParamsIsInvalid, "default")
		}
	case TypeOrganization:
		arr, ok := d.([]any)
		if !ok || (a.IsMultiple != nil && !*a.IsMultiple && len(arr) > 1) {
			return Errorf(CodeParamsIsInvalid, "default")
		}
		for _, e := range arr {
			if _, ok := attrInteger(e); !ok {
				return Errorf(CodeParamsIsInvalid, "default")
			}
		}
	case TypeDate:
		if s, ok := d.(string); !ok || !attrIsDate(s) {
			return attrDefaultTypeErr("date", d)
		}
	case TypeTime:
		if s, ok := d.(string); !ok || !attrIsTimeShape(s) {
			return attrDefaultTypeErr("time", d)
		}
	case TypeTimeZone:
		if s, ok := d.(string); !ok || !attrTimeZoneRe.MatchString(s) {
			return attrDefaultTypeErr("timezone", d)
		}
	case TypeBool:
		if _, ok := d.(bool); !ok {
			return attrDefaultTypeErr("bool", d)
		}
	case TypeFloat:
		n, ok := attrNumber(d)
		if !ok {
			return attrDefaultTypeErr("float", d)
		}
		if b, ok := attrParseFloatOption(a.Option); ok {
			f, _ := strconv.ParseFloat(string(n), 64)
			if f < b.min || f > b.max {
				return Errorf(CodeInternalServerError, attrTextFloatOverLimit)
			}
		}
	}
	return nil
}

func attrDefaultTypeErr(typ string, v any) *Error {
	return Errorf(CodeInternalServerError,
		fmt.Sprintf("%s default value is not %s type, type: %s", typ, typ, attrGoTypeName(v)))
}

// attrGoTypeName is the Go type bk-cmdb's plain JSON decoding gives v.
func attrGoTypeName(v any) string {
	if _, ok := v.(json.Number); ok {
		return "float64"
	}
	return fmt.Sprintf("%T", v)
}

// DefaultValue is the value create_inst fills in for an attribute missing
// from the body (§4.1): singlechar/longchar → default or ""; enum → the id
// of the one option with is_default, nil when none (several → 1199092, which
// the caller wraps in 1199011 like any value error); enummulti → all default
// option ids, nil when none; enumquote → all option bk_inst_ids, nil when
// none; bool → default or false; int, float, date, time, timezone, objuser,
// list, organization → default or nil; other types nil. An option that
// cannot be read gives nil. The default is copied, never shared.
func DefaultValue(a *Attribute) (any, *Error) {
	switch a.Type {
	case TypeSingleChar, TypeLongChar:
		if a.Default == nil {
			return "", nil
		}
		return attrCopy(a.Default), nil
	case TypeEnum:
		opts, ok := attrParseEnum(a.Option)
		if !ok {
			return nil, nil
		}
		var id any
		found := false
		for _, o := range opts {
			if o.IsDefault {
				if found {
					return nil, Errorf(CodeParamsNeedSingleChoice)
				}
				id, found = o.ID, true
			}
		}
		return id, nil
	case TypeEnumMulti:
		opts, ok := attrParseEnum(a.Option)
		if !ok {
			return nil, nil
		}
		var ids []any
		for _, o := range opts {
			if o.IsDefault {
				ids = append(ids, o.ID)
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		return ids, nil
	case TypeEnumQuote:
		arr, ok := a.Option.([]any)
		if !ok {
			return nil, nil
		}
		var ids []any
		for _, e := range arr {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, nil
			}
			n, ok := attrNumber(m["bk_inst_id"])
			if !ok {
				return nil, nil
			}
			if _, ok := attrInteger(n); !ok {
				return nil, nil
			}
			ids = append(ids, n)
		}
		if len(ids) == 0 {
			return nil, nil
		}
		return ids, nil
	case TypeBool:
		if a.Default == nil {
			return false, nil
		}
		return attrCopy(a.Default), nil
	case TypeInt, TypeFloat, TypeDate, TypeTime, TypeTimeZone, TypeUser, TypeList, TypeOrganization:
		return attrCopy(a.Default), nil
	}
	return nil, nil
}

// attrCopy deep-copies a JSON value.
func attrCopy(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = attrCopy(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = attrCopy(e)
		}
		return out
	}
	return v
}
