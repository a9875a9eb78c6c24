package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for schema setup
	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/store/postgres"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// PostgresDSNVar names the database PostgreSQL tests may use.
const PostgresDSNVar = "CMDB_TEST_POSTGRES_DSN"

// OpenSQLite opens a fresh SQLite store in a temporary directory.
func OpenSQLite(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmdb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresSchema makes a fresh, empty schema in the test database and
// returns a DSN whose search_path is that schema (dropped when the test
// ends); it skips the test when CMDB_TEST_POSTGRES_DSN is not set.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresDSNVar)
	if dsn == "" {
		t.Skip(PostgresDSNVar + " is not set: PostgreSQL tests skipped")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "cmdbt_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens the PostgreSQL store on a fresh schema (see
// PostgresSchema).
func OpenPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenAny opens the store the test run is about: PostgreSQL when
// CMDB_TEST_POSTGRES_DSN is set (CI's second pass runs the API suites that
// way), else SQLite.
func OpenAny(t testing.TB) cmdb.Store {
	t.Helper()
	if os.Getenv(PostgresDSNVar) != "" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// Kind names the store OpenAny opens, for test names and logs.
func Kind() string {
	if strings.TrimSpace(os.Getenv(PostgresDSNVar)) != "" {
		return "postgres"
	}
	return "sqlite"
}
