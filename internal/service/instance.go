package service

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Instance writes (models-and-instances.md §4.1–§4.6): create_inst,
// batch_create_inst, update_inst, batch_update_inst, delete_inst and
// batch_delete_inst. Every call runs in one store transaction (one per item
// for batch_create_inst), so each check-then-write is atomic; unique rules
// are enforced by the store's unique keys (cmdb.InstanceTx).

// ErrInnerModel is 1199084, the generic instance APIs' answer for an inner
// model.
func ErrInnerModel() *cmdb.Error {
	return cmdb.Errorf(cmdb.CodeForbiddenOperateInnerModelInstanceWithCommonAPI)
}

// CheckInstanceModel refuses inner models (1199084); allowHost lets host
// through (update_inst, batch_update_inst).
func CheckInstanceModel(objID string, allowHost bool) error {
	if cmdb.InnerModels[objID] && !(allowHost && objID == "host") {
		return ErrInnerModel()
	}
	return nil
}

// wrapValueErr is how a value error reaches the caller: 1199011 with the
// inner message as its argument, quoted once more by the template.
func wrapValueErr(e *cmdb.Error) *cmdb.Error { return cmdb.ErrInvalid(e) }

// keptAsSent are body keys create_inst stores without attribute validation
// (models-and-instances.md §4.1 quirk).
var keptAsSent = []string{"bk_biz_id", "bk_parent_id", "default", "bk_data_status"}

// CreateInstance answers create_inst.
func (s *Service) CreateInstance(ctx context.Context, c Caller, objID string, b Body) (cmdb.Instance, error) {
	if err := CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	var out cmdb.Instance
	err := s.update(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil {
			return err
		}
		if m.obj == nil {
			return cmdb.ErrInvalid("bk_obj_id")
		}
		if m.obj.IsPaused {
			return cmdb.Errorf(cmdb.CodeModelStopped)
		}
		out, err = s.createOne(tx, c, m, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatchCreateResult is batch_create_inst's answer: item index (as text) →
// new id, and item index → error message.
type BatchCreateResult struct {
	SuccessCreated map[string]int64  `json:"success_created"`
	ErrorMsg       map[string]string `json:"error_msg"`
}

// MaxBatchCreate is batch_create_inst's item limit.
const MaxBatchCreate = 200

// BatchCreateInstances answers batch_create_inst. b is the decoded body.
func (s *Service) BatchCreateInstances(ctx context.Context, c Caller, objID string, b Body) (*BatchCreateResult, error) {
	if err := CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	var items []map[string]any
	if raw, ok := b["details"]; ok && raw != nil {
		arr, ok := raw.([]any)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		for _, it := range arr {
			m, ok := it.(map[string]any)
			if !ok && it != nil {
				return nil, cmdb.ErrDecode()
			}
			items = append(items, m)
		}
	}
	var mainline bool
	var known bool
	err := s.view(ctx, func(tx cmdb.Tx) error {
		var err error
		if mainline, err = isMainline(tx, objID); err != nil {
			return err
		}
		obj, err := findObject(tx, c, objID)
		known = obj != nil
		return err
	})
	if err != nil {
		return nil, err
	}
	if mainline {
		return nil, cmdb.Errorf(cmdb.CodeForbiddenOperateMainlineInstanceWithCommonAPI)
	}
	if len(items) == 0 {
		return nil, cmdb.Errorf(cmdb.CodeInstDataNil, "details")
	}
	if len(items) > MaxBatchCreate {
		return nil, cmdb.Errorf(cmdb.CodeXXExceedLimit, "details", MaxBatchCreate)
	}
	if !known {
		// bk-cmdb would store system fields only in a new collection;
		// cmdb refuses (cmdb-decisions.md).
		return nil, cmdb.ErrInvalid("bk_obj_id")
	}
	res := &BatchCreateResult{SuccessCreated: map[string]int64{}, ErrorMsg: map[string]string{}}
	for i, item := range items {
		key := strconv.Itoa(i)
		var id int64
		err := s.update(ctx, func(tx cmdb.Tx) error {
			m, err := loadInstModel(tx, c, objID)
			if err != nil {
				return err
			}
			if m.obj == nil {
				return cmdb.ErrInvalid("bk_obj_id")
			}
			inst, err := s.createOne(tx, c, m, Body(item))
			if err != nil {
				return err
			}
			id, _ = asInt(inst[m.idField])
			return nil
		})
		if err != nil {
			e := cmdb.AsError(err)
			if e.Err != nil && e.Code == cmdb.CodeUnknownOrUnrecognizedError {
				// The store failed (e.g. the database went away). Items
				// already stored stay reported; this one and the rest are
				// not attempted and say why.
				if len(res.SuccessCreated) == 0 {
					return nil, e
				}
				for j := i; j < len(items); j++ {
					res.ErrorMsg[strconv.Itoa(j)] = e.Message(c.Lang)
				}
				return res, nil
			}
			res.ErrorMsg[key] = e.Message(c.Lang)
			continue
		}
		res.SuccessCreated[key] = id
	}
	return res, nil
}

// createOne validates body as a new instance of m and stores it.
func (s *Service) createOne(tx cmdb.Tx, c Caller, m *instModel, b Body) (cmdb.Instance, error) {
	if b == nil {
		b = Body{}
	}
	scope := cmdb.ScopeOf(c.Supplier)
	// bk_biz_id first of all: an integer naming an existing business.
	if raw, ok := b["bk_biz_id"]; ok {
		biz, isInt := asInt(raw)
		if !isInt {
			return nil, cmdb.ErrInvalid("bk_biz_id")
		}
		seen, err := tx.ExistingInstances(scope, "biz", []int64{biz})
		if err != nil {
			return nil, err
		}
		if !seen[biz] {
			return nil, cmdb.ErrInvalid("bk_biz_id")
		}
	}
	// Required keys must be present (1199010 with the property id).
	for i := range m.attrs {
		a := &m.attrs[i]
		if a.IsRequired && !recordedFields[a.PropertyID] {
			if _, ok := b[a.PropertyID]; !ok {
				return nil, cmdb.ErrUnassigned(a.PropertyID)
			}
		}
	}
	data := cmdb.Instance{}
	for i := range m.attrs {
		a := &m.attrs[i]
		if recordedFields[a.PropertyID] && a.PropertyID != "bk_updated_by" {
			continue
		}
		v, present := b[a.PropertyID]
		if !present {
			def, derr := cmdb.DefaultValue(a)
			if derr != nil {
				return nil, wrapValueErr(derr)
			}
			v = def
		}
		out, verr := cmdb.ValidateValue(a, v)
		if verr != nil {
			return nil, wrapValueErr(verr)
		}
		data[a.PropertyID] = storedValue(out)
	}
	if err := checkEnumQuote(tx, scope, m, data, nil); err != nil {
		return nil, err
	}
	for _, k := range keptAsSent {
		if v, ok := b[k]; ok {
			data[k] = v
		}
	}
	id, err := tx.NextID(instanceSeq(m.objID))
	if err != nil {
		return nil, err
	}
	now := InstTime(s.Now())
	data[m.idField] = json.Number(strconv.FormatInt(id, 10))
	data["bk_obj_id"] = m.objID
	data["bk_supplier_account"] = c.Supplier
	data["create_time"] = now
	data["last_time"] = now
	data["bk_created_by"] = c.User
	data["bk_created_at"] = now
	data["bk_updated_at"] = now
	if _, ok := data["bk_updated_by"]; !ok {
		data["bk_updated_by"] = nil
	}
	w := &cmdb.InstanceWrite{Supplier: c.Supplier, ObjID: m.objID, ID: id, Data: data,
		Index: m.index(data), Unique: m.uniqueKeys(data)}
	if err := tx.PutInstance(w); err != nil {
		if u, ok := cmdb.AsUniqueConflict(err); ok {
			return nil, m.dupError(u.RuleID, data)
		}
		return nil, err
	}
	return data, nil
}

// checkEnumQuote checks that every id of an enumquote value names an
// instance of the referenced model (only the keys in only, when set).
// [code unverified: cmdb answers the wrapped 1199006 of other value errors]
func checkEnumQuote(tx cmdb.Tx, scope cmdb.Scope, m *instModel, data cmdb.Instance, only map[string]bool) error {
	for i := range m.attrs {
		a := &m.attrs[i]
		if a.Type != cmdb.TypeEnumQuote || (only != nil && !only[a.PropertyID]) {
			continue
		}
		ids := cmdb.EnumQuoteIDs(data[a.PropertyID])
		if len(ids) == 0 {
			continue
		}
		ref := ""
		if opts, ok := a.Option.([]any); ok && len(opts) > 0 {
			if o, ok := opts[0].(map[string]any); ok {
				ref, _ = o["bk_obj_id"].(string)
			}
		}
		seen, err := tx.ExistingInstances(scope, ref, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !seen[id] {
				name := a.PropertyName
				if name == "" {
					name = a.PropertyID
				}
				return wrapValueErr(cmdb.ErrParamsInvalid(name))
			}
		}
	}
	return nil
}

// UpdateInstance answers update_inst (the inner-model check, the literal
// "batch" and the path id are the caller's).
func (s *Service) UpdateInstance(ctx context.Context, c Caller, objID string, id int64, b Body) error {
	if err := CheckInstanceModel(objID, true); err != nil {
		return err
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil {
			return err
		}
		return s.updateOne(tx, c, m, id, b)
	})
}

// BatchUpdateItem is one element of batch_update_inst's update list.
type BatchUpdateItem struct {
	InstID int64
	Datas  Body
}

// BatchUpdateInstances answers batch_update_inst: every item in one
// transaction, the first failure rolls everything back. deleteIDs are the
// body's delete.inst_ids: only checked, never executed (bk-cmdb).
func (s *Service) BatchUpdateInstances(ctx context.Context, c Caller, objID string, b Body) error {
	var items []BatchUpdateItem
	if raw, ok := b["update"]; ok && raw != nil {
		arr, ok := raw.([]any)
		if !ok {
			return cmdb.ErrDecode()
		}
		for _, it := range arr {
			m, ok := it.(map[string]any)
			if !ok && it != nil {
				return cmdb.ErrDecode()
			}
			var item BatchUpdateItem
			if rawID, ok := m["inst_id"]; ok && rawID != nil {
				id, isInt := asInt(rawID)
				if !isInt {
					return cmdb.ErrDecode()
				}
				item.InstID = id
			}
			if rawData, ok := m["datas"]; ok && rawData != nil {
				dm, ok := rawData.(map[string]any)
				if !ok {
					return cmdb.ErrDecode()
				}
				item.Datas = dm
			}
			items = append(items, item)
		}
	}
	deleteIDs, err := decodeDeleteIDs(b)
	if err != nil {
		return err
	}
	if err := CheckInstanceModel(objID, true); err != nil {
		return err
	}
	for _, it := range items {
		if it.InstID == 0 {
			return cmdb.ErrParamsInvalid("inst_id")
		}
	}
	for _, id := range deleteIDs {
		if id == 0 {
			return cmdb.ErrParamsInvalid("inst_ids")
		}
	}
	if len(items) == 0 {
		return nil
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := s.updateOne(tx, c, m, it.InstID, it.Datas); err != nil {
				return err
			}
		}
		return nil
	})
}

// updateOne applies body b to instance id of m.
func (s *Service) updateOne(tx cmdb.Tx, c Caller, m *instModel, id int64, b Body) error {
	scope := cmdb.ScopeOf(c.Supplier)
	cur, err := tx.GetInstances(scope, m.objID, []int64{id})
	if err != nil {
		return err
	}
	if len(cur) == 0 {
		return cmdb.Errorf(cmdb.CodeNotFound)
	}
	inst := cur[0]
	data := inst.Data
	keys := make([]string, 0, len(b))
	for k := range b {
		switch k {
		case "bk_parent_id", "bk_biz_id", m.idField:
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	changed := map[string]bool{}
	for _, k := range keys {
		a := m.byID[k]
		if a == nil || !a.Editable {
			continue // unknown and non-editable attributes are dropped
		}
		out, verr := cmdb.ValidateValue(a, b[k])
		if verr != nil {
			return wrapValueErr(verr)
		}
		data[k] = storedValue(out)
		changed[k] = true
	}
	if err := checkEnumQuote(tx, scope, m, data, changed); err != nil {
		return err
	}
	now := InstTime(s.Now())
	data["last_time"] = now
	data["bk_updated_by"] = c.User
	data["bk_updated_at"] = now
	w := &cmdb.InstanceWrite{Supplier: inst.Supplier, ObjID: m.objID, ID: id, Data: data,
		Index: m.index(data), Unique: m.uniqueKeys(data), Replace: true}
	if err := tx.PutInstance(w); err != nil {
		if u, ok := cmdb.AsUniqueConflict(err); ok {
			return m.dupError(u.RuleID, data)
		}
		return err
	}
	return nil
}

// decodeDeleteIDs reads {"delete":{"inst_ids":[...]}}; a wrong JSON type is
// a decode failure (1199000).
func decodeDeleteIDs(b Body) ([]int64, error) {
	raw, ok := b["delete"]
	if !ok || raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, cmdb.ErrDecode()
	}
	rawIDs, ok := m["inst_ids"]
	if !ok || rawIDs == nil {
		return nil, nil
	}
	arr, ok := rawIDs.([]any)
	if !ok {
		return nil, cmdb.ErrDecode()
	}
	ids := make([]int64, 0, len(arr))
	for _, v := range arr {
		id, isInt := asInt(v)
		if !isInt {
			return nil, cmdb.ErrDecode()
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// DeleteInstance answers delete_inst (inner-model check, literal "batch" and
// the path id are the caller's).
func (s *Service) DeleteInstance(ctx context.Context, c Caller, objID string, id int64) error {
	if err := CheckInstanceModel(objID, false); err != nil {
		return err
	}
	return s.deleteInstances(ctx, c, objID, []int64{id})
}

// BatchDeleteInstances answers batch_delete_inst; b is the decoded body
// (decoded before the inner-model check, as bk-cmdb does).
func (s *Service) BatchDeleteInstances(ctx context.Context, c Caller, objID string, b Body) error {
	ids, err := decodeDeleteIDs(b)
	if err != nil {
		return err
	}
	if err := CheckInstanceModel(objID, false); err != nil {
		return err
	}
	return s.deleteInstances(ctx, c, objID, ids)
}

// deleteInstances deletes the existing ones of ids in one transaction,
// after the association rule (checkInstanceDelete) in the same
// transaction: any blocked instance fails the whole call.
func (s *Service) deleteInstances(ctx context.Context, c Caller, objID string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	uniq := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		scope := cmdb.ScopeOf(c.Supplier)
		exist, err := tx.ExistingInstances(scope, objID, uniq)
		if err != nil {
			return err
		}
		var gone []int64
		for _, id := range uniq {
			if exist[id] {
				gone = append(gone, id)
			}
		}
		if len(gone) == 0 {
			return nil
		}
		if err := checkInstanceDelete(tx, c, objID, gone); err != nil {
			return err
		}
		_, err = tx.DeleteInstances(scope, objID, gone)
		return err
	})
}
