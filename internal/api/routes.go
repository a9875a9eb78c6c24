package api

import "net/http"

// registerRoutes builds the native route table; each family registers its
// routes in its own file, one line per route.
func (s *Server) registerRoutes() {
	s.registerModelRoutes()
	s.registerInstanceRoutes()
	s.registerAssociationRoutes()
}

// registerModelRoutes is the model layer's part of the route table.
func (s *Server) registerModelRoutes() {
	r := &s.routes
	r.add(http.MethodPost, "/api/v3/find/objectclassification", "search_classifications", bodyCall(s.svc.SearchClassifications))
	r.add(http.MethodPost, "/api/v3/create/objectclassification", "create_classification", bodyCall(s.svc.CreateClassification))
	r.add(http.MethodPut, "/api/v3/update/objectclassification/{id}", "update_classification", idBodyCall(goErrText, s.svc.UpdateClassification))
	r.add(http.MethodDelete, "/api/v3/delete/objectclassification/{id}", "delete_classification", idCall(goErrText, s.svc.DeleteClassification))
	r.add(http.MethodPost, "/api/v3/find/object", "search_objects", bodyCall(s.svc.SearchObjects))
	r.add(http.MethodPost, "/api/v3/create/object", "create_object", bodyCall(s.svc.CreateObject))
	r.add(http.MethodPut, "/api/v3/update/object/{id}", "update_object", idBodyCall(notIntID, s.svc.UpdateObject))
	r.add(http.MethodDelete, "/api/v3/delete/object/{id}", "delete_object", idCall(notIntParam, s.svc.DeleteObject))
	r.add(http.MethodPost, "/api/v3/find/objectattr", "search_object_attribute", bodyCall(s.svc.SearchAttributes))
	r.add(http.MethodPost, "/api/v3/create/objectattr", "create_object_attribute", s.createAttribute)
	r.add(http.MethodPost, "/api/v3/create/objectattr/biz/{bk_biz_id}", "create_object_attribute", s.createAttribute)
	r.add(http.MethodPut, "/api/v3/update/objectattr/{id}", "update_object_attribute", idBodyCall(goErrText, s.svc.UpdateAttribute))
	r.add(http.MethodDelete, "/api/v3/delete/objectattr/{id}", "delete_object_attribute", idCall(goErrText, s.svc.DeleteAttribute))
	r.add(http.MethodPost, "/api/v3/find/objecttopology", "search_object_topo", bodyCall(s.svc.SearchObjectTopo))
	r.add(http.MethodPost, "/api/v3/find/topomodelmainline", "get_mainline_object_topo", s.mainlineTopo)
}
