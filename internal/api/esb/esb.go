// Package esb is cmdb's ESB v2 face: POST /api/c/compapi/v2/cc/NAME/ with the
// general parameters in the body, authenticated and mapped onto the native
// routes exactly as BlueKing's ESB does, answered in the ESB envelope.
package esb

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/api"
	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
)

const prefix = "/api/c/compapi/v2/cc/"

// Handler serves the ESB door over srv's native routes.
type Handler struct {
	srv *api.Server
	now func() time.Time
}

// New returns the ESB door.
func New(srv *api.Server) *Handler { return &Handler{srv: srv, now: time.Now} }

const codeESB = 1306000

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := api.RequestID(r)
	w.Header().Set("X-Request-Id", rid)
	esbRID := api.NewESBRequestID()
	name, ok := strings.CutPrefix(r.URL.Path, prefix)
	name = strings.TrimSuffix(name, "/")
	comp, known := components[name]
	if !ok || !known || strings.Contains(name, "/") || r.Method != http.MethodPost {
		api.WriteESBError(w, http.StatusNotFound, 1306404, "Not found, component class not found", esbRID)
		h.srv.Observe(api.DoorESB, "unknown", 1306404, start)
		return
	}
	fail := func(code int, msg string) {
		api.WriteESBError(w, http.StatusOK, code, msg, esbRID)
		h.srv.Observe(api.DoorESB, name, code, start)
	}
	raw, berr := api.ReadBody(r)
	if berr != nil {
		fail(berr.Code, berr.Message(cmdb.LangEN))
		return
	}
	var body map[string]any
	if len(bytes.TrimSpace(raw)) == 0 {
		body = map[string]any{}
	} else {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&body); err != nil || body == nil || d.More() {
			fail(codeESB, "Request JSON string is wrong in format, which cannot be analyzed.")
			return
		}
	}
	user, msg := h.authenticate(r, body, raw)
	if msg != "" {
		fail(codeESB, msg)
		return
	}
	lang := cmdb.LangEN
	if v := r.Header.Get("Blueking-Language"); v != "" {
		lang = cmdb.ParseLang(v)
	}
	supplier := cmdb.DefaultSupplier
	if v, ok := body["bk_supplier_account"]; ok && v != nil {
		if s := pathText(v); s != "" {
			supplier = s
		}
	}
	path := comp.path
	for _, v := range comp.vars {
		val, present := body[v[0]]
		text := ""
		if present && val != nil {
			text = pathText(val)
		}
		if text == "" {
			fail(1306406, "Parameters error, param "+v[0]+" is required")
			return
		}
		path = strings.Replace(path, "{"+v[1]+"}", text, 1)
	}
	for _, v := range comp.vars {
		delete(body, v[0])
	}
	for _, k := range generalParams {
		delete(body, k)
	}
	caller := service.Caller{Supplier: supplier, User: user, Lang: lang}
	data, op, ierr := h.srv.InvokeDoc(r.Context(), api.DoorESB, comp.method, path, caller, body)
	if ierr == api.ErrBadDoc {
		fail(codeESB, "Request JSON string is wrong in format, which cannot be analyzed.")
		return
	}
	if ierr == api.ErrNoRoute {
		ierr = cmdb.ErrText(cmdb.CodeUnknownOrUnrecognizedError, "404: Page Not Found")
		op = name
	}
	code := h.srv.Respond(r.Context(), w, api.DoorESB, lang, op, data, ierr, esbRID)
	h.srv.Observe(api.DoorESB, name, code, start)
}

// pathText is a body value written into a path: strings as they are,
// numbers as their JSON text.
func pathText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func bodyString(body map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := body[k]; ok && v != nil {
			if s := pathText(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// authenticate runs the ESB's app and user checks in its order (§5.2) and
// returns the user, or the failure message. As BlueKing's ESB
// (AppAuthValidator, verified_type signature_or_app_secret) does, a
// signature is looked for in the query string only, and wins over a secret.
func (h *Handler) authenticate(r *http.Request, body map[string]any, raw []byte) (string, string) {
	code := bodyString(body, "bk_app_code", "app_code")
	secret := bodyString(body, "bk_app_secret", "app_secret")
	q := r.URL.Query()
	signature := q.Get("bk_signature")
	if signature == "" {
		signature = q.Get("signature")
	}
	var msg string
	switch {
	case signature != "":
		msg = h.checkSignature(r, code, signature, raw)
	case secret != "":
		msg = h.checkSecret(code, secret)
	default:
		msg = "Signature [bk_signature] and APP Secret [bk_app_secret] cannot be empty at the same time"
	}
	if msg != "" {
		return "", msg
	}
	return h.authenticateUser(r, body)
}

// checkApp is the app-code part shared by both app checks: the registered
// secret, or the failure message.
func (h *Handler) checkApp(code string) (string, string) {
	if code == "" {
		return "", "APP Code [bk_app_code] cannot be empty"
	}
	want, known := h.srv.Apps()[code]
	if !known {
		return "", fmt.Sprintf("Invalid APP Code [bk_app_code=%s], please confirm if the APP Code has been registered", code)
	}
	return want, ""
}

// checkSecret is the ESB's AppSecretValidator. (Its "APP Secret
// [bk_app_secret] cannot be empty" cannot happen: an empty secret never gets
// here.)
func (h *Handler) checkSecret(code, secret string) string {
	want, msg := h.checkApp(code)
	if msg != "" {
		return msg
	}
	if !api.SecretEqual(secret, want) {
		return fmt.Sprintf("APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=%s] match", code)
	}
	return ""
}

// checkSignature is the ESB's SignatureValidator, with its messages:
// bk_nonce a positive integer, bk_timestamp not older than 300 s, then the
// HMAC over method, path, the query parameters and data=<body>.
func (h *Handler) checkSignature(r *http.Request, code, signature string, raw []byte) string {
	want, msg := h.checkApp(code)
	if msg != "" {
		return msg
	}
	q := r.URL.Query()
	nonce := q.Get("bk_nonce")
	if nonce == "" {
		return "Parameter bk_nonce does not exist"
	}
	if n, err := strconv.ParseInt(nonce, 10, 64); err != nil {
		return "Parameter bk_nonce is illegal"
	} else if n <= 0 {
		return "Parameter bk_nonce is illegal, it must be a positive integer"
	}
	tsText := q.Get("bk_timestamp")
	if tsText == "" {
		return "Parameter bk_timestamp does not exist"
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return "Parameter bk_timestamp is illegal, due to non-time format"
	}
	if ts < h.now().Unix()-300 {
		return "Parameter bk_timestamp is illegal, because it has expired"
	}
	if !hmac.Equal([]byte(signature), []byte(Sign(want, r.Method, r.URL.Path, q, raw))) {
		return "Signature [bk_signature] verification failed, please provide valid parameters and signature"
	}
	return ""
}

// authenticateUser is the ESB's UserAuthValidator: a bk_token is verified
// against BlueKing login (refused when no login URL is configured); else
// bk_username (every registered app may name its user); else refused.
func (h *Handler) authenticateUser(r *http.Request, body map[string]any) (string, string) {
	if token := bodyString(body, "bk_token"); token != "" {
		if v := h.srv.Login(); v != nil {
			if user, err := v.Verify(r.Context(), token); err == nil {
				return user, ""
			}
		}
		return "", "User authentication failed, please check if the bk_token is valid"
	}
	if user := bodyString(body, "bk_username", "username"); user != "" {
		return user, ""
	}
	return "", "User authentication failed, please provide a valid user identity, such as bk_token, bk_username"
}

// Sign computes an ESB request signature (exported for clients and tests).
func Sign(secret, method, path string, query map[string][]string, body []byte) string {
	params := map[string]string{}
	for k, v := range query {
		if k == "bk_signature" || len(v) == 0 {
			continue
		}
		params[k] = v[0]
	}
	if method == http.MethodPost {
		params["data"] = string(body)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + params[k]
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(method + path + "?" + strings.Join(parts, "&")))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
