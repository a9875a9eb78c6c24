package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cmdb.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmdb.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cmdb.db")
	for i := 0; i < 2; i++ {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
		db.Close()
	}
}

// TestOneProcessPerFile: a data file is served by one store at a time (the
// versions kept in memory must see every write); it opens again once
// closed, and the versions it reads then are the database's.
func TestOneProcessPerFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cmdb.db")
	a, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := sqlite.Open(ctx, path); err == nil {
		b.Close()
		a.Close()
		t.Fatal("a second store opened a file in use")
	} else if !strings.Contains(err.Error(), "in use by another cmdb process") {
		t.Fatalf("second open: %v", err)
	}
	// A write that advances versions, then a new store on the file.
	if err := a.Update(ctx, func(tx cmdb.Tx) error {
		if err := tx.InsertObjAsst(&cmdb.ObjectAssociation{ID: 1, Supplier: "0", ObjAsstID: "a_connect_b", ObjID: "a",
			AsstObjID: "b", AsstID: "connect", Mapping: "n:n"}); err != nil {
			return err
		}
		return tx.InsertInstAsst(&cmdb.InstAssociation{ID: 7, Supplier: "0", ObjAsstID: "a_connect_b", ObjID: "a",
			InstID: 1, AsstObjID: "b", AsstInstID: 2, AsstID: "connect"})
	}); err != nil {
		t.Fatal(err)
	}
	before, err := a.PeekInstAsstVersion(ctx, cmdb.ScopeOf("0"), "b")
	if err != nil || before == 0 {
		t.Fatalf("peek after a write: %d, %v", before, err)
	}
	a.Close()
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	defer b.Close()
	if after, err := b.PeekInstAsstVersion(ctx, cmdb.ScopeOf("0"), "b"); err != nil || after != before {
		t.Fatalf("peek after reopening: %d, %v; want %d", after, err, before)
	}
}
