package api

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// findArgsFromDoc must read find_instance_association's fields from a
// decoded ESB body exactly as decoding the body's encoding does (the path
// every other door takes), or decline.
func TestFindArgsFromDocAsDecoding(t *testing.T) {
	bodies := []string{
		`{}`,
		`{"bk_obj_id":"host"}`,
		`{"bk_obj_id":"host","condition":{"bk_obj_asst_id":"x","bk_inst_id":1}}`,
		`{"bk_obj_id":null,"condition":null}`,
		`{"bk_obj_id":5,"condition":{}}`,
		`{"bk_obj_id":"host","condition":[1]}`,
		`{"bk_obj_id":"host","condition":"x"}`,
		`{"bk_obj_id":true}`,
		`{"bk_obj_id":{"a":1}}`,
		`{"BK_OBJ_ID":"host"}`,
		`{"bk_obj_id":"a","BK_OBJ_ID":"b"}`,
		`{"Condition":{"a":1},"condition":{"b":2}}`,
		`{"bK_obj_Id":"x","condition":{"b":2}}`,
		`{"bk_obj_id":"host","other":[1,{"x":null}],"condition":{"id":{"$in":[1,2.5,1e3]}}}`,
		`{"bk_obj_ıd":"dotless i is not i"}`,
		`{"ſondition":{"a":1},"bk_obj_id":"long s"}`,
	}
	for _, b := range bodies {
		var doc map[string]any
		d := json.NewDecoder(strings.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		type args struct {
			ObjID     string         `json:"bk_obj_id"`
			Condition map[string]any `json:"condition"`
		}
		var want args
		enc, err := Encode(doc)
		if err != nil {
			t.Fatal(err)
		}
		wantErr := decodeJSON(enc, &want) != nil
		var got args
		ok, bad := findArgsFromDoc(doc, &got.ObjID, &got.Condition)
		if !ok {
			continue // declined: the caller decodes
		}
		if bad != wantErr || !bad && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v (bad %v), decoding gives %+v (error %v)", b, got, bad, want, wantErr)
		}
	}
	if ok, _ := findArgsFromDoc(nil, new(string), new(map[string]any)); ok {
		t.Error("nil doc read")
	}
}
