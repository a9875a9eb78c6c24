package e2e

import (
	"strings"
	"testing"
)

// Preset classification ids on a fresh store (insertion order of presets.md
// §1); the first created classification gets 7.
const (
	clsHostManage    = "1"
	clsNetwork       = "4"
	clsUncategorized = "5"
	clsFirstNew      = "7"
)

// createCls1 creates the custom classification cls1 ("Class 1"), id 7.
func createCls1(e *env) {
	e.esb("create_classification", `{"bk_classification_id":"cls1","bk_classification_name":"Class 1","bk_classification_icon":"icon-x"}`)
}

// searchCls returns the classification clsID as search_classifications
// answers it through the ESB (English), nil when absent.
func searchCls(e *env, clsID string) map[string]any {
	e.t.Helper()
	r := e.esb("search_classifications", `{"bk_classification_id":"`+clsID+`"}`)
	if l := r.list(); len(l) > 0 {
		return l[0]
	}
	return nil
}

// wantEmptyArray asserts data is exactly [] (not null).
func wantEmptyArray(t *testing.T, _ *env, _ door, r reply) {
	t.Helper()
	if arr, ok := r.data().([]any); !ok || len(arr) != 0 {
		t.Errorf("data: got %v, want []", r.data())
	}
}

// wantNullData asserts a success answer whose data is null.
func wantNullData(t *testing.T, _ *env, _ door, r reply) {
	t.Helper()
	if v, ok := r.body["data"]; !ok || v != nil {
		t.Errorf("data: got %v (present %v), want null", v, ok)
	}
}

func TestSearchClassifications(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "all", op: "search_classifications", body: `{}`, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				// bk_table_classification (hidden) never appears.
				wantEqual(t, "ids", fields(r.list(), "bk_classification_id"),
					[]string{"bk_host_manage", "bk_biz_topo", "bk_organization", "bk_network", "bk_uncategorized"})
			}},
		{name: "by id", op: "search_classifications", body: `{"bk_classification_id":"bk_network"}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor}},
		{name: "in operator", op: "search_classifications",
			body: `{"bk_classification_id":{"$in":["bk_network","bk_biz_topo"]}}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_classification_id"), []string{"bk_biz_topo", "bk_network"})
			}},
		{name: "or operator", op: "search_classifications",
			body: `{"$or":[{"bk_classification_id":"bk_network"},{"bk_classification_type":"inner"}]}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_classification_id"), []string{"bk_network", "bk_uncategorized"})
			}},
		{name: "condition on the stored name", op: "search_classifications", body: `{"bk_classification_name":"网络"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				// The condition sees the stored (Chinese) name; the answer is translated.
				want := map[door]string{esbDoor: "Network", gwDoor: "网络"}[d]
				wantEqual(t, "names", fields(r.list(), "bk_classification_name"), []string{want})
			}},
		{name: "no match is an empty array", op: "search_classifications", body: `{"bk_classification_id":"nope"}`,
			check: wantEmptyArray},
		{name: "hidden never returned", op: "search_classifications", body: `{"bk_classification_id":"bk_table_classification"}`,
			check: wantEmptyArray},
		{name: "renamed preset is not translated", op: "search_classifications", body: `{"bk_classification_id":"bk_network"}`,
			setup: func(e *env) {
				e.esb("update_classification", `{"id":`+clsNetwork+`,"bk_classification_name":"My Net"}`)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "names", fields(r.list(), "bk_classification_name"), []string{"My Net"})
			}},
		{name: "no supplier filter", op: "search_classifications", body: `{"bk_classification_id":"cls7"}`,
			setup: func(e *env) {
				e.esb("create_classification", `{"bk_supplier_account":"7","bk_classification_id":"cls7","bk_classification_name":"Seven"}`)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "suppliers", fields(r.list(), "bk_supplier_account"), []string{"7"})
			}},
		{name: "forbidden operator", op: "search_classifications", body: `{"bk_classification_id":{"$where":"1"}}`,
			code: 1199998, msg: `operator "$where" is forbidden`},
		{name: "operator outside the allowlist", op: "search_classifications", body: `{"bk_classification_id":{"$elemMatch":{"a":1}}}`,
			code: 1199998, msg: `operator "$elemMatch" is forbidden`},
	})
}

func TestCreateClassification(t *testing.T) {
	long := strings.Repeat("a", 129)
	runScenarios(t, []scenario{
		{name: "success", op: "create_classification",
			body:   `{"bk_classification_id":"cls1","bk_classification_name":"Class 1","bk_classification_icon":"icon-x","bk_classification_type":"custom"}`,
			golden: true, doors: []door{esbDoor, gwDoor, nativeDoor},
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchCls(e, "cls1")
				wantEqual(t, "stored id", pathText(got["id"]), clsFirstNew)
				wantEqual(t, "stored name", str(got, "bk_classification_name"), "Class 1")
			}},
		{name: "128 runes is the limit", op: "create_classification",
			body: `{"bk_classification_id":"` + strings.Repeat("c", 128) + `","bk_classification_name":"` + strings.Repeat("名", 128) + `"}`},
		{name: "supplier from the ESB body", op: "create_classification",
			body: `{"bk_supplier_account":"7","bk_classification_id":"cls1","bk_classification_name":"Class 1"}`, doors: []door{esbDoor},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "bk_supplier_account", str(r.data().(map[string]any), "bk_supplier_account"), "7")
			}},
		{name: "supplier from the trusted header", op: "create_classification",
			body: `{"bk_classification_id":"cls1","bk_classification_name":"Class 1"}`, doors: []door{nativeDoor},
			setup: func(e *env) {},
			check: func(t *testing.T, e *env, d door, r reply) {
				// The default trusted-door helper sends supplier "0".
				wantEqual(t, "bk_supplier_account", str(r.data().(map[string]any), "bk_supplier_account"), "0")
			}},
		// Spec literal: the name is only checked when present, so a body
		// without one is stored with an empty name.
		{name: "name absent is stored empty", op: "create_classification", body: `{"bk_classification_id":"cls1"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "name", str(r.data().(map[string]any), "bk_classification_name"), "")
			}},
		{name: "id not a string", op: "create_classification", body: `{"bk_classification_id":5,"bk_classification_name":"x"}`,
			code: 1199007, msg: "bk_classification_id", zh: "bk_classification_id"},
		{name: "name not a string", op: "create_classification", body: `{"bk_classification_id":"cls1","bk_classification_name":true}`,
			code: 1199007, msg: "bk_classification_name"},
		{name: "id empty", op: "create_classification", body: `{"bk_classification_id":"","bk_classification_name":"x"}`,
			code: 1199010, msg: "'bk_classification_id' unassigned", zh: "'bk_classification_id' 未赋值"},
		{name: "id absent", op: "create_classification", body: `{"bk_classification_name":"x"}`,
			code: 1199010, msg: "'bk_classification_id' unassigned"},
		{name: "name empty", op: "create_classification", body: `{"bk_classification_id":"cls1","bk_classification_name":""}`,
			code: 1199010, msg: "'bk_classification_name' unassigned"},
		{name: "id too long", op: "create_classification", body: `{"bk_classification_id":"` + long + `","bk_classification_name":"x"}`,
			code: 1199073, msg: "bk_classification_id field exceeds maximum value %!s(int=128)", zh: "字段bk_classification_id超过最大值128"},
		{name: "name too long", op: "create_classification", body: `{"bk_classification_id":"cls1","bk_classification_name":"` + strings.Repeat("名", 129) + `"}`,
			code: 1199073, msg: "bk_classification_name field exceeds maximum value %!s(int=128)"},
		{name: "id pattern", op: "create_classification", body: `{"bk_classification_id":"1cls","bk_classification_name":"x"}`,
			code: 1199011, msg: "'bk_classification_id' the parameter is invalid or does not exist", zh: "'bk_classification_id' 参数无效或不存在"},
		{name: "id with a dash", op: "create_classification", body: `{"bk_classification_id":"cls-1","bk_classification_name":"x"}`,
			code: 1199011, msg: "'bk_classification_id' the parameter is invalid or does not exist"},
		{name: "bk prefix", op: "create_classification", body: `{"bk_classification_id":"bkcls","bk_classification_name":"x"}`,
			code: 1199011, msg: "'bk_classification_id can not start with bk or BK' the parameter is invalid or does not exist"},
		{name: "BK prefix", op: "create_classification", body: `{"bk_classification_id":"BKcls","bk_classification_name":"x"}`,
			code: 1199011, msg: "'bk_classification_id can not start with bk or BK' the parameter is invalid or does not exist",
			zh: "'bk_classification_id can not start with bk or BK' 参数无效或不存在"},
		{name: "duplicate id", op: "create_classification", setup: createCls1,
			body: `{"bk_classification_id":"cls1","bk_classification_name":"Other"}`,
			code: 1199014, msg: `duplicated instances exist, fields [ bk_classification_id: "cls1" ] duplicated`,
			zh: `数据唯一性校验失败，  bk_classification_id: "cls1"  重复`},
		{name: "duplicate name", op: "create_classification",
			body: `{"bk_classification_id":"cls2","bk_classification_name":"网络"}`,
			code: 1199014, msg: `duplicated instances exist, fields [ bk_classification_name: "网络" ] duplicated`},
		{name: "duplicate of another supplier's id", op: "create_classification",
			setup: func(e *env) {
				e.esb("create_classification", `{"bk_supplier_account":"7","bk_classification_id":"cls1","bk_classification_name":"Seven"}`)
			},
			body: `{"bk_classification_id":"cls1","bk_classification_name":"Other"}`,
			code: 1199014, msg: `duplicated instances exist, fields [ bk_classification_id: "cls1" ] duplicated`},
	})
}

func TestUpdateClassification(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "success", op: "update_classification",
			body:  `{"id":` + clsNetwork + `,"bk_classification_name":"Net 2","bk_classification_icon":"icon-y","bk_classification_type":"t"}`,
			doors: []door{esbDoor, gwDoor, nativeDoor}, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				got := searchCls(e, "bk_network")
				wantEqual(t, "name", str(got, "bk_classification_name"), "Net 2")
				wantEqual(t, "icon", str(got, "bk_classification_icon"), "icon-y")
				wantEqual(t, "type", str(got, "bk_classification_type"), "t")
			}},
		{name: "id and classification id in the body are ignored", op: "update_classification",
			setup: createCls1,
			body:  `{"id":` + clsFirstNew + `,"bk_classification_id":"other","bk_classification_name":"Renamed"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				got := searchCls(e, "cls1")
				wantEqual(t, "name", str(got, "bk_classification_name"), "Renamed")
				if searchCls(e, "other") != nil {
					t.Errorf("bk_classification_id was changed")
				}
			}},
		{name: "bk_uncategorized is left alone", op: "update_classification",
			body: `{"id":` + clsUncategorized + `,"bk_classification_name":"Misc"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "name", str(searchCls(e, "bk_uncategorized"), "bk_classification_name"), "Uncategorized")
			}},
		{name: "unknown id succeeds", op: "update_classification", body: `{"id":999,"bk_classification_name":"x"}`,
			check: wantNullData},
		{name: "same name on itself", op: "update_classification", body: `{"id":` + clsNetwork + `,"bk_classification_name":"网络"}`},
		{name: "id not an integer", op: "update_classification", body: `{"id":"x","bk_classification_name":"n"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "x": invalid syntax`, zh: `strconv.ParseInt: parsing "x": invalid syntax`},
		{name: "duplicate name", op: "update_classification", body: `{"id":` + clsNetwork + `,"bk_classification_name":"主机管理"}`,
			code: 1199014, msg: `duplicated instances exist, fields [ bk_classification_name: "主机管理" ] duplicated`},
		{name: "name empty", op: "update_classification", body: `{"id":` + clsNetwork + `,"bk_classification_name":""}`,
			code: 1199010, msg: "'bk_classification_name' unassigned"},
		{name: "name not a string", op: "update_classification", body: `{"id":` + clsNetwork + `,"bk_classification_name":7}`,
			code: 1199007, msg: "bk_classification_name"},
		{name: "name too long", op: "update_classification",
			body: `{"id":` + clsNetwork + `,"bk_classification_name":"` + strings.Repeat("x", 129) + `"}`,
			code: 1199073, msg: "bk_classification_name field exceeds maximum value %!s(int=128)"},
	})
}

func TestDeleteClassification(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "success", op: "delete_classification", setup: createCls1, body: `{"id":` + clsFirstNew + `}`,
			doors: []door{esbDoor, gwDoor, nativeDoor}, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if searchCls(e, "cls1") != nil {
					t.Errorf("cls1 still there")
				}
			}},
		{name: "unknown id succeeds", op: "delete_classification", body: `{"id":999}`, check: wantNullData},
		{name: "empty preset classification", op: "delete_classification", body: `{"id":` + clsUncategorized + `}`,
			setup: func(e *env) {
				// bk_uncategorized holds process and plat: move them out first.
				e.esb("update_object", `{"id":5,"bk_classification_id":"bk_network"}`)
				e.esb("update_object", `{"id":6,"bk_classification_id":"bk_network"}`)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				if searchCls(e, "bk_uncategorized") != nil {
					t.Errorf("bk_uncategorized still there")
				}
			}},
		{name: "id not an integer", op: "delete_classification", body: `{"id":"x"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "x": invalid syntax`},
		{name: "holds models", op: "delete_classification", body: `{"id":` + clsNetwork + `}`,
			code: 1101029, msg: "There is a model under the category, not allowed to delete", zh: "分类下有模型，不允许删除"},
		{name: "holds a new model", op: "delete_classification", body: `{"id":` + clsFirstNew + `}`,
			setup: func(e *env) {
				createCls1(e)
				e.esb("create_object", `{"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"cls1","bk_obj_icon":"icon-x"}`)
			},
			code: 1101029, msg: "There is a model under the category, not allowed to delete"},
	})
}
