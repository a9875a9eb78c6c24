package service

import (
	"context"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// FindObjAssts answers find_object_association: condition is the parsed
// body condition (non-empty, checked by the caller).
func (s *Service) FindObjAssts(ctx context.Context, c Caller, condition map[string]any) ([]cmdb.ObjectAssociation, error) {
	m, err := parseMongo(condition)
	if err != nil {
		return nil, err
	}
	out := []cmdb.ObjectAssociation{}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		all, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		for _, a := range all {
			if visible(a.Supplier, c.Supplier) && m.match(toDoc(a)) {
				out = append(out, a)
			}
		}
		return nil
	})
	return out, err
}

// checkAsstModels is the model existence check shared by create and update.
func checkAsstModels(tx cmdb.Tx, c Caller, objID, asstObjID string) error {
	src, err := findObject(tx, c, objID)
	if err != nil {
		return err
	}
	dst, err := findObject(tx, c, asstObjID)
	if err != nil {
		return err
	}
	switch {
	case src == nil && dst == nil:
		return cmdb.ErrInvalid("bk_obj_id&bk_asst_obj_id")
	case src == nil:
		return cmdb.ErrInvalid("bk_obj_id")
	case dst == nil:
		return cmdb.ErrInvalid("bk_asst_obj_id")
	}
	return nil
}

// CreateObjAsst answers create object association; the answer echoes the
// request with id set and on_delete defaulted, as bk-cmdb does.
func (s *Service) CreateObjAsst(ctx context.Context, c Caller, in cmdb.ObjectAssociation) (*cmdb.ObjectAssociation, error) {
	if in.AsstID == "bk_mainline" {
		return nil, cmdb.Errorf(cmdb.CodeAssociationKindMainlineUnavailable)
	}
	if in.AsstID == "" || in.AsstObjID == "" || in.ObjID == "" {
		return nil, cmdb.Errorf(cmdb.CodeAssociationMissingParameters)
	}
	if in.OnDelete == "" {
		in.OnDelete = "none"
	}
	err := s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		for _, a := range all {
			if visible(a.Supplier, c.Supplier) && a.ObjID == in.ObjID && a.AsstObjID == in.AsstObjID && a.AsstID == in.AsstID {
				return cmdb.Errorf(cmdb.CodeAssociationAlreadyExist, in.ObjID, in.AsstObjID)
			}
		}
		if err := checkAsstModels(tx, c, in.ObjID, in.AsstObjID); err != nil {
			return err
		}
		if in.ObjAsstID == "" {
			return cmdb.ErrUnassigned("bk_obj_asst_id")
		}
		if in.ObjID == "bk_project" {
			return cmdb.Errorf(cmdb.CodeObjForbiddenCreateAssociation, in.ObjID)
		}
		if in.AsstObjID == "bk_project" {
			return cmdb.Errorf(cmdb.CodeAssociatedObjForbiddenCreateAssociation, in.AsstObjID)
		}
		for _, a := range all {
			if visible(a.Supplier, c.Supplier) && a.ObjAsstID == in.ObjAsstID {
				return cmdb.Errorf(cmdb.CodeDuplicateItem, in.ObjAsstID)
			}
		}
		stored := in
		stored.Supplier = c.Supplier
		if stored.ID, err = tx.NextID("cc_ObjAsst"); err != nil {
			return err
		}
		in.ID = stored.ID
		return conflictAs(tx.InsertObjAsst(&stored), cmdb.Errorf(cmdb.CodeDuplicateItem, in.ObjAsstID))
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// objAsstForbiddenUpdate are the body keys update object association
// refuses (1101047).
var objAsstForbiddenUpdate = []string{"bk_supplier_account", "bk_obj_asst_id", "bk_obj_id", "bk_asst_obj_id", "mapping", "ispre"}

// UpdateObjAsst answers update object association. Only the alias
// (bk_obj_asst_name) is persisted, as in bk-cmdb.
func (s *Service) UpdateObjAsst(ctx context.Context, c Caller, id int64, b Body) error {
	if raw, ok := b["id"]; ok {
		if v, isInt := asInt(raw); !isInt || v != 0 {
			return cmdb.Errorf(cmdb.CodeObjectAssociationUpdateForbiddenFields)
		}
	}
	for _, k := range objAsstForbiddenUpdate {
		if _, ok := b[k]; ok {
			return cmdb.Errorf(cmdb.CodeObjectAssociationUpdateForbiddenFields)
		}
	}
	name, hasName, nameOK := b.Str("bk_obj_asst_name")
	if hasName && !nameOK && b["bk_obj_asst_name"] != nil {
		return cmdb.ErrDecode()
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		var target *cmdb.ObjectAssociation
		for i := range all {
			if all[i].ID == id && visible(all[i].Supplier, c.Supplier) {
				target = &all[i]
			}
		}
		if target == nil {
			return cmdb.Errorf(cmdb.CodeObjectAssociationNotExist)
		}
		if target.IsPre != nil && *target.IsPre {
			return cmdb.Errorf(cmdb.CodeUpdatePredefinedAssociation)
		}
		if err := checkAsstModels(tx, c, target.ObjID, target.AsstObjID); err != nil {
			return err
		}
		if !hasName {
			return nil
		}
		target.ObjAsstName = name
		return tx.UpdateObjAsst(target)
	})
}

// DeleteObjAsst answers delete object association: refused for mainline,
// pre-defined and instantiated associations; the check and the delete are
// one transaction.
func (s *Service) DeleteObjAsst(ctx context.Context, c Caller, id int64) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		var hits []cmdb.ObjectAssociation
		for _, a := range all {
			if a.ID == id && visible(a.Supplier, c.Supplier) {
				hits = append(hits, a)
			}
		}
		switch {
		case len(hits) == 0:
			return nil
		case len(hits) > 1:
			return cmdb.Errorf(cmdb.CodeGotMultipleAssociationInstance)
		}
		a := hits[0]
		if a.AsstID == "bk_mainline" {
			return cmdb.Errorf(cmdb.CodeAssociationKindMainlineUnavailable)
		}
		if a.IsPre != nil && *a.IsPre {
			return cmdb.Errorf(cmdb.CodeDeletePredefinedAssociation)
		}
		// Rows of any supplier keep it: without it they would be rows no
		// model association explains, which the store's lookups by model
		// (obj_assts → inst_assts) no longer find.
		n, err := tx.CountInstAssts(nil, a.ObjAsstID)
		if err != nil {
			return err
		}
		if n > 0 {
			return cmdb.Errorf(cmdb.CodeAssociationHasAlreadyBeenInstantiated)
		}
		return tx.DeleteObjAsst(a.Supplier, a.ID)
	})
}
