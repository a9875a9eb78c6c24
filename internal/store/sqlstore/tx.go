// Package sqlstore is the one implementation of cmdb.Tx over database/sql,
// shared by the SQLite and PostgreSQL stores. Every statement is written
// once with "?" placeholders; a Dialect renumbers them for PostgreSQL
// ($1, $2, … in order of appearance) and supplies the few expressions that
// differ. The stores own what really differs: connections, transaction
// modes, retries, id blocks and migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// noLimit is the LIMIT of a query with an offset and no limit.
const noLimit = math.MaxInt64

// Dialect is what differs between the SQL engines.
type Dialect struct {
	Name string
	// Cond is the dialect of condition translation.
	Cond cond.Dialect
	// Numbered placeholders ($1, $2, …) instead of "?".
	Numbered bool
	// RowLocks: the engine runs writers concurrently, so ObjAsstsNamed
	// takes a row lock (SELECT … FOR UPDATE).
	RowLocks bool
	// IsUniqueViolation recognises a unique-constraint failure.
	IsUniqueViolation func(error) bool
	// IntArrays: lists of ids are bound as one array parameter
	// ("= ANY(?)"), so that a statement's text and plan do not change with
	// the length of the list.
	IntArrays bool
	// UnsetField is the expression (over the column data, with one "?" for
	// arg) that removes a top-level key from an instance's JSON text.
	UnsetField func(field string) (expr string, arg any)
}

// Rebind renumbers "?" placeholders for the dialect. Statements contain no
// literal question marks.
func (d *Dialect) Rebind(q string) string {
	if !d.Numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// numbered matches the $n placeholders cond writes for PostgreSQL.
var numbered = regexp.MustCompile(`\$[0-9]+`)

// condSQL translates a condition for the dialect with "?" placeholders, so
// that it can be embedded among the statement's own and renumbered once by
// Rebind (cond numbers PostgreSQL placeholders in order of appearance and
// writes no other "$").
func (d *Dialect) condSQL(e cond.Expr, cols cond.ColumnSet) (string, []any, error) {
	w, args, err := cond.ToSQL(e, cols, d.Cond)
	if err != nil || !d.Numbered {
		return w, args, err
	}
	return numbered.ReplaceAllString(w, "?"), args, nil
}

func (d *Dialect) mapErr(err error) error {
	if err != nil && d.IsUniqueViolation != nil && d.IsUniqueViolation(err) {
		return fmt.Errorf("%w: %v", cmdb.ErrConflict, err)
	}
	return err
}

// IDs hands out ids of named sequences (see cmdb.Tx.NextID).
type IDs interface {
	NextID(ctx context.Context, tx *sql.Tx, seq string) (int64, error)
}

// Tx implements cmdb.Tx on one database/sql transaction.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	d        *Dialect
	ids      IDs
	readOnly bool
	// conflicted: a statement failed on a unique constraint.
	conflicted bool
	// bumped: the asst_versions increments of the transaction so far.
	bumped []VersionBump
	// asstRows and instRows count the inst_assts and instances rows the
	// transaction inserted.
	asstRows, instRows int
}

// AsstRowsInserted is how many inst_assts rows the transaction inserted.
func (t *Tx) AsstRowsInserted() int { return t.asstRows }

// InstanceRowsInserted is how many instances the transaction inserted.
func (t *Tx) InstanceRowsInserted() int { return t.instRows }

var _ cmdb.Tx = (*Tx)(nil)

// Conflicted reports whether a statement of the transaction failed on a
// unique constraint, whatever the rules made of it. A store that runs
// writers concurrently retries such a transaction once it has failed: the
// key may have been taken by a transaction that committed after this one's
// snapshot, and only a new snapshot gives the answer a serial order would
// (e.g. the mapping error rather than the duplicate error for an exact
// duplicate under a 1:1 association).
func (t *Tx) Conflicted() bool { return t.conflicted }

// NewTx wraps an open transaction. ids may be nil for a read-only one.
func NewTx(ctx context.Context, tx *sql.Tx, d *Dialect, ids IDs, readOnly bool) *Tx {
	return &Tx{ctx: ctx, tx: tx, d: d, ids: ids, readOnly: readOnly}
}

// SQL returns the underlying transaction (for store-specific statements).
func (t *Tx) SQL() *sql.Tx { return t.tx }

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, t.d.Rebind(query), args...)
	if err != nil {
		err = t.d.mapErr(err)
		if errors.Is(err, cmdb.ErrConflict) {
			t.conflicted = true
		}
		return nil, err
	}
	return res, nil
}

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.d.Rebind(query), args...)
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.d.Rebind(query), args...)
}

// NextID hands out an id of the sequence from the store's id blocks.
func (t *Tx) NextID(seq string) (int64, error) {
	if t.readOnly || t.ids == nil {
		return 0, errors.New("store: NextID in a read transaction")
	}
	return t.ids.NextID(t.ctx, t.tx, seq)
}

func (t *Tx) Meta(key string) (string, bool, error) {
	var v string
	err := t.queryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (t *Tx) SetMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// inList is the right-hand side of a membership test of a column in ids:
// "IN (?,?,…)" with one argument per id, or "= ANY(?)" with the ids as one
// array argument where the dialect binds arrays.
func (d *Dialect) inList(ids []int64) (string, []any) {
	if d.IntArrays {
		return "= ANY(?)", []any{ids}
	}
	return "IN (" + placeholders(len(ids)) + ")", int64Args(ids)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// rowsFrom is a FROM item, named r with columns c0, c1, …, that yields the
// rows (kinds: 'i' an int64 column, 's' a string one). The rows travel as
// one JSON parameter on SQLite (json_each) and as one array per column on
// PostgreSQL (unnest), so the statement's text is the same for any number
// of rows: it is parsed and planned as a short statement (once, where the
// driver caches statements) instead of one growing with the batch.
func (d *Dialect) rowsFrom(kinds string, rows [][]any) (string, []any) {
	var from strings.Builder
	if d.IntArrays {
		args := make([]any, len(kinds))
		from.WriteString("unnest(")
		for c, k := range kinds {
			if c > 0 {
				from.WriteString(", ")
			}
			if k == 'i' {
				col := make([]int64, len(rows))
				for i, r := range rows {
					col[i] = r[c].(int64)
				}
				args[c] = col
				from.WriteString("?::bigint[]")
			} else {
				col := make([]string, len(rows))
				for i, r := range rows {
					col[i] = r[c].(string)
				}
				args[c] = col
				from.WriteString("?::text[]")
			}
		}
		from.WriteString(") AS r(")
		for c := range kinds {
			if c > 0 {
				from.WriteString(", ")
			}
			from.WriteString("c" + strconv.Itoa(c))
		}
		from.WriteString(")")
		return from.String(), args
	}
	b := make([]byte, 0, 64*len(rows))
	b = append(b, '[')
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for c, k := range kinds {
			if c > 0 {
				b = append(b, ',')
			}
			if k == 'i' {
				b = strconv.AppendInt(b, r[c].(int64), 10)
			} else {
				q, _ := json.Marshal(r[c].(string))
				b = append(b, q...)
			}
		}
		b = append(b, ']')
	}
	b = append(b, ']')
	from.WriteString("(SELECT ")
	for c := range kinds {
		if c > 0 {
			from.WriteString(", ")
		}
		n := strconv.Itoa(c)
		from.WriteString("value ->> " + n + " AS c" + n)
	}
	from.WriteString(" FROM json_each(?)) AS r")
	return from.String(), []any{string(b)}
}
