package e2e

// The bk-cmdb quirks cmdb keeps on purpose because clients depend on them
// (cmdb-decisions.md, "Where cmdb keeps bk-cmdb's quirks on purpose"), one
// test each, through the ESB and the gateway.

import (
	"strconv"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Quirk: find_instance_association has no paging at all. A page in the body
// is ignored and every matching row comes back, in ascending id.
func TestAssocQuirkUnpagedFindInstanceAssociation(t *testing.T) {
	const rows = 1200 // more than any page limit of the other endpoints
	many := func(e *env) {
		e.storeUpdate(func(tx cmdb.Tx) error {
			for i := rows; i >= 1; i-- { // stored in descending id
				a := &cmdb.InstAssociation{ID: int64(i), InstID: int64(i%7 + 1), ObjID: "bk_switch", AsstInstID: int64(i),
					AsstObjID: "host", Supplier: "0", ObjAsstID: "bk_switch_connect_host", AsstID: "connect"}
				if err := tx.InsertInstAsst(a); err != nil {
					return err
				}
			}
			return nil
		})
	}
	all := make([]int64, rows)
	for i := range all {
		all[i] = int64(i + 1)
	}
	runAsstCases(t, []asstCase{
		{name: "every row, ascending id", op: "find_instance_association", setup: many,
			body: `{"bk_obj_id":"bk_switch"}`, check: asstWantIDs(all...)},
		{name: "a page in the body is ignored", op: "find_instance_association", setup: many,
			body:  `{"bk_obj_id":"bk_switch","condition":{"bk_obj_asst_id":"bk_switch_connect_host"},"page":{"start":5,"limit":10,"sort":"-id"}}`,
			check: asstWantIDs(all...)},
	})
}

// Quirk: null where bk-cmdb answers null, [] where it answers [].
func TestAssocQuirkNullVersusEmptyArray(t *testing.T) {
	runAsstCases(t, []asstCase{
		{name: "base_info: info is null when no row matches", op: "search_inst_asst_object_inst_base_info",
			body:  `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7,"association_obj_id":"host"},"page":{"limit":10}}`,
			check: asstWantData(`{"count":0,"info":null}`)},
		{name: "base_info: info is an array when rows match", op: "search_inst_asst_object_inst_base_info", setup: asstSeedExample,
			body:  `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7,"association_obj_id":"host"},"page":{"limit":10}}`,
			check: asstWantData(`{"count":1,"info":[{"bk_inst_id":3,"bk_inst_name":"10.0.0.3"}]}`)},
		{name: "with_inst: src and dst are null without their flags", op: "find_instassociation_with_inst", setup: asstSeedExample,
			body:  `{"bk_obj_id":"bk_switch","condition":{"asst_filter":` + asstQB(asstRule("id", "equal", "42")) + `,"asst_fields":["id"]},"page":{"limit":10}}`,
			check: asstWantData(`{"association":[{"id":42}],"src":null,"dst":null}`)},
		{name: "with_inst: association is [] when empty", op: "find_instassociation_with_inst",
			body:  `{"bk_obj_id":"bk_switch","condition":{"asst_filter":` + asstQB(asstRule("id", "equal", "42")) + `},"page":{"limit":10}}`,
			check: asstWantData(`{"association":[],"src":null,"dst":null}`)},
		{name: "find_instance_association: [] when empty", op: "find_instance_association",
			body: `{"bk_obj_id":"bk_switch"}`, check: asstWantData(`[]`)},
		{name: "search_instance_associations: info [] when empty", op: "search_instance_associations",
			body: `{"bk_obj_id":"bk_switch","page":{"limit":10}}`, check: asstWantData(`{"info":[]}`)},
		{name: "search_related_inst_asso: [] when empty", op: "search_related_inst_asso",
			body: `{"condition":{"bk_obj_id":"bk_switch","bk_inst_id":7},"fields":["id"]}`, check: asstWantData(`[]`)},
		{name: "search_inst_association_topo: [] when empty", op: "search_inst_association_topo",
			setup: func(e *env) { asstPutInst(e, "bk_switch", 7, "sw") },
			body:  `{"bk_obj_id":"bk_switch","bk_inst_id":7}`, check: asstWantData(`[]`)},
		{name: "find_object_association: [] when empty", op: "find_object_association",
			body: `{"condition":{"bk_obj_id":"nope"}}`, check: asstWantData(`[]`)},
		{name: "batch create: both maps always present", op: "batch_create_instance_association",
			body:  `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[{"bk_inst_id":1,"bk_asst_inst_id":1}]}`,
			check: asstWantData(`{"success_created":{},"error_msg":{"0":"the association inst is not exist"}}`), doors: []door{esbDoor}},
		{name: "create object association: ispre null when not sent", op: "post_create_objectassociation", body: asstRouterFirewall,
			check: func(t *testing.T, e *env, d door, r reply) {
				if v, ok := r.data().(map[string]any)["ispre"]; !ok || v != nil {
					t.Errorf("ispre: %v (present %v), want null", v, ok)
				}
			}},
		{name: "deletes and updates answer data null", op: "delete_instance_association", setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_switch","id":42}`, check: wantNullData},
	})
}

// Quirk: messages raised without arguments keep the template's literal %s.
func TestAssocQuirkLiteralPercentS(t *testing.T) {
	const en = "'%s' the parameter is invalid or does not exist"
	const zh = "'%s' 参数无效或不存在"
	runAsstCases(t, []asstCase{
		{name: "find_object_association with an empty condition", op: "find_object_association",
			body: `{"condition":{}}`, code: 1199011, msg: en, zh: zh},
		{name: "find_object_association with neither condition nor bk_obj_id", op: "find_object_association",
			body: `{}`, code: 1199011, msg: en, zh: zh},
		{name: "create object association with a body that is not JSON", op: "post_create_objectassociation",
			raw: `{"bk_obj_asst_id":}`, code: 1199011, msg: en, zh: zh},
		{name: "update object association with an id that is not an integer", op: "put_update_objectassociation",
			body: `{"id":"four","bk_obj_asst_name":"x"}`, code: 1199011, msg: en, zh: zh},
	})
}

// Quirk: deleting what does not exist succeeds.
func TestAssocQuirkDeleteMissingSucceeds(t *testing.T) {
	runAsstCases(t, []asstCase{
		{name: "association kind", op: "delete_delete_associationtype", body: `{"id":999}`, check: wantNullData},
		{name: "model association", op: "delete_delete_objectassociation", body: `{"id":999}`, check: wantNullData},
		{name: "instance association", op: "delete_instance_association", body: `{"bk_obj_id":"bk_switch","id":999}`, check: wantNullData},
		{name: "instance association of another model", op: "delete_instance_association", setup: asstSeedExample,
			body: `{"bk_obj_id":"bk_router","id":42}`, check: asstBoth(wantNullData, asstWantRows(42))},
		{name: "instance associations by id", op: "delete_related_inst_asso", body: `{"bk_obj_id":"bk_switch","id":[999,1000]}`,
			check: asstWantData(`0`)},
	})
}

// Quirk: add_instance_association checks the mapping before duplicates, so
// an exact duplicate under 1:1 or 1:n reports the mapping error; only n:n
// (or any other mapping) reports the duplicate. batch create checks the
// other way round.
func TestAssocQuirkMappingBeforeDuplicate(t *testing.T) {
	rf := func(mapping string) func(e *env) {
		return func(e *env) {
			asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", mapping)
			asstPutInst(e, "bk_router", 1, "r1")
			asstPutInst(e, "bk_firewall", 1, "f1")
			asstAdd(e, "bk_router_default_bk_firewall", 1, 1)
		}
	}
	add := func(oa string, src, dst int) string {
		return `{"bk_obj_asst_id":"` + oa + `","bk_inst_id":` + strconv.Itoa(src) + `,"bk_asst_inst_id":` + strconv.Itoa(dst) + `}`
	}
	runAsstCases(t, []asstCase{
		{name: "1:1 exact duplicate reports 1101052", op: "add_instance_association", setup: rf("1:1"),
			body: add("bk_router_default_bk_firewall", 1, 1), code: 1101052,
			msg: "can not create multiple instance association for a 1:1 association.", zh: "关联关系为1:1的，不能同时关联多个实例"},
		{name: "1:n exact duplicate reports 1101061", op: "add_instance_association", setup: asstSeedExample,
			body: add("bk_switch_connect_host", 7, 3), code: 1101061,
			msg: "The relationship is 1:n, and multiple source model instances cannot be associated at the same time.",
			zh:  "关联关系为1:n的，不能同时关联多个源模型实例"},
		{name: "n:n exact duplicate reports 1199014", op: "add_instance_association", setup: rf("n:n"),
			body: add("bk_router_default_bk_firewall", 1, 1), code: 1199014,
			msg: "duplicated instances exist, fields [association] duplicated", zh: "数据唯一性校验失败， association 重复"},
		{name: "batch: 1:n exact duplicate reports the duplicate", op: "batch_create_instance_association", setup: asstSeedExample,
			body:  `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[{"bk_inst_id":7,"bk_asst_inst_id":3}]}`,
			check: asstWantData(`{"success_created":{},"error_msg":{"0":"the associations bk_switch->host already exist"}}`), doors: []door{esbDoor}},
	})
}
