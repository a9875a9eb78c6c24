package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// instModel is what the instance rules need to know about one model: its
// attributes as the caller sees them (display names translated to the
// request language, for messages), which fields hold dates, and its unique
// rules.
type instModel struct {
	objID   string
	idField string
	obj     *cmdb.Object // nil when the model does not exist
	attrs   []cmdb.Attribute
	byID    map[string]*cmdb.Attribute
	dates   map[string]bool
	scalar  map[string]bool
	rules   []cmdb.UniqueRule
}

// arrayTypes are the attribute types whose values are arrays.
var arrayTypes = map[string]bool{
	cmdb.TypeEnumMulti: true, cmdb.TypeEnumQuote: true, cmdb.TypeOrganization: true,
}

// recordedFields are set by the server on every write.
var recordedFields = map[string]bool{
	"bk_created_at": true, "bk_created_by": true, "bk_updated_at": true, "bk_updated_by": true,
}

// loadInstModel reads model objID as caller c sees it. A missing model gives
// an instModel with obj nil (no attributes, system dates only).
func loadInstModel(tx cmdb.Tx, c Caller, objID string) (*instModel, error) {
	m := &instModel{objID: objID, idField: cmdb.InstIDField(objID), byID: map[string]*cmdb.Attribute{},
		dates: map[string]bool{}, scalar: map[string]bool{}}
	for f := range cmdb.InstanceTimeFields {
		m.dates[f] = true
		m.scalar[f] = true
	}
	obj, err := findObject(tx, c, objID)
	if err != nil {
		return nil, err
	}
	m.obj = obj
	if obj == nil {
		return m, nil
	}
	attrs, err := tx.Attributes(objID)
	if err != nil {
		return nil, err
	}
	for _, a := range attrs {
		if !visible(a.Supplier, c.Supplier) || a.BizID != 0 {
			continue
		}
		if cmdb.AttributeIsTranslated(&a) {
			a.PropertyName = cmdb.AttributeReadName(c.Lang, a.ObjID, a.PropertyID, a.PropertyName)
		}
		m.attrs = append(m.attrs, a)
	}
	for i := range m.attrs {
		a := &m.attrs[i]
		m.byID[a.PropertyID] = a
		if a.Type == cmdb.TypeTime {
			m.dates[a.PropertyID] = true
		}
		switch a.Type {
		case cmdb.TypeSingleChar, cmdb.TypeLongChar, cmdb.TypeInt, cmdb.TypeFloat, cmdb.TypeEnum,
			cmdb.TypeDate, cmdb.TypeTime, cmdb.TypeTimeZone, cmdb.TypeBool, cmdb.TypeList, cmdb.TypeUser:
			m.scalar[a.PropertyID] = true
		}
	}
	rules, err := tx.UniqueRules(objID)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if visible(r.Supplier, c.Supplier) {
			m.rules = append(m.rules, r)
		}
	}
	sort.Slice(m.rules, func(i, j int) bool { return m.rules[i].ID < m.rules[j].ID })
	return m, nil
}

// isMainline reports whether objID is a mainline level: the built-in chain
// or a model in a bk_mainline model association.
func isMainline(tx cmdb.Tx, objID string) (bool, error) {
	if cmdb.MainlineModels[objID] {
		return true, nil
	}
	assts, err := tx.ObjAssts()
	if err != nil {
		return false, err
	}
	for _, a := range assts {
		if a.AsstID == "bk_mainline" && (a.ObjID == objID || a.AsstObjID == objID) {
			return true, nil
		}
	}
	return false, nil
}

// storedValue turns a validated value into its stored JSON form: dates as
// instance time text (millisecond precision, local offset).
func storedValue(v any) any {
	if t, ok := v.(time.Time); ok {
		return cmdb.FormatInstanceTime(t)
	}
	return v
}

// matchDoc is the document a condition is evaluated on: the stored
// instance with its date fields as time.Time (MongoDB stores them as dates,
// so that a date never equals its text).
func (m *instModel) matchDoc(data cmdb.Instance) map[string]any {
	doc := make(map[string]any, len(data))
	for k, v := range data {
		if m.dates[k] {
			if t, ok := cmdb.ParseInstanceTime(v); ok {
				v = t
			}
		}
		doc[k] = v
	}
	return doc
}

// index is the value index of an instance of the model.
func (m *instModel) index(data cmdb.Instance) []cmdb.IndexValue {
	return cmdb.IndexInstance(m.objID, data, m.dates)
}

// uniqueKeys are the unique-rule keys of data: one per rule whose key
// fields are all set (a missing, null or empty value leaves the instance
// out of the rule, as MongoDB's partial unique indexes do).
func (m *instModel) uniqueKeys(data cmdb.Instance) []cmdb.UniqueKey {
	var out []cmdb.UniqueKey
	for _, r := range m.rules {
		if len(r.Keys) == 0 {
			continue
		}
		var b strings.Builder
		complete := true
		for _, k := range r.Keys {
			v, ok := data[k]
			if !ok || isEmptyValue(v) {
				complete = false
				break
			}
			canonicalValue(&b, v, m.dates[k])
			b.WriteByte(0)
		}
		if !complete {
			continue
		}
		sum := sha256.Sum256([]byte(b.String()))
		out = append(out, cmdb.UniqueKey{RuleID: r.ID, Hash: hex.EncodeToString(sum[:])})
	}
	return out
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// canonicalValue writes a type-tagged form of v in which values MongoDB
// holds equal are equal (1 and 1.0, key order of objects).
func canonicalValue(b *strings.Builder, v any, date bool) {
	if date {
		if t, ok := cmdb.ParseInstanceTime(v); ok {
			b.WriteString("d:" + strconv.FormatInt(t.UnixMilli(), 10))
			return
		}
	}
	switch x := v.(type) {
	case string:
		b.WriteString("s:")
		b.WriteString(strconv.Quote(x))
		return
	case bool:
		b.WriteString("b:" + strconv.FormatBool(x))
		return
	case []any:
		b.WriteString("a:[")
		for _, e := range x {
			canonicalValue(b, e, false)
			b.WriteByte(',')
		}
		b.WriteByte(']')
		return
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("o:{")
		for _, k := range keys {
			b.WriteString(strconv.Quote(k) + ":")
			canonicalValue(b, x[k], false)
			b.WriteByte(',')
		}
		b.WriteByte('}')
		return
	case nil:
		b.WriteString("null")
		return
	}
	if n, ok := cmdb.IndexNumber(v); ok {
		switch y := n.(type) {
		case int64:
			b.WriteString("n:" + strconv.FormatInt(y, 10))
		case float64:
			if y == math.Trunc(y) && math.Abs(y) < 9.2e18 {
				b.WriteString("n:" + strconv.FormatInt(int64(y), 10))
			} else {
				b.WriteString("n:" + strconv.FormatFloat(y, 'g', -1, 64))
			}
		}
		return
	}
	b.WriteString("?")
}

// dupError is bk-cmdb's answer to a unique violation: 1199014 with the text
// MongoDB puts after "dup key: {", e.g. `[ bk_asset_id: "A-1" ]`.
func (m *instModel) dupError(ruleID int64, data cmdb.Instance) *cmdb.Error {
	var keys []string
	for _, r := range m.rules {
		if r.ID == ruleID {
			keys = r.Keys
		}
	}
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+mongoDupValue(data[k], m.dates[k]))
	}
	return cmdb.Errorf(cmdb.CodeDuplicateItem, " "+strings.Join(parts, ", ")+" ")
}

// mongoDupValue renders a value as MongoDB's duplicate-key message does.
func mongoDupValue(v any, date bool) string {
	if date {
		if t, ok := cmdb.ParseInstanceTime(v); ok {
			return "new Date(" + strconv.FormatInt(t.UnixMilli(), 10) + ")"
		}
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		b, _ := json.Marshal(x)
		return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = mongoDupValue(e, false)
		}
		return "[ " + strings.Join(parts, ", ") + " ]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + mongoDupValue(x[k], false)
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	if n, ok := cmdb.IndexNumber(v); ok {
		switch y := n.(type) {
		case int64:
			return strconv.FormatInt(y, 10)
		case float64:
			s := strconv.FormatFloat(y, 'f', -1, 64)
			if !strings.ContainsAny(s, ".eE") {
				s += ".0"
			}
			return s
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}
