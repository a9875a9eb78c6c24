package api

import (
	"net/http"
	"strconv"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
)

// registerInstanceRoutes is the instance family's part of the route table.
func (s *Server) registerInstanceRoutes() {
	r := &s.routes
	r.add(http.MethodPost, "/api/v3/create/instance/object/{bk_obj_id}", "create_inst", s.createInst)
	r.add(http.MethodPost, "/api/v3/createmany/instance/object/{bk_obj_id}", "batch_create_inst", s.batchCreateInst)
	r.add(http.MethodPut, "/api/v3/update/instance/object/{bk_obj_id}/inst/{inst_id}", "update_inst", s.updateInst)
	r.add(http.MethodPut, "/api/v3/updatemany/instance/object/{bk_obj_id}", "batch_update_inst", s.batchUpdateInst)
	r.add(http.MethodDelete, "/api/v3/delete/instance/object/{bk_obj_id}/inst/{inst_id}", "delete_inst", s.deleteInst)
	r.add(http.MethodDelete, "/api/v3/deletemany/instance/object/{bk_obj_id}", "batch_delete_inst", s.batchDeleteInst)
	r.add(http.MethodPost, "/api/v3/find/instassociation/object/{bk_obj_id}", "search_inst", s.searchInst)
	r.add(http.MethodPost, "/api/v3/search/instances/object/{bk_obj_id}", "search_object_instances", s.searchObjectInstances)
	r.add(http.MethodPost, "/api/v3/count/instances/object/{bk_obj_id}", "count_object_instances", s.countObjectInstances)
	r.add(http.MethodPost, "/api/v3/inst/search/owner/{bk_supplier_account}/object/{bk_obj_id}", "search_inst_by_object", s.searchInstByObject)
	r.add(http.MethodPost, "/api/v3/inst/search/{owner_id}/{bk_obj_id}", "search_inst_by_object", s.searchInstByObject)
	r.add(http.MethodPost, "/api/v3/find/instance/object/{bk_obj_id}", "get_inst_detail", s.searchInstByObject)
}

func (s *Server) createInst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.CreateInstance(req.Ctx, req.Caller, req.Path["bk_obj_id"], b)
}

func (s *Server) batchCreateInst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.BatchCreateInstances(req.Ctx, req.Caller, req.Path["bk_obj_id"], b)
}

// updateInst: inner model → literal "batch" → path id → body
// (models-and-instances.md §4.3).
func (s *Server) updateInst(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if err := service.CheckInstanceModel(objID, true); err != nil {
		return nil, err
	}
	if req.Path["inst_id"] == "batch" {
		return s.batchUpdateInst(req)
	}
	id, err := strconv.ParseInt(req.Path["inst_id"], 10, 64)
	if err != nil {
		return nil, cmdb.Errorf(cmdb.CodeParamsNeedInt, "inst_id")
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateInstance(req.Ctx, req.Caller, objID, id, b)
}

func (s *Server) batchUpdateInst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.BatchUpdateInstances(req.Ctx, req.Caller, req.Path["bk_obj_id"], b)
}

// deleteInst: inner model → literal "batch" → path id (§4.5).
func (s *Server) deleteInst(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if err := service.CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	if req.Path["inst_id"] == "batch" {
		return s.batchDeleteInst(req)
	}
	id, err := strconv.ParseInt(req.Path["inst_id"], 10, 64)
	if err != nil {
		return nil, cmdb.Errorf(cmdb.CodeParamsNeedInt, "inst id")
	}
	return nil, s.svc.DeleteInstance(req.Ctx, req.Caller, objID, id)
}

// batchDeleteInst decodes the body before the inner-model check (§4.6).
func (s *Server) batchDeleteInst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.BatchDeleteInstances(req.Ctx, req.Caller, req.Path["bk_obj_id"], b)
}

func (s *Server) searchInst(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchInstByAssociation(req.Ctx, req.Caller, req.Path["bk_obj_id"], b)
}

// searchObjectInstances: the inner-model check precedes decoding (§4.9).
func (s *Server) searchObjectInstances(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if err := service.CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchObjectInstances(req.Ctx, req.Caller, objID, b)
}

func (s *Server) countObjectInstances(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if err := service.CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.CountObjectInstances(req.Ctx, req.Caller, objID, b)
}

// searchInstByObject serves search_inst_by_object (both paths; the owner
// segment is ignored) and get_inst_detail: inner model before the body.
func (s *Server) searchInstByObject(req *Request) (any, error) {
	objID := req.Path["bk_obj_id"]
	if err := service.CheckInstanceModel(objID, false); err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchInstByObject(req.Ctx, req.Caller, objID, b)
}
