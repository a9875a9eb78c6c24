package cond

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// decodeJSON decodes s as the server does (UseNumber).
func decodeJSON(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

func decodeDoc(t testing.TB, s string) map[string]any {
	t.Helper()
	m, ok := decodeJSON(t, s).(map[string]any)
	if !ok {
		t.Fatalf("test document %s is not an object", s)
	}
	return m
}

// errText renders an error as "<code> <English message>".
func errText(e *cmdb.Error) string {
	if e == nil {
		return ""
	}
	return itoa(e.Code) + " " + e.Message(cmdb.LangEN)
}

func itoa(i int) string {
	bs, _ := json.Marshal(i)
	return string(bs)
}

// parseCase is one parser table row: the input, then either the expected
// Format of the tree or the expected error text.
type parseCase struct {
	in   string
	want string // Format(tree), or "ERR <code> <message>"
}

func checkParse(t *testing.T, name string, c parseCase, parse func(any) (Expr, *cmdb.Error)) {
	t.Helper()
	var v any
	if c.in != "" {
		v = decodeJSON(t, c.in)
	}
	e, err := parse(v)
	got := ""
	if err != nil {
		got = "ERR " + errText(err)
	} else {
		got = Format(e)
	}
	if got != c.want {
		t.Errorf("%s %s\n got: %s\nwant: %s", name, c.in, got, c.want)
	}
}
