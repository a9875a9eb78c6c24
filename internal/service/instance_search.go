package service

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
)

// Instance searches: search_object_instances, count_object_instances
// (filter language D), search_inst_by_object / get_inst_detail (raw
// condition, language A) and search_inst (own fields plus associated
// models). All run on runSearch (instance_query.go).

// MaxInstanceLimit is BKMaxInstanceLimit, search_object_instances' page
// limit.
const MaxInstanceLimit = 500

// ObjectInstances is search_object_instances' answer: info is null when
// nothing matches.
type ObjectInstances struct {
	Info []cmdb.Instance `json:"info"`
}

// InstanceCount is count_object_instances' answer.
type InstanceCount struct {
	Count int64 `json:"count"`
}

// InstanceList is the {count, info} answer of search_inst and
// search_inst_by_object.
type InstanceList struct {
	Count int64           `json:"count"`
	Info  []cmdb.Instance `json:"info"`
}

// parseFields reads a string-array projection; a wrong JSON type does not
// decode (1199000).
func parseFields(raw any) ([]string, *cmdb.Error) {
	if raw == nil {
		return nil, nil
	}
	arr, ok := raw.([]any)
	if !ok {
		return nil, cmdb.ErrDecode()
	}
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		s, ok := v.(string)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		out = append(out, s)
	}
	return out, nil
}

// parseTimeCondition reads time_condition (models-and-instances.md §0.4)
// into a condition on date fields; nil when absent. Values that do not
// decode (a non-string, an unparsable time) answer 1199000; then oper,
// rules, each rule's field and bounds are checked in that order.
func parseTimeCondition(raw any) (cond.Expr, *cmdb.Error) {
	if raw == nil {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, cmdb.ErrDecode()
	}
	oper, _, operOK := Body(m).Str("oper")
	if v, present := m["oper"]; present && v != nil && !operOK {
		return nil, cmdb.ErrDecode()
	}
	type rule struct {
		field      string
		start, end *time.Time
	}
	var rules []rule
	if rr, present := m["rules"]; present && rr != nil {
		arr, ok := rr.([]any)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		for _, el := range arr {
			rm, ok := el.(map[string]any)
			if !ok && el != nil {
				return nil, cmdb.ErrDecode()
			}
			var r rule
			if v, present := rm["field"]; present && v != nil {
				s, ok := v.(string)
				if !ok {
					return nil, cmdb.ErrDecode()
				}
				r.field = s
			}
			for key, dst := range map[string]**time.Time{"start": &r.start, "end": &r.end} {
				v, present := rm[key]
				if !present || v == nil {
					continue
				}
				t, ok := parseConditionTime(v)
				if !ok {
					return nil, cmdb.ErrDecode()
				}
				*dst = &t
			}
			rules = append(rules, r)
		}
	}
	if oper != "and" {
		return nil, cmdb.ErrText(cmdb.CodeParamsInvalid, "time condition oper is invalid")
	}
	if len(rules) == 0 {
		return nil, cmdb.ErrText(cmdb.CodeParamsNeedSet, "time condition rules not set")
	}
	// One condition per field; a later rule on the same field replaces an
	// earlier one (bk-cmdb builds a map).
	byField := map[string]cond.Expr{}
	for _, r := range rules {
		if r.field == "" {
			return nil, cmdb.ErrText(cmdb.CodeParamsNeedSet, "time condition field not set")
		}
		if r.start == nil && r.end == nil {
			return nil, cmdb.ErrText(cmdb.CodeParamsInvalid, "time condition start and end both not set")
		}
		field := r.field
		switch field {
		case "bk_created_at":
			field = "create_time"
		case "bk_updated_at":
			field = "last_time"
		}
		switch {
		case r.start == nil:
			byField[field] = cond.Pred{Field: field, Op: cond.OpLte, Value: *r.end}
		case r.end == nil:
			byField[field] = cond.Pred{Field: field, Op: cond.OpGte, Value: *r.start}
		case r.start.Equal(*r.end):
			byField[field] = cond.Pred{Field: field, Op: cond.OpEq, Value: *r.start}
		default:
			byField[field] = cond.And{
				cond.Pred{Field: field, Op: cond.OpGte, Value: *r.start},
				cond.Pred{Field: field, Op: cond.OpLte, Value: *r.end},
			}
		}
	}
	fields := make([]string, 0, len(byField))
	for f := range byField {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	out := make(cond.And, 0, len(fields))
	for _, f := range fields {
		out = append(out, byField[f])
	}
	return out, nil
}

// parseConditionTime reads a time_condition bound: "YYYY-MM-DD hh:mm:ss"
// (server zone) or RFC3339, truncated to milliseconds as MongoDB stores
// dates.
func parseConditionTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.Local)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return time.Time{}, false
		}
	}
	return t.Truncate(time.Millisecond), true
}

// andExpr joins conditions (nil parts skipped).
func andExpr(parts ...cond.Expr) cond.Expr {
	var out cond.And
	for _, p := range parts {
		if p != nil {
			out = append(out, p)
		}
	}
	switch len(out) {
	case 0:
		return cond.True{}
	case 1:
		return out[0]
	}
	return out
}

// SearchObjectInstances answers search_object_instances (the inner-model
// check is the caller's: it precedes decoding).
func (s *Service) SearchObjectInstances(ctx context.Context, c Caller, objID string, b Body) (*ObjectInstances, error) {
	pg, perr := parsePage(b["page"])
	if perr != nil {
		return nil, perr
	}
	fields, ferr := parseFields(b["fields"])
	if ferr != nil {
		return nil, ferr
	}
	if pg.Limit <= 0 || pg.Limit > MaxInstanceLimit {
		return nil, cmdb.ErrParamsInvalid("page.limit")
	}
	expr, cerr := cond.ParseFilter(b["conditions"])
	if cerr != nil {
		return nil, cerr
	}
	tc, terr := parseTimeCondition(b["time_condition"])
	if terr != nil {
		return nil, terr
	}
	out := &ObjectInstances{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil || m.obj == nil {
			return err
		}
		res, err := s.runSearch(tx, c, m, &instSearch{expr: andExpr(expr, tc), start: max(pg.Start, 0),
			limit: pg.Limit, sort: pg.Sort, fields: fields, rows: true})
		if err != nil {
			return err
		}
		out.Info = res.info
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CountObjectInstances answers count_object_instances.
func (s *Service) CountObjectInstances(ctx context.Context, c Caller, objID string, b Body) (*InstanceCount, error) {
	expr, cerr := cond.ParseFilter(b["conditions"])
	if cerr != nil {
		return nil, cerr
	}
	tc, terr := parseTimeCondition(b["time_condition"])
	if terr != nil {
		return nil, terr
	}
	out := &InstanceCount{}
	err := s.view(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil || m.obj == nil {
			return err
		}
		res, err := s.runSearch(tx, c, m, &instSearch{expr: andExpr(expr, tc), count: true})
		if err != nil {
			return err
		}
		out.Count = res.count
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SearchInstByObject answers search_inst_by_object and get_inst_detail
// (the inner-model check is the caller's: it precedes decoding).
func (s *Service) SearchInstByObject(ctx context.Context, c Caller, objID string, b Body) (*InstanceList, error) {
	var condMap map[string]any
	if raw, ok := b["condition"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		condMap = m
	}
	fields, ferr := parseFields(b["fields"])
	if ferr != nil {
		return nil, ferr
	}
	pg, perr := parsePage(b["page"])
	if perr != nil {
		return nil, perr
	}
	empty := &InstanceList{Info: []cmdb.Instance{}}
	expr, mismatch, cerr := rawModelCondition(condMap, objID)
	if cerr != nil {
		return nil, cerr
	}
	if mismatch {
		return empty, nil
	}
	tc, terr := parseTimeCondition(b["time_condition"])
	if terr != nil {
		return nil, terr
	}
	out := empty
	err := s.view(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, c, objID)
		if err != nil || m.obj == nil {
			return err
		}
		res, err := s.runSearch(tx, c, m, &instSearch{expr: andExpr(expr, tc), start: max(pg.Start, 0),
			limit: max(pg.Limit, 0), sort: pg.Sort, fields: fields, count: true, rows: true})
		if err != nil {
			return err
		}
		out = &InstanceList{Count: res.count, Info: res.info}
		if out.Info == nil {
			out.Info = []cmdb.Instance{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// asstCondItem is one {field, operator, value} of search_inst.
type asstCondItem struct {
	Field    string
	Operator string
	Value    any
}

// SearchInstByAssociation answers search_inst (models-and-instances.md
// §4.8).
func (s *Service) SearchInstByAssociation(ctx context.Context, c Caller, objID string, b Body) (*InstanceList, error) {
	conds := map[string][]asstCondItem{}
	var modelOrder []string
	if raw, ok := b["condition"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		for model, v := range m {
			var items []asstCondItem
			if v != nil {
				arr, ok := v.([]any)
				if !ok {
					return nil, cmdb.ErrDecode()
				}
				for _, el := range arr {
					em, ok := el.(map[string]any)
					if !ok && el != nil {
						return nil, cmdb.ErrDecode()
					}
					var it asstCondItem
					for key, dst := range map[string]*string{"field": &it.Field, "operator": &it.Operator} {
						if fv, present := em[key]; present && fv != nil {
							s, ok := fv.(string)
							if !ok {
								return nil, cmdb.ErrDecode()
							}
							*dst = s
						}
					}
					it.Value = em["value"]
					items = append(items, it)
				}
			}
			conds[model] = items
			modelOrder = append(modelOrder, model)
		}
	}
	sort.Strings(modelOrder)
	var fields []string
	if raw, ok := b["fields"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, cmdb.ErrDecode()
		}
		for k, v := range m {
			f, err := parseFields(v)
			if err != nil {
				return nil, err
			}
			if k == objID {
				fields = f
			}
		}
	}
	pg, perr := parsePage(b["page"])
	if perr != nil {
		return nil, perr
	}
	tc, terr := parseTimeCondition(b["time_condition"])
	if terr != nil {
		return nil, terr
	}
	idField := cmdb.InstIDField(objID)
	instCond := map[string]any{}
	if !cmdb.InnerModels[objID] {
		instCond["bk_obj_id"] = objID
	}
	if own, ok := conds[objID]; ok {
		buildOwnCondition(instCond, own)
	}
	var out *InstanceList
	err := s.view(ctx, func(tx cmdb.Tx) error {
		scope := cmdb.ScopeOf(c.Supplier)
		var targets []any
		seen := map[int64]bool{}
		for _, model := range modelOrder {
			if model == objID {
				continue
			}
			other := map[string]any{}
			if !cmdb.InnerModels[model] {
				other["bk_obj_id"] = model
			}
			for _, it := range conds[model] {
				if it.Operator == "$eq" {
					other[it.Field] = it.Value
				} else {
					other[it.Field] = map[string]any{it.Operator: it.Value}
				}
			}
			ids, err := s.matchingIDs(tx, c, model, other)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				continue
			}
			rows, err := tx.InstAsstsTouching(scope, model, ids)
			if err != nil {
				return err
			}
			hit := map[int64]bool{}
			for _, id := range ids {
				hit[id] = true
			}
			for _, r := range rows {
				if r.ObjID == objID && r.AsstObjID == model && hit[r.AsstInstID] && !seen[r.InstID] {
					seen[r.InstID] = true
					targets = append(targets, r.InstID)
				}
			}
		}
		if len(targets) > 0 {
			instCond[idField] = map[string]any{"$in": targets}
		} else if len(conds) > 0 {
			if _, ok := conds[objID]; !ok {
				out = &InstanceList{}
				return nil
			}
		}
		expr, mismatch, cerr := rawModelCondition(instCond, objID)
		if cerr != nil {
			return cerr
		}
		if mismatch {
			out = &InstanceList{}
			return nil
		}
		m, err := loadInstModel(tx, c, objID)
		if err != nil {
			return err
		}
		res, err := s.runSearch(tx, c, m, &instSearch{expr: andExpr(expr, tc), start: max(pg.Start, 0),
			limit: max(pg.Limit, 0), sort: pg.Sort, fields: fields, count: true, rows: true})
		if err != nil {
			return err
		}
		out = &InstanceList{Count: res.count, Info: res.info}
		if out.Info == nil {
			out.Info = []cmdb.Instance{}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// buildOwnCondition is bk-cmdb's construction of the target model's own
// condition, item by item in order: $eq with a string → {$eq: v}, with
// anything else → the plain value; $regex / $multilike with a string → the
// escaped string; $lt/$lte/$gt/$gte join an existing operator document of
// the field (and are lost when the field already holds a plain value);
// any other operator → {op: v}, replacing what the field had.
func buildOwnCondition(instCond map[string]any, items []asstCondItem) {
	for _, it := range items {
		switch it.Operator {
		case "$eq":
			if s, ok := it.Value.(string); ok {
				instCond[it.Field] = map[string]any{"$eq": s}
			} else {
				instCond[it.Field] = it.Value
			}
		case "$regex", "$multilike":
			if s, ok := it.Value.(string); ok {
				instCond[it.Field] = map[string]any{it.Operator: specialCharChange(s)}
			} else {
				instCond[it.Field] = map[string]any{it.Operator: it.Value}
			}
		case "$lt", "$lte", "$gt", "$gte":
			if _, ok := instCond[it.Field]; !ok {
				instCond[it.Field] = map[string]any{}
			}
			if m, ok := instCond[it.Field].(map[string]any); ok {
				m[it.Operator] = it.Value
			}
		default:
			instCond[it.Field] = map[string]any{it.Operator: it.Value}
		}
	}
}

// specialChars are the characters bk-cmdb's SpecialCharChange escapes.
const specialChars = `.()\|[]*{}^$?`

// specialCharChange is bk-cmdb's escaping of a search_inst $regex value:
// each distinct special character, in order of first appearance, is
// replaced everywhere by itself preceded by a backslash — so a backslash
// met after other special characters doubles the escapes added before it.
func specialCharChange(s string) string {
	var order []string
	seen := map[rune]bool{}
	for _, r := range s {
		if strings.ContainsRune(specialChars, r) && !seen[r] {
			seen[r] = true
			order = append(order, string(r))
		}
	}
	for _, ch := range order {
		s = strings.ReplaceAll(s, ch, `\`+ch)
	}
	return s
}

// matchingIDs returns the ids of the instances of model matching a raw
// condition (search_inst's associated-model step).
func (s *Service) matchingIDs(tx cmdb.Tx, c Caller, model string, condMap map[string]any) ([]int64, error) {
	expr, mismatch, err := rawModelCondition(condMap, model)
	if err != nil || mismatch {
		return nil, err
	}
	m, err := loadInstModel(tx, c, model)
	if err != nil {
		return nil, err
	}
	res, err := s.runSearch(tx, c, m, &instSearch{expr: expr, rows: true, fields: []string{m.idField}})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(res.info))
	for _, inst := range res.info {
		if id, ok := asInt(inst[m.idField]); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// rawModelCondition parses a raw condition on the instances of objID as
// bk-cmdb's instance read applies it: the supplier key is replaced by the
// caller's scope; for a custom model, a bk_obj_id other than the model
// itself (compared as a whole value) empties the answer (mismatch), and
// bk_obj_id is then replaced by the model.
func rawModelCondition(condMap map[string]any, objID string) (cond.Expr, bool, error) {
	if condMap == nil {
		return cond.True{}, false, nil
	}
	rest := make(map[string]any, len(condMap))
	for k, v := range condMap {
		if k == "bk_supplier_account" {
			continue
		}
		if k == "bk_obj_id" && !cmdb.InnerModels[objID] {
			if s, ok := v.(string); !ok || s != objID {
				return nil, true, nil
			}
			continue
		}
		rest[k] = v
	}
	expr, err := cond.ParseMongo(rest, cond.DefaultLimits())
	if err != nil {
		return nil, false, err
	}
	return expr, false, nil
}
