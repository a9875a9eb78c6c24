package service

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// encodeRow is how every other answer encodes a row: encoding/json without
// HTML escaping (api.Encode).
func encodeRow(t testing.TB, a *cmdb.InstAssociation) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// find_instance_association streams rows with its own encoder: the bytes
// must be those of every other endpoint (search_instance_associations
// answers the same rows through encoding/json).
func FuzzAppendInstAsstMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"bk_switch_connect_host", "", "a\"b\\c", "<&>", "\b\f\n\r\t\x00\x1f\x7f",
		"\u2028\u2029", "é中文", "\xff\xfe", "a\xc3", "\U0001F600"} {
		f.Add(int64(42), int64(7), s, int64(0))
	}
	f.Add(int64(0), int64(-1), "x", int64(9))
	f.Fuzz(func(t *testing.T, id, inst int64, s string, biz int64) {
		a := &cmdb.InstAssociation{ID: id, InstID: inst, ObjID: s, AsstInstID: inst + 1, AsstObjID: "host",
			Supplier: "0", ObjAsstID: s + "_x", AsstID: s, BizID: biz}
		got := AppendInstAsst(nil, a)
		if want := encodeRow(t, a); !bytes.Equal(got, want) {
			t.Errorf("AppendInstAsst(%q):\n got %s\nwant %s", s, got, want)
		}
	})
}
