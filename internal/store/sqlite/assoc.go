package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

const instAsstCols = `id, inst_id, obj_id, asst_inst_id, asst_obj_id, supplier, obj_asst_id, asst_id, biz_id`

func scanInstAsst(rows *sql.Rows) (cmdb.InstAssociation, error) {
	var a cmdb.InstAssociation
	err := rows.Scan(&a.ID, &a.InstID, &a.ObjID, &a.AsstInstID, &a.AsstObjID, &a.Supplier, &a.ObjAsstID, &a.AsstID, &a.BizID)
	return a, err
}

func (t *tx) queryInstAssts(query string, args ...any) ([]cmdb.InstAssociation, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cmdb.InstAssociation
	for rows.Next() {
		a, err := scanInstAsst(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (t *tx) InstAsstsTouching(scope cmdb.Scope, objID string, ids []int64) ([]cmdb.InstAssociation, error) {
	var out []cmdb.InstAssociation
	seen := map[int64]bool{}
	for _, chunk := range chunks(ids, 400) {
		for _, side := range []string{"obj_id = ? AND inst_id", "asst_obj_id = ? AND asst_inst_id"} {
			where, args := scopeSQL("supplier", scope)
			args = append(append(args, objID), int64Args(chunk)...)
			rows, err := t.queryInstAssts(`SELECT `+instAsstCols+` FROM inst_assts WHERE `+where+
				` AND `+side+` IN (`+placeholders(len(chunk))+`) ORDER BY id`, args...)
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}

func (t *tx) DeleteInstAssts(scope cmdb.Scope, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, errors.New("sqlite: DeleteInstAssts with no ids")
	}
	var n int64
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		args = append(args, int64Args(chunk)...)
		res, err := t.exec(`DELETE FROM inst_assts WHERE `+where+` AND id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return 0, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// instAsstColumns maps the row's document fields to columns for cond.ToSQL.
var instAsstColumns = cond.ColumnSet{
	"id":                  {Expr: "id", Kind: cond.KindInt64},
	"bk_inst_id":          {Expr: "inst_id", Kind: cond.KindInt64},
	"bk_obj_id":           {Expr: "obj_id", Kind: cond.KindString},
	"bk_asst_inst_id":     {Expr: "asst_inst_id", Kind: cond.KindInt64},
	"bk_asst_obj_id":      {Expr: "asst_obj_id", Kind: cond.KindString},
	"bk_supplier_account": {Expr: "supplier", Kind: cond.KindString},
	"bk_obj_asst_id":      {Expr: "obj_asst_id", Kind: cond.KindString},
	"bk_asst_id":          {Expr: "asst_id", Kind: cond.KindString},
	"bk_biz_id":           {Expr: "biz_id", Kind: cond.KindInt64},
}

// instAsstWhere builds the WHERE clause of a query (without the keyword).
func instAsstWhere(q cmdb.InstAsstQuery) (string, []any, error) {
	where, args := scopeSQL("supplier", q.Scope)
	parts := []string{where}
	if q.ObjID != "" {
		if q.SourceOnly {
			parts = append(parts, "obj_id = ?")
			args = append(args, q.ObjID)
		} else {
			parts = append(parts, "(obj_id = ? OR asst_obj_id = ?)")
			args = append(args, q.ObjID, q.ObjID)
		}
	}
	if q.Where != nil {
		e, ok := q.Where.(cond.Expr)
		if !ok {
			return "", nil, fmt.Errorf("sqlite: condition of type %T", q.Where)
		}
		w, a, err := cond.ToSQL(e, instAsstColumns, cond.SQLite)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, "("+w+")")
		args = append(args, a...)
	}
	return strings.Join(parts, " AND "), args, nil
}

func instAsstOrder(keys []cmdb.SortKey) string {
	var parts []string
	for _, k := range keys {
		c, ok := instAsstColumns[k.Field]
		if !ok {
			continue // a field no row has sorts as equal everywhere
		}
		if k.Desc {
			parts = append(parts, c.Expr+" DESC")
		} else {
			parts = append(parts, c.Expr)
		}
	}
	parts = append(parts, "id")
	return strings.Join(parts, ", ")
}

func (t *tx) EachInstAsst(q cmdb.InstAsstQuery, fn func(*cmdb.InstAssociation) error) error {
	where, args, err := instAsstWhere(q)
	if err != nil {
		return err
	}
	query := `SELECT ` + instAsstCols + ` FROM inst_assts WHERE ` + where + ` ORDER BY ` + instAsstOrder(q.Sort)
	if q.Limit > 0 || q.Start > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = -1
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, q.Start)
	}
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var a cmdb.InstAssociation
	for rows.Next() {
		if err := rows.Scan(&a.ID, &a.InstID, &a.ObjID, &a.AsstInstID, &a.AsstObjID, &a.Supplier, &a.ObjAsstID, &a.AsstID, &a.BizID); err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t *tx) CountInstAsstsWhere(q cmdb.InstAsstQuery) (int64, error) {
	where, args, err := instAsstWhere(q)
	if err != nil {
		return 0, err
	}
	var n int64
	err = t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM inst_assts WHERE `+where, args...).Scan(&n)
	return n, err
}

func (t *tx) CountInstAssts(scope cmdb.Scope, objAsstID string) (int64, error) {
	where, args := scopeSQL("supplier", scope)
	var n int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM inst_assts WHERE `+where+` AND obj_asst_id = ?`,
		append(args, objAsstID)...).Scan(&n)
	return n, err
}

func (t *tx) InstAsstByID(scope cmdb.Scope, id int64) (*cmdb.InstAssociation, error) {
	where, args := scopeSQL("supplier", scope)
	rows, err := t.queryInstAssts(`SELECT `+instAsstCols+` FROM inst_assts WHERE `+where+` AND id = ?`, append(args, id)...)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

func (t *tx) InstAsstTaken(scope cmdb.Scope, objAsstID string, instID, asstInstID int64) (bool, error) {
	where, args := scopeSQL("supplier", scope)
	q := `SELECT 1 FROM inst_assts WHERE ` + where + ` AND obj_asst_id = ?`
	args = append(args, objAsstID)
	if instID >= 0 {
		q += ` AND inst_id = ?`
		args = append(args, instID)
	}
	if asstInstID >= 0 {
		q += ` AND asst_inst_id = ?`
		args = append(args, asstInstID)
	}
	var one int
	err := t.tx.QueryRowContext(t.ctx, q+` LIMIT 1`, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (t *tx) InsertInstAsst(a *cmdb.InstAssociation) error {
	_, err := t.exec(`INSERT INTO inst_assts (supplier, id, obj_asst_id, obj_id, inst_id, asst_obj_id, asst_inst_id, asst_id, biz_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Supplier, a.ID, a.ObjAsstID, a.ObjID, a.InstID, a.AsstObjID, a.AsstInstID, a.AsstID, a.BizID)
	return err
}

// LockObjAsst is a no-op: the single writer connection already serialises
// every write transaction.
func (t *tx) LockObjAsst(*cmdb.ObjectAssociation) error { return nil }

func (t *tx) InstancesByID(scope cmdb.Scope, objID string, ids []int64) ([]cmdb.Instance, error) {
	var out []cmdb.Instance
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		args = append(append(args, objID), int64Args(chunk)...)
		docs, err := listRaw(t, `SELECT data FROM instances WHERE `+where+` AND obj_id = ? AND inst_id IN (`+
			placeholders(len(chunk))+`) ORDER BY inst_id`, args...)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			var inst cmdb.Instance
			if err := unmarshalDoc(d, &inst); err != nil {
				return nil, err
			}
			out = append(out, inst)
		}
	}
	return out, nil
}

func listRaw(t *tx, query string, args ...any) ([][]byte, error) {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
