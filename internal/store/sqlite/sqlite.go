// Package sqlite is cmdb's embedded store: one SQLite file in WAL mode, one
// writer connection (writes are serialised, which makes every Update
// serialisable) and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/store/sqlstore"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// QueryTimeout bounds every transaction that has no earlier deadline.
const QueryTimeout = 60 * time.Second

// idBlock is how many ids a refill of a sequence takes at once.
const idBlock = 64

// DB is the SQLite store.
type DB struct {
	path   string
	writer *sql.DB
	reader *sql.DB

	mu  sync.Mutex
	ids map[string]*idRange

	// wmu is held through each write transaction and the update of
	// versions after it, so that versions advance in commit order.
	wmu sync.Mutex
	// versions mirrors asst_versions (summed per supplier and model) as of
	// the last commit; it is only kept when lock holds the data file for
	// this process alone (see lockFile), since no other process's writes
	// would reach it.
	vmu      sync.RWMutex
	versions map[sqlstore.VersionBump]int64
	lock     io.Closer
}

type idRange struct{ next, end int64 }

var _ cmdb.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	dsn := func(txlock string) string {
		q := url.Values{}
		if txlock == "immediate" {
			q.Add("_pragma", "cache_size(-8192)")
		}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_txlock", txlock)
		return "file:" + abs + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(8, runtime.NumCPU()*4)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{path: abs, writer: w, reader: r, ids: map[string]*idRange{}}
	lock, err := lockFile(abs + "-lock")
	if err != nil {
		db.Close()
		return nil, err
	}
	db.lock = lock
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if lock != nil {
		if db.versions, err = sqlstore.LoadVersions(ctx, db.writer); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes both pools and lets another process open the file.
func (db *DB) Close() error {
	err := errors.Join(db.reader.Close(), db.writer.Close())
	if db.lock != nil {
		err = errors.Join(err, db.lock.Close())
	}
	return err
}

// PeekInstAsstVersion reads the version from memory (cmdb.VersionPeeker):
// every write transaction of the file goes through this process, and adds
// its increments there after it commits and before its Update returns.
// Without the file lock it reads the database.
func (db *DB) PeekInstAsstVersion(ctx context.Context, scope cmdb.Scope, objID string) (int64, error) {
	if db.versions == nil {
		return sqlstore.PeekVersion(ctx, db.reader, Dialect, scope, objID)
	}
	db.vmu.RLock()
	defer db.vmu.RUnlock()
	var sum int64
	if scope == nil {
		for k, v := range db.versions {
			if k.ObjID == objID {
				sum += v
			}
		}
		return sum, nil
	}
	for _, sup := range scope {
		sum += db.versions[sqlstore.VersionBump{Supplier: sup, ObjID: objID}]
	}
	return sum, nil
}

// Ping checks that the file can be read.
func (db *DB) Ping(ctx context.Context) error {
	return db.reader.PingContext(ctx)
}

// Migrate applies every embedded migration not yet recorded, each in its own
// transaction, in file-name order.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		var one int
		err := db.writer.QueryRowContext(ctx, `SELECT 1 FROM schema_migrations WHERE name = ?`, base).Scan(&one)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.writer.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
			base, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, QueryTimeout)
}

// Dialect is SQLite's flavour of the shared statements.
var Dialect = &sqlstore.Dialect{
	Name: "sqlite",
	Cond: cond.SQLite,
	IsUniqueViolation: func(err error) bool {
		var se *sqlite.Error
		if errors.As(err, &se) {
			switch se.Code() {
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return true
			}
		}
		return false
	},
	UnsetField: func(field string) (string, any) {
		b, _ := json.Marshal(field)
		return `json_remove(data, ?)`, "$." + string(b)
	},
}

// mapErr turns a unique-constraint failure into cmdb.ErrConflict.
func mapErr(err error) error {
	if err != nil && Dialect.IsUniqueViolation(err) {
		return fmt.Errorf("%w: %v", cmdb.ErrConflict, err)
	}
	return err
}

// instAsstSelect and touchingQuery are the shared statements in SQLite's
// form, for the plan tests.
func instAsstSelect(q cmdb.InstAsstQuery) (string, []any, error) {
	return sqlstore.InstAsstSelect(Dialect, q)
}

func touchingQuery(scope cmdb.Scope, objID, side string, ids []int64) (string, []any) {
	return sqlstore.TouchingQuery(Dialect, scope, objID, side, ids)
}

// View runs fn on a reader connection inside one read transaction.
func (db *DB) View(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	sqlTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	return fn(sqlstore.NewTx(ctx, sqlTx, Dialect, nil, true))
}

// Update runs fn on the writer connection (BEGIN IMMEDIATE), committing when
// fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	db.wmu.Lock()
	defer db.wmu.Unlock()
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	ids := &txIDs{db: db}
	tx := sqlstore.NewTx(ctx, sqlTx, Dialect, ids, false)
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		db.dropRefills(ids.refilled)
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		db.dropRefills(ids.refilled)
		return err
	}
	if b := tx.Bumped(); len(b) > 0 && db.versions != nil {
		db.vmu.Lock()
		for _, k := range b {
			db.versions[k]++
		}
		db.vmu.Unlock()
	}
	return nil
}

// dropRefills forgets id blocks taken by a transaction that did not commit:
// the counter moved back with the rollback, so those ids would come again.
func (db *DB) dropRefills(seqs []string) {
	if len(seqs) == 0 {
		return
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, s := range seqs {
		delete(db.ids, s)
	}
}

// txIDs hands out ids to one write transaction from the store's blocks. A
// block is taken inside that transaction (SQLite has one writer, so there is
// no contention); the blocks it took are dropped if it does not commit.
type txIDs struct {
	db       *DB
	refilled []string
}

func (t *txIDs) NextID(ctx context.Context, tx *sql.Tx, seq string) (int64, error) {
	db := t.db
	db.mu.Lock()
	r := db.ids[seq]
	if r != nil && r.next < r.end {
		id := r.next
		r.next++
		db.mu.Unlock()
		return id, nil
	}
	db.mu.Unlock()
	var end int64
	err := tx.QueryRowContext(ctx, `INSERT INTO counters (name, next) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET next = next + ? RETURNING next`, seq, 1+idBlock, idBlock).Scan(&end)
	if err != nil {
		return 0, err
	}
	start := end - idBlock
	db.mu.Lock()
	db.ids[seq] = &idRange{next: start + 1, end: end}
	db.mu.Unlock()
	t.refilled = append(t.refilled, seq)
	return start, nil
}

// touchingSides and instanceWhere: the shared statement parts, for the plan
// tests.
var touchingSides = sqlstore.TouchingSides

func instanceWhere(q *cmdb.InstanceQuery) (string, []any, error) { return sqlstore.InstanceWhere(q) }
