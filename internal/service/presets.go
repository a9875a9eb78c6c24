package service

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

const presetsKey = "presets_applied"

// instanceSeq is the id sequence of each model's instances: one per inner
// model's collection, one global sequence for every custom model.
func instanceSeq(objID string) string {
	switch objID {
	case "biz":
		return "cc_ApplicationBase"
	case "set":
		return "cc_SetBase"
	case "module":
		return "cc_ModuleBase"
	case "host":
		return "cc_HostBase"
	case "plat":
		return "cc_PlatBase"
	case "process":
		return "cc_Process"
	case "bk_biz_set_obj":
		return "cc_BizSetBase"
	case "bk_project":
		return "cc_ProjectBase"
	}
	return "cc_ObjectBase"
}

// InstTime formats an instance timestamp as bk-cmdb answers it: RFC3339
// with milliseconds and the server's local offset.
func InstTime(t time.Time) string {
	return t.Local().Format("2006-01-02T15:04:05.000Z07:00")
}

// EnsurePresets writes the preset data of a fresh installation (presets.md)
// once; on later starts it leaves everything alone, renamed or deleted
// records included.
func (s *Service) EnsurePresets(ctx context.Context) (applied bool, err error) {
	err = s.update(ctx, func(tx cmdb.Tx) error {
		if _, done, err := tx.Meta(presetsKey); err != nil || done {
			return err
		}
		if err := s.writePresets(tx, cmdb.Presets()); err != nil {
			return err
		}
		// Recorded in the same transaction: a restart must find it, or
		// it would write the presets again (and fail on their keys).
		if err := tx.SetMeta(presetsKey, s.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied && err == nil, err
}

func (s *Service) writePresets(tx cmdb.Tx, p *cmdb.PresetData) error {
	now := s.now()
	var err error
	for i := range p.Classifications {
		c := &p.Classifications[i]
		if c.ID, err = tx.NextID("cc_ObjClassification"); err != nil {
			return err
		}
		if err := tx.InsertClassification(c); err != nil {
			return err
		}
	}
	for i := range p.Objects {
		o := &p.Objects[i]
		if o.ID, err = tx.NextID("cc_ObjDes"); err != nil {
			return err
		}
		o.CreateTime, o.LastTime = now, now
		if err := tx.InsertObject(o); err != nil {
			return err
		}
	}
	for i := range p.Groups {
		g := &p.Groups[i]
		if g.ID, err = tx.NextID("cc_PropertyGroup"); err != nil {
			return err
		}
		if err := tx.InsertGroup(g); err != nil {
			return err
		}
	}
	for i := range p.Attributes {
		a := &p.Attributes[i]
		if a.ID, err = tx.NextID("cc_ObjAttDes"); err != nil {
			return err
		}
		a.CreateTime, a.LastTime = now, now
		if err := tx.InsertAttribute(a); err != nil {
			return err
		}
	}
	for i := range p.UniqueRules {
		r := &p.UniqueRules[i]
		if r.ID, err = tx.NextID("cc_ObjectUnique"); err != nil {
			return err
		}
		if err := tx.InsertUniqueRule(r); err != nil {
			return err
		}
	}
	for i := range p.Kinds {
		k := &p.Kinds[i]
		if k.ID, err = tx.NextID("cc_AsstDes"); err != nil {
			return err
		}
		if err := tx.InsertKind(k); err != nil {
			return err
		}
	}
	for i := range p.ObjAssts {
		a := &p.ObjAssts[i]
		if a.ID, err = tx.NextID("cc_ObjAsst"); err != nil {
			return err
		}
		if err := tx.InsertObjAsst(a); err != nil {
			return err
		}
	}
	return s.writePresetInstances(tx, p.Instances, now.Time)
}

func (s *Service) writePresetInstances(tx cmdb.Tx, insts []cmdb.PresetInstance, now time.Time) error {
	type placed struct {
		objID string
		id    int64
		biz   int64
	}
	byKey := map[string]placed{}
	ts := InstTime(now)
	for _, pi := range insts {
		data := cmdb.Instance{}
		for k, v := range pi.Data {
			data[k] = v
		}
		idField := cmdb.InstIDField(pi.ObjID)
		var id int64
		if raw, ok := data[idField]; ok {
			v, ok := asInt(raw)
			if !ok {
				return cmdb.Internal(errString("preset " + pi.Key + ": id field is not an integer"))
			}
			id = v
		} else {
			var err error
			if id, err = tx.NextID(instanceSeq(pi.ObjID)); err != nil {
				return err
			}
		}
		biz := id
		if parent, ok := byKey[pi.ParentKey]; ok && pi.ParentKey != "" {
			num := json.Number(strconv.FormatInt(parent.id, 10))
			data["bk_parent_id"] = num
			switch pi.ObjID {
			case "set":
				data["bk_biz_id"] = num
				biz = parent.id
			case "module":
				data["bk_set_id"] = num
				data["bk_biz_id"] = json.Number(strconv.FormatInt(parent.biz, 10))
				biz = parent.biz
			}
		}
		data[idField] = json.Number(strconv.FormatInt(id, 10))
		data["bk_supplier_account"] = cmdb.DefaultSupplier
		data["create_time"] = ts
		data["last_time"] = ts
		data["bk_created_at"] = ts
		data["bk_updated_at"] = ts
		data["bk_created_by"] = cmdb.SystemUser
		if _, ok := data["bk_updated_by"]; !ok {
			data["bk_updated_by"] = nil
		}
		if err := tx.InsertInstance(cmdb.DefaultSupplier, pi.ObjID, id, data); err != nil {
			return err
		}
		byKey[pi.Key] = placed{objID: pi.ObjID, id: id, biz: biz}
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }
