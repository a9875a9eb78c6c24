package api

import (
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

func (s *Server) searchClassifications(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchClassifications(req.Ctx, req.Caller, b)
}

func (s *Server) createClassification(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.CreateClassification(req.Ctx, req.Caller, b)
}

func (s *Server) updateClassification(req *Request) (any, error) {
	id, err := pathID(req, "id", goErrText)
	if err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateClassification(req.Ctx, req.Caller, id, b)
}

func (s *Server) deleteClassification(req *Request) (any, error) {
	id, err := pathID(req, "id", goErrText)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteClassification(req.Ctx, req.Caller, id)
}

func (s *Server) searchObjects(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchObjects(req.Ctx, req.Caller, b)
}

func (s *Server) createObject(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.CreateObject(req.Ctx, req.Caller, b)
}

func (s *Server) updateObject(req *Request) (any, error) {
	id, err := pathID(req, "id", func(error) *cmdb.Error { return cmdb.Errorf(cmdb.CodeParamsNeedInt, "id") })
	if err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateObject(req.Ctx, req.Caller, id, b)
}

func (s *Server) deleteObject(req *Request) (any, error) {
	id, err := pathID(req, "id", func(error) *cmdb.Error { return cmdb.ErrParamsInvalid("id") })
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteObject(req.Ctx, req.Caller, id)
}

func (s *Server) searchAttributes(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchAttributes(req.Ctx, req.Caller, b)
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

func (s *Server) updateAttribute(req *Request) (any, error) {
	id, err := pathID(req, "id", goErrText)
	if err != nil {
		return nil, err
	}
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return nil, s.svc.UpdateAttribute(req.Ctx, req.Caller, id, b)
}

func (s *Server) deleteAttribute(req *Request) (any, error) {
	id, err := pathID(req, "id", goErrText)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.DeleteAttribute(req.Ctx, req.Caller, id)
}

func (s *Server) searchObjectTopo(req *Request) (any, error) {
	b, err := bodyMap(req, cmdb.ErrDecode())
	if err != nil {
		return nil, err
	}
	return s.svc.SearchObjectTopo(req.Ctx, req.Caller, b)
}

func (s *Server) mainlineTopo(req *Request) (any, error) {
	return s.svc.MainlineTopo(req.Ctx, req.Caller)
}
