package e2e

// associations.md §2: object (model) associations. find_object_association
// has an ESB name; create, update and delete do not.

import (
	"net/http"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Preset model associations (presets.md §5) in id order.
const asstSwitchHostJSON = `{"id":4,"bk_supplier_account":"0","bk_obj_asst_id":"bk_switch_connect_host","bk_obj_asst_name":"",` +
	`"bk_obj_id":"bk_switch","bk_asst_obj_id":"host","bk_asst_id":"connect","mapping":"1:n","on_delete":"none","ispre":false}`

// asstObjAsstIDs asserts the bk_obj_asst_id of the rows of data in order.
func asstObjAsstIDs(want ...string) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		if want == nil {
			want = []string{}
		}
		wantEqual(t, "bk_obj_asst_id", fields(r.list(), "bk_obj_asst_id"), want)
	}
}

// asstObjAsstByID returns the stored model association with id, or nil.
func asstObjAsstByID(e *env, id int64) *cmdb.ObjectAssociation {
	for _, a := range asstObjAssts(e) {
		if a.ID == id {
			return &a
		}
	}
	return nil
}

const asstRouterFirewall = `{"bk_obj_asst_id":"bk_router_default_bk_firewall","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","mapping":"n:n"}`

func TestAssocFindObjectAssociation(t *testing.T) {
	const lit = "'%s' the parameter is invalid or does not exist"
	const litZH = "'%s' 参数无效或不存在"
	const notMap = "the value of the key(condition) is not a map[string]interface{} type"
	op := "find_object_association"
	runAsstCases(t, []asstCase{
		{name: "by bk_obj_id", op: op, body: `{"condition":{"bk_obj_id":"bk_switch"}}`, golden: true,
			check: asstWantData(`[` + asstSwitchHostJSON + `]`)},
		{name: "by bk_asst_obj_id", op: op, body: `{"condition":{"bk_asst_obj_id":"host"}}`,
			check: asstObjAsstIDs("bk_switch_connect_host")},
		{name: "doc vs code: neither bk_obj_id nor bk_asst_obj_id is required", op: op,
			body:  `{"condition":{"bk_asst_id":"bk_mainline"}}`,
			check: asstObjAsstIDs("set_bk_mainline_biz", "module_bk_mainline_set", "host_bk_mainline_module")},
		{name: "operators", op: op, body: `{"condition":{"bk_obj_asst_id":{"$regex":"^(set|module)_"},"id":{"$in":[1,2,3,4]}}}`,
			check: asstObjAsstIDs("set_bk_mainline_biz", "module_bk_mainline_set")},
		{name: "no paging: page is ignored", op: op, body: `{"condition":{"ispre":true},"page":{"limit":1}}`,
			check: asstObjAsstIDs("set_bk_mainline_biz", "module_bk_mainline_set", "host_bk_mainline_module")},
		{name: "no match", op: op, body: `{"condition":{"bk_obj_id":"nope"}}`, check: wantEmptyArray},
		{name: "ispre not sent reads null", op: op, body: `{"condition":{"bk_obj_id":"bk_router"}}`,
			setup: func(e *env) { e.asstGW("post_create_objectassociation", asstRouterFirewall) },
			check: asstWantData(`[{"id":5,"bk_supplier_account":"0","bk_obj_asst_id":"bk_router_default_bk_firewall","bk_obj_asst_name":"",` +
				`"bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","mapping":"n:n","on_delete":"none","ispre":null}]`)},
		{name: "another supplier's association is not seen", op: op, body: `{"condition":{"bk_obj_id":"bk_router"}}`,
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "r_x_f", ObjID: "bk_router", AsstObjID: "bk_firewall", AsstID: "default", Supplier: "x"})
			},
			check: wantEmptyArray},
		{name: "a supplier sees its own and supplier 0's", op: op, doors: []door{esbDoor},
			body: `{"bk_supplier_account":"x","condition":{"bk_obj_id":{"$in":["bk_router","bk_switch"]}}}`,
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "r_x_f", ObjID: "bk_router", AsstObjID: "bk_firewall", AsstID: "default", Supplier: "x"})
			},
			check: asstObjAsstIDs("bk_switch_connect_host", "r_x_f")},
		{name: "legacy bk_obj_id form is equality", op: op, body: `{"bk_obj_id":"bk_switch"}`,
			check: asstObjAsstIDs("bk_switch_connect_host")},
		{name: "empty condition", op: op, body: `{"condition":{}}`, code: 1199011, msg: lit, zh: litZH},
		{name: "condition null", op: op, body: `{"condition":null}`, code: 1199011, msg: lit, zh: litZH},
		{name: "condition not an object", op: op, body: `{"condition":"bk_switch"}`, code: 1199011, msg: notMap, zh: notMap},
		{name: "condition an array", op: op, body: `{"condition":[{"bk_obj_id":"bk_switch"}]}`, code: 1199011, msg: notMap},
		{name: "legacy bk_obj_id empty", op: op, body: `{"bk_obj_id":""}`, code: 1199011, msg: lit},
		{name: "legacy bk_obj_id not a string", op: op, body: `{"bk_obj_id":9}`, code: 1199011, msg: lit},
		{name: "neither condition nor bk_obj_id", op: op, body: `{}`, code: 1199011, msg: lit, zh: litZH},
		{name: "body not JSON", op: op, raw: `{"condition":`, code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "forbidden operator", op: op, body: `{"condition":{"$where":"this.a"}}`,
			code: 1199998, msg: `operator "$where" is forbidden`},
	})
}

func TestAssocCreateObjectAssociation(t *testing.T) {
	const op = "post_create_objectassociation"
	const lit = "'%s' the parameter is invalid or does not exist"
	body := func(oaid, from, to, kind string) string {
		return `{"bk_obj_asst_id":"` + oaid + `","bk_obj_id":"` + from + `","bk_asst_obj_id":"` + to + `","bk_asst_id":"` + kind + `","mapping":"n:n"}`
	}
	stored := func(id int64, want cmdb.ObjectAssociation) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			t.Helper()
			a := asstObjAsstByID(e, id)
			if a == nil {
				t.Fatalf("model association %d not stored", id)
			}
			wantEqual(t, "stored", *a, want)
		}
	}
	no := false
	runAsstCases(t, []asstCase{
		{name: "success echoes the request", op: op, body: asstRouterFirewall, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				asstWantData(`{"id":5,"bk_supplier_account":"","bk_obj_asst_id":"bk_router_default_bk_firewall","bk_obj_asst_name":"",`+
					`"bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","mapping":"n:n","on_delete":"none","ispre":null}`)(t, e, d, r)
				stored(5, cmdb.ObjectAssociation{ID: 5, Supplier: "0", ObjAsstID: "bk_router_default_bk_firewall", ObjID: "bk_router",
					AsstObjID: "bk_firewall", AsstID: "default", Mapping: "n:n", OnDelete: "none"})(t, e, d, r)
			}},
		{name: "echo keeps the caller's supplier and ispre; the store the header's", op: op,
			body: `{"bk_obj_asst_id":"r_f","bk_obj_asst_name":"alias","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall",` +
				`"bk_asst_id":"default","mapping":"1:1","on_delete":"delete_src","ispre":false,"bk_supplier_account":"abc"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				asstWantData(`{"id":5,"bk_supplier_account":"abc","bk_obj_asst_id":"r_f","bk_obj_asst_name":"alias","bk_obj_id":"bk_router",`+
					`"bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","mapping":"1:1","on_delete":"delete_src","ispre":false}`)(t, e, d, r)
				stored(5, cmdb.ObjectAssociation{ID: 5, Supplier: "0", ObjAsstID: "r_f", ObjAsstName: "alias", ObjID: "bk_router",
					AsstObjID: "bk_firewall", AsstID: "default", Mapping: "1:1", OnDelete: "delete_src", IsPre: &no})(t, e, d, r)
			}},
		{name: "the kind's existence is not checked", op: op, body: body("r_nokind_f", "bk_router", "bk_firewall", "nokind"),
			check: stored(5, cmdb.ObjectAssociation{ID: 5, Supplier: "0", ObjAsstID: "r_nokind_f", ObjID: "bk_router",
				AsstObjID: "bk_firewall", AsstID: "nokind", Mapping: "n:n", OnDelete: "none"})},
		{name: "mapping and on_delete are not validated", op: op,
			body: `{"bk_obj_asst_id":"r_f","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","mapping":"weird","on_delete":"explode"}`,
			check: stored(5, cmdb.ObjectAssociation{ID: 5, Supplier: "0", ObjAsstID: "r_f", ObjID: "bk_router",
				AsstObjID: "bk_firewall", AsstID: "default", Mapping: "weird", OnDelete: "explode"})},
		{name: "a model may associate with itself", op: op, body: body("r_default_r", "bk_router", "bk_router", "default"),
			check: asstWantData(`{"id":5,"bk_supplier_account":"","bk_obj_asst_id":"r_default_r","bk_obj_asst_name":"","bk_obj_id":"bk_router",` +
				`"bk_asst_obj_id":"bk_router","bk_asst_id":"default","mapping":"n:n","on_delete":"none","ispre":null}`)},
		{name: "bk_obj_asst_id is unique per supplier", op: op, body: body("dup", "bk_router", "bk_firewall", "default"),
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "dup", ObjID: "bk_router", AsstObjID: "bk_firewall", AsstID: "run", Supplier: "x"})
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				if a := asstObjAsstByID(e, 6); a == nil || a.ObjAsstID != "dup" || a.Supplier != "0" {
					t.Errorf("stored: %+v", a)
				}
			}},
		{name: "body not JSON", op: op, raw: `{"bk_obj_id"`, code: 1199011, msg: lit, zh: "'%s' 参数无效或不存在"},
		{name: "field of the wrong type", op: op, body: `{"bk_obj_asst_id":"a","bk_obj_id":1,"bk_asst_obj_id":"host","bk_asst_id":"default"}`,
			code: 1199011, msg: lit},
		{name: "bk_mainline", op: op, body: body("bk_router_bk_mainline_bk_firewall", "bk_router", "bk_firewall", "bk_mainline"),
			code: 1101082, msg: "bk_mainline association type can't use in this scene", zh: "bk_mainline 为内置关联类型，不能用于当前场景"},
		{name: "order: bk_mainline before missing parameters", op: op, body: `{"bk_asst_id":"bk_mainline"}`,
			code: 1101082, msg: "bk_mainline association type can't use in this scene"},
		{name: "bk_asst_id missing", op: op, body: body("a", "bk_router", "bk_firewall", ""),
			code: 1101045, msg: "object association missing parameters.", zh: "模型关联关系缺少相关参数"},
		{name: "bk_obj_id missing", op: op, body: body("a", "", "bk_firewall", "default"),
			code: 1101045, msg: "object association missing parameters."},
		{name: "bk_asst_obj_id missing", op: op, body: body("a", "bk_router", "", "default"),
			code: 1101045, msg: "object association missing parameters."},
		{name: "same source, target and kind", op: op, body: body("other", "bk_switch", "host", "connect"),
			code: 1101038, msg: "the associations bk_switch->host already exist", zh: "关联关系 bk_switch->host 重复"},
		{name: "order: same triple before model existence", op: op, body: body("other", "ghost1", "ghost2", "run"),
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "g", ObjID: "ghost1", AsstObjID: "ghost2", AsstID: "run", Supplier: "0"})
			},
			code: 1101038, msg: "the associations ghost1->ghost2 already exist"},
		{name: "neither model exists", op: op, body: body("a", "ghost1", "ghost2", "default"),
			code: 1199011, msg: "'bk_obj_id&bk_asst_obj_id' the parameter is invalid or does not exist", zh: "'bk_obj_id&bk_asst_obj_id' 参数无效或不存在"},
		{name: "source model missing", op: op, body: body("a", "ghost1", "host", "default"),
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "target model missing", op: op, body: body("a", "host", "ghost2", "default"),
			code: 1199011, msg: "'bk_asst_obj_id' the parameter is invalid or does not exist"},
		{name: "bk_obj_asst_id empty", op: op, body: body("", "bk_router", "bk_firewall", "default"),
			code: 1199010, msg: "'bk_obj_asst_id' unassigned", zh: "'bk_obj_asst_id' 未赋值"},
		{name: "order: model existence before bk_obj_asst_id", op: op, body: body("", "ghost1", "bk_firewall", "default"),
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "bk_project as source", op: op, body: body("p_default_h", "bk_project", "host", "default"),
			code: 1101120, msg: "Model bk_project forbids the creation of association relationships", zh: "模型bk_project禁止创建的关联关系"},
		{name: "bk_project as target", op: op, body: body("h_default_p", "host", "bk_project", "default"),
			code: 1101121, msg: "The associated model bk_project forbids the creation of association relationships", zh: "被关联模型bk_project禁止创建关联关系"},
		{name: "bk_obj_asst_id taken", op: op, body: body("bk_switch_connect_host", "bk_router", "host", "connect"),
			code: 1199014, msg: "duplicated instances exist, fields [bk_switch_connect_host] duplicated", zh: "数据唯一性校验失败， bk_switch_connect_host 重复"},
	})
}

func TestAssocUpdateObjectAssociation(t *testing.T) {
	const op = "put_update_objectassociation"
	mk := func(e *env) { e.asstGW("post_create_objectassociation", asstRouterFirewall) }
	want := func(name string) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			t.Helper()
			wantNullData(t, e, d, r)
			a := asstObjAsstByID(e, 5)
			wantEqual(t, "stored", *a, cmdb.ObjectAssociation{ID: 5, Supplier: "0", ObjAsstID: "bk_router_default_bk_firewall",
				ObjAsstName: name, ObjID: "bk_router", AsstObjID: "bk_firewall", AsstID: "default", Mapping: "n:n", OnDelete: "none"})
		}
	}
	forbidden := func(field string) asstCase {
		return asstCase{name: "forbidden field " + field, op: op, setup: mk, body: `{"id":5,"bk_obj_asst_name":"n",` + field + `}`,
			code: 1101047, msg: "updated the forbidden fields.", zh: "包含了不允许更新的字段"}
	}
	cases := []asstCase{
		{name: "success", op: op, setup: mk, body: `{"id":5,"bk_obj_asst_name":"alias"}`, golden: true, check: want("alias")},
		{name: "only the alias is written", op: op, setup: mk,
			body: `{"id":5,"bk_obj_asst_name":"alias","bk_asst_id":"belong","on_delete":"delete_src"}`, check: want("alias")},
		{name: "empty body changes nothing", op: op, setup: mk, body: `{"id":5}`, check: want("")},
		{name: "preset bk_switch_connect_host can be renamed", op: op, body: `{"id":4,"bk_obj_asst_name":"uplink"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				if a := asstObjAsstByID(e, 4); a.ObjAsstName != "uplink" {
					t.Errorf("stored alias %q", a.ObjAsstName)
				}
			}},
		{name: "body not JSON", op: op, raw: `{`, path: "/api/v3/update/objectassociation/4",
			code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "order: body before id", op: op, raw: `{`, path: "/api/v3/update/objectassociation/x",
			code: 1199000, msg: "Deserializing JSON data failed"},
		{name: "id not an integer", op: op, body: `{"id":"x","bk_obj_asst_name":"n"}`,
			code: 1199011, msg: "'%s' the parameter is invalid or does not exist", zh: "'%s' 参数无效或不存在"},
		{name: "id 0 in the body is allowed", op: op, setup: mk, raw: `{"id":0,"bk_obj_asst_name":"alias"}`,
			path: "/api/v3/update/objectassociation/5", check: want("alias")},
		forbidden(`"bk_supplier_account":"0"`),
		forbidden(`"bk_obj_asst_id":"bk_router_default_bk_firewall"`),
		forbidden(`"bk_obj_id":"bk_router"`),
		forbidden(`"bk_asst_obj_id":"bk_firewall"`),
		forbidden(`"mapping":"n:n"`),
		forbidden(`"ispre":false`),
		{name: "forbidden field id (non-zero)", op: op, setup: mk, raw: `{"id":5,"bk_obj_asst_name":"n"}`,
			path: "/api/v3/update/objectassociation/5", code: 1101047, msg: "updated the forbidden fields."},
		{name: "forbidden field id (not an integer)", op: op, setup: mk, raw: `{"id":"5"}`,
			path: "/api/v3/update/objectassociation/5", code: 1101047, msg: "updated the forbidden fields."},
		{name: "order: forbidden fields before existence", op: op, body: `{"id":99,"mapping":"1:1"}`,
			code: 1101047, msg: "updated the forbidden fields."},
		{name: "not found", op: op, body: `{"id":99,"bk_obj_asst_name":"n"}`,
			code: 1101046, msg: "object association does not exist.", zh: "模型的关联关系不存在"},
		{name: "another supplier's association is not found", op: op, bodyFn: func(e *env) string {
			id := asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "x1", ObjID: "bk_router", AsstObjID: "host", AsstID: "run", Supplier: "x"})
			return `{"id":` + pathText(asstNum(id)) + `,"bk_obj_asst_name":"n"}`
		}, code: 1101046, msg: "object association does not exist."},
		{name: "pre-defined", op: op, body: `{"id":1,"bk_obj_asst_name":"n"}`,
			code: 1101054, msg: "can not update a predefined association.", zh: "禁止更新预定义的关联关系"},
		{name: "source model missing", op: op, bodyFn: func(e *env) string {
			id := asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "g_run_h", ObjID: "ghost", AsstObjID: "host", AsstID: "run", Supplier: "0"})
			return `{"id":` + pathText(asstNum(id)) + `,"bk_obj_asst_name":"n"}`
		}, code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "target model missing", op: op, bodyFn: func(e *env) string {
			id := asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "h_run_g", ObjID: "host", AsstObjID: "ghost", AsstID: "run", Supplier: "0"})
			return `{"id":` + pathText(asstNum(id)) + `,"bk_obj_asst_name":"n"}`
		}, code: 1199011, msg: "'bk_asst_obj_id' the parameter is invalid or does not exist"},
		{name: "both models missing", op: op, bodyFn: func(e *env) string {
			id := asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "g_run_g", ObjID: "ghost", AsstObjID: "ghost2", AsstID: "run", Supplier: "0"})
			return `{"id":` + pathText(asstNum(id)) + `}`
		}, code: 1199011, msg: "'bk_obj_id&bk_asst_obj_id' the parameter is invalid or does not exist"},
	}
	runAsstCases(t, cases)
}

func TestAssocDeleteObjectAssociation(t *testing.T) {
	const op = "delete_delete_objectassociation"
	const badID = "invalid object association id, should be a int64 value"
	gone := func(id int64) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			t.Helper()
			wantNullData(t, e, d, r)
			if a := asstObjAsstByID(e, id); a != nil {
				t.Errorf("still stored: %+v", a)
			}
		}
	}
	kept := func(id int64) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			t.Helper()
			if asstObjAsstByID(e, id) == nil {
				t.Errorf("model association %d deleted", id)
			}
		}
	}
	runAsstCases(t, []asstCase{
		{name: "success", op: op, golden: true, setup: func(e *env) { e.asstGW("post_create_objectassociation", asstRouterFirewall) },
			body: `{"id":5}`, check: gone(5)},
		{name: "the preset bk_switch_connect_host, unused, can go", op: op, body: `{"id":4}`, check: gone(4)},
		{name: "unknown id succeeds", op: op, body: `{"id":99}`, check: wantNullData},
		{name: "id not an integer", op: op, body: `{"id":"x"}`, code: 1101041, msg: badID, zh: "无效的关联关系ID，应该为正整数"},
		{name: "id 0", op: op, body: `{"id":0}`, code: 1101041, msg: badID},
		{name: "id negative", op: op, body: `{"id":-4}`, code: 1101041, msg: badID},
		{name: "several with the id", op: op, doors: []door{nativeDoor},
			header: http.Header{"X-Bkcmdb-Supplier-Account": {"x"}},
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ID: 4, ObjAsstID: "x4", ObjID: "bk_router", AsstObjID: "host", AsstID: "run", Supplier: "x"})
			},
			body: `{"id":4}`, code: 1101042, msg: "got multiple object association instance with one id", zh: "查到多个关联关系实例"},
		{name: "mainline", op: op, body: `{"id":1}`,
			code: 1101082, msg: "bk_mainline association type can't use in this scene", zh: "bk_mainline 为内置关联类型，不能用于当前场景",
			check: kept(1)},
		{name: "pre-defined", op: op, setup: func(e *env) {
			e.asstGW("post_create_objectassociation", `{"bk_obj_asst_id":"r_f","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","bk_asst_id":"default","ispre":true}`)
		}, body: `{"id":5}`, code: 1101055, msg: "can not delete a predefined association.", zh: "禁止删除预定义的关联关系", check: kept(5)},
		{name: "instantiated", op: op, setup: asstSeedExample, body: `{"id":4}`,
			code: 1101043, msg: "object association has already been instantiated, can not be deleted.", zh: "模型的关联关系已经被实例化，不能被删除",
			check: kept(4)},
		{name: "instantiated by a dangling row", op: op, body: `{"id":4}`,
			setup: func(e *env) {
				asstPutRow(e, cmdb.InstAssociation{InstID: 1, ObjID: "bk_switch", AsstInstID: 1, AsstObjID: "host", ObjAsstID: "bk_switch_connect_host", AsstID: "connect"})
			},
			code: 1101043, msg: "object association has already been instantiated, can not be deleted."},
	})
}
