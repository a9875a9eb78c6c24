// Package api is cmdb's HTTP face: the native bk-cmdb routes (/api/v3/...),
// the gateway-style and trusted-backend doors onto them, the envelopes, and
// the open endpoints /healthz, /version and /metrics. The ESB door lives in
// api/esb and calls Invoke.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MaxBodyBytes caps a request body.
const MaxBodyBytes = 10 << 20

// Config is what the HTTP face needs besides the service.
type Config struct {
	// Apps maps app code to secret.
	Apps map[string]string
	// TrustedProxies may use bk-cmdb's native headers (the trusted door).
	TrustedProxies []netip.Prefix
	// LoginURL verifies bk_token values (BlueKing login's is_login); empty
	// means every bk_token is refused.
	LoginURL string
	Version  string
	Logger   *slog.Logger
	// Registry receives the HTTP metrics; nil makes a private one.
	Registry *prometheus.Registry
	// AnswerCacheBytes is the byte budget of the cache of encoded
	// find_instance_association answers (service.AnswerCache): 0 means
	// service.DefaultAnswerCacheBytes, a negative value no cache.
	AnswerCacheBytes int64
	// AnswerCacheDir is where the answer cache's disk tier keeps its
	// files (in a directory of the process's own under it); empty: no disk
	// tier, answers are held in memory only.
	AnswerCacheDir string
	// AnswerCacheDiskBytes is the disk tier's budget: 0 means
	// service.DefaultAnswerCacheDiskBytes, a negative value no disk tier.
	AnswerCacheDiskBytes int64
	// AnswerCacheDiskMin: answers of at least this many bytes go to the
	// disk tier; 0 means service.DefaultAnswerCacheDiskMin.
	AnswerCacheDiskMin int64
	// AnswerCacheDiskFirst: every answer of AnswerCacheDiskMin bytes or
	// more goes to the disk tier, even while memory has room (tests).
	AnswerCacheDiskFirst bool
}

// Server serves the native routes through the gateway-style and trusted
// doors, and hands Invoke to the ESB door.
type Server struct {
	svc     *service.Service
	cfg     Config
	log     *slog.Logger
	routes  router
	login   *LoginVerifier
	metrics *metrics
	ready   func(context.Context) error
	answers *service.AnswerCache
}

// HandlerFunc serves one native route.
type HandlerFunc func(r *Request) (any, error)

// Request is what a native handler sees: the caller, the path variables and
// the raw body.
type Request struct {
	Ctx    context.Context
	Caller service.Caller
	Path   map[string]string
	Body   []byte
	Door   Door
	// Doc, set only for routes added with addDoc and called through
	// InvokeDoc, is the body as the door decoded it (JSON with UseNumber);
	// Body is then nil. A handler that cannot use Doc as it is encodes it
	// (docBody) and decodes that, as it would the forwarded body.
	Doc map[string]any
}

// New builds the server and its route table.
func New(svc *service.Service, cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger, metrics: newMetrics(cfg.Registry)}
	cc := service.AnswerCacheConfig{MaxBytes: cfg.AnswerCacheBytes, Dir: cfg.AnswerCacheDir,
		DiskBytes: cfg.AnswerCacheDiskBytes, DiskMin: cfg.AnswerCacheDiskMin, DiskFirst: cfg.AnswerCacheDiskFirst}
	if cc.MaxBytes == 0 {
		cc.MaxBytes = service.DefaultAnswerCacheBytes
	}
	if cc.DiskBytes == 0 {
		cc.DiskBytes = service.DefaultAnswerCacheDiskBytes
	}
	var err error
	s.answers, err = service.OpenAnswerCache(cc)
	switch {
	case errors.Is(err, service.ErrAnswerCacheDiskUnsupported):
		s.log.Info("answer cache: in memory only", "reason", err)
	case err != nil:
		s.log.Warn("answer cache: no disk tier, in memory only", "dir", cc.Dir, "err", err)
	case s.answers.DiskDir() != "":
		s.log.Info("answer cache: disk tier", "dir", s.answers.DiskDir(), "bytes", cc.DiskBytes)
	}
	if s.answers != nil {
		registerAnswerCacheMetrics(cfg.Registry, s.answers)
	}
	if cfg.LoginURL != "" {
		s.login = NewLoginVerifier(cfg.LoginURL)
	}
	s.ready = svc.Store().Ping
	s.registerRoutes()
	return s
}

// AnswerCache returns the cache of find_instance_association answers, nil
// when disabled.
func (s *Server) AnswerCache() *service.AnswerCache { return s.answers }

// Close releases what the server holds besides the service: the answer
// cache's disk tier (its files and directory). Requests still running
// finish their answers.
func (s *Server) Close() error { return s.answers.Close() }

// Apps returns the registered apps (code → secret).
func (s *Server) Apps() map[string]string { return s.cfg.Apps }

// Login returns the bk_token verifier, nil when none is configured.
func (s *Server) Login() *LoginVerifier { return s.login }

// Logger returns the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// Handler is the whole HTTP surface; esb serves /api/c/compapi/.
func (s *Server) Handler(esb http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.healthz)
	mux.HandleFunc("/version", s.version)
	mux.Handle("/metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	if esb != nil {
		mux.Handle("/api/c/compapi/", esb)
	}
	mux.HandleFunc("/", s.serveAPI)
	return withRequestID(mux)
}

// withRequestID gives every reply, the open endpoints' and the doors' own
// refusals included, its X-Request-Id (cmdb-decisions.md, request ids). The
// id is written back into the request so that the doors' RequestID calls
// see the same value.
func withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rid := RequestID(r)
		r.Header.Set("X-Request-Id", rid)
		w.Header().Set("X-Request-Id", rid)
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok\n")
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := Encode(map[string]string{"version": s.cfg.Version, "name": "cmdb"})
	w.Write(b)
}

// ErrNoRoute is Invoke's answer for a method+path no route serves.
var ErrNoRoute = errors.New("api: no route")

// Invoke runs the native route for method+path with body, as the ESB door
// does after its own checks. A panic in the handler answers 1199999.
func (s *Server) Invoke(ctx context.Context, door Door, method, path string, c service.Caller, body []byte) (data any, op string, err error) {
	rt, params, _ := s.routes.match(method, path)
	if rt == nil {
		return nil, "", ErrNoRoute
	}
	data, err = s.call(ctx, rt, &Request{Ctx: ctx, Caller: c, Path: params, Body: body, Door: door})
	return data, rt.name, err
}

// ErrBadDoc is InvokeDoc's answer for a decoded body it cannot encode
// (never the case for JSON decoded with UseNumber).
var ErrBadDoc = errors.New("api: body cannot be encoded")

// InvokeDoc is Invoke for a door that has decoded the body (the ESB door,
// which forwards what is left of it): a route added with addDoc gets doc as
// it is, any other its JSON encoding, exactly as Invoke with Encode(doc).
// The hot find_instance_association saves the encoding and the decoding
// again of every body.
func (s *Server) InvokeDoc(ctx context.Context, door Door, method, path string, c service.Caller, doc map[string]any) (data any, op string, err error) {
	rt, params, _ := s.routes.match(method, path)
	if rt == nil {
		return nil, "", ErrNoRoute
	}
	req := &Request{Ctx: ctx, Caller: c, Path: params, Door: door}
	if rt.takesDoc {
		req.Doc = doc
	} else if req.Body, err = Encode(doc); err != nil {
		return nil, rt.name, ErrBadDoc
	}
	data, err = s.call(ctx, rt, req)
	return data, rt.name, err
}

// docBody is the JSON body of a request called with Doc.
func docBody(req *Request) ([]byte, error) {
	if req.Doc == nil {
		return req.Body, nil
	}
	return Encode(req.Doc)
}

func (s *Server) call(ctx context.Context, rt *route, req *Request) (data any, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "handler panic", "op", rt.name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			data, err = nil, cmdb.Errorf(cmdb.CodeInternalServerError, "topo")
		}
	}()
	return rt.h(req)
}

// ReplyFor turns a handler outcome into a reply, logging internal causes.
func (s *Server) ReplyFor(ctx context.Context, door Door, lang cmdb.Lang, op string, data any, err error) Reply {
	if err == nil {
		return Reply{Door: door, Code: 0, Msg: "success", Data: data}
	}
	e := cmdb.AsError(err)
	if e.Err != nil && e.Code == cmdb.CodeUnknownOrUnrecognizedError {
		s.log.ErrorContext(ctx, "request failed", "op", op, "code", e.Code, "err", e.Err)
	}
	return ErrorReply(door, e, lang)
}

// Respond writes the reply of a handler outcome in the door's envelope and
// returns its code. An answer that fails before its first byte is answered
// as an error; a streamed one that fails later is logged and its connection
// aborted (Respond panics with http.ErrAbortHandler, which net/http handles
// silently; the caller's metrics are skipped for that request).
func (s *Server) Respond(ctx context.Context, w http.ResponseWriter, door Door, lang cmdb.Lang, op string, data any, err error, esbRID string) int {
	reply := s.ReplyFor(ctx, door, lang, op, data, err)
	reply.ESBRequestID = esbRID
	werr := WriteReply(w, reply)
	var ns *notStartedError
	if errors.As(werr, &ns) {
		reply = s.ReplyFor(ctx, door, lang, op, nil, ns.err)
		reply.ESBRequestID = esbRID
		werr = WriteReply(w, reply)
	}
	if werr != nil {
		s.log.WarnContext(ctx, "writing reply", "op", op, "err", werr)
		var broken *brokenError
		if errors.As(werr, &broken) {
			// The status and part of a streamed answer are out: abort the
			// connection (no final chunk), so that the client sees a failed
			// transfer instead of a short body that ends like a whole one.
			panic(http.ErrAbortHandler)
		}
	}
	return reply.Code
}

// Observe records one finished request in the metrics.
func (s *Server) Observe(door Door, op string, code int, start time.Time) {
	s.metrics.observe(door, op, code, start)
}

// ReadBody reads a request body up to MaxBodyBytes.
func ReadBody(r *http.Request) ([]byte, *cmdb.Error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, cmdb.Errorf(cmdb.CodeHTTPReadBodyFailed)
	}
	if len(b) > MaxBodyBytes {
		return nil, cmdb.ErrText(cmdb.CodeHTTPReadBodyFailed,
			fmt.Sprintf("request body is larger than %d bytes", MaxBodyBytes))
	}
	return b, nil
}

// serveAPI is the /api/v3 surface: the trusted door for addresses in
// --trusted-proxy that send no gateway credentials, the gateway door for
// everyone else.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rid := RequestID(r)
	w.Header().Set("X-Request-Id", rid)
	path := r.URL.Path
	door := DoorGateway
	if r.Header.Get("X-Bkapi-Authorization") == "" && s.trusted(r) && strings.HasPrefix(path, "/api/v3/") {
		door = DoorNative
	}
	if door == DoorGateway {
		w.Header().Set("X-Bkapi-Request-Id", rid)
		if rest, ok := strings.CutPrefix(path, "/api/bk-cmdb/"); ok {
			if _, after, ok := strings.Cut(rest, "/"); ok {
				path = "/" + after
			}
		}
	}
	ctx := r.Context()
	rt, params, methodOK := s.routes.match(r.Method, path)
	if rt == nil || !strings.HasPrefix(path, "/api/v3/") {
		s.notFound(w, door, methodOK && rt == nil && strings.HasPrefix(path, "/api/v3/"))
		s.Observe(door, "unknown", 404, start)
		return
	}
	lang := cmdb.LangZH
	if v := LanguageHeader(r); v != "" {
		lang = cmdb.ParseLang(v)
	}
	var caller service.Caller
	if door == DoorGateway {
		c, ok := s.gatewayAuth(w, r)
		if !ok {
			s.Observe(door, rt.name, 1640001, start)
			return
		}
		caller = c
	} else {
		c, e := nativeCaller(r)
		if e != nil {
			WriteReply(w, Reply{Door: door, Status: http.StatusInternalServerError, Code: e.Code, Msg: e.Message(lang)})
			s.Observe(door, rt.name, e.Code, start)
			return
		}
		caller = c
	}
	caller.Lang = lang
	var data any
	var err error
	if caller.User == "" {
		err = cmdb.ErrText(cmdb.CodeUnknownOrUnrecognizedError, "user is not set")
	} else if body, berr := ReadBody(r); berr != nil {
		err = berr
	} else {
		data, err = s.call(ctx, rt, &Request{Ctx: ctx, Caller: caller, Path: params, Body: body, Door: door})
	}
	code := s.Respond(ctx, w, door, lang, rt.name, data, err, "")
	s.Observe(door, rt.name, code, start)
	s.log.DebugContext(ctx, "request", "rid", rid, "door", door.String(), "method", r.Method, "path", r.URL.Path,
		"op", rt.name, "code", code, "duration", time.Since(start))
}

func (s *Server) notFound(w http.ResponseWriter, door Door, wrongMethod bool) {
	switch door {
	case DoorNative:
		if wrongMethod {
			WriteReply(w, Reply{Door: door, Status: http.StatusMethodNotAllowed, Code: cmdb.CodeUnknownOrUnrecognizedError, Msg: "405: Method Not Allowed"})
			return
		}
		WriteReply(w, Reply{Door: door, Status: http.StatusNotFound, Code: cmdb.CodeUnknownOrUnrecognizedError, Msg: "404: Page Not Found"})
	default:
		writeGatewayError(w, http.StatusNotFound, 1640401, "API_NOT_FOUND", "API not found")
	}
}

func (s *Server) trusted(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// nativeCaller reads bk-cmdb's own headers (trusted door only): the supplier
// is checked before the user, both missing → HTTP 500 1199027.
func nativeCaller(r *http.Request) (service.Caller, *cmdb.Error) {
	h := r.Header
	supplier := firstHeader(h, "X-Bkcmdb-Supplier-Account", "X-Bkapi-Supplier-Account", "HTTP_BK_SUPPLIER_ACCOUNT", "HTTP_BLUEKING_SUPPLIER_ID")
	if supplier == "" {
		return service.Caller{}, cmdb.Errorf(cmdb.CodeNotAuthItem, "owner_id")
	}
	user := firstHeader(h, "X-Bkcmdb-User", "BK_User")
	if user == "" {
		return service.Caller{}, cmdb.Errorf(cmdb.CodeNotAuthItem, "user")
	}
	return service.Caller{Supplier: supplier, User: user}, nil
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// LanguageHeader is the request's language: Blueking-Language,
// X-Bkcmdb-Language or HTTP_BLUEKING_LANGUAGE, first non-empty.
func LanguageHeader(r *http.Request) string {
	return firstHeader(r.Header, "X-Bkcmdb-Language", "Blueking-Language", "HTTP_BLUEKING_LANGUAGE")
}

// decodeJSON decodes a body with UseNumber; an empty body is {}.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after JSON value")
	}
	var extra any
	if err := d.Decode(&extra); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}
