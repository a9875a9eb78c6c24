package sqlite_test

import (
	"context"
	"path/filepath"
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
