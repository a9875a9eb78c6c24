package service

import (
	"context"
	"unicode/utf8"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// KindPage is find association type's answer.
type KindPage struct {
	Count int64                  `json:"count"`
	Info  []cmdb.AssociationKind `json:"info"`
}

// FindKinds answers find association type: a raw condition on kind records
// (no supplier filter), paged, with pre-defined kinds translated.
func (s *Service) FindKinds(ctx context.Context, c Caller, condition any, p Page) (*KindPage, error) {
	m, err := parseMongo(condition)
	if err != nil {
		return nil, err
	}
	out := &KindPage{Info: []cmdb.AssociationKind{}}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		kinds, err := tx.Kinds()
		if err != nil {
			return err
		}
		var hits []cmdb.AssociationKind
		for _, k := range kinds {
			if m.match(toDoc(k)) {
				hits = append(hits, k)
			}
		}
		out.Count = int64(len(hits))
		for _, k := range applyPage(hits, p) {
			cmdb.TranslateKind(c.Lang, &k)
			out.Info = append(out.Info, k)
		}
		return nil
	})
	return out, err
}

// KindInput is the body of create / update association type.
type KindInput struct {
	AsstID    string `json:"bk_asst_id"`
	AsstName  string `json:"bk_asst_name"`
	SrcDes    string `json:"src_des"`
	DestDes   string `json:"dest_des"`
	Direction string `json:"direction"`
	IsPre     *bool  `json:"ispre"`
}

// CreateKind answers create association type: duplicate, then length, then
// pattern — so an empty id fails the pattern with its (empty) value.
func (s *Service) CreateKind(ctx context.Context, c Caller, in KindInput) (int64, error) {
	var id int64
	err := s.update(ctx, func(tx cmdb.Tx) error {
		kinds, err := tx.Kinds()
		if err != nil {
			return err
		}
		for _, k := range kinds {
			if k.AsstID == in.AsstID {
				return cmdb.Errorf(cmdb.CodeDuplicateItem, in.AsstID)
			}
		}
		if utf8.RuneCountInString(in.AsstID) > 128 {
			return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, "bk_asst_id", 128)
		}
		if !idPattern.MatchString(in.AsstID) {
			return cmdb.ErrInvalid(in.AsstID)
		}
		k := &cmdb.AssociationKind{AsstID: in.AsstID, AsstName: in.AsstName, Supplier: c.Supplier,
			SrcDes: in.SrcDes, DestDes: in.DestDes, Direction: in.Direction, IsPre: in.IsPre}
		if k.ID, err = tx.NextID("cc_AsstDes"); err != nil {
			return err
		}
		id = k.ID
		return conflictAs(tx.InsertKind(k), cmdb.Errorf(cmdb.CodeDuplicateItem, in.AsstID))
	})
	return id, err
}

// UpdateKind answers update association type: the four text fields are
// always written (absent ones become ""); unknown ids succeed; pre-defined
// kinds are not protected (their reads stay translated).
func (s *Service) UpdateKind(ctx context.Context, c Caller, id int64, in KindInput) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		kinds, err := tx.Kinds()
		if err != nil {
			return err
		}
		for _, k := range kinds {
			if k.ID != id {
				continue
			}
			k.AsstName, k.SrcDes, k.DestDes, k.Direction = in.AsstName, in.SrcDes, in.DestDes, in.Direction
			if err := tx.UpdateKind(&k); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteKind answers delete association type.
func (s *Service) DeleteKind(ctx context.Context, c Caller, id int64) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		kinds, err := tx.Kinds()
		if err != nil {
			return err
		}
		var hits []cmdb.AssociationKind
		for _, k := range kinds {
			if k.ID == id {
				hits = append(hits, k)
			}
		}
		switch {
		case len(hits) == 0:
			return nil
		case len(hits) > 1:
			return cmdb.Errorf(cmdb.CodeGetMultipleAssocKindInstWithOneID)
		}
		k := hits[0]
		if k.IsPre != nil && *k.IsPre {
			return cmdb.Errorf(cmdb.CodeDeletePredefinedAssociationKind)
		}
		assts, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		for _, a := range assts {
			if a.AsstID == k.AsstID {
				return cmdb.Errorf(cmdb.CodeAssociationKindHasBeenUsed)
			}
		}
		return tx.DeleteKind(k.Supplier, k.ID)
	})
}
