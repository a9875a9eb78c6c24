package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/store/sqlstore"
)

// The query plans of the association reads. A cmdb database has no
// statistics (nothing runs ANALYZE), so SQLite plans with its defaults,
// under which "supplier = ?" — the first column of every index — looks
// selective; the indexes of migration 0003 end in id so that the documented
// filters of find_instance_association by model association are still
// answered by an index range that is already in id order: no table scan, no
// sort, cost following the answer. Since migration 0005 the target end is
// searched in inst_assts_pair, and a filter by model through the model
// associations at that end (obj_assts): index searches whose (few) rows are
// sorted. BenchmarkFindInstanceAssociation (assoc_stream_test.go) shows the
// same 2,000-row answer costing the same from 20,000 and 1,000,000 rows.

func eq(field string, v any) cond.Pred { return cond.Pred{Field: field, Op: cond.OpEq, Value: v} }

// planCase is one statement and what its plan must show.
type planCase struct {
	name string
	q    cmdb.InstAsstQuery
	// index is the index the plan must search, with at least these
	// equality columns after supplier.
	index string
	cols  []string
	// sorted allows a temporary b-tree for ORDER BY (the rows come from
	// the index in another order).
	sorted bool
}

var planCases = []planCase{
	{name: "find_instance_association {bk_obj_asst_id, bk_inst_id}",
		q:     cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), ObjID: "bk_switch", Where: cond.And{eq("bk_obj_asst_id", "bk_switch_connect_host"), eq("bk_inst_id", int64(7))}},
		index: "inst_assts_obj_asst_src_id", cols: []string{"obj_asst_id", "inst_id"}},
	{name: "find_instance_association {bk_obj_asst_id}",
		q:     cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), ObjID: "bk_switch", Where: eq("bk_obj_asst_id", "bk_switch_connect_host")},
		index: "inst_assts_obj_asst_id", cols: []string{"obj_asst_id"}},
	{name: "find_instance_association {bk_asst_inst_id}",
		q:     cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), ObjID: "host", Where: eq("bk_asst_inst_id", int64(3))},
		index: "inst_assts_pair", cols: []string{"obj_asst_id", "asst_inst_id"}, sorted: true},
	{name: "find_instance_association {bk_obj_asst_id, bk_asst_inst_id}",
		q:     cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), ObjID: "host", Where: cond.And{eq("bk_obj_asst_id", "bk_switch_connect_host"), eq("bk_asst_inst_id", int64(3))}},
		index: "inst_assts_pair", cols: []string{"obj_asst_id", "asst_inst_id"}, sorted: true},
	{name: "search_inst_asst_object_inst_base_info, source role",
		q: cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), Where: cond.And{eq("bk_obj_id", "bk_switch"), eq("bk_inst_id", int64(7)),
			eq("bk_asst_obj_id", "host")}, Limit: 20},
		index: "inst_assts_obj_asst_src_id", cols: []string{"obj_asst_id", "inst_id"}, sorted: true},
	{name: "search_inst_asst_object_inst_base_info, target role",
		q: cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), Where: cond.And{eq("bk_asst_obj_id", "host"), eq("bk_asst_inst_id", int64(3)),
			eq("bk_obj_id", "bk_switch")}, Limit: 20},
		index: "inst_assts_pair", cols: []string{"obj_asst_id", "asst_inst_id"}, sorted: true},
	{name: "search_inst_association_topo",
		q: cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), Where: cond.And{cond.Pred{Field: "bk_obj_asst_id", Op: cond.OpIn, Value: []any{"a", "b"}},
			eq("bk_inst_id", int64(7)), eq("bk_obj_id", "bk_switch"), eq("bk_asst_obj_id", "host")}},
		index: "inst_assts_obj_asst_src_id", cols: []string{"obj_asst_id", "inst_id"}, sorted: true},
	{name: "search_related_inst_asso (either end)",
		q: cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), Limit: 500, Where: cond.Or{
			cond.And{eq("bk_obj_id", "host"), eq("bk_inst_id", int64(3))},
			cond.And{eq("bk_asst_obj_id", "host"), eq("bk_asst_inst_id", int64(3))}}},
		index: "", cols: []string{}, sorted: true},
	{name: "find_instance_association {bk_obj_asst_id, bk_inst_id}, supplier other than 0",
		q:     cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("x"), ObjID: "bk_switch", Where: cond.And{eq("bk_obj_asst_id", "bk_switch_connect_host"), eq("bk_inst_id", int64(7))}},
		index: "", cols: []string{"obj_asst_id", "inst_id"}, sorted: true},
}

// searchIndex matches a plan line that searches inst_assts with an index.
var searchIndex = regexp.MustCompile(`^SEARCH inst_assts USING (?:COVERING )?INDEX (\S+) \((.*)\)$`)

func checkPlan(t *testing.T, c planCase, plan []string, query string) {
	t.Helper()
	var searched bool
	for _, line := range plan {
		switch {
		case strings.HasPrefix(line, "SCAN inst_assts"):
			t.Errorf("%s: full scan:\n  %s\n  %s", c.name, query, strings.Join(plan, "\n  "))
		case strings.Contains(line, "TEMP B-TREE") && !c.sorted:
			t.Errorf("%s: sorts the answer:\n  %s\n  %s", c.name, query, strings.Join(plan, "\n  "))
		}
		m := searchIndex.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		searched = true
		if m[2] == "supplier=?" {
			t.Errorf("%s: reads every row of the supplier:\n  %s\n  %s", c.name, query, strings.Join(plan, "\n  "))
		}
		if c.index != "" && m[1] != c.index {
			t.Errorf("%s: index %s, want %s:\n  %s", c.name, m[1], c.index, line)
		}
		for _, col := range c.cols {
			if !strings.Contains(m[2], col+"=?") {
				t.Errorf("%s: %s is not an index equality:\n  %s", c.name, col, line)
			}
		}
	}
	if !searched {
		t.Errorf("%s: no index search:\n  %s\n  %s", c.name, query, strings.Join(plan, "\n  "))
	}
}

func TestInstAsstQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	explainAll := func(t *testing.T) {
		for _, c := range planCases {
			plan, query, err := db.ExplainInstAssts(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s\n    %s", c.name, strings.Join(plan, "\n    "))
			checkPlan(t, c, plan, query)
		}
		// The instance-delete rule's lookup (delete_inst, batch_delete_inst).
		long := make([]int64, 100) // a long list
		for i := range long {
			long[i] = int64(i + 1)
		}
		for j, side := range append(touchingSides[:], touchingSides[:]...) {
			i := j % 2
			ids := []int64{1, 2, 3}
			if j >= 2 {
				if strings.Contains(t.Name(), "with_statistics") {
					// With the statistics of this small table (20,000
					// rows), a scan is estimated cheaper than 100
					// searches; without statistics (cmdb never runs
					// ANALYZE) the list is searched.
					continue
				}
				ids = long
			}
			query, args := touchingQuery(cmdb.ScopeOf("0"), "bk_switch", side, ids)
			plan, err := db.explain(ctx, query, args...)
			if err != nil {
				t.Fatal(err)
			}
			c := planCase{name: "instance delete, rows touching 3 instances, " + side, sorted: true,
				index: []string{"inst_assts_obj_asst_src_id", "inst_assts_pair"}[i], cols: [][]string{{"obj_asst_id", "inst_id"}, {"obj_asst_id", "asst_inst_id"}}[i]}
			t.Logf("%s\n    %s", c.name, strings.Join(plan, "\n    "))
			checkPlan(t, c, plan, query)
		}
		// batch_create_instance_association's duplicate check: one
		// search of inst_assts_pair per target.
		query, args, _ := sqlstore.PairsQuery(Dialect, cmdb.ScopeOf("0"), "bk_switch_connect_host",
			map[int64][]int64{3: {7}, 4: {7, 8}}, []int64{3, 4})
		plan, err := db.explain(ctx, query, args...)
		if err != nil {
			t.Fatal(err)
		}
		c := planCase{name: "batch create, pairs present", sorted: true, index: "inst_assts_pair",
			cols: []string{"obj_asst_id", "asst_inst_id", "inst_id"}}
		t.Logf("%s\n    %s", c.name, strings.Join(plan, "\n    "))
		checkPlan(t, c, plan, query)
		if n := strings.Count(strings.Join(plan, "\n"), "SEARCH inst_assts"); n != 2 {
			t.Errorf("%s: %d searches, want one per target:\n    %s", c.name, n, strings.Join(plan, "\n    "))
		}
		// The same for one supplier: the pairs are a parameter, each a
		// search of inst_assts_pair.
		query, args = sqlstore.PairsJoin(Dialect, "0", "bk_switch_connect_host", [][]any{{int64(7), int64(3)}, {int64(8), int64(4)}})
		if plan, err = db.explain(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
		c.name = "batch create, pairs present (one supplier)"
		t.Logf("%s\n    %s", c.name, strings.Join(plan, "\n    "))
		checkPlan(t, c, plan, query)
		if len(plan) != 2 || !strings.HasPrefix(plan[0], "SCAN json_each") {
			t.Errorf("%s: the pairs are not the outer loop:\n    %s", c.name, strings.Join(plan, "\n    "))
		}
	}
	t.Run("no statistics", explainAll)

	// With statistics of a realistic spread (ANALYZE, as an operator might
	// run): 20 model associations of 1,000 rows, 50 sources each with 20
	// targets. The documented filters stay index searches.
	err = db.BulkInsertInstAssts(ctx, 20000, func(i int, a *cmdb.InstAssociation) {
		*a = cmdb.InstAssociation{ID: int64(i + 1), InstID: int64(i/20 + 1), ObjID: "bk_switch", AsstInstID: int64(i + 1),
			AsstObjID: "host", Supplier: "0", ObjAsstID: fmt.Sprintf("bk_switch_c%d_host", i/1000), AsstID: "connect"}
		if i < 1000 {
			a.ObjAsstID = "bk_switch_connect_host"
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	db.reader.SetMaxIdleConns(0) // reload the schema (and statistics) on new connections
	db.reader.SetMaxIdleConns(4)
	var stats int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'inst_assts'`).Scan(&stats); err != nil || stats < 4 {
		t.Fatalf("statistics: %d rows, %v", stats, err)
	}
	t.Run("with statistics", explainAll)
}

// The statements that still read the supplier's rows in id order, for the
// record: the unfiltered per-model listing (find_instance_association
// without a condition, whose answer is usually most of what it reads: a
// whole model) and filters no index serves.
func TestInstAsstQueryPlansRecorded(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, q := range map[string]cmdb.InstAsstQuery{
		"find_instance_association without condition": {Scope: cmdb.ScopeOf("0"), ObjID: "bk_switch"},
		"find_instance_association {bk_inst_id}":      {Scope: cmdb.ScopeOf("0"), ObjID: "bk_switch", Where: eq("bk_inst_id", int64(7))},
	} {
		plan, _, err := db.ExplainInstAssts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s\n    %s", name, strings.Join(plan, "\n    "))
	}
}

// No statement deletes association rows without ids.
func TestDeleteInstAsstsRefusesEmptyIDs(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "del.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.BulkInsertInstAssts(ctx, 10, func(i int, a *cmdb.InstAssociation) {
		*a = cmdb.InstAssociation{ID: int64(i + 1), InstID: 1, ObjID: "a", AsstInstID: int64(i + 1), AsstObjID: "b",
			Supplier: "0", ObjAsstID: "a_x_b", AsstID: "x"}
	}); err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]int64{nil, {}} {
		err := db.Update(ctx, func(tx cmdb.Tx) error {
			n, err := tx.DeleteInstAssts(cmdb.ScopeOf("0"), ids)
			if n != 0 {
				t.Errorf("deleted %d rows", n)
			}
			return err
		})
		if err == nil {
			t.Errorf("DeleteInstAssts(%v) succeeded", ids)
		}
	}
	var n int64
	db.View(ctx, func(tx cmdb.Tx) (err error) {
		n, err = tx.CountInstAsstsWhere(cmdb.InstAsstQuery{})
		return err
	})
	if n != 10 {
		t.Errorf("rows left: %d, want 10", n)
	}
}
