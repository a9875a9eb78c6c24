// Package service holds cmdb's rules: every check, default and cascade of
// the bk-cmdb API, written once over the cmdb.Store transactions so that each
// call is atomic on every store.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Caller is who a request acts for: the supplier account (from a header, the
// ESB body or the gateway default), the user, and the message language.
type Caller struct {
	Supplier string
	User     string
	Lang     cmdb.Lang
}

// Service runs the rules over a store.
type Service struct {
	store cmdb.Store
	log   *slog.Logger
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// asstTurns queues this node's creates of one model association (see
	// asstTurn).
	asstTurns keyedMutex
}

// New returns a service over store.
func New(store cmdb.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, log: log, Now: time.Now}
}

// Store returns the underlying store.
func (s *Service) Store() cmdb.Store { return s.store }

func (s *Service) now() *cmdb.Time {
	return &cmdb.Time{Time: s.Now().Truncate(time.Second)}
}

// view and update run fn in a transaction and turn any non-domain error into
// an internal one (logged with its cause by the API layer).
func (s *Service) view(ctx context.Context, fn func(cmdb.Tx) error) error {
	return domainErr(s.store.View(ctx, fn))
}

func (s *Service) update(ctx context.Context, fn func(cmdb.Tx) error) error {
	return domainErr(s.store.Update(ctx, fn))
}

func domainErr(err error) error {
	if err == nil {
		return nil
	}
	var e *cmdb.Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, cmdb.ErrUnavailable) {
		return &cmdb.Error{Code: cmdb.CodeUnknownOrUnrecognizedError, Err: err, HasText: true,
			Text: "database unavailable, please try again later"}
	}
	return cmdb.Internal(err)
}

// visible reports whether a record of supplier rec is seen by caller
// supplier c: "0" sees "0"; "superadmin" sees all; any other X sees "0" and X
// (envelope-and-auth.md §4).
func visible(rec, c string) bool {
	switch c {
	case "superadmin":
		return true
	case cmdb.DefaultSupplier, "":
		return rec == cmdb.DefaultSupplier
	}
	return rec == cmdb.DefaultSupplier || rec == c
}

// toDoc turns a record into the JSON document a condition is matched
// against, with numbers as json.Number.
func toDoc(v any) map[string]any {
	b, _ := json.Marshal(v)
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var m map[string]any
	_ = d.Decode(&m)
	return m
}

// Body is a request body decoded with UseNumber: the JSON edge, where key
// presence and JSON types decide bk-cmdb's error codes.
type Body map[string]any

// Str reads a string field: present says the key exists, ok that its value
// is a JSON string.
func (b Body) Str(key string) (v string, present, ok bool) {
	raw, present := b[key]
	if !present {
		return "", false, false
	}
	v, ok = raw.(string)
	return v, true, ok
}

// Int reads an integral JSON number.
func (b Body) Int(key string) (v int64, present, ok bool) {
	raw, present := b[key]
	if !present {
		return 0, false, false
	}
	v, ok = asInt(raw)
	return v, true, ok
}

// Bool reads a JSON bool.
func (b Body) Bool(key string) (v bool, present, ok bool) {
	raw, present := b[key]
	if !present {
		return false, false, false
	}
	v, ok = raw.(bool)
	return v, true, ok
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err == nil {
			return i, true
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err == nil && f == float64(int64(f)) {
			return int64(f), true
		}
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

var idPattern = regexp.MustCompile(`^[a-zA-Z]\w*$`)

// checkIDField is the topo layer's check of an id-like string field that is
// present: non-string → 1199007 (bare name), empty → 1199010, longer than
// 128 runes → 1199073, pattern → 1199011.
func checkIDField(b Body, key string, pattern bool) *cmdb.Error {
	v, present, ok := b.Str(key)
	if !present {
		return nil
	}
	if !ok {
		return cmdb.ErrText(cmdb.CodeParamsNeedString, key)
	}
	if v == "" {
		return cmdb.ErrUnassigned(key)
	}
	if utf8.RuneCountInString(v) > 128 {
		return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, key, 128)
	}
	if pattern && !idPattern.MatchString(v) {
		return cmdb.ErrInvalid(key)
	}
	return nil
}

func hasBKPrefix(s string) bool {
	return len(s) >= 2 && strings.EqualFold(s[:2], "bk")
}
