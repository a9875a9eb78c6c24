package e2e

import (
	"net/http"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// edges lists "from>to:label:arrows" of a search_object_topo answer.
func edges(r reply) []string {
	var out []string
	for _, m := range r.list() {
		from, _ := m["from"].(map[string]any)
		to, _ := m["to"].(map[string]any)
		out = append(out, str(from, "bk_obj_id")+">"+str(to, "bk_obj_id")+":"+str(m, "label")+":"+str(m, "arrows"))
	}
	return out
}

func TestSearchObjectTopo(t *testing.T) {
	runScenarios(t, []scenario{
		// README's example shows "position":"" on both ends; presets.md §2
		// gives the stored positions of bk_switch and host, which the
		// answer carries (position is copied from the model record).
		{name: "network classification", op: "search_object_topo", body: `{"bk_classification_id":"bk_network"}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor}},
		{name: "all", op: "search_object_topo", body: `{}`, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				want := map[door][]string{
					esbDoor: {"host>module:mainline:to", "module>set:mainline:to", "set>biz:mainline:to", "bk_switch>host:connect:to"},
					gwDoor:  {"host>module:拓扑组成:to", "module>set:拓扑组成:to", "set>biz:拓扑组成:to", "bk_switch>host:上联:to"},
				}[d]
				wantEqual(t, "edges", edges(r), want)
			}},
		{name: "mainline source", op: "search_object_topo", body: `{"bk_obj_id":"set"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				want := map[door][]string{esbDoor: {"set>biz:mainline:to"}, gwDoor: {"set>biz:拓扑组成:to"}}[d]
				wantEqual(t, "edges", edges(r), want)
			}},
		{name: "target side only is not an edge", op: "search_object_topo", body: `{"bk_obj_id":"biz"}`, check: wantEmptyArray},
		{name: "no matching model", op: "search_object_topo", body: `{"bk_obj_id":"nope"}`, check: wantEmptyArray},
		{name: "model without association", op: "search_object_topo", body: `{"bk_obj_id":"bk_router"}`, check: wantEmptyArray},
		{name: "reverse association gives both arrows", op: "search_object_topo", body: `{"bk_obj_id":"obj1"}`,
			setup: func(e *env) {
				createObj1(e)
				createObj(e, "obj2", "Object 2")
				addObjAsst(e, "obj1", "belong", "obj2")
				addObjAsst(e, "obj2", "default", "obj1")
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				want := map[door][]string{esbDoor: {"obj1>obj2:belong:to,from"}, gwDoor: {"obj1>obj2:属于:to,from"}}[d]
				wantEqual(t, "edges", edges(r), want)
			}},
		{name: "custom kind keeps its stored name", op: "search_object_topo", body: `{"bk_obj_id":"obj1"}`,
			setup: func(e *env) {
				createObj1(e)
				createObj(e, "obj2", "Object 2")
				no := false
				e.storeUpdate(func(tx cmdb.Tx) error {
					id, err := tx.NextID("cc_AsstDes")
					if err != nil {
						return err
					}
					return tx.InsertKind(&cmdb.AssociationKind{ID: id, AsstID: "mykind", AsstName: "My Kind", Supplier: "0",
						SrcDes: "s", DestDes: "d", Direction: "src_to_dest", IsPre: &no})
				})
				addObjAsst(e, "obj1", "mykind", "obj2")
			},
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "edges", edges(r), []string{"obj1>obj2:My Kind:to"})
				m := r.list()[0]
				wantEqual(t, "label_type", m["label_type"], "")
				wantEqual(t, "label_name", m["label_name"], "My Kind")
			}},
		{name: "kind missing", op: "search_object_topo", body: `{"bk_obj_id":"obj1"}`,
			setup: func(e *env) {
				createObj1(e)
				createObj(e, "obj2", "Object 2")
				addObjAsst(e, "obj1", "nokind", "obj2")
			},
			code: 1101072, msg: "the association kind is not exist", zh: "关联类型不存在"},
		{name: "forbidden operator", op: "search_object_topo", body: `{"bk_obj_id":{"$accumulator":{}}}`,
			code: 1199998, msg: `operator "$accumulator" is forbidden`},
	})
}

func TestGetMainlineObjectTopo(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "fresh install", op: "get_mainline_object_topo", body: `{}`, golden: true,
			doors: []door{esbDoor, gwDoor, nativeDoor},
			check: func(t *testing.T, e *env, d door, r reply) {
				want := map[door][]string{esbDoor: {"Business", "Set", "Module", "Host"},
					gwDoor: {"业务", "集群", "模块", "主机"}, nativeDoor: {"业务", "集群", "模块", "主机"}}[d]
				wantEqual(t, "names", fields(r.list(), "bk_obj_name"), want)
			}},
		{name: "body is ignored", op: "get_mainline_object_topo", body: `{"bk_obj_id":"host","foo":[1,2]}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantEqual(t, "ids", fields(r.list(), "bk_obj_id"), []string{"biz", "set", "module", "host"})
			}},
	})
}

// TestMainlineIgnoresMalformedBody: get_mainline_object_topo ignores its
// body, so through the gateway even a body that is not JSON is answered.
// (Through the ESB the body must be JSON: the ESB reads its general
// parameters from it.)
func TestMainlineIgnoresMalformedBody(t *testing.T) {
	e := newEnv(t)
	r := e.send(req{method: "POST", path: "/api/v3/find/topomodelmainline", body: []byte("not json"),
		header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
	checkEnvelope(t, gwDoor, r)
	wantEqual(t, "code", r.code(), 0)
	wantEqual(t, "levels", len(r.list()), 4)
}
