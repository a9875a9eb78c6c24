package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// scenario is one row of a spec table: a call and the answer it must get.
// Every scenario runs on a fresh server per door, so rows never depend on
// each other.
type scenario struct {
	name string
	op   string
	// setup prepares the fresh server (through the ESB helper or the store).
	setup func(e *env)
	// body is the ESB-form body: path variables inside it.
	body string
	// bodyFn, when set, makes the body after setup (ids known only then).
	bodyFn func(e *env) string
	code   int
	// msg is the exact English message (asserted through the ESB, whose
	// default language is en, and through the other doors with an en
	// header).
	msg string
	// zh, when set, is the exact Chinese message: the gateway and trusted
	// doors are then called without a language header (default Chinese).
	zh string
	// golden compares a success answer with testdata/<op>/<name>.<door>.json.
	golden bool
	// check runs extra assertions after the call.
	check func(t *testing.T, e *env, d door, r reply)
	// doors defaults to the ESB and the gateway.
	doors []door
}

func runScenarios(t *testing.T, list []scenario) {
	t.Helper()
	seen := map[string]bool{}
	for _, sc := range list {
		if seen[sc.name] {
			t.Fatalf("duplicate scenario name %q", sc.name)
		}
		seen[sc.name] = true
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			doors := sc.doors
			if doors == nil {
				doors = []door{esbDoor, gwDoor}
			}
			for _, d := range doors {
				t.Run(d.String(), func(t *testing.T) { runScenario(t, sc, d) })
			}
		})
	}
}

func runScenario(t *testing.T, sc scenario, d door) {
	var e *env
	if d == nativeDoor {
		e = newTrustedEnv(t)
	} else {
		e = newEnv(t)
	}
	if sc.setup != nil {
		sc.setup(e)
	}
	var hdr http.Header
	wantMsg := sc.msg
	if d != esbDoor {
		switch {
		case sc.code == 0:
			// Success answers are checked in the door's default language.
		case sc.zh != "":
			wantMsg = sc.zh
		default:
			hdr = langHeader("en")
		}
	}
	body := sc.body
	if sc.bodyFn != nil {
		body = sc.bodyFn(e)
	}
	r := e.call(d, sc.op, body, hdr)
	checkEnvelope(t, d, r)
	if got := r.code(); got != sc.code {
		t.Fatalf("code: got %d, want %d (%s)", got, sc.code, r)
	}
	if sc.code == 0 {
		if got := r.msg(); got != "success" {
			t.Errorf("message: got %q, want %q", got, "success")
		}
	} else if got := r.msg(); got != wantMsg {
		t.Errorf("message: got %q, want %q", got, wantMsg)
	}
	if sc.code != 0 && r.data() != nil {
		t.Errorf("data on an error: got %v, want null", r.data())
	}
	if sc.golden {
		checkGolden(t, fmt.Sprintf("%s/%s.%s.json", sc.op, fileName(sc.name), d), r.raw)
	}
	if sc.check != nil {
		sc.check(t, e, d, r)
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

func fileName(s string) string { return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_") }

// topKeys lists the top-level keys of a JSON object in wire order.
func topKeys(raw []byte) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// checkEnvelope asserts the envelope of an API answer (not a door's own
// refusal) for door d: HTTP 200, JSON content type, the X-Request-Id header,
// the door's keys (in the fixed order for the gateway and trusted doors)
// and result matching the code.
func checkEnvelope(t *testing.T, d door, r reply) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%s)", r.status, r)
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
	switch d {
	case esbDoor:
		got := append([]string(nil), keys...)
		sort.Strings(got)
		want := []string{"code", "data", "message", "permission", "request_id", "result"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ESB keys: got %v, want %v", got, want)
		}
		if rid, _ := r.body["request_id"].(string); !esbRID.MatchString(rid) {
			t.Errorf("ESB request_id: got %q, want 32 lowercase hex", rid)
		}
	case gwDoor:
		want := []string{"result", "code", "message", "permission", "data"}
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("gateway keys: got %v, want %v", keys, want)
		}
		if got, want := r.header.Get("X-Bkapi-Request-Id"), r.header.Get("X-Request-Id"); got != want {
			t.Errorf("X-Bkapi-Request-Id: got %q, want %q (= X-Request-Id)", got, want)
		}
	case nativeDoor:
		want := []string{"result", "bk_error_code", "bk_error_msg", "permission", "data"}
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("native keys: got %v, want %v", keys, want)
		}
	}
	if res, _ := r.body["result"].(bool); res != (r.code() == 0) {
		t.Errorf("result: got %v with code %d", r.body["result"], r.code())
	}
	if r.body["permission"] != nil {
		t.Errorf("permission: got %v, want null", r.body["permission"])
	}
}

var esbRID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Small accessors for checks.

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(m map[string]any, k string) int64 {
	n, _ := m[k].(json.Number)
	v, _ := n.Int64()
	return v
}

// find returns the first record whose field k equals v.
func find(list []map[string]any, k, v string) map[string]any {
	for _, m := range list {
		if str(m, k) == v {
			return m
		}
	}
	return nil
}

// fields lists field k of every record.
func fields(list []map[string]any, k string) []string {
	out := make([]string, 0, len(list))
	for _, m := range list {
		out = append(out, pathText(m[k]))
	}
	return out
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}
