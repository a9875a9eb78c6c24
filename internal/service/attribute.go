package service

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// translateAttribute applies read-time translation (models-and-instances.md
// §3.2); translated enum options are re-encoded as id, name, type,
// is_default in that order.
func translateAttribute(lang cmdb.Lang, a *cmdb.Attribute) {
	if !cmdb.AttributeIsTranslated(a) {
		return
	}
	cmdb.TranslateAttribute(lang, a)
	opts, ok := a.Option.([]any)
	if !ok || (a.Type != cmdb.TypeEnum && a.Type != cmdb.TypeEnumMulti) {
		return
	}
	out := make([]any, len(opts))
	for i, o := range opts {
		m, ok := o.(map[string]any)
		if !ok {
			return
		}
		id, _ := m["id"].(string)
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		def, _ := m["is_default"].(bool)
		out[i] = enumOption{ID: id, Name: name, Type: typ, IsDefault: def}
	}
	a.Option = out
}

// enumOption is a re-encoded enum option: all four keys, in this order.
type enumOption struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	IsDefault bool   `json:"is_default"`
}

// SearchAttributes answers search_object_attribute.
func (s *Service) SearchAttributes(ctx context.Context, c Caller, b Body) ([]cmdb.Attribute, error) {
	page, perr := parsePage(b["page"])
	if perr != nil {
		return nil, perr
	}
	delete(b, "page")
	var bizID int64
	if raw, present := b["bk_biz_id"]; present {
		v, ok := asInt(raw)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		bizID = v
		delete(b, "bk_biz_id")
	}
	m, err := parseMongo(map[string]any(b))
	if err != nil {
		return nil, err
	}
	out := []cmdb.Attribute{}
	err = s.view(ctx, func(tx cmdb.Tx) error {
		attrs, err := tx.Attributes("")
		if err != nil {
			return err
		}
		groups, err := tx.Groups("")
		if err != nil {
			return err
		}
		for _, a := range attrs {
			if !visible(a.Supplier, c.Supplier) || a.IsSystem || a.IsAPI || a.Type == cmdb.TypeInnerTable {
				continue
			}
			if a.BizID != 0 && a.BizID != bizID {
				continue
			}
			if !m.match(toDoc(a)) {
				continue
			}
			g := findGroup(groups, a)
			if g == nil {
				return cmdb.ErrParamsInvalid("bk_property_name")
			}
			a.GroupName = cmdb.GroupReadName(c.Lang, a.ObjID, g.GroupID, g.GroupName)
			translateAttribute(c.Lang, &a)
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return applyPage(out, page), nil
}

// findGroup returns the group an attribute is in: same model, group id and
// supplier, and the attribute's own business (a per-business group is never
// another business's).
func findGroup(groups []cmdb.AttributeGroup, a cmdb.Attribute) *cmdb.AttributeGroup {
	for i := range groups {
		g := &groups[i]
		if g.ObjID == a.ObjID && g.GroupID == a.Group && g.Supplier == a.Supplier && (g.BizID == 0 || g.BizID == a.BizID) {
			return g
		}
	}
	return nil
}

// attrInput types the JSON of an attribute body: a field of the wrong JSON
// type fails decoding (1199000), as bk-cmdb's struct decoding does.
type attrInput struct {
	ObjID        *string `json:"bk_obj_id"`
	PropertyID   *string `json:"bk_property_id"`
	PropertyName *string `json:"bk_property_name"`
	Group        *string `json:"bk_property_group"`
	Unit         *string `json:"unit"`
	Placeholder  *string `json:"placeholder"`
	Editable     *bool   `json:"editable"`
	IsRequired   *bool   `json:"isrequired"`
	IsReadOnly   *bool   `json:"isreadonly"`
	IsOnly       *bool   `json:"isonly"`
	IsSystem     *bool   `json:"bk_issystem"`
	IsAPI        *bool   `json:"bk_isapi"`
	Type         *string `json:"bk_property_type"`
	Option       any     `json:"option"`
	Default      any     `json:"default"`
	IsMultiple   *bool   `json:"ismultiple"`
	Desc         *string `json:"description"`
	TemplateID   *int64  `json:"bk_template_id"`
	Creator      *string `json:"creator"`
	BizID        *int64  `json:"bk_biz_id"`
}

func decodeAttrInput(b Body) (*attrInput, *cmdb.Error) {
	raw, err := json.Marshal(map[string]any(b))
	if err != nil {
		return nil, cmdb.ErrDecode()
	}
	var in attrInput
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(&in); err != nil {
		return nil, cmdb.ErrDecode()
	}
	return &in, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

func label(lang cmdb.Lang, key string) string { return cmdb.Label(lang, key) }

// restrictedModels may not get required attributes (1113026).
var restrictedModels = map[string]bool{"biz": true, "host": true, "set": true, "module": true, "plat": true, "process": true}

// CreateAttribute answers create_object_attribute; bizID is the path
// business of the per-business form (0 otherwise).
func (s *Service) CreateAttribute(ctx context.Context, c Caller, b Body, bizID int64) (*cmdb.Attribute, error) {
	in, derr := decodeAttrInput(b)
	if derr != nil {
		return nil, derr
	}
	a := &cmdb.Attribute{
		ObjID: str(in.ObjID), PropertyID: str(in.PropertyID), PropertyName: str(in.PropertyName),
		Group: str(in.Group), Unit: str(in.Unit), Placeholder: str(in.Placeholder),
		Editable: boolv(in.Editable), IsRequired: boolv(in.IsRequired), IsReadOnly: boolv(in.IsReadOnly),
		IsOnly: boolv(in.IsOnly), IsSystem: boolv(in.IsSystem), IsAPI: boolv(in.IsAPI),
		Type: str(in.Type), Option: in.Option, Default: in.Default, IsMultiple: in.IsMultiple,
		Desc: str(in.Desc), Creator: str(in.Creator), BizID: bizID,
	}
	if in.TemplateID != nil {
		a.TemplateID = *in.TemplateID
	}
	if a.IsMultiple == nil {
		v := a.Type == cmdb.TypeOrganization
		a.IsMultiple = &v
	}
	if a.IsOnly {
		a.IsRequired = true
	}
	if a.Group == "" {
		a.Group = "default"
	}
	if cmdb.MainlineModels[a.ObjID] && a.IsRequired {
		return nil, cmdb.Errorf(cmdb.CodeCanNotAddRequiredAttributeForMainlineModel)
	}
	var out *cmdb.Attribute
	err := s.update(ctx, func(tx cmdb.Tx) error {
		obj, err := findObject(tx, c, a.ObjID)
		if err != nil {
			return err
		}
		if obj == nil {
			return cmdb.ErrInvalid("bk_obj_id")
		}
		groups, err := tx.Groups(a.ObjID)
		if err != nil {
			return err
		}
		if err := s.resolveGroup(tx, c, a, groups); err != nil {
			return err
		}
		if a.TemplateID != 0 {
			return cmdb.ErrInvalid("bk_template_id")
		}
		if err := checkAttributeShape(c.Lang, a); err != nil {
			return err
		}
		if err := checkAttributeCore(tx, c, obj, a); err != nil {
			return err
		}
		a.Supplier = c.Supplier
		a.IsPre = false
		switch a.Type {
		case cmdb.TypeEnum, cmdb.TypeEnumMulti, cmdb.TypeEnumQuote:
			a.Default = nil
		}
		attrs, err := tx.Attributes(a.ObjID)
		if err != nil {
			return err
		}
		var maxIndex int64 = -1
		for _, o := range attrs {
			if o.Group == a.Group && o.Index > maxIndex {
				maxIndex = o.Index
			}
		}
		a.Index = maxIndex + 1
		a.CreateTime = s.now()
		a.LastTime = a.CreateTime
		if a.ID, err = tx.NextID("cc_ObjAttDes"); err != nil {
			return err
		}
		if err := conflictAs(tx.InsertAttribute(a), cmdb.Errorf(cmdb.CodeAttributeNameDuplicated)); err != nil {
			return err
		}
		stored := *a
		// Re-read: resolveGroup may have just created the business's group.
		if groups, err = tx.Groups(a.ObjID); err != nil {
			return err
		}
		if g := findGroup(groups, stored); g != nil {
			stored.GroupName = cmdb.GroupReadName(c.Lang, stored.ObjID, g.GroupID, g.GroupName)
		}
		out = &stored
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolveGroup replaces a group the model does not have by the default one;
// per-business attributes use "bizdefault", created when missing. A
// per-business attribute only finds its business's own groups (bk-cmdb adds
// bk_biz_id to the group lookup), so the global "default" group does not
// count for it.
func (s *Service) resolveGroup(tx cmdb.Tx, c Caller, a *cmdb.Attribute, groups []cmdb.AttributeGroup) error {
	for _, g := range groups {
		if g.GroupID == a.Group && g.BizID == a.BizID && visible(g.Supplier, c.Supplier) {
			return nil
		}
	}
	if a.BizID == 0 {
		a.Group = "default"
		return nil
	}
	a.Group = "bizdefault"
	for _, g := range groups {
		if g.GroupID == "bizdefault" && g.BizID == a.BizID {
			return nil
		}
	}
	id, err := tx.NextID("cc_PropertyGroup")
	if err != nil {
		return err
	}
	return tx.InsertGroup(&cmdb.AttributeGroup{ID: id, ObjID: a.ObjID, GroupID: "bizdefault", GroupName: "Default",
		Index: -1, Supplier: c.Supplier, IsDefault: true, BizID: a.BizID})
}

// checkAttributeShape is checks 6–10 of create_object_attribute.
func checkAttributeShape(lang cmdb.Lang, a *cmdb.Attribute) error {
	if err := cmdb.CheckMultiple(a); err != nil {
		return err
	}
	if a.Type == "" {
		return cmdb.ErrUnassigned("bk_property_type")
	}
	if a.Type == cmdb.TypeUser {
		t := true
		a.IsMultiple = &t
	}
	if utf8.RuneCountInString(a.PropertyID) > 128 {
		return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, label(lang, "model_attr_bk_property_id"), 128)
	}
	if a.PropertyID != "" && !idPattern.MatchString(a.PropertyID) {
		return cmdb.ErrInvalid(a.PropertyID)
	}
	if utf8.RuneCountInString(a.PropertyName) > 128 {
		return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, label(lang, "model_attr_bk_property_name"), 128)
	}
	if err := cmdb.CheckAttributeOption(a, lang); err != nil {
		return err
	}
	if utf8.RuneCountInString(a.Placeholder) > 2000 {
		return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, label(lang, "model_attr_placeholder"), 2000)
	}
	return nil
}

// checkAttributeCore is check 11 of create_object_attribute.
func checkAttributeCore(tx cmdb.Tx, c Caller, obj *cmdb.Object, a *cmdb.Attribute) error {
	if a.ObjID == "bk_project" {
		return cmdb.ErrInvalid("bk_obj_id")
	}
	attrs, err := tx.Attributes(a.ObjID)
	if err != nil {
		return err
	}
	for _, o := range attrs {
		if o.PropertyID == a.PropertyID && visible(o.Supplier, c.Supplier) && (o.BizID == 0 || o.BizID == a.BizID) {
			return cmdb.Errorf(cmdb.CodeAttributeNameDuplicated)
		}
	}
	if a.ObjID == "plat" || a.ObjID == "process" {
		return cmdb.Errorf(cmdb.CodeNotAllowAddFieldErr, obj.Name)
	}
	if a.IsRequired && restrictedModels[a.ObjID] {
		return cmdb.Errorf(cmdb.CodeNotAllowAddRequiredFieldErr, obj.Name)
	}
	switch {
	case a.PropertyID == "":
		return cmdb.ErrUnassigned("bk_property_id")
	case a.PropertyName == "":
		return cmdb.ErrUnassigned("bk_property_name")
	}
	if strings.ContainsAny(a.PropertyID, "$.") || strings.HasPrefix(a.PropertyID, "bk_") || strings.HasPrefix(a.PropertyID, "_bk") {
		return cmdb.ErrInvalid("bk_property_id")
	}
	if a.Placeholder != "" && strings.TrimSpace(a.Placeholder) == "" {
		return cmdb.ErrInvalid("placeholder")
	}
	if utf8.RuneCountInString(a.Unit) > 20 {
		return cmdb.Errorf(cmdb.CodeValExceedMaxFailed, label(c.Lang, "model_attr_uint"), 20)
	}
	if err := cmdb.CheckAttributeCore(a, c.Lang); err != nil {
		return err
	}
	for _, o := range attrs {
		if o.PropertyName == a.PropertyName && visible(o.Supplier, c.Supplier) && o.ID != a.ID {
			return cmdb.Errorf(cmdb.CodeDuplicateItem, label(c.Lang, "model_attr_bk_property_name"))
		}
	}
	return nil
}

// findObject returns the model objID visible to the caller, or nil.
func findObject(tx cmdb.Tx, c Caller, objID string) (*cmdb.Object, error) {
	objs, err := tx.Objects()
	if err != nil {
		return nil, err
	}
	for i := range objs {
		if objs[i].ObjID == objID && visible(objs[i].Supplier, c.Supplier) {
			return &objs[i], nil
		}
	}
	return nil, nil
}

// UpdateAttribute answers update_object_attribute.
func (s *Service) UpdateAttribute(ctx context.Context, c Caller, id int64, b Body) error {
	for _, k := range []string{"bk_biz_id", "metadata", "bk_property_index", "bk_property_group",
		"bk_property_id", "bk_supplier_account", "bk_property_type", "create_time", "ispre", "id", "bk_obj_id"} {
		delete(b, k)
	}
	if raw, present := b["ismultiple"]; present {
		if _, ok := raw.(bool); !ok {
			return cmdb.ErrParamsInvalid("ismultiple")
		}
	}
	in, derr := decodeAttrInput(b)
	if derr != nil {
		return derr
	}
	return s.update(ctx, func(tx cmdb.Tx) error {
		attrs, err := tx.Attributes("")
		if err != nil {
			return err
		}
		var cur *cmdb.Attribute
		for i := range attrs {
			if attrs[i].ID == id && visible(attrs[i].Supplier, c.Supplier) {
				cur = &attrs[i]
			}
		}
		if cur == nil {
			return nil
		}
		next := *cur
		_, hasOption := b["option"]
		if cur.IsPre {
			if in.Unit != nil {
				next.Unit = *in.Unit
			}
			if in.Placeholder != nil {
				next.Placeholder = *in.Placeholder
			}
			if hasOption {
				next.Option = in.Option
			}
		} else {
			applyAttrInput(&next, in, b)
		}
		if hasOption {
			if err := cmdb.CheckAttributeOption(&next, c.Lang); err != nil {
				return err
			}
		}
		switch next.Type {
		case cmdb.TypeEnum, cmdb.TypeEnumMulti, cmdb.TypeEnumQuote:
			next.Default = nil
		}
		if next.PropertyName != cur.PropertyName {
			for _, o := range attrs {
				if o.ObjID == cur.ObjID && o.ID != cur.ID && o.PropertyName == next.PropertyName {
					return cmdb.Errorf(cmdb.CodeDuplicateItem, label(c.Lang, "model_attr_bk_property_name"))
				}
			}
		}
		if next.IsRequired != cur.IsRequired && restrictedModels[cur.ObjID] {
			obj, err := findObject(tx, c, cur.ObjID)
			if err != nil {
				return err
			}
			name := cur.ObjID
			if obj != nil {
				name = obj.Name
			}
			return cmdb.Errorf(cmdb.CodeNotAllowChangeRequiredFieldErr, name)
		}
		next.LastTime = s.now()
		return tx.UpdateAttribute(&next)
	})
}

func applyAttrInput(a *cmdb.Attribute, in *attrInput, b Body) {
	setS := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setB := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setS(&a.PropertyName, in.PropertyName)
	setS(&a.Unit, in.Unit)
	setS(&a.Placeholder, in.Placeholder)
	setS(&a.Desc, in.Desc)
	setB(&a.Editable, in.Editable)
	setB(&a.IsRequired, in.IsRequired)
	setB(&a.IsReadOnly, in.IsReadOnly)
	setB(&a.IsOnly, in.IsOnly)
	if in.IsMultiple != nil {
		v := *in.IsMultiple
		a.IsMultiple = &v
	}
	if _, ok := b["option"]; ok {
		a.Option = in.Option
	}
	if _, ok := b["default"]; ok {
		a.Default = in.Default
	}
}

// DeleteAttribute answers delete_object_attribute: refused for an attribute
// in a unique rule; unknown ids succeed; the value is removed from every
// instance of the model.
func (s *Service) DeleteAttribute(ctx context.Context, c Caller, id int64) error {
	return s.update(ctx, func(tx cmdb.Tx) error {
		attrs, err := tx.Attributes("")
		if err != nil {
			return err
		}
		for _, a := range attrs {
			if a.ID != id || !visible(a.Supplier, c.Supplier) {
				continue
			}
			rules, err := tx.UniqueRules(a.ObjID)
			if err != nil {
				return err
			}
			for _, r := range rules {
				for _, k := range r.Keys {
					if k == a.PropertyID {
						return cmdb.Errorf(cmdb.CodeNotAllowUniqueAttr)
					}
				}
			}
			if err := tx.DeleteAttribute(a.Supplier, a.ID); err != nil {
				return err
			}
			return tx.UnsetInstanceField(a.Supplier, a.ObjID, a.PropertyID)
		}
		return nil
	})
}

// Page is bk-cmdb's {start, limit, sort}.
type Page struct {
	Start int64
	Limit int64
	Sort  string
}

func parsePage(raw any) (Page, *cmdb.Error) {
	var p Page
	if raw == nil {
		return p, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return p, cmdb.ErrDecode()
	}
	b := Body(m)
	if v, present, ok := b.Int("start"); present {
		if !ok {
			return p, cmdb.ErrDecode()
		}
		p.Start = v
	}
	if v, present, ok := b.Int("limit"); present {
		if !ok {
			return p, cmdb.ErrDecode()
		}
		p.Limit = v
	}
	if v, present, ok := b.Str("sort"); present {
		if !ok {
			return p, cmdb.ErrDecode()
		}
		p.Sort = v
	}
	return p, nil
}

// sortKeys parses bk-cmdb's sort syntax: "f1,-f2" or "f1:1,f2:-1".
func sortKeys(s string) (fields []string, desc []bool) {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d := false
		if strings.HasPrefix(part, "-") {
			d, part = true, part[1:]
		}
		if f, dir, ok := strings.Cut(part, ":"); ok {
			part = f
			d = strings.TrimSpace(dir) == "-1"
		}
		fields = append(fields, part)
		desc = append(desc, d)
	}
	return fields, desc
}

// applyPage sorts (when asked), skips and limits records in memory: the
// model layer's tables are small and read whole.
func applyPage[T any](recs []T, p Page) []T {
	if p.Sort != "" {
		fields, desc := sortKeys(p.Sort)
		docs := make([]map[string]any, len(recs))
		idx := make([]int, len(recs))
		for i := range recs {
			docs[i] = toDoc(recs[i])
			idx[i] = i
		}
		sort.SliceStable(idx, func(x, y int) bool {
			for k, f := range fields {
				c := compareValues(docs[idx[x]][f], docs[idx[y]][f])
				if c != 0 {
					return (c < 0) != desc[k]
				}
			}
			return false
		})
		sorted := make([]T, len(recs))
		for i, j := range idx {
			sorted[i] = recs[j]
		}
		recs = sorted
	}
	if p.Start > 0 {
		if p.Start >= int64(len(recs)) {
			return recs[:0]
		}
		recs = recs[p.Start:]
	}
	if p.Limit > 0 && p.Limit < int64(len(recs)) {
		recs = recs[:p.Limit]
	}
	return recs
}

// compareValues orders JSON values the way a sort over mixed records needs:
// missing/null < numbers < strings < others; numbers numerically.
func compareValues(a, b any) int {
	ra, rb := typeRank(a), typeRank(b)
	if ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case json.Number:
		fa, _ := x.Float64()
		fb, _ := b.(json.Number).Float64()
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	}
	return 0
}

func typeRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case json.Number:
		return 1
	case string:
		return 2
	case bool:
		return 4
	}
	return 3
}
