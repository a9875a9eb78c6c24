package e2e

// associations.md §3.1–§3.5: finding, creating and deleting instance
// associations.

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// asstRouterFirewall11 makes bk_router → bk_firewall under a 1:1 model
// association (id 5) with routers 1, 2 and firewalls 1, 2.
func asstRouterFirewall11(e *env) {
	asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "1:1")
	for _, id := range []int64{1, 2} {
		asstPutInst(e, "bk_router", id, "r"+strconv.FormatInt(id, 10))
		asstPutInst(e, "bk_firewall", id, "f"+strconv.FormatInt(id, 10))
	}
}

// asstWantRows asserts the stored rows (ids in order).
func asstWantRows(ids ...int64) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		got := []int64{}
		for _, a := range asstRows(e) {
			got = append(got, a.ID)
		}
		if ids == nil {
			ids = []int64{}
		}
		wantEqual(t, "stored rows", got, ids)
	}
}

// asstBoth runs several checks.
func asstBoth(fns ...func(t *testing.T, e *env, d door, r reply)) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		for _, f := range fns {
			f(t, e, d, r)
		}
	}
}

// asstFirstInst is the smallest instance id of a model (presets).
func asstFirstInst(e *env, objID string) int64 {
	e.t.Helper()
	var id int64
	e.storeUpdate(func(tx cmdb.Tx) error {
		return tx.QueryInstances(&cmdb.InstanceQuery{Scope: cmdb.ScopeOf("0"), ObjID: objID, Limit: 1},
			func(si cmdb.StoredInstance) (bool, error) { id = si.ID; return false, nil })
	})
	if id == 0 {
		e.t.Fatalf("no %s instance", objID)
	}
	return id
}

func TestAssocFindInstanceAssociation(t *testing.T) {
	const op = "find_instance_association"
	const decode = "Deserializing JSON data failed"
	const decodeZH = "反序列化JSON数据失败"
	forbidden := func(opName string) asstCase {
		return asstCase{name: "forbidden operator " + opName, op: op,
			body: `{"bk_obj_id":"bk_switch","condition":{"` + opName + `":"x"}}`,
			code: 1199998, msg: `operator "` + opName + `" is forbidden`, zh: `operator "` + opName + `" is forbidden`}
	}
	three := func(e *env) {
		// Inserted out of id order: the answer is in ascending id.
		for _, id := range []int64{30, 10, 20} {
			asstPutRow(e, cmdb.InstAssociation{ID: id, InstID: id, ObjID: "bk_switch", AsstInstID: id, AsstObjID: "host",
				ObjAsstID: "bk_switch_connect_host", AsstID: "connect"})
		}
	}
	runAsstCases(t, []asstCase{
		{name: "the seed document's example", op: op, setup: asstSeedExample, golden: true,
			body:  `{"bk_obj_id":"bk_switch","condition":{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7}}`,
			check: asstWantData(`[` + asstExRow + `]`)},
		{name: "doc vs code: the model as target is returned too", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"host"}`, check: asstWantData(`[` + asstExRow + `]`)},
		{name: "doc vs code: no condition is needed", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_switch"}`, check: asstWantIDs(42)},
		{name: "condition {} is all", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"bk_switch","condition":{}}`, check: asstWantIDs(42)},
		{name: "condition null is all", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"bk_switch","condition":null}`, check: asstWantIDs(42)},
		{name: "ascending id", op: op, setup: three, body: `{"bk_obj_id":"bk_switch"}`, check: asstWantIDs(10, 20, 30)},
		{name: "a model with no rows answers []", op: op, setup: three, body: `{"bk_obj_id":"bk_router"}`,
			check: asstWantData(`[]`)},
		{name: "unknown model answers []", op: op, body: `{"bk_obj_id":"nosuchmodel"}`, check: asstWantData(`[]`)},
		{name: "no match answers []", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_switch","condition":{"bk_inst_id":8}}`, check: asstWantData(`[]`)},
		{name: "operators", op: op, setup: three,
			body:  `{"bk_obj_id":"host","condition":{"$or":[{"bk_inst_id":{"$in":[10,30]}},{"id":{"$gte":25}}],"bk_asst_inst_id":{"$ne":10}}}`,
			check: asstWantIDs(30)},
		{name: "a string never equals a number", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_switch","condition":{"bk_inst_id":"7"}}`, check: asstWantData(`[]`)},
		{name: "bk_supplier_account in the condition is replaced", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_switch","condition":{"bk_supplier_account":"x"}}`, check: asstWantIDs(42)},
		{name: "another supplier's rows are not seen", op: op, body: `{"bk_obj_id":"bk_switch"}`,
			setup: func(e *env) {
				asstSeedExample(e)
				asstPutRow(e, cmdb.InstAssociation{InstID: 8, ObjID: "bk_switch", AsstInstID: 4, AsstObjID: "host",
					ObjAsstID: "bk_switch_connect_host", AsstID: "connect", Supplier: "x"})
			},
			check: asstWantIDs(42)},
		{name: "a supplier sees its own rows and supplier 0's", op: op, doors: []door{esbDoor},
			body: `{"bk_obj_id":"bk_switch","bk_supplier_account":"x"}`,
			setup: func(e *env) {
				asstSeedExample(e)
				asstPutRow(e, cmdb.InstAssociation{InstID: 8, ObjID: "bk_switch", AsstInstID: 4, AsstObjID: "host",
					ObjAsstID: "bk_switch_connect_host", AsstID: "connect", Supplier: "x"})
			},
			check: asstWantIDs(42, 43)},
		{name: "body not JSON", op: op, raw: `{"bk_obj_id":`, code: 1199006, msg: decode, zh: decodeZH},
		{name: "body an array", op: op, raw: `[{"bk_obj_id":"host"}]`, code: 1199006, msg: decode, zh: decodeZH},
		{name: "condition not an object", op: op, body: `{"bk_obj_id":"host","condition":"x"}`, code: 1199006, msg: decode, zh: decodeZH},
		{name: "condition an array", op: op, body: `{"bk_obj_id":"host","condition":[]}`, code: 1199006, msg: decode},
		{name: "bk_obj_id not a string", op: op, body: `{"bk_obj_id":5}`, code: 1199006, msg: decode},
		{name: "bk_obj_id empty", op: op, body: `{"bk_obj_id":"","condition":{}}`, code: 1199010, msg: "'bk_obj_id' unassigned", zh: "'bk_obj_id' 未赋值"},
		{name: "bk_obj_id missing", op: op, body: `{"condition":{"bk_inst_id":1}}`, code: 1199010, msg: "'bk_obj_id' unassigned"},
		forbidden("$where"),
		forbidden("$expr"),
		forbidden("$accumulator"),
		forbidden("$function"),
		{name: "forbidden operator inside an array", op: op, body: `{"bk_obj_id":"host","condition":{"$or":[{"id":1},{"$where":"1"}]}}`,
			code: 1199998, msg: `operator "$where" is forbidden`},
		{name: "forbidden operator inside a field", op: op, body: `{"bk_obj_id":"host","condition":{"id":{"$where":"1"}}}`,
			code: 1199998, msg: `operator "$where" is forbidden`},
		{name: "cmdb: operators outside the allowlist are refused too", op: op,
			body: `{"bk_obj_id":"host","condition":{"id":{"$elemMatch":{"a":1}}}}`,
			code: 1199998, msg: `operator "$elemMatch" is forbidden`},
	})
}

func TestAssocAddInstanceAssociation(t *testing.T) {
	const op = "add_instance_association"
	const oneOne = "can not create multiple instance association for a 1:1 association."
	const oneN = "The relationship is 1:n, and multiple source model instances cannot be associated at the same time."
	add := func(src, dst int64) string {
		return `{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":` + strconv.FormatInt(src, 10) + `,"bk_asst_inst_id":` + strconv.FormatInt(dst, 10) + `}`
	}
	addRF := func(src, dst int64) string {
		return `{"bk_obj_asst_id":"bk_router_default_bk_firewall","bk_inst_id":` + strconv.FormatInt(src, 10) + `,"bk_asst_inst_id":` + strconv.FormatInt(dst, 10) + `}`
	}
	instances := func(e *env) {
		asstPutInst(e, "bk_switch", 7, "sw-07")
		asstPutInst(e, "bk_switch", 8, "sw-08")
		for _, h := range []int64{3, 4, 5} {
			asstPutInst(e, "host", h, "10.0.0."+strconv.FormatInt(h, 10))
		}
	}
	example := func(e *env) {
		instances(e)
		asstBurnIDs(e, "cc_InstAsst", 41)
		asstAdd(e, "bk_switch_connect_host", 7, 3)
	}
	stored := func(want ...cmdb.InstAssociation) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			t.Helper()
			wantEqual(t, "stored rows", asstRows(e), want)
		}
	}
	row := func(id, src, dst int64) cmdb.InstAssociation {
		return cmdb.InstAssociation{ID: id, InstID: src, ObjID: "bk_switch", AsstInstID: dst, AsstObjID: "host", Supplier: "0",
			ObjAsstID: "bk_switch_connect_host", AsstID: "connect"}
	}
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: instances, body: add(7, 3), golden: true,
			check: asstBoth(asstWantData(`{"id":1}`), stored(row(1, 7, 3)))},
		{name: "model fields come from the model association", op: op, setup: instances,
			body:  `{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7,"bk_asst_inst_id":3,"bk_obj_id":"host","bk_asst_obj_id":"biz","bk_asst_id":"run","bk_supplier_account":"0"}`,
			check: stored(row(1, 7, 3))},
		{name: "1:n: a source may have many targets", op: op, setup: example, body: add(7, 4),
			check: asstBoth(asstWantData(`{"id":43}`), stored(row(42, 7, 3), row(43, 7, 4)))},
		{name: "a model may be associated with itself, an instance too", op: op, body: `{"bk_obj_asst_id":"bk_router_default_bk_router","bk_inst_id":1,"bk_asst_inst_id":1}`,
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_router", "1:1")
				asstPutInst(e, "bk_router", 1, "r1")
			},
			check: asstWantData(`{"id":1}`)},
		{name: "a mainline model association is not refused (code behaviour)", op: op,
			bodyFn: func(e *env) string {
				return `{"bk_obj_asst_id":"set_bk_mainline_biz","bk_inst_id":` + strconv.FormatInt(asstFirstInst(e, "set"), 10) +
					`,"bk_asst_inst_id":` + strconv.FormatInt(asstFirstInst(e, "biz"), 10) + `}`
			},
			check: asstWantData(`{"id":1}`)},
		{name: "mapping other than 1:1 and 1:n is n:n", op: op, body: addRF(2, 1),
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "many")
				for _, id := range []int64{1, 2} {
					asstPutInst(e, "bk_router", id, "r")
					asstPutInst(e, "bk_firewall", id, "f")
				}
				e.esb(op, addRF(1, 1))
				e.esb(op, addRF(1, 2))
			},
			check: asstWantData(`{"id":3}`)},
		{name: "model association not found", op: op, setup: instances, body: `{"bk_obj_asst_id":"nope","bk_inst_id":7,"bk_asst_inst_id":3}`,
			code: 1101046, msg: "object association does not exist.", zh: "模型的关联关系不存在"},
		{name: "model association id empty", op: op, body: `{"bk_inst_id":7,"bk_asst_inst_id":3}`,
			code: 1101046, msg: "object association does not exist."},
		{name: "several model associations with the id", op: op, doors: []door{esbDoor, nativeDoor},
			header: http.Header{"X-Bkcmdb-Supplier-Account": {"x"}},
			body:   `{"bk_supplier_account":"x","bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7,"bk_asst_inst_id":3}`,
			setup: func(e *env) {
				instances(e)
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "bk_switch_connect_host", ObjID: "bk_switch", AsstObjID: "host",
					AsstID: "connect", Mapping: "n:n", Supplier: "x"})
			},
			code: 1101062, msg: "object association do not unique.", zh: "关联关系不唯一"},
		{name: "1:1: the source is taken", op: op, setup: func(e *env) { asstRouterFirewall11(e); e.esb(op, addRF(1, 1)) },
			body: addRF(1, 2), code: 1101052, msg: oneOne, zh: "关联关系为1:1的，不能同时关联多个实例"},
		{name: "1:1: the target is taken", op: op, setup: func(e *env) { asstRouterFirewall11(e); e.esb(op, addRF(1, 1)) },
			body: addRF(2, 1), code: 1101052, msg: oneOne},
		{name: "1:1: both free", op: op, setup: func(e *env) { asstRouterFirewall11(e); e.esb(op, addRF(1, 1)) },
			body: addRF(2, 2), check: asstWantData(`{"id":2}`)},
		{name: "1:n: the target has a source", op: op, setup: example, body: add(8, 3),
			code: 1101061, msg: oneN, zh: "关联关系为1:n的，不能同时关联多个源模型实例", check: asstWantRows(42)},
		{name: "n:n: exact duplicate", op: op,
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
				asstPutInst(e, "bk_router", 1, "r")
				asstPutInst(e, "bk_firewall", 1, "f")
				e.esb(op, addRF(1, 1))
			},
			body: addRF(1, 1), code: 1199014, msg: "duplicated instances exist, fields [association] duplicated", zh: "数据唯一性校验失败， association 重复"},
		{name: "order: duplicate before instance existence", op: op,
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
				asstPutRow(e, cmdb.InstAssociation{InstID: 9, ObjID: "bk_router", AsstInstID: 9, AsstObjID: "bk_firewall",
					ObjAsstID: "bk_router_default_bk_firewall", AsstID: "default"})
			},
			body: addRF(9, 9), code: 1199014, msg: "duplicated instances exist, fields [association] duplicated"},
		{name: "order: mapping before instance existence", op: op, setup: example, body: add(99, 3),
			code: 1101061, msg: oneN},
		{name: "source instance missing", op: op, setup: instances, body: add(99, 3),
			code: 1101073, msg: "the association inst is not exist", zh: "关联实例不存在"},
		{name: "target instance missing", op: op, setup: instances, body: add(7, 99),
			code: 1101074, msg: "the  inst to asst  is not exist", zh: "被关联实例不存在"},
		{name: "id 0 fails at the existence check", op: op, setup: instances, body: add(0, 3),
			code: 1101073, msg: "the association inst is not exist"},
		{name: "another supplier's instance is not seen", op: op, body: add(7, 3),
			setup: func(e *env) {
				asstPutInstAs(e, "x", "bk_switch", 7, "sw")
				asstPutInst(e, "host", 3, "h")
			},
			code: 1101073, msg: "the association inst is not exist"},
		{name: "the target must be an instance of the target model", op: op, body: add(7, 8),
			setup: instances, code: 1101074, msg: "the  inst to asst  is not exist"},
		{name: "body not JSON", op: op, raw: `{"bk_inst_id":7`,
			code: 1199006, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "bk_inst_id a string", op: op, setup: instances,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":"7","bk_asst_inst_id":3}`,
			code: 1199006, msg: "Deserializing JSON data failed", check: asstWantRows()},
		{name: "bk_asst_inst_id a float", op: op, setup: instances,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_inst_id":7,"bk_asst_inst_id":3.5}`,
			code: 1199006, msg: "Deserializing JSON data failed"},
	})
}

func TestAssocBatchCreateInstanceAssociation(t *testing.T) {
	const op = "batch_create_instance_association"
	const oneN = "The relationship is 1:n, and multiple source model instances cannot be associated at the same time."
	batch := func(details string) string {
		return `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[` + details + `]}`
	}
	d := func(src, dst int) string {
		return `{"bk_inst_id":` + strconv.Itoa(src) + `,"bk_asst_inst_id":` + strconv.Itoa(dst) + `}`
	}
	instances := func(e *env) {
		asstPutInst(e, "bk_switch", 7, "sw-07")
		asstPutInst(e, "bk_switch", 8, "sw-08")
		for _, h := range []int64{3, 4, 5} {
			asstPutInst(e, "host", h, "10.0.0."+strconv.FormatInt(h, 10))
		}
	}
	example := func(e *env) {
		instances(e)
		asstBurnIDs(e, "cc_InstAsst", 41)
		asstAdd(e, "bk_switch_connect_host", 7, 3)
	}
	res := func(want string) func(t *testing.T, e *env, d door, r reply) { return asstWantData(want) }
	// byLang answers want[0] through the ESB (en) and want[1] elsewhere.
	byLang := func(en, zh string) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, dr door, r reply) {
			t.Helper()
			want := en
			if asstLang(dr) == cmdb.LangZH {
				want = zh
			}
			asstWantData(want)(t, e, dr, r)
		}
	}
	details201 := strings.TrimSuffix(strings.Repeat(d(7, 3)+",", 201), ",")
	details200 := strings.TrimSuffix(strings.Repeat(d(7, 3)+",", 200), ",")
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: instances, body: batch(d(7, 3) + "," + d(7, 4)), golden: true,
			check: asstBoth(res(`{"success_created":{"0":1,"1":2},"error_msg":{}}`), asstWantRows(1, 2))},
		{name: "per-item errors; result stays true", op: op, setup: instances, body: batch(d(7, 3) + "," + d(99, 4) + "," + d(7, 4)),
			check: byLang(`{"success_created":{"0":1,"2":2},"error_msg":{"1":"the association inst is not exist"}}`,
				`{"success_created":{"0":1,"2":2},"error_msg":{"1":"关联实例不存在"}}`)},
		{name: "every item failing is still a success", op: op, setup: instances, body: batch(d(99, 3)),
			check: asstBoth(res(`{"success_created":{},"error_msg":{"0":"the association inst is not exist"}}`), asstWantRows()),
			doors: []door{esbDoor}},
		{name: "item: target missing", op: op, setup: instances, body: batch(d(7, 99)),
			check: byLang(`{"success_created":{},"error_msg":{"0":"the  inst to asst  is not exist"}}`,
				`{"success_created":{},"error_msg":{"0":"被关联实例不存在"}}`)},
		{name: "item: duplicate", op: op, setup: example, body: batch(d(7, 3)),
			check: byLang(`{"success_created":{},"error_msg":{"0":"the associations bk_switch->host already exist"}}`,
				`{"success_created":{},"error_msg":{"0":"关联关系 bk_switch->host 重复"}}`)},
		{name: "item: duplicate is checked before existence", op: op, body: batch(d(1, 1)),
			setup: func(e *env) {
				asstPutRow(e, cmdb.InstAssociation{InstID: 1, ObjID: "bk_switch", AsstInstID: 1, AsstObjID: "host",
					ObjAsstID: "bk_switch_connect_host", AsstID: "connect"})
			},
			check: res(`{"success_created":{},"error_msg":{"0":"the associations bk_switch->host already exist"}}`), doors: []door{esbDoor}},
		{name: "item: existence is checked before mapping", op: op, setup: example, body: batch(d(99, 3)),
			check: res(`{"success_created":{},"error_msg":{"0":"the association inst is not exist"}}`), doors: []door{esbDoor}},
		{name: "item: 1:n mapping", op: op, setup: example, body: batch(d(8, 3)),
			check: byLang(`{"success_created":{},"error_msg":{"0":"`+oneN+`"}}`,
				`{"success_created":{},"error_msg":{"0":"关联关系为1:n的，不能同时关联多个源模型实例"}}`)},
		{name: "earlier items count for later ones", op: op, setup: instances, body: batch(d(7, 5) + "," + d(8, 5) + "," + d(7, 5)),
			check: res(`{"success_created":{"0":1},"error_msg":{"1":"` + oneN + `","2":"the associations bk_switch->host already exist"}}`),
			doors: []door{esbDoor}},
		{name: "item: 1:1 mapping, source and target", op: op, setup: asstRouterFirewall11,
			body: `{"bk_obj_asst_id":"bk_router_default_bk_firewall","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","details":[` +
				d(1, 1) + "," + d(1, 2) + "," + d(2, 1) + "," + d(2, 2) + `]}`,
			check: res(`{"success_created":{"0":1,"3":2},"error_msg":{` +
				`"1":"can not create multiple instance association for a 1:1 association.",` +
				`"2":"can not create multiple instance association for a 1:1 association."}}`),
			doors: []door{esbDoor}},
		{name: "rows take bk_obj_id and bk_asst_obj_id from the request", op: op,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_sw","bk_asst_obj_id":"t_host","details":[` + d(7, 3) + `]}`,
			setup: func(e *env) {
				asstPutInst(e, "bk_sw", 7, "odd")
				asstPutInst(e, "t_host", 3, "odd")
			},
			check: func(t *testing.T, e *env, dr door, r reply) {
				res(`{"success_created":{"0":1},"error_msg":{}}`)(t, e, dr, r)
				wantEqual(t, "stored", asstRows(e), []cmdb.InstAssociation{{ID: 1, InstID: 7, ObjID: "bk_sw", AsstInstID: 3,
					AsstObjID: "t_host", Supplier: "0", ObjAsstID: "bk_switch_connect_host", AsstID: "connect"}})
			}, doors: []door{esbDoor}},
		{name: "200 details", op: op, setup: example, body: batch(details200),
			check: func(t *testing.T, e *env, dr door, r reply) {
				m := r.data().(map[string]any)
				if n := len(m["error_msg"].(map[string]any)); n != 200 {
					t.Errorf("error_msg: %d items, want 200", n)
				}
			}, doors: []door{esbDoor}},
		{name: "more than 200 details", op: op, body: batch(details201),
			code: 1199035, msg: " details exceed the limit 200", zh: " details 超过限制 200"},
		{name: "no details", op: op, body: batch(""), code: 1199038, msg: "need data details is null", zh: "数据 details 不能为空"},
		{name: "details missing", op: op, body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host"}`,
			code: 1199038, msg: "need data details is null"},
		{name: "bk_obj_asst_id empty", op: op, body: `{"bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[` + d(7, 3) + `]}`,
			code: 1199011, msg: "'bk_obj_asst_id' the parameter is invalid or does not exist", zh: "'bk_obj_asst_id' 参数无效或不存在"},
		{name: "bk_obj_id empty", op: op, body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_asst_obj_id":"host","details":[]}`,
			code: 1199011, msg: "'bk_obj_id' the parameter is invalid or does not exist"},
		{name: "bk_asst_obj_id empty", op: op, body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","details":[]}`,
			code: 1199011, msg: "'bk_asst_obj_id' the parameter is invalid or does not exist"},
		{name: "bk_obj_id not a prefix", op: op,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_router","bk_asst_obj_id":"host","details":[` + d(7, 3) + `]}`,
			code: 1199006, msg: "'bk_obj_id' data parameter verification does not pass", zh: "'bk_obj_id' 数据参数校验不通过"},
		{name: "bk_asst_obj_id not a suffix", op: op,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"biz","details":[` + d(7, 3) + `]}`,
			code: 1199006, msg: "'bk_asst_obj_id' data parameter verification does not pass"},
		{name: "bk_obj_id longer than bk_obj_asst_id (bk-cmdb panics)", op: op,
			body: `{"bk_obj_asst_id":"a_b","bk_obj_id":"a_b_c_d","bk_asst_obj_id":"b","details":[` + d(7, 3) + `]}`,
			code: 1199006, msg: "'bk_obj_id' data parameter verification does not pass"},
		{name: "order: details before prefix", op: op,
			body: `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"x","bk_asst_obj_id":"y","details":[]}`,
			code: 1199038, msg: "need data details is null"},
		{name: "order: prefix before the model association", op: op,
			body: `{"bk_obj_asst_id":"nope","bk_obj_id":"x","bk_asst_obj_id":"nope","details":[` + d(7, 3) + `]}`,
			code: 1199006, msg: "'bk_obj_id' data parameter verification does not pass"},
		{name: "model association not found", op: op,
			body: `{"bk_obj_asst_id":"bk_switch_run_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[` + d(7, 3) + `]}`,
			code: 1101046, msg: "object association does not exist.", zh: "模型的关联关系不存在"},
		{name: "several model associations with the id", op: op, doors: []door{esbDoor},
			body: `{"bk_supplier_account":"x","bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[` + d(7, 3) + `]}`,
			setup: func(e *env) {
				asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "bk_switch_connect_host", ObjID: "bk_switch", AsstObjID: "host",
					AsstID: "connect", Mapping: "n:n", Supplier: "x"})
			},
			code: 1101062, msg: "object association do not unique."},
		{name: "body not JSON", op: op, raw: `{"details":[`, code: 1199000, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "details of the wrong type", op: op, body: batch(`{"bk_inst_id":"7","bk_asst_inst_id":3}`),
			code: 1199000, msg: "Deserializing JSON data failed"},
	})
}

func TestAssocDeleteInstanceAssociation(t *testing.T) {
	const op = "delete_instance_association"
	runAsstCases(t, []asstCase{
		{name: "success", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"bk_switch","id":42}`, golden: true,
			check: asstBoth(wantNullData, asstWantRows())},
		{name: "by the target model", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"host","id":42}`,
			check: asstBoth(wantNullData, asstWantRows())},
		{name: "a row not involving the model succeeds and stays", op: op, setup: asstSeedExample,
			body: `{"bk_obj_id":"biz","id":42}`, check: asstBoth(wantNullData, asstWantRows(42))},
		{name: "unknown id succeeds", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"bk_switch","id":999}`,
			check: asstBoth(wantNullData, asstWantRows(42))},
		{name: "unknown model succeeds", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"nosuch","id":42}`,
			check: asstBoth(wantNullData, asstWantRows(42))},
		{name: "another supplier's row stays", op: op, body: `{"bk_obj_id":"bk_switch","id":7}`,
			setup: func(e *env) {
				asstPutRow(e, cmdb.InstAssociation{ID: 7, InstID: 1, ObjID: "bk_switch", AsstInstID: 1, AsstObjID: "host",
					ObjAsstID: "bk_switch_connect_host", AsstID: "connect", Supplier: "x"})
			},
			check: asstBoth(wantNullData, asstWantRows(7))},
		{name: "id not an integer", op: op, setup: asstSeedExample, body: `{"bk_obj_id":"bk_switch","id":"4x"}`,
			code: 1199009, msg: "'association_id' parameters must be integral", zh: "'association_id' 参数必须是整型",
			check: asstWantRows(42)},
	})
}

// delete_instance_association's 1199010 (empty bk_obj_id) cannot be reached:
// the ESB refuses a missing path variable itself (1306406), and an empty path
// segment matches no gateway route (1640401).
func TestAssocDeleteInstanceAssociationEmptyModel(t *testing.T) {
	e := newEnv(t)
	asstSeedExample(e)
	r := e.send(req{method: "POST", path: "/api/c/compapi/v2/cc/delete_instance_association/",
		body: []byte(`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin","bk_obj_id":"","id":42}`)})
	if r.status != 200 || r.code() != 1306406 || r.msg() != "Parameters error, param bk_obj_id is required" {
		t.Errorf("ESB: %s", r)
	}
	r = e.send(req{method: "DELETE", path: "/api/v3/delete/instassociation//42", body: []byte(`{}`),
		header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
	if r.status != 404 || r.code() != 1640401 {
		t.Errorf("gateway: %s", r)
	}
	if n := len(asstRows(e)); n != 1 {
		t.Errorf("rows: %d, want 1", n)
	}
}

func TestAssocDeleteRelatedInstAsso(t *testing.T) {
	const op = "delete_related_inst_asso"
	const decode = "Deserializing JSON data failed"
	two := func(e *env) {
		asstSeedExample(e)
		asstPutInst(e, "host", 4, "10.0.0.4")
		asstAdd(e, "bk_switch_connect_host", 7, 4)
	}
	runAsstCases(t, []asstCase{
		{name: "success returns the number deleted", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[42,43]}`, golden: true,
			check: asstBoth(asstWantData(`2`), asstWantRows())},
		{name: "unknown ids are ignored", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[42,999]}`,
			check: asstBoth(asstWantData(`1`), asstWantRows(43))},
		{name: "by the target model", op: op, setup: two, body: `{"bk_obj_id":"host","id":[43]}`,
			check: asstBoth(asstWantData(`1`), asstWantRows(42))},
		{name: "rows not involving the model stay", op: op, setup: two, body: `{"bk_obj_id":"biz","id":[42,43]}`,
			check: asstBoth(asstWantData(`0`), asstWantRows(42, 43))},
		{name: "a repeated id counts once", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[42,42]}`,
			check: asstBoth(asstWantData(`1`), asstWantRows(43))},
		{name: "nothing to delete answers 0", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[1,2,3]}`,
			check: asstBoth(asstWantData(`0`), asstWantRows(42, 43))},
		{name: "500 ids", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[` + asstIDList(1, 500) + `]}`,
			check: asstBoth(asstWantData(`2`), asstWantRows())},
		{name: "more than 500 ids", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[` + asstIDList(1, 501) + `]}`,
			code: 1199059, msg: "page limit is exceeded. suggestion 200", zh: "分页查询数量超过限制的最大值, 建议值200", check: asstWantRows(42, 43)},
		{name: "empty id list", op: op, setup: two, body: `{"bk_obj_id":"bk_switch","id":[]}`,
			code: 1199003, msg: "invalid input parameter", zh: "输入参数无效", check: asstWantRows(42, 43)},
		{name: "id missing", op: op, body: `{"bk_obj_id":"bk_switch"}`, code: 1199003, msg: "invalid input parameter"},
		{name: "bk_obj_id empty", op: op, body: `{"id":[42]}`, code: 1199010, msg: "'bk_obj_id' unassigned", zh: "'bk_obj_id' 未赋值"},
		{name: "order: ids before bk_obj_id", op: op, body: `{"id":[]}`, code: 1199003, msg: "invalid input parameter"},
		{name: "body not JSON", op: op, raw: `{"id":[1,`, code: 1199006, msg: decode, zh: "反序列化JSON数据失败"},
		{name: "id not an array", op: op, body: `{"bk_obj_id":"host","id":42}`, code: 1199006, msg: decode},
		{name: "id elements not integers", op: op, body: `{"bk_obj_id":"host","id":["42"]}`, code: 1199006, msg: decode},
	})
}
