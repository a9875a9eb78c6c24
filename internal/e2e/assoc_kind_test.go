package e2e

// associations.md §1: association kinds (types). None of the four has an
// ESB name: they are asked through the gateway-style and trusted doors.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// The preset kinds in id order (presets.md §4).
var asstPresetKinds = []string{"belong", "group", "bk_mainline", "run", "connect", "default"}

// asstKindIDs asserts the bk_asst_id of data.info in order, and data.count.
func asstKindIDs(count int64, want ...string) func(t *testing.T, e *env, d door, r reply) {
	return func(t *testing.T, e *env, d door, r reply) {
		t.Helper()
		m, _ := r.data().(map[string]any)
		if got := num(m, "count"); got != count {
			t.Errorf("count: got %d, want %d", got, count)
		}
		var got []string
		for _, k := range m["info"].([]any) {
			got = append(got, str(k.(map[string]any), "bk_asst_id"))
		}
		wantEqual(t, "info", got, want)
	}
}

// asstKindByID returns the stored kind with id, or nil.
func asstKindByID(e *env, id int64) *cmdb.AssociationKind {
	for _, k := range asstKinds(e) {
		if k.ID == id {
			return &k
		}
	}
	return nil
}

func TestAssocFindKinds(t *testing.T) {
	en := http.Header{"X-Bkcmdb-Language": {"en"}}
	runAsstCases(t, []asstCase{
		{name: "all kinds, names in the default language (zh)", op: "post_find_associationtype", body: `{}`, golden: true,
			check: func(t *testing.T, e *env, d door, r reply) {
				asstKindIDs(6, asstPresetKinds...)(t, e, d, r)
				// presets.md §4: the zh table reads default's dest_des
				// as 关联 although 被关联 is stored.
				m := r.data().(map[string]any)["info"].([]any)[5].(map[string]any)
				wantEqual(t, "default names", []string{str(m, "bk_asst_name"), str(m, "src_des"), str(m, "dest_des")},
					[]string{"默认关联", "关联", "关联"})
			}},
		{name: "pre-defined names in en", op: "post_find_associationtype", body: `{"condition":{"bk_asst_id":{"$in":["belong","default"]}}}`,
			header: en, check: func(t *testing.T, e *env, d door, r reply) {
				asstKindIDs(2, "belong", "default")(t, e, d, r)
				wantEqual(t, "info", asstRawData(t, r), `{"count":2,"info":[`+
					`{"id":1,"bk_asst_id":"belong","bk_asst_name":"belong","bk_supplier_account":"0","src_des":"belong","dest_des":"contain","direction":"src_to_dest","ispre":true},`+
					`{"id":6,"bk_asst_id":"default","bk_asst_name":"default association","bk_supplier_account":"0","src_des":"associate","dest_des":"associate","direction":"src_to_dest","ispre":true}]}`)
			}},
		{name: "condition filters", op: "post_find_associationtype", body: `{"condition":{"bk_asst_id":"connect"}}`,
			check: asstKindIDs(1, "connect")},
		{name: "condition null is all", op: "post_find_associationtype", body: `{"condition":null}`,
			check: asstKindIDs(6, asstPresetKinds...)},
		{name: "empty body is all", op: "post_find_associationtype", emptyBody: true,
			check: asstKindIDs(6, asstPresetKinds...)},
		{name: "no match", op: "post_find_associationtype", body: `{"condition":{"bk_asst_id":"nope"}}`,
			check: asstWantData(`{"count":0,"info":[]}`)},
		{name: "count ignores the page; descending sort", op: "post_find_associationtype",
			body: `{"page":{"start":1,"limit":2,"sort":"-id"}}`, check: asstKindIDs(6, "connect", "run")},
		{name: "sort in field:-1 form", op: "post_find_associationtype",
			body: `{"page":{"limit":3,"sort":"bk_asst_id:-1"}}`, check: asstKindIDs(6, "run", "group", "default")},
		{name: "limit 0 is no limit", op: "post_find_associationtype", body: `{"page":{"start":4,"limit":0}}`,
			check: asstKindIDs(6, "connect", "default")},
		{name: "no supplier filter is added", op: "post_find_associationtype", body: `{"condition":{"bk_asst_id":"other"}}`,
			setup: func(e *env) { asstPutKind(e, cmdb.AssociationKind{AsstID: "other", AsstName: "o", Supplier: "x"}) },
			check: asstKindIDs(1, "other")},
		{name: "operators", op: "post_find_associationtype",
			body:  `{"condition":{"$or":[{"bk_asst_id":{"$regex":"^b"}},{"id":{"$gte":6}}]}}`,
			check: asstKindIDs(3, "belong", "bk_mainline", "default")},
		{name: "body not JSON", op: "post_find_associationtype", raw: `{`,
			code: 1199006, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "body an array", op: "post_find_associationtype", raw: `[]`,
			code: 1199006, msg: "Deserializing JSON data failed"},
		{name: "condition not an object", op: "post_find_associationtype", body: `{"condition":"x"}`,
			code: 1199006, msg: "Deserializing JSON data failed"},
		{name: "forbidden operator", op: "post_find_associationtype", body: `{"condition":{"$where":"1"}}`,
			code: 1199998, msg: `operator "$where" is forbidden`, zh: `operator "$where" is forbidden`},
	})
}

func TestAssocCreateKind(t *testing.T) {
	long := strings.Repeat("a", 129)
	runAsstCases(t, []asstCase{
		{name: "success", op: "post_create_associationtype", golden: true,
			body: `{"bk_asst_id":"cover","bk_asst_name":"覆盖","src_des":"覆盖","dest_des":"被覆盖","direction":"src_to_dest"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				asstWantData(`{"id":7}`)(t, e, d, r)
				k := asstKindByID(e, 7)
				if k == nil {
					t.Fatal("kind 7 not stored")
				}
				wantEqual(t, "stored", *k, cmdb.AssociationKind{ID: 7, AsstID: "cover", AsstName: "覆盖", Supplier: "0",
					SrcDes: "覆盖", DestDes: "被覆盖", Direction: "src_to_dest"})
			}},
		{name: "ispre is stored as given", op: "post_create_associationtype", body: `{"bk_asst_id":"mine","ispre":true}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				if k := asstKindByID(e, 7); k == nil || k.IsPre == nil || !*k.IsPre {
					t.Errorf("stored ispre: got %+v, want true", k)
				}
			}},
		{name: "names and direction are not validated", op: "post_create_associationtype",
			body: `{"bk_asst_id":"x_1","bk_asst_name":"","direction":"sideways"}`, check: asstWantData(`{"id":7}`)},
		{name: "128 characters", op: "post_create_associationtype", body: `{"bk_asst_id":"` + long[:128] + `"}`,
			check: asstWantData(`{"id":7}`)},
		{name: "duplicate", op: "post_create_associationtype", body: `{"bk_asst_id":"connect"}`,
			code: 1199014, msg: "duplicated instances exist, fields [connect] duplicated", zh: "数据唯一性校验失败， connect 重复"},
		{name: "duplicate of another supplier's kind (unique globally)", op: "post_create_associationtype",
			setup: func(e *env) { asstPutKind(e, cmdb.AssociationKind{AsstID: "foo", Supplier: "x"}) },
			body:  `{"bk_asst_id":"foo"}`, code: 1199014, msg: "duplicated instances exist, fields [foo] duplicated"},
		{name: "longer than 128", op: "post_create_associationtype", body: `{"bk_asst_id":"` + long + `"}`,
			code: 1199073, msg: "bk_asst_id field exceeds maximum value %!s(int=128)", zh: "字段bk_asst_id超过最大值128"},
		{name: "length counts runes", op: "post_create_associationtype", body: `{"bk_asst_id":"` + strings.Repeat("é", 129) + `"}`,
			code: 1199073, msg: "bk_asst_id field exceeds maximum value %!s(int=128)"},
		{name: "pattern", op: "post_create_associationtype", body: `{"bk_asst_id":"1abc"}`,
			code: 1199011, msg: "'1abc' the parameter is invalid or does not exist", zh: "'1abc' 参数无效或不存在"},
		{name: "pattern, non-ASCII", op: "post_create_associationtype", body: `{"bk_asst_id":"aé"}`,
			code: 1199011, msg: "'aé' the parameter is invalid or does not exist"},
		{name: "empty id fails the pattern with its empty value", op: "post_create_associationtype", body: `{"bk_asst_id":""}`,
			code: 1199011, msg: "'' the parameter is invalid or does not exist", zh: "'' 参数无效或不存在"},
		{name: "missing id", op: "post_create_associationtype", body: `{"bk_asst_name":"n"}`,
			code: 1199011, msg: "'' the parameter is invalid or does not exist"},
		{name: "order: duplicate before length", op: "post_create_associationtype",
			setup: func(e *env) { asstPutKind(e, cmdb.AssociationKind{AsstID: long, Supplier: "0"}) },
			body:  `{"bk_asst_id":"` + long + `"}`, code: 1199014, msg: "duplicated instances exist, fields [" + long + "] duplicated"},
		{name: "order: length before pattern", op: "post_create_associationtype", body: `{"bk_asst_id":"` + strings.Repeat("-", 129) + `"}`,
			code: 1199073, msg: "bk_asst_id field exceeds maximum value %!s(int=128)"},
		{name: "body not JSON", op: "post_create_associationtype", raw: `{"bk_asst_id":`,
			code: 1199006, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "id not a string", op: "post_create_associationtype", body: `{"bk_asst_id":1}`,
			code: 1199006, msg: "Deserializing JSON data failed"},
	})
}

func TestAssocUpdateKind(t *testing.T) {
	mk := func(e *env) {
		e.asstGW("post_create_associationtype", `{"bk_asst_id":"k1","bk_asst_name":"n0","src_des":"s0","dest_des":"d0","direction":"none"}`)
	}
	stored := func(id int64, want cmdb.AssociationKind) func(t *testing.T, e *env, d door, r reply) {
		return func(t *testing.T, e *env, d door, r reply) {
			wantNullData(t, e, d, r)
			k := asstKindByID(e, id)
			if k == nil {
				t.Fatalf("kind %d gone", id)
			}
			k.IsPre = nil
			wantEqual(t, "stored", *k, want)
		}
	}
	runAsstCases(t, []asstCase{
		{name: "success", op: "put_update_associationtype", setup: mk, golden: true,
			body:  `{"id":7,"bk_asst_name":"n1","src_des":"s1","dest_des":"d1","direction":"bidirectional"}`,
			check: stored(7, cmdb.AssociationKind{ID: 7, AsstID: "k1", AsstName: "n1", Supplier: "0", SrcDes: "s1", DestDes: "d1", Direction: "bidirectional"})},
		{name: "fields missing from the body become empty", op: "put_update_associationtype", setup: mk,
			body:  `{"id":7,"bk_asst_name":"n1"}`,
			check: stored(7, cmdb.AssociationKind{ID: 7, AsstID: "k1", AsstName: "n1", Supplier: "0"})},
		{name: "bk_asst_id and ispre are not updated", op: "put_update_associationtype", setup: mk,
			body:  `{"id":7,"bk_asst_id":"k2","ispre":true,"bk_asst_name":"n1"}`,
			check: stored(7, cmdb.AssociationKind{ID: 7, AsstID: "k1", AsstName: "n1", Supplier: "0"})},
		{name: "unknown id succeeds", op: "put_update_associationtype", body: `{"id":99,"bk_asst_name":"n"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if k := asstKindByID(e, 99); k != nil {
					t.Errorf("kind 99 appeared: %+v", k)
				}
			}},
		{name: "pre-defined kinds are not protected; reads stay translated", op: "put_update_associationtype",
			body: `{"id":1,"bk_asst_name":"renamed"}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				if k := asstKindByID(e, 1); k == nil || k.AsstName != "renamed" || k.SrcDes != "" {
					t.Errorf("stored kind 1: %+v", k)
				}
				f := e.asstGW("post_find_associationtype", `{"condition":{"id":1}}`)
				m := f.data().(map[string]any)["info"].([]any)[0].(map[string]any)
				wantEqual(t, "read name", []string{str(m, "bk_asst_name"), str(m, "src_des")}, []string{"属于", "属于"})
			}},
		{name: "id not an integer", op: "put_update_associationtype", body: `{"id":"abc","bk_asst_name":"n"}`,
			code: 1199006, msg: `strconv.ParseInt: parsing "abc": invalid syntax`, zh: `strconv.ParseInt: parsing "abc": invalid syntax`},
		{name: "body not JSON", op: "put_update_associationtype", raw: `{`, path: "/api/v3/update/associationtype/1",
			code: 1199006, msg: "Deserializing JSON data failed", zh: "反序列化JSON数据失败"},
		{name: "field of the wrong type", op: "put_update_associationtype", body: `{"id":1,"src_des":5}`,
			code: 1199006, msg: "Deserializing JSON data failed"},
	})
}

func TestAssocDeleteKind(t *testing.T) {
	runAsstCases(t, []asstCase{
		{name: "success", op: "delete_delete_associationtype", golden: true,
			setup: func(e *env) { e.asstGW("post_create_associationtype", `{"bk_asst_id":"k1"}`) },
			body:  `{"id":7}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if k := asstKindByID(e, 7); k != nil {
					t.Errorf("kind 7 still stored: %+v", k)
				}
			}},
		{name: "unknown id succeeds", op: "delete_delete_associationtype", body: `{"id":99}`,
			check: func(t *testing.T, e *env, d door, r reply) {
				wantNullData(t, e, d, r)
				if n := len(asstKinds(e)); n != 6 {
					t.Errorf("kinds: got %d, want 6", n)
				}
			}},
		{name: "id not an integer", op: "delete_delete_associationtype", body: `{"id":"1x"}`,
			code: 1199006, msg: `strconv.ParseInt: parsing "1x": invalid syntax`},
		{name: "several kinds with the id", op: "delete_delete_associationtype",
			setup: func(e *env) {
				asstPutKind(e, cmdb.AssociationKind{ID: 50, AsstID: "a50", Supplier: "0"})
				asstPutKind(e, cmdb.AssociationKind{ID: 50, AsstID: "b50", Supplier: "x"})
			},
			body: `{"id":50}`, code: 1101050, msg: "association kind got multiple instance.", zh: "查询到多个关联实例"},
		{name: "pre-defined", op: "delete_delete_associationtype", body: `{"id":1}`,
			code: 1101051, msg: "can not delete a pre-defined association kind.", zh: "预置的关联类型不能被删除"},
		{name: "order: pre-defined before used", op: "delete_delete_associationtype", body: `{"id":5}`,
			code: 1101051, msg: "can not delete a pre-defined association kind."},
		{name: "used by a model association", op: "delete_delete_associationtype",
			setup: func(e *env) {
				e.asstGW("post_create_associationtype", `{"bk_asst_id":"k1"}`)
				asstCreateObjAsst(e, "bk_router", "k1", "bk_firewall", "n:n")
			},
			body: `{"id":7}`, code: 1101060, msg: "association kind has already been used.", zh: "关联类型已经被使用",
			check: func(t *testing.T, e *env, d door, r reply) {
				if asstKindByID(e, 7) == nil {
					t.Error("kind 7 deleted")
				}
			}},
	})
}

// The seven endpoints without an ESB name are unknown to the ESB door.
func TestAssocGatewayOnlyNotOnESB(t *testing.T) {
	e := newEnv(t)
	for op := range asstGatewayOnly {
		r := e.send(req{method: "POST", path: "/api/c/compapi/v2/cc/" + op + "/", body: mustJSON(t, esbCreds())})
		if r.status != http.StatusNotFound || r.code() != 1306404 || r.msg() != "Not found, component class not found" {
			t.Errorf("%s through the ESB: %s", op, r)
		}
	}
}
