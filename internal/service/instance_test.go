package service

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// TestCreateInstanceUniqueUnderConcurrency: many concurrent creates of the
// same name on a model with the {bk_inst_name} unique rule store exactly
// one instance; the others answer 1199014.
func TestCreateInstanceUniqueUnderConcurrency(t *testing.T) {
	s, _ := newTestService(t)
	mustModel(t, s, "uq")
	ctx := context.Background()
	const workers = 12
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.CreateInstance(ctx, testCaller, "uq", Body{"bk_inst_name": "same"})
		}()
	}
	wg.Wait()
	ok, dup := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case cmdb.AsError(err).Code == cmdb.CodeDuplicateItem:
			dup++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if got, want := [2]int{ok, dup}, [2]int{1, workers - 1}; got != want {
		t.Errorf("successes, duplicates: got %v, want %v", got, want)
	}
	res, err := s.CountObjectInstances(ctx, testCaller, "uq", Body{})
	if err != nil || res.Count != 1 {
		t.Errorf("count: got %v %v, want 1", res, err)
	}
}

func TestDupErrorText(t *testing.T) {
	m := &instModel{rules: []cmdb.UniqueRule{{ID: 3, Keys: []string{"bk_cloud_id", "ip", "ok", "f", "when"}}},
		dates: map[string]bool{"when": true}}
	data := cmdb.Instance{"bk_cloud_id": json.Number("0"), "ip": `1.1.1.1"<`, "ok": true, "f": json.Number("2.0"),
		"when": "2024-05-01T10:00:00.123Z"}
	got := m.dupError(3, data).Message(cmdb.LangEN)
	want := `duplicated instances exist, fields [ bk_cloud_id: 0, ip: "1.1.1.1\"<", ok: true, f: 2.0, when: new Date(1714557600123) ] duplicated`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUniqueKeys(t *testing.T) {
	m := &instModel{rules: []cmdb.UniqueRule{{ID: 1, Keys: []string{"a"}}, {ID: 2, Keys: []string{"a", "b"}}}}
	cases := []struct {
		name string
		data cmdb.Instance
		want int
	}{
		{"all set", cmdb.Instance{"a": "x", "b": json.Number("1")}, 2},
		{"missing key leaves the rule out", cmdb.Instance{"a": "x"}, 1},
		{"null and empty are unset", cmdb.Instance{"a": "", "b": nil}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := len(m.uniqueKeys(c.data)); got != c.want {
				t.Errorf("got %d keys, want %d", got, c.want)
			}
		})
	}
	one := m.uniqueKeys(cmdb.Instance{"a": json.Number("1")})
	oneFloat := m.uniqueKeys(cmdb.Instance{"a": json.Number("1.0")})
	str := m.uniqueKeys(cmdb.Instance{"a": "1"})
	if one[0] != oneFloat[0] || one[0] == str[0] {
		t.Errorf("1 and 1.0 must share a key, \"1\" must not: %v %v %v", one, oneFloat, str)
	}
}
