package service

import (
	"context"
	"unicode/utf8"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

func objectReadName(lang cmdb.Lang, o cmdb.Object) string {
	return cmdb.ObjectReadName(lang, o.ObjID, o.Name)
}

// SearchObjects answers search_objects.
func (s *Service) SearchObjects(ctx context.Context, c Caller, cond Body) ([]cmdb.Object, error) {
	m, err := parseMongo(map[string]any(cond))
	if err != nil {
		return nil, err
	}
	out := []cmdb.Object{}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		objs, err := tx.Objects()
		if err != nil {
			return err
		}
		for _, o := range objs {
			if !visible(o.Supplier, c.Supplier) || !m.match(toDoc(o)) {
				continue
			}
			o.Name = objectReadName(c.Lang, o)
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// checkObjectName is step 2 of create_object: any problem with bk_obj_name
// answers 1199011 "bk_obj_name " + the inner message.
func checkObjectName(b Body, required bool) *cmdb.Error {
	v, present, ok := b.Str("bk_obj_name")
	if !present && !required {
		return nil
	}
	wrap := func(inner *cmdb.Error) *cmdb.Error {
		return &cmdb.Error{Code: cmdb.CodeParamsIsInvalid, Text: "bk_obj_name ", Wrap: inner}
	}
	switch {
	case !ok:
		return wrap(cmdb.ErrText(cmdb.CodeParamsNeedString, "bk_obj_name"))
	case v == "":
		return wrap(cmdb.ErrUnassigned("bk_obj_name"))
	case utf8.RuneCountInString(v) > 128:
		return wrap(cmdb.Errorf(cmdb.CodeValExceedMaxFailed, "bk_obj_name", 128))
	}
	return nil
}

// objectOptionalFields reads the optional model fields with their JSON types
// checked; a wrong type does not decode (1199000).
func objectOptionalFields(b Body, o *cmdb.Object) *cmdb.Error {
	for _, k := range []string{"bk_obj_icon", "position", "description", "bk_classification_id"} {
		if v, present, ok := b.Str(k); present {
			if !ok {
				if b[k] == nil {
					continue
				}
				return cmdb.ErrDecode()
			}
			switch k {
			case "bk_obj_icon":
				o.Icon = v
			case "position":
				o.Position = v
			case "description":
				o.Desc = v
			case "bk_classification_id":
				o.ClsID = v
			}
		}
	}
	if v, present, ok := b.Bool("bk_ishidden"); present {
		if !ok && b["bk_ishidden"] != nil {
			return cmdb.ErrDecode()
		}
		o.IsHidden = v
	}
	if v, present, ok := b.Int("obj_sort_number"); present {
		if !ok && b["obj_sort_number"] != nil {
			return cmdb.ErrDecode()
		}
		o.SortNumber = v
	}
	return nil
}

// CreateObject answers create_object. The answer is the request decoded into
// the record shape with id and supplier set, as bk-cmdb answers.
func (s *Service) CreateObject(ctx context.Context, c Caller, b Body) (*cmdb.Object, error) {
	if _, present, ok := b.Str("bk_obj_id"); !present || !ok {
		return nil, cmdb.ErrText(cmdb.CodeParamsNeedString, "bk_obj_id")
	}
	if err := checkIDField(b, "bk_obj_id", true); err != nil {
		return nil, err
	}
	if err := checkObjectName(b, true); err != nil {
		return nil, err
	}
	objID, _, _ := b.Str("bk_obj_id")
	name, _, _ := b.Str("bk_obj_name")
	if _, present := b["bk_classification_id"]; !present {
		return nil, cmdb.ErrUnassigned("bk_classification_id")
	}
	if cmdb.InnerModels[objID] {
		return nil, cmdb.ErrText(cmdb.CodeParamsIsInvalid, "'"+objID+"' the built-in object id, please use a new one")
	}
	echo := &cmdb.Object{ObjID: objID, Name: name}
	if err := objectOptionalFields(b, echo); err != nil {
		return nil, err
	}
	if v, present, ok := b.Bool("bk_ispaused"); present {
		if !ok && b["bk_ispaused"] != nil {
			return nil, cmdb.ErrDecode()
		}
		echo.IsPaused = v
	}
	_, sortGiven, _ := b.Int("obj_sort_number")
	err := s.update(ctx, func(tx cmdb.Tx) error {
		classes, err := tx.Classifications()
		if err != nil {
			return err
		}
		found := false
		for _, cl := range classes {
			if cl.ClsID == echo.ClsID && visible(cl.Supplier, c.Supplier) {
				found = true
			}
		}
		if !found {
			return cmdb.Errorf(cmdb.CodeObjectClassificationSelectFailed)
		}
		if echo.Icon == "" {
			return cmdb.ErrUnassigned("bk_obj_icon")
		}
		if echo.SortNumber < 0 {
			return cmdb.Errorf(cmdb.CodeParamsInvalid)
		}
		if hasBKPrefix(objID) {
			return cmdb.ErrInvalid("bk_obj_id value can not start with bk or BK")
		}
		objs, err := tx.Objects()
		if err != nil {
			return err
		}
		var maxSort int64
		for _, o := range objs {
			if o.ObjID == objID && visible(o.Supplier, c.Supplier) {
				return cmdb.Errorf(cmdb.CodeDuplicateItem, objID)
			}
			if o.Name == name {
				return cmdb.Errorf(cmdb.CodeDuplicateItem, name)
			}
			if o.ClsID == echo.ClsID && o.SortNumber > maxSort {
				maxSort = o.SortNumber
			}
		}
		stored := *echo
		stored.Supplier = c.Supplier
		stored.Creator = c.User
		stored.Modifier = c.User
		stored.CreateTime = s.now()
		stored.LastTime = stored.CreateTime
		if !sortGiven {
			stored.SortNumber = maxSort + 1
		}
		if stored.ID, err = tx.NextID("cc_ObjDes"); err != nil {
			return err
		}
		if err := conflictAs(tx.InsertObject(&stored), cmdb.Errorf(cmdb.CodeDuplicateItem, objID)); err != nil {
			return err
		}
		echo.ID = stored.ID
		return s.createObjectParts(tx, c, &stored)
	})
	if err != nil {
		return nil, err
	}
	echo.Supplier = c.Supplier
	return echo, nil
}

// createObjectParts adds what every new model gets: the default group, the
// name attribute and the four recorded fields, and a unique rule on the name.
func (s *Service) createObjectParts(tx cmdb.Tx, c Caller, o *cmdb.Object) error {
	gid, err := tx.NextID("cc_PropertyGroup")
	if err != nil {
		return err
	}
	g := &cmdb.AttributeGroup{ID: gid, ObjID: o.ObjID, GroupID: "default", GroupName: "Default",
		Index: -1, Supplier: c.Supplier, IsDefault: true}
	if err := tx.InsertGroup(g); err != nil {
		return err
	}
	no := false
	now := s.now()
	nameName := cmdb.InstNameStoredName(c.Lang)
	attrs := []cmdb.Attribute{
		{PropertyID: "bk_inst_name", PropertyName: nameName, Type: cmdb.TypeSingleChar, IsRequired: true,
			IsOnly: true, IsPre: true, Editable: true, Creator: c.User, Option: ""},
		{PropertyID: "bk_created_at", PropertyName: "创建时间", Type: cmdb.TypeTime, IsPre: true, Creator: cmdb.SystemUser, Option: ""},
		{PropertyID: "bk_created_by", PropertyName: "创建人", Type: cmdb.TypeUser, IsPre: true, Creator: cmdb.SystemUser, Option: ""},
		{PropertyID: "bk_updated_at", PropertyName: "更新时间", Type: cmdb.TypeTime, IsPre: true, Creator: cmdb.SystemUser, Option: ""},
		{PropertyID: "bk_updated_by", PropertyName: "更新人", Type: cmdb.TypeUser, IsPre: true, Creator: cmdb.SystemUser, Option: ""},
	}
	for i := range attrs {
		a := &attrs[i]
		a.ObjID = o.ObjID
		a.Supplier = c.Supplier
		a.Group = "default"
		a.Index = int64(i + 1)
		a.IsMultiple = &no
		a.CreateTime, a.LastTime = now, now
		if a.ID, err = tx.NextID("cc_ObjAttDes"); err != nil {
			return err
		}
		if err := tx.InsertAttribute(a); err != nil {
			return err
		}
	}
	rid, err := tx.NextID("cc_ObjectUnique")
	if err != nil {
		return err
	}
	return tx.InsertUniqueRule(&cmdb.UniqueRule{ID: rid, ObjID: o.ObjID, Keys: []string{"bk_inst_name"},
		MustCheck: true, Supplier: c.Supplier})
}

// UpdateObject answers update_object: only the whitelisted fields are
// written (bk-cmdb writes any key; cmdb keeps to the model's own fields).
func (s *Service) UpdateObject(ctx context.Context, c Caller, id int64, b Body) error {
	if err := checkIDField(b, "bk_obj_id", true); err != nil {
		return err
	}
	if err := checkObjectName(b, false); err != nil {
		return err
	}
	delete(b, "bk_obj_id")
	delete(b, "id")
	return s.update(ctx, func(tx cmdb.Tx) error {
		objs, err := tx.Objects()
		if err != nil {
			return err
		}
		if v, present, ok := b.Str("bk_classification_id"); present {
			classes, err := tx.Classifications()
			if err != nil {
				return err
			}
			found := false
			for _, cl := range classes {
				if ok && cl.ClsID == v && visible(cl.Supplier, c.Supplier) {
					found = true
				}
			}
			if !found {
				return cmdb.Errorf(cmdb.CodeModelClassificationNotFound)
			}
		}
		if _, present, ok := b.Bool("bk_ispaused"); present && !ok {
			return cmdb.ErrInvalid("bk_ispaused")
		}
		var target *cmdb.Object
		for i := range objs {
			if objs[i].ID == id && visible(objs[i].Supplier, c.Supplier) {
				target = &objs[i]
			}
		}
		if name, present, _ := b.Str("bk_obj_name"); present {
			for _, o := range objs {
				if o.ID != id && o.Name == name {
					return cmdb.Errorf(cmdb.CodeDuplicateItem, name)
				}
			}
		}
		if v, present, ok := b.Int("obj_sort_number"); present && ok && v < 0 {
			return cmdb.Errorf(cmdb.CodeParamsInvalid)
		}
		if target == nil {
			return nil
		}
		if name, present, _ := b.Str("bk_obj_name"); present {
			target.Name = name
		}
		if err := objectOptionalFields(b, target); err != nil {
			return err
		}
		if v, present, _ := b.Bool("bk_ispaused"); present {
			target.IsPaused = v
		}
		target.Modifier = c.User
		target.LastTime = s.now()
		return tx.UpdateObject(target)
	})
}

// DeleteObject answers delete_object: refused for inner models, for models
// with instances and for models in any model association; cascades to the
// model's attributes, groups and unique rules.
func (s *Service) DeleteObject(ctx context.Context, c Caller, id int64) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		objs, err := tx.Objects()
		if err != nil {
			return err
		}
		var matches []cmdb.Object
		for _, o := range objs {
			if o.ID == id && visible(o.Supplier, c.Supplier) {
				matches = append(matches, o)
			}
		}
		switch {
		case len(matches) == 0:
			return nil
		case len(matches) > 1:
			return cmdb.Errorf(cmdb.CodeGetMultipleObject)
		}
		o := matches[0]
		if cmdb.InnerModels[o.ObjID] {
			return cmdb.Errorf(cmdb.CodeForbiddenToDeleteModelFailed)
		}
		n, err := tx.CountInstances("", o.ObjID)
		if err != nil {
			return err
		}
		if n > 0 {
			return cmdb.Errorf(cmdb.CodeObjectHasSomeInstsForbiddenToDelete, o.ObjID)
		}
		assts, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		for _, a := range assts {
			if a.ObjID == o.ObjID || a.AsstObjID == o.ObjID {
				return cmdb.Errorf(cmdb.CodeObjectHasAlreadyAssociated)
			}
		}
		attrs, err := tx.Attributes(o.ObjID)
		if err != nil {
			return err
		}
		for _, a := range attrs {
			if a.Supplier == o.Supplier {
				if err := tx.DeleteAttribute(a.Supplier, a.ID); err != nil {
					return err
				}
			}
		}
		if err := tx.DeleteGroups(o.Supplier, o.ObjID); err != nil {
			return err
		}
		if err := tx.DeleteUniqueRules(o.Supplier, o.ObjID); err != nil {
			return err
		}
		return tx.DeleteObject(o.Supplier, o.ID)
	})
}
