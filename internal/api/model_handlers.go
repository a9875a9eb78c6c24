package api

import (
	"context"
	"strconv"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
)

// bodyMap decodes a JSON object body; anything else is decodeErr.
func bodyMap(req *Request, decodeErr *cmdb.Error) (service.Body, error) {
	var m map[string]any
	if err := decodeJSON(req.Body, &m); err != nil {
		return nil, decodeErr
	}
	if m == nil {
		m = map[string]any{}
	}
	return service.Body(m), nil
}

// pathID parses an integer path variable; onErr decides the error, which
// differs per endpoint (errors.md §4).
func pathID(req *Request, name string, onErr func(error) *cmdb.Error) (int64, error) {
	v, err := strconv.ParseInt(req.Path[name], 10, 64)
	if err != nil {
		return 0, onErr(err)
	}
	return v, nil
}

// goErrText answers a path parse failure with the Go error text (1199998).
func goErrText(err error) *cmdb.Error {
	return cmdb.ErrText(cmdb.CodeUnknownOrUnrecognizedError, err.Error())
}

func (s *Server) createAttribute(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	var bizID int64
	if raw, ok := req.Path["bk_biz_id"]; ok {
		v, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil || v == 0 {
			return nil, cmdb.ErrParamsInvalid("bk_biz_id")
		}
		bizID = v
	}
	return s.svc.CreateAttribute(req.Ctx, req.Caller, b, bizID)
}

func (s *Server) mainlineTopo(req *Request) (any, error) {
	return s.svc.MainlineTopo(req.Ctx, req.Caller)
}

// The model layer's handlers are the service calls themselves, adapted:
// decode the body (1199000 when it is not a JSON object), parse the path id
// with the endpoint's own error, call the service once.

// bodyCall adapts a service call that takes the body.
func bodyCall[T any](fn func(context.Context, service.Caller, service.Body) (T, error)) HandlerFunc {
	return func(req *Request) (any, error) {
		b, err := bodyMap(req, cmdb.ErrDecode())
		if err != nil {
			return nil, err
		}
		return fn(req.Ctx, req.Caller, b)
	}
}

// idBodyCall adapts an update: path id, then body; answers data null.
func idBodyCall(onErr func(error) *cmdb.Error, fn func(context.Context, service.Caller, int64, service.Body) error) HandlerFunc {
	return func(req *Request) (any, error) {
		id, err := pathID(req, "id", onErr)
		if err != nil {
			return nil, err
		}
		b, err := bodyMap(req, cmdb.ErrDecode())
		if err != nil {
			return nil, err
		}
		return nil, fn(req.Ctx, req.Caller, id, b)
	}
}

// idCall adapts a delete: path id only; answers data null.
func idCall(onErr func(error) *cmdb.Error, fn func(context.Context, service.Caller, int64) error) HandlerFunc {
	return func(req *Request) (any, error) {
		id, err := pathID(req, "id", onErr)
		if err != nil {
			return nil, err
		}
		return nil, fn(req.Ctx, req.Caller, id)
	}
}

// notIntID is update_object's path error; notIntParam delete_object's.
func notIntID(error) *cmdb.Error    { return cmdb.Errorf(cmdb.CodeParamsNeedInt, "id") }
func notIntParam(error) *cmdb.Error { return cmdb.ErrParamsInvalid("id") }
