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

// maxAttempts bounds the attempts of a transaction that lost its
// connection before commit: with the database gone, the caller hears so
// within about a second.
const maxAttempts = 8

// maxSerialAttempts bounds the attempts of a transaction that keeps failing
// on serialisation conflicts. Every conflict lets one of the transactions
// involved commit, but under PostgreSQL's page- and relation-level predicate
// locks many concurrent writers of one model (small tables are read by
// sequential scans, which lock the whole relation) conflict with each other
// again and again: eight attempts were too few for 12 concurrent create_inst
// of one model over two nodes. With backoff's ceiling the last attempts
// start within about five seconds.
const maxSerialAttempts = 30

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

	// analyze: rows inserted into each table of analyzed since this node
	// last had it analyzed, and whether an ANALYZE of it is running.
	amu       sync.Mutex
	inserted  [len(analyzed)]int64
	analyzing [len(analyzed)]bool
	closed    chan struct{}
	closeOnce sync.Once

	peeks peeks
}

// idRange is a node's block of one sequence: next up to end (excluded) are
// free; refill is the taking of the next block, while one is in flight.
type idRange struct {
	next, end int64
	refill    *idRefill
}

// idRefill is one taking of a block: done is closed when it ends, with err
// its failure.
type idRefill struct {
	done chan struct{}
	err  error
}

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
	db := &DB{pool: pool, db: stdlib.OpenDBFromPool(pool), idPool: idPool, ids: map[string]*idRange{}, closed: make(chan struct{})}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	db.closeOnce.Do(func() { close(db.closed) })
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
		// Two nodes starting at once race on CREATE TABLE IF NOT
		// EXISTS: the loser sees a duplicate catalog row (23505) or a
		// duplicate relation (42P07); either way the table exists.
		var pe *pgconn.PgError
		if !Dialect.IsUniqueViolation(err) && !(errors.As(err, &pe) && pe.Code == "42P07") {
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

// PeekInstAsstVersion reads the version in one statement of its own
// (cmdb.VersionPeeker): its snapshot holds every write committed, on any
// node, before it began.
// Concurrent hits of one model share reads begun after they began (peeks).
func (db *DB) PeekInstAsstVersion(ctx context.Context, scope cmdb.Scope, objID string) (int64, error) {
	return db.peeks.do(ctx, peekKey(scope, objID), func() (int64, error) {
		// Not the caller's context: the read serves other hits too.
		rctx, cancel := context.WithTimeout(context.Background(), peekTimeout)
		defer cancel()
		v, err := sqlstore.PeekVersion(rctx, db.db, Dialect, scope, objID)
		db.noteLost(err)
		return v, unavailable(err)
	})
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot.
func (db *DB) View(ctx context.Context, fn func(cmdb.Tx) error) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var r retries
	for attempt := 1; ; attempt++ {
		sqlTx, err := db.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			db.noteLost(err)
			if r.again(ctx, err, false) {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		err = fn(sqlstore.NewTx(ctx, sqlTx, Dialect, nil, true))
		sqlTx.Rollback()
		db.noteLost(err)
		if err != nil && r.again(ctx, err, false) {
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
	var r retries
	for attempt := 1; ; attempt++ {
		sqlTx, err := db.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if err != nil {
			db.noteLost(err)
			if r.again(ctx, err, false) {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		tx := sqlstore.NewTx(ctx, sqlTx, Dialect, db, false)
		err = fn(tx)
		if err != nil {
			sqlTx.Rollback()
			db.noteLost(err)
			if r.again(ctx, err, tx.Conflicted()) {
				backoff(ctx, attempt)
				continue
			}
			return unavailable(err)
		}
		err = sqlTx.Commit()
		if err == nil {
			db.grew(int64(tx.AsstRowsInserted()), int64(tx.InstanceRowsInserted()))
			return nil
		}
		db.noteLost(err)
		if serializationFailure(err) && r.again(ctx, err, false) {
			backoff(ctx, attempt)
			continue
		}
		return unavailable(err)
	}
}

// analyzed are the tables grew keeps statistics of: the rows of instance
// associations, and the instances with their value index (written
// together); every is how many rows a node inserts into the table before
// it has it analyzed (at least; see grew).
var analyzed = [...]struct {
	table, analyze string
	every          float64
}{
	{"inst_assts", "ANALYZE inst_assts", 20000},
	{"instances", "ANALYZE instances, inst_values", 5000},
}

// grew counts rows a committed transaction inserted (per table of
// analyzed) and, past max(every, a fifth of the table as PostgreSQL
// last counted it), has the table analyzed in the background. A table
// loaded since its statistics were taken looks nearly empty to the
// planner, which then picks plans that read a whole model association per
// lookup (and caches them in prepared statements); autovacuum catches up
// only after a delay, while a bulk load slows down.
func (db *DB) grew(n ...int64) {
	for i, k := range n {
		if k == 0 {
			continue
		}
		db.amu.Lock()
		db.inserted[i] += k
		if db.analyzing[i] || float64(db.inserted[i]) < analyzed[i].every {
			db.amu.Unlock()
			continue
		}
		db.analyzing[i] = true
		db.amu.Unlock()
		go db.analyze(i)
	}
}

func (db *DB) analyze(i int) {
	ctx, cancel := context.WithTimeout(context.Background(), QueryTimeout)
	defer cancel()
	go func() {
		select {
		case <-db.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	var tuples float64
	err := db.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, analyzed[i].table).Scan(&tuples)
	db.amu.Lock()
	due := err == nil && float64(db.inserted[i]) >= max(analyzed[i].every, tuples/5)
	if due {
		db.inserted[i] = 0
	}
	db.amu.Unlock()
	if due {
		// A failure only leaves the statistics as they were.
		_, _ = db.pool.Exec(ctx, analyzed[i].analyze)
	}
	db.amu.Lock()
	db.analyzing[i] = false
	db.amu.Unlock()
}

// NextID hands out ids from the node's block of seq; a new block is taken in
// a short transaction of its own (on a separate small pool), so a rolled
// back or retried transaction never gives an id back and the counters row is
// locked only for that one statement. One goroutine at a time takes a new
// block of a sequence while the others wait for it (instead of each taking
// one and some handing out an id of a later block before the earlier block
// is used up), so that a node's ids increase in the order it hands them out.
func (db *DB) NextID(ctx context.Context, _ *sql.Tx, seq string) (int64, error) {
	for {
		db.mu.Lock()
		r := db.ids[seq]
		if r == nil {
			r = &idRange{}
			db.ids[seq] = r
		}
		if r.next < r.end {
			id := r.next
			r.next++
			db.mu.Unlock()
			return id, nil
		}
		if f := r.refill; f != nil {
			db.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
			// The refiller's own deadline or cancellation is not ours:
			// try again (and refill ourselves if need be).
			if f.err != nil && !errors.Is(f.err, context.Canceled) && !errors.Is(f.err, context.DeadlineExceeded) {
				return 0, f.err
			}
			continue
		}
		f := &idRefill{done: make(chan struct{})}
		r.refill = f
		db.mu.Unlock()
		var end int64
		err := db.idPool.QueryRow(ctx, `INSERT INTO counters (name, next) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET next = counters.next + $3 RETURNING next`, seq, int64(1+idBlock), int64(idBlock)).Scan(&end)
		db.mu.Lock()
		if err == nil {
			r.next, r.end = end-idBlock, end
		}
		r.refill = nil
		f.err = err
		close(f.done)
		db.mu.Unlock()
		if err != nil {
			db.noteLost(err)
			return 0, err
		}
	}
}

// noteLost drops the node's id blocks when err is a lost connection. A
// lost connection is what a failover looks like from here, and with
// asynchronous replication the new primary may not have the counters
// update that gave this node its block: another node could then be given
// the same ids. The counters update of a block commits before any row that
// uses its ids, so every id the new primary holds is below its counters and
// a fresh block is safe. The rest of a dropped block is a gap.
func (db *DB) noteLost(err error) {
	if !connectionLost(err) {
		return
	}
	db.mu.Lock()
	for _, r := range db.ids {
		r.next = r.end
	}
	db.mu.Unlock()
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

// retries counts a transaction's failed attempts by cause.
type retries struct{ serial, lost, conflict int }

// again counts a failed attempt and reports whether the transaction runs
// again; conflicted says a statement of the attempt failed on a unique
// constraint.
func (r *retries) again(ctx context.Context, err error, conflicted bool) bool {
	switch {
	case ctx.Err() != nil:
		return false
	case serializationFailure(err):
		r.serial++
		return r.serial < maxSerialAttempts
	case connectionLost(err):
		r.lost++
		return r.lost < maxAttempts
	case conflicted:
		r.conflict++
		return r.conflict < maxConflictAttempts
	}
	return false
}

// maxConflictAttempts bounds the attempts of a transaction that failed
// after one of its statements failed on a unique constraint. Under
// SERIALIZABLE such a failure is most often a serialisation failure that
// PostgreSQL cannot report as one: another transaction inserted the key
// after this one's snapshot (two nodes writing the presets on their first
// start at the same moment; two racing creates of an association that the
// rules checked against the old snapshot). PostgreSQL's manual advises
// retrying 23505 then; the new attempt sees the other row and answers as the
// rules do in a serial order. A key the transaction duplicates by itself
// fails again, so the attempts are few.
const maxConflictAttempts = 3

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

// backoff waits before the attempt after attempt: a random time between a
// quarter of and a growing ceiling (4ms, 8ms, … capped at 200ms), so that
// transactions that failed together do not run again in step and fail
// together again.
func backoff(ctx context.Context, attempt int) {
	ceiling := min(time.Duration(1)<<min(attempt, 16)*2*time.Millisecond, 200*time.Millisecond)
	d := ceiling/4 + rand.N(ceiling*3/4)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
