package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sort"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Test-only helpers of the store, visible to package sqlite_test.

// BulkInsertInstAssts stores n instance association rows in one write
// transaction through one prepared INSERT: row(i, a) fills row i (0-based)
// into a, which is reused between calls. Rows must carry their ids; the
// cc_InstAsst counter is moved past the largest one so that later creates
// never collide. For large test fixtures (a million rows in seconds), where
// tx.InsertInstAsst would parse the statement once per row.
func (db *DB) BulkInsertInstAssts(ctx context.Context, n int, row func(i int, a *cmdb.InstAssociation)) error {
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	st, err := sqlTx.PrepareContext(ctx, `INSERT INTO inst_assts
		(supplier, id, obj_asst_id, obj_id, inst_id, asst_obj_id, asst_inst_id, asst_id, biz_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	var a cmdb.InstAssociation
	var maxID int64
	for i := 0; i < n; i++ {
		a = cmdb.InstAssociation{}
		row(i, &a)
		if _, err := st.ExecContext(ctx, a.Supplier, a.ID, a.ObjAsstID, a.ObjID, a.InstID, a.AsstObjID,
			a.AsstInstID, a.AsstID, a.BizID); err != nil {
			return mapErr(err)
		}
		maxID = max(maxID, a.ID)
	}
	if _, err := sqlTx.ExecContext(ctx, `INSERT INTO counters (name, next) VALUES ('cc_InstAsst', ?)
		ON CONFLICT (name) DO UPDATE SET next = max(next, excluded.next)`, maxID+1); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	db.dropRefills([]string{"cc_InstAsst"})
	return nil
}

// SchemaKey identifies the schema the embedded migrations build (a hash of
// their names and texts): a cached test database is reusable while it is
// unchanged.
func SchemaKey() string {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, _ := migrationFS.ReadFile(n)
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// ExplainInstAssts returns the EXPLAIN QUERY PLAN lines of the statement
// EachInstAsst runs for q, and that statement.
func (db *DB) ExplainInstAssts(ctx context.Context, q cmdb.InstAsstQuery) (plan []string, query string, err error) {
	query, args, err := instAsstSelect(q)
	if err != nil {
		return nil, "", err
	}
	plan, err = db.explain(ctx, query, args...)
	return plan, query, err
}

func (db *DB) explain(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.reader.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		out = append(out, detail)
	}
	return out, rows.Err()
}
