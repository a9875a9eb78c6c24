package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Instances live in three tables (migrations 0001 and 0002):
//
//	instances(supplier, obj_id, inst_id, data)       the JSON document
//	inst_values(supplier, obj_id, inst_id, field, kind, num, str)
//	                                                  the value index
//	inst_unique(supplier, obj_id, rule_id, key_hash, inst_id)
//	                                                  unique-rule keys
//
// every write keeps the three in step inside the caller's transaction. A
// query is rendered from a cmdb.IndexFilter into one set expression of
// inst_ids (index lookups combined with INTERSECT / UNION), so that the work
// follows the size of the answer: e.g. an equality on a user attribute is
//
//	SELECT supplier, inst_id, data FROM instances
//	 WHERE supplier IN (?) AND obj_id = ? AND inst_id IN (
//	   SELECT inst_id FROM inst_values WHERE supplier IN (?) AND obj_id = ?
//	      AND field = ? AND kind = ? AND str IN (?))
//	 ORDER BY inst_id LIMIT ? OFFSET ?
//
// which SQLite answers with a seek in inst_values_str and primary-key seeks
// in instances. Every value is a bound parameter; field names too.

// maxInList bounds the values of one SQL IN list (SQLite caps bound
// variables); longer lists are split into a UNION.
const maxInList = 400

func (t *Tx) CountInstances(supplier, objID string) (int64, error) {
	var n int64
	var err error
	if supplier == "" {
		err = t.queryRow(`SELECT count(*) FROM instances WHERE obj_id = ?`, objID).Scan(&n)
	} else {
		err = t.queryRow(`SELECT count(*) FROM instances WHERE supplier = ? AND obj_id = ?`, supplier, objID).Scan(&n)
	}
	return n, err
}

func (t *Tx) InsertInstance(supplier, objID string, id int64, data cmdb.Instance) error {
	return t.PutInstance(&cmdb.InstanceWrite{Supplier: supplier, ObjID: objID, ID: id, Data: data,
		Index: cmdb.IndexInstance(objID, data, cmdb.InstanceTimeFields)})
}

func (t *Tx) UnsetInstanceField(supplier, objID, field string) error {
	expr, arg := t.d.UnsetField(field)
	if _, err := t.exec(`UPDATE instances SET data = `+expr+` WHERE supplier = ? AND obj_id = ?`,
		arg, supplier, objID); err != nil {
		return err
	}
	// Every index row has str or num set; each delete uses its partial index.
	for _, col := range []string{"str", "num"} {
		if _, err := t.exec(`DELETE FROM inst_values WHERE supplier = ? AND obj_id = ? AND field = ? AND `+col+` IS NOT NULL`,
			supplier, objID, field); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) ExistingEnds(scope cmdb.Scope, srcObj string, srcIDs []int64, dstObj string, dstIDs []int64) (map[int64]bool, map[int64]bool, error) {
	if len(srcIDs) > 500 || len(dstIDs) > 500 {
		src, err := t.ExistingInstances(scope, srcObj, srcIDs)
		if err != nil {
			return nil, nil, err
		}
		dst, err := t.ExistingInstances(scope, dstObj, dstIDs)
		return src, dst, err
	}
	where, args := scopeSQL("supplier", scope)
	srcIn, srcArgs := t.d.inList(srcIDs)
	dstIn, dstArgs := t.d.inList(dstIDs)
	args = append(append(args, srcObj), srcArgs...)
	where2, args2 := scopeSQL("supplier", scope)
	args = append(append(append(args, args2...), dstObj), dstArgs...)
	rows, err := t.query(`SELECT 0, inst_id FROM instances WHERE `+where+` AND obj_id = ? AND inst_id `+srcIn+
		` UNION ALL SELECT 1, inst_id FROM instances WHERE `+where2+` AND obj_id = ? AND inst_id `+dstIn, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	src, dst := map[int64]bool{}, map[int64]bool{}
	for rows.Next() {
		var end, id int64
		if err := rows.Scan(&end, &id); err != nil {
			return nil, nil, err
		}
		if end == 0 {
			src[id] = true
		} else {
			dst[id] = true
		}
	}
	return src, dst, rows.Err()
}

func (t *Tx) ExistingInstances(scope cmdb.Scope, objID string, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		args = append(append(args, objID), inArgs...)
		if err := t.collectIDs(out, `SELECT inst_id FROM instances WHERE `+where+
			` AND obj_id = ? AND inst_id `+in, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *Tx) PutInstance(w *cmdb.InstanceWrite) error {
	if t.readOnly {
		return errors.New("store: PutInstance in a read transaction")
	}
	// Unique keys first, so that a conflict writes nothing. Each key is
	// claimed with INSERT … ON CONFLICT DO NOTHING rather than looked up
	// first: on PostgreSQL a lookup takes a predicate lock on the index
	// page, where every concurrent create of the same model inserts its
	// key, so that concurrent creates failed each other with serialisation
	// failures (~one in five of 800 across 8 writers; the claim: none). A
	// key that a transaction committed after this one's snapshot fails the
	// claim with a serialisation failure, which the store retries; a key
	// taken before is skipped, and then looked up for its holder.
	var claimed []cmdb.UniqueKey
	for _, k := range w.Unique {
		res, err := t.exec(`INSERT INTO inst_unique (supplier, obj_id, rule_id, key_hash, inst_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (supplier, obj_id, rule_id, key_hash) DO NOTHING`, w.Supplier, w.ObjID, k.RuleID, k.Hash, w.ID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			claimed = append(claimed, k)
			continue
		}
		var holder int64
		if err := t.queryRow(`SELECT inst_id FROM inst_unique WHERE supplier = ? AND obj_id = ? AND rule_id = ? AND key_hash = ?`,
			w.Supplier, w.ObjID, k.RuleID, k.Hash).Scan(&holder); err != nil {
			return err
		}
		if holder == w.ID {
			continue // a replace keeping its key
		}
		for _, c := range claimed {
			if _, err := t.exec(`DELETE FROM inst_unique WHERE supplier = ? AND obj_id = ? AND rule_id = ? AND key_hash = ?`,
				w.Supplier, w.ObjID, c.RuleID, c.Hash); err != nil {
				return err
			}
		}
		return &cmdb.UniqueConflictError{RuleID: k.RuleID, Holder: holder}
	}
	b, err := json.Marshal(w.Data)
	if err != nil {
		return err
	}
	if w.Replace {
		res, err := t.exec(`UPDATE instances SET data = ? WHERE supplier = ? AND obj_id = ? AND inst_id = ?`,
			string(b), w.Supplier, w.ObjID, w.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("store: PutInstance replace of %s/%d matched %d rows (%v)", w.ObjID, w.ID, n, err)
		}
		if _, err := t.exec(`DELETE FROM inst_values WHERE supplier = ? AND obj_id = ? AND inst_id = ?`,
			w.Supplier, w.ObjID, w.ID); err != nil {
			return err
		}
		// The keys the previous version held and this one does not.
		q := `DELETE FROM inst_unique WHERE supplier = ? AND obj_id = ? AND inst_id = ?`
		args := []any{w.Supplier, w.ObjID, w.ID}
		if len(w.Unique) > 0 {
			keep := make([]string, len(w.Unique))
			for i, k := range w.Unique {
				keep[i] = `(rule_id = ? AND key_hash = ?)`
				args = append(args, k.RuleID, k.Hash)
			}
			q += ` AND NOT (` + strings.Join(keep, ` OR `) + `)`
		}
		if _, err := t.exec(q, args...); err != nil {
			return err
		}
	} else if _, err := t.exec(`INSERT INTO instances (supplier, obj_id, inst_id, data) VALUES (?, ?, ?, ?)`,
		w.Supplier, w.ObjID, w.ID, string(b)); err != nil {
		return err
	} else {
		t.instRows++
	}
	for start := 0; start < len(w.Index); start += 100 {
		part := w.Index[start:min(start+100, len(w.Index))]
		var q strings.Builder
		q.WriteString(`INSERT INTO inst_values (supplier, obj_id, inst_id, field, kind, num, str) VALUES `)
		args := make([]any, 0, len(part)*7)
		for i, v := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?,?)")
			var num, str any
			if v.Kind == cmdb.KindString {
				str = v.Str
			} else {
				num = v.Num
			}
			args = append(args, w.Supplier, w.ObjID, w.ID, v.Field, int(v.Kind), num, str)
		}
		if _, err := t.exec(q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// dropDerived deletes the index rows and unique keys of instances.
func (t *Tx) dropDerived(supplier, objID string, ids []int64) error {
	for _, chunk := range chunks(ids, 500) {
		in, inArgs := t.d.inList(chunk)
		args := append([]any{supplier, objID}, inArgs...)
		if _, err := t.exec(`DELETE FROM inst_values WHERE supplier = ? AND obj_id = ? AND inst_id `+in, args...); err != nil {
			return err
		}
		if _, err := t.exec(`DELETE FROM inst_unique WHERE supplier = ? AND obj_id = ? AND inst_id `+in, args...); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) GetInstances(scope cmdb.Scope, objID string, ids []int64) ([]cmdb.StoredInstance, error) {
	var out []cmdb.StoredInstance
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		args = append(append(args, objID), inArgs...)
		err := t.scanInstances(`SELECT supplier, inst_id, data FROM instances WHERE `+where+
			` AND obj_id = ? AND inst_id `+in+` ORDER BY inst_id`, args,
			func(si cmdb.StoredInstance) (bool, error) {
				out = append(out, si)
				return true, nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *Tx) DeleteInstances(scope cmdb.Scope, objID string, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, errors.New("store: DeleteInstances with no ids")
	}
	var n int64
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		args = append(append(args, objID), inArgs...)
		rows, err := t.query(`DELETE FROM instances WHERE `+where+
			` AND obj_id = ? AND inst_id `+in+` RETURNING supplier, inst_id`, args...)
		if err != nil {
			return 0, t.d.mapErr(err)
		}
		bySupplier := map[string][]int64{}
		for rows.Next() {
			var sup string
			var id int64
			if err := rows.Scan(&sup, &id); err != nil {
				rows.Close()
				return 0, err
			}
			bySupplier[sup] = append(bySupplier[sup], id)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		for sup, gone := range bySupplier {
			if err := t.dropDerived(sup, objID, gone); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (t *Tx) QueryInstances(q *cmdb.InstanceQuery, fn func(cmdb.StoredInstance) (bool, error)) error {
	where, args, err := InstanceWhere(q)
	if err != nil {
		return err
	}
	query := `SELECT supplier, inst_id, data FROM instances WHERE ` + where + ` ORDER BY inst_id`
	if q.Desc {
		query += ` DESC`
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = noLimit
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, max(q.Offset, 0))
	}
	return t.scanInstances(query, args, fn)
}

func (t *Tx) CountInstanceQuery(q *cmdb.InstanceQuery) (int64, error) {
	where, args, err := InstanceWhere(q)
	if err != nil {
		return 0, err
	}
	var n int64
	err = t.queryRow(`SELECT count(*) FROM instances WHERE `+where, args...).Scan(&n)
	return n, err
}

func (t *Tx) scanInstances(query string, args []any, fn func(cmdb.StoredInstance) (bool, error)) error {
	rows, err := t.query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var si cmdb.StoredInstance
		var data []byte
		if err := rows.Scan(&si.Supplier, &si.ID, &data); err != nil {
			return err
		}
		if err := unmarshalDoc(data, &si.Data); err != nil {
			return fmt.Errorf("store: instance %d: %w", si.ID, err)
		}
		more, err := fn(si)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	return rows.Err()
}

// InstanceWhere is the WHERE clause of a query on the instances table.
func InstanceWhere(q *cmdb.InstanceQuery) (string, []any, error) {
	where, args := scopeSQL("supplier", q.Scope)
	where += ` AND obj_id = ?`
	args = append(args, q.ObjID)
	if q.Filter == nil {
		return where, args, nil
	}
	r := &filterRenderer{scope: q.Scope, objID: q.ObjID}
	set, err := r.set(q.Filter)
	if err != nil {
		return "", nil, err
	}
	return where + ` AND inst_id IN (` + set + `)`, append(args, r.args...), nil
}

// filterRenderer renders an IndexFilter as a SELECT of inst_ids.
type filterRenderer struct {
	scope cmdb.Scope
	objID string
	args  []any
	n     int
}

// alias names a derived table (PostgreSQL requires one).
func (r *filterRenderer) alias() string {
	r.n++
	return "s" + strconv.Itoa(r.n)
}

func (r *filterRenderer) prefix(table string) string {
	where, args := scopeSQL("supplier", r.scope)
	r.args = append(r.args, args...)
	r.args = append(r.args, r.objID)
	return `SELECT inst_id FROM ` + table + ` WHERE ` + where + ` AND obj_id = ?`
}

func (r *filterRenderer) set(f *cmdb.IndexFilter) (string, error) {
	switch f.Op {
	case cmdb.IdxNone:
		return `SELECT inst_id FROM instances WHERE 1 = 0`, nil
	case cmdb.IdxAnd, cmdb.IdxOr:
		if len(f.Items) == 0 {
			return "", fmt.Errorf("store: empty index filter node %d", f.Op)
		}
		if len(f.Items) == 1 {
			return r.set(f.Items[0])
		}
		sep := ` INTERSECT `
		if f.Op == cmdb.IdxOr {
			sep = ` UNION `
		}
		parts := make([]string, len(f.Items))
		for i, it := range f.Items {
			s, err := r.set(it)
			if err != nil {
				return "", err
			}
			parts[i] = `SELECT inst_id FROM (` + s + `) AS ` + r.alias()
		}
		return strings.Join(parts, sep), nil
	case cmdb.IdxID:
		return r.leaf(`instances`, `inst_id`, f)
	case cmdb.IdxValue:
		col := `num`
		if f.Kind == cmdb.KindString {
			col = `str`
		}
		return r.leaf(`inst_values`, col, f)
	}
	return "", fmt.Errorf("store: unknown index filter node %d", f.Op)
}

// leaf renders one lookup: equality with one of f.In, or the range.
func (r *filterRenderer) leaf(table, col string, f *cmdb.IndexFilter) (string, error) {
	if len(f.In) > maxInList {
		parts := []string{}
		for start := 0; start < len(f.In); start += maxInList {
			part := *f
			part.In = f.In[start:min(start+maxInList, len(f.In))]
			s, err := r.leaf(table, col, &part)
			if err != nil {
				return "", err
			}
			parts = append(parts, `SELECT inst_id FROM (`+s+`) AS `+r.alias())
		}
		return strings.Join(parts, ` UNION `), nil
	}
	q := r.prefix(table)
	if table == `inst_values` {
		q += ` AND field = ? AND kind = ?`
		r.args = append(r.args, f.Field, int(f.Kind))
	}
	if len(f.In) > 0 {
		q += ` AND ` + col + ` IN (` + placeholders(len(f.In)) + `)`
		r.args = append(r.args, f.In...)
		return q, nil
	}
	if f.Lo == nil && f.Hi == nil {
		return q + ` AND ` + col + ` IS NOT NULL`, nil
	}
	if f.Lo != nil {
		op := ` > ?`
		if f.LoIncl {
			op = ` >= ?`
		}
		q += ` AND ` + col + op
		r.args = append(r.args, f.Lo)
	}
	if f.Hi != nil {
		op := ` < ?`
		if f.HiIncl {
			op = ` <= ?`
		}
		q += ` AND ` + col + op
		r.args = append(r.args, f.Hi)
	}
	return q, nil
}
