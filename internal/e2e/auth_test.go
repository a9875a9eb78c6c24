package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/api/esb"
)

const esbSearchCls = "/api/c/compapi/v2/cc/search_classifications/"

// esbPost posts a raw body to an ESB path (query appended when given).
func (e *env) esbPost(path, body string, query url.Values, hdr http.Header) reply {
	e.t.Helper()
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	return e.send(req{method: "POST", path: path, body: []byte(body), header: hdr})
}

// checkESBError asserts an error the ESB itself makes: HTTP status, the
// keys result, code, data, message, request_id (no permission), the code
// and the exact message.
func checkESBError(t *testing.T, r reply, status, code int, msg string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status: got %d, want %d", r.status, status)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	if r.header.Get("X-Request-Id") == "" {
		t.Errorf("X-Request-Id header missing")
	}
	keys, err := topKeys(r.raw)
	if err != nil {
		t.Fatalf("answer: %v: %s", err, r.raw)
	}
	wantEqual(t, "keys", keys, []string{"result", "code", "data", "message", "request_id"})
	wantEqual(t, "result", r.body["result"], false)
	wantEqual(t, "data", r.body["data"], nil)
	if got := r.code(); got != code {
		t.Errorf("code: got %d, want %d (%s)", got, code, r)
	}
	if got := r.msg(); got != msg {
		t.Errorf("message: got %q, want %q", got, msg)
	}
	if rid, _ := r.body["request_id"].(string); !esbRID.MatchString(rid) {
		t.Errorf("request_id: got %q, want 32 lowercase hex", rid)
	}
}

// TestESBAuthRefusals covers every row of envelope-and-auth.md §5.2 that a
// single-process cmdb can produce. Not produced: "APP Secret [bk_app_secret]
// cannot be empty" (the ESB's AppSecretValidator only runs when a secret is
// present, so the row is unreachable there too), 1306403 (every registered
// app may call every component), 1306429 (no rate limit), and "backend
// reply not JSON" (there is no separate backend).
func TestESBAuthRefusals(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, path, body string
		code             int
		msg              string
	}{
		{"neither signature nor secret", esbSearchCls, `{"bk_app_code":"app1","bk_username":"admin"}`,
			1306000, "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time"},
		{"empty secret counts as none", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"","bk_username":"admin"}`,
			1306000, "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time"},
		{"app code absent", esbSearchCls, `{"bk_app_secret":"secret1","bk_username":"admin"}`,
			1306000, "APP Code [bk_app_code] cannot be empty"},
		{"app code empty", esbSearchCls, `{"bk_app_code":"","bk_app_secret":"secret1","bk_username":"admin"}`,
			1306000, "APP Code [bk_app_code] cannot be empty"},
		{"unknown app", esbSearchCls, `{"bk_app_code":"nope","bk_app_secret":"secret1","bk_username":"admin"}`,
			1306000, "Invalid APP Code [bk_app_code=nope], please confirm if the APP Code has been registered"},
		{"wrong secret", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"wrong","bk_username":"admin"}`,
			1306000, "APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=app1] match"},
		{"secret of another case", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"SECRET1","bk_username":"admin"}`,
			1306000, "APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=app1] match"},
		{"bk_token without a login service", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"t"}`,
			1306000, "User authentication failed, please check if the bk_token is valid"},
		{"bk_token wins over bk_username", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"t","bk_username":"admin"}`,
			1306000, "User authentication failed, please check if the bk_token is valid"},
		{"no user", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1"}`,
			1306000, "User authentication failed, please provide a valid user identity, such as bk_token, bk_username"},
		{"empty user", esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":""}`,
			1306000, "User authentication failed, please provide a valid user identity, such as bk_token, bk_username"},
		{"body not JSON", esbSearchCls, `{"bk_app_code":`,
			1306000, "Request JSON string is wrong in format, which cannot be analyzed."},
		{"body an array", esbSearchCls, `[{"bk_app_code":"app1"}]`,
			1306000, "Request JSON string is wrong in format, which cannot be analyzed."},
		{"body a string", esbSearchCls, `"x"`,
			1306000, "Request JSON string is wrong in format, which cannot be analyzed."},
		{"empty body has no app", esbSearchCls, ``,
			1306000, "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time"},
		{"missing path variable", "/api/c/compapi/v2/cc/update_classification/",
			`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin","bk_classification_name":"x"}`,
			1306406, "Parameters error, param id is required"},
		{"null path variable", "/api/c/compapi/v2/cc/delete_object/",
			`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin","id":null}`,
			1306406, "Parameters error, param id is required"},
		{"auth before the path variable", "/api/c/compapi/v2/cc/delete_object/",
			`{"bk_app_code":"app1","bk_app_secret":"nope","bk_username":"admin"}`,
			1306000, "APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=app1] match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkESBError(t, e.esbPost(tc.path, tc.body, nil, nil), http.StatusOK, tc.code, tc.msg)
		})
	}
}

func TestESBAliasesAndSupplier(t *testing.T) {
	e := newEnv(t)
	t.Run("app_code app_secret username aliases", func(t *testing.T) {
		r := e.esbPost(esbSearchCls, `{"app_code":"app1","app_secret":"secret1","username":"bob","bk_classification_id":"bk_network"}`, nil, nil)
		checkEnvelope(t, esbDoor, r)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "count", len(r.list()), 1)
	})
	t.Run("the user is the model creator", func(t *testing.T) {
		r := e.esbPost("/api/c/compapi/v2/cc/create_object/", `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"bob",`+
			`"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"i"}`, nil, nil)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "creator", str(searchObj(e, "obj1"), "creator"), "bob")
	})
	t.Run("general parameters do not reach the condition", func(t *testing.T) {
		// bk_supplier_account, bk_app_code… are removed before forwarding:
		// left in, they would be a condition matching nothing.
		r := e.esbPost(esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin","bk_supplier_account":"0","bk_token":""}`, nil, nil)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "count", len(r.list()), 5)
	})
	t.Run("Blueking-Language zh", func(t *testing.T) {
		r := e.esbPost(esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin","bk_classification_id":"bk_network"}`,
			nil, http.Header{"Blueking-Language": {"zh-cn"}})
		wantEqual(t, "name", str(r.list()[0], "bk_classification_name"), "网络")
	})
}

// loginServer is a stand-in BlueKing login is_login endpoint: token "good"
// belongs to alice, every other token is refused.
func loginServer(t *testing.T) *httptest.Server {
	ls := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("bk_token") == "good" {
			w.Write([]byte(`{"result":true,"code":0,"message":"","data":{"bk_username":"alice"}}`))
			return
		}
		w.Write([]byte(`{"result":false,"code":1302100,"message":"invalid token","data":{}}`))
	}))
	t.Cleanup(ls.Close)
	return ls
}

func TestBKToken(t *testing.T) {
	e := startEnv(t, envConfig{loginURL: loginServer(t).URL + "/login/accounts/is_login/"})
	create := `"bk_obj_id":"obj1","bk_obj_name":"Object 1","bk_classification_id":"bk_network","bk_obj_icon":"i"}`
	t.Run("esb good token", func(t *testing.T) {
		r := e.esbPost("/api/c/compapi/v2/cc/create_object/", `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"good",`+create, nil, nil)
		checkEnvelope(t, esbDoor, r)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "creator", str(searchObj(e, "obj1"), "creator"), "alice")
	})
	t.Run("esb bad token", func(t *testing.T) {
		r := e.esbPost(esbSearchCls, `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"bad"}`, nil, nil)
		checkESBError(t, r, http.StatusOK, 1306000, "User authentication failed, please check if the bk_token is valid")
	})
	gw := func(auth string) reply {
		return e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: []byte(`{}`),
			header: http.Header{"X-Bkapi-Authorization": {auth}, "X-Bkcmdb-Language": {"en"}}})
	}
	t.Run("gateway good token", func(t *testing.T) {
		r := gw(`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"good"}`)
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 0)
	})
	t.Run("gateway bad token leaves no user", func(t *testing.T) {
		r := gw(`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_token":"bad"}`)
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 1199998)
		wantEqual(t, "message", r.msg(), "user is not set")
	})
}

// signedQuery signs an ESB POST with esb.Sign: nonce and timestamp in the
// query, the signature over them and data=<body>.
func signedQuery(secret, path, body string, nonce string, ts int64) url.Values {
	q := url.Values{}
	if nonce != "" {
		q.Set("bk_nonce", nonce)
	}
	if ts != 0 {
		q.Set("bk_timestamp", strconv.FormatInt(ts, 10))
	}
	q.Set("bk_signature", esb.Sign(secret, "POST", path, q, []byte(body)))
	return q
}

func TestESBSignature(t *testing.T) {
	e := newEnv(t)
	body := `{"bk_app_code":"app1","bk_username":"admin","bk_classification_id":"bk_network"}`
	now := time.Now().Unix()
	t.Run("valid signature", func(t *testing.T) {
		r := e.esbPost(esbSearchCls, body, signedQuery(appSecret, esbSearchCls, body, "1234", now), nil)
		checkEnvelope(t, esbDoor, r)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "count", len(r.list()), 1)
	})
	t.Run("signature wins over a wrong secret", func(t *testing.T) {
		b := `{"bk_app_code":"app1","bk_app_secret":"wrong","bk_username":"admin"}`
		r := e.esbPost(esbSearchCls, b, signedQuery(appSecret, esbSearchCls, b, "7", now), nil)
		wantEqual(t, "code", r.code(), 0)
	})
	for _, tc := range []struct {
		name string
		q    url.Values
		body string
		msg  string
	}{
		{"old timestamp", signedQuery(appSecret, esbSearchCls, body, "1234", now-1000), body,
			"Parameter bk_timestamp is illegal, because it has expired"},
		{"timestamp just expired", signedQuery(appSecret, esbSearchCls, body, "1234", now-400), body,
			"Parameter bk_timestamp is illegal, because it has expired"},
		{"timestamp not a number", func() url.Values {
			q := signedQuery(appSecret, esbSearchCls, body, "1234", now)
			q.Set("bk_timestamp", "soon")
			return q
		}(), body, "Parameter bk_timestamp is illegal, due to non-time format"},
		{"timestamp missing", signedQuery(appSecret, esbSearchCls, body, "1234", 0), body,
			"Parameter bk_timestamp does not exist"},
		{"nonce missing", signedQuery(appSecret, esbSearchCls, body, "", now), body,
			"Parameter bk_nonce does not exist"},
		{"nonce not a number", signedQuery(appSecret, esbSearchCls, body, "abc", now), body,
			"Parameter bk_nonce is illegal"},
		{"nonce not positive", signedQuery(appSecret, esbSearchCls, body, "0", now), body,
			"Parameter bk_nonce is illegal, it must be a positive integer"},
		{"wrong secret", signedQuery("other", esbSearchCls, body, "1234", now), body,
			"Signature [bk_signature] verification failed, please provide valid parameters and signature"},
		{"body changed after signing", signedQuery(appSecret, esbSearchCls, body, "1234", now),
			strings.Replace(body, "bk_network", "bk_biz_topo", 1),
			"Signature [bk_signature] verification failed, please provide valid parameters and signature"},
		{"unknown app", signedQuery(appSecret, esbSearchCls, `{"bk_app_code":"nope"}`, "1", now), `{"bk_app_code":"nope"}`,
			"Invalid APP Code [bk_app_code=nope], please confirm if the APP Code has been registered"},
		{"no app code", signedQuery(appSecret, esbSearchCls, `{}`, "1", now), `{}`,
			"APP Code [bk_app_code] cannot be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkESBError(t, e.esbPost(esbSearchCls, tc.body, tc.q, nil), http.StatusOK, 1306000, tc.msg)
		})
	}
	t.Run("signature in the body is not a signature", func(t *testing.T) {
		q := signedQuery(appSecret, esbSearchCls, body, "1234", now)
		b := `{"bk_app_code":"app1","bk_username":"admin","bk_signature":"` + q.Get("bk_signature") + `"}`
		checkESBError(t, e.esbPost(esbSearchCls, b, nil, nil), http.StatusOK, 1306000,
			"Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time")
	})
}

func TestESBNotFound(t *testing.T) {
	e := newEnv(t)
	auth := `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin"}`
	for _, tc := range []struct{ name, method, path string }{
		{"unknown name", "POST", "/api/c/compapi/v2/cc/no_such_api/"},
		{"gateway-only operation", "POST", "/api/c/compapi/v2/cc/create_object_association/"},
		{"GET of a known name", "GET", esbSearchCls},
		{"PUT of a known name", "PUT", "/api/c/compapi/v2/cc/update_classification/"},
		{"nested path", "POST", "/api/c/compapi/v2/cc/search_classifications/x/"},
		{"other system", "POST", "/api/c/compapi/v2/job/search_classifications/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send(req{method: tc.method, path: tc.path, body: []byte(auth)})
			checkESBError(t, r, http.StatusNotFound, 1306404, "Not found, component class not found")
		})
	}
	t.Run("exact body", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/c/compapi/v2/cc/no_such_api/", body: []byte(auth)})
		want := `{"result":false,"code":1306404,"data":null,"message":"Not found, component class not found","request_id":"<request_id>"}`
		wantEqual(t, "body", string(normalise(r.raw)), want)
	})
}

// gwError asserts an error the gateway itself makes: status, exact body and
// the X-Bkapi-Error-* headers.
func gwError(t *testing.T, r reply, status, code int, codeName, msg string) {
	t.Helper()
	wantEqual(t, "status", r.status, status)
	b, _ := json.Marshal(msg)
	want := `{"code":` + strconv.Itoa(code) + `,"code_name":"` + codeName + `","message":` + string(b) + `,"result":false,"data":null}`
	wantEqual(t, "body", string(r.raw), want)
	wantEqual(t, "X-Bkapi-Error-Code", r.header.Get("X-Bkapi-Error-Code"), strconv.Itoa(code))
	wantEqual(t, "X-Bkapi-Error-Message", r.header.Get("X-Bkapi-Error-Message"), msg)
	wantEqual(t, "Content-Type", r.header.Get("Content-Type"), "application/json")
	if rid := r.header.Get("X-Request-Id"); rid == "" || r.header.Get("X-Bkapi-Request-Id") != rid {
		t.Errorf("request id headers: X-Request-Id %q, X-Bkapi-Request-Id %q", rid, r.header.Get("X-Bkapi-Request-Id"))
	}
}

func TestGatewayAuthRefusals(t *testing.T) {
	e := newEnv(t)
	reason := func(s string) string { return `Parameters error [reason="` + s + `"]` }
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name string
		auth *string
		msg  string
	}{
		{"header missing", nil, reason("app code cannot be empty")},
		{"header empty", ptr(""), reason("app code cannot be empty")},
		{"not JSON", ptr(`{bk_app_code:app1}`), reason("request header X-Bkapi-Authorization is not a valid JSON")},
		{"JSON of the wrong type", ptr(`["app1"]`), reason("request header X-Bkapi-Authorization is not a valid JSON")},
		{"no app code", ptr(`{"bk_app_secret":"secret1","bk_username":"admin"}`), reason("app code cannot be empty")},
		{"app code too long", ptr(`{"bk_app_code":"` + long(33) + `","bk_app_secret":"secret1"}`), reason("app code cannot be longer than 32 characters")},
		{"app secret too long", ptr(`{"bk_app_code":"app1","bk_app_secret":"` + long(129) + `"}`), reason("app secret cannot be longer than 128 characters")},
		{"no secret", ptr(`{"bk_app_code":"app1","bk_username":"admin"}`), reason("please provide bk_app_secret or bk_signature to verify app")},
		{"unknown app", ptr(`{"bk_app_code":"nope","bk_app_secret":"secret1"}`), reason("app not found")},
		{"wrong secret", ptr(`{"bk_app_code":"app1","bk_app_secret":"wrong","bk_username":"admin"}`), reason("bk_app_code or bk_app_secret is incorrect")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}}
			if tc.auth != nil {
				h.Set("X-Bkapi-Authorization", *tc.auth)
			}
			r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: []byte(`{}`), header: h})
			gwError(t, r, http.StatusBadRequest, 1640001, "INVALID_ARGS", tc.msg)
		})
	}
	t.Run("32 and 128 characters are allowed", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: []byte(`{}`),
			header: http.Header{"X-Bkapi-Authorization": {`{"bk_app_code":"` + long(32) + `","bk_app_secret":"` + long(128) + `"}`}}})
		gwError(t, r, http.StatusBadRequest, 1640001, "INVALID_ARGS", reason("app not found"))
	})
	t.Run("no user", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: []byte(`{}`),
			header: http.Header{"X-Bkapi-Authorization": {`{"bk_app_code":"app1","bk_app_secret":"secret1"}`}}})
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 1199998)
		wantEqual(t, "message", r.msg(), "user is not set")
		wantEqual(t, "body", string(r.raw), `{"result":false,"code":1199998,"message":"user is not set","permission":null,"data":null}`)
	})
	t.Run("stage path", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/bk-cmdb/prod/api/v3/find/objectclassification", body: []byte(`{"bk_classification_id":"bk_network"}`),
			header: http.Header{"X-Bkapi-Authorization": {gwAuth()}}})
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 0)
		wantEqual(t, "count", len(r.list()), 1)
	})
}

func ptr(s string) *string { return &s }

func TestGatewayNotFound(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, method, path string
		auth               bool
	}{
		{"unknown path", "POST", "/api/v3/find/nothing", true},
		{"unknown path without credentials", "POST", "/api/v3/find/nothing", false},
		{"known path wrong method", "GET", "/api/v3/find/objectclassification", true},
		{"known path wrong method without credentials", "DELETE", "/api/v3/find/objectclassification", false},
		{"path outside the API", "GET", "/index.html", true},
		{"root", "GET", "/", false},
		{"unknown stage path", "POST", "/api/bk-cmdb/prod/api/v3/find/nothing", true},
		{"missing path variable", "PUT", "/api/v3/update/object/", true},
		{"ESB-only prefix outside cc", "POST", "/api/c/compapi/v2/", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.auth {
				h.Set("X-Bkapi-Authorization", gwAuth())
			}
			r := e.send(req{method: tc.method, path: tc.path, body: []byte(`{}`), header: h})
			if strings.HasPrefix(tc.path, "/api/c/compapi/") {
				checkESBError(t, r, http.StatusNotFound, 1306404, "Not found, component class not found")
				return
			}
			gwError(t, r, http.StatusNotFound, 1640401, "API_NOT_FOUND", "API not found")
		})
	}
}

func TestTrustedDoor(t *testing.T) {
	e := newTrustedEnv(t)
	send := func(method, path string, h http.Header) reply {
		return e.send(req{method: method, path: path, body: []byte(`{"bk_classification_id":"bk_network"}`), header: h})
	}
	native := func(t *testing.T, r reply, status, code int, msg string) {
		t.Helper()
		wantEqual(t, "status", r.status, status)
		b, _ := json.Marshal(msg)
		want := `{"result":false,"bk_error_code":` + strconv.Itoa(code) + `,"bk_error_msg":` + string(b) + `,"permission":null,"data":null}`
		wantEqual(t, "body", string(r.raw), want)
		if r.header.Get("X-Request-Id") == "" {
			t.Errorf("X-Request-Id missing")
		}
		if r.header.Get("X-Bkapi-Request-Id") != "" {
			t.Errorf("X-Bkapi-Request-Id on the trusted door")
		}
	}
	t.Run("missing supplier", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Language": {"en"}})
		native(t, r, 500, 1199027, "'owner_id' authorization information query failed")
	})
	t.Run("missing supplier in Chinese", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-User": {"admin"}})
		native(t, r, 500, 1199027, "[owner_id]授权信息查询失败")
	})
	t.Run("missing user", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-Supplier-Account": {"0"}, "X-Bkcmdb-Language": {"en"}})
		native(t, r, 500, 1199027, "'user' authorization information query failed")
	})
	t.Run("missing user in Chinese", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-Supplier-Account": {"0"}})
		native(t, r, 500, 1199027, "[user]授权信息查询失败")
	})
	t.Run("both missing: supplier first", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-Language": {"en"}})
		native(t, r, 500, 1199027, "'owner_id' authorization information query failed")
	})
	t.Run("unknown path", func(t *testing.T) {
		r := send("POST", "/api/v3/find/nothing", http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}})
		native(t, r, 404, 1199998, "404: Page Not Found")
	})
	t.Run("unknown path without headers", func(t *testing.T) {
		native(t, send("POST", "/api/v3/find/nothing", nil), 404, 1199998, "404: Page Not Found")
	})
	t.Run("wrong method", func(t *testing.T) {
		r := send("GET", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}})
		native(t, r, 405, 1199998, "405: Method Not Allowed")
	})
	t.Run("legacy headers", func(t *testing.T) {
		for _, h := range []http.Header{
			{"Bk_user": {"admin"}, "Http_bk_supplier_account": {"0"}},
			{"X-Bkcmdb-User": {"admin"}, "Http_blueking_supplier_id": {"0"}},
			{"X-Bkcmdb-User": {"admin"}, "X-Bkapi-Supplier-Account": {"0"}},
		} {
			r := send("POST", "/api/v3/find/objectclassification", h)
			checkEnvelope(t, nativeDoor, r)
			wantEqual(t, "code", r.code(), 0)
		}
	})
	t.Run("legacy language header", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-User": {"admin"},
			"X-Bkcmdb-Supplier-Account": {"0"}, "Http_blueking_language": {"en"}})
		wantEqual(t, "name", str(r.list()[0], "bk_classification_name"), "Network")
	})
	t.Run("supplier header stamps writes", func(t *testing.T) {
		r := e.send(req{method: "POST", path: "/api/v3/create/objectclassification",
			body:   []byte(`{"bk_classification_id":"cls5","bk_classification_name":"Five"}`),
			header: http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"5"}}})
		checkEnvelope(t, nativeDoor, r)
		wantEqual(t, "supplier", str(r.data().(map[string]any), "bk_supplier_account"), "5")
	})
	t.Run("gateway credentials choose the gateway door", func(t *testing.T) {
		r := send("POST", "/api/v3/find/objectclassification", http.Header{"X-Bkapi-Authorization": {gwAuth()},
			"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}})
		checkEnvelope(t, gwDoor, r)
		wantEqual(t, "code", r.code(), 0)
	})
	t.Run("stage path is gateway only", func(t *testing.T) {
		r := send("POST", "/api/bk-cmdb/prod/api/v3/find/objectclassification", http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}})
		gwError(t, r, http.StatusBadRequest, 1640001, "INVALID_ARGS", `Parameters error [reason="app code cannot be empty"]`)
	})
}

// TestUntrustedNativeHeaders: bk-cmdb's own headers from an address that is
// not a trusted proxy are a gateway-style request without credentials.
func TestUntrustedNativeHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.send(req{method: "POST", path: "/api/v3/find/objectclassification", body: []byte(`{}`),
		header: http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}, "Bk_user": {"admin"}}})
	gwError(t, r, http.StatusBadRequest, 1640001, "INVALID_ARGS", `Parameters error [reason="app code cannot be empty"]`)
}

func TestOpenEndpoints(t *testing.T) {
	e := newEnv(t)
	e.esb("search_classifications", `{}`)
	for _, tc := range []struct {
		path, ctype string
		body        *regexp.Regexp
	}{
		{"/healthz", "text/plain", regexp.MustCompile(`^ok\n$`)},
		{"/version", "application/json", regexp.MustCompile(`^\{"name":"cmdb","version":"test"\}$`)},
		{"/metrics", "text/plain", regexp.MustCompile(`cmdb_http_requests_total\{code="0",door="esb",op="search_classifications"\} 1`)},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := e.send(req{method: "GET", path: tc.path})
			wantEqual(t, "status", r.status, 200)
			if !strings.HasPrefix(r.header.Get("Content-Type"), tc.ctype) {
				t.Errorf("Content-Type: got %q, want %s", r.header.Get("Content-Type"), tc.ctype)
			}
			if !tc.body.Match(r.raw) {
				t.Errorf("body: got %q, want match of %s", r.raw, tc.body)
			}
			if r.header.Get("X-Request-Id") == "" {
				t.Errorf("X-Request-Id missing")
			}
		})
	}
}

var generatedRID = regexp.MustCompile(`^cc0000[0-9a-v]{20}$`)

func TestRequestIDs(t *testing.T) {
	e := newTrustedEnv(t)
	gw := http.Header{"X-Bkapi-Authorization": {gwAuth()}}
	nat := http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}}
	with := func(h http.Header, k, v string) http.Header {
		out := h.Clone()
		if out == nil {
			out = http.Header{}
		}
		out.Set(k, v)
		return out
	}
	esbBody := `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin"}`
	for _, tc := range []struct {
		name       string
		r          req
		wantRID    string // "" = generated
		wantBkapi  bool
		esbRequest bool
	}{
		{"gateway echoes X-Request-ID", req{method: "POST", path: "/api/v3/find/objectclassification", header: with(gw, "X-Request-ID", "my-rid-1")}, "my-rid-1", true, false},
		{"gateway reads X-Bkapi-Request-Id", req{method: "POST", path: "/api/v3/find/objectclassification", header: with(gw, "X-Bkapi-Request-Id", "bkapi-rid")}, "bkapi-rid", true, false},
		{"gateway generates", req{method: "POST", path: "/api/v3/find/objectclassification", header: gw}, "", true, false},
		{"gateway refusal generates", req{method: "POST", path: "/api/v3/find/objectclassification", header: http.Header{"X-Bkapi-Authorization": {"x"}}}, "", true, false},
		{"gateway 404 echoes", req{method: "POST", path: "/api/v3/nothing", header: with(gw, "X-Request-ID", "rid-404")}, "rid-404", true, false},
		{"trusted echoes X-Request-ID", req{method: "POST", path: "/api/v3/find/objectclassification", header: with(nat, "X-Request-ID", "my-rid-2")}, "my-rid-2", false, false},
		{"trusted reads legacy Cc_Request_Id", req{method: "POST", path: "/api/v3/find/objectclassification", header: with(nat, "Cc_Request_Id", "legacy")}, "legacy", false, false},
		{"trusted generates", req{method: "POST", path: "/api/v3/find/objectclassification", header: nat}, "", false, false},
		{"trusted refusal generates", req{method: "POST", path: "/api/v3/find/objectclassification"}, "", false, false},
		{"esb echoes X-Request-ID", req{method: "POST", path: esbSearchCls, body: []byte(esbBody), header: http.Header{"X-Request-ID": {"esb-rid"}}}, "esb-rid", false, true},
		{"esb generates", req{method: "POST", path: esbSearchCls, body: []byte(esbBody)}, "", false, true},
		{"esb refusal generates", req{method: "POST", path: esbSearchCls, body: []byte(`{}`)}, "", false, true},
		{"esb 404 generates", req{method: "POST", path: "/api/c/compapi/v2/cc/nope/", body: []byte(esbBody)}, "", false, true},
		{"healthz echoes", req{method: "GET", path: "/healthz", header: http.Header{"X-Request-ID": {"hz"}}}, "hz", false, false},
		{"version generates", req{method: "GET", path: "/version"}, "", false, false},
		{"metrics generates", req{method: "GET", path: "/metrics"}, "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send(tc.r)
			rid := r.header.Get("X-Request-Id")
			if tc.wantRID != "" {
				wantEqual(t, "X-Request-Id", rid, tc.wantRID)
			} else if !generatedRID.MatchString(rid) {
				t.Errorf("X-Request-Id: got %q, want cc0000 + 20 characters", rid)
			}
			if tc.wantBkapi {
				wantEqual(t, "X-Bkapi-Request-Id", r.header.Get("X-Bkapi-Request-Id"), rid)
			}
			if tc.esbRequest {
				esbID, _ := r.body["request_id"].(string)
				if !esbRID.MatchString(esbID) {
					t.Errorf("request_id: got %q, want 32 lowercase hex", esbID)
				}
				if esbID == rid {
					t.Errorf("ESB request_id is the cmdb rid")
				}
			}
		})
	}
	t.Run("ids differ per request", func(t *testing.T) {
		seen := map[string]bool{}
		for i := 0; i < 20; i++ {
			r := e.send(req{method: "POST", path: esbSearchCls, body: []byte(esbBody)})
			for _, id := range []string{r.header.Get("X-Request-Id"), r.body["request_id"].(string)} {
				if seen[id] {
					t.Fatalf("id %q repeated", id)
				}
				seen[id] = true
			}
		}
	})
}
