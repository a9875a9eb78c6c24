package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// testInstanceIndex is the behaviour of the instance value index and unique
// keys (cmdb.InstanceTx): writes keep them in step, lookups answer with
// MongoDB's type brackets, unique keys conflict across instances only.
func testInstanceIndex(t *testing.T, st cmdb.Store) {
	n := func(s string) json.Number { return json.Number(s) }
	docs := map[int64]cmdb.Instance{
		1: {"name": "a", "port": n("80"), "up": true, "tags": []any{"x", "y"}, "when": "2024-05-01T10:00:00.000Z"},
		2: {"name": "b", "port": n("80.0"), "up": false, "tags": []any{"y"}, "when": "2024-05-02T10:00:00.000Z"},
		3: {"name": "ab", "port": n("443"), "up": nil, "tags": []any{}, "obj": map[string]any{"k": "a"}},
		4: {"name": "80", "port": "80", "tags": []any{[]any{"x"}}},
		5: {"name": "c", "port": n("9007199254740993")},
	}
	dates := map[string]bool{"when": true}
	put := func(tx cmdb.Tx, sup string, id int64, d cmdb.Instance, uniq []cmdb.UniqueKey, replace bool) error {
		return tx.PutInstance(&cmdb.InstanceWrite{Supplier: sup, ObjID: "m", ID: id, Data: d,
			Index: cmdb.IndexInstance("m", d, dates), Unique: uniq, Replace: replace})
	}
	update(t, st, func(tx cmdb.Tx) error {
		for id := int64(1); id <= 5; id++ {
			if err := put(tx, "0", id, docs[id], []cmdb.UniqueKey{{RuleID: 7, Hash: fmt.Sprint("k", id)}}, false); err != nil {
				return err
			}
		}
		return put(tx, "t2", 6, cmdb.Instance{"name": "a"}, []cmdb.UniqueKey{{RuleID: 7, Hash: "k1"}}, false)
	})

	ids := func(t *testing.T, q cmdb.InstanceQuery) []int64 {
		t.Helper()
		var got []int64
		view(t, st, func(tx cmdb.Tx) error {
			return tx.QueryInstances(&q, func(si cmdb.StoredInstance) (bool, error) {
				got = append(got, si.ID)
				return true, nil
			})
		})
		return got
	}
	val := func(field string, kind cmdb.IndexKind, in ...any) *cmdb.IndexFilter {
		return &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: field, Kind: kind, In: in}
	}
	scope0 := cmdb.Scope{"0"}
	cases := []struct {
		name string
		f    *cmdb.IndexFilter
		want []int64
	}{
		{"string equality", val("name", cmdb.KindString, "a"), []int64{1}},
		{"string is not a number", val("name", cmdb.KindNumber, int64(80)), nil},
		{"integer equals float", val("port", cmdb.KindNumber, int64(80)), []int64{1, 2}},
		{"number is not a string", val("port", cmdb.KindString, "80"), []int64{4}},
		{"big integers stay exact", val("port", cmdb.KindNumber, int64(9007199254740992)), nil},
		{"bool", val("up", cmdb.KindBool, int64(1)), []int64{1}},
		{"array element", val("tags", cmdb.KindString, "y"), []int64{1, 2}},
		{"nested array not indexed", val("tags", cmdb.KindString, "x"), []int64{1}},
		{"in", val("name", cmdb.KindString, "a", "b", "zz"), []int64{1, 2}},
		{"date", val("when", cmdb.KindDate, int64(1714557600000)), []int64{1}},
		{"date is not its text", val("when", cmdb.KindString, "2024-05-01T10:00:00.000Z"), nil},
		{"range", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "port", Kind: cmdb.KindNumber, Lo: int64(80), LoIncl: false, Hi: int64(500)}, []int64{3}},
		{"inclusive range", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "port", Kind: cmdb.KindNumber, Lo: float64(80), LoIncl: true, Hi: int64(443), HiIncl: true}, []int64{1, 2, 3}},
		{"prefix range", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "name", Kind: cmdb.KindString, Lo: "a", LoIncl: true, Hi: "b"}, []int64{1, 3}},
		{"any string", &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "name", Kind: cmdb.KindString}, []int64{1, 2, 3, 4, 5}},
		{"and", &cmdb.IndexFilter{Op: cmdb.IdxAnd, Items: []*cmdb.IndexFilter{val("port", cmdb.KindNumber, int64(80)), val("tags", cmdb.KindString, "x")}}, []int64{1}},
		{"or", &cmdb.IndexFilter{Op: cmdb.IdxOr, Items: []*cmdb.IndexFilter{val("name", cmdb.KindString, "c"), val("up", cmdb.KindBool, int64(0))}}, []int64{2, 5}},
		{"id", &cmdb.IndexFilter{Op: cmdb.IdxID, In: []any{int64(2), int64(5), int64(6)}}, []int64{2, 5}},
		{"id range", &cmdb.IndexFilter{Op: cmdb.IdxID, Lo: 3.5}, []int64{4, 5}},
		{"none", &cmdb.IndexFilter{Op: cmdb.IdxNone}, nil},
		{"no filter", nil, []int64{1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: c.f})
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			var count int64
			view(t, st, func(tx cmdb.Tx) (err error) {
				count, err = tx.CountInstanceQuery(&cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: c.f})
				return err
			})
			if count != int64(len(c.want)) {
				t.Errorf("count = %d, want %d", count, len(c.want))
			}
		})
	}

	t.Run("paging and order", func(t *testing.T) {
		got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Desc: true, Offset: 1, Limit: 2})
		if want := []int64{4, 3}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("scope", func(t *testing.T) {
		got := ids(t, cmdb.InstanceQuery{Scope: cmdb.Scope{"0", "t2"}, ObjID: "m", Filter: val("name", cmdb.KindString, "a")})
		if want := []int64{1, 6}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		got = ids(t, cmdb.InstanceQuery{Scope: nil, ObjID: "m"})
		if len(got) != 6 {
			t.Errorf("superadmin sees %v, want 6 instances", got)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		view(t, st, func(tx cmdb.Tx) error {
			got, err := tx.GetInstances(scope0, "m", []int64{3, 1, 99})
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0].ID != 1 || got[1].ID != 3 {
				t.Fatalf("GetInstances = %+v", got)
			}
			if got[0].Data["port"] != n("80") || got[1].Data["obj"].(map[string]any)["k"] != "a" || got[1].Data["up"] != nil {
				t.Errorf("values did not round-trip: %#v %#v", got[0].Data, got[1].Data)
			}
			return nil
		})
	})
	t.Run("unique conflict writes nothing", func(t *testing.T) {
		err := st.Update(ctx, func(tx cmdb.Tx) error {
			return put(tx, "0", 10, cmdb.Instance{"name": "dup"}, []cmdb.UniqueKey{{RuleID: 7, Hash: "k2"}}, false)
		})
		u, ok := cmdb.AsUniqueConflict(err)
		if !ok || u.RuleID != 7 || !errors.Is(err, cmdb.ErrConflict) {
			t.Fatalf("err = %v, want a unique conflict on rule 7", err)
		}
		if got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: val("name", cmdb.KindString, "dup")}); got != nil {
			t.Errorf("conflicting write left %v", got)
		}
		// Replacing an instance keeps its own key.
		update(t, st, func(tx cmdb.Tx) error {
			d := cmdb.Instance{"name": "b2", "port": n("81")}
			return put(tx, "0", 2, d, []cmdb.UniqueKey{{RuleID: 7, Hash: "k2"}}, true)
		})
		if got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: val("name", cmdb.KindString, "b")}); got != nil {
			t.Errorf("old index rows survive a replace: %v", got)
		}
		if got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: val("name", cmdb.KindString, "b2")}); !reflect.DeepEqual(got, []int64{2}) {
			t.Errorf("new index rows missing: %v", got)
		}
	})
	t.Run("delete frees keys and index", func(t *testing.T) {
		update(t, st, func(tx cmdb.Tx) error {
			k, err := tx.DeleteInstances(scope0, "m", []int64{2, 42})
			if k != 1 {
				t.Errorf("deleted %d, want 1", k)
			}
			return err
		})
		if got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: val("name", cmdb.KindString, "b2")}); got != nil {
			t.Errorf("deleted instance still indexed: %v", got)
		}
		update(t, st, func(tx cmdb.Tx) error {
			return put(tx, "0", 11, cmdb.Instance{"name": "new"}, []cmdb.UniqueKey{{RuleID: 7, Hash: "k2"}}, false)
		})
	})
	t.Run("unset field", func(t *testing.T) {
		update(t, st, func(tx cmdb.Tx) error { return tx.UnsetInstanceField("0", "m", "port") })
		if got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "m", Filter: &cmdb.IndexFilter{Op: cmdb.IdxValue, Field: "port", Kind: cmdb.KindNumber}}); got != nil {
			t.Errorf("unset field still indexed: %v", got)
		}
		view(t, st, func(tx cmdb.Tx) error {
			got, err := tx.GetInstances(scope0, "m", []int64{1})
			if err == nil {
				if _, has := got[0].Data["port"]; has {
					t.Errorf("field survives unset: %v", got[0].Data)
				}
			}
			return err
		})
	})
	t.Run("insert instance indexes system times", func(t *testing.T) {
		update(t, st, func(tx cmdb.Tx) error {
			return tx.InsertInstance("0", "biz", 3, cmdb.Instance{"bk_biz_id": n("3"), "bk_biz_name": "x", "create_time": "2024-05-01T10:00:00.000Z"})
		})
		got := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "biz", Filter: val("create_time", cmdb.KindDate, int64(1714557600000))})
		got2 := ids(t, cmdb.InstanceQuery{Scope: scope0, ObjID: "biz", Filter: val("bk_biz_id", cmdb.KindNumber, int64(3))})
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		if !reflect.DeepEqual(got, []int64{3}) || got2 != nil {
			t.Errorf("got %v and %v, want [3] (time indexed as a date) and [] (the id field is the row key)", got, got2)
		}
	})
}
