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
	"sync"
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

// OpenPostgres opens the PostgreSQL store on an empty schema. Schemas are
// reused within a test process: when a test ends its store is closed, every
// table but schema_migrations is emptied and the schema goes back to a free
// list, which saves the migrations (most of the cost of a fresh store).
func OpenPostgres(t testing.TB) *postgres.DB {
	t.Helper()
	dsn := reusableSchema(t)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		releaseSchema(dsn)
	})
	return db
}

var schemaPool struct {
	sync.Mutex
	free  []string
	admin *sql.DB
}

// reusableSchema returns the DSN of an empty schema from the pool, or of a
// new one (kept until the process ends).
func reusableSchema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresDSNVar)
	if dsn == "" {
		t.Skip(PostgresDSNVar + " is not set: PostgreSQL tests skipped")
	}
	schemaPool.Lock()
	defer schemaPool.Unlock()
	if n := len(schemaPool.free); n > 0 {
		s := schemaPool.free[n-1]
		schemaPool.free = schemaPool.free[:n-1]
		return s
	}
	if schemaPool.admin == nil {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		schemaPool.admin = admin
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "cmdbp_" + hex.EncodeToString(b[:])
	if _, err := schemaPool.admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// releaseSchema empties the schema's tables and returns it to the pool; a
// schema that cannot be emptied is dropped instead.
func releaseSchema(dsn string) {
	u, err := url.Parse(dsn)
	if err != nil {
		return
	}
	schema := u.Query().Get("search_path")
	schemaPool.Lock()
	admin := schemaPool.admin
	schemaPool.Unlock()
	if admin == nil || schema == "" {
		return
	}
	rows, err := admin.Query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`, schema)
	if err != nil {
		return
	}
	var stmts []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			stmts = append(stmts, `DELETE FROM `+schema+`.`+name)
		}
	}
	rows.Close()
	if _, err := admin.Exec(strings.Join(stmts, "; ")); err != nil {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		return
	}
	schemaPool.Lock()
	schemaPool.free = append(schemaPool.free, dsn)
	schemaPool.Unlock()
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
