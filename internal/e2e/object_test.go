package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Preset model ids on a fresh store (presets.md §2 insertion order); the
// first created model gets 13.
const (
	objHost     = "1"
	objSet      = "3"
	objBiz      = "4"
	objProcess  = "5"
	objPlat     = "6"
	objProject  = "8"
	objSwitch   = "9"
	objRouter   = "10"
	objFirstNew = "13"
)

const obj1Body = `{"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"icon-x"}`

// createObj1 creates model obj1 ("Object 1", bk_network), id 13.
func createObj1(e *env) { e.esb("create_object", obj1Body) }

// createObj creates a model id/name in bk_network through the ESB.
func createObj(e *env, id, name string) {
	e.esb("create_object", `{"bk_obj_id":"`+id+`","bk_obj_name":"`+name+`","bk_classification_id":"bk_network","bk_obj_icon":"icon-x"}`)
}

// searchObj returns model objID as search_objects answers it through the
// ESB as supplier "0", nil when absent.
func searchObj(e *env, objID string) map[string]any {
	e.t.Helper()
	r := e.esb("search_objects", `{"bk_obj_id":"`+objID+`"}`)
	if l := r.list(); len(l) > 0 {
		return l[0]
	}
	return nil
}

// addInstance stores one instance of objID directly (the instance APIs are
// not part of this suite).
func addInstance(e *env, objID string) {
	e.storeUpdate(func(tx cmdb.Tx) error {
		id, err := tx.NextID("cc_ObjectBase")
		if err != nil {
			return err
		}
		return tx.InsertInstance("0", objID, id, cmdb.Instance{"bk_inst_id": id, "bk_inst_name": "i1", "bk_obj_id": objID, "bk_supplier_account": "0"})
	})
}

// addObjAsst stores a model association directly (its APIs are not part of
// this suite).
func addObjAsst(e *env, from, kind, to string) {
	no := false
	e.storeUpdate(func(tx cmdb.Tx) error {
		id, err := tx.NextID("cc_ObjAsst")
		if err != nil {
			return err
		}
		return tx.InsertObjAsst(&cmdb.ObjectAssociation{ID: id, Supplier: "0", ObjAsstID: from + "_" + kind + "_" + to,
			ObjID: from, AsstObjID: to, AsstID: kind, Mapping: "1:n", OnDelete: "none", IsPre: &no})
	})
}

func TestSearchObjects(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "all", op: "search_objects", body: `{}`, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"host", "module", "set", "biz", "process", "plat",
					"bk_biz_set_obj", "bk_project", "bk_switch", "bk_router", "bk_load_balance", "bk_firewall"})
			}},
		{name: "by id", op: "search_objects", body: `{"bk_obj_id":"bk_switch"}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor}},
		{name: "by classification", op: "search_objects", body: `{"bk_classification_id":"bk_biz_topo"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"module", "set"})
			}},
		{name: "regex and nin", op: "search_objects",
			body: `{"bk_obj_id":{"$regex":"^bk_","$nin":["bk_project","bk_biz_set_obj"]},"bk_ishidden":false}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"bk_switch", "bk_router", "bk_load_balance", "bk_firewall"})
			}},
		{name: "no match is an empty array", op: "search_objects", body: `{"bk_obj_id":"nope"}`, check: wantEmptyArray},
		{name: "created model", op: "search_objects", setup: createObj1, body: `{"bk_obj_id":"obj1"}`, golden: true},
		{name: "renamed preset model is still translated", op: "search_objects", body: `{"bk_obj_id":"bk_switch"}`,
			setup: func(e *env) { e.esb("update_object", `{"id":`+objSwitch+`,"bk_obj_name":"SW"}`) },
			check: func(t *testing.T, e *env, d door, r reply) {
				want := map[door]string{esbDoor: "Switch", gwDoor: "交换机"}[d]
				wantEqual(t, "names", fields(r.list(), "bk_obj_name"), []string{want})
			}},
		{name: "other supplier's model is not seen by supplier 0", op: "search_objects", body: `{"bk_obj_id":"obj7"}`,
			setup: func(e *env) {
				e.esb("create_object", `{"bk_supplier_account":"7","bk_obj_id":"obj7","bk_obj_name":"Seven","bk_classification_id":"bk_network","bk_obj_icon":"i"}`)
			},
			check: wantEmptyArray},
		{name: "supplier 7 sees 0 and 7", op: "search_objects", doors: []door{esbDoor},
			body: `{"bk_supplier_account":"7","bk_obj_id":{"$in":["obj7","bk_switch"]}}`,
			setup: func(e *env) {
				e.esb("create_object", `{"bk_supplier_account":"7","bk_obj_id":"obj7","bk_obj_name":"Seven","bk_classification_id":"bk_network","bk_obj_icon":"i"}`)
				e.esb("create_object", `{"bk_supplier_account":"8","bk_obj_id":"obj8","bk_obj_name":"Eight","bk_classification_id":"bk_network","bk_obj_icon":"i"}`)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"bk_switch", "obj7"})
			}},
		{name: "superadmin sees every supplier", op: "search_objects", doors: []door{esbDoor},
			body: `{"bk_supplier_account":"superadmin","bk_obj_id":{"$in":["obj7","obj8","bk_switch"]}}`,
			setup: func(e *env) {
				e.esb("create_object", `{"bk_supplier_account":"7","bk_obj_id":"obj7","bk_obj_name":"Seven","bk_classification_id":"bk_network","bk_obj_icon":"i"}`)
				e.esb("create_object", `{"bk_supplier_account":"8","bk_obj_id":"obj8","bk_obj_name":"Eight","bk_classification_id":"bk_network","bk_obj_icon":"i"}`)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"bk_switch", "obj7", "obj8"})
			}},
		{name: "forbidden operator", op: "search_objects", body: `{"$where":"1"}`,
			code: 1199998, msg: `operator "$where" is forbidden`, zh: `operator "$where" is forbidden`},
		{name: "forbidden operator inside an array", op: "search_objects", body: `{"$or":[{"bk_obj_id":{"$expr":1}}]}`,
			code: 1199998, msg: `operator "$expr" is forbidden`},
	})
}

func TestCreateObject(t *testing.T) {
	long := strings.Repeat("o", 129)
	withObj := func(fields string) string {
		return `{"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"icon-x"` + fields + `}`
	}
	runScenarios(t, []scenario{
		{name: "success", op: "create_object", body: obj1Body, golden: true, doors: []door{esbDoor, gwDoor, nativeDoor},
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchObj(e, "obj1")
				wantEqual(t, "id", pathText(got["id"]), objFirstNew)
				wantEqual(t, "creator", str(got, "creator"), testUser)
				wantEqual(t, "modifier", str(got, "modifier"), testUser)
				wantEqual(t, "create_time", str(got, "create_time"), "2024-05-01 10:00:00")
				// Last in bk_network (sort numbers 1-4) + 1.
				wantEqual(t, "obj_sort_number", num(got, "obj_sort_number"), int64(5))
				// The name attribute is stored in the request language.
				want := map[door]string{esbDoor: "Instance Name", gwDoor: "实例名", nativeDoor: "实例名"}[d]
				wantEqual(t, "stored bk_inst_name name", storedAttr(e, "obj1", "bk_inst_name").PropertyName, want)
				rules := storedRules(e, "obj1")
				if len(rules) != 1 || strings.Join(rules[0].Keys, ",") != "bk_inst_name" {
					t.Errorf("unique rules: got %+v, want one on bk_inst_name", rules)
				}
			}},
		{name: "all optional fields", op: "create_object", golden: true,
			body: withObj(`,"obj_sort_number":7,"bk_ishidden":true,"bk_ispaused":true,"position":"{\"x\":1}","description":"d"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchObj(e, "obj1")
				wantEqual(t, "obj_sort_number", num(got, "obj_sort_number"), int64(7))
				wantEqual(t, "bk_ispaused", got["bk_ispaused"], true)
				wantEqual(t, "description", str(got, "description"), "d")
			}},
		{name: "obj_sort_number zero", op: "create_object", body: withObj(`,"obj_sort_number":0`)},
		{name: "new classification", op: "create_object", setup: createCls1,
			body: `{"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"cls1","bk_obj_icon":"icon-x"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "obj_sort_number", num(searchObj(e, "obj1"), "obj_sort_number"), int64(1))
			}},
		{name: "id absent", op: "create_object", body: `{"bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199007, msg: "bk_obj_id", zh: "bk_obj_id"},
		{name: "id not a string", op: "create_object", body: `{"bk_obj_id":12,"bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199007, msg: "bk_obj_id"},
		{name: "id empty", op: "create_object", body: `{"bk_obj_id":"","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199010, msg: "'bk_obj_id' unassigned", zh: "'bk_obj_id' 未赋值"},
		{name: "id too long", op: "create_object", body: `{"bk_obj_id":"` + long + `","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199073, msg: "bk_obj_id field exceeds maximum value %!s(int=128)", zh: "字段bk_obj_id超过最大值128"},
		{name: "id pattern", op: "create_object", body: `{"bk_obj_id":"1obj","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "name empty", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "bk_obj_name 'bk_obj_name' unassigned", zh: "bk_obj_name 'bk_obj_name' 未赋值"},
		{name: "name not a string", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":1,"bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "bk_obj_name bk_obj_name"},
		// Spec: absent bk_obj_name is not spelled out; like bk_obj_id (step 1)
		// an absent key is treated as "not a string".
		{name: "name absent", op: "create_object", body: `{"bk_obj_id":"obj1","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "bk_obj_name bk_obj_name"},
		{name: "name too long", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"` + strings.Repeat("名", 129) + `","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "bk_obj_name bk_obj_name field exceeds maximum value %!s(int=128)", zh: "bk_obj_name 字段bk_obj_name超过最大值128"},
		{name: "classification absent", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_obj_icon":"i"}`,
			code: 1199010, msg: "'bk_classification_id' unassigned"},
		{name: "built-in id", op: "create_object", body: `{"bk_obj_id":"biz","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'biz' the built-in object id, please use a new one", zh: "'biz' the built-in object id, please use a new one"},
		{name: "built-in id before the bk prefix check", op: "create_object",
			body: `{"bk_obj_id":"bk_project","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'bk_project' the built-in object id, please use a new one"},
		{name: "built-in id before the classification", op: "create_object",
			body: `{"bk_obj_id":"host","bk_obj_name":"n","bk_classification_id":"nope","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'host' the built-in object id, please use a new one"},
		{name: "classification missing", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"nope","bk_obj_icon":"i"}`,
			code: 1101024, msg: "Query model classification failed", zh: "查询模型分类失败"},
		{name: "classification missing before the icon", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"nope"}`,
			code: 1101024, msg: "Query model classification failed"},
		{name: "icon empty", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":""}`,
			code: 1199010, msg: "'bk_obj_icon' unassigned"},
		{name: "icon absent", op: "create_object", body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network"}`,
			code: 1199010, msg: "'bk_obj_icon' unassigned", zh: "'bk_obj_icon' 未赋值"},
		{name: "negative sort number", op: "create_object", body: withObj(`,"obj_sort_number":-1`),
			code: 1199006, msg: "'%s' data parameter verification does not pass", zh: "'%s' 数据参数校验不通过"},
		{name: "bk prefix", op: "create_object", body: `{"bk_obj_id":"bkobj","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'bk_obj_id value can not start with bk or BK' the parameter is invalid or does not exist"},
		{name: "BK prefix", op: "create_object", body: `{"bk_obj_id":"BKobj","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199011, msg: "'bk_obj_id value can not start with bk or BK' the parameter is invalid or does not exist"},
		{name: "duplicate id", op: "create_object", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_obj_name":"Other","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199014, msg: "duplicated instances exist, fields [obj1] duplicated", zh: "数据唯一性校验失败， obj1 重复"},
		{name: "duplicate name", op: "create_object", setup: createObj1,
			body: `{"bk_obj_id":"obj2","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199014, msg: "duplicated instances exist, fields [Object 1] duplicated"},
		{name: "duplicate of a preset's stored name", op: "create_object",
			body: `{"bk_obj_id":"obj2","bk_obj_name":"交换机","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code: 1199014, msg: "duplicated instances exist, fields [交换机] duplicated"},
		{name: "duplicate name across suppliers", op: "create_object", doors: []door{esbDoor},
			setup: createObj1,
			body:  `{"bk_supplier_account":"7","bk_obj_id":"obj7","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"i"}`,
			code:  1199014, msg: "duplicated instances exist, fields [Object 1] duplicated"},
	})
}

// storedAttr reads attribute propID of objID straight from the store.
func storedAttr(e *env, objID, propID string) cmdb.Attribute {
	e.t.Helper()
	var out cmdb.Attribute
	err := e.store.View(context.Background(), func(tx cmdb.Tx) error {
		attrs, err := tx.Attributes(objID)
		for _, a := range attrs {
			if a.PropertyID == propID {
				out = a
			}
		}
		return err
	})
	if err != nil || out.ID == 0 {
		e.t.Fatalf("stored attribute %s.%s: %v (found %v)", objID, propID, err, out.ID != 0)
	}
	return out
}

// storedRules reads the unique rules of objID from the store.
func storedRules(e *env, objID string) []cmdb.UniqueRule {
	e.t.Helper()
	var out []cmdb.UniqueRule
	if err := e.store.View(context.Background(), func(tx cmdb.Tx) (err error) {
		out, err = tx.UniqueRules(objID)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// storedGroups reads the attribute groups of objID from the store.
func storedGroups(e *env, objID string) []cmdb.AttributeGroup {
	e.t.Helper()
	var out []cmdb.AttributeGroup
	if err := e.store.View(context.Background(), func(tx cmdb.Tx) (err error) {
		out, err = tx.Groups(objID)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestUpdateObject(t *testing.T) {
	upd := func(fields string) string { return `{"id":` + objFirstNew + fields + `}` }
	runScenarios(t, []scenario{
		{name: "success", op: "update_object", setup: createObj1, golden: true, doors: []door{esbDoor, gwDoor, nativeDoor},
			body: upd(`,"bk_obj_name":"Object One","bk_obj_icon":"icon-y","bk_classification_id":"bk_biz_topo","position":"p","obj_sort_number":3,"bk_ispaused":true,"bk_ishidden":true,"description":"d"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				got := searchObj(e, "obj1")
				wantEqual(t, "name", str(got, "bk_obj_name"), "Object One")
				wantEqual(t, "icon", str(got, "bk_obj_icon"), "icon-y")
				wantEqual(t, "classification", str(got, "bk_classification_id"), "bk_biz_topo")
				wantEqual(t, "position", str(got, "position"), "p")
				wantEqual(t, "obj_sort_number", num(got, "obj_sort_number"), int64(3))
				wantEqual(t, "bk_ispaused", got["bk_ispaused"], true)
				wantEqual(t, "bk_ishidden", got["bk_ishidden"], true)
				wantEqual(t, "description", str(got, "description"), "d")
				wantEqual(t, "modifier", str(got, "modifier"), testUser)
			}},
		{name: "bk_obj_id in the body is dropped", op: "update_object", setup: createObj1,
			body: upd(`,"bk_obj_id":"other","bk_obj_name":"Renamed"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "name", str(searchObj(e, "obj1"), "bk_obj_name"), "Renamed")
				if searchObj(e, "other") != nil {
					t.Errorf("bk_obj_id was changed")
				}
			}},
		// bk-cmdb writes any key; cmdb keeps to the model's own fields
		// (models-and-instances.md §2.3 "a new server should restrict").
		{name: "unknown keys are not written", op: "update_object", setup: createObj1,
			body: upd(`,"foo":"bar","creator":"mallory"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchObj(e, "obj1")
				if _, ok := got["foo"]; ok {
					t.Errorf("foo was written onto the model")
				}
				wantEqual(t, "creator", str(got, "creator"), testUser)
			}},
		{name: "unknown id succeeds", op: "update_object", body: `{"id":999,"bk_obj_name":"x"}`, check: wantNullData},
		{name: "renaming a preset model", op: "update_object", body: `{"id":` + objSwitch + `,"bk_obj_name":"SW"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				// The stored name changed (a new model may not take it) …
				r2 := e.call(esbDoor, "create_object", `{"bk_obj_id":"obj2","bk_obj_name":"SW","bk_classification_id":"bk_network","bk_obj_icon":"i"}`, nil)
				wantEqual(t, "code", r2.code(), 1199014)
				// … and reads still translate it.
				wantEqual(t, "read name", str(searchObj(e, "bk_switch"), "bk_obj_name"), "Switch")
			}},
		{name: "id not an integer", op: "update_object", body: `{"id":"x","bk_obj_name":"n"}`,
			code: 1199009, msg: "'id' parameters must be integral", zh: "'id' 参数必须是整型"},
		{name: "bk_obj_id pattern", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_id":"1x"`),
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "bk_obj_id not a string", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_id":5`),
			code: 1199007, msg: "bk_obj_id"},
		{name: "bk_obj_id empty", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_id":""`),
			code: 1199010, msg: "'bk_obj_id' unassigned"},
		{name: "name empty", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_name":""`),
			code: 1199011, msg: "bk_obj_name 'bk_obj_name' unassigned", zh: "bk_obj_name 'bk_obj_name' 未赋值"},
		{name: "name not a string", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_name":false`),
			code: 1199011, msg: "bk_obj_name bk_obj_name"},
		{name: "classification missing", op: "update_object", setup: createObj1, body: upd(`,"bk_classification_id":"nope"`),
			code: 1101113, msg: "model classification not found", zh: "模型分组未找到"},
		{name: "classification not a string", op: "update_object", setup: createObj1, body: upd(`,"bk_classification_id":5`),
			code: 1101113, msg: "model classification not found"},
		{name: "paused not a bool", op: "update_object", setup: createObj1, body: upd(`,"bk_ispaused":"yes"`),
			code: 1199011, msg: "'bk_ispaused' the parameter is invalid or does not exist"},
		{name: "name of another model", op: "update_object", setup: createObj1, body: upd(`,"bk_obj_name":"交换机"`),
			code: 1199014, msg: "duplicated instances exist, fields [交换机] duplicated"},
		{name: "negative sort number", op: "update_object", setup: createObj1, body: upd(`,"obj_sort_number":-2`),
			code: 1199006, msg: "'%s' data parameter verification does not pass"},
	})
}

func TestDeleteObject(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "success", op: "delete_object", setup: createObj1, body: `{"id":` + objFirstNew + `}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if searchObj(e, "obj1") != nil {
					t.Errorf("obj1 still there")
				}
				// Cascade: attributes, groups, unique rules.
				if l := e.esb("search_object_attribute", `{"bk_obj_id":"obj1"}`).list(); len(l) != 0 {
					t.Errorf("attributes left: %v", fields(l, "bk_property_id"))
				}
				if g := storedGroups(e, "obj1"); len(g) != 0 {
					t.Errorf("groups left: %+v", g)
				}
				if u := storedRules(e, "obj1"); len(u) != 0 {
					t.Errorf("unique rules left: %+v", u)
				}
				// The id can be used again.
				createObj1(e)
			}},
		{name: "preset network model without association", op: "delete_object", body: `{"id":` + objRouter + `}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				if searchObj(e, "bk_router") != nil {
					t.Errorf("bk_router still there")
				}
			}},
		{name: "unknown id succeeds", op: "delete_object", body: `{"id":999}`, check: wantNullData},
		{name: "id not an integer", op: "delete_object", body: `{"id":"x"}`,
			code: 1199006, msg: "'id' data parameter verification does not pass", zh: "'id' 数据参数校验不通过"},
		{name: "inner model", op: "delete_object", body: `{"id":` + objBiz + `}`,
			code: 1101135, msg: "Prohibition of deleting the built-in model", zh: "禁止删除内置模型"},
		{name: "inner model project", op: "delete_object", body: `{"id":` + objProject + `}`,
			code: 1101135, msg: "Prohibition of deleting the built-in model"},
		{name: "has instances", op: "delete_object", body: `{"id":` + objFirstNew + `}`,
			setup: func(e *env) { createObj1(e); addInstance(e, "obj1") },
			code:  1101037, msg: "the object [obj1] has been instantiated and cannot be deleted", zh: "该模型 [obj1] 已被实例化，禁止删除"},
		{name: "source of an association", op: "delete_object", body: `{"id":` + objSwitch + `}`,
			code: 1101053, msg: "object has already been associated.", zh: "模型已经被关联"},
		{name: "target of an association", op: "delete_object", body: `{"id":14}`,
			setup: func(e *env) {
				createObj1(e)
				createObj(e, "obj2", "Object 2")
				addObjAsst(e, "obj1", "connect", "obj2")
			},
			code: 1101053, msg: "object has already been associated."},
	})
}
