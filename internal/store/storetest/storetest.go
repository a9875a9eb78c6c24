// Package storetest is the behaviour suite every cmdb.Store must pass. A
// store's own test calls Run with a function that opens a fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Opener returns a fresh, empty, migrated store for one subtest.
type Opener func(t *testing.T) cmdb.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	t.Run("IDsIncreaseAndNeverRepeat", func(t *testing.T) { testIDs(t, open(t)) })
	t.Run("RollbackDiscardsWritesAndIDs", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("ConcurrentUpdatesGetDistinctIDs", func(t *testing.T) { testConcurrentIDs(t, open(t)) })
	t.Run("RecordsRoundTrip", func(t *testing.T) { testRecords(t, open(t)) })
	t.Run("UniqueKeysConflict", func(t *testing.T) { testConflict(t, open(t)) })
	t.Run("Meta", func(t *testing.T) { testMeta(t, open(t)) })
	t.Run("Instances", func(t *testing.T) { testInstances(t, open(t)) })
	t.Run("InstanceIndex", func(t *testing.T) { testInstanceIndex(t, open(t)) })
	t.Run("InstAssts", func(t *testing.T) { testInstAssts(t, open(t)) })
}

var ctx = context.Background()

func update(t *testing.T, st cmdb.Store, fn func(cmdb.Tx) error) {
	t.Helper()
	if err := st.Update(ctx, fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, st cmdb.Store, fn func(cmdb.Tx) error) {
	t.Helper()
	if err := st.View(ctx, fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func testIDs(t *testing.T, st cmdb.Store) {
	var got []int64
	for i := 0; i < 200; i++ {
		update(t, st, func(tx cmdb.Tx) error {
			id, err := tx.NextID("seq_a")
			got = append(got, id)
			return err
		})
	}
	if got[0] != 1 {
		t.Errorf("first id = %d, want 1", got[0])
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("ids not increasing: %d after %d", got[i], got[i-1])
		}
	}
	var other int64
	update(t, st, func(tx cmdb.Tx) (err error) { other, err = tx.NextID("seq_b"); return })
	if other != 1 {
		t.Errorf("a second sequence starts at %d, want 1", other)
	}
}

func testRollback(t *testing.T, st cmdb.Store) {
	boom := errors.New("boom")
	var rolledBack int64
	err := st.Update(ctx, func(tx cmdb.Tx) error {
		id, err := tx.NextID("cc_ObjClassification")
		if err != nil {
			return err
		}
		rolledBack = id
		if err := tx.InsertClassification(&cmdb.Classification{ID: id, ClsID: "gone", Name: "gone", Supplier: "0"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update error = %v, want boom", err)
	}
	view(t, st, func(tx cmdb.Tx) error {
		cls, err := tx.Classifications()
		if len(cls) != 0 {
			t.Errorf("rolled back insert is visible: %+v", cls)
		}
		return err
	})
	var next int64
	update(t, st, func(tx cmdb.Tx) (err error) { next, err = tx.NextID("cc_ObjClassification"); return })
	// The id handed out in the rolled-back transaction may be reused or
	// skipped, but a later committed id must never collide with a committed
	// one: insert with it and with another and check both stick.
	update(t, st, func(tx cmdb.Tx) error {
		if err := tx.InsertClassification(&cmdb.Classification{ID: next, ClsID: "a", Name: "a", Supplier: "0"}); err != nil {
			return err
		}
		id2, err := tx.NextID("cc_ObjClassification")
		if err != nil {
			return err
		}
		if id2 == next {
			t.Errorf("NextID repeated %d", id2)
		}
		return tx.InsertClassification(&cmdb.Classification{ID: id2, ClsID: "b", Name: "b", Supplier: "0"})
	})
	_ = rolledBack
}

func testConcurrentIDs(t *testing.T, st cmdb.Store) {
	const workers, each = 8, 50
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				var id int64
				err := st.Update(ctx, func(tx cmdb.Tx) (err error) { id, err = tx.NextID("cc_InstAsst"); return })
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if seen[id] {
					errs <- errors.New("duplicate id")
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != workers*each {
		t.Fatalf("got %d distinct ids, want %d", len(seen), workers*each)
	}
}

func testRecords(t *testing.T, st cmdb.Store) {
	yes := true
	obj := cmdb.Object{ID: 7, ObjID: "sw", Name: "Switch", ClsID: "bk_network", Supplier: "0", Position: `{"a":1}`}
	attr := cmdb.Attribute{ID: 9, ObjID: "sw", PropertyID: "ip", PropertyName: "IP", Supplier: "0",
		Type: cmdb.TypeEnum, Option: []any{map[string]any{"id": "1", "name": "a", "type": "text", "is_default": true}},
		IsMultiple: &yes}
	kind := cmdb.AssociationKind{ID: 3, AsstID: "runs", AsstName: "runs", Supplier: "0", IsPre: &yes}
	oa := cmdb.ObjectAssociation{ID: 4, ObjAsstID: "sw_runs_host", ObjID: "sw", AsstObjID: "host", AsstID: "runs", Mapping: "1:n", Supplier: "0"}
	g := cmdb.AttributeGroup{ID: 5, ObjID: "sw", GroupID: "default", GroupName: "Default", Supplier: "0"}
	rule := cmdb.UniqueRule{ID: 6, ObjID: "sw", Keys: []string{"ip"}, Supplier: "0"}
	update(t, st, func(tx cmdb.Tx) error {
		return errors.Join(tx.InsertObject(&obj), tx.InsertAttribute(&attr), tx.InsertKind(&kind),
			tx.InsertObjAsst(&oa), tx.InsertGroup(&g), tx.InsertUniqueRule(&rule))
	})
	view(t, st, func(tx cmdb.Tx) error {
		objs, _ := tx.Objects()
		if len(objs) != 1 || objs[0].ObjID != "sw" || objs[0].Position != `{"a":1}` {
			t.Errorf("objects = %+v", objs)
		}
		attrs, _ := tx.Attributes("sw")
		if len(attrs) != 1 || attrs[0].IsMultiple == nil || !*attrs[0].IsMultiple {
			t.Fatalf("attributes = %+v", attrs)
		}
		opts, ok := attrs[0].Option.([]any)
		if !ok || len(opts) != 1 || !reflect.DeepEqual(opts[0].(map[string]any)["is_default"], true) {
			t.Errorf("option did not round-trip: %#v", attrs[0].Option)
		}
		if none, _ := tx.Attributes("other"); len(none) != 0 {
			t.Errorf("Attributes(other) = %+v", none)
		}
		kinds, _ := tx.Kinds()
		if len(kinds) != 1 || kinds[0].IsPre == nil || !*kinds[0].IsPre {
			t.Errorf("kinds = %+v", kinds)
		}
		oas, _ := tx.ObjAssts()
		if len(oas) != 1 || oas[0].Mapping != "1:n" {
			t.Errorf("object associations = %+v", oas)
		}
		rules, _ := tx.UniqueRules("sw")
		if len(rules) != 1 || !reflect.DeepEqual(rules[0].Keys, []string{"ip"}) {
			t.Errorf("unique rules = %+v", rules)
		}
		return nil
	})
	obj.Name = "Switch 2"
	attr.PropertyName = "IP 2"
	update(t, st, func(tx cmdb.Tx) error {
		return errors.Join(tx.UpdateObject(&obj), tx.UpdateAttribute(&attr))
	})
	update(t, st, func(tx cmdb.Tx) error {
		return errors.Join(tx.DeleteKind("0", kind.ID), tx.DeleteObjAsst("0", oa.ID),
			tx.DeleteGroups("0", "sw"), tx.DeleteUniqueRules("0", "sw"))
	})
	view(t, st, func(tx cmdb.Tx) error {
		objs, _ := tx.Objects()
		attrs, _ := tx.Attributes("")
		if objs[0].Name != "Switch 2" || attrs[0].PropertyName != "IP 2" {
			t.Errorf("updates lost: %+v %+v", objs[0], attrs[0])
		}
		kinds, _ := tx.Kinds()
		oas, _ := tx.ObjAssts()
		gs, _ := tx.Groups("sw")
		rules, _ := tx.UniqueRules("sw")
		if len(kinds)+len(oas)+len(gs)+len(rules) != 0 {
			t.Errorf("deletes left rows: %d %d %d %d", len(kinds), len(oas), len(gs), len(rules))
		}
		return nil
	})
}

func testConflict(t *testing.T, st cmdb.Store) {
	update(t, st, func(tx cmdb.Tx) error {
		return tx.InsertObject(&cmdb.Object{ID: 1, ObjID: "x", Supplier: "0"})
	})
	err := st.Update(ctx, func(tx cmdb.Tx) error {
		return tx.InsertObject(&cmdb.Object{ID: 2, ObjID: "x", Supplier: "0"})
	})
	if !errors.Is(err, cmdb.ErrConflict) {
		t.Fatalf("duplicate bk_obj_id: err = %v, want ErrConflict", err)
	}
	// The same id under another supplier is a different record.
	update(t, st, func(tx cmdb.Tx) error {
		return tx.InsertObject(&cmdb.Object{ID: 3, ObjID: "x", Supplier: "tenant2"})
	})
}

func testMeta(t *testing.T, st cmdb.Store) {
	update(t, st, func(tx cmdb.Tx) error {
		if _, ok, err := tx.Meta("k"); ok || err != nil {
			t.Errorf("Meta(k) on empty store = %v, %v", ok, err)
		}
		if err := tx.SetMeta("k", "1"); err != nil {
			return err
		}
		return tx.SetMeta("k", "2")
	})
	view(t, st, func(tx cmdb.Tx) error {
		v, ok, err := tx.Meta("k")
		if v != "2" || !ok {
			t.Errorf("Meta(k) = %q, %v", v, ok)
		}
		return err
	})
}

func testInstances(t *testing.T, st cmdb.Store) {
	update(t, st, func(tx cmdb.Tx) error {
		return errors.Join(
			tx.InsertInstance("0", "sw", 1, cmdb.Instance{"bk_inst_name": "a", "ip": "1"}),
			tx.InsertInstance("0", "sw", 2, cmdb.Instance{"bk_inst_name": "b", "ip": "2"}),
			tx.InsertInstance("t2", "sw", 3, cmdb.Instance{"bk_inst_name": "c"}),
		)
	})
	view(t, st, func(tx cmdb.Tx) error {
		n, _ := tx.CountInstances("0", "sw")
		all, _ := tx.CountInstances("", "sw")
		if n != 2 || all != 3 {
			t.Errorf("CountInstances = %d (supplier 0), %d (all); want 2, 3", n, all)
		}
		return nil
	})
	update(t, st, func(tx cmdb.Tx) error { return tx.UnsetInstanceField("0", "sw", "ip") })
}
