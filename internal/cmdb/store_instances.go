package cmdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// InstanceTx is the part of Tx that reads and writes instances.
//
// # Storage model
//
// An instance is stored whole, as the JSON map the API answers (numbers as
// JSON numbers, instance times as InstTime text), in one row keyed by
// (supplier, obj_id, inst_id). Beside it the store keeps two derived tables,
// written in the same transaction as the row:
//
//   - the value index: one entry per top-level scalar value and per scalar
//     element of a top-level array (IndexValue), typed by IndexKind so that
//     MongoDB's type bracketing holds (a string never equals a number, a
//     date never equals its text). Equality, $in, ranges and prefix regular
//     expressions on any field become index lookups (IndexFilter) whose cost
//     follows the size of the answer, not of the model;
//   - the unique keys: one entry per unique rule whose key fields are all
//     set (UniqueKey), under a UNIQUE constraint on (supplier, obj_id,
//     rule_id, key_hash), so that a unique rule holds under concurrent
//     writers on any store, not only on SQLite's single writer.
//
// The service computes both (it knows the attribute types) and never passes
// a user condition to the store: only IndexFilter trees with typed values,
// which the store renders with bound parameters.
type InstanceTx interface {
	// CountInstances counts the instances of objID visible to supplier
	// (supplier "" = all).
	CountInstances(supplier, objID string) (int64, error)
	// InsertInstance stores one instance. id is its id-field value. The
	// value index is derived with IndexInstance (system time fields as
	// dates); no unique keys are written. For presets and test setup; the
	// instance API uses PutInstance.
	InsertInstance(supplier, objID string, id int64, data Instance) error
	// UnsetInstanceField removes one attribute value from every instance of
	// a model (and its index entries).
	UnsetInstanceField(supplier, objID, field string) error
	// ExistingInstances returns which of ids are instances of objID seen by
	// scope.
	ExistingInstances(scope Scope, objID string, ids []int64) (map[int64]bool, error)
	// ExistingEnds is ExistingInstances for both ends of a batch of
	// associations at once (one statement where the lists are short).
	ExistingEnds(scope Scope, srcObj string, srcIDs []int64, dstObj string, dstIDs []int64) (src, dst map[int64]bool, err error)

	// PutInstance writes one instance with its index entries and unique
	// keys, replacing a previous version of the same (supplier, obj_id, id)
	// when w.Replace is set. A unique key already held by another instance
	// fails the write with a *UniqueConflictError (which Is ErrConflict)
	// and writes nothing.
	PutInstance(w *InstanceWrite) error
	// GetInstances reads the instances of objID with the given ids seen by
	// scope, in id order.
	GetInstances(scope Scope, objID string, ids []int64) ([]StoredInstance, error)
	// DeleteInstances deletes instances (and their index entries and unique
	// keys) by id; never called with an empty list.
	DeleteInstances(scope Scope, objID string, ids []int64) (int64, error)
	// QueryInstances calls fn for each instance of q.ObjID seen by q.Scope
	// that q.Filter admits, in id order (descending when q.Desc), skipping
	// q.Offset rows and stopping after q.Limit (0 = no limit) or when fn
	// returns false.
	QueryInstances(q *InstanceQuery, fn func(StoredInstance) (bool, error)) error
	// CountInstanceQuery counts what QueryInstances would visit without
	// offset and limit.
	CountInstanceQuery(q *InstanceQuery) (int64, error)
}

// StoredInstance is one instance row.
type StoredInstance struct {
	Supplier string
	ID       int64
	Data     Instance
}

// InstanceWrite is one instance to store.
type InstanceWrite struct {
	Supplier string
	ObjID    string
	ID       int64
	Data     Instance
	Index    []IndexValue
	Unique   []UniqueKey
	// Replace overwrites an existing row (update); otherwise the row must
	// be new.
	Replace bool
}

// IndexKind is the type class of an indexed value.
type IndexKind int

// Index kinds: one per MongoDB type bracket that the index serves.
const (
	KindBool   IndexKind = 2
	KindNumber IndexKind = 3
	KindString IndexKind = 4
	KindDate   IndexKind = 5
)

// IndexValue is one entry of the value index. Num holds numbers (int64 when
// the value is an integer that fits, else float64), bools (0 / 1) and dates
// (Unix milliseconds, int64); Str holds strings.
type IndexValue struct {
	Field string
	Kind  IndexKind
	Num   any
	Str   string
}

// UniqueKey is the key of one unique rule for one instance.
type UniqueKey struct {
	RuleID int64
	Hash   string
}

// UniqueConflictError is PutInstance's answer when a unique key is taken.
type UniqueConflictError struct {
	RuleID int64
	// Holder is the instance that holds the key, when the store knows it.
	Holder int64
}

func (e *UniqueConflictError) Error() string {
	return fmt.Sprintf("store: unique rule %d violated (held by %d)", e.RuleID, e.Holder)
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *UniqueConflictError) Is(target error) bool { return target == ErrConflict }

// AsUniqueConflict returns the unique conflict inside err, if any.
func AsUniqueConflict(err error) (*UniqueConflictError, bool) {
	var u *UniqueConflictError
	ok := errors.As(err, &u)
	return u, ok
}

// IndexOp is the node type of an IndexFilter.
type IndexOp int

// IndexFilter node types.
const (
	// IdxAnd: every item admits the instance.
	IdxAnd IndexOp = iota + 1
	// IdxOr: some item admits the instance.
	IdxOr
	// IdxValue: the instance has an index entry of Field / Kind equal to
	// one of In, or within the range Lo .. Hi.
	IdxValue
	// IdxID: the instance id equals one of In (int64) or lies within the
	// range (numbers).
	IdxID
	// IdxNone admits nothing.
	IdxNone
)

// IndexFilter is a set of instances described by index lookups only. Values
// are typed per Kind: string for KindString, int64 / float64 for the others
// (dates as Unix milliseconds, bools as 0 / 1).
type IndexFilter struct {
	Op    IndexOp
	Items []*IndexFilter
	Field string
	Kind  IndexKind
	// In lists equal values (equality, $in). When empty, the range applies.
	In []any
	// Lo / Hi bound a range; nil = unbounded. LoIncl / HiIncl make the
	// bound inclusive.
	Lo, Hi         any
	LoIncl, HiIncl bool
}

// InstanceQuery selects instances of one model.
type InstanceQuery struct {
	Scope  Scope
	ObjID  string
	Filter *IndexFilter // nil = every instance
	Desc   bool
	Offset int64
	Limit  int64
}

// InstanceTimeFields are the instance time fields every model has: stored
// as InstTime text, indexed and matched as dates.
var InstanceTimeFields = map[string]bool{
	"create_time": true, "last_time": true, "bk_created_at": true, "bk_updated_at": true,
}

// instanceTimeLayout is InstTime's layout (RFC3339, milliseconds, offset).
const instanceTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatInstanceTime renders an instance time as bk-cmdb answers it: RFC3339
// with milliseconds in the server's local offset.
func FormatInstanceTime(t time.Time) string {
	return t.Local().Format(instanceTimeLayout)
}

// ParseInstanceTime reads a stored instance time (any RFC3339 text); ok is
// false for anything else.
func ParseInstanceTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || len(s) < 20 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// IndexSkipFields are never indexed: their value is fixed per model row
// (bk_obj_id, bk_supplier_account) or is the row key (the id field).
func IndexSkipFields(objID string) map[string]bool {
	return map[string]bool{"bk_obj_id": true, "bk_supplier_account": true, InstIDField(objID): true}
}

// IndexInstance derives the value index of an instance: every top-level
// field except IndexSkipFields, one entry per scalar value and per distinct
// scalar element of an array (nested arrays and objects are not indexed,
// nor are nulls). Fields in dates holding RFC3339 text are dates.
func IndexInstance(objID string, data Instance, dates map[string]bool) []IndexValue {
	skip := IndexSkipFields(objID)
	var out []IndexValue
	for k, v := range data {
		if skip[k] {
			continue
		}
		if arr, ok := v.([]any); ok {
			seen := map[IndexValue]bool{}
			for _, el := range arr {
				if iv, ok := IndexScalar(k, el, false); ok && !seen[iv] {
					seen[iv] = true
					out = append(out, iv)
				}
			}
			continue
		}
		if iv, ok := IndexScalar(k, v, dates[k]); ok {
			out = append(out, iv)
		}
	}
	return out
}

// IndexScalar is the index entry of one scalar value (ok false for null,
// arrays, objects and anything else). date says the field is a date field:
// RFC3339 text is then a date.
func IndexScalar(field string, v any, date bool) (IndexValue, bool) {
	switch x := v.(type) {
	case string:
		if date {
			if t, ok := ParseInstanceTime(x); ok {
				return IndexValue{Field: field, Kind: KindDate, Num: t.UnixMilli()}, true
			}
		}
		return IndexValue{Field: field, Kind: KindString, Str: x}, true
	case time.Time:
		return IndexValue{Field: field, Kind: KindDate, Num: x.UnixMilli()}, true
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		return IndexValue{Field: field, Kind: KindBool, Num: n}, true
	}
	if n, ok := IndexNumber(v); ok {
		return IndexValue{Field: field, Kind: KindNumber, Num: n}, true
	}
	return IndexValue{}, false
}

// IndexNumber returns a JSON or Go number as int64 when it is an integer
// that fits, else as float64 (ok false for non-numbers and NaN).
func IndexNumber(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, true
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			var ne *strconv.NumError
			if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
				return nil, false
			}
		}
		return floatNumber(f)
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x), true
		}
		return float64(x), true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
		return float64(x), true
	case float32:
		return floatNumber(float64(x))
	case float64:
		return floatNumber(x)
	}
	return nil, false
}

func floatNumber(f float64) (any, bool) {
	if math.IsNaN(f) {
		return nil, false
	}
	return f, true
}

// Scope is the set of supplier accounts a caller sees: nil means every
// supplier ("superadmin"); otherwise the listed ones.
type Scope []string

// ScopeOf is bk-cmdb's read filter for a caller's supplier (envelope-and-
// auth.md §4): "0" sees "0"; "superadmin" sees all; any other X sees "0"
// and X.
func ScopeOf(supplier string) Scope {
	switch supplier {
	case "superadmin":
		return nil
	case DefaultSupplier, "":
		return Scope{DefaultSupplier}
	}
	return Scope{DefaultSupplier, supplier}
}

// Sees reports whether a record of supplier rec is in the scope.
func (s Scope) Sees(rec string) bool {
	if s == nil {
		return true
	}
	for _, v := range s {
		if v == rec {
			return true
		}
	}
	return false
}
