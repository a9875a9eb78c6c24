// Package postgres is cmdb's PostgreSQL store: many stateless cmdb nodes
// over one database. Writes run SERIALIZABLE and are retried on
// serialisation failures, so that every rule checked inside a transaction
// holds across nodes; ids come in blocks from a counters table, taken in
// short transactions of their own; the SQL stays within what CockroachDB
// and YugabyteDB also accept (no advisory locks, no LISTEN/NOTIFY).
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// QueryTimeout bounds every transaction that has no earlier deadline.
const QueryTimeout = 60 * time.Second

// idBlock is how many ids one refill of a sequence takes: one short
// transaction on the counters row per block, whatever the number of nodes.
const idBlock = 256

// maxAttempts bounds the retries of a serialisation failure or of a
// connection lost before commit.
const maxAttempts = 8

// Dialect is PostgreSQL's flavour of the shared statements.
var Dialect = &sqlstore.Dialect{
	Name:      "postgres",
	Cond:      cond.Postgres,
	Numbered:  true,
	RowLocks:  true,
	IntArrays: true,
	IsUniqueViolation: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	UnsetField: func(field string) (string, any) {
		return `(data::jsonb - ?::text)::text`, field
	},
}

// DB is the PostgreSQL store.
type DB struct {
	pool   *pgxpool.Pool
	db     *sql.DB
	idPool *pgxpool.Pool // refills of id blocks, never starved by transactions

	mu  sync.Mutex
	ids map[string]*idRange
}

type idRange struct{ next, end int64 }

var _ cmdb.Store = (*DB)(nil)

// Open connects to dsn (postgres://…) and applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	idCfg := cfg.Copy()
	idCfg.MaxConns = 2
	idCfg.MinConns = 0
	idPool, err := pgxpool.NewWithConfig(ctx, idCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{pool: pool, db: stdlib.OpenDBFromPool(pool), idPool: idPool, ids: map[string]*idRange{}}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.db.Close()
	db.pool.Close()
	db.idPool.Close()
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.pool.Ping(ctx)
}

// Migrate applies every embedded migration not yet recorded. Each runs in
// one transaction that first claims its name in schema_migrations: a node
// starting at the same time waits on that row and then skips the migration.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		if !Dialect.IsUniqueViolation(err) {
			return fmt.Errorf("postgres: migrations table: %w", err)
		}
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if err := db.applyMigration(ctx, base, string(body)); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name, body string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // applied already, by this node or another
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	return tx.Commit()
}

func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, QueryTimeout)
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot.
func (db *DB) View(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	for attempt := 1; ; attempt++ {
		sqlTx, err := db.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		err = fn(sqlstore.NewTx(ctx, sqlTx, Dialect, nil, true))
		sqlTx.Rollback()
		if err != nil && attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
			backoff(ctx, attempt)
			continue
		}
		return unavailable(err)
	}
}

// Update runs fn in a SERIALIZABLE transaction and commits it. A
// serialisation failure, or a connection lost before the commit was sent,
// runs fn again in a new transaction (fn has no effects outside it); a
// failure of the commit itself other than a serialisation failure is not
// retried, since the commit may have happened.
func (db *DB) Update(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	for attempt := 1; ; attempt++ {
		sqlTx, err := db.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		err = fn(sqlstore.NewTx(ctx, sqlTx, Dialect, db, false))
		if err != nil {
			sqlTx.Rollback()
			if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
				backoff(ctx, attempt)
				continue
			}
			if attempt < maxConflictAttempts && racedUniqueViolation(err) && ctx.Err() == nil {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		err = sqlTx.Commit()
		if err == nil {
			return nil
		}
		if attempt < maxAttempts && serializationFailure(err) && ctx.Err() == nil {
			backoff(ctx, attempt)
			continue
		}
		return unavailable(err)
	}
}

// NextID hands out ids from the node's block of seq; a new block is taken in
// a short transaction of its own (on a separate small pool), so a rolled
// back or retried transaction never gives an id back and the counters row is
// locked only for that one statement.
func (db *DB) NextID(ctx context.Context, _ *sql.Tx, seq string) (int64, error) {
	db.mu.Lock()
	if r := db.ids[seq]; r != nil && r.next < r.end {
		id := r.next
		r.next++
		db.mu.Unlock()
		return id, nil
	}
	db.mu.Unlock()
	var end int64
	err := db.idPool.QueryRow(ctx, `INSERT INTO counters (name, next) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET next = counters.next + $3 RETURNING next`, seq, int64(1+idBlock), int64(idBlock)).Scan(&end)
	if err != nil {
		return 0, err
	}
	start := end - idBlock
	db.mu.Lock()
	defer db.mu.Unlock()
	if r := db.ids[seq]; r != nil && r.next < r.end {
		// Another goroutine refilled meanwhile: keep its block, and hand
		// out the first id of ours (the rest of ours is a gap).
		return start, nil
	}
	db.ids[seq] = &idRange{next: start + 1, end: end}
	return start, nil
}

func serializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// connectionLost reports a failure of the connection or the server, as
// opposed to a failure of the statement.
func connectionLost(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool")
}

func retryable(err error) bool {
	return serializationFailure(err) || connectionLost(err)
}

// maxConflictAttempts bounds the attempts of a transaction that keeps
// failing on a unique constraint.
const maxConflictAttempts = 3

// racedUniqueViolation reports a unique violation that fn returned as is
// (the store's ErrConflict), not one the rules recognised and answered
// themselves (those come back as *cmdb.Error, or as a
// *cmdb.UniqueConflictError from an instance's unique keys). Under
// SERIALIZABLE such a failure is most often a serialisation failure that
// PostgreSQL cannot report as one: another transaction inserted the same
// key after this one's snapshot, where this one never read it first (e.g.
// two nodes writing the presets on their first start at the same moment).
// PostgreSQL's manual advises retrying 23505 in that case; the retry sees
// the other row and answers as the rules do. A key this transaction
// duplicates by itself fails again, so the retries are few.
func racedUniqueViolation(err error) bool {
	var de *cmdb.Error
	var uc *cmdb.UniqueConflictError
	return errors.Is(err, cmdb.ErrConflict) && !errors.As(err, &de) && !errors.As(err, &uc)
}

// unavailable marks a connection failure as cmdb.ErrUnavailable so that the
// API answers with a clear "database unavailable" error.
func unavailable(err error) error {
	if err != nil && connectionLost(err) {
		var de *cmdb.Error
		if errors.As(err, &de) {
			return err
		}
		return fmt.Errorf("%w: %v", cmdb.ErrUnavailable, err)
	}
	return err
}

func backoff(ctx context.Context, attempt int) {
	d := time.Duration(attempt*attempt)*5*time.Millisecond + time.Duration(rand.IntN(5))*time.Millisecond
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
