package e2e

// associations.md §3.6–§3.11: the searches over instance associations.

import (
	"sort"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// asstThree is the example plus two rows: 42 switch 7 → host 3, 43 switch
// 7 → host 4, 44 switch 8 → host 5.
func asstThree(e *env) {
	asstSeedExample(e)
	asstPutInst(e, "bk_switch", 8, "sw-08")
	asstPutInst(e, "host", 4, "10.0.0.4")
	asstPutInst(e, "host", 5, "10.0.0.5")
	asstAdd(e, "bk_switch_connect_host", 7, 4)
	asstAdd(e, "bk_switch_connect_host", 8, 5)
}

// asstQB is a querybuilder AND group of the given rules.
func asstQB(rules ...string) string {
	return `{"condition":"AND","rules":[` + strings.Join(rules, ",") + `]}`
}

// asstRule is one querybuilder atom; value is raw JSON.
func asstRule(field, op, value string) string {
	return `{"field":"` + field + `","operator":"` + op + `","value":` + value + `}`
}

// asstDeep nests an atom in n groups.
func asstDeep(n int) string {
	s := asstRule("id", "greater", "0")
	for i := 0; i < n; i++ {
		s = asstQB(s)
	}
	return s
}

// asstOrOf is an OR group of n atoms.
func asstOrOf(n int) string {
	rules := make([]string, n)
	for i := range rules {
		rules[i] = asstRule("id", "equal", "42")
	}
	return `{"condition":"OR","rules":[` + strings.Join(rules, ",") + `]}`
}

func TestAssocSearchRelatedInstAsso(t *testing.T) {
	const op = "search_related_inst_asso"
	const unset = "''bk_inst_id' & 'bk_obj_id'' unassigned"
	const decode = "'Deserializing JSON data failed' data parameter verification does not pass"
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: asstThree, golden: true,
			body:  `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id","bk_inst_id","bk_asst_inst_id"]}`,
			check: asstWantData(`[{"id":42,"bk_inst_id":7,"bk_asst_inst_id":3},{"id":43,"bk_inst_id":7,"bk_asst_inst_id":4}]`)},
		{name: "the instance as target", op: op, setup: asstThree,
			body: `{"condition":{"bk_obj_id":"host","bk_inst_id":3},"fields":["id"]}`, check: asstWantData(`[{"id":42}]`)},
		{name: "only requested, non-zero fields", op: op, setup: asstThree,
			body:  `{"condition":{"bk_obj_id":"host","bk_inst_id":3},"fields":["bk_biz_id","bk_obj_id","nosuchfield"]}`,
			check: asstWantData(`[{"bk_obj_id":"bk_switch"}]`)},
		{name: "page; sort is ignored (always ascending id)", op: op, setup: asstThree,
			body:  `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"],"page":{"start":1,"limit":1,"sort":"-id"}}`,
			check: asstWantData(`[{"id":43}]`)},
		{name: "limit 0 is no limit", op: op, setup: asstThree,
			body:  `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"],"page":{"limit":0,"sort":"-id"}}`,
			check: asstWantIDs(42, 43)},
		{name: "doc vs code: limit up to 500", op: op, setup: asstThree,
			body: `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"],"page":{"limit":500}}`, check: asstWantIDs(42, 43)},
		{name: "no rows", op: op, body: `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"]}`, check: wantEmptyArray},
		{name: "limit above 500", op: op, body: `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"],"page":{"limit":501}}`,
			code: 1199059, msg: "page limit is exceeded. suggestion 200", zh: "分页查询数量超过限制的最大值, 建议值200"},
		{name: "bk_obj_id missing", op: op, body: `{"condition":{"bk_inst_id":7},"fields":["id"]}`,
			code: 1199010, msg: unset, zh: "''bk_inst_id' & 'bk_obj_id'' 未赋值"},
		{name: "bk_inst_id 0", op: op, body: `{"condition":{"bk_obj_id":"host","bk_inst_id":0},"fields":["id"]}`, code: 1199010, msg: unset},
		{name: "doc vs code: top-level bk_inst_id is not read", op: op, setup: asstThree,
			body: `{"bk_obj_id":"bk_switch","bk_inst_id":7,"fields":["id"],"start":0,"limit":10}`, code: 1199010, msg: unset},
		{name: "fields empty", op: op, body: `{"condition":{"bk_obj_id":"host","bk_inst_id":3},"fields":[]}`,
			code: 1199010, msg: "'fields' unassigned", zh: "'fields' 未赋值"},
		{name: "order: instance before fields", op: op, body: `{"condition":{"bk_obj_id":"host"}}`, code: 1199010, msg: unset},
		{name: "order: fields before the limit", op: op, body: `{"condition":{"bk_obj_id":"host","bk_inst_id":3},"page":{"limit":501}}`,
			code: 1199010, msg: "'fields' unassigned"},
		{name: "body not JSON", op: op, raw: `{"condition":`, code: 1199006, msg: decode, zh: "'反序列化JSON数据失败' 数据参数校验不通过"},
		{name: "bk_inst_id a string", op: op, body: `{"condition":{"bk_obj_id":"host","bk_inst_id":"3"},"fields":["id"]}`,
			code: 1199006, msg: decode},
	})
}

func TestAssocSearchInstanceAssociations(t *testing.T) {
	const op = "search_instance_associations"
	inv := func(key string) string { return "'" + key + "' data parameter verification does not pass" }
	body := func(obj, conds, rest string) string {
		s := `{"bk_obj_id":"` + obj + `"`
		if conds != "" {
			s += `,"conditions":` + conds
		}
		if rest != "" {
			s += "," + rest
		}
		return s + `}`
	}
	const page = `"page":{"limit":10}`
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: asstThree, golden: true,
			body: body("bk_switch", asstQB(asstRule("bk_inst_id", "equal", "7")), page),
			check: asstWantData(`{"info":[` + asstExRow + `,{"id":43,"bk_inst_id":7,"bk_obj_id":"bk_switch","bk_asst_inst_id":4,"bk_asst_obj_id":"host",` +
				`"bk_supplier_account":"0","bk_obj_asst_id":"bk_switch_connect_host","bk_asst_id":"connect"}]}`)},
		{name: "rows where the model is target are included", op: op, setup: asstThree, body: body("host", "", page),
			check: func(t *testing.T, e *env, d door, r reply) {
				info := r.data().(map[string]any)["info"].([]any)
				if len(info) != 3 {
					t.Errorf("rows: %d, want 3", len(info))
				}
			}},
		{name: "conditions null is all; fields project", op: op, setup: asstThree, body: body("bk_switch", "null", page+`,"fields":["id"]`),
			check: asstWantData(`{"info":[{"id":42},{"id":43},{"id":44}]}`)},
		{name: "sort and start", op: op, setup: asstThree, body: body("bk_switch", "", `"fields":["id"],"page":{"start":1,"limit":1,"sort":"-id"}`),
			check: asstWantData(`{"info":[{"id":43}]}`)},
		{name: "bk_biz_id and time_condition are ignored", op: op, setup: asstThree,
			body:  body("bk_switch", "", `"fields":["id"],"page":{"limit":1},"bk_biz_id":3,"time_condition":{"oper":"and","rules":[]}`),
			check: asstWantData(`{"info":[{"id":42}]}`)},
		{name: "no rows", op: op, body: body("bk_switch", "", page), check: asstWantData(`{"info":[]}`)},
		{name: "contains is case-insensitive, begins_with is not", op: op, setup: asstThree,
			body: body("bk_switch", asstQB(asstRule("bk_obj_asst_id", "contains", `"CONNECT"`), asstRule("bk_asst_id", "begins_with", `"con"`),
				asstRule("bk_obj_id", "not_begins_with", `"BK_"`)), `"fields":["id"],`+page),
			check: asstWantData(`{"info":[{"id":42},{"id":43},{"id":44}]}`)},
		{name: "in, not_equal, OR group", op: op, setup: asstThree,
			body: body("host", asstQB(asstRule("bk_asst_inst_id", "in", "[3,5]"),
				`{"condition":"OR","rules":[`+asstRule("bk_inst_id", "not_equal", "7")+`,`+asstRule("id", "less", "43")+`]}`), `"fields":["id"],`+page),
			check: asstWantData(`{"info":[{"id":42},{"id":44}]}`)},
		{name: "depth 3 and an OR of 20 rules", op: op, setup: asstThree,
			body:  body("bk_switch", asstQB(asstQB(asstRule("id", "greater", "0")), asstOrOf(20)), `"fields":["id"],`+page),
			check: asstWantData(`{"info":[{"id":42}]}`)},
		{name: "limit 500", op: op, body: body("bk_switch", "", `"page":{"limit":500}`), check: asstWantData(`{"info":[]}`)},
		{name: "limit 0", op: op, body: body("bk_switch", "", `"page":{"limit":0}`),
			code: 1199006, msg: inv("page.limit"), zh: "'page.limit' 数据参数校验不通过"},
		{name: "no page", op: op, body: body("bk_switch", "", ""), code: 1199006, msg: inv("page.limit")},
		{name: "limit above 500", op: op, body: body("bk_switch", "", `"page":{"limit":501}`), code: 1199006, msg: inv("page.limit")},
		{name: "unknown operator", op: op, body: body("bk_switch", asstQB(asstRule("id", "like", "1")), page),
			code: 1199006, msg: inv("conditions.rules[0].operator"), zh: "'conditions.rules[0].operator' 数据参数校验不通过"},
		{name: "field pattern", op: op, body: body("bk_switch", asstQB(asstRule("_id", "equal", "1")), page),
			code: 1199006, msg: inv("conditions.rules[0].field")},
		{name: "nested rule path", op: op, body: body("bk_switch", asstQB(asstRule("id", "equal", "1"), asstQB(asstRule("id", "in", `[1,"2"]`))), page),
			code: 1199006, msg: inv("conditions.rules[1].rules[0].value")},
		{name: "value of the wrong kind", op: op, body: body("bk_switch", asstQB(asstRule("id", "greater", `"1"`)), page),
			code: 1199006, msg: inv("conditions.rules[0].value")},
		{name: "empty begins_with", op: op, body: body("bk_switch", asstQB(asstRule("bk_obj_id", "begins_with", `""`)), page),
			code: 1199006, msg: inv("conditions.rules[0].value")},
		{name: "in with more than 500 values", op: op, body: body("bk_switch", asstQB(asstRule("id", "in", "["+asstIDList(1, 501)+"]")), page),
			code: 1199006, msg: inv("conditions.rules[0].value")},
		{name: "condition neither AND nor OR", op: op, body: body("bk_switch", `{"condition":"XOR","rules":[`+asstRule("id", "equal", "1")+`]}`, page),
			code: 1199006, msg: inv("conditions.condition")},
		{name: "empty rules", op: op, body: body("bk_switch", `{"condition":"AND","rules":[]}`, page),
			code: 1199006, msg: inv("conditions.rules")},
		{name: "top level not combined", op: op, body: body("bk_switch", asstRule("id", "equal", "1"), page),
			code: 1199006, msg: inv("conditions.")},
		{name: "depth above 3", op: op, body: body("bk_switch", asstDeep(3), page), code: 1199006, msg: inv("conditions.rules")},
		{name: "OR of 21 rules", op: op, body: body("bk_switch", asstOrOf(21), page), code: 1199006, msg: inv("conditions.rules")},
		{name: "rule with neither condition nor operator", op: op, body: body("bk_switch", asstQB(`{"field":"id","value":1}`), page),
			code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "body not JSON", op: op, raw: `{`, path: "/api/v3/search/instance_associations/object/host",
			code: 1199000, msg: "Deserializing JSON data failed"},
	})
}

func TestAssocCountInstanceAssociations(t *testing.T) {
	const op = "count_instance_associations"
	inv := func(key string) string { return "'" + key + "' data parameter verification does not pass" }
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: asstThree, body: `{"bk_obj_id":"bk_switch"}`, golden: true, check: asstWantData(`{"count":3}`)},
		{name: "only rows where the model is the source", op: op, setup: asstThree, body: `{"bk_obj_id":"host"}`,
			check: asstWantData(`{"count":0}`)},
		{name: "conditions", op: op, setup: asstThree,
			body: `{"bk_obj_id":"bk_switch","conditions":` + asstQB(asstRule("bk_inst_id", "equal", "7")) + `}`, check: asstWantData(`{"count":2}`)},
		{name: "a page is not needed and is ignored", op: op, setup: asstThree,
			body: `{"bk_obj_id":"bk_switch","page":{"start":2,"limit":1}}`, check: asstWantData(`{"count":3}`)},
		{name: "unknown model", op: op, body: `{"bk_obj_id":"nosuch"}`, check: asstWantData(`{"count":0}`)},
		{name: "unknown operator", op: op, body: `{"bk_obj_id":"bk_switch","conditions":` + asstQB(asstRule("id", "like", "1")) + `}`,
			code: 1199006, msg: inv("conditions.rules[0].operator"), zh: "'conditions.rules[0].operator' 数据参数校验不通过"},
		{name: "top level not combined", op: op, body: `{"bk_obj_id":"bk_switch","conditions":` + asstRule("id", "equal", "1") + `}`,
			code: 1199006, msg: inv("conditions.")},
		{name: "depth above 3", op: op, body: `{"bk_obj_id":"bk_switch","conditions":` + asstDeep(3) + `}`,
			code: 1199006, msg: inv("conditions.rules")},
		{name: "OR of 21 rules", op: op, body: `{"bk_obj_id":"bk_switch","conditions":` + asstOrOf(21) + `}`,
			code: 1199006, msg: inv("conditions.rules")},
		{name: "rule that does not decode", op: op, body: `{"bk_obj_id":"bk_switch","conditions":` + asstQB(`{"field":"id","operator":5}`) + `}`,
			code: 1199000, msg: "Deserializing JSON data failed"},
		{name: "body not JSON", op: op, raw: `[`, path: "/api/v3/count/instance_associations/object/host",
			code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
	})
}

func TestAssocFindInstAssociationWithInst(t *testing.T) {
	const op = "find_instassociation_with_inst"
	inv := func(key string) string { return "'" + key + "' the parameter is invalid or does not exist" }
	body := func(cond, page string) string {
		return `{"bk_obj_id":"bk_switch","condition":` + cond + `,"page":` + page + `}`
	}
	filter7 := `{"asst_filter":` + asstQB(asstRule("bk_inst_id", "equal", "7"))
	runAsstCases(t, []asstCase{
		{name: "success: src and dst are null unless asked for", op: op, setup: asstThree, golden: true,
			body:  body(filter7+`,"asst_fields":["id","bk_asst_inst_id"]}`, `{"limit":10}`),
			check: asstWantData(`{"association":[{"id":42,"bk_asst_inst_id":3},{"id":43,"bk_asst_inst_id":4}],"src":null,"dst":null}`)},
		{name: "instance details at both ends, each once", op: op, setup: asstThree,
			body:  body(filter7+`,"asst_fields":["id"],"src_detail":true,"dst_detail":true,"src_fields":["bk_inst_id","bk_inst_name"],"dst_fields":["bk_host_id"]}`, `{"limit":10}`),
			check: asstWantData(`{"association":[{"id":42},{"id":43}],"src":[{"bk_inst_id":7,"bk_inst_name":"sw-07"}],"dst":[{"bk_host_id":3},{"bk_host_id":4}]}`)},
		{name: "only dst asked for", op: op, setup: asstThree,
			body:  body(filter7+`,"asst_fields":["id"],"dst_detail":true,"dst_fields":["bk_host_innerip"]}`, `{"limit":1,"start":1}`),
			check: asstWantData(`{"association":[{"id":43}],"src":null,"dst":[{"bk_host_innerip":"10.0.0.4"}]}`)},
		{name: "rows of the model as target; sort", op: op, setup: asstThree,
			body:  `{"bk_obj_id":"host","condition":{"asst_filter":` + asstQB(asstRule("id", "greater", "0")) + `,"asst_fields":["id"]},"page":{"limit":2,"sort":"-id"}}`,
			check: asstWantData(`{"association":[{"id":44},{"id":43}],"src":null,"dst":null}`)},
		{name: "no rows: association is []", op: op, body: body(filter7+`,"src_detail":true}`, `{"limit":10}`),
			check: asstWantData(`{"association":[],"src":[],"dst":null}`)},
		{name: "no depth or OR limits", op: op, setup: asstThree,
			body:  body(`{"asst_filter":`+asstQB(asstDeep(3), asstOrOf(21))+`,"asst_fields":["id"]}`, `{"limit":10}`),
			check: asstWantData(`{"association":[{"id":42}],"src":null,"dst":null}`)},
		{name: "limit 200", op: op, body: body(filter7+`}`, `{"limit":200}`), check: asstWantData(`{"association":[],"src":null,"dst":null}`)},
		{name: "asst_filter missing", op: op, body: body(`{"asst_fields":["id"]}`, `{"limit":10}`),
			code: 1199011, msg: inv("condition.asst_filter"), zh: "'condition.asst_filter' 参数无效或不存在"},
		{name: "rule error", op: op, body: body(`{"asst_filter":`+asstQB(asstRule("id", "like", "1"))+`}`, `{"limit":10}`),
			code: 1199011, msg: inv("condition.asst_filter.rules[0].operator")},
		{name: "top level not combined", op: op, body: body(`{"asst_filter":`+asstRule("id", "equal", "1")+`}`, `{"limit":10}`),
			code: 1199011, msg: inv("condition.asst_filter.")},
		{name: "limit above 200", op: op, body: body(filter7+`}`, `{"limit":201}`),
			code: 1199059, msg: "page limit is exceeded. suggestion 200", zh: "分页查询数量超过限制的最大值, 建议值200"},
		{name: "limit 0", op: op, body: body(filter7+`}`, `{"limit":0}`), code: 1199010, msg: "'page.limit' unassigned", zh: "'page.limit' 未赋值"},
		{name: "order: asst_filter before page", op: op, body: body(`{}`, `{"limit":0}`), code: 1199011, msg: inv("condition.asst_filter")},
		{name: "rule that does not decode", op: op, body: body(`{"asst_filter":`+asstQB(`{"value":1}`)+`}`, `{"limit":10}`),
			code: 1199000, msg: "Deserializing JSON data failed"},
		{name: "body not JSON", op: op, raw: `{"condition"`, path: "/api/v3/find/instassociation/object/host/inst/detail",
			code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
	})
}

func TestAssocSearchInstAssociationTopo(t *testing.T) {
	const op = "search_inst_association_topo"
	runAsstCases(t, []asstCase{
		{name: "the seed document's example", op: op, setup: asstSeedExample, golden: true, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				name := "Host"
				if asstLang(d) == cmdb.LangZH {
					name = "主机"
				}
				asstWantData(`[{"id":"","bk_obj_id":"host","bk_obj_icon":"icon-cc-host","bk_inst_id":0,"bk_obj_name":"`+name+`","bk_inst_name":"",`+
					`"asso_id":0,"count":1,"children":[{"id":"3","bk_obj_id":"host","bk_obj_icon":"icon-cc-host","bk_inst_id":3,"bk_obj_name":"`+name+`",`+
					`"bk_inst_name":"10.0.0.3","asso_id":42}]}]`)(t, e, d, r)
			}},
		{name: "grouped by target model", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			setup: func(e *env) {
				asstThree(e)
				asstCreateObjAsst(e, "bk_switch", "default", "bk_router", "n:n")
				asstPutInst(e, "bk_router", 1, "r1")
				asstAdd(e, "bk_switch_default_bk_router", 7, 1)
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				var got []string
				for _, g := range r.list() {
					var kids []string
					for _, c := range g["children"].([]any) {
						kids = append(kids, str(c.(map[string]any), "id")+"/"+str(c.(map[string]any), "bk_inst_name"))
					}
					got = append(got, str(g, "bk_obj_id")+":"+pathText(g["count"])+":"+strings.Join(kids, ","))
				}
				sort.Strings(got)
				wantEqual(t, "groups", got, []string{"bk_router:1:1/r1", "host:2:3/10.0.0.3,4/10.0.0.4"})
			}},
		{name: "only the instance as source", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"host","bk_inst_id":3}`, check: wantEmptyArray},
		{name: "no associations", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			setup: func(e *env) { asstPutInst(e, "bk_switch", 7, "sw") }, check: wantEmptyArray},
		{name: "bk_inst_id not an integer", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":"x"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "x": invalid syntax`, zh: `strconv.ParseInt: parsing "x": invalid syntax`},
		{name: "model missing", op: op, body: `{"bk_obj_id":"nosuch","bk_inst_id":7}`,
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist", zh: "'bk_obj_id' 参数无效或不存在"},
		{name: "id 0", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":0}`,
			code: 1199011, msg: "'bk_inst_id' the parameter is invalid or does not exist"},
		{name: "instance missing", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			code: 1199011, msg: "'bk_inst_id' the parameter is invalid or does not exist"},
		{name: "instance missing names the model's id field", op: op, body: `{"bk_obj_id":"host","bk_inst_id":3}`,
			code: 1199011, msg: "'bk_host_id' the parameter is invalid or does not exist"},
		{name: "a row pointing to a missing instance", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			setup: func(e *env) {
				asstPutInst(e, "bk_switch", 7, "sw")
				asstPutRow(e, cmdb.InstAssociation{InstID: 7, ObjID: "bk_switch", AsstInstID: 3, AsstObjID: "host",
					ObjAsstID: "bk_switch_connect_host", AsstID: "connect"})
			},
			code: 1199998, msg: "failed to find the inst (host: 3)"},
	})
}

func TestAssocInstBaseInfo(t *testing.T) {
	const op = "search_inst_asst_object_inst_base_info"
	body := func(cond, page string) string {
		s := `{"condition":` + cond
		if page != "" {
			s += `,"page":` + page
		}
		return s + `}`
	}
	src7 := `{"bk_obj_id":"bk_switch","bk_inst_id":7,"association_obj_id":"host"}`
	const badPage = "page limit is exceeded. suggestion 200"
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: asstThree, golden: true, body: body(src7, `{"start":0,"limit":10}`),
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":3,"bk_inst_name":"10.0.0.3"},{"bk_inst_id":4,"bk_inst_name":"10.0.0.4"}]}`)},
		{name: "the instance as target", op: op, setup: asstThree,
			body:  body(`{"bk_obj_id":"host","bk_inst_id":5,"association_obj_id":"bk_switch","is_target_object":true}`, `{"limit":10}`),
			check: asstWantData(`{"count":1,"info":[{"bk_inst_id":8,"bk_inst_name":"sw-08"}]}`)},
		{name: "count ignores the page", op: op, setup: asstThree, body: body(src7, `{"start":1,"limit":1}`),
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":4,"bk_inst_name":"10.0.0.4"}]}`)},
		{name: "page sort applies to the rows", op: op, setup: asstThree, body: body(src7, `{"limit":1,"sort":"-id"}`),
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":4,"bk_inst_name":"10.0.0.4"}]}`)},
		{name: "limit 999999999", op: op, setup: asstThree, body: body(src7, `{"limit":999999999}`),
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":3,"bk_inst_name":"10.0.0.3"},{"bk_inst_id":4,"bk_inst_name":"10.0.0.4"}]}`)},
		{name: "doc vs code: limit 1000", op: op, setup: asstThree, body: body(src7, `{"limit":1000}`),
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":3,"bk_inst_name":"10.0.0.3"},{"bk_inst_id":4,"bk_inst_name":"10.0.0.4"}]}`)},
		{name: "fields are ignored", op: op, setup: asstThree, body: `{"condition":` + src7 + `,"page":{"limit":1},"fields":["nothing"]}`,
			check: asstWantData(`{"count":2,"info":[{"bk_inst_id":3,"bk_inst_name":"10.0.0.3"}]}`)},
		{name: "the wrong role finds nothing", op: op, setup: asstThree,
			body:  body(`{"bk_obj_id":"bk_switch","bk_inst_id":7,"association_obj_id":"host","is_target_object":true}`, `{"limit":10}`),
			check: asstWantData(`{"count":0,"info":null}`)},
		{name: "limit above 1000", op: op, body: body(src7, `{"limit":1001}`), code: 1199059, msg: badPage, zh: "分页查询数量超过限制的最大值, 建议值200"},
		{name: "limit 0", op: op, body: body(src7, `{"limit":0}`), code: 1199059, msg: badPage},
		{name: "start negative", op: op, body: body(src7, `{"start":-1,"limit":10}`), code: 1199059, msg: badPage},
		{name: "no page", op: op, body: body(src7, ""), code: 1199059, msg: badPage},
		{name: "bk_obj_id missing", op: op, body: body(`{"bk_inst_id":7,"association_obj_id":"host"}`, `{"limit":10}`),
			code: 1199010, msg: "'bk_obj_id' unassigned", zh: "'bk_obj_id' 未赋值"},
		{name: "bk_inst_id 0", op: op, body: body(`{"bk_obj_id":"bk_switch","bk_inst_id":0,"association_obj_id":"host"}`, `{"limit":10}`),
			code: 1199010, msg: "'bk_inst_id' unassigned"},
		{name: "association_obj_id missing", op: op, body: body(`{"bk_obj_id":"bk_switch","bk_inst_id":7}`, `{"limit":10}`),
			code: 1199010, msg: "'association_obj_id' unassigned"},
		{name: "order: condition before page", op: op, body: body(`{}`, ""), code: 1199010, msg: "'bk_obj_id' unassigned"},
		{name: "body not JSON", op: op, raw: `{"condition":{`, code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "bk_inst_id a string", op: op, body: body(`{"bk_obj_id":"bk_switch","bk_inst_id":"7","association_obj_id":"host"}`, `{"limit":10}`),
			code: 1199000, msg: "Deserializing JSON data failed"},
	})
}
