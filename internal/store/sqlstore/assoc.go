package sqlstore

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

func (t *Tx) queryInstAssts(query string, args ...any) ([]cmdb.InstAssociation, error) {
	rows, err := t.query(query, args...)
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

// TouchingSides are the two ends InstAsstsTouching looks instances up at.
// Rows are indexed by model association first (migration 0005), so each
// side names the model associations with the model at that end (from
// obj_assts) and then the instances: inst_assts_obj_asst_src_id serves the
// source end, inst_assts_pair the target end.
var TouchingSides = [2]string{
	"obj_asst_id IN (SELECT obj_asst_id FROM obj_assts WHERE obj_id = ?) AND obj_id = ? AND inst_id",
	"obj_asst_id IN (SELECT obj_asst_id FROM obj_assts WHERE asst_obj_id = ?) AND asst_obj_id = ? AND asst_inst_id",
}

// TouchingQuery selects the rows where one of ids of objID is at side. It
// has no ORDER BY: with one, SQLite (no statistics) would rather walk the
// primary key in id order, reading every row of the supplier, than look the
// ids up in the end's index and sort.
func TouchingQuery(d *Dialect, scope cmdb.Scope, objID, side string, ids []int64) (string, []any) {
	where, args := scopeSQL("supplier", scope)
	in, inArgs := d.inList(ids)
	args = append(append(args, objID, objID), inArgs...)
	return `SELECT ` + instAsstCols + ` FROM inst_assts WHERE ` + where +
		` AND ` + side + ` ` + in, args
}

func (t *Tx) InstAsstsTouching(scope cmdb.Scope, objID string, ids []int64) ([]cmdb.InstAssociation, error) {
	var out []cmdb.InstAssociation
	seen := map[int64]bool{}
	for _, chunk := range chunks(ids, 400) {
		for _, side := range TouchingSides {
			query, args := TouchingQuery(t.d, scope, objID, side, chunk)
			rows, err := t.queryInstAssts(query, args...)
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
	slices.SortFunc(out, func(a, b cmdb.InstAssociation) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// DeleteInstAssts deletes the rows and advances the versions of the models
// at both ends of the rows it deleted (per supplier and model association).
func (t *Tx) DeleteInstAssts(scope cmdb.Scope, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, errors.New("store: DeleteInstAssts with no ids")
	}
	var n int64
	keys := versionKeys{}
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		rows, err := t.query(`DELETE FROM inst_assts WHERE `+where+` AND id `+in+
			` RETURNING supplier, obj_asst_id, obj_id, asst_obj_id`, append(args, inArgs...)...)
		if err != nil {
			return 0, t.d.mapErr(err)
		}
		for rows.Next() {
			var a cmdb.InstAssociation
			if err := rows.Scan(&a.Supplier, &a.ObjAsstID, &a.ObjID, &a.AsstObjID); err != nil {
				rows.Close()
				return 0, err
			}
			keys.add(&a)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	return n, t.bumpVersions(keys)
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
func instAsstWhere(d *Dialect, q cmdb.InstAsstQuery) (string, []any, error) {
	if w, args, ok, err := instAsstOrWhere(d, q); ok || err != nil {
		return w, args, err
	}
	where, args := scopeSQL("supplier", q.Scope)
	parts := []string{where}
	var e cond.Expr
	if q.Where != nil {
		var ok bool
		if e, ok = q.Where.(cond.Expr); !ok {
			return "", nil, fmt.Errorf("store: condition of type %T", q.Where)
		}
	}
	if q.ObjID != "" {
		if q.SourceOnly {
			parts = append(parts, "obj_id = ?", objAsstsAt+"obj_id = ?)")
			args = append(args, q.ObjID, q.ObjID)
		} else {
			parts = append(parts, "(obj_id = ? OR asst_obj_id = ?)", objAsstsAt+"obj_id = ? OR asst_obj_id = ?)")
			args = append(args, q.ObjID, q.ObjID, q.ObjID, q.ObjID)
		}
	} else if h, a := endHint(e); h != "" {
		parts = append(parts, h)
		args = append(args, a...)
	}
	if e != nil {
		w, a, err := d.condSQL(e, instAsstColumns)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, "("+w+")")
		args = append(args, a...)
	}
	return strings.Join(parts, " AND "), args, nil
}

// sortFewRows reports whether a condition pins an instance (bk_inst_id or
// bk_asst_inst_id, with a top-level equality) in a way no index serves in id
// order: a target instance, or a source instance without its model
// association ({bk_obj_asst_id, bk_inst_id} is read from
// inst_assts_obj_asst_src_id in id order). Such a query finds one
// instance's rows and sorts them.
func sortFewRows(where cmdb.Condition) bool {
	pinned := map[string]bool{}
	for _, p := range topPreds(where) {
		if p.Op == cond.OpEq {
			pinned[p.Field] = true
		}
	}
	return pinned["bk_asst_inst_id"] || pinned["bk_inst_id"] && !pinned["bk_obj_asst_id"]
}

// topPreds lists the predicates a condition ANDs at its top.
func topPreds(where cmdb.Condition) []cond.Pred {
	var list []cond.Expr
	switch x := where.(type) {
	case cond.And:
		list = x
	case cond.Pred:
		list = []cond.Expr{x}
	}
	var out []cond.Pred
	for _, e := range list {
		if p, ok := e.(cond.Pred); ok {
			out = append(out, p)
		}
	}
	return out
}

// objAsstsAt starts the restriction of rows to the model associations with
// a model at one end, for the indexes of migration 0005, which all start
// (after the supplier) with the model association: a row's ends are those
// of its model association, so when a query pins a model at an end the
// restriction changes no answer and lets the index be searched. (A model
// association with rows, of any supplier, cannot be deleted.)
const objAsstsAt = "obj_asst_id IN (SELECT obj_asst_id FROM obj_assts WHERE "

// endHint is the restriction for a condition that pins, with a top-level
// equality, the source model or the target model.
func endHint(e cond.Expr) (string, []any) {
	preds := topPreds(e)
	for _, col := range []string{"bk_obj_id", "bk_asst_obj_id"} {
		for _, p := range preds {
			if p.Field == col && p.Op == cond.OpEq {
				if v, ok := p.Value.(string); ok {
					return objAsstsAt + instAsstColumns[col].Expr + " = ?)", []any{v}
				}
			}
		}
	}
	return "", nil
}

// instAsstOrWhere writes a condition that is an OR at the top (and no model
// filter; search_related_inst_asso: the instance at the source end or at
// the target end) with the supplier filter inside every branch:
// "(supplier IN (…) AND b1) OR (supplier IN (…) AND b2)". Each branch then
// is an index search of its own (SQLite's multi-index OR); with the supplier
// filter outside, no branch can use an index (they all start with the
// supplier) and SQLite reads every row of the supplier. ok is false for
// other queries.
func instAsstOrWhere(d *Dialect, q cmdb.InstAsstQuery) (string, []any, bool, error) {
	or, isOr := q.Where.(cond.Or)
	if !isOr || len(or) < 2 || q.ObjID != "" || q.Scope == nil {
		return "", nil, false, nil
	}
	parts := make([]string, 0, len(or))
	var args []any
	for _, branch := range or {
		w, a, err := d.condSQL(branch, instAsstColumns)
		if err != nil {
			return "", nil, false, err
		}
		scope, sa := scopeSQL("supplier", q.Scope)
		if h, ha := endHint(branch); h != "" {
			scope += " AND " + h
			sa = append(sa, ha...)
		}
		parts = append(parts, "("+scope+" AND ("+w+"))")
		args = append(append(args, sa...), a...)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args, true, nil
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

// InstAsstSelect is the query EachInstAsst runs for q (exported for plan
// tests).
func InstAsstSelect(d *Dialect, q cmdb.InstAsstQuery) (string, []any, error) {
	where, args, err := instAsstWhere(d, q)
	if err != nil {
		return "", nil, err
	}
	order := instAsstOrder(q.Sort)
	if len(q.Sort) == 0 && sortFewRows(q.Where) {
		// "+id" is no column, so no index can give the order: the
		// planner picks the index that finds the instance's rows (and
		// sorts those few) rather than one it would walk in id order.
		order = "+id"
	}
	query := `SELECT ` + instAsstCols + ` FROM inst_assts WHERE ` + where + ` ORDER BY ` + order
	if q.Limit > 0 || q.Start > 0 {
		limit := q.Limit
		if limit <= 0 {
			limit = noLimit
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, q.Start)
	}
	return query, args, nil
}

func (t *Tx) EachInstAsst(q cmdb.InstAsstQuery, fn func(*cmdb.InstAssociation) error) error {
	query, args, err := InstAsstSelect(t.d, q)
	if err != nil {
		return err
	}
	rows, err := t.query(query, args...)
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

func (t *Tx) CountInstAsstsWhere(q cmdb.InstAsstQuery) (int64, error) {
	where, args, err := instAsstWhere(t.d, q)
	if err != nil {
		return 0, err
	}
	var n int64
	err = t.queryRow(`SELECT count(*) FROM inst_assts WHERE `+where, args...).Scan(&n)
	return n, err
}

func (t *Tx) CountInstAssts(scope cmdb.Scope, objAsstID string) (int64, error) {
	where, args := scopeSQL("supplier", scope)
	var n int64
	err := t.queryRow(`SELECT count(*) FROM inst_assts WHERE `+where+` AND obj_asst_id = ?`,
		append(args, objAsstID)...).Scan(&n)
	return n, err
}

func (t *Tx) InstAsstByID(scope cmdb.Scope, id int64) (*cmdb.InstAssociation, error) {
	where, args := scopeSQL("supplier", scope)
	rows, err := t.queryInstAssts(`SELECT `+instAsstCols+` FROM inst_assts WHERE `+where+` AND id = ?`, append(args, id)...)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

func (t *Tx) InstAsstTaken(scope cmdb.Scope, objAsstID string, instID, asstInstID int64) (bool, error) {
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
	err := t.queryRow(q+` LIMIT 1`, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// InsertInstAsst inserts the row and advances the versions of the models at
// both its ends (for its supplier and model association).
func (t *Tx) InsertInstAsst(a *cmdb.InstAssociation) error {
	_, err := t.exec(`INSERT INTO inst_assts (supplier, id, obj_asst_id, obj_id, inst_id, asst_obj_id, asst_inst_id, asst_id, biz_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Supplier, a.ID, a.ObjAsstID, a.ObjID, a.InstID, a.AsstObjID, a.AsstInstID, a.AsstID, a.BizID)
	if err != nil {
		return err
	}
	keys := versionKeys{}
	keys.add(a)
	return t.bumpVersions(keys)
}

func (t *Tx) InstancesByID(scope cmdb.Scope, objID string, ids []int64) ([]cmdb.Instance, error) {
	var out []cmdb.Instance
	for _, chunk := range chunks(ids, 500) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		args = append(append(args, objID), inArgs...)
		docs, err := listRaw(t, `SELECT data FROM instances WHERE `+where+` AND obj_id = ? AND inst_id `+
			in+` ORDER BY inst_id`, args...)
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

func listRaw(t *Tx, query string, args ...any) ([][]byte, error) {
	rows, err := t.query(query, args...)
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

func (t *Tx) InstAsstPairsTaken(scope cmdb.Scope, objAsstID string, pairs [][2]int64) (map[[2]int64]bool, error) {
	out := map[[2]int64]bool{}
	byDst := map[int64][]int64{}
	var dsts []int64
	for _, p := range pairs {
		if _, ok := byDst[p[1]]; !ok {
			dsts = append(dsts, p[1])
		}
		byDst[p[1]] = append(byDst[p[1]], p[0])
	}
	// One statement per group of targets, each target a branch of its own
	// with every equality inside: "(supplier … AND obj_asst_id = ? AND
	// asst_inst_id = ? AND inst_id IN (…)) OR …", so that each branch is a
	// search of inst_assts_pair (SQLite's multi-index OR; with the common
	// equalities outside the OR it reads the whole model association).
	if len(scope) == 1 {
		// One search of inst_assts_pair per pair, the pairs a parameter.
		vals := make([][]any, len(pairs))
		for i, p := range pairs {
			vals[i] = []any{p[0], p[1]}
		}
		query, args := PairsJoin(t.d, scope[0], objAsstID, vals)
		if err := t.collectPairs(out, query, args...); err != nil {
			return nil, err
		}
		return out, nil
	}
	for len(dsts) > 0 {
		var query string
		var args []any
		query, args, dsts = PairsQuery(t.d, scope, objAsstID, byDst, dsts)
		if err := t.collectPairs(out, query, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PairsJoin is the duplicate check of one supplier's pairs (rows of
// source, target): a join of the pairs with inst_assts_pair.
func PairsJoin(d *Dialect, supplier, objAsstID string, pairs [][]any) (string, []any) {
	from, args := d.rowsFrom("ii", pairs)
	if d.IntArrays {
		// PostgreSQL: a LATERAL subquery that cannot be pulled up (OFFSET
		// 0) is one index search per pair, whatever the statistics say (a
		// table loaded since its last ANALYZE looks empty, and a plan that
		// reads the whole model association per batch would follow).
		return `SELECT a.inst_id, a.asst_inst_id FROM ` + from + ` CROSS JOIN LATERAL (SELECT inst_id, asst_inst_id
			FROM inst_assts WHERE supplier = ? AND obj_asst_id = ? AND asst_inst_id = r.c1 AND inst_id = r.c0 OFFSET 0) a`,
			append(args, supplier, objAsstID)
	}
	// CROSS JOIN: SQLite then loops over the pairs outside (and searches
	// the index inside) whatever it estimates.
	return `SELECT inst_id, asst_inst_id FROM ` + from + ` CROSS JOIN inst_assts WHERE supplier = ? AND obj_asst_id = ?
		AND asst_inst_id = r.c1 AND inst_id = r.c0`, append(args, supplier, objAsstID)
}

// collectPairs adds the (source, target) pairs a query returns to set.
func (t *Tx) collectPairs(set map[[2]int64]bool, query string, args ...any) error {
	rows, err := t.query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return err
		}
		set[p] = true
	}
	return rows.Err()
}

// PairsQuery is the statement for the first targets of dsts (with their
// sources in byDst) and the targets left for the next one.
func PairsQuery(d *Dialect, scope cmdb.Scope, objAsstID string, byDst map[int64][]int64, dsts []int64) (string, []any, []int64) {
	var parts []string
	var args []any
	n := 0
	for len(dsts) > 0 && n < 400 {
		dst := dsts[0]
		srcs := byDst[dst]
		if n > 0 && n+len(srcs) > 400 {
			break
		}
		dsts = dsts[1:]
		where, sa := scopeSQL("supplier", scope)
		in, inArgs := d.inList(srcs)
		parts = append(parts, `(`+where+` AND obj_asst_id = ? AND asst_inst_id = ? AND inst_id `+in+`)`)
		args = append(append(append(args, sa...), objAsstID, dst), inArgs...)
		n += len(srcs) + len(sa) + 2
	}
	return `SELECT inst_id, asst_inst_id FROM inst_assts WHERE ` + strings.Join(parts, ` OR `), args, dsts
}

func (t *Tx) InstAsstEndsTaken(scope cmdb.Scope, objAsstID string, source bool, ids []int64) (map[int64]bool, error) {
	col := "asst_inst_id"
	if source {
		col = "inst_id"
	}
	out := map[int64]bool{}
	for _, chunk := range chunks(ids, 400) {
		where, args := scopeSQL("supplier", scope)
		in, inArgs := t.d.inList(chunk)
		args = append(append(args, objAsstID), inArgs...)
		if err := t.collectIDs(out, `SELECT DISTINCT `+col+` FROM inst_assts WHERE `+where+` AND obj_asst_id = ? AND `+
			col+` `+in, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// collectIDs adds the ids a one-column query returns to set.
func (t *Tx) collectIDs(set map[int64]bool, query string, args ...any) error {
	rows, err := t.query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		set[id] = true
	}
	return rows.Err()
}

// InsertInstAssts inserts the rows, in one statement whose rows are its
// parameter (rowsFrom), and advances the versions of the models at their
// ends (per supplier and model association), once each.
func (t *Tx) InsertInstAssts(rows []cmdb.InstAssociation) error {
	_, err := t.insertInstAssts(rows, false)
	return err
}

// InsertNewInstAssts inserts the rows whose (supplier, model association,
// source, target) has no row yet, and returns the (source, target) pairs
// it inserted. The pairs present are skipped by inst_assts_pair itself (ON
// CONFLICT DO NOTHING), not looked up first: on PostgreSQL such a lookup
// takes predicate locks on the index pages it reads — past 32 of them, on
// the whole index — and every concurrent batch's insert into them is then
// a serialisation conflict; the unique index's own check takes none.
func (t *Tx) InsertNewInstAssts(rows []cmdb.InstAssociation) (map[[2]int64]bool, error) {
	return t.insertInstAssts(rows, true)
}

func (t *Tx) insertInstAssts(rows []cmdb.InstAssociation, skipPresent bool) (map[[2]int64]bool, error) {
	keys := versionKeys{}
	vals := make([][]any, len(rows))
	for i := range rows {
		a := &rows[i]
		keys.add(a)
		vals[i] = []any{a.Supplier, a.ID, a.ObjAsstID, a.ObjID, a.InstID, a.AsstObjID, a.AsstInstID, a.AsstID, a.BizID}
	}
	inserted := map[[2]int64]bool{}
	if len(rows) == 0 {
		return inserted, t.bumpVersions(keys)
	}
	from, args := t.d.rowsFrom("sissisisi", vals)
	insert := `INSERT INTO inst_assts (supplier, id, obj_asst_id, obj_id, inst_id, asst_obj_id, asst_inst_id, asst_id, biz_id)
		SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8 FROM ` + from
	if skipPresent {
		// "WHERE true": SQLite needs it to read ON CONFLICT after a
		// SELECT as the upsert clause.
		insert += ` WHERE true ON CONFLICT (supplier, obj_asst_id, asst_inst_id, inst_id) DO NOTHING RETURNING inst_id, asst_inst_id`
	}
	collect := func(query string, args []any) error {
		if !skipPresent {
			_, err := t.exec(query, args...)
			return err
		}
		rs, err := t.query(query, args...)
		if err != nil {
			return t.d.mapErr(err)
		}
		defer rs.Close()
		for rs.Next() {
			var p [2]int64
			if err := rs.Scan(&p[0], &p[1]); err != nil {
				return err
			}
			inserted[p] = true
		}
		return rs.Err()
	}
	if !skipPresent {
		for i := range rows {
			inserted[[2]int64{rows[i].InstID, rows[i].AsstInstID}] = true
		}
	}
	if t.d.IntArrays && len(keys) <= bumpKeysPerStatement {
		// PostgreSQL: the insert is a data-modifying WITH of the
		// versions' upsert, one statement (one round trip) for both;
		// each runs once, whether or not its rows are read.
		bump, bargs := t.bumpStatement(keys.sorted())
		q := `WITH ins AS (` + insert + `) ` + bump
		if skipPresent {
			q = `WITH ins AS (` + insert + `), v AS (` + bump + `) SELECT inst_id, asst_inst_id FROM ins`
		}
		if err := collect(q, append(args, bargs...)); err != nil {
			return nil, err
		}
		t.asstRows += len(inserted)
		t.noteBumped(keys.sorted())
		return inserted, nil
	}
	if err := collect(insert, args); err != nil {
		return nil, err
	}
	t.asstRows += len(inserted)
	return inserted, t.bumpVersions(keys)
}
