package cond

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// PostgreSQL checks run through the psql client against a server the
// developer provides: CMDB_COND_PSQL holds psql's connection arguments, e.g.
// "-h /tmp/pg -U postgres". Without it they are skipped (CI has no server).

func psqlArgs(t *testing.T) []string {
	v := os.Getenv("CMDB_COND_PSQL")
	if v == "" {
		t.Skip("CMDB_COND_PSQL not set")
	}
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql not installed")
	}
	return strings.Fields(v)
}

// runPsql runs a script and returns the output lines that start with '#'
// (without it).
func runPsql(t *testing.T, args []string, script string) []string {
	cmd := exec.Command("psql", append(args, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-f", "-")...)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "#") {
			lines = append(lines, l[1:])
		}
	}
	return lines
}

func pgLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case time.Time:
		return "'" + x.UTC().Format(time.RFC3339Nano) + "'::timestamptz"
	}
	panic(fmt.Sprintf("literal %T", v))
}

func TestPostgresDifferential(t *testing.T) {
	args := psqlArgs(t)
	r := rand.New(rand.NewSource(7))
	rows := makeRows(r, 80)
	var sc strings.Builder
	sc.WriteString("BEGIN;\nCREATE TEMP TABLE t (id bigint PRIMARY KEY, c_i bigint, c_s text, c_b boolean, c_n bigint NOT NULL, c_m text, c_t timestamptz);\n")
	for _, row := range rows {
		vals := []any{row.id, nil, nil, nil, row.n, nil, nil}
		if row.i != nil {
			vals[1] = *row.i
		}
		if row.s != nil {
			vals[2] = *row.s
		}
		if row.b != nil {
			vals[3] = *row.b
		}
		if row.m != nil {
			vals[5] = *row.m
		}
		if row.t != nil {
			vals[6] = *row.t
		}
		lits := make([]string, len(vals))
		for i, v := range vals {
			lits[i] = pgLiteral(v)
		}
		fmt.Fprintf(&sc, "INSERT INTO t VALUES (%s);\n", strings.Join(lits, ", "))
	}
	g := gen{r}
	var trees []Expr
	for k := 0; k < 1500; k++ {
		e, err := ParseMongo(g.cond(0), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, e, g.tree(0))
	}
	for k, e := range trees {
		where, qargs, err := ToSQL(e, testCols, Postgres)
		if err != nil {
			t.Fatalf("ToSQL(%s): %v", Format(e), err)
		}
		fmt.Fprintf(&sc, "PREPARE q%d AS SELECT '#' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM t WHERE %s;\n", k, where)
		lits := make([]string, len(qargs))
		for i, a := range qargs {
			lits[i] = pgLiteral(a)
		}
		if len(lits) > 0 {
			fmt.Fprintf(&sc, "EXECUTE q%d(%s);\n", k, strings.Join(lits, ", "))
		} else {
			fmt.Fprintf(&sc, "EXECUTE q%d;\n", k)
		}
		fmt.Fprintf(&sc, "DEALLOCATE q%d;\n", k)
	}
	sc.WriteString("ROLLBACK;\n")
	lines := runPsql(t, args, sc.String())
	if len(lines) != len(trees) {
		t.Fatalf("%d answers for %d queries", len(lines), len(trees))
	}
	for k, e := range trees {
		want := matchIDs(e, rows)
		ws := make([]string, len(want))
		for i, id := range want {
			ws[i] = fmt.Sprint(id)
		}
		if got := lines[k]; got != strings.Join(ws, ",") {
			where, qargs, _ := ToSQL(e, testCols, Postgres)
			t.Fatalf("Match and PostgreSQL disagree\ntree: %s\nsql:  %s %s\nmatch: %v\npg:    %s", Format(e), where, argsText(qargs), want, got)
		}
	}
}

// TestPostgresRegexParity compares Go's answer with PostgreSQL's for the
// translated pattern on many pattern / string pairs.
func TestPostgresRegexParity(t *testing.T) {
	args := psqlArgs(t)
	patterns := []struct{ p, o string }{
		{`\bfoo\b`, ""}, {`\Bo\B`, ""}, {`\w+`, ""}, {`^\w+$`, ""}, {`^\W+$`, ""}, {`\d`, ""}, {`^\s*$`, ""},
		{`^a.c$`, ""}, {`^a.c$`, "s"}, {`^b$`, "m"}, {`^b`, ""}, {`a$`, "m"}, {`a$`, ""},
		{`(?i)straße`, ""}, {`ǅ`, "i"}, {`k`, "i"}, {`K`, ""}, {`^[^a]$`, ""}, {`^[^a]$`, "s"},
		{`a{3}`, ""}, {`^a{300}$`, ""}, {`^a{2,300}$`, ""}, {`^(ab){256,}$`, ""}, {`^a{0,2}$`, ""},
		{`\pL+`, ""}, {`^\p{Greek}+$`, ""}, {`[[:alpha:]]+`, ""}, {`^[\x{1F600}-\x{1F64F}]$`, ""},
		{`a|b|`, ""}, {`^(a|)$`, ""}, {`x*?y`, ""}, {`(?U)x*y`, ""}, {`^\Qa.b\E$`, ""}, {`\.`, ""},
		{`[\]\-\\^]`, ""}, {`\A\z`, ""}, {`^$`, ""}, {`(?s:.)\n`, ""}, {`a(?i)b`, ""}, {`(?m)^\s+`, ""},
		{`'; DROP TABLE t; --`, ""}, {`\$1`, ""}, {`[[:^digit:]]`, ""}, {`\x00`, ""}, {`é`, "i"}, {`É`, ""},
		{`a b # comment`, "x"}, {`^[a-c]+$`, "i"}, {`(?i)[k-m]`, ""},
	}
	strs := []string{"", "a", "A", "b", "ab", "abc", "AbC", "a\nb", "b\na", "a\nc", "abc\n", "foo", "a foo b", "foobar",
		"éclair", "Éclair", "straße", "STRASSE", "ǆ", "Ǆ", "K", "k", "\u212a", "x y", "   ", " \n ", "αβγ", "😀", "123", "a1_",
		strings.Repeat("a", 300), strings.Repeat("a", 299), strings.Repeat("ab", 256), "xxy", "a.b", "a-b", "]", "\\", "^", "-",
		"'; DROP TABLE t; --", "$1", "ab c", "abc def", "foo_bar", "über"}
	var sc strings.Builder
	var want []string
	values := make([]string, len(strs))
	for i, s := range strs {
		values[i] = fmt.Sprintf("(%d, %s)", i, pgLiteral(s))
	}
	for _, pt := range patterns {
		p, err := regexPred("f", pt.p, pt.o, 4096)
		if err != nil {
			t.Fatalf("%q: %v", pt.p, err)
		}
		_, are, err := pgRegex(p)
		if err != nil {
			t.Fatalf("%q: %v", pt.p, err)
		}
		var w strings.Builder
		for _, s := range strs {
			if p.Regex.MatchString(s) {
				w.WriteByte('1')
			} else {
				w.WriteByte('0')
			}
		}
		want = append(want, w.String())
		fmt.Fprintf(&sc, "SELECT '#' || string_agg(CASE WHEN s ~ %s THEN '1' ELSE '0' END, '' ORDER BY i) FROM (VALUES %s) v(i, s);\n",
			pgLiteral(are), strings.Join(values, ", "))
	}
	lines := runPsql(t, args, sc.String())
	if len(lines) != len(patterns) {
		t.Fatalf("%d answers for %d patterns", len(lines), len(patterns))
	}
	for i, pt := range patterns {
		if lines[i] != want[i] {
			p, _ := regexPred("f", pt.p, pt.o, 4096)
			_, are, _ := pgRegex(p)
			var diff []string
			for k := range strs {
				if lines[i][k] != want[i][k] {
					diff = append(diff, fmt.Sprintf("%q go=%c pg=%c", strs[k], want[i][k], lines[i][k]))
				}
			}
			t.Errorf("pattern %q options %q (ARE %q) differs: %s", pt.p, pt.o, are, strings.Join(diff, "; "))
		}
	}
}
