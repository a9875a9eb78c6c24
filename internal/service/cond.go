package service

import (
	"errors"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// matcher is a parsed condition evaluated in memory: used for the small
// model-layer tables, which are read whole.
type matcher struct{ e cond.Expr }

func (m matcher) match(doc map[string]any) bool {
	if m.e == nil {
		return true
	}
	return cond.Match(m.e, doc)
}

// parseMongo parses a Mongo-style condition (languages A and B); nil or {}
// matches everything.
func parseMongo(v any) (matcher, error) {
	if v == nil {
		return matcher{}, nil
	}
	e, err := cond.ParseMongo(v, cond.DefaultLimits())
	if err != nil {
		return matcher{}, err
	}
	return matcher{e: e}, nil
}

func isConflict(err error) bool { return errors.Is(err, cmdb.ErrConflict) }
