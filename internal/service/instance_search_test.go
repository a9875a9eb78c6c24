package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

func TestSpecialCharChange(t *testing.T) {
	for in, want := range map[string]string{
		"a.b":   `a\.b`,
		"a+b":   "a+b",
		`.\`:    `\\.\\`,
		`\.`:    `\\\.`,
		"(x|y)": `\(x\|y\)`,
		"^a$":   `\^a\$`,
	} {
		if got := specialCharChange(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// FuzzInstanceSearchRequest feeds arbitrary JSON bodies to the instance
// searches (the parts parsed here besides cond: time_condition, fields,
// page, search_inst's per-model conditions and its $regex escaping): they
// must answer or refuse with a domain error, never panic or fail
// internally.
func FuzzInstanceSearchRequest(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"condition":{"fz":[{"field":"bk_inst_name","operator":"$regex","value":"a.(b"}],"bk_switch":[{"field":"bk_asset_id","operator":"$eq","value":"x"}]},"fields":{"fz":["n"]},"page":{"start":1,"limit":2,"sort":"-n"}}`,
		`{"condition":{"n":{"$gte":1}},"time_condition":{"oper":"and","rules":[{"field":"bk_created_at","start":"2024-01-01 00:00:00","end":"2024-01-01T00:00:00Z"}]}}`,
		`{"conditions":{"condition":"OR","rules":[{"field":"n","operator":"in","value":[1,2]},{"field":"s","operator":"begins_with","value":"a"}]},"page":{"limit":5,"sort":"s:-1,n"}}`,
		`{"time_condition":{"oper":"and","rules":[{"field":"x"}]},"page":{"limit":1}}`,
		`{"condition":{"fz":[{"field":"n","operator":"$lt","value":3},{"field":"n","operator":"$eq","value":1},{"field":"n","operator":"$gt","value":0}]}}`,
	} {
		f.Add([]byte(seed))
	}
	s, _ := newTestService(f)
	mustModel(f, s, "fz",
		Body{"bk_property_id": "n", "bk_property_name": "N", "bk_property_type": "int", "option": map[string]any{}},
		Body{"bk_property_id": "s", "bk_property_name": "S", "bk_property_type": "singlechar"})
	ctx := context.Background()
	for i, name := range []string{"a", "ab", "b.c"} {
		if _, err := s.CreateInstance(ctx, testCaller, "fz", Body{"bk_inst_name": name, "n": json.Number(fmt.Sprint(i)), "s": name}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var b map[string]any
		if d.Decode(&b) != nil || b == nil {
			return
		}
		check := func(what string, err error) {
			if err == nil {
				return
			}
			e, ok := err.(*cmdb.Error)
			if !ok {
				t.Fatalf("%s: non-domain error %v", what, err)
			}
			if e.Code == cmdb.CodeUnknownOrUnrecognizedError && !e.HasText {
				t.Fatalf("%s: internal failure %v", what, e)
			}
		}
		_, err := s.SearchInstByAssociation(ctx, testCaller, "fz", Body(b))
		check("search_inst", err)
		_, err = s.SearchInstByObject(ctx, testCaller, "fz", Body(b))
		check("search_inst_by_object", err)
		_, err = s.SearchObjectInstances(ctx, testCaller, "fz", Body(b))
		check("search_object_instances", err)
		_, err = s.CountObjectInstances(ctx, testCaller, "fz", Body(b))
		check("count_object_instances", err)
	})
}
