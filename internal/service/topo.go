package service

import (
	"context"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// TopoNode is one end of a search_object_topo edge.
type TopoNode struct {
	ClsID    string `json:"bk_classification_id"`
	Position string `json:"position"`
	ObjID    string `json:"bk_obj_id"`
	Supplier string `json:"bk_supplier_account"`
	Name     string `json:"bk_obj_name"`
}

// TopoEdge is one element of search_object_topo's answer.
type TopoEdge struct {
	LabelType string   `json:"label_type"`
	LabelName string   `json:"label_name"`
	Label     string   `json:"label"`
	From      TopoNode `json:"from"`
	To        TopoNode `json:"to"`
	Arrows    string   `json:"arrows"`
}

func kindReadName(lang cmdb.Lang, k cmdb.AssociationKind) cmdb.AssociationKind {
	cmdb.TranslateKind(lang, &k)
	return k
}

// SearchObjectTopo answers search_object_topo: one edge per model
// association whose source is a matched model.
func (s *Service) SearchObjectTopo(ctx context.Context, c Caller, cond Body) ([]TopoEdge, error) {
	m, err := parseMongo(map[string]any(cond))
	if err != nil {
		return nil, err
	}
	out := []TopoEdge{}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		objs, byID, err := visibleObjects(tx, c)
		if err != nil {
			return err
		}
		assts, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		kinds, err := tx.Kinds()
		if err != nil {
			return err
		}
		node := func(o cmdb.Object) TopoNode {
			return TopoNode{ClsID: o.ClsID, Position: o.Position, ObjID: o.ObjID, Supplier: o.Supplier, Name: objectReadName(c.Lang, o)}
		}
		for _, o := range objs {
			if !visible(o.Supplier, c.Supplier) || !m.match(toDoc(o)) {
				continue
			}
			for _, a := range assts {
				if a.ObjID != o.ObjID || !visible(a.Supplier, c.Supplier) {
					continue
				}
				var kind *cmdb.AssociationKind
				for i := range kinds {
					if kinds[i].AsstID == a.AsstID {
						k := kindReadName(c.Lang, kinds[i])
						kind = &k
					}
				}
				if kind == nil {
					return cmdb.Errorf(cmdb.CodeAsstKindIsNotExist)
				}
				to, ok := byID[a.AsstObjID]
				if !ok {
					continue
				}
				arrows := "to"
				for _, r := range assts {
					if r.ObjID == a.AsstObjID && r.AsstObjID == a.ObjID && visible(r.Supplier, c.Supplier) {
						arrows = "to,from"
					}
				}
				out = append(out, TopoEdge{LabelName: kind.AsstName, Label: kind.AsstName,
					From: node(o), To: node(to), Arrows: arrows})
			}
		}
		return nil
	})
	return out, err
}

// MainlineNode is one level of get_mainline_object_topo.
type MainlineNode struct {
	ObjID    string `json:"bk_obj_id"`
	Name     string `json:"bk_obj_name"`
	Supplier string `json:"bk_supplier_account"`
	NextObj  string `json:"bk_next_obj"`
	NextName string `json:"bk_next_name"`
	PreObj   string `json:"bk_pre_obj_id"`
	PreName  string `json:"bk_pre_obj_name"`
}

// MainlineTopo answers get_mainline_object_topo: the chain of bk_mainline
// model associations from biz down.
func (s *Service) MainlineTopo(ctx context.Context, c Caller) ([]MainlineNode, error) {
	out := []MainlineNode{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		_, byID, err := visibleObjects(tx, c)
		if err != nil {
			return err
		}
		assts, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		child := map[string]string{} // parent -> child
		for _, a := range assts {
			if a.AsstID == "bk_mainline" && visible(a.Supplier, c.Supplier) {
				child[a.AsstObjID] = a.ObjID
			}
		}
		name := func(id string) string {
			if o, ok := byID[id]; ok {
				return objectReadName(c.Lang, o)
			}
			return ""
		}
		prev := ""
		seen := map[string]bool{}
		for cur := "biz"; cur != "" && !seen[cur]; cur = child[cur] {
			seen[cur] = true
			next := child[cur]
			sup := cmdb.DefaultSupplier
			if o, ok := byID[cur]; ok {
				sup = o.Supplier
			}
			out = append(out, MainlineNode{ObjID: cur, Name: name(cur), Supplier: sup,
				NextObj: next, NextName: name(next), PreObj: prev, PreName: name(prev)})
			prev = cur
		}
		return nil
	})
	return out, err
}

// visibleObjects lists the models and indexes the ones the caller sees by
// bk_obj_id.
func visibleObjects(tx cmdb.Tx, c Caller) ([]cmdb.Object, map[string]cmdb.Object, error) {
	objs, err := tx.Objects()
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]cmdb.Object{}
	for _, o := range objs {
		if visible(o.Supplier, c.Supplier) {
			byID[o.ObjID] = o
		}
	}
	return objs, byID, nil
}
