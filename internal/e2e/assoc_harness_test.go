package e2e

// The association family's part of the suite (associations.md §1–§3): its
// operations, a scenario runner that also sends bodies that are not JSON,
// and fixtures. Helper names start with asst so that they never meet the
// other suites' helpers.

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// asstOps are the 19 association endpoints. The twelve with ESB names are
// keyed by them; the seven the ESB does not carry by their gateway
// operationId (spec README.md). Path variables are named after the ESB body
// fields that fill them.
var asstOps = map[string]opSpec{
	"find_instance_association":              {"POST", "/api/v3/find/instassociation", nil},
	"add_instance_association":               {"POST", "/api/v3/create/instassociation", nil},
	"batch_create_instance_association":      {"POST", "/api/v3/createmany/instassociation", nil},
	"delete_instance_association":            {"DELETE", "/api/v3/delete/instassociation/{bk_obj_id}/{id}", []string{"bk_obj_id", "id"}},
	"delete_related_inst_asso":               {"DELETE", "/api/v3/delete/instassociation/batch", nil},
	"search_related_inst_asso":               {"POST", "/api/v3/find/instassociation/related", nil},
	"search_instance_associations":           {"POST", "/api/v3/search/instance_associations/object/{bk_obj_id}", []string{"bk_obj_id"}},
	"count_instance_associations":            {"POST", "/api/v3/count/instance_associations/object/{bk_obj_id}", []string{"bk_obj_id"}},
	"find_instassociation_with_inst":         {"POST", "/api/v3/find/instassociation/object/{bk_obj_id}/inst/detail", []string{"bk_obj_id"}},
	"search_inst_association_topo":           {"POST", "/api/v3/find/insttopo/object/{bk_obj_id}/inst/{bk_inst_id}", []string{"bk_obj_id", "bk_inst_id"}},
	"search_inst_asst_object_inst_base_info": {"POST", "/api/v3/findmany/inst/association/association_object/inst_base_info", nil},
	"find_object_association":                {"POST", "/api/v3/find/objectassociation", nil},

	"post_create_objectassociation":   {"POST", "/api/v3/create/objectassociation", nil},
	"put_update_objectassociation":    {"PUT", "/api/v3/update/objectassociation/{id}", []string{"id"}},
	"delete_delete_objectassociation": {"DELETE", "/api/v3/delete/objectassociation/{id}", []string{"id"}},
	"post_find_associationtype":       {"POST", "/api/v3/find/associationtype", nil},
	"post_create_associationtype":     {"POST", "/api/v3/create/associationtype", nil},
	"put_update_associationtype":      {"PUT", "/api/v3/update/associationtype/{id}", []string{"id"}},
	"delete_delete_associationtype":   {"DELETE", "/api/v3/delete/associationtype/{id}", []string{"id"}},
}

// asstGatewayOnly are the endpoints without an ESB name: reachable through
// the gateway-style and trusted doors only.
var asstGatewayOnly = map[string]bool{
	"post_create_objectassociation": true, "put_update_objectassociation": true, "delete_delete_objectassociation": true,
	"post_find_associationtype": true, "post_create_associationtype": true, "put_update_associationtype": true,
	"delete_delete_associationtype": true,
}

func init() { maps.Copy(ops, asstOps) }

// asstCase is one row of an association spec table.
type asstCase struct {
	name string
	op   string
	// setup prepares the fresh server.
	setup func(e *env)
	// body is the ESB-form body (path variables inside); bodyFn makes it
	// after setup.
	body   string
	bodyFn func(e *env) string
	// raw is a body sent byte for byte (not JSON, an array…) through the
	// gateway or trusted door, to path (the op's path when empty). The
	// ESB refuses such bodies itself, so raw rows skip the ESB door.
	raw  string
	path string
	// emptyBody sends no body at all (gateway and trusted doors).
	emptyBody bool
	// code and msg: the answer; msg is the exact English message (the
	// ESB's default language, and the other doors with an en header).
	code int
	msg  string
	// zh, when set, is the exact Chinese message: the gateway and trusted
	// doors are then asked without a language header (default Chinese).
	zh string
	// golden compares the answer through the first door with
	// testdata/assoc_<op>_<name>.golden.json (-update rewrites it).
	golden bool
	// check runs after the code and message checks.
	check func(t *testing.T, e *env, d door, r reply)
	// doors: default ESB + gateway, or gateway + trusted for endpoints
	// without an ESB name and for raw bodies.
	doors []door
	// header is added to the request (e.g. a language for a success row).
	header http.Header
}

func (c asstCase) doorList() []door {
	switch {
	case c.doors != nil:
		return c.doors
	case asstGatewayOnly[c.op] || c.raw != "" || c.emptyBody:
		return []door{gwDoor, nativeDoor}
	}
	return []door{esbDoor, gwDoor}
}

func runAsstCases(t *testing.T, list []asstCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.name] {
			t.Fatalf("duplicate scenario name %q", c.name)
		}
		seen[c.name] = true
		if _, ok := asstOps[c.op]; !ok {
			t.Fatalf("%s: unknown op %q", c.name, c.op)
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for i, d := range c.doorList() {
				t.Run(d.String(), func(t *testing.T) { runAsstCase(t, c, d, i == 0) })
			}
		})
	}
}

func runAsstCase(t *testing.T, c asstCase, d door, first bool) {
	e := newEnv(t)
	if d == nativeDoor {
		e = newTrustedEnv(t)
	}
	if c.setup != nil {
		c.setup(e)
	}
	hdr := http.Header{}
	maps.Copy(hdr, c.header)
	want := c.msg
	if d != esbDoor && c.code != 0 {
		if c.zh != "" {
			want = c.zh
		} else {
			hdr.Set("X-Bkcmdb-Language", "en")
		}
	}
	var r reply
	if c.raw != "" || c.emptyBody {
		r = e.asstSendRaw(d, c.op, c.path, c.raw, hdr)
	} else {
		body := c.body
		if c.bodyFn != nil {
			body = c.bodyFn(e)
		}
		r = e.call(d, c.op, body, hdr)
	}
	checkEnvelope(t, d, r)
	if got := r.code(); got != c.code {
		t.Fatalf("code: got %d, want %d (%s)", got, c.code, r)
	}
	if c.code == 0 {
		want = "success"
	}
	if got := r.msg(); got != want {
		t.Errorf("message:\n got %q\nwant %q", got, want)
	}
	if c.code != 0 && r.data() != nil {
		t.Errorf("data on an error: got %v, want null", r.data())
	}
	if c.golden && first {
		checkGolden(t, "assoc_"+c.op+"_"+fileName(c.name)+".golden.json", r.raw)
	}
	if c.check != nil {
		c.check(t, e, d, r)
	}
}

// asstSendRaw sends body unchanged through the gateway or trusted door.
func (e *env) asstSendRaw(d door, op, path, body string, hdr http.Header) reply {
	e.t.Helper()
	spec := asstOps[op]
	if path == "" {
		path = spec.path
		if strings.Contains(path, "{") {
			e.t.Fatalf("%s: raw body needs an explicit path for %s", op, path)
		}
	}
	h := http.Header{}
	maps.Copy(h, hdr)
	switch d {
	case gwDoor:
		h.Set("X-Bkapi-Authorization", gwAuth())
	case nativeDoor:
		h.Set("X-Bkcmdb-User", testUser)
		h.Set("X-Bkcmdb-Supplier-Account", "0")
	default:
		e.t.Fatalf("raw bodies go through the gateway or trusted door, not %s", d)
	}
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	return e.send(req{method: spec.method, path: path, body: b, header: h})
}

// asstLang is the language a success answer through door d comes in: the
// ESB's default is English, the other doors' Chinese.
func asstLang(d door) cmdb.Lang {
	if d == esbDoor {
		return cmdb.LangEN
	}
	return cmdb.LangZH
}

// asstOK calls op through door d as setup and fails unless it succeeds.
func (e *env) asstOK(d door, op, body string) reply {
	e.t.Helper()
	r := e.call(d, op, body, nil)
	if r.status != 200 || r.code() != 0 {
		e.t.Fatalf("setup %s %s: %s", op, body, r)
	}
	return r
}

// asstGW is a setup call through the gateway (every association endpoint
// has one; seven have no ESB name).
func (e *env) asstGW(op, body string) reply {
	e.t.Helper()
	return e.asstOK(gwDoor, op, body)
}

// asstNum is an int64 as the json.Number instance values are stored as.
func asstNum(v int64) json.Number { return json.Number(strconv.FormatInt(v, 10)) }

// asstPutInst stores one instance of objID with the given id and name
// directly (create_inst is another family's; host has no create API at
// all).
func asstPutInst(e *env, objID string, id int64, name string) {
	e.t.Helper()
	asstPutInstAs(e, "0", objID, id, name)
}

func asstPutInstAs(e *env, supplier, objID string, id int64, name string) {
	e.t.Helper()
	data := cmdb.Instance{cmdb.InstIDField(objID): asstNum(id), cmdb.InstNameField(objID): name, "bk_supplier_account": supplier}
	if !cmdb.InnerModels[objID] {
		data["bk_obj_id"] = objID
	}
	e.storeUpdate(func(tx cmdb.Tx) error { return tx.InsertInstance(supplier, objID, id, data) })
}

// asstPutObjAsst stores a model association directly (for shapes the API
// refuses to make: other suppliers, missing models, duplicated ids).
func asstPutObjAsst(e *env, a cmdb.ObjectAssociation) int64 {
	e.t.Helper()
	e.storeUpdate(func(tx cmdb.Tx) (err error) {
		if a.ID == 0 {
			if a.ID, err = tx.NextID("cc_ObjAsst"); err != nil {
				return err
			}
		}
		if a.OnDelete == "" {
			a.OnDelete = "none"
		}
		return tx.InsertObjAsst(&a)
	})
	return a.ID
}

// asstPutKind stores an association kind directly.
func asstPutKind(e *env, k cmdb.AssociationKind) int64 {
	e.t.Helper()
	e.storeUpdate(func(tx cmdb.Tx) (err error) {
		if k.ID == 0 {
			if k.ID, err = tx.NextID("cc_AsstDes"); err != nil {
				return err
			}
		}
		return tx.InsertKind(&k)
	})
	return k.ID
}

// asstPutRow stores an instance association row directly (no checks).
func asstPutRow(e *env, a cmdb.InstAssociation) int64 {
	e.t.Helper()
	e.storeUpdate(func(tx cmdb.Tx) (err error) {
		if a.ID == 0 {
			if a.ID, err = tx.NextID("cc_InstAsst"); err != nil {
				return err
			}
		}
		if a.Supplier == "" {
			a.Supplier = "0"
		}
		return tx.InsertInstAsst(&a)
	})
	return a.ID
}

// asstBurnIDs takes n ids of seq, so that the next one is predictable.
func asstBurnIDs(e *env, seq string, n int) {
	e.t.Helper()
	e.storeUpdate(func(tx cmdb.Tx) error {
		for range n {
			if _, err := tx.NextID(seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// asstAdd creates an instance association through the ESB and returns its
// id.
func asstAdd(e *env, objAsstID string, src, dst int64) int64 {
	e.t.Helper()
	r := e.esb("add_instance_association", `{"bk_obj_asst_id":"`+objAsstID+`","bk_inst_id":`+
		strconv.FormatInt(src, 10)+`,"bk_asst_inst_id":`+strconv.FormatInt(dst, 10)+`}`)
	m, _ := r.data().(map[string]any)
	return num(m, "id")
}

// asstCreateObjAsst creates a model association through the gateway and
// returns its id.
func asstCreateObjAsst(e *env, from, kind, to, mapping string) int64 {
	e.t.Helper()
	r := e.asstGW("post_create_objectassociation", `{"bk_obj_asst_id":"`+from+`_`+kind+`_`+to+`","bk_obj_id":"`+from+
		`","bk_asst_obj_id":"`+to+`","bk_asst_id":"`+kind+`","mapping":"`+mapping+`"}`)
	m, _ := r.data().(map[string]any)
	return num(m, "id")
}

// asstRows reads the stored instance association rows (all suppliers), in
// id order.
func asstRows(e *env) []cmdb.InstAssociation {
	e.t.Helper()
	var out []cmdb.InstAssociation
	e.storeUpdate(func(tx cmdb.Tx) error {
		out = nil
		return tx.EachInstAsst(cmdb.InstAsstQuery{}, func(a *cmdb.InstAssociation) error {
			out = append(out, *a)
			return nil
		})
	})
	return out
}

// asstObjAssts reads the stored model associations.
func asstObjAssts(e *env) []cmdb.ObjectAssociation {
	e.t.Helper()
	var out []cmdb.ObjectAssociation
	e.storeUpdate(func(tx cmdb.Tx) (err error) { out, err = tx.ObjAssts(); return })
	return out
}

// asstKinds reads the stored association kinds.
func asstKinds(e *env) []cmdb.AssociationKind {
	e.t.Helper()
	var out []cmdb.AssociationKind
	e.storeUpdate(func(tx cmdb.Tx) (err error) { out, err = tx.Kinds(); return })
	return out
}

// The seed document's example (associations.md §3.1): bk_switch instance 7
// "sw-07" connected to host 3 "10.0.0.3" under the preset
// bk_switch_connect_host (1:n), association id 42.
const (
	asstExSwitch = 7
	asstExHost   = 3
	asstExID     = 42
	asstExRow    = `{"id":42,"bk_inst_id":7,"bk_obj_id":"bk_switch","bk_asst_inst_id":3,"bk_asst_obj_id":"host",` +
		`"bk_supplier_account":"0","bk_obj_asst_id":"bk_switch_connect_host","bk_asst_id":"connect"}`
)

// asstSeedExample makes the §3.1 example: the instances are stored directly,
// the association is created through add_instance_association.
func asstSeedExample(e *env) {
	e.t.Helper()
	asstPutInst(e, "bk_switch", asstExSwitch, "sw-07")
	asstPutInst(e, "host", asstExHost, "10.0.0.3")
	asstBurnIDs(e, "cc_InstAsst", asstExID-1)
	if id := asstAdd(e, "bk_switch_connect_host", asstExSwitch, asstExHost); id != asstExID {
		e.t.Fatalf("example association id: got %d, want %d", id, asstExID)
	}
}

// asstRawData is the raw JSON of the answer's data member.
func asstRawData(t *testing.T, r reply) string {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.raw, &env); err != nil {
		t.Fatalf("answer: %v: %s", err, r.raw)
	}
	return string(env.Data)
}

// asstWantData asserts the raw JSON of data, byte for byte.
func asstWantData(want string) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		if got := asstRawData(t, r); got != want {
			t.Errorf("data:\n got %s\nwant %s", got, want)
		}
	}
}

// asstWantIDs asserts the ids of the rows in data (an array) in order.
func asstWantIDs(want ...int64) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		got := []int64{}
		for _, m := range r.list() {
			got = append(got, num(m, "id"))
		}
		if want == nil {
			want = []int64{}
		}
		wantEqual(t, "row ids", got, want)
	}
}

// asstIDList is "1,2,…,n".
func asstIDList(from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.Itoa(from + i)
	}
	return strings.Join(parts, ",")
}
