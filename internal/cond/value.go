package cond

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// class is MongoDB's type bracket: values compare only within one class.
type class uint8

const (
	clsOther class = iota
	clsNull
	clsNumber
	clsString
	clsObject
	clsArray
	clsBool
	clsDate
)

func classOf(v any) class {
	switch x := v.(type) {
	case nil:
		return clsNull
	case string:
		return clsString
	case bool:
		return clsBool
	case map[string]any:
		return clsObject
	case []any:
		return clsArray
	case time.Time:
		return clsDate
	case json.Number:
		if _, ok := parseNumber(x); ok {
			return clsNumber
		}
		return clsOther
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return clsNumber
	}
	return clsOther
}

// number is an exact view of a numeric value: an int64 when the value is an
// integer that fits, else a float64.
type number struct {
	isInt bool
	i     int64
	f     float64
}

func parseNumber(s json.Number) (number, bool) {
	if i, err := strconv.ParseInt(string(s), 10, 64); err == nil {
		return number{isInt: true, i: i}, true
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		// A syntactically valid literal out of float64 range parses to
		// ±Inf with a range error; keep it (MongoDB has infinities too).
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return number{}, false
		}
	}
	return number{f: f}, true
}

// toNumber converts any numeric Go value (json.Number included).
func toNumber(v any) (number, bool) {
	switch x := v.(type) {
	case json.Number:
		return parseNumber(x)
	case int:
		return number{isInt: true, i: int64(x)}, true
	case int8:
		return number{isInt: true, i: int64(x)}, true
	case int16:
		return number{isInt: true, i: int64(x)}, true
	case int32:
		return number{isInt: true, i: int64(x)}, true
	case int64:
		return number{isInt: true, i: x}, true
	case uint:
		return fromUint(uint64(x)), true
	case uint8:
		return number{isInt: true, i: int64(x)}, true
	case uint16:
		return number{isInt: true, i: int64(x)}, true
	case uint32:
		return number{isInt: true, i: int64(x)}, true
	case uint64:
		return fromUint(x), true
	case float32:
		return number{f: float64(x)}, true
	case float64:
		return number{f: x}, true
	}
	return number{}, false
}

func fromUint(u uint64) number {
	if u <= math.MaxInt64 {
		return number{isInt: true, i: int64(u)}
	}
	return number{f: float64(u)}
}

// twoTo63 is 2^63 as a float64 (exactly representable).
const twoTo63 = 9223372036854775808.0

// cmpIntFloat compares an int64 with a float64 exactly. NaN sorts below
// every number (MongoDB's order).
func cmpIntFloat(i int64, f float64) int {
	if math.IsNaN(f) {
		return 1
	}
	if f >= twoTo63 {
		return -1
	}
	if f < -twoTo63 {
		return 1
	}
	t := math.Trunc(f)
	ti := int64(t)
	switch {
	case i < ti:
		return -1
	case i > ti:
		return 1
	}
	switch frac := f - t; {
	case frac > 0:
		return -1
	case frac < 0:
		return 1
	}
	return 0
}

func cmpNumber(a, b number) int {
	switch {
	case a.isInt && b.isInt:
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	case a.isInt:
		return cmpIntFloat(a.i, b.f)
	case b.isInt:
		return -cmpIntFloat(b.i, a.f)
	}
	an, bn := math.IsNaN(a.f), math.IsNaN(b.f)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	case a.f < b.f:
		return -1
	case a.f > b.f:
		return 1
	}
	return 0
}

// integral reports whether n is an integer representable as int64 and
// returns it.
func (n number) integral() (int64, bool) {
	if n.isInt {
		return n.i, true
	}
	if math.IsNaN(n.f) || math.IsInf(n.f, 0) || n.f != math.Trunc(n.f) || n.f >= twoTo63 || n.f < -twoTo63 {
		return 0, false
	}
	return int64(n.f), true
}

// compareSame compares two scalars of the same class (number, string, bool,
// date). ok is false when the classes differ or are not comparable.
func compareSame(a, b any) (int, bool) {
	ca, cb := classOf(a), classOf(b)
	if ca != cb {
		return 0, false
	}
	switch ca {
	case clsNumber:
		na, _ := toNumber(a)
		nb, _ := toNumber(b)
		return cmpNumber(na, nb), true
	case clsString:
		sa, sb := a.(string), b.(string)
		switch {
		case sa < sb:
			return -1, true
		case sa > sb:
			return 1, true
		}
		return 0, true
	case clsBool:
		ba, bb := a.(bool), b.(bool)
		switch {
		case ba == bb:
			return 0, true
		case !ba:
			return -1, true
		}
		return 1, true
	case clsDate:
		ta, tb := a.(time.Time), b.(time.Time)
		return ta.Compare(tb), true
	}
	return 0, false
}

// equalValues is MongoDB's equality of two values: numbers by value across
// representations, arrays element-wise in order, objects with the same keys
// and equal values (key order is not compared: decoded JSON has none).
func equalValues(a, b any) bool {
	ca, cb := classOf(a), classOf(b)
	if ca != cb {
		return false
	}
	switch ca {
	case clsNull:
		return true
	case clsNumber, clsString, clsBool, clsDate:
		c, ok := compareSame(a, b)
		return ok && c == 0
	case clsArray:
		xa, xb := a.([]any), b.([]any)
		if len(xa) != len(xb) {
			return false
		}
		for i := range xa {
			if !equalValues(xa[i], xb[i]) {
				return false
			}
		}
		return true
	case clsObject:
		ma, mb := a.(map[string]any), b.(map[string]any)
		if len(ma) != len(mb) {
			return false
		}
		for k, va := range ma {
			vb, ok := mb[k]
			if !ok || !equalValues(va, vb) {
				return false
			}
		}
		return true
	}
	return false
}

// numberValue renders a finite float64 as encoding/json does.
func numberValue(f float64) json.Number {
	bs, err := json.Marshal(f)
	if err != nil {
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return json.Number(bs)
}
