// Instance-value validation per attribute type (models-and-instances.md §3.1).

package cmdb

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of instance values, in bytes after trimming (Go len, not runes).
const (
	attrSingleCharMaxLen = 256
	attrLongCharMaxLen   = 2000
	attrUserMaxLen       = 2000
)

// Layout of the first `time` shape and of `date` values.
const (
	attrTimeLayout = "2006-01-02 15:04:05"
	attrDateLayout = "2006-01-02"
)

var (
	attrTimeZoneRe   = regexp.MustCompile(`^[a-zA-Z0-9\-−_\/\+]+$`)
	attrUserRe       = regexp.MustCompile(`^(\d|[a-zA-Z])([a-zA-Z0-9\@.,_-])*$`)
	attrTimeShape1   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	attrTimeShape2   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	attrJSONNumRe    = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	attrNoDoubleHash = map[string]bool{"bk_biz_name": true, "bk_set_name": true, "bk_module_name": true}
)

// ValidateValue checks one instance value v against attribute a
// (models-and-instances.md §3.1) and returns the value to store.
//
// Error messages name the attribute by its display name (a.PropertyName,
// which the caller has already translated to the request language; the
// property id when the name is empty). A string v is trimmed first, whatever
// the type, and returned trimmed.
//
// Returned values:
//   - strings (singlechar, longchar, enum, date, timezone, list, objuser,
//     float given as a numeric string, an empty object "") trimmed;
//   - numbers as json.Number, verbatim as given (Go numeric inputs are
//     converted to json.Number); no canonicalisation, so that a value is
//     range-checked the same way when it is validated again;
//   - time: a time.Time in time.Local for both shapes ("YYYY-MM-DD hh:mm:ss"
//     read in the server's local zone; RFC3339 converted to local, keeping
//     its instant and full precision — the store truncates to milliseconds
//     if it wants MongoDB's precision). A string with the right shape but
//     digits out of range (month 13, hour 25…) passes — bk-cmdb checks the
//     shape only — and is returned as the trimmed string. A time.Time value
//     is accepted and returned unchanged (a stored value re-validates);
//   - enummulti, enumquote, organization: a new []any (ids as json.Number
//     for enumquote / organization);
//   - object: the map itself;
//   - null: nil.
//
// Types foreignkey, singleasst, multiasst, table, innertable and id_rule are
// not validated (v is returned as given, strings trimmed); an unknown type is
// 1199085.
func ValidateValue(a *Attribute, v any) (any, *Error) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
	}
	name := attrDisplayName(a)
	switch a.Type {
	case TypeSingleChar:
		return attrValidChar(a, v, name, attrSingleCharMaxLen)
	case TypeLongChar:
		return attrValidChar(a, v, name, attrLongCharMaxLen)
	case TypeInt:
		return attrValidInt(a, v, name)
	case TypeFloat:
		return attrValidFloat(a, v, name)
	case TypeEnum:
		return attrValidEnum(a, v, name)
	case TypeEnumMulti:
		return attrValidEnumMulti(a, v, name)
	case TypeEnumQuote:
		return attrValidEnumQuote(a, v, name)
	case TypeDate:
		return attrValidDate(a, v, name)
	case TypeTime:
		return attrValidTime(a, v, name)
	case TypeTimeZone:
		return attrValidTimeZone(a, v, name)
	case TypeBool:
		if v == nil {
			return attrNull(a, name)
		}
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, Errorf(CodeParamsNeedBool, name)
	case TypeList:
		return attrValidList(a, v, name)
	case TypeUser:
		return attrValidUser(a, v, name)
	case TypeOrganization:
		return attrValidOrganization(a, v, name)
	case TypeObject:
		return attrValidObject(a, v, name)
	case TypeForeignKey, TypeSingleAsst, TypeMultiAsst, TypeTable, TypeInnerTable, TypeIDRule:
		return v, nil
	}
	return nil, Errorf(CodeUnexpectedFieldType, a.Type)
}

// EnumQuoteIDs returns the instance ids held by an enumquote value that
// ValidateValue accepted (nil for null or anything else). The caller checks
// that each exists in the referenced model.
func EnumQuoteIDs(v any) []int64 {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	ids := make([]int64, 0, len(arr))
	for _, e := range arr {
		if n, ok := attrInteger(e); ok {
			ids = append(ids, n)
		}
	}
	return ids
}

// attrDisplayName is the `<name>` of value errors.
func attrDisplayName(a *Attribute) string {
	if a.PropertyName != "" {
		return a.PropertyName
	}
	return a.PropertyID
}

// attrNull answers a null (or empty) value: 1199010 when required.
func attrNull(a *Attribute, name string) (any, *Error) {
	if a.IsRequired {
		return nil, Errorf(CodeParamsNeedSet, name)
	}
	return nil, nil
}

// attrEmpty answers an empty string of a type where "" counts as empty.
func attrEmpty(a *Attribute, name string) (any, *Error) {
	if a.IsRequired {
		return nil, Errorf(CodeParamsNeedSet, name)
	}
	return "", nil
}

func attrValidChar(a *Attribute, v any, name string, max int) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsNeedString, name)
	}
	if len(s) > max {
		return nil, Errorf(CodeOverLimit, name)
	}
	if s == "" {
		return attrEmpty(a, name)
	}
	if attrNoDoubleHash[a.PropertyID] && strings.Contains(s, "##") {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if opt, ok := a.Option.(string); ok && opt != "" {
		re, err := attrRegexp(opt)
		if err != nil {
			return nil, Errorf(CodeParamsIsInvalid, name)
		}
		if !re.MatchString(s) {
			return nil, Errorf(CodeFieldRegValidFailed, name)
		}
	}
	return s, nil
}

func attrValidInt(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	n, ok := attrNumber(v)
	if !ok {
		return nil, Errorf(CodeParamsNeedInt, name)
	}
	b, ok := attrParseIntOption(a.Option)
	if !ok {
		return nil, Errorf(CodeParamsIsInvalid, name)
	}
	if x := attrIntOrZero(n); x < b.min || x > b.max {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	return n, nil
}

func attrValidFloat(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	var f float64
	var out any
	if n, ok := attrNumber(v); ok {
		f, _ = strconv.ParseFloat(string(n), 64)
		out = n
	} else if s, ok := v.(string); ok {
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return nil, Errorf(CodeParamsIsInvalid, name)
		}
		out = s
	} else {
		return nil, Errorf(CodeParamsIsInvalid, name)
	}
	b, ok := attrParseFloatOption(a.Option)
	if !ok {
		return nil, Errorf(CodeParamsIsInvalid, name)
	}
	if f < b.min || f > b.max {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	return out, nil
}

func attrValidEnum(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	opts, ok := attrParseEnum(a.Option)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	for _, o := range opts {
		if o.ID == s {
			return s, nil
		}
	}
	return nil, Errorf(CodeParamsInvalid, name)
}

// attrValidEnumMulti: non-array → 1199006; [] on a required attribute →
// 1199006; ismultiple null → 1199010; single choice and not exactly one id →
// 1199092 (so [] on a single-choice attribute is refused too: the spec's
// "exactly one id"); then every element must be a string naming an option
// (1199006).
func attrValidEnumMulti(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if len(arr) == 0 && a.IsRequired {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if a.IsMultiple == nil {
		return nil, Errorf(CodeParamsNeedSet, name)
	}
	if !*a.IsMultiple && len(arr) != 1 {
		return nil, Errorf(CodeParamsNeedSingleChoice)
	}
	out := make([]any, 0, len(arr))
	if len(arr) == 0 {
		return out, nil
	}
	opts, ok := attrParseEnum(a.Option)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	for _, e := range arr {
		s, ok := e.(string)
		if !ok || !attrEnumHas(opts, s) {
			return nil, Errorf(CodeParamsInvalid, name)
		}
		out = append(out, s)
	}
	return out, nil
}

// attrValidEnumQuote is the type check only: an array (1199006 otherwise;
// [] on a required attribute 1199006) of integer instance ids (a non-integer
// element is 1199006 too). Existence is the caller's (EnumQuoteIDs).
func attrValidEnumQuote(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if len(arr) == 0 && a.IsRequired {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	return attrIntegers(arr, name, CodeParamsInvalid)
}

func attrValidDate(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if s == "" {
		return attrEmpty(a, name)
	}
	if !attrIsDate(s) {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	return s, nil
}

func attrIsDate(s string) bool {
	_, err := time.Parse(attrDateLayout, s)
	return err == nil
}

func attrValidTime(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	if t, ok := v.(time.Time); ok {
		return t, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if s == "" {
		return attrEmpty(a, name)
	}
	switch {
	case attrTimeShape1.MatchString(s):
		if t, err := time.ParseInLocation(attrTimeLayout, s, time.Local); err == nil {
			return t, nil
		}
		return s, nil
	case attrTimeShape2.MatchString(s):
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.In(time.Local), nil
		}
		return s, nil
	}
	return nil, Errorf(CodeParamsInvalid, name)
}

// attrIsTimeShape reports whether s has one of the two `time` shapes.
func attrIsTimeShape(s string) bool {
	return attrTimeShape1.MatchString(s) || attrTimeShape2.MatchString(s)
}

func attrValidTimeZone(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok || !attrTimeZoneRe.MatchString(s) {
		return nil, Errorf(CodeParamsNeedTimeZone, name)
	}
	return s, nil
}

func attrValidList(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	opts, ok := a.Option.([]any)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	for _, e := range opts {
		es, ok := e.(string)
		if !ok {
			return nil, Errorf(CodeParseAttrOptionListFailed)
		}
		if es == s {
			return s, nil
		}
	}
	return nil, Errorf(CodeParamsInvalid, name)
}

// attrValidUser checks, in this order: non-string 1199007, too long 1199015,
// empty (1199010 when required), ismultiple null 1199010, several names when
// single 1199006, pattern 1199016.
func attrValidUser(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(CodeParamsNeedString, name)
	}
	if len(s) > attrUserMaxLen {
		return nil, Errorf(CodeOverLimit, name)
	}
	if s == "" {
		return attrEmpty(a, name)
	}
	if a.IsMultiple == nil {
		return nil, Errorf(CodeParamsNeedSet, name)
	}
	if !*a.IsMultiple && strings.Contains(s, ",") {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if !attrUserRe.MatchString(s) {
		return nil, Errorf(CodeFieldRegValidFailed, name)
	}
	return s, nil
}

// attrValidOrganization: non-array 1199006; [] on a required attribute
// 1199006; ismultiple null 1199010; several ids when single 1199006; an
// element that is not a JSON integer 1199011.
func attrValidOrganization(a *Attribute, v any, name string) (any, *Error) {
	if v == nil {
		return attrNull(a, name)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	if len(arr) == 0 {
		if a.IsRequired {
			return nil, Errorf(CodeParamsInvalid, name)
		}
		return []any{}, nil
	}
	if a.IsMultiple == nil {
		return nil, Errorf(CodeParamsNeedSet, name)
	}
	if !*a.IsMultiple && len(arr) > 1 {
		return nil, Errorf(CodeParamsInvalid, name)
	}
	return attrIntegers(arr, name, CodeParamsIsInvalid)
}

// attrIntegers checks that every element of arr is a JSON integer (code on
// the first that is not) and returns them as json.Number.
func attrIntegers(arr []any, name string, code int) (any, *Error) {
	out := make([]any, 0, len(arr))
	for _, e := range arr {
		n, ok := attrNumber(e)
		if !ok {
			return nil, Errorf(code, name)
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			return nil, Errorf(code, name)
		}
		out = append(out, n)
	}
	return out, nil
}

func attrValidObject(a *Attribute, v any, name string) (any, *Error) {
	switch x := v.(type) {
	case nil:
		return attrNull(a, name)
	case string:
		if x == "" {
			return attrEmpty(a, name)
		}
	case map[string]any:
		return x, nil
	}
	return nil, Errorf(CodeParamsInvalid, name)
}

// attrNumber returns v as a json.Number when it is a JSON number (a valid
// json.Number, or a Go integer / finite float). Numbers beyond float64's
// range are not numbers.
func attrNumber(v any) (json.Number, bool) {
	switch n := v.(type) {
	case json.Number:
		if !attrJSONNumRe.MatchString(string(n)) {
			return "", false
		}
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			return "", false
		}
		return n, true
	case int:
		return json.Number(strconv.FormatInt(int64(n), 10)), true
	case int8:
		return json.Number(strconv.FormatInt(int64(n), 10)), true
	case int16:
		return json.Number(strconv.FormatInt(int64(n), 10)), true
	case int32:
		return json.Number(strconv.FormatInt(int64(n), 10)), true
	case int64:
		return json.Number(strconv.FormatInt(n, 10)), true
	case uint:
		return json.Number(strconv.FormatUint(uint64(n), 10)), true
	case uint8:
		return json.Number(strconv.FormatUint(uint64(n), 10)), true
	case uint16:
		return json.Number(strconv.FormatUint(uint64(n), 10)), true
	case uint32:
		return json.Number(strconv.FormatUint(uint64(n), 10)), true
	case uint64:
		return json.Number(strconv.FormatUint(n, 10)), true
	case float32:
		return attrFloatNumber(float64(n))
	case float64:
		return attrFloatNumber(n)
	}
	return "", false
}

func attrFloatNumber(f float64) (json.Number, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

// attrIntOrZero is the int quirk: a number that does not parse as an int64
// (fraction, exponent, beyond int64) is range-checked as 0.
func attrIntOrZero(n json.Number) int64 {
	x, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0
	}
	return x
}

// attrInteger returns v as an int64 when it is a JSON integer.
func attrInteger(v any) (int64, bool) {
	n, ok := attrNumber(v)
	if !ok {
		return 0, false
	}
	x, err := strconv.ParseInt(string(n), 10, 64)
	return x, err == nil
}

// attrIntBounds are the bounds of an int option (full int64 range when a
// bound is absent).
type attrIntBounds struct{ min, max int64 }

// attrParseIntOption reads an int option: null or "" → no bounds; an
// object (or a string holding a JSON object) with optional min / max, each
// a number or numeric string (absent, null or "" = the int64 limit).
// Anything else, or a bound that is not an integer, fails.
func attrParseIntOption(opt any) (attrIntBounds, bool) {
	b := attrIntBounds{math.MinInt64, math.MaxInt64}
	m, ok := attrOptionObject(opt)
	if !ok {
		return b, false
	}
	for key, dst := range map[string]*int64{"min": &b.min, "max": &b.max} {
		s, present, ok := attrBoundText(m[key])
		if !ok {
			return b, false
		}
		if !present {
			continue
		}
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return b, false
		}
		*dst = x
	}
	return b, true
}

// attrFloatBounds are the bounds of a float option.
type attrFloatBounds struct{ min, max float64 }

// attrParseFloatOption reads a float option like attrParseIntOption, with
// float bounds (absent = ±MaxFloat64).
func attrParseFloatOption(opt any) (attrFloatBounds, bool) {
	b := attrFloatBounds{-math.MaxFloat64, math.MaxFloat64}
	m, ok := attrOptionObject(opt)
	if !ok {
		return b, false
	}
	for key, dst := range map[string]*float64{"min": &b.min, "max": &b.max} {
		s, present, ok := attrBoundText(m[key])
		if !ok {
			return b, false
		}
		if !present {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return b, false
		}
		*dst = x
	}
	return b, true
}

// attrOptionObject returns the min/max object of an int/float option (nil
// map = no bounds).
func attrOptionObject(opt any) (map[string]any, bool) {
	switch o := opt.(type) {
	case nil:
		return nil, true
	case map[string]any:
		return o, true
	case string:
		if o == "" {
			return nil, true
		}
		var m map[string]any
		if attrDecodeJSON(o, &m) != nil || m == nil {
			return nil, false
		}
		return m, true
	}
	return nil, false
}

// attrBoundText returns the text of one bound: present false for absent,
// null or ""; ok false for a value that is neither a number nor a string.
func attrBoundText(v any) (s string, present, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false, true
	case string:
		return x, x != "", true
	}
	if n, isNum := attrNumber(v); isNum {
		return string(n), true, true
	}
	return "", false, false
}

func attrDecodeJSON(s string, dst any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(dst)
}

// attrEnumOption is one element of an enum / enummulti option.
type attrEnumOption struct {
	ID, Name, Type string
	IsDefault      bool
}

// attrParseEnum reads an enum option leniently (as values are checked):
// null or "" → no options; an array (or a string holding a JSON array) of
// objects, non-string id/name/type read as "", is_default true only for a
// JSON true. Anything else fails.
func attrParseEnum(opt any) ([]attrEnumOption, bool) {
	switch o := opt.(type) {
	case nil:
		return nil, true
	case string:
		if o == "" {
			return nil, true
		}
		var arr []any
		if attrDecodeJSON(o, &arr) != nil {
			return nil, false
		}
		return attrParseEnum(arr)
	case []any:
		out := make([]attrEnumOption, 0, len(o))
		for _, e := range o {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			var eo attrEnumOption
			eo.ID, _ = m["id"].(string)
			eo.Name, _ = m["name"].(string)
			eo.Type, _ = m["type"].(string)
			eo.IsDefault, _ = m["is_default"].(bool)
			out = append(out, eo)
		}
		return out, true
	}
	return nil, false
}

func attrEnumHas(opts []attrEnumOption, id string) bool {
	for _, o := range opts {
		if o.ID == id {
			return true
		}
	}
	return false
}

// attrRegexCache keeps compiled option regexes (they come from stored
// attributes, so the set is small; it is reset if it ever grows large).
var attrRegexCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

func attrRegexp(expr string) (*regexp.Regexp, error) {
	attrRegexCache.Lock()
	re, ok := attrRegexCache.m[expr]
	attrRegexCache.Unlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	attrRegexCache.Lock()
	if attrRegexCache.m == nil || len(attrRegexCache.m) >= 1024 {
		attrRegexCache.m = make(map[string]*regexp.Regexp)
	}
	attrRegexCache.m[expr] = re
	attrRegexCache.Unlock()
	return re, nil
}
