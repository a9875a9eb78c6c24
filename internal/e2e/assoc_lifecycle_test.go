package e2e

// associations.md §0.6: what instance associations do to the deletion of
// instances, model associations, models and kinds.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// asstNeedRoute skips when the ESB name's native route is not served yet
// (another family's endpoint): the ESB then answers 1199998 "404: Page Not
// Found".
func asstNeedRoute(t *testing.T, e *env, op, body string) {
	t.Helper()
	o, err := asstPostESB(e, op, body)
	if err != nil {
		t.Fatal(err)
	}
	if o.code == 1199998 && o.msg == "404: Page Not Found" {
		t.Skipf("%s is not served yet", op)
	}
}

// asstInstExists reports whether an instance is stored.
func asstInstExists(e *env, objID string, id int64) bool {
	var ok bool
	e.storeUpdate(func(tx cmdb.Tx) error {
		m, err := tx.ExistingInstances(cmdb.ScopeOf("0"), objID, []int64{id})
		ok = m[id]
		return err
	})
	return ok
}

// asstDropInst deletes an instance directly (no association rule), to make
// a dangling row.
func asstDropInst(e *env, objID string, id int64) {
	e.storeUpdate(func(tx cmdb.Tx) error {
		_, err := tx.DeleteInstances(cmdb.ScopeOf("0"), objID, []int64{id})
		return err
	})
}

func TestAssocLifecycleInstanceDelete(t *testing.T) {
	const op = "delete_inst"
	probe := newEnv(t)
	asstNeedRoute(t, probe, op, `{"bk_obj_id":"bk_router","bk_inst_id":999}`)

	rf := func(e *env) {
		asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
		asstPutInst(e, "bk_router", 1, "r1")
		asstPutInst(e, "bk_router", 2, "r2")
		asstPutInst(e, "bk_firewall", 1, "f1")
	}
	for _, c := range []struct {
		name, op, body string
		setup          func(e *env)
		code           int
		check          func(t *testing.T, e *env)
	}{
		{name: "refused while the other end exists (source side)", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			setup: asstSeedExample, code: 1101075,
			check: func(t *testing.T, e *env) {
				if !asstInstExists(e, "bk_switch", 7) || len(asstRows(e)) != 1 {
					t.Error("instance or row gone")
				}
			}},
		{name: "refused while the other end exists (target side)", op: op, body: `{"bk_obj_id":"bk_firewall","bk_inst_id":1}`,
			setup: func(e *env) { rf(e); asstAdd(e, "bk_router_default_bk_firewall", 1, 1) }, code: 1101075,
			check: func(t *testing.T, e *env) {
				if !asstInstExists(e, "bk_firewall", 1) {
					t.Error("instance gone")
				}
			}},
		{name: "dangling rows go with the instance", op: op, body: `{"bk_obj_id":"bk_switch","bk_inst_id":7}`,
			setup: func(e *env) { asstSeedExample(e); asstDropInst(e, "host", 3) },
			check: func(t *testing.T, e *env) {
				if asstInstExists(e, "bk_switch", 7) || len(asstRows(e)) != 0 {
					t.Errorf("instance or dangling row left: %v", asstRows(e))
				}
			}},
		{name: "one live row blocks, dangling rows stay then", op: op, body: `{"bk_obj_id":"bk_router","bk_inst_id":1}`,
			setup: func(e *env) {
				rf(e)
				asstPutInst(e, "bk_firewall", 2, "f2")
				asstAdd(e, "bk_router_default_bk_firewall", 1, 1)
				asstAdd(e, "bk_router_default_bk_firewall", 1, 2)
				asstDropInst(e, "bk_firewall", 1)
			}, code: 1101075,
			check: func(t *testing.T, e *env) {
				if n := len(asstRows(e)); n != 2 {
					t.Errorf("rows: %d, want 2 (the failed call changes nothing)", n)
				}
			}},
		{name: "a self association blocks", op: op, body: `{"bk_obj_id":"bk_router","bk_inst_id":1}`,
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_router", "n:n")
				asstPutInst(e, "bk_router", 1, "r1")
				asstAdd(e, "bk_router_default_bk_router", 1, 1)
			}, code: 1101075},
		{name: "batch: a row between two instances of the same call blocks", op: "batch_delete_inst",
			body: `{"bk_obj_id":"bk_router","delete":{"inst_ids":[1,2]}}`,
			setup: func(e *env) {
				asstCreateObjAsst(e, "bk_router", "default", "bk_router", "n:n")
				asstPutInst(e, "bk_router", 1, "r1")
				asstPutInst(e, "bk_router", 2, "r2")
				asstAdd(e, "bk_router_default_bk_router", 1, 2)
			}, code: 1101075,
			check: func(t *testing.T, e *env) {
				if !asstInstExists(e, "bk_router", 1) || !asstInstExists(e, "bk_router", 2) {
					t.Error("an instance went")
				}
			}},
		{name: "unassociated instances go", op: op, body: `{"bk_obj_id":"bk_router","bk_inst_id":2}`,
			setup: func(e *env) { rf(e); asstAdd(e, "bk_router_default_bk_firewall", 1, 1) },
			check: func(t *testing.T, e *env) {
				if asstInstExists(e, "bk_router", 2) || len(asstRows(e)) != 1 {
					t.Error("wrong instance or row deleted")
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c.setup(e)
			o, err := asstPostESB(e, c.op, c.body)
			if err != nil {
				t.Fatal(err)
			}
			want := "success"
			if c.code == 1101075 {
				want = "the inst has association"
			}
			if o.code != c.code || o.msg != want {
				t.Fatalf("got %d %q, want %d %q", o.code, o.msg, c.code, want)
			}
			if c.check != nil {
				c.check(t, e)
			}
		})
	}
	t.Run("gateway, Chinese message", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		asstSeedExample(e)
		r := e.send(req{method: "DELETE", path: "/api/v3/delete/instance/object/bk_switch/inst/7", body: []byte(`{}`),
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		if r.code() != 1101075 || r.msg() != "实例下有关联关系" {
			t.Errorf("got %s", r)
		}
	})
}

// The whole teardown of a custom association, in the only order the rules
// allow: instance rows, then the model association, then the kind and the
// models.
func TestAssocLifecycleTeardownOrder(t *testing.T) {
	e := newEnv(t)
	e.esb("create_object", `{"bk_obj_id":"asst_a","bk_obj_name":"A","bk_classification_id":"bk_network","bk_obj_icon":"icon-x"}`)
	e.esb("create_object", `{"bk_obj_id":"asst_b","bk_obj_name":"B","bk_classification_id":"bk_network","bk_obj_icon":"icon-x"}`)
	kind := num(e.asstGW("post_create_associationtype", `{"bk_asst_id":"feeds"}`).data().(map[string]any), "id")
	oa := asstCreateObjAsst(e, "asst_a", "feeds", "asst_b", "1:n")
	objID := func(id string) string {
		for _, m := range e.esb("search_objects", `{"bk_obj_id":"`+id+`"}`).list() {
			return pathText(m["id"])
		}
		t.Fatalf("model %s missing", id)
		return ""
	}
	idA, idB := objID("asst_a"), objID("asst_b")
	step := func(d door, op, body string, code int, msg string) {
		t.Helper()
		r := e.call(d, op, body, langHeader("en"))
		if r.code() != code || (code != 0 && r.msg() != msg) {
			t.Fatalf("%s %s: got %d %q, want %d %q", op, body, r.code(), r.msg(), code, msg)
		}
	}
	id := func(v int64) string { return pathText(asstNum(v)) }

	// Both models, without instances, are held by the model association.
	step(esbDoor, "delete_object", `{"id":`+idA+`}`, 1101053, "object has already been associated.")
	step(esbDoor, "delete_object", `{"id":`+idB+`}`, 1101053, "object has already been associated.")
	asstPutInst(e, "asst_a", 1001, "a1")
	asstPutInst(e, "asst_b", 1002, "b1")
	row := asstAdd(e, "asst_a_feeds_asst_b", 1001, 1002)
	step(gwDoor, "delete_delete_associationtype", `{"id":`+id(kind)+`}`, 1101060, "association kind has already been used.")
	step(gwDoor, "delete_delete_objectassociation", `{"id":`+id(oa)+`}`, 1101043, "object association has already been instantiated, can not be deleted.")
	// With instances, delete_object answers 1101037 first.
	step(esbDoor, "delete_object", `{"id":`+idA+`}`, 1101037, "the object [asst_a] has been instantiated and cannot be deleted")
	step(esbDoor, "delete_instance_association", `{"bk_obj_id":"asst_b","id":`+id(row)+`}`, 0, "")
	step(gwDoor, "delete_delete_objectassociation", `{"id":`+id(oa)+`}`, 0, "")
	step(gwDoor, "delete_delete_associationtype", `{"id":`+id(kind)+`}`, 0, "")
	asstDropInst(e, "asst_a", 1001)
	asstDropInst(e, "asst_b", 1002)
	step(esbDoor, "delete_object", `{"id":`+idA+`}`, 0, "")
	step(esbDoor, "delete_object", `{"id":`+idB+`}`, 0, "")
	if n := len(asstRows(e)); n != 0 {
		t.Errorf("rows left: %d", n)
	}
}

// delete_object refuses a model that is the source or the target of any
// model association (1101053), in both languages.
func TestAssocLifecycleModelDelete(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(e *env) string
	}{
		{"source of the preset bk_switch_connect_host", func(e *env) string { return objSwitch }},
		{"target of a model association", func(e *env) string {
			asstCreateObjAsst(e, "bk_switch", "default", "bk_router", "n:n")
			e.asstGW("delete_delete_objectassociation", `{"id":4}`)
			return objRouter
		}},
		{"source of a model association of another supplier", func(e *env) string {
			e.asstGW("delete_delete_objectassociation", `{"id":4}`)
			asstPutObjAsst(e, cmdb.ObjectAssociation{ObjAsstID: "x", ObjID: "bk_switch", AsstObjID: "host", AsstID: "run", Supplier: "x"})
			return objSwitch
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, d := range []door{esbDoor, gwDoor} {
				e := newEnv(t)
				id := c.setup(e)
				r := e.call(d, "delete_object", `{"id":`+id+`}`, nil)
				want := "object has already been associated."
				if d == gwDoor {
					want = "模型已经被关联"
				}
				if r.code() != 1101053 || r.msg() != want {
					t.Errorf("%s: %s", d, r)
				}
				if !strings.Contains(string(e.esb("search_objects", `{"id":`+id+`}`).raw), `"id":`+id) {
					t.Errorf("%s: model %s deleted", d, id)
				}
			}
		})
	}
}
