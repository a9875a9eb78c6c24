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
	r.add(http.MethodPost, "/api/v3/find/objectclassification", "search_classifications", s.searchClassifications)
	r.add(http.MethodPost, "/api/v3/create/objectclassification", "create_classification", s.createClassification)
	r.add(http.MethodPut, "/api/v3/update/objectclassification/{id}", "update_classification", s.updateClassification)
	r.add(http.MethodDelete, "/api/v3/delete/objectclassification/{id}", "delete_classification", s.deleteClassification)
	r.add(http.MethodPost, "/api/v3/find/object", "search_objects", s.searchObjects)
	r.add(http.MethodPost, "/api/v3/create/object", "create_object", s.createObject)
	r.add(http.MethodPut, "/api/v3/update/object/{id}", "update_object", s.updateObject)
	r.add(http.MethodDelete, "/api/v3/delete/object/{id}", "delete_object", s.deleteObject)
	r.add(http.MethodPost, "/api/v3/find/objectattr", "search_object_attribute", s.searchAttributes)
	r.add(http.MethodPost, "/api/v3/create/objectattr", "create_object_attribute", s.createAttribute)
	r.add(http.MethodPost, "/api/v3/create/objectattr/biz/{bk_biz_id}", "create_object_attribute", s.createAttribute)
	r.add(http.MethodPut, "/api/v3/update/objectattr/{id}", "update_object_attribute", s.updateAttribute)
	r.add(http.MethodDelete, "/api/v3/delete/objectattr/{id}", "delete_object_attribute", s.deleteAttribute)
	r.add(http.MethodPost, "/api/v3/find/objecttopology", "search_object_topo", s.searchObjectTopo)
	r.add(http.MethodPost, "/api/v3/find/topomodelmainline", "get_mainline_object_topo", s.mainlineTopo)
}
