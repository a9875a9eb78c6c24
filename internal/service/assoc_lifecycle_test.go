package service

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// asstTestStore is a fresh SQLite store with instances and rows for the
// instance-delete rule: routers 1–4 and firewalls 1–2 of supplier 0.
func asstTestStore(t *testing.T) cmdb.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmdb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.Update(context.Background(), func(tx cmdb.Tx) error {
		for _, p := range []struct {
			obj string
			ids []int64
		}{{"bk_router", []int64{1, 2, 3, 4}}, {"bk_firewall", []int64{1, 2}}} {
			for _, id := range p.ids {
				if err := tx.InsertInstance("0", p.obj, id, cmdb.Instance{"bk_inst_id": id, "bk_obj_id": p.obj}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// asstRow is a row id: src router → dst of model dstObj, supplier 0.
func asstRow(id int64, srcObj string, src int64, dstObj string, dst int64) cmdb.InstAssociation {
	return cmdb.InstAssociation{ID: id, InstID: src, ObjID: srcObj, AsstInstID: dst, AsstObjID: dstObj, Supplier: "0",
		ObjAsstID: srcObj + "_default_" + dstObj, AsstID: "default"}
}

// deleteRecorder records the DeleteInstAssts calls of a transaction.
type deleteRecorder struct {
	cmdb.Tx
	calls [][]int64
}

func (r *deleteRecorder) DeleteInstAssts(scope cmdb.Scope, ids []int64) (int64, error) {
	r.calls = append(r.calls, slices.Clone(ids))
	return r.Tx.DeleteInstAssts(scope, ids)
}

// TestCheckInstanceDelete is the association rule of instance deletion
// (associations.md §0.6) on its own, until and besides delete_inst: an
// instance whose row's other end exists may not go (1101075) and nothing
// changes; rows whose other end is gone are deleted, by id, never with an
// empty list; rows of other suppliers are not touched.
func TestCheckInstanceDelete(t *testing.T) {
	const r, f = "bk_router", "bk_firewall"
	for _, c := range []struct {
		name string
		rows []cmdb.InstAssociation
		// drop are instances removed before the check (dangling ends).
		drop    map[string][]int64
		obj     string
		ids     []int64
		blocked bool
		// deleted are the row ids the check removes.
		deleted []int64
	}{
		{name: "no ids", obj: r, ids: nil, rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1)}},
		{name: "no rows", obj: r, ids: []int64{1}},
		{name: "source with a live target", obj: r, ids: []int64{1}, rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1)}, blocked: true},
		{name: "target with a live source", obj: f, ids: []int64{1}, rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1)}, blocked: true},
		{name: "dangling target", obj: r, ids: []int64{1}, rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1), asstRow(2, r, 1, f, 2)},
			drop: map[string][]int64{f: {1, 2}}, deleted: []int64{1, 2}},
		{name: "dangling source", obj: f, ids: []int64{2}, rows: []cmdb.InstAssociation{asstRow(5, r, 3, f, 2)},
			drop: map[string][]int64{r: {3}}, deleted: []int64{5}},
		{name: "one live row among dangling ones blocks, nothing goes", obj: r, ids: []int64{1},
			rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1), asstRow(2, r, 1, f, 2)}, drop: map[string][]int64{f: {1}}, blocked: true},
		{name: "self row", obj: r, ids: []int64{1}, rows: []cmdb.InstAssociation{asstRow(1, r, 1, r, 1)}, blocked: true},
		{name: "row between two instances of the same call", obj: r, ids: []int64{1, 2},
			rows: []cmdb.InstAssociation{asstRow(1, r, 1, r, 2)}, blocked: true},
		{name: "rows of other instances are not looked at", obj: r, ids: []int64{4},
			rows: []cmdb.InstAssociation{asstRow(1, r, 1, f, 1), asstRow(2, r, 2, r, 3)}},
		{name: "another supplier's rows are not touched", obj: r, ids: []int64{1},
			rows: []cmdb.InstAssociation{func() cmdb.InstAssociation { a := asstRow(1, r, 1, f, 1); a.Supplier = "x"; return a }()}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st := asstTestStore(t)
			err := st.Update(ctx, func(tx cmdb.Tx) error {
				if err := insertObjAsstsOf(tx, c.rows); err != nil {
					return err
				}
				for i := range c.rows {
					if err := tx.InsertInstAsst(&c.rows[i]); err != nil {
						return err
					}
				}
				for obj, ids := range c.drop {
					if _, err := tx.DeleteInstances(cmdb.ScopeOf("0"), obj, ids); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			rec := &deleteRecorder{}
			err = st.Update(ctx, func(tx cmdb.Tx) error {
				rec.Tx = tx
				return checkInstanceDelete(rec, Caller{Supplier: "0", User: "admin"}, c.obj, c.ids)
			})
			if c.blocked {
				if e := cmdb.AsError(err); e == nil || e.Code != cmdb.CodeInstHasAsst || e.Message(cmdb.LangEN) != "the inst has association" {
					t.Fatalf("got %v, want 1101075", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			for _, call := range rec.calls {
				if len(call) == 0 {
					t.Errorf("DeleteInstAssts called with no ids")
				}
			}
			var left []int64
			st.View(ctx, func(tx cmdb.Tx) error {
				return tx.EachInstAsst(cmdb.InstAsstQuery{}, func(a *cmdb.InstAssociation) error {
					left = append(left, a.ID)
					return nil
				})
			})
			var want []int64
			for _, row := range c.rows {
				if !slices.Contains(c.deleted, row.ID) {
					want = append(want, row.ID)
				}
			}
			slices.Sort(want)
			if !slices.Equal(left, want) {
				t.Errorf("rows left %v, want %v", left, want)
			}
			if len(c.deleted) == 0 && len(rec.calls) != 0 {
				t.Errorf("DeleteInstAssts called %v with nothing dangling", rec.calls)
			}
		})
	}
}

// insertObjAsstsOf inserts the model association of each row (supplier 0):
// rows are only ever written under an existing one, and the store finds a
// model's rows through its model associations.
func insertObjAsstsOf(tx cmdb.Tx, rows []cmdb.InstAssociation) error {
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.ObjAsstID] {
			continue
		}
		seen[r.ObjAsstID] = true
		id, err := tx.NextID("cc_ObjAsst")
		if err != nil {
			return err
		}
		if err := tx.InsertObjAsst(&cmdb.ObjectAssociation{ID: id, Supplier: "0", ObjAsstID: r.ObjAsstID, ObjID: r.ObjID,
			AsstObjID: r.AsstObjID, AsstID: r.AsstID, Mapping: "n:n"}); err != nil {
			return err
		}
	}
	return nil
}

// TestBatchCreateNNPairs: an n:n batch of supplier 0 skips the pairs
// present at the insert rather than reading them first. Items whose pair is
// present, or repeats an earlier item's, report "already exist"; the others
// are created with their ids. The one difference from reading first: a pair
// present as a dangling row (its source gone) reports the missing instance.
func TestBatchCreateNNPairs(t *testing.T) {
	ctx := context.Background()
	st := asstTestStore(t)
	s := New(st, nil)
	c := Caller{Supplier: "0", User: "u", Lang: cmdb.LangEN}
	a := asstRow(0, "bk_router", 1, "bk_firewall", 1)
	if err := st.Update(ctx, func(tx cmdb.Tx) error {
		if err := insertObjAsstsOf(tx, []cmdb.InstAssociation{a}); err != nil {
			return err
		}
		for i, p := range [][2]int64{{1, 1}, {3, 2}} {
			r := asstRow(int64(900+i), "bk_router", p[0], "bk_firewall", p[1])
			if err := tx.InsertInstAsst(&r); err != nil {
				return err
			}
		}
		_, err := tx.DeleteInstances(cmdb.ScopeOf("0"), "bk_router", []int64{3}) // (3,2) dangles
		return err
	}); err != nil {
		t.Fatal(err)
	}
	in := BatchInstAsstInput{ObjAsstID: a.ObjAsstID, ObjID: "bk_router", AsstObjID: "bk_firewall"}
	for _, p := range [][2]int64{{1, 1}, {2, 1}, {2, 1}, {3, 2}, {1, 2}} {
		in.Details = append(in.Details, struct {
			InstID     int64 `json:"bk_inst_id"`
			AsstInstID int64 `json:"bk_asst_inst_id"`
		}{p[0], p[1]})
	}
	res, err := s.BatchCreateInstAsst(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	exist := cmdb.Errorf(cmdb.CodeAssociationAlreadyExist, "bk_router", "bk_firewall").Message(cmdb.LangEN)
	missing := cmdb.Errorf(cmdb.CodeAsstInstIsNotExist).Message(cmdb.LangEN)
	wantErr := map[string]string{"0": exist, "2": exist, "3": missing}
	if !reflect.DeepEqual(res.Errors, wantErr) {
		t.Errorf("errors %v, want %v", res.Errors, wantErr)
	}
	if len(res.Created) != 2 || res.Created["1"] == 0 || res.Created["4"] == 0 {
		t.Fatalf("created %v, want items 1 and 4", res.Created)
	}
	st.View(ctx, func(tx cmdb.Tx) error {
		for _, key := range []string{"1", "4"} {
			if r, err := tx.InstAsstByID(nil, res.Created[key]); err != nil || r == nil {
				t.Errorf("item %s: row %d not stored (%v)", key, res.Created[key], err)
			}
		}
		return nil
	})
}
