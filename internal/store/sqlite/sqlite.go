// Package sqlite is cmdb's embedded store: one SQLite file in WAL mode, one
// writer connection (writes are serialised, which makes every Update
// serialisable) and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
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
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{path: abs, writer: w, reader: r, ids: map[string]*idRange{}}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.reader.Close(), db.writer.Close())
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

// View runs fn on a reader connection inside one read transaction.
func (db *DB) View(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	sqlTx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	t := &tx{ctx: ctx, tx: sqlTx, db: db, readOnly: true}
	return fn(t)
}

// Update runs fn on the writer connection (BEGIN IMMEDIATE), committing when
// fn returns nil.
func (db *DB) Update(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	sqlTx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &tx{ctx: ctx, tx: sqlTx, db: db}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		db.dropRefills(t.refilled)
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		db.dropRefills(t.refilled)
		return err
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

type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	db       *DB
	readOnly bool
	refilled []string
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return res, nil
}

// mapErr turns a unique-constraint failure into cmdb.ErrConflict.
func mapErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", cmdb.ErrConflict, err)
		}
	}
	return err
}

// NextID hands out ids from a block taken from the counters table. The block
// is taken inside the caller's transaction (SQLite has one writer); a
// rollback discards it.
func (t *tx) NextID(seq string) (int64, error) {
	if t.readOnly {
		return 0, errors.New("sqlite: NextID in a read transaction")
	}
	t.db.mu.Lock()
	r := t.db.ids[seq]
	if r != nil && r.next < r.end {
		id := r.next
		r.next++
		t.db.mu.Unlock()
		return id, nil
	}
	t.db.mu.Unlock()
	var end int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO counters (name, next) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET next = next + ? RETURNING next`, seq, 1+idBlock, idBlock).Scan(&end)
	if err != nil {
		return 0, err
	}
	start := end - idBlock
	t.db.mu.Lock()
	t.db.ids[seq] = &idRange{next: start + 1, end: end}
	t.db.mu.Unlock()
	t.refilled = append(t.refilled, seq)
	return start, nil
}

func (t *tx) Meta(key string) (string, bool, error) {
	var v string
	err := t.tx.QueryRowContext(t.ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (t *tx) SetMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
