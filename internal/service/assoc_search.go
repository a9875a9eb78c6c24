package service

import (
	"context"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// InstAsstStream is find_instance_association's answer: the rows are read
// from the store and encoded one at a time as the response is written, so
// memory does not grow with the answer. Stream writes nothing before the
// first row is read (or the empty answer is known), so an error before then
// can still become an error envelope. With an AnswerCache, an answer whose
// rows have not changed since it was stored is written from the cache.
type InstAsstStream struct {
	s     *Service
	ctx   context.Context
	query cmdb.InstAsstQuery
	cache *AnswerCache
	key   string // answerKey of query, with cache
}

// streamFlushBytes is how much encoded JSON is buffered before a write.
const streamFlushBytes = 32 << 10

// StreamTimeout bounds the read transaction of a streamed answer. The store
// bounds every transaction without a deadline of its own by its short query
// timeout (a minute on SQLite); a streamed answer's transaction lasts as long
// as the client takes to read it (a million rows are ~190 MB), so it gets a
// deadline of its own. A client that goes away cancels it at once.
const StreamTimeout = 30 * time.Minute

// Stream writes the JSON array of rows to w. With a cache, the version of
// the model's rows is read first, in the snapshot the rows would be read
// from: an entry of that version is written once the transaction is over;
// otherwise the rows are streamed and, the stream complete, recorded under
// that version (see AnswerCache.lookup).
func (st *InstAsstStream) Stream(w io.Writer) error {
	ctx, cancel := context.WithTimeout(st.ctx, StreamTimeout)
	defer cancel()
	if st.cache != nil {
		if p, ok := st.s.store.(cmdb.VersionPeeker); ok {
			// A hit needs no transaction: the store tells the current
			// version, which counts every acknowledged write.
			// A failure to peek is left to the transaction below, which
			// retries and reports it.
			v, err := p.PeekInstAsstVersion(ctx, st.query.Scope, st.query.ObjID)
			if err == nil {
				if e := st.cache.peek(st.key, v); e != nil {
					// An entry whose file is gone was dropped: the
					// transaction below answers.
					if hit, err := st.cache.open(e); err == nil {
						defer hit.close()
						return hit.writeTo(w)
					}
				}
			}
		}
	}
	var hit answerHit
	var capt *capture
	err := st.s.view(ctx, func(tx cmdb.Tx) error {
		// An attempt the store runs again starts over.
		if hit.e != nil {
			hit.close()
			hit = answerHit{}
		}
		capt.drop()
		capt = nil
		if st.cache != nil {
			v, err := tx.InstAsstVersion(st.query.Scope, st.query.ObjID)
			if err != nil {
				return err
			}
			var e *cacheEntry
			if e, capt = st.cache.lookup(st.key, v); e != nil {
				if hit, err = st.cache.open(e); err == nil {
					return nil
				}
				// Its file is gone (the entry was dropped): from the
				// store, without a capture.
				return st.streamRows(tx, w, nil)
			}
			if tw, ok := w.(tailWriter); ok {
				capt.tail = tw.EnvelopeTail()
			}
		}
		return st.streamRows(tx, w, capt)
	})
	if hit.e != nil {
		defer hit.close()
	}
	if err != nil {
		capt.drop()
		return err
	}
	if hit.e != nil {
		return hit.writeTo(w)
	}
	capt.finish()
	return nil
}

// streamRows encodes the query's rows to w (and to capt).
func (st *InstAsstStream) streamRows(tx cmdb.Tx, w io.Writer, capt *capture) error {
	buf := make([]byte, 0, streamFlushBytes+1024)
	n := 0
	err := tx.EachInstAsst(st.query, func(a *cmdb.InstAssociation) error {
		if n == 0 {
			buf = append(buf, '[')
		} else {
			buf = append(buf, ',')
		}
		n++
		buf = AppendInstAsst(buf, a)
		if len(buf) >= streamFlushBytes {
			capt.write(buf)
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		buf = append(buf, '[')
	}
	buf = append(buf, ']')
	capt.write(buf)
	_, err = w.Write(buf)
	return err
}

// AppendInstAsst appends one row's JSON: bk-cmdb's key order, zero fields
// omitted (associations.md §0.3).
func AppendInstAsst(b []byte, a *cmdb.InstAssociation) []byte {
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"', ':')
	}
	num := func(k string, v int64) {
		if v != 0 {
			key(k)
			b = strconv.AppendInt(b, v, 10)
		}
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = appendJSONString(b, v)
		}
	}
	num("id", a.ID)
	num("bk_inst_id", a.InstID)
	str("bk_obj_id", a.ObjID)
	num("bk_asst_inst_id", a.AsstInstID)
	str("bk_asst_obj_id", a.AsstObjID)
	str("bk_supplier_account", a.Supplier)
	str("bk_obj_asst_id", a.ObjAsstID)
	str("bk_asst_id", a.AsstID)
	num("bk_biz_id", a.BizID)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it without HTML escaping (api.Encode), so that a streamed row is
// byte for byte the row every other endpoint answers: \b \f \n \r \t as
// short escapes, other control characters as \u00XX, U+2028 and U+2029
// escaped, and each byte of invalid UTF-8 as \ufffd (the output is always
// valid JSON).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// FindInstAssts answers find_instance_association: rows where objID is the
// source or the target, filtered by the parsed condition (bk_supplier_account
// in it is replaced by the caller's scope), ascending id, unpaged.
func (s *Service) FindInstAssts(ctx context.Context, c Caller, objID string, condition map[string]any) (*InstAsstStream, error) {
	return s.FindInstAsstsCached(ctx, c, objID, condition, nil)
}

// FindInstAsstsCached is FindInstAssts answered through cache (nil: none).
func (s *Service) FindInstAsstsCached(ctx context.Context, c Caller, objID string, condition map[string]any,
	cache *AnswerCache) (*InstAsstStream, error) {
	if objID == "" {
		return nil, cmdb.ErrUnassigned("bk_obj_id")
	}
	var where cmdb.Condition
	if len(condition) > 0 {
		delete(condition, "bk_supplier_account")
		e, err := cond.ParseMongo(condition, cond.DefaultLimits())
		if err != nil {
			return nil, err
		}
		where = e
	}
	st := &InstAsstStream{s: s, ctx: ctx, query: cmdb.InstAsstQuery{
		Scope: cmdb.ScopeOf(c.Supplier), ObjID: objID, Where: where,
	}}
	if cache != nil {
		if key, ok := answerKey(&st.query); ok {
			st.cache, st.key = cache, key
		}
	}
	return st, nil
}

// project keeps the requested fields of a row (all when fields is empty);
// the zero ones disappear on the wire anyway.
func project(a cmdb.InstAssociation, fields []string) cmdb.InstAssociation {
	if len(fields) == 0 {
		return a
	}
	var out cmdb.InstAssociation
	for _, f := range fields {
		switch f {
		case "id":
			out.ID = a.ID
		case "bk_inst_id":
			out.InstID = a.InstID
		case "bk_obj_id":
			out.ObjID = a.ObjID
		case "bk_asst_inst_id":
			out.AsstInstID = a.AsstInstID
		case "bk_asst_obj_id":
			out.AsstObjID = a.AsstObjID
		case "bk_supplier_account":
			out.Supplier = a.Supplier
		case "bk_obj_asst_id":
			out.ObjAsstID = a.ObjAsstID
		case "bk_asst_id":
			out.AsstID = a.AsstID
		case "bk_biz_id":
			out.BizID = a.BizID
		}
	}
	return out
}

// collect runs q and returns the projected rows.
func (s *Service) collect(ctx context.Context, q cmdb.InstAsstQuery, fields []string) ([]cmdb.InstAssociation, error) {
	out := []cmdb.InstAssociation{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		return tx.EachInstAsst(q, func(a *cmdb.InstAssociation) error {
			out = append(out, project(*a, fields))
			return nil
		})
	})
	return out, err
}

// RelatedQuery is search_related_inst_asso's request.
type RelatedQuery struct {
	ObjID  string
	InstID int64
	Fields []string
	Start  int64
	Limit  int64
}

// MaxRelatedLimit is search_related_inst_asso's largest page.
const MaxRelatedLimit = 500

// SearchRelatedInstAssts answers search_related_inst_asso: rows where the
// instance is the source or the target, ascending id.
func (s *Service) SearchRelatedInstAssts(ctx context.Context, c Caller, q RelatedQuery) ([]cmdb.InstAssociation, error) {
	if q.ObjID == "" || q.InstID == 0 {
		return nil, cmdb.ErrUnassigned("'bk_inst_id' & 'bk_obj_id'")
	}
	if len(q.Fields) == 0 {
		return nil, cmdb.ErrUnassigned("fields")
	}
	if q.Limit > MaxRelatedLimit {
		return nil, cmdb.Errorf(cmdb.CodePageLimitIsExceeded)
	}
	where := cond.Or{
		cond.And{cond.Pred{Field: "bk_obj_id", Op: cond.OpEq, Value: q.ObjID}, cond.Pred{Field: "bk_inst_id", Op: cond.OpEq, Value: q.InstID}},
		cond.And{cond.Pred{Field: "bk_asst_obj_id", Op: cond.OpEq, Value: q.ObjID}, cond.Pred{Field: "bk_asst_inst_id", Op: cond.OpEq, Value: q.InstID}},
	}
	return s.collect(ctx, cmdb.InstAsstQuery{Scope: cmdb.ScopeOf(c.Supplier), Where: where,
		Start: q.Start, Limit: q.Limit}, q.Fields)
}

// AsstSearch is search_instance_associations' and count's request, parsed.
type AsstSearch struct {
	ObjID  string
	Where  cond.Expr
	Fields []string
	Start  int64
	Limit  int64
	Sort   string
}

// SearchInstAssts answers search_instance_associations: rows where the
// model is the source or the target.
func (s *Service) SearchInstAssts(ctx context.Context, c Caller, q AsstSearch) ([]cmdb.InstAssociation, error) {
	return s.collect(ctx, cmdb.InstAsstQuery{Scope: cmdb.ScopeOf(c.Supplier), ObjID: q.ObjID, Where: condOrNil(q.Where),
		Sort: SortKeys(q.Sort), Start: q.Start, Limit: q.Limit}, q.Fields)
}

// CountInstAssts answers count_instance_associations: only rows where the
// model is the source are counted.
func (s *Service) CountInstAssts(ctx context.Context, c Caller, q AsstSearch) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx cmdb.Tx) (err error) {
		n, err = tx.CountInstAsstsWhere(cmdb.InstAsstQuery{Scope: cmdb.ScopeOf(c.Supplier), ObjID: q.ObjID,
			SourceOnly: true, Where: condOrNil(q.Where)})
		return err
	})
	return n, err
}

func condOrNil(e cond.Expr) cmdb.Condition {
	if e == nil {
		return nil
	}
	return e
}

// SortKeys parses bk-cmdb's sort syntax into keys.
func SortKeys(s string) []cmdb.SortKey {
	fields, desc := sortKeys(s)
	out := make([]cmdb.SortKey, len(fields))
	for i := range fields {
		out[i] = cmdb.SortKey{Field: fields[i], Desc: desc[i]}
	}
	return out
}
