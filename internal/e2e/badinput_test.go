package e2e

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/api"
)

// route is one model-layer route as the gateway sees it, and whether its
// handler reads the body (deletes and get_mainline_object_topo do not).
type route struct {
	op, method, path string
	readsBody        bool
}

var modelRoutes = []route{
	{"search_classifications", "POST", "/api/v3/find/objectclassification", true},
	{"create_classification", "POST", "/api/v3/create/objectclassification", true},
	{"update_classification", "PUT", "/api/v3/update/objectclassification/4", true},
	{"delete_classification", "DELETE", "/api/v3/delete/objectclassification/999", false},
	{"search_objects", "POST", "/api/v3/find/object", true},
	{"create_object", "POST", "/api/v3/create/object", true},
	{"update_object", "PUT", "/api/v3/update/object/9", true},
	{"delete_object", "DELETE", "/api/v3/delete/object/999", false},
	{"search_object_attribute", "POST", "/api/v3/find/objectattr", true},
	{"create_object_attribute", "POST", "/api/v3/create/objectattr", true},
	{"create_object_attribute (business)", "POST", "/api/v3/create/objectattr/biz/3", true},
	{"update_object_attribute", "PUT", "/api/v3/update/objectattr/3", true},
	{"delete_object_attribute", "DELETE", "/api/v3/delete/objectattr/99999", false},
	{"search_object_topo", "POST", "/api/v3/find/objecttopology", true},
	{"get_mainline_object_topo", "POST", "/api/v3/find/topomodelmainline", false},
}

// TestMalformedBodies: a body that is not a JSON object answers 1199000 on
// every route that reads one (errors.md §4); routes that ignore their body
// answer as if none was sent. Through the ESB the same bodies are refused by
// the ESB itself (TestESBAuthRefusals).
func TestMalformedBodies(t *testing.T) {
	e := newEnv(t)
	bodies := map[string]string{
		"truncated":      `{"bk_obj_id":`,
		"array":          `[{"bk_obj_id":"bk_switch"}]`,
		"string":         `"bk_switch"`,
		"number":         `42`,
		"trailing data":  `{} {}`,
		"trailing comma": `{"a":1,}`,
		"not JSON":       `bk_obj_id=bk_switch`,
	}
	for _, rt := range modelRoutes {
		for name, body := range bodies {
			t.Run(rt.op+"/"+name, func(t *testing.T) {
				r := e.send(req{method: rt.method, path: rt.path, body: []byte(body),
					header: http.Header{"X-Bkapi-Authorization": {gwAuth()}, "X-Bkcmdb-Language": {"en"}}})
				checkEnvelope(t, gwDoor, r)
				if !rt.readsBody {
					wantEqual(t, "code", r.code(), 0)
					return
				}
				wantEqual(t, "code", r.code(), 1199000)
				wantEqual(t, "message", r.msg(), "Deserializing JSON data failed")
			})
		}
	}
	t.Run("Chinese message", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/create/object", body: []byte(`[`),
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		wantEqual(t, "message", r.msg(), "反序列化JSON数据失败")
	})
	t.Run("empty body is {}", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification",
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "count", len(r.list()), 5)
	})
}

// TestWrongJSONTypes: a field of the wrong JSON type does not decode into
// the request (1199000), except where the spec gives the field its own code
// (1199007 for classification and model ids / names, 1199011 for
// bk_ispaused on update, 1199006 for ismultiple on update) or the body is a
// condition (a wrong type just matches nothing).
func TestWrongJSONTypes(t *testing.T) {
	decode := "Deserializing JSON data failed"
	runScenarios(t, []scenario{
		{name: "search_classifications condition of another type", op: "search_classifications",
			body: `{"bk_classification_id":5}`, check: wantEmptyArray},
		{name: "create_classification icon", op: "create_classification",
			body: `{"bk_classification_id":"cls1","bk_classification_name":"n","bk_classification_icon":5}`, code: 1199000, msg: decode},
		{name: "create_classification type", op: "create_classification",
			body: `{"bk_classification_id":"cls1","bk_classification_name":"n","bk_classification_type":[]}`, code: 1199000, msg: decode},
		{name: "update_classification icon", op: "update_classification",
			body: `{"id":4,"bk_classification_icon":{}}`, code: 1199000, msg: decode},
		{name: "update_classification id out of range", op: "update_classification",
			body: `{"id":"99999999999999999999","bk_classification_name":"n"}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "99999999999999999999": value out of range`},
		{name: "delete_classification id fraction", op: "delete_classification", body: `{"id":4.5}`,
			code: 1199998, msg: `strconv.ParseInt: parsing "4.5": invalid syntax`},
		{name: "search_objects condition of another type", op: "search_objects", body: `{"bk_obj_id":["bk_switch"]}`, check: wantEmptyArray},
		{name: "create_object icon", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":5}`, code: 1199000, msg: decode},
		{name: "create_object hidden", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i","bk_ishidden":"yes"}`, code: 1199000, msg: decode},
		{name: "create_object sort number string", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i","obj_sort_number":"1"}`, code: 1199000, msg: decode},
		{name: "create_object sort number fraction", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":"bk_network","bk_obj_icon":"i","obj_sort_number":1.5}`, code: 1199000, msg: decode},
		{name: "create_object classification not a string", op: "create_object",
			body: `{"bk_obj_id":"obj1","bk_obj_name":"n","bk_classification_id":5,"bk_obj_icon":"i"}`, code: 1199000, msg: decode},
		{name: "update_object position", op: "update_object", body: `{"id":9,"position":5}`, code: 1199000, msg: decode},
		{name: "update_object id fraction", op: "update_object", body: `{"id":"9.0","bk_obj_name":"n"}`,
			code: 1199009, msg: "'id' parameters must be integral"},
		{name: "delete_object id negative is unknown", op: "delete_object", body: `{"id":-1}`, check: wantNullData},
		{name: "search_object_attribute page", op: "search_object_attribute", body: `{"page":"x"}`, code: 1199000, msg: decode},
		{name: "search_object_attribute page limit", op: "search_object_attribute", body: `{"page":{"limit":"10"}}`, code: 1199000, msg: decode},
		{name: "search_object_attribute page sort", op: "search_object_attribute", body: `{"page":{"sort":1}}`, code: 1199000, msg: decode},
		{name: "search_object_attribute business", op: "search_object_attribute", body: `{"bk_biz_id":"3"}`, code: 1199000, msg: decode},
		{name: "create_object_attribute required flag", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","isrequired":"yes"`), code: 1199000, msg: decode},
		{name: "create_object_attribute name", op: "create_object_attribute", setup: createObj1,
			body: `{"bk_obj_id":"obj1","bk_property_id":"a1","bk_property_name":5,"bk_property_type":"singlechar"}`, code: 1199000, msg: decode},
		{name: "create_object_attribute model id", op: "create_object_attribute",
			body: `{"bk_obj_id":["obj1"],"bk_property_id":"a1","bk_property_name":"A","bk_property_type":"singlechar"}`, code: 1199000, msg: decode},
		{name: "create_object_attribute template id", op: "create_object_attribute", setup: createObj1,
			body: attr(`,"bk_property_type":"singlechar","bk_template_id":"1"`), code: 1199000, msg: decode},
		{name: "update_object_attribute unit", op: "update_object_attribute", setup: createAttr1,
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "obj1", "attr1") + `,"unit":5}` }, code: 1199000, msg: decode},
		{name: "update_object_attribute editable", op: "update_object_attribute", setup: createAttr1,
			bodyFn: func(e *env) string { return `{"id":` + attrID(e, "obj1", "attr1") + `,"editable":"true"}` }, code: 1199000, msg: decode},
		{name: "search_object_topo condition of another type", op: "search_object_topo", body: `{"bk_obj_id":true}`, check: wantEmptyArray},
	})
}

// TestBodyTooLarge: a body over 10 MiB gets a clear error in the door's
// envelope, not a dropped connection.
func TestBodyTooLarge(t *testing.T) {
	e := newTrustedEnv(t)
	big := func() []byte {
		var b bytes.Buffer
		b.WriteString(`{"pad":"`)
		b.WriteString(strings.Repeat("x", api.MaxBodyBytes))
		b.WriteString(`"}`)
		return b.Bytes()
	}()
	const msg = "request body is larger than 10485760 bytes"
	for _, rt := range modelRoutes {
		t.Run("gateway/"+rt.op, func(t *testing.T) {
			r := e.send(req{method: rt.method, path: rt.path, body: big, header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
			checkEnvelope(t, gwDoor, r)
			wantEqual(t, "code", r.code(), 1199004)
			wantEqual(t, "message", r.msg(), msg)
		})
	}
	t.Run("trusted", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/create/object", body: big,
			header: http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}}})
		checkEnvelope(t, nativeDoor, r)
		wantEqual(t, "code", r.code(), 1199004)
		wantEqual(t, "message", r.msg(), msg)
	})
	t.Run("esb", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/c/compapi/v2/cc/create_object/", body: big})
		checkESBError(t, r, http.StatusOK, 1199004, msg)
	})
	t.Run("far over the limit", func(t *testing.T) {
		huge := append([]byte(`{"pad":"`), bytes.Repeat([]byte("x"), 3*api.MaxBodyBytes)...)
		r := e.send(req{method: "POST", path: "/api/v3/create/object", body: append(huge, `"}`...),
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 1199004)
	})
	t.Run("exactly 10 MiB is read", func(t *testing.T) {
		prefix := `{"bk_classification_id":"bk_network","pad":"`
		body := append([]byte(prefix), bytes.Repeat([]byte("x"), api.MaxBodyBytes-len(prefix)-2)...)
		body = append(body, `"}`...)
		if len(body) != api.MaxBodyBytes {
			t.Fatalf("body is %d bytes", len(body))
		}
		r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: body,
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		wantEqual(t, "code", r.code(), 0)
	})
	t.Run("server keeps serving", func(t *testing.T) {
		e.esb("search_classifications", `{}`)
	})
}
