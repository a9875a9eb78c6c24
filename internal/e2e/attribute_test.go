package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// attr builds a create_object_attribute body for attr1 ("Attr 1") of obj1
// with more fields (each starting with a comma).
func attr(more string) string {
	return `{"bk_obj_id":"obj1","bk_property_id":"attr1","bk_property_name":"Attr 1"` + more + `}`
}

// attrOn builds a create_object_attribute body for attr1 of model objID.
func attrOn(objID, more string) string {
	return `{"bk_obj_id":"` + objID + `","bk_property_id":"attr1","bk_property_name":"Attr 1"` + more + `}`
}

// createAttr1 creates obj1 and its singlechar attribute attr1.
func createAttr1(e *env) {
	createObj1(e)
	e.esb("create_object_attribute", attr(`,"bk_property_type":"singlechar"`))
}

// attrID is the id of attribute propID of objID, as path text.
func attrID(e *env, objID, propID string) string {
	return strconv.FormatInt(storedAttr(e, objID, propID).ID, 10)
}

// searchAttr returns attribute propID of objID as search_object_attribute
// answers it through the ESB, nil when absent.
func searchAttr(e *env, objID, propID string) map[string]any {
	e.t.Helper()
	r := e.esb("search_object_attribute", `{"bk_obj_id":"`+objID+`","bk_property_id":"`+propID+`"}`)
	if l := r.list(); len(l) > 0 {
		return l[0]
	}
	return nil
}

// createBizAttr creates the per-business attribute bizattr of obj1 for
// business 3 through the gateway (the route has no ESB name).
func createBizAttr(e *env) {
	e.t.Helper()
	r := e.send(req{method: "POST", path: "/api/v3/create/objectattr/biz/3",
		body:   []byte(`{"bk_obj_id":"obj1","bk_property_id":"bizattr","bk_property_name":"Biz attr","bk_property_type":"singlechar"}`),
		header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
	if r.code() != 0 {
		e.t.Fatalf("setup per-business attribute: %s", r)
	}
}

func TestSearchObjectAttribute(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "network model", op: "search_object_attribute", body: `{"bk_obj_id":"bk_switch"}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor}},
		{name: "created model", op: "search_object_attribute", setup: createObj1, body: `{"bk_obj_id":"obj1"}`, golden: true},
		{name: "created attribute", op: "search_object_attribute", setup: createAttr1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"attr1"}`, golden: true},
		{name: "translated enum options", op: "search_object_attribute", golden: true,
			body: `{"bk_obj_id":"bk_switch","bk_property_id":"bk_biz_status"}`},
		{name: "page start limit and descending sort", op: "search_object_attribute",
			body: `{"bk_obj_id":"bk_switch","page":{"start":1,"limit":2,"sort":"-bk_property_id"}}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_property_id"), []string{"bk_updated_by", "bk_updated_at"})
			}},
		{name: "page ascending sort with colon", op: "search_object_attribute",
			body: `{"bk_obj_id":"bk_switch","page":{"limit":3,"sort":"bk_property_id:1"}}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_property_id"), []string{"bk_admin_ip", "bk_asset_id", "bk_biz_status"})
			}},
		{name: "limit zero is all", op: "search_object_attribute", body: `{"bk_obj_id":"bk_switch","page":{"start":0,"limit":0}}`,
			check: func(t *testing.T, e *env, d door, r reply) { wantEqual(t, "count", len(r.list()), 15) }},
		{name: "system and api attributes are hidden", op: "search_object_attribute", body: `{"bk_obj_id":"set"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_property_id"), []string{"bk_set_name", "bk_set_desc", "bk_set_env",
					"bk_service_status", "description", "bk_capacity", "bk_created_at", "bk_created_by", "bk_updated_at", "bk_updated_by"})
			}},
		{name: "asking for system attributes finds none", op: "search_object_attribute",
			body: `{"bk_obj_id":"set","bk_issystem":true}`, check: wantEmptyArray},
		{name: "in operator", op: "search_object_attribute",
			body: `{"bk_obj_id":"bk_switch","bk_property_id":{"$in":["bk_sn","bk_inst_name"]}}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_property_id"), []string{"bk_inst_name", "bk_sn"})
			}},
		{name: "no match is an empty array", op: "search_object_attribute", body: `{"bk_obj_id":"nope"}`, check: wantEmptyArray},
		{name: "preset placeholder is translated", op: "search_object_attribute", body: `{"bk_obj_id":"host","bk_property_id":"bk_cpu"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				const zh = "可人工设置。若需自动发现，请在主机上安装GseAgent和采集器。"
				got := str(r.list()[0], "placeholder")
				if d == gwDoor && got != zh {
					t.Errorf("placeholder: got %q, want %q", got, zh)
				}
				if d == esbDoor && (got == zh || got == "") {
					t.Errorf("placeholder: got %q, want the English entry", got)
				}
				wantEqual(t, "unit", str(r.list()[0], "unit"), "")
			}},
		{name: "custom attribute of a translated model keeps its name", op: "search_object_attribute",
			setup: func(e *env) {
				e.esb("create_object_attribute", `{"bk_obj_id":"bk_switch","bk_property_id":"myattr","bk_property_name":"My Attr","bk_property_type":"singlechar"}`)
			},
			body: `{"bk_obj_id":"bk_switch","bk_property_id":"myattr"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "names", fields(r.list(), "bk_property_name"), []string{"My Attr"})
			}},
		{name: "business attribute with its business", op: "search_object_attribute",
			setup: func(e *env) { createObj1(e); createBizAttr(e) },
			body:  `{"bk_obj_id":"obj1","bk_biz_id":3,"bk_property_id":{"$in":["bizattr","bk_inst_name"]}}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_property_id"), []string{"bk_inst_name", "bizattr"})
				wantEqual(t, "bk_biz_id", num(find(r.list(), "bk_property_id", "bizattr"), "bk_biz_id"), int64(3))
			}},
		{name: "business attribute without a business", op: "search_object_attribute",
			setup: func(e *env) { createObj1(e); createBizAttr(e) },
			body:  `{"bk_obj_id":"obj1","bk_property_id":"bizattr"}`, check: wantEmptyArray},
		{name: "business attribute of another business", op: "search_object_attribute",
			setup: func(e *env) { createObj1(e); createBizAttr(e) },
			body:  `{"bk_obj_id":"obj1","bk_biz_id":4,"bk_property_id":"bizattr"}`, check: wantEmptyArray},
		{name: "group missing", op: "search_object_attribute", body: `{"bk_obj_id":"obj1"}`,
			setup: func(e *env) {
				createObj1(e)
				e.storeUpdate(func(tx cmdb.Tx) error { return tx.DeleteGroups("0", "obj1") })
			},
			code: 1199006, msg: "'bk_property_name' data parameter verification does not pass", zh: "'bk_property_name' 数据参数校验不通过"},
		{name: "forbidden operator", op: "search_object_attribute", body: `{"bk_obj_id":{"$where":"1"}}`,
			code: 1199998, msg: `operator "$where" is forbidden`},
		{name: "forbidden operator deep inside", op: "search_object_attribute",
			body: `{"$and":[{"$or":[{"bk_obj_id":{"$function":{}}}]}]}`,
			code: 1199998, msg: `operator "$function" is forbidden`},
	})
}

func TestCreateObjectAttribute(t *testing.T) {
	long := strings.Repeat("a", 129)
	opts := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			def := "false"
			if i == 0 {
				def = "true"
			}
			parts[i] = `{"id":"` + strconv.Itoa(i) + `","name":"n` + strconv.Itoa(i) + `","type":"text","is_default":` + def + `}`
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	listOpts := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `"v` + strconv.Itoa(i) + `"`
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	runScenarios(t, []scenario{
		{name: "singlechar", op: "create_object_attribute", setup: createObj1, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor},
			body: attr(`,"bk_property_type":"singlechar","bk_property_group":"default","unit":"u","placeholder":"p","editable":true,` +
				`"isreadonly":false,"option":"^a","default":"abc","creator":"admin","description":"d","ispre":true`),
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchAttr(e, "obj1", "attr1")
				wantEqual(t, "ispre (forced false)", got["ispre"], false)
				wantEqual(t, "ismultiple", got["ismultiple"], false)
				wantEqual(t, "bk_property_index", num(got, "bk_property_index"), int64(6))
			}},
		{name: "int", op: "create_object_attribute", setup: createObj1, golden: true,
			body: attr(`,"bk_property_type":"int","option":{"min":"1","max":"10"},"default":5`)},
		{name: "int with numeric bounds", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","option":{"min":1,"max":10}`)},
		{name: "enum with one default", op: "create_object_attribute", setup: createObj1, golden: true,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"text","is_default":true},{"id":"2","name":"B","type":"text"}],"default":"1"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				if _, ok := r.data().(map[string]any)["default"]; ok {
					t.Errorf("enum default kept: %v", r.data())
				}
			}},
		{name: "enum with 200 options", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":` + opts(200))},
		{name: "enummulti without default", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enummulti","ismultiple":true,"option":[{"id":"1","name":"A","type":"text"}]`)},
		{name: "list with default", op: "create_object_attribute", setup: createObj1, golden: true,
			body: attr(`,"bk_property_type":"list","option":["a","b"],"default":"b"`)},
		{name: "objuser is forced multiple", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"objuser","ismultiple":false`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ismultiple", r.data().(map[string]any)["ismultiple"], true)
			}},
		{name: "organization defaults to multiple", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"organization"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ismultiple", r.data().(map[string]any)["ismultiple"], true)
			}},
		{name: "ismultiple absent is false", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"longchar"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ismultiple", r.data().(map[string]any)["ismultiple"], false)
			}},
		{name: "unknown group falls back to default", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","bk_property_group":"nope"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "group", str(r.data().(map[string]any), "bk_property_group"), "default")
			}},
		{name: "isonly forces isrequired", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","isonly":true`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "isrequired", r.data().(map[string]any)["isrequired"], true)
			}},
		{name: "index follows the last in the group", op: "create_object_attribute", setup: createAttr1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"attr2","bk_property_name":"Attr 2","bk_property_type":"bool"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "bk_property_index", num(r.data().(map[string]any), "bk_property_index"),
					num(searchAttr(e, "obj1", "attr1"), "bk_property_index")+1)
			}},
		// Spec: check 9 validates options only for int, enum, enummulti,
		// list, singlechar and longchar; a float option is not checked.
		{name: "float option is not checked", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"float","option":"anything"`)},
		{name: "optional attribute on a mainline model", op: "create_object_attribute",
			body: attrOn("host", `,"bk_property_type":"bool"`)},
		{name: "required on a mainline model", op: "create_object_attribute",
			body: attrOn("set", `,"bk_property_type":"singlechar","isrequired":true`),
			code: 1101092, msg: "can not add required attribute field for a mainline model", zh: "主线模型不能新增必填字段属性"},
		{name: "isonly on a mainline model", op: "create_object_attribute",
			body: attrOn("host", `,"bk_property_type":"singlechar","isonly":true`),
			code: 1101092, msg: "can not add required attribute field for a mainline model"},
		{name: "model missing", op: "create_object_attribute", body: attrOn("nope", `,"bk_property_type":"singlechar"`),
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist", zh: "'bk_obj_id' 参数无效或不存在"},
		{name: "model absent", op: "create_object_attribute", body: `{"bk_property_id":"a1","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "template id", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","bk_template_id":5`),
			code: 1199011, msg: "'bk_template_id' the parameter is invalid or does not exist"},
		{name: "multiple on a single-value type", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","ismultiple":true`),
			code: 1199012, msg: "'singlechar' field type not support is multiple, please set the parameter false",
			zh: "'singlechar' 数据类型不支持是否可多选，请将参数设置为false"},
		{name: "multiple on an int", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","ismultiple":true,"option":{}`),
			code: 1199012, msg: "'int' field type not support is multiple, please set the parameter false"},
		{name: "type empty", op: "create_object_attribute", setup: createObj1, body: attr(`,"bk_property_type":""`),
			code: 1199010, msg: "'bk_property_type' unassigned"},
		{name: "type absent", op: "create_object_attribute", setup: createObj1, body: attr(``),
			code: 1199010, msg: "'bk_property_type' unassigned"},
		{name: "property id too long", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"` + long + `","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199073, msg: "ID field exceeds maximum value %!s(int=128)", zh: "字段唯一标识超过最大值128"},
		{name: "property id pattern", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"1abc","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199011, msg: "'1abc' the parameter is invalid or does not exist"},
		{name: "property id with a dot", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"a.b","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199011, msg: "'a.b' the parameter is invalid or does not exist"},
		{name: "property id starting _bk", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"_bkx","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199011, msg: "'_bkx' the parameter is invalid or does not exist"},
		{name: "property name too long", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"a1","bk_property_name":"` + strings.Repeat("名", 129) + `","bk_property_type":"singlechar"}`,
			code: 1199073, msg: "Name field exceeds maximum value %!s(int=128)", zh: "字段名称超过最大值128"},
		{name: "int option null", op: "create_object_attribute", setup: createObj1, body: attr(`,"bk_property_type":"int"`),
			code: 1199008, msg: "'option' cannot be omitted", zh: "'option' 不可以被省略"},
		{name: "int option unparsable", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","option":{"min":"a","max":"10"}`),
			code: 1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "int option min over max", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","option":{"min":"5","max":"1"}`),
			code: 1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "int default not numeric", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","option":{"min":"1","max":"10"},"default":"abc"`),
			code: 1199998, msg: "not numeric"},
		{name: "int default over limit", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"int","option":{"min":"1","max":"10"},"default":11`),
			code: 1199998, msg: "int type field default value over limit", zh: "int type field default value over limit"},
		{name: "enum option null", op: "create_object_attribute", setup: createObj1, body: attr(`,"bk_property_type":"enum"`),
			code: 1199008, msg: "'option' cannot be omitted"},
		{name: "enum option not an array", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":"x"`),
			code: 1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "enum option element not an object", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":["x"]`),
			code: 1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "enum over 200 options", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":` + opts(201)),
			code: 1199073, msg: "option field exceeds maximum value %!s(int=200)", zh: "字段option超过最大值200"},
		{name: "enum option id empty", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"","name":"A","type":"text","is_default":true}]`),
			code: 1199010, msg: "'option id' unassigned"},
		{name: "enum option id too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"` + long + `","name":"A","type":"text","is_default":true}]`),
			code: 1199073, msg: "option id field exceeds maximum value %!s(int=128)"},
		{name: "enum option name empty", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"","type":"text","is_default":true}]`),
			code: 1199010, msg: "'option name' unassigned"},
		{name: "enum option name too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"` + long + `","type":"text","is_default":true}]`),
			code: 1199073, msg: "option name field exceeds maximum value %!s(int=128)"},
		{name: "enum option type", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"int","is_default":true}]`),
			code: 1199011, msg: "'option type' the parameter is invalid or does not exist"},
		{name: "single enum without a default", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"text"}]`),
			code: 1199092, msg: "current field type status is single choice, please set reasonable data", zh: "当前字段类型状态为单选，请设置合理数据"},
		{name: "single enum with two defaults", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"text","is_default":true},{"id":"2","name":"B","type":"text","is_default":true}]`),
			code: 1199092, msg: "current field type status is single choice, please set reasonable data"},
		{name: "single enummulti without a default", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enummulti","option":[{"id":"1","name":"A","type":"text"}]`),
			code: 1199092, msg: "current field type status is single choice, please set reasonable data"},
		{name: "enummulti option null", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"enummulti","ismultiple":true`),
			code: 1199008, msg: "'option' cannot be omitted"},
		{name: "list option null", op: "create_object_attribute", setup: createObj1, body: attr(`,"bk_property_type":"list"`),
			code: 1199008, msg: "'option' cannot be omitted"},
		{name: "list option not strings", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"list","option":[1,2]`),
			code: 1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "list over 200 elements", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"list","option":` + listOpts(201)),
			code: 1199073, msg: "option field exceeds maximum value %!s(int=200)"},
		{name: "list element too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"list","option":["` + long + `"]`),
			code: 1199073, msg: "option field exceeds maximum value %!s(int=128)"},
		{name: "list default not an element", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"list","option":["a","b"],"default":"c"`),
			code: 1199011, msg: "'list default value' the parameter is invalid or does not exist"},
		{name: "singlechar option not a string", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","option":5`),
			code: 1199090, msg: "Regular expression's type assertion failed%!(EXTRA string=option)", zh: "非法的正则表达式%!(EXTRA string=option)"},
		{name: "longchar option not a regex", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"longchar","option":"("`),
			code: 1101109, msg: "regular expression is invalid%!(EXTRA string=regular is wrong)"},
		{name: "singlechar default not a string", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","default":5`),
			code: 1199011, msg: "'string default value' the parameter is invalid or does not exist"},
		{name: "singlechar default not matching", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","option":"^a","default":"b"`),
			code: 1199011, msg: "'string default value' the parameter is invalid or does not exist"},
		{name: "placeholder too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","placeholder":"` + strings.Repeat("p", 2001) + `"`),
			code: 1199073, msg: "Tips field exceeds maximum value %!s(int=2000)", zh: "字段用户提示超过最大值2000"},
		{name: "project model", op: "create_object_attribute", body: attrOn("bk_project", `,"bk_property_type":"singlechar"`),
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "same property id", op: "create_object_attribute", setup: createAttr1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"attr1","bk_property_name":"Other","bk_property_type":"singlechar"}`,
			code: 1101107, msg: "the same attribute unique id exist", zh: "已经存在同名的字段唯一标识"},
		{name: "same property id as a preset one", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"bk_inst_name","bk_property_name":"Other","bk_property_type":"singlechar"}`,
			code: 1101107, msg: "the same attribute unique id exist"},
		// The model name in 1113028 is the stored one (the core service
		// reads the record untranslated): plat is stored as 云区域.
		{name: "plat does not take fields", op: "create_object_attribute", body: attrOn("plat", `,"bk_property_type":"singlechar"`),
			code: 1113028, msg: "model [云区域] does not allow create fields", zh: "模型[云区域]不允许新加字段"},
		{name: "process does not take fields", op: "create_object_attribute", body: attrOn("process", `,"bk_property_type":"singlechar"`),
			code: 1113028, msg: "model [进程] does not allow create fields"},
		{name: "property id empty", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199010, msg: "'bk_property_id' unassigned"},
		{name: "property name empty", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"a1","bk_property_name":"","bk_property_type":"singlechar"}`,
			code: 1199010, msg: "'bk_property_name' unassigned"},
		{name: "property id bk_ prefix", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"bk_x","bk_property_name":"A","bk_property_type":"singlechar"}`,
			code: 1199011, msg: "'bk_property_id' the parameter is invalid or does not exist"},
		{name: "placeholder blank", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","placeholder":"   "`),
			code: 1199011, msg: "'placeholder' the parameter is invalid or does not exist"},
		{name: "unit too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","unit":"` + strings.Repeat("u", 21) + `"`),
			code: 1199073, msg: "Unit field exceeds maximum value %!s(int=20)", zh: "字段单位超过最大值20"},
		{name: "unknown type", op: "create_object_attribute", setup: createObj1, body: attr(`,"bk_property_type":"foo"`),
			code: 1199011, msg: "'bk_property_type' the parameter is invalid or does not exist"},
		{name: "objuser default invalid", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"objuser","default":5`),
			code: 1199011, msg: "'default' the parameter is invalid or does not exist"},
		{name: "organization default invalid", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"organization","default":"x"`),
			code: 1199011, msg: "'default' the parameter is invalid or does not exist"},
		{name: "date default invalid", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"date","default":"x"`),
			code: 1199999, msg: "'date default value is not date type, type: string' Internal Server Error",
			zh: "'date default value is not date type, type: string' 服务器内部错误"},
		{name: "option regex too long", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","option":"` + strings.Repeat("a", 2001) + `"`),
			code: 1199073, msg: "Regex field exceeds maximum value %!s(int=2000)", zh: "字段正则校验超过最大值2000"},
		{name: "same property name", op: "create_object_attribute", setup: createAttr1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"attr2","bk_property_name":"Attr 1","bk_property_type":"singlechar"}`,
			code: 1199014, msg: "duplicated instances exist, fields [Name] duplicated", zh: "数据唯一性校验失败， 名称 重复"},
		{name: "same name as a preset attribute's stored name", op: "create_object_attribute",
			body: `{"bk_obj_id":"bk_switch","bk_property_id":"serial","bk_property_name":"SN","bk_property_type":"singlechar"}`,
			code: 1199014, msg: "duplicated instances exist, fields [Name] duplicated"},
	})
}

// TestCreateBusinessAttribute covers the per-business route, which has no
// ESB name: /api/v3/create/objectattr/biz/{bk_biz_id}.
func TestCreateBusinessAttribute(t *testing.T) {
	body := []byte(`{"bk_obj_id":"obj1","bk_property_id":"bizattr","bk_property_name":"Biz attr","bk_property_type":"singlechar"}`)
	for _, d := range []door{gwDoor, nativeDoor} {
		t.Run(d.String(), func(t *testing.T) {
			var e *env
			h := http.Header{}
			if d == gwDoor {
				e = newEnv(t)
				h.Set("X-Bkapi-Authorization", gwAuth())
			} else {
				e = newTrustedEnv(t)
				h.Set("X-Bkcmdb-User", testUser)
				h.Set("X-Bkcmdb-Supplier-Account", "0")
			}
			h.Set("X-Bkcmdb-Language", "en")
			createObj1(e)
			for _, tc := range []struct {
				name, biz string
				code      int
				msg       string
			}{
				{"business not an integer", "x", 1199006, "'bk_biz_id' data parameter verification does not pass"},
				{"business zero", "0", 1199006, "'bk_biz_id' data parameter verification does not pass"},
				{"success", "3", 0, "success"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.send(req{method: "POST", path: "/api/v3/create/objectattr/biz/" + tc.biz, body: body, header: h})
					checkEnvelope(t, d, r)
					wantEqual(t, "code", r.code(), tc.code)
					wantEqual(t, "message", r.msg(), tc.msg)
					if tc.code == 0 {
						checkGolden(t, "create_object_attribute/business."+d.String()+".json", r.raw)
						g := find(storedGroupsAsMaps(e, "obj1"), "bk_group_id", "bizdefault")
						if g == nil || num(g, "bk_biz_id") != 3 {
							t.Errorf("bizdefault group of business 3 not created: %v", storedGroupsAsMaps(e, "obj1"))
						}
					}
				})
			}
		})
	}
}

func storedGroupsAsMaps(e *env, objID string) []map[string]any {
	var out []map[string]any
	for _, g := range storedGroups(e, objID) {
		m, _ := decodeObject(string(mustJSON(e.t, g)))
		out = append(out, m)
	}
	return out
}

func TestUpdateObjectAttribute(t *testing.T) {
	attr1 := func(more string) func(e *env) string {
		return func(e *env) string { return `{"id":` + attrID(e, "obj1", "attr1") + more + `}` }
	}
	runScenarios(t, []scenario{
		{name: "success", op: "update_object_attribute", setup: createAttr1, golden: true,
			doors:  []door{esbDoor, gwDoor, nativeDoor},
			bodyFn: attr1(`,"bk_property_name":"Attr One","unit":"kg","placeholder":"ph","editable":true,"isrequired":true,"isreadonly":true,"option":"^x","description":"d"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				got := searchAttr(e, "obj1", "attr1")
				wantEqual(t, "name", str(got, "bk_property_name"), "Attr One")
				wantEqual(t, "unit", str(got, "unit"), "kg")
				wantEqual(t, "placeholder", str(got, "placeholder"), "ph")
				wantEqual(t, "option", got["option"], "^x")
				wantEqual(t, "isrequired", got["isrequired"], true)
				wantEqual(t, "isreadonly", got["isreadonly"], true)
				wantEqual(t, "description", str(got, "description"), "d")
			}},
		{name: "fixed fields are dropped", op: "update_object_attribute", setup: createAttr1,
			bodyFn: attr1(`,"bk_property_id":"other","bk_property_type":"int","bk_property_group":"g","bk_property_index":99,"bk_obj_id":"bk_switch","ispre":true,"bk_supplier_account":"7"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchAttr(e, "obj1", "attr1")
				wantEqual(t, "type", str(got, "bk_property_type"), "singlechar")
				wantEqual(t, "group", str(got, "bk_property_group"), "default")
				wantEqual(t, "ispre", got["ispre"], false)
				wantEqual(t, "supplier", str(got, "bk_supplier_account"), "0")
				if num(got, "bk_property_index") == 99 {
					t.Errorf("bk_property_index was changed")
				}
			}},
		{name: "preset attribute keeps all but unit placeholder option", op: "update_object_attribute",
			bodyFn: func(e *env) string {
				return `{"id":` + attrID(e, "bk_switch", "bk_sn") + `,"bk_property_name":"Serial","unit":"u","placeholder":"p","option":"^S","isrequired":true}`
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				// bk_sn is ispre false: everything is written.
				got := searchAttr(e, "bk_switch", "bk_sn")
				wantEqual(t, "isrequired", got["isrequired"], true)
				wantEqual(t, "option", got["option"], "^S")
				wantEqual(t, "stored name", storedAttr(e, "bk_switch", "bk_sn").PropertyName, "Serial")
			}},
		{name: "ispre attribute only takes unit placeholder option", op: "update_object_attribute",
			bodyFn: func(e *env) string {
				return `{"id":` + attrID(e, "bk_switch", "bk_asset_id") + `,"bk_property_name":"Asset","unit":"u","placeholder":"p","option":"^A","isrequired":false,"editable":true}`
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				got := storedAttr(e, "bk_switch", "bk_asset_id")
				wantEqual(t, "stored name", got.PropertyName, "固资编号")
				wantEqual(t, "isrequired", got.IsRequired, true)
				wantEqual(t, "editable", got.Editable, false)
				wantEqual(t, "unit", got.Unit, "u")
				wantEqual(t, "placeholder", got.Placeholder, "p")
				wantEqual(t, "option", got.Option, "^A")
			}},
		{name: "enum default is dropped", op: "update_object_attribute",
			setup: func(e *env) {
				createObj1(e)
				e.esb("create_object_attribute", attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"text","is_default":true}]`))
			},
			bodyFn: attr1(`,"default":"1"`),
			check: func(t *testing.T, e *env, d door, r reply) {
				if v := storedAttr(e, "obj1", "attr1").Default; v != nil {
					t.Errorf("default: got %v, want none", v)
				}
			}},
		{name: "optional attribute of biz made required is refused only when it changes", op: "update_object_attribute",
			setup: func(e *env) {
				e.esb("create_object_attribute", attrOn("biz", `,"bk_property_type":"singlechar"`))
			},
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "biz", "attr1") + `,"isrequired":false,"unit":"u"}` }},
		{name: "unknown id succeeds", op: "update_object_attribute", body: `{"id":99999,"bk_property_name":"x"}`, check: wantNullData},
		{name: "id not an integer", op: "update_object_attribute", body: `{"id":"x","unit":"u"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "x": invalid syntax`},
		{name: "ismultiple not a bool", op: "update_object_attribute", setup: createAttr1, bodyFn: attr1(`,"ismultiple":"yes"`),
			code: 1199006, msg: "'ismultiple' data parameter verification does not pass", zh: "'ismultiple' 数据参数校验不通过"},
		{name: "int option revalidated", op: "update_object_attribute",
			setup: func(e *env) {
				createObj1(e)
				e.esb("create_object_attribute", attr(`,"bk_property_type":"int","option":{"min":"1","max":"10"}`))
			},
			bodyFn: attr1(`,"option":{"min":"5","max":"1"}`),
			code:   1199011, msg: "'option' the parameter is invalid or does not exist"},
		{name: "enum option revalidated", op: "update_object_attribute",
			setup: func(e *env) {
				createObj1(e)
				e.esb("create_object_attribute", attr(`,"bk_property_type":"enum","option":[{"id":"1","name":"A","type":"text","is_default":true}]`))
			},
			bodyFn: attr1(`,"option":[{"id":"1","name":"A","type":"bad","is_default":true}]`),
			code:   1199011, msg: "'option type' the parameter is invalid or does not exist"},
		{name: "name of another attribute", op: "update_object_attribute", setup: createAttr1,
			// obj1 was created through the ESB: its name attribute is stored
			// as "Instance Name" (presets.md §3.6).
			bodyFn: attr1(`,"bk_property_name":"Instance Name"`),
			code:   1199014, msg: "duplicated instances exist, fields [Name] duplicated", zh: "数据唯一性校验失败， 名称 重复"},
		{name: "required changed on a biz attribute", op: "update_object_attribute",
			setup: func(e *env) {
				e.esb("create_object_attribute", attrOn("biz", `,"bk_property_type":"singlechar"`))
			},
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "biz", "attr1") + `,"isrequired":true}` },
			code:   1113027, msg: "model [业务] does not allow modification of required fields", zh: "模型[业务]不允许修改必填字段"},
	})
}

func TestDeleteObjectAttribute(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "success", op: "delete_object_attribute", setup: createAttr1, golden: true,
			doors:  []door{esbDoor, gwDoor, nativeDoor},
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "obj1", "attr1") + `}` },
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if searchAttr(e, "obj1", "attr1") != nil {
					t.Errorf("attr1 still there")
				}
			}},
		{name: "preset attribute outside unique rules", op: "delete_object_attribute",
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "bk_switch", "bk_created_at") + `}` },
			check: func(t *testing.T, e *env, d door, r reply) {
				if searchAttr(e, "bk_switch", "bk_created_at") != nil {
					t.Errorf("bk_created_at still there")
				}
			}},
		{name: "unknown id succeeds", op: "delete_object_attribute", body: `{"id":99999}`, check: wantNullData},
		{name: "id not an integer", op: "delete_object_attribute", body: `{"id":"1.5"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "1.5": invalid syntax`},
		{name: "name attribute of a new model", op: "delete_object_attribute", setup: createObj1,
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "obj1", "bk_inst_name") + `}` },
			code:   1113024, msg: "fields in unique checksums are not allowed to be deleted", zh: "不允许删除在唯一校验中的字段 "},
		{name: "asset id of a network model", op: "delete_object_attribute",
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "bk_switch", "bk_asset_id") + `}` },
			code:   1113024, msg: "fields in unique checksums are not allowed to be deleted"},
	})
}
