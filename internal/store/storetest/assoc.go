package storetest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// testInstAssts: a batch of rows written in one statement reads back field
// for field, whatever characters its strings hold; its pairs are found
// again, and a pair already present is refused as a conflict.
func testInstAssts(t *testing.T, st cmdb.Store) {
	const oa = `m"1_li\nnk_m'2`
	var rows []cmdb.InstAssociation
	for i := int64(1); i <= 300; i++ {
		rows = append(rows, cmdb.InstAssociation{ID: 1000 + i, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`, InstID: i % 7,
			AsstObjID: `m'2`, AsstInstID: i, AsstID: `li\nnk ✓`, BizID: i % 3})
	}
	update(t, st, func(tx cmdb.Tx) error {
		if err := tx.InsertObjAsst(&cmdb.ObjectAssociation{ID: 1, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`,
			AsstObjID: `m'2`, AsstID: `li\nnk ✓`, Mapping: "n:n"}); err != nil {
			return err
		}
		return tx.InsertInstAssts(rows)
	})
	view(t, st, func(tx cmdb.Tx) error {
		var got []cmdb.InstAssociation
		err := tx.EachInstAsst(cmdb.InstAsstQuery{Scope: cmdb.ScopeOf("0"), ObjID: `m'2`,
			Where: cond.Pred{Field: "bk_obj_asst_id", Op: cond.OpEq, Value: oa}}, func(a *cmdb.InstAssociation) error {
			got = append(got, *a)
			return nil
		})
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, rows) {
			t.Errorf("read back %d rows, want %d; first %+v, want %+v", len(got), len(rows), first(got), first(rows))
		}
		taken, err := tx.InstAsstPairsTaken(cmdb.ScopeOf("0"), oa, [][2]int64{{1, 1}, {2, 1}, {6, 300}, {0, 7}, {4, 299}})
		if err != nil {
			return err
		}
		want := map[[2]int64]bool{{1, 1}: true, {6, 300}: true, {0, 7}: true}
		if !reflect.DeepEqual(taken, want) {
			t.Errorf("pairs taken %v, want %v", taken, want)
		}
		return nil
	})
	err := st.Update(ctx, func(tx cmdb.Tx) error {
		return tx.InsertInstAssts([]cmdb.InstAssociation{{ID: 5000, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`, InstID: 3,
			AsstObjID: `m'2`, AsstInstID: 10, AsstID: "x"}})
	})
	if !errors.Is(err, cmdb.ErrConflict) {
		t.Errorf("a pair present again: %v, want a conflict", err)
	}
	// InsertNewInstAssts skips the pairs present (no conflict) and tells
	// which it stored.
	var inserted map[[2]int64]bool
	update(t, st, func(tx cmdb.Tx) (err error) {
		inserted, err = tx.InsertNewInstAssts([]cmdb.InstAssociation{
			{ID: 6000, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`, InstID: 3, AsstObjID: `m'2`, AsstInstID: 10, AsstID: "x"},  // present
			{ID: 6001, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`, InstID: 4, AsstObjID: `m'2`, AsstInstID: 10, AsstID: "x"},  // new
			{ID: 6002, Supplier: "x", ObjAsstID: oa, ObjID: `m"1`, InstID: 3, AsstObjID: `m'2`, AsstInstID: 10, AsstID: "x"},  // another supplier's
			{ID: 6003, Supplier: "0", ObjAsstID: oa, ObjID: `m"1`, InstID: 6, AsstObjID: `m'2`, AsstInstID: 300, AsstID: "x"}, // present
		})
		return err
	})
	if want := map[[2]int64]bool{{4, 10}: true, {3, 10}: true}; !reflect.DeepEqual(inserted, want) {
		t.Errorf("InsertNewInstAssts stored %v, want %v", inserted, want)
	}
	view(t, st, func(tx cmdb.Tx) error {
		for id, want := range map[int64]bool{6000: false, 6001: true, 6002: true, 6003: false} {
			a, err := tx.InstAsstByID(nil, id)
			if err != nil {
				return err
			}
			if (a != nil) != want {
				t.Errorf("row %d stored: %v, want %v", id, a != nil, want)
			}
		}
		return nil
	})
}

func first(rows []cmdb.InstAssociation) any {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// AddInstAssts stores, in one transaction, n rows like row (its model
// association, ends and supplier) from its source to the targets
// from+1 … from+n, each with a fresh id.
func AddInstAssts(tb testing.TB, st cmdb.Store, row cmdb.InstAssociation, from, n int64) {
	tb.Helper()
	err := st.Update(ctx, func(tx cmdb.Tx) error {
		rows := make([]cmdb.InstAssociation, 0, n)
		for dst := from + 1; dst <= from+n; dst++ {
			id, err := tx.NextID("cc_InstAsst")
			if err != nil {
				return err
			}
			r := row
			r.ID, r.AsstInstID = id, dst
			rows = append(rows, r)
		}
		return tx.InsertInstAssts(rows)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
