package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// asstVersionKey is a row of asst_versions (migration 0004): the rows of
// one supplier and model association with the model at one end.
type asstVersionKey struct {
	supplier, objID, objAsstID string
}

// versionKeys collects the distinct keys of a write.
type versionKeys map[asstVersionKey]struct{}

// add adds the keys of a row written or deleted: one per end model.
func (k versionKeys) add(a *cmdb.InstAssociation) {
	k[asstVersionKey{a.Supplier, a.ObjID, a.ObjAsstID}] = struct{}{}
	k[asstVersionKey{a.Supplier, a.AsstObjID, a.ObjAsstID}] = struct{}{}
}

// bumpVersions adds one to the version of each key, inserting the keys not
// yet present. The keys go in one sorted order, so that two PostgreSQL
// transactions bumping the same keys take their row locks in the same order
// and never deadlock.
func (t *Tx) bumpVersions(keys versionKeys) error {
	list := keys.sorted()
	for len(list) > 0 {
		part := list[:min(len(list), bumpKeysPerStatement)]
		list = list[len(part):]
		q, args := t.bumpStatement(part)
		if _, err := t.exec(q, args...); err != nil {
			return err
		}
		t.noteBumped(part)
	}
	return nil
}

// bumpKeysPerStatement bounds the keys of one upsert of versions.
const bumpKeysPerStatement = 100

// sorted lists the keys in their one order (see bumpVersions).
func (k versionKeys) sorted() []asstVersionKey {
	list := make([]asstVersionKey, 0, len(k))
	for key := range k {
		list = append(list, key)
	}
	slices.SortFunc(list, func(a, b asstVersionKey) int {
		return cmp.Or(cmp.Compare(a.supplier, b.supplier), cmp.Compare(a.objID, b.objID), cmp.Compare(a.objAsstID, b.objAsstID))
	})
	return list
}

// bumpStatement is the upsert that adds one to the versions of keys.
func (t *Tx) bumpStatement(keys []asstVersionKey) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO asst_versions (supplier, obj_id, obj_asst_id, version) VALUES `)
	args := make([]any, 0, 3*len(keys))
	for i, k := range keys {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(`(?,?,?,1)`)
		args = append(args, k.supplier, k.objID, k.objAsstID)
	}
	q.WriteString(` ON CONFLICT (supplier, obj_id, obj_asst_id) DO UPDATE SET version = asst_versions.version + 1`)
	return q.String(), args
}

// noteBumped records increments made (see Bumped).
func (t *Tx) noteBumped(keys []asstVersionKey) {
	for _, k := range keys {
		t.bumped = append(t.bumped, VersionBump{Supplier: k.supplier, ObjID: k.objID})
	}
}

// VersionBump is one increment of the version of a supplier's rows of a
// model (summed over its model associations, as InstAsstVersion reads it).
type VersionBump struct{ Supplier, ObjID string }

// Bumped lists the increments the transaction made to asst_versions, for a
// store that mirrors the versions in memory once the transaction commits.
func (t *Tx) Bumped() []VersionBump { return t.bumped }

// LoadVersions reads every version, summed per supplier and model, for a
// store that mirrors them in memory.
func LoadVersions(ctx context.Context, db *sql.DB) (map[VersionBump]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT supplier, obj_id, version FROM asst_versions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[VersionBump]int64{}
	for rows.Next() {
		var k VersionBump
		var v int64
		if err := rows.Scan(&k.Supplier, &k.ObjID, &v); err != nil {
			return nil, err
		}
		m[k] += v
	}
	return m, rows.Err()
}

// PeekVersion is InstAsstVersion as one statement of its own (outside any
// transaction): the version as of the statement's snapshot, which holds
// every write committed before it began.
func PeekVersion(ctx context.Context, db *sql.DB, d *Dialect, scope cmdb.Scope, objID string) (int64, error) {
	q, args := versionQuery(scope, objID)
	rows, err := db.QueryContext(ctx, d.Rebind(q), args...)
	if err != nil {
		return 0, err
	}
	return sumVersions(rows)
}

// versionQuery selects the versions of objID's rows in scope (one range of
// the primary key per supplier). The statement is kept as plain as can be
// (no aggregate; one supplier compared with =).
func versionQuery(scope cmdb.Scope, objID string) (string, []any) {
	if len(scope) == 1 {
		return `SELECT version FROM asst_versions WHERE supplier = ? AND obj_id = ?`, []any{scope[0], objID}
	}
	where, a := scopeSQL("supplier", scope)
	return `SELECT version FROM asst_versions WHERE ` + where + ` AND obj_id = ?`, append(a, objID)
}

func sumVersions(rows *sql.Rows) (int64, error) {
	defer rows.Close()
	var sum int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, rows.Err()
}

// InstAsstVersion sums the versions of objID's rows in scope (one range of
// the primary key per supplier). The statement is kept as plain as can be
// (no aggregate; one supplier compared with =): it is prepared on every
// cache hit, and on SQLite preparing is most of its cost.
func (t *Tx) InstAsstVersion(scope cmdb.Scope, objID string) (int64, error) {
	q, args := versionQuery(scope, objID)
	rows, err := t.query(q, args...)
	if err != nil {
		return 0, err
	}
	return sumVersions(rows)
}
