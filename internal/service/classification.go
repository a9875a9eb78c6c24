package service

import (
	"context"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// SearchClassifications answers search_classifications: the body is a
// condition on classification records; no supplier filter; hidden
// classifications never appear; preset names are translated while unchanged.
func (s *Service) SearchClassifications(ctx context.Context, c Caller, cond Body) ([]cmdb.Classification, error) {
	m, err := parseMongo(map[string]any(cond))
	if err != nil {
		return nil, err
	}
	out := []cmdb.Classification{}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		all, err := tx.Classifications()
		if err != nil {
			return err
		}
		for _, cl := range all {
			if cl.Type == "hidden" || !m.match(toDoc(cl)) {
				continue
			}
			cl.Name = classificationReadName(c.Lang, cl)
			out = append(out, cl)
		}
		return nil
	})
	return out, err
}

func classificationReadName(lang cmdb.Lang, cl cmdb.Classification) string {
	return cmdb.ClassificationReadName(lang, cl.ClsID, cl.Name)
}

// checkClassificationFields is the topo check of the fields present in a
// create or update body.
func checkClassificationFields(b Body) *cmdb.Error {
	if err := checkIDField(b, "bk_classification_id", true); err != nil {
		return err
	}
	if err := checkIDField(b, "bk_classification_name", false); err != nil {
		return err
	}
	for _, k := range []string{"bk_classification_icon", "bk_classification_type"} {
		if _, present, ok := b.Str(k); present && !ok {
			return cmdb.ErrDecode()
		}
	}
	return nil
}

func dupField(field, value string) *cmdb.Error {
	return cmdb.Errorf(cmdb.CodeDuplicateItem, " "+field+": \""+value+"\" ")
}

// CreateClassification answers create_classification with the stored record.
func (s *Service) CreateClassification(ctx context.Context, c Caller, b Body) (*cmdb.Classification, error) {
	if err := checkClassificationFields(b); err != nil {
		return nil, err
	}
	id, _, _ := b.Str("bk_classification_id")
	if id == "" {
		return nil, cmdb.ErrUnassigned("bk_classification_id")
	}
	if hasBKPrefix(id) {
		return nil, cmdb.ErrInvalid("bk_classification_id can not start with bk or BK")
	}
	cl := &cmdb.Classification{ClsID: id, Supplier: c.Supplier}
	cl.Name, _, _ = b.Str("bk_classification_name")
	cl.Icon, _, _ = b.Str("bk_classification_icon")
	cl.Type, _, _ = b.Str("bk_classification_type")
	err := s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.Classifications()
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ClsID == cl.ClsID {
				return dupField("bk_classification_id", cl.ClsID)
			}
			if o.Name == cl.Name {
				return dupField("bk_classification_name", cl.Name)
			}
		}
		if cl.ID, err = tx.NextID("cc_ObjClassification"); err != nil {
			return err
		}
		return conflictAs(tx.InsertClassification(cl), dupField("bk_classification_id", cl.ClsID))
	})
	if err != nil {
		return nil, err
	}
	return cl, nil
}

// UpdateClassification answers update_classification. bk_uncategorized and
// unknown ids are silently left alone.
func (s *Service) UpdateClassification(ctx context.Context, c Caller, id int64, b Body) error {
	delete(b, "id")
	delete(b, "bk_classification_id")
	if err := checkClassificationFields(b); err != nil {
		return err
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.Classifications()
		if err != nil {
			return err
		}
		var target *cmdb.Classification
		for i := range all {
			if all[i].ID == id && visible(all[i].Supplier, c.Supplier) && all[i].ClsID != "bk_uncategorized" {
				target = &all[i]
			}
		}
		if target == nil {
			return nil
		}
		if v, present, _ := b.Str("bk_classification_name"); present {
			for _, o := range all {
				if o.ID != id && o.Name == v {
					return dupField("bk_classification_name", v)
				}
			}
			target.Name = v
		}
		if v, present, _ := b.Str("bk_classification_icon"); present {
			target.Icon = v
		}
		if v, present, _ := b.Str("bk_classification_type"); present {
			target.Type = v
		}
		return tx.UpdateClassification(target)
	})
}

// DeleteClassification answers delete_classification: refused while models
// are in it; unknown ids succeed.
func (s *Service) DeleteClassification(ctx context.Context, c Caller, id int64) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		all, err := tx.Classifications()
		if err != nil {
			return err
		}
		for _, cl := range all {
			if cl.ID != id || !visible(cl.Supplier, c.Supplier) {
				continue
			}
			objs, err := tx.Objects()
			if err != nil {
				return err
			}
			for _, o := range objs {
				if o.ClsID == cl.ClsID {
					return cmdb.Errorf(cmdb.CodeObjectClassificationHasObject)
				}
			}
			return tx.DeleteClassification(cl.Supplier, cl.ID)
		}
		return nil
	})
}

// conflictAs maps a store uniqueness conflict to the domain error a caller
// should see; other errors pass through.
func conflictAs(err error, as *cmdb.Error) error {
	if err != nil && isConflict(err) {
		return as
	}
	return err
}
