package esb

// component is one ESB v2 name: the native method and path it forwards to,
// and the body fields that become path variables (cc.yaml dest_path).
type component struct {
	method string
	path   string
	// vars maps a body field to the path variable it fills, in path order.
	vars [][2]string
}

func post(path string, vars ...[2]string) component { return component{"POST", path, vars} }
func put(path string, vars ...[2]string) component  { return component{"PUT", path, vars} }
func del(path string, vars ...[2]string) component  { return component{"DELETE", path, vars} }

var (
	objVar  = [2]string{"bk_obj_id", "bk_obj_id"}
	idVar   = [2]string{"id", "id"}
	instVar = [2]string{"bk_inst_id", "inst_id"}
)

// components is every in-scope ESB name (spec README.md).
var components = map[string]component{
	// P0: associations.
	"find_instance_association":              post("/api/v3/find/instassociation"),
	"add_instance_association":               post("/api/v3/create/instassociation"),
	"batch_create_instance_association":      post("/api/v3/createmany/instassociation"),
	"delete_instance_association":            del("/api/v3/delete/instassociation/{bk_obj_id}/{association_id}", objVar, [2]string{"id", "association_id"}),
	"delete_related_inst_asso":               del("/api/v3/delete/instassociation/batch"),
	"search_related_inst_asso":               post("/api/v3/find/instassociation/related"),
	"search_instance_associations":           post("/api/v3/search/instance_associations/object/{bk_obj_id}", objVar),
	"count_instance_associations":            post("/api/v3/count/instance_associations/object/{bk_obj_id}", objVar),
	"find_instassociation_with_inst":         post("/api/v3/find/instassociation/object/{bk_obj_id}/inst/detail", objVar),
	"search_inst_association_topo":           post("/api/v3/find/insttopo/object/{bk_obj_id}/inst/{inst_id}", objVar, instVar),
	"search_inst_asst_object_inst_base_info": post("/api/v3/findmany/inst/association/association_object/inst_base_info"),
	"find_object_association":                post("/api/v3/find/objectassociation"),

	// P1: classifications, models, attributes, instances.
	"search_classifications":  post("/api/v3/find/objectclassification"),
	"create_classification":   post("/api/v3/create/objectclassification"),
	"update_classification":   put("/api/v3/update/objectclassification/{id}", idVar),
	"delete_classification":   del("/api/v3/delete/objectclassification/{id}", idVar),
	"search_objects":          post("/api/v3/find/object"),
	"create_object":           post("/api/v3/create/object"),
	"update_object":           put("/api/v3/update/object/{id}", idVar),
	"delete_object":           del("/api/v3/delete/object/{id}", idVar),
	"search_object_attribute": post("/api/v3/find/objectattr"),
	"create_object_attribute": post("/api/v3/create/objectattr"),
	"update_object_attribute": put("/api/v3/update/objectattr/{id}", idVar),
	"delete_object_attribute": del("/api/v3/delete/objectattr/{id}", idVar),
	"search_object_topo":      post("/api/v3/find/objecttopology"),
	"create_inst":             post("/api/v3/create/instance/object/{bk_obj_id}", objVar),
	"batch_create_inst":       post("/api/v3/createmany/instance/object/{bk_obj_id}", objVar),
	"update_inst":             put("/api/v3/update/instance/object/{bk_obj_id}/inst/{inst_id}", objVar, instVar),
	"batch_update_inst":       put("/api/v3/updatemany/instance/object/{bk_obj_id}", objVar),
	"delete_inst":             del("/api/v3/delete/instance/object/{bk_obj_id}/inst/{inst_id}", objVar, instVar),
	"batch_delete_inst":       del("/api/v3/deletemany/instance/object/{bk_obj_id}", objVar),
	"search_inst":             post("/api/v3/find/instassociation/object/{bk_obj_id}", objVar),
	"search_object_instances": post("/api/v3/search/instances/object/{bk_obj_id}", objVar),
	"count_object_instances":  post("/api/v3/count/instances/object/{bk_obj_id}", objVar),

	// P2.
	"get_mainline_object_topo": post("/api/v3/find/topomodelmainline"),
}

// generalParams are removed from the body before forwarding (envelope-and-
// auth.md §5.3).
var generalParams = []string{"bk_app_code", "app_code", "bk_app_secret", "app_secret", "bk_signature",
	"signature", "bk_nonce", "bk_timestamp", "bk_token", "bk_username", "username", "bk_supplier_account"}
