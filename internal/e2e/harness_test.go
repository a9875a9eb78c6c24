// Package e2e tests cmdb end to end: the real HTTP handler (all three doors)
// over a real SQLite file, driven through net/http/httptest. Nothing is
// mocked; the only test hook is the service clock, fixed so that the golden
// answers are stable.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/api"
	"github.com/opscmdb/cmdb/internal/api/esb"
	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The one registered app and the user every helper acts as.
const (
	appCode   = "app1"
	appSecret = "secret1"
	testUser  = "admin"
)

// fixedNow is the service clock in every test server: model-layer times are
// then "2024-05-01 10:00:00" whatever the machine's zone.
var fixedNow = time.Date(2024, 5, 1, 10, 0, 0, 0, time.Local)

// env is one running server over a fresh SQLite file with the presets
// applied.
type env struct {
	t     testing.TB
	srv   *httptest.Server
	store cmdb.Store
	svc   *service.Service
	api   *api.Server
}

// envConfig says which optional parts a server gets.
type envConfig struct {
	// trusted admits 127.0.0.1 (every httptest client) to the trusted door.
	trusted bool
	// loginURL is the bk_token verifier.
	loginURL string
	// path reuses a database file (restart tests); empty = fresh file.
	path string
}

// newEnv starts a server without trusted proxies: /api/v3 is then always the
// gateway-style door.
func newEnv(t testing.TB) *env { return startEnv(t, envConfig{}) }

// newTrustedEnv starts a server that admits 127.0.0.1/32 as a trusted proxy:
// requests without X-Bkapi-Authorization take the trusted door.
func newTrustedEnv(t testing.TB) *env { return startEnv(t, envConfig{trusted: true}) }

func startEnv(t testing.TB, c envConfig) *env {
	t.Helper()
	ctx := context.Background()
	// A fresh store of the run's kind (SQLite, or PostgreSQL when
	// CMDB_TEST_POSTGRES_DSN is set); restart tests reuse a SQLite file.
	var st cmdb.Store
	if c.path == "" {
		st = storetest.OpenAny(t)
	} else {
		db, err := sqlite.Open(ctx, c.path)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		st = db
	}
	log := testLogger()
	svc := service.New(st, log)
	svc.Now = func() time.Time { return fixedNow }
	if _, err := svc.EnsurePresets(ctx); err != nil {
		st.Close()
		t.Fatalf("presets: %v", err)
	}
	cfg := api.Config{Apps: map[string]string{appCode: appSecret}, LoginURL: c.loginURL, Version: "test", Logger: log}
	if c.trusted {
		cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}
	srv := api.New(svc, cfg)
	hs := httptest.NewServer(srv.Handler(esb.New(srv)))
	e := &env{t: t, srv: hs, store: st, svc: svc, api: srv}
	t.Cleanup(func() {
		hs.Close()
		st.Close()
	})
	return e
}

// door names one of cmdb's three front doors.
type door int

const (
	esbDoor door = iota
	gwDoor
	nativeDoor
)

func (d door) String() string {
	switch d {
	case esbDoor:
		return "esb"
	case gwDoor:
		return "gateway"
	}
	return "native"
}

// opSpec is where an ESB name lands natively: method, path and the body
// fields that become path variables (spec README.md, cc.yaml dest_path).
type opSpec struct {
	method string
	path   string
	vars   []string
}

// ops are the model-layer endpoints under test.
var ops = map[string]opSpec{
	"search_classifications":   {"POST", "/api/v3/find/objectclassification", nil},
	"create_classification":    {"POST", "/api/v3/create/objectclassification", nil},
	"update_classification":    {"PUT", "/api/v3/update/objectclassification/{id}", []string{"id"}},
	"delete_classification":    {"DELETE", "/api/v3/delete/objectclassification/{id}", []string{"id"}},
	"search_objects":           {"POST", "/api/v3/find/object", nil},
	"create_object":            {"POST", "/api/v3/create/object", nil},
	"update_object":            {"PUT", "/api/v3/update/object/{id}", []string{"id"}},
	"delete_object":            {"DELETE", "/api/v3/delete/object/{id}", []string{"id"}},
	"search_object_attribute":  {"POST", "/api/v3/find/objectattr", nil},
	"create_object_attribute":  {"POST", "/api/v3/create/objectattr", nil},
	"update_object_attribute":  {"PUT", "/api/v3/update/objectattr/{id}", []string{"id"}},
	"delete_object_attribute":  {"DELETE", "/api/v3/delete/objectattr/{id}", []string{"id"}},
	"search_object_topo":       {"POST", "/api/v3/find/objecttopology", nil},
	"get_mainline_object_topo": {"POST", "/api/v3/find/topomodelmainline", nil},
}

// reply is one HTTP answer.
type reply struct {
	status int
	header http.Header
	raw    []byte
	// body is the answer decoded with UseNumber; nil when it is not a JSON
	// object.
	body map[string]any
}

// code is the envelope's code, whichever door's key carries it.
func (r reply) code() int {
	for _, k := range []string{"code", "bk_error_code"} {
		if v, ok := r.body[k].(json.Number); ok {
			n, _ := v.Int64()
			return int(n)
		}
	}
	return -1
}

// msg is the envelope's message, whichever door's key carries it.
func (r reply) msg() string {
	for _, k := range []string{"message", "bk_error_msg"} {
		if v, ok := r.body[k].(string); ok {
			return v
		}
	}
	return "<no message>"
}

func (r reply) data() any { return r.body["data"] }

// list is data as an array of objects.
func (r reply) list() []map[string]any {
	arr, _ := r.data().([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, v := range arr {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (r reply) String() string {
	return fmt.Sprintf("HTTP %d %s", r.status, r.raw)
}

// req is one HTTP request to send.
type req struct {
	method string
	path   string
	body   []byte
	header http.Header
}

// send performs r against the server.
func (e *env) send(r req) reply {
	e.t.Helper()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, e.srv.URL+r.path, body)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if r.body != nil && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", r.method, r.path, err)
	}
	out := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) == nil {
		out.body = m
	}
	return out
}

// decodeObject parses a JSON object with UseNumber; ok is false for
// anything else.
func decodeObject(s string) (map[string]any, bool) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil || d.More() {
		return nil, false
	}
	return m, true
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// esbCreds are the general parameters every ESB helper call adds unless the
// body already names them.
func esbCreds() map[string]any {
	return map[string]any{"bk_app_code": appCode, "bk_app_secret": appSecret, "bk_username": testUser}
}

// gwAuth is a valid X-Bkapi-Authorization value.
func gwAuth() string {
	return `{"bk_app_code":"` + appCode + `","bk_app_secret":"` + appSecret + `","bk_username":"` + testUser + `"}`
}

// call sends one ESB-form body (path variables inside it, as the ESB takes
// them) through door d. For the ESB the general parameters are added; for
// the other doors the path variables move into the URL. hdr adds headers.
func (e *env) call(d door, op, body string, hdr http.Header) reply {
	e.t.Helper()
	spec, ok := ops[op]
	if !ok {
		e.t.Fatalf("unknown op %q", op)
	}
	m, ok := decodeObject(body)
	if !ok {
		e.t.Fatalf("%s: scenario body is not a JSON object: %s", op, body)
	}
	h := http.Header{}
	for k, vs := range hdr {
		h[k] = vs
	}
	switch d {
	case esbDoor:
		for k, v := range esbCreds() {
			if _, set := m[k]; !set {
				m[k] = v
			}
		}
		return e.send(req{method: "POST", path: "/api/c/compapi/v2/cc/" + op + "/", body: mustJSON(e.t, m), header: h})
	case gwDoor:
		if h.Get("X-Bkapi-Authorization") == "" {
			h.Set("X-Bkapi-Authorization", gwAuth())
		}
	case nativeDoor:
		if h.Get("X-Bkcmdb-User") == "" {
			h.Set("X-Bkcmdb-User", testUser)
		}
		if h.Get("X-Bkcmdb-Supplier-Account") == "" {
			h.Set("X-Bkcmdb-Supplier-Account", "0")
		}
	}
	path := spec.path
	for _, v := range spec.vars {
		val, ok := m[v]
		if !ok {
			e.t.Fatalf("%s: body has no path variable %q", op, v)
		}
		path = strings.Replace(path, "{"+v+"}", pathText(val), 1)
		delete(m, v)
	}
	return e.send(req{method: spec.method, path: path, body: mustJSON(e.t, m), header: h})
}

func pathText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

// esb calls op through the ESB door and fails the test unless it succeeds:
// the setup helper.
func (e *env) esb(op, body string) reply {
	e.t.Helper()
	r := e.call(esbDoor, op, body, nil)
	if r.status != 200 || r.code() != 0 {
		e.t.Fatalf("setup %s %s: %s", op, body, r)
	}
	return r
}

// langHeader asks for a message table.
func langHeader(lang string) http.Header {
	return http.Header{"X-Bkcmdb-Language": {lang}}
}

// requestIDPattern matches the ESB body's request_id.
var esbRIDPattern = regexp.MustCompile(`"request_id":"[0-9a-f]{32}"`)

// normalise replaces the per-request values of an answer.
func normalise(raw []byte) []byte {
	return esbRIDPattern.ReplaceAll(raw, []byte(`"request_id":"<request_id>"`))
}

// checkGolden compares an answer (normalised, indented with its key order
// kept) with testdata/name; -update rewrites the file.
func checkGolden(t testing.TB, name string, raw []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, normalise(raw), "", "  "); err != nil {
		t.Fatalf("golden %s: answer is not JSON: %v: %s", name, err, raw)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test ./internal/e2e/ -update to create it)", name, err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("golden %s differs (run with -update after checking):\ngot:\n%s\nwant:\n%s", name, buf.Bytes(), want)
	}
}

// storeUpdate runs fn in a store transaction: setup that no in-scope API can
// do yet (instances, model associations), written with the store's own
// primitives.
func (e *env) storeUpdate(fn func(cmdb.Tx) error) {
	e.t.Helper()
	if err := e.store.Update(context.Background(), fn); err != nil {
		e.t.Fatalf("store setup: %v", err)
	}
}

// testLogger discards the server's log unless CMDB_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("CMDB_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
