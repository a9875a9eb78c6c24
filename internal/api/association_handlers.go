package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/service"
)

// registerAssociationRoutes is the association family's part of the route
// table.
func (s *Server) registerAssociationRoutes() {
	r := &s.routes
	r.addDoc(http.MethodPost, "/api/v3/find/instassociation", "find_instance_association", s.findInstAssts)
	r.add(http.MethodPost, "/api/v3/create/instassociation", "add_instance_association", s.addInstAsst)
	r.add(http.MethodPost, "/api/v3/createmany/instassociation", "batch_create_instance_association", s.batchCreateInstAssts)
	r.add(http.MethodDelete, "/api/v3/delete/instassociation/{bk_obj_id}/{association_id}", "delete_instance_association", s.deleteInstAsst)
	r.add(http.MethodDelete, "/api/v3/delete/instassociation/batch", "delete_related_inst_asso", s.deleteRelatedInstAssts)
	r.add(http.MethodPost, "/api/v3/find/instassociation/related", "search_related_inst_asso", s.searchRelatedInstAssts)
	r.add(http.MethodPost, "/api/v3/search/instance_associations/object/{bk_obj_id}", "search_instance_associations", s.searchInstAssts)
	r.add(http.MethodPost, "/api/v3/count/instance_associations/object/{bk_obj_id}", "count_instance_associations", s.countInstAssts)
	r.add(http.MethodPost, "/api/v3/find/instassociation/object/{bk_obj_id}/inst/detail", "find_instassociation_with_inst", s.findInstAsstsWithInst)
	r.add(http.MethodPost, "/api/v3/find/insttopo/object/{bk_obj_id}/inst/{inst_id}", "search_inst_association_topo", s.instAsstTopo)
	r.add(http.MethodPost, "/api/v3/findmany/inst/association/association_object/inst_base_info", "search_inst_asst_object_inst_base_info", s.instAsstBaseInfo)
	r.add(http.MethodPost, "/api/v3/find/objectassociation", "find_object_association", s.findObjAssts)
	r.add(http.MethodPost, "/api/v3/create/objectassociation", "post_create_objectassociation", s.createObjAsst)
	r.add(http.MethodPut, "/api/v3/update/objectassociation/{id}", "put_update_objectassociation", s.updateObjAsst)
	r.add(http.MethodDelete, "/api/v3/delete/objectassociation/{id}", "delete_delete_objectassociation", s.deleteObjAsst)
	r.add(http.MethodPost, "/api/v3/find/associationtype", "post_find_associationtype", s.findKinds)
	r.add(http.MethodPost, "/api/v3/create/associationtype", "post_create_associationtype", s.createKind)
	r.add(http.MethodPut, "/api/v3/update/associationtype/{id}", "put_update_associationtype", s.updateKind)
	r.add(http.MethodDelete, "/api/v3/delete/associationtype/{id}", "delete_delete_associationtype", s.deleteKind)
}

// decodeInto decodes the body into v; a body that does not fit is decodeErr.
func decodeInto(req *Request, v any, decodeErr *cmdb.Error) error {
	if err := decodeJSON(req.Body, v); err != nil {
		return decodeErr
	}
	return nil
}

// pageInput is bk-cmdb's page object.
type pageInput struct {
	Start int64  `json:"start"`
	Limit int64  `json:"limit"`
	Sort  string `json:"sort"`
}

func (s *Server) findInstAssts(req *Request) (any, error) {
	var in struct {
		ObjID     string         `json:"bk_obj_id"`
		Condition map[string]any `json:"condition"`
	}
	if ok, bad := findArgsFromDoc(req.Doc, &in.ObjID, &in.Condition); bad {
		return nil, cmdb.ErrDecode1199006()
	} else if !ok {
		body, err := docBody(req)
		if err != nil {
			return nil, cmdb.ErrDecode1199006()
		}
		if err := decodeJSON(body, &in); err != nil {
			return nil, cmdb.ErrDecode1199006()
		}
	}
	return s.svc.FindInstAsstsCached(req.Ctx, req.Caller, in.ObjID, in.Condition, s.answers)
}

// findArgsFromDoc reads find_instance_association's two fields from a body
// the door decoded, as encoding/json would decode its encoding into them:
// bk_obj_id a string or null, condition an object or null, anything else a
// decoding failure (bad). ok is false when doc is nil or has a key that
// encoding/json would match to a field without being the field's exact
// name ("BK_OBJ_ID"): the caller then decodes as for any body.
func findArgsFromDoc(doc map[string]any, objID *string, condition *map[string]any) (ok, bad bool) {
	if doc == nil {
		return false, false
	}
	for k, v := range doc {
		switch k {
		case "bk_obj_id":
			switch x := v.(type) {
			case string:
				*objID = x
			case nil:
			default:
				bad = true
			}
		case "condition":
			switch x := v.(type) {
			case map[string]any:
				*condition = x
			case nil:
			default:
				bad = true
			}
		default:
			if strings.EqualFold(k, "bk_obj_id") || strings.EqualFold(k, "condition") {
				*objID, *condition = "", nil
				return false, false
			}
		}
	}
	return true, bad
}

func (s *Server) addInstAsst(req *Request) (any, error) {
	var in service.AddInstAsstInput
	if err := decodeInto(req, &in, cmdb.ErrDecode1199006()); err != nil {
		return nil, err
	}
	id, err := s.svc.AddInstAsst(req.Ctx, req.Caller, in)
	if err != nil {
		return nil, err
	}
	return map[string]int64{"id": id}, nil
}

func (s *Server) batchCreateInstAssts(req *Request) (any, error) {
	var in service.BatchInstAsstInput
	if err := decodeInto(req, &in, cmdb.ErrDecode()); err != nil {
		return nil, err
	}
	return s.svc.BatchCreateInstAsst(req.Ctx, req.Caller, in)
}

func (s *Server) deleteInstAsst(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if objID == "" {
		return nil, cmdb.ErrUnassigned("bk_obj_id")
	}
	id, err := pathID(req, "association_id", func(error) *cmdb.Error { return cmdb.Errorf(cmdb.CodeParamsNeedInt, "association_id") })
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteInstAsst(req.Ctx, req.Caller, objID, id)
}

func (s *Server) deleteRelatedInstAssts(req *Request) (any, error) {
	var in struct {
		ID    []int64 `json:"id"`
		ObjID string  `json:"bk_obj_id"`
	}
	if err := decodeInto(req, &in, cmdb.ErrDecode1199006()); err != nil {
		return nil, err
	}
	return s.svc.DeleteRelatedInstAssts(req.Ctx, req.Caller, in.ObjID, in.ID)
}

func (s *Server) searchRelatedInstAssts(req *Request) (any, error) {
	var in struct {
		Condition struct {
			ObjID  string `json:"bk_obj_id"`
			InstID int64  `json:"bk_inst_id"`
		} `json:"condition"`
		Fields []string  `json:"fields"`
		Page   pageInput `json:"page"`
	}
	if err := decodeInto(req, &in, cmdb.Errorf(cmdb.CodeParamsInvalid, cmdb.ErrDecode())); err != nil {
		return nil, err
	}
	return s.svc.SearchRelatedInstAssts(req.Ctx, req.Caller, service.RelatedQuery{ObjID: in.Condition.ObjID,
		InstID: in.Condition.InstID, Fields: in.Fields, Start: in.Page.Start, Limit: in.Page.Limit})
}

// asstSearchInput is the body of search/count_instance_associations.
type asstSearchInput struct {
	Conditions any       `json:"conditions"`
	Fields     []string  `json:"fields"`
	Page       pageInput `json:"page"`
	BizID      any       `json:"bk_biz_id"`
	TimeCond   any       `json:"time_condition"`
}

// MaxAsstSearchLimit is search_instance_associations' largest page.
const MaxAsstSearchLimit = 500

func parseAsstSearch(req *Request, paged bool) (service.AsstSearch, error) {
	var in asstSearchInput
	if err := decodeInto(req, &in, cmdb.ErrDecode()); err != nil {
		return service.AsstSearch{}, err
	}
	if paged && (in.Page.Limit <= 0 || in.Page.Limit > MaxAsstSearchLimit) {
		return service.AsstSearch{}, cmdb.ErrParamsInvalid("page.limit")
	}
	q := service.AsstSearch{ObjID: req.Path["bk_obj_id"], Fields: in.Fields,
		Start: in.Page.Start, Limit: in.Page.Limit, Sort: in.Page.Sort}
	if in.Conditions != nil {
		e, err := cond.ParseQueryBuilder(in.Conditions, cond.QBOptions{Prefix: "conditions"})
		if err != nil {
			return service.AsstSearch{}, err
		}
		q.Where = e
	}
	return q, nil
}

func (s *Server) searchInstAssts(req *Request) (any, error) {
	q, err := parseAsstSearch(req, true)
	if err != nil {
		return nil, err
	}
	rows, err := s.svc.SearchInstAssts(req.Ctx, req.Caller, q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"info": rows}, nil
}

func (s *Server) countInstAssts(req *Request) (any, error) {
	q, err := parseAsstSearch(req, false)
	if err != nil {
		return nil, err
	}
	n, err := s.svc.CountInstAssts(req.Ctx, req.Caller, q)
	if err != nil {
		return nil, err
	}
	return map[string]int64{"count": n}, nil
}

// MaxWithInstLimit is find_instassociation_with_inst's largest page.
const MaxWithInstLimit = 200

func (s *Server) findInstAsstsWithInst(req *Request) (any, error) {
	var in struct {
		Condition struct {
			AsstFilter any      `json:"asst_filter"`
			AsstFields []string `json:"asst_fields"`
			SrcFields  []string `json:"src_fields"`
			DstFields  []string `json:"dst_fields"`
			SrcDetail  bool     `json:"src_detail"`
			DstDetail  bool     `json:"dst_detail"`
		} `json:"condition"`
		Page pageInput `json:"page"`
	}
	if err := decodeInto(req, &in, cmdb.ErrDecode()); err != nil {
		return nil, err
	}
	c := in.Condition
	if c.AsstFilter == nil {
		return nil, cmdb.ErrInvalid("condition.asst_filter")
	}
	e, perr := cond.ParseQueryBuilder(c.AsstFilter, cond.QBOptions{Prefix: "condition.asst_filter",
		Code: cmdb.CodeParamsIsInvalid, NoLimits: true})
	if perr != nil {
		return nil, perr
	}
	switch {
	case in.Page.Limit > MaxWithInstLimit:
		return nil, cmdb.Errorf(cmdb.CodePageLimitIsExceeded)
	case in.Page.Limit <= 0:
		return nil, cmdb.ErrUnassigned("page.limit")
	}
	return s.svc.FindInstAsstsWithInst(req.Ctx, req.Caller, service.WithInstQuery{
		ObjID: req.Path["bk_obj_id"], Where: e, AsstFields: c.AsstFields, SrcFields: c.SrcFields,
		DstFields: c.DstFields, SrcDetail: c.SrcDetail, DstDetail: c.DstDetail,
		Start: in.Page.Start, Limit: in.Page.Limit, Sort: in.Page.Sort})
}

func (s *Server) instAsstTopo(req *Request) (any, error) {
	id, err := pathID(req, "inst_id", goErrText)
	if err != nil {
		return nil, err
	}
	return s.svc.InstAsstTopo(req.Ctx, req.Caller, req.Path["bk_obj_id"], id)
}

func (s *Server) instAsstBaseInfo(req *Request) (any, error) {
	var in struct {
		Condition struct {
			ObjID     string `json:"bk_obj_id"`
			InstID    int64  `json:"bk_inst_id"`
			AsstObjID string `json:"association_obj_id"`
			IsTarget  bool   `json:"is_target_object"`
		} `json:"condition"`
		Page pageInput `json:"page"`
	}
	if err := decodeInto(req, &in, cmdb.ErrDecode()); err != nil {
		return nil, err
	}
	c := in.Condition
	return s.svc.InstAsstBaseInfo(req.Ctx, req.Caller, service.BaseInfoQuery{ObjID: c.ObjID, InstID: c.InstID,
		AsstObjID: c.AsstObjID, IsTarget: c.IsTarget, Start: in.Page.Start, Limit: in.Page.Limit, Sort: in.Page.Sort})
}

// literalInvalid is 1199011 with its template verbatim ('%s' stays).
func literalInvalid() *cmdb.Error { return cmdb.Errorf(cmdb.CodeParamsIsInvalid) }

func (s *Server) findObjAssts(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	var condition map[string]any
	if raw, ok := b["condition"]; ok {
		if raw == nil {
			return nil, literalInvalid()
		}
		m, isMap := raw.(map[string]any)
		if !isMap {
			return nil, cmdb.ErrText(cmdb.CodeParamsIsInvalid, "the value of the key(condition) is not a map[string]interface{} type")
		}
		if len(m) == 0 {
			return nil, literalInvalid()
		}
		condition = m
	} else {
		// Legacy form {"bk_obj_id": "<id>"}: bk-cmdb builds an invalid
		// $in from it; cmdb treats it as equality.
		id, present, ok := b.Str("bk_obj_id")
		if !present || !ok || id == "" {
			return nil, literalInvalid()
		}
		condition = map[string]any{"bk_obj_id": id}
	}
	return s.svc.FindObjAssts(req.Ctx, req.Caller, condition)
}

func (s *Server) createObjAsst(req *Request) (any, error) {
	var in struct {
		ObjAsstID   string `json:"bk_obj_asst_id"`
		ObjAsstName string `json:"bk_obj_asst_name"`
		ObjID       string `json:"bk_obj_id"`
		AsstObjID   string `json:"bk_asst_obj_id"`
		AsstID      string `json:"bk_asst_id"`
		Mapping     string `json:"mapping"`
		OnDelete    string `json:"on_delete"`
		IsPre       *bool  `json:"ispre"`
		Supplier    string `json:"bk_supplier_account"`
	}
	if err := decodeInto(req, &in, literalInvalid()); err != nil {
		return nil, err
	}
	return s.svc.CreateObjAsst(req.Ctx, req.Caller, cmdb.ObjectAssociation{ObjAsstID: in.ObjAsstID,
		ObjAsstName: in.ObjAsstName, ObjID: in.ObjID, AsstObjID: in.AsstObjID, AsstID: in.AsstID,
		Mapping: in.Mapping, OnDelete: in.OnDelete, IsPre: in.IsPre, Supplier: in.Supplier})
}

func (s *Server) updateObjAsst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	id, err := pathID(req, "id", func(error) *cmdb.Error { return literalInvalid() })
	if err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateObjAsst(req.Ctx, req.Caller, id, b)
}

func (s *Server) deleteObjAsst(req *Request) (any, error) {
	id, err := strconv.ParseInt(req.Path["id"], 10, 64)
	if err != nil || id <= 0 {
		return nil, cmdb.Errorf(cmdb.CodeInvalidObjectAssociationID)
	}
	return nil, s.svc.DeleteObjAsst(req.Ctx, req.Caller, id)
}

func (s *Server) findKinds(req *Request) (any, error) {
	var in struct {
		Condition map[string]any `json:"condition"`
		Page      pageInput      `json:"page"`
	}
	if err := decodeInto(req, &in, cmdb.ErrDecode1199006()); err != nil {
		return nil, err
	}
	var condition any
	if in.Condition != nil {
		condition = in.Condition
	}
	return s.svc.FindKinds(req.Ctx, req.Caller, condition, service.Page{Start: in.Page.Start, Limit: in.Page.Limit, Sort: in.Page.Sort})
}

func (s *Server) createKind(req *Request) (any, error) {
	var in service.KindInput
	if err := decodeInto(req, &in, cmdb.ErrDecode1199006()); err != nil {
		return nil, err
	}
	id, err := s.svc.CreateKind(req.Ctx, req.Caller, in)
	if err != nil {
		return nil, err
	}
	return map[string]int64{"id": id}, nil
}

// kindID parses the association type path id: a failure answers 1199006
// with the Go error text.
func kindID(req *Request) (int64, error) {
	return pathID(req, "id", func(err error) *cmdb.Error {
		return cmdb.ErrText(cmdb.CodeParamsInvalid, err.Error())
	})
}

func (s *Server) updateKind(req *Request) (any, error) {
	id, err := kindID(req)
	if err != nil {
		return nil, err
	}
	var in service.KindInput
	if err := decodeInto(req, &in, cmdb.ErrDecode1199006()); err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateKind(req.Ctx, req.Caller, id, in)
}

func (s *Server) deleteKind(req *Request) (any, error) {
	id, err := kindID(req)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteKind(req.Ctx, req.Caller, id)
}
