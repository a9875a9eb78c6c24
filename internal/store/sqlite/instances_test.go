package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// queryPlan returns SQLite's EXPLAIN QUERY PLAN of the instance query q.
func queryPlan(t *testing.T, db *DB, q *cmdb.InstanceQuery) string {
	t.Helper()
	where, args, err := instanceWhere(q)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.reader.Query(`EXPLAIN QUERY PLAN SELECT supplier, inst_id, data FROM instances WHERE `+where+` ORDER BY inst_id LIMIT 10`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// TestInstanceQueryPlanUsesIndex checks that the lookups the service sends
// are served by the value index and the primary key, never by a scan of the
// model's instances.
func TestInstanceQueryPlanUsesIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "cmdb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx cmdb.Tx) error {
		for i := int64(1); i <= 2000; i++ {
			data := cmdb.Instance{"bk_inst_id": json.Number(fmt.Sprint(i)), "bk_obj_id": "m", "bk_supplier_account": "0",
				"ip": fmt.Sprintf("10.0.%d.%d", i/256, i%256), "port": json.Number(fmt.Sprint(i % 100))}
			if err := tx.PutInstance(&cmdb.InstanceWrite{Supplier: "0", ObjID: "m", ID: i, Data: data,
				Index: cmdb.IndexInstance("m", data, nil)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		f     *cmdb.IndexFilter
		index string
	}{
		{"string equality", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "ip", Kind: cmdb.KindString, In: []any{"10.0.1.1"}}, "inst_values_str"},
		{"number range", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "port", Kind: cmdb.KindNumber, Lo: int64(5), Hi: int64(7), LoIncl: true}, "inst_values_num"},
		{"prefix", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "ip", Kind: cmdb.KindString, Lo: "10.0.1.", LoIncl: true, Hi: "10.0.1/"}, "inst_values_str"},
		{"and", &cmdb.IndexFilter{Op: cmdb.IdxAnd, Items: []*cmdb.IndexFilter{
			{Op: cmdb.IdxValue, Field: "ip", Kind: cmdb.KindString, In: []any{"10.0.1.1"}},
			{Op: cmdb.IdxValue, Field: "port", Kind: cmdb.KindNumber, In: []any{int64(57)}},
		}}, "inst_values_num"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := queryPlan(t, db, &cmdb.InstanceQuery{Scope: cmdb.Scope{"0"}, ObjID: "m", Filter: c.f})
			t.Logf("plan:\n%s", plan)
			if !strings.Contains(plan, c.index) {
				t.Errorf("plan does not use %s:\n%s", c.index, plan)
			}
			for _, line := range strings.Split(plan, "\n") {
				if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "SUBQUERY") && !strings.Contains(line, "(subquery") {
					t.Errorf("plan scans a table: %q\n%s", line, plan)
				}
			}
		})
	}
}
