package service

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// WithInstQuery is find_instassociation_with_inst's request, parsed.
type WithInstQuery struct {
	ObjID      string
	Where      cond.Expr
	AsstFields []string
	SrcFields  []string
	DstFields  []string
	SrcDetail  bool
	DstDetail  bool
	Start      int64
	Limit      int64
	Sort       string
}

// WithInstResult is find_instassociation_with_inst's answer; Src and Dst
// are null unless asked for.
type WithInstResult struct {
	Association []cmdb.InstAssociation `json:"association"`
	Src         []cmdb.Instance        `json:"src"`
	Dst         []cmdb.Instance        `json:"dst"`
}

// FindInstAsstsWithInst answers find_instassociation_with_inst: a page of
// rows of the model (source or target), plus, when asked, the instances at
// either end, each once, grouped by model.
func (s *Service) FindInstAsstsWithInst(ctx context.Context, c Caller, q WithInstQuery) (*WithInstResult, error) {
	scope := cmdb.ScopeOf(c.Supplier)
	res := &WithInstResult{Association: []cmdb.InstAssociation{}}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		var rows []cmdb.InstAssociation
		err := tx.EachInstAsst(cmdb.InstAsstQuery{Scope: scope, ObjID: q.ObjID, Where: condOrNil(q.Where),
			Sort: SortKeys(q.Sort), Start: q.Start, Limit: q.Limit}, func(a *cmdb.InstAssociation) error {
			rows = append(rows, *a)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range rows {
			res.Association = append(res.Association, project(r, q.AsstFields))
		}
		if q.SrcDetail {
			if res.Src, err = endInstances(tx, scope, rows, true, q.SrcFields); err != nil {
				return err
			}
		}
		if q.DstDetail {
			if res.Dst, err = endInstances(tx, scope, rows, false, q.DstFields); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// endInstances fetches the instances at one end of rows, model by model
// (models in name order), each instance once.
func endInstances(tx cmdb.Tx, scope cmdb.Scope, rows []cmdb.InstAssociation, source bool, fields []string) ([]cmdb.Instance, error) {
	byModel := map[string][]int64{}
	seen := map[string]map[int64]bool{}
	for _, r := range rows {
		obj, id := r.AsstObjID, r.AsstInstID
		if source {
			obj, id = r.ObjID, r.InstID
		}
		if seen[obj] == nil {
			seen[obj] = map[int64]bool{}
		}
		if !seen[obj][id] {
			seen[obj][id] = true
			byModel[obj] = append(byModel[obj], id)
		}
	}
	models := make([]string, 0, len(byModel))
	for m := range byModel {
		models = append(models, m)
	}
	sort.Strings(models)
	out := []cmdb.Instance{}
	for _, m := range models {
		insts, err := tx.InstancesByID(scope, m, byModel[m])
		if err != nil {
			return nil, err
		}
		for _, inst := range insts {
			out = append(out, projectInstance(inst, fields))
		}
	}
	return out, nil
}

func projectInstance(inst cmdb.Instance, fields []string) cmdb.Instance {
	if len(fields) == 0 {
		return inst
	}
	out := cmdb.Instance{}
	for _, f := range fields {
		if v, ok := inst[f]; ok {
			out[f] = v
		}
	}
	return out
}

// TopoGroup is one target model of search_inst_association_topo.
type TopoGroup struct {
	ID       string      `json:"id"`
	ObjID    string      `json:"bk_obj_id"`
	ObjIcon  string      `json:"bk_obj_icon"`
	InstID   int64       `json:"bk_inst_id"`
	ObjName  string      `json:"bk_obj_name"`
	InstName string      `json:"bk_inst_name"`
	AssoID   int64       `json:"asso_id"`
	Count    int         `json:"count"`
	Children []TopoChild `json:"children"`
}

// TopoChild is one instance a topo group lists.
type TopoChild struct {
	ID       string `json:"id"`
	ObjID    string `json:"bk_obj_id"`
	ObjIcon  string `json:"bk_obj_icon"`
	InstID   int64  `json:"bk_inst_id"`
	ObjName  string `json:"bk_obj_name"`
	InstName string `json:"bk_inst_name"`
	AssoID   int64  `json:"asso_id"`
}

// InstAsstTopo answers search_inst_association_topo: the instances that
// instance instID of objID points to, grouped by target model.
func (s *Service) InstAsstTopo(ctx context.Context, c Caller, objID string, instID int64) ([]TopoGroup, error) {
	scope := cmdb.ScopeOf(c.Supplier)
	out := []TopoGroup{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		obj, err := findObject(tx, c, objID)
		if err != nil {
			return err
		}
		if obj == nil {
			return cmdb.ErrInvalid("bk_obj_id")
		}
		idField := cmdb.InstIDField(objID)
		if instID == 0 {
			return cmdb.ErrInvalid(idField)
		}
		if ok, err := instanceExists(tx, scope, objID, instID); err != nil || !ok {
			return firstErr(err, cmdb.ErrInvalid(idField))
		}
		assts, err := tx.ObjAssts()
		if err != nil {
			return err
		}
		byTarget := map[string][]any{}
		var targets []string
		for _, a := range assts {
			if a.ObjID != objID || !visible(a.Supplier, c.Supplier) {
				continue
			}
			if _, ok := byTarget[a.AsstObjID]; !ok {
				targets = append(targets, a.AsstObjID)
			}
			byTarget[a.AsstObjID] = append(byTarget[a.AsstObjID], a.ObjAsstID)
		}
		for _, target := range targets {
			tobj, err := findObject(tx, c, target)
			if err != nil {
				return err
			}
			if tobj == nil {
				continue
			}
			g, err := topoGroup(tx, c, scope, objID, instID, tobj, byTarget[target])
			if err != nil {
				return err
			}
			if g.Count > 0 {
				out = append(out, *g)
			}
		}
		return nil
	})
	return out, err
}

func topoGroup(tx cmdb.Tx, c Caller, scope cmdb.Scope, objID string, instID int64, target *cmdb.Object, objAsstIDs []any) (*TopoGroup, error) {
	where := cond.And{
		cond.Pred{Field: "bk_obj_asst_id", Op: cond.OpIn, Value: objAsstIDs},
		cond.Pred{Field: "bk_inst_id", Op: cond.OpEq, Value: instID},
		cond.Pred{Field: "bk_obj_id", Op: cond.OpEq, Value: objID},
		cond.Pred{Field: "bk_asst_obj_id", Op: cond.OpEq, Value: target.ObjID},
	}
	var rows []cmdb.InstAssociation
	err := tx.EachInstAsst(cmdb.InstAsstQuery{Scope: scope, Where: where}, func(a *cmdb.InstAssociation) error {
		rows = append(rows, *a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	name := cmdb.ObjectReadName(c.Lang, target.ObjID, target.Name)
	g := &TopoGroup{ObjID: target.ObjID, ObjIcon: target.Icon, ObjName: name, Children: []TopoChild{}}
	if len(rows) == 0 {
		return g, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.AsstInstID
	}
	insts, err := tx.InstancesByID(scope, target.ObjID, ids)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	idField, nameField := cmdb.InstIDField(target.ObjID), cmdb.InstNameField(target.ObjID)
	for _, inst := range insts {
		if id, ok := asInt(inst[idField]); ok {
			n, _ := inst[nameField].(string)
			names[id] = n
		}
	}
	for _, r := range rows {
		n, ok := names[r.AsstInstID]
		if !ok {
			return nil, cmdb.ErrText(cmdb.CodeUnknownOrUnrecognizedError,
				fmt.Sprintf("failed to find the inst (%s: %d)", target.ObjID, r.AsstInstID))
		}
		g.Children = append(g.Children, TopoChild{ID: strconv.FormatInt(r.AsstInstID, 10), ObjID: target.ObjID,
			ObjIcon: target.Icon, InstID: r.AsstInstID, ObjName: name, InstName: n, AssoID: r.ID})
	}
	g.Count = len(g.Children)
	return g, nil
}

// BaseInfoQuery is search_inst_asst_object_inst_base_info's request.
type BaseInfoQuery struct {
	ObjID      string
	InstID     int64
	AsstObjID  string
	IsTarget   bool
	Start      int64
	Limit      int64
	Sort       string
	LimitGiven bool
	StartGiven bool
}

// BaseInfo is one instance of base_info's answer.
type BaseInfo struct {
	InstID   int64  `json:"bk_inst_id"`
	InstName string `json:"bk_inst_name"`
}

// BaseInfoResult is base_info's answer; Info is null when no row matches.
type BaseInfoResult struct {
	Count int64      `json:"count"`
	Info  []BaseInfo `json:"info"`
}

// NoLimit is bk-cmdb's BKNoLimit.
const NoLimit = 999999999

// InstAsstBaseInfo answers search_inst_asst_object_inst_base_info: id and
// name of the instances of AsstObjID associated with the instance.
func (s *Service) InstAsstBaseInfo(ctx context.Context, c Caller, q BaseInfoQuery) (*BaseInfoResult, error) {
	switch {
	case q.ObjID == "":
		return nil, cmdb.ErrUnassigned("bk_obj_id")
	case q.InstID == 0:
		return nil, cmdb.ErrUnassigned("bk_inst_id")
	case q.AsstObjID == "":
		return nil, cmdb.ErrUnassigned("association_obj_id")
	case q.Start < 0 || q.Limit <= 0 || (q.Limit > 1000 && q.Limit != NoLimit):
		return nil, cmdb.Errorf(cmdb.CodePageLimitIsExceeded)
	}
	scope := cmdb.ScopeOf(c.Supplier)
	where := cond.And{
		cond.Pred{Field: "bk_obj_id", Op: cond.OpEq, Value: q.ObjID},
		cond.Pred{Field: "bk_inst_id", Op: cond.OpEq, Value: q.InstID},
		cond.Pred{Field: "bk_asst_obj_id", Op: cond.OpEq, Value: q.AsstObjID},
	}
	if q.IsTarget {
		where = cond.And{
			cond.Pred{Field: "bk_asst_obj_id", Op: cond.OpEq, Value: q.ObjID},
			cond.Pred{Field: "bk_asst_inst_id", Op: cond.OpEq, Value: q.InstID},
			cond.Pred{Field: "bk_obj_id", Op: cond.OpEq, Value: q.AsstObjID},
		}
	}
	res := &BaseInfoResult{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		aq := cmdb.InstAsstQuery{Scope: scope, Where: where, Sort: SortKeys(q.Sort), Start: q.Start, Limit: q.Limit}
		n, err := tx.CountInstAsstsWhere(aq)
		if err != nil {
			return err
		}
		res.Count = n
		var ids []int64
		err = tx.EachInstAsst(aq, func(a *cmdb.InstAssociation) error {
			if q.IsTarget {
				ids = append(ids, a.InstID)
			} else {
				ids = append(ids, a.AsstInstID)
			}
			return nil
		})
		if err != nil || len(ids) == 0 {
			return err
		}
		insts, err := tx.InstancesByID(scope, q.AsstObjID, ids)
		if err != nil {
			return err
		}
		idField, nameField := cmdb.InstIDField(q.AsstObjID), cmdb.InstNameField(q.AsstObjID)
		for _, inst := range insts {
			id, _ := asInt(inst[idField])
			name, _ := inst[nameField].(string)
			res.Info = append(res.Info, BaseInfo{InstID: id, InstName: name})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
