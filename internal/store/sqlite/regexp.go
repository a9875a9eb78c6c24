package sqlite

import (
	"database/sql/driver"

	"github.com/opscmdb/cmdb/internal/cond"
	sqlite "modernc.org/sqlite"
)

// regexp(pattern, value) serves the regular-expression predicates cond.ToSQL
// writes for SQLite: Go RE2 semantics, the pattern always a bound parameter.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("regexp", 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			p, _ := args[0].(string)
			var s string
			switch v := args[1].(type) {
			case string:
				s = v
			case []byte:
				s = string(v)
			default:
				return nil, nil
			}
			m, err := cond.SQLiteRegexp(p, s)
			if err != nil {
				return nil, err
			}
			if m {
				return int64(1), nil
			}
			return int64(0), nil
		})
}
