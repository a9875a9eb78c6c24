package sqlite

import (
	"database/sql"
	"errors"

	"github.com/opscmdb/cmdb/internal/cmdb"
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
