package sqlstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// Model-layer records are stored whole as JSON in doc, beside the key
// columns SQL needs. These helpers keep the per-record methods one line each.

func listDocs[T any](t *Tx, query string, args ...any) ([]T, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := unmarshalDoc(doc, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func unmarshalDoc(doc []byte, v any) error {
	d := json.NewDecoder(strings.NewReader(string(doc)))
	d.UseNumber()
	return d.Decode(v)
}

// insertDoc inserts a record: cols/vals are the key columns, doc the record.
func (t *Tx) insertDoc(table string, cols []string, vals []any, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s, doc) VALUES (%s)`, table, strings.Join(cols, ", "), placeholders(len(cols)+1))
	_, err = t.exec(q, append(vals, string(b))...)
	return err
}

// updateDoc rewrites the record with primary key (supplier, id).
func (t *Tx) updateDoc(table string, supplier string, id int64, cols []string, vals []any, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	sets := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		sets = append(sets, c+" = ?")
	}
	sets = append(sets, "doc = ?")
	q := fmt.Sprintf(`UPDATE %s SET %s WHERE supplier = ? AND id = ?`, table, strings.Join(sets, ", "))
	args := append(append(vals, string(b)), supplier, id)
	_, err = t.exec(q, args...)
	return err
}

func (t *Tx) deleteDoc(table, supplier string, id int64) error {
	_, err := t.exec(`DELETE FROM `+table+` WHERE supplier = ? AND id = ?`, supplier, id)
	return err
}

func (t *Tx) Classifications() ([]cmdb.Classification, error) {
	return listDocs[cmdb.Classification](t, `SELECT doc FROM classifications ORDER BY id`)
}

func (t *Tx) InsertClassification(c *cmdb.Classification) error {
	return t.insertDoc("classifications", []string{"supplier", "id", "cls_id", "name"},
		[]any{c.Supplier, c.ID, c.ClsID, c.Name}, c)
}

func (t *Tx) UpdateClassification(c *cmdb.Classification) error {
	return t.updateDoc("classifications", c.Supplier, c.ID, []string{"cls_id", "name"}, []any{c.ClsID, c.Name}, c)
}

func (t *Tx) DeleteClassification(supplier string, id int64) error {
	return t.deleteDoc("classifications", supplier, id)
}

func (t *Tx) Objects() ([]cmdb.Object, error) {
	return listDocs[cmdb.Object](t, `SELECT doc FROM objects ORDER BY id`)
}

func (t *Tx) InsertObject(o *cmdb.Object) error {
	return t.insertDoc("objects", []string{"supplier", "id", "obj_id"}, []any{o.Supplier, o.ID, o.ObjID}, o)
}

func (t *Tx) UpdateObject(o *cmdb.Object) error {
	return t.updateDoc("objects", o.Supplier, o.ID, []string{"obj_id"}, []any{o.ObjID}, o)
}

func (t *Tx) DeleteObject(supplier string, id int64) error {
	return t.deleteDoc("objects", supplier, id)
}

func (t *Tx) Attributes(objID string) ([]cmdb.Attribute, error) {
	if objID == "" {
		return listDocs[cmdb.Attribute](t, `SELECT doc FROM attributes ORDER BY id`)
	}
	return listDocs[cmdb.Attribute](t, `SELECT doc FROM attributes WHERE obj_id = ? ORDER BY id`, objID)
}

func (t *Tx) InsertAttribute(a *cmdb.Attribute) error {
	return t.insertDoc("attributes", []string{"supplier", "id", "obj_id", "property_id", "biz_id"},
		[]any{a.Supplier, a.ID, a.ObjID, a.PropertyID, a.BizID}, a)
}

func (t *Tx) UpdateAttribute(a *cmdb.Attribute) error {
	return t.updateDoc("attributes", a.Supplier, a.ID, []string{"obj_id", "property_id", "biz_id"},
		[]any{a.ObjID, a.PropertyID, a.BizID}, a)
}

func (t *Tx) DeleteAttribute(supplier string, id int64) error {
	return t.deleteDoc("attributes", supplier, id)
}

func (t *Tx) Groups(objID string) ([]cmdb.AttributeGroup, error) {
	if objID == "" {
		return listDocs[cmdb.AttributeGroup](t, `SELECT doc FROM attribute_groups ORDER BY id`)
	}
	return listDocs[cmdb.AttributeGroup](t, `SELECT doc FROM attribute_groups WHERE obj_id = ? ORDER BY id`, objID)
}

func (t *Tx) InsertGroup(g *cmdb.AttributeGroup) error {
	return t.insertDoc("attribute_groups", []string{"supplier", "id", "obj_id", "group_id", "biz_id"},
		[]any{g.Supplier, g.ID, g.ObjID, g.GroupID, g.BizID}, g)
}

func (t *Tx) DeleteGroups(supplier, objID string) error {
	_, err := t.exec(`DELETE FROM attribute_groups WHERE supplier = ? AND obj_id = ?`, supplier, objID)
	return err
}

func (t *Tx) UniqueRules(objID string) ([]cmdb.UniqueRule, error) {
	if objID == "" {
		return listDocs[cmdb.UniqueRule](t, `SELECT doc FROM unique_rules ORDER BY id`)
	}
	return listDocs[cmdb.UniqueRule](t, `SELECT doc FROM unique_rules WHERE obj_id = ? ORDER BY id`, objID)
}

func (t *Tx) InsertUniqueRule(r *cmdb.UniqueRule) error {
	return t.insertDoc("unique_rules", []string{"supplier", "id", "obj_id"}, []any{r.Supplier, r.ID, r.ObjID}, r)
}

func (t *Tx) DeleteUniqueRules(supplier, objID string) error {
	_, err := t.exec(`DELETE FROM unique_rules WHERE supplier = ? AND obj_id = ?`, supplier, objID)
	return err
}

func (t *Tx) Kinds() ([]cmdb.AssociationKind, error) {
	return listDocs[cmdb.AssociationKind](t, `SELECT doc FROM asst_kinds ORDER BY id`)
}

func (t *Tx) InsertKind(k *cmdb.AssociationKind) error {
	return t.insertDoc("asst_kinds", []string{"supplier", "id", "asst_id"}, []any{k.Supplier, k.ID, k.AsstID}, k)
}

func (t *Tx) UpdateKind(k *cmdb.AssociationKind) error {
	return t.updateDoc("asst_kinds", k.Supplier, k.ID, []string{"asst_id"}, []any{k.AsstID}, k)
}

func (t *Tx) DeleteKind(supplier string, id int64) error {
	return t.deleteDoc("asst_kinds", supplier, id)
}

func (t *Tx) ObjAssts() ([]cmdb.ObjectAssociation, error) {
	return listDocs[cmdb.ObjectAssociation](t, `SELECT doc FROM obj_assts ORDER BY id`)
}

func (t *Tx) ObjAsstsNamed(objAsstID string, lock bool) ([]cmdb.ObjectAssociation, error) {
	q := `SELECT doc FROM obj_assts WHERE obj_asst_id = ? ORDER BY id`
	if lock && t.d.RowLocks {
		q += ` FOR UPDATE`
	}
	return listDocs[cmdb.ObjectAssociation](t, q, objAsstID)
}

func (t *Tx) InsertObjAsst(a *cmdb.ObjectAssociation) error {
	return t.insertDoc("obj_assts", []string{"supplier", "id", "obj_asst_id", "obj_id", "asst_obj_id"},
		[]any{a.Supplier, a.ID, a.ObjAsstID, a.ObjID, a.AsstObjID}, a)
}

func (t *Tx) UpdateObjAsst(a *cmdb.ObjectAssociation) error {
	return t.updateDoc("obj_assts", a.Supplier, a.ID, []string{"obj_asst_id", "obj_id", "asst_obj_id"},
		[]any{a.ObjAsstID, a.ObjID, a.AsstObjID}, a)
}

func (t *Tx) DeleteObjAsst(supplier string, id int64) error {
	return t.deleteDoc("obj_assts", supplier, id)
}

// scopeSQL is the supplier filter of a scope on column col, with its args.
func scopeSQL(col string, s cmdb.Scope) (string, []any) {
	if s == nil {
		return "1=1", nil
	}
	args := make([]any, len(s))
	for i, v := range s {
		args[i] = v
	}
	return col + " IN (" + placeholders(len(s)) + ")", args
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, v := range ids {
		out[i] = v
	}
	return out
}

// chunks splits ids into slices of at most n (SQLite caps bound variables).
func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
