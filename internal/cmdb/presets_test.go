package cmdb

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

func attrsOf(d *PresetData, obj string) []Attribute {
	var out []Attribute
	for _, a := range d.Attributes {
		if a.ObjID == obj {
			out = append(out, a)
		}
	}
	return out
}

func findAttr(t *testing.T, d *PresetData, obj, id string) Attribute {
	t.Helper()
	for _, a := range d.Attributes {
		if a.ObjID == obj && a.PropertyID == id {
			return a
		}
	}
	t.Fatalf("attribute %s.%s missing", obj, id)
	return Attribute{}
}

func TestPresetLegacyAdminIPRegex(t *testing.T) {
	if n := len(RegexLegacyAdminIP); n != 249 {
		t.Fatalf("legacy bk_admin_ip option has %d characters, want 249", n)
	}
	var fromSpec string
	// The JSON string exactly as presets.md §3.1 prints it.
	spec := `"^(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|[1-9])\\.((1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)\\.){2}(\n1\\\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)(,(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|[1-9])\\.\n((1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)\\.){2}(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d))*$"`
	if err := json.Unmarshal([]byte(spec), &fromSpec); err != nil {
		t.Fatal(err)
	}
	if fromSpec != RegexLegacyAdminIP {
		t.Fatalf("legacy regex differs from the spec's JSON text")
	}
	re, err := regexp.Compile(RegexLegacyAdminIP)
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]bool{
		"10.0.0.1": true, "10.0.0.250": true,
		"10.0.0.150": false, "0.1.1.1": false, "10.0.0.1,10.0.0.2": false,
	} {
		if got := re.MatchString(v); got != want {
			t.Errorf("legacy regex on %q = %v, want %v", v, got, want)
		}
	}
	d := Presets()
	for _, o := range []string{"bk_router", "bk_load_balance", "bk_firewall"} {
		if opt := findAttr(t, d, o, "bk_admin_ip").Option; opt != RegexLegacyAdminIP {
			t.Errorf("%s bk_admin_ip option = %q", o, opt)
		}
	}
	if opt := findAttr(t, d, "bk_switch", "bk_admin_ip").Option; opt != RegexIPv4List {
		t.Errorf("bk_switch bk_admin_ip option = %q", opt)
	}
}

func TestPresetRegexes(t *testing.T) {
	v4 := regexp.MustCompile(RegexIPv4List)
	for v, want := range map[string]bool{
		"10.0.0.1": true, "10.0.0.1,192.168.1.255": true, "256.0.0.1": false, "10.0.0": false, "": false,
	} {
		if got := v4.MatchString(v); got != want {
			t.Errorf("ipv4 list regex on %q = %v, want %v", v, got, want)
		}
	}
	v6 := regexp.MustCompile(RegexIPv6List)
	for v, want := range map[string]bool{
		"::1": true, "::": true, "fe80::1": true, "2001:db8:0:0:0:0:0:1": true,
		"2001:db8::1,::ffff:10.0.0.1": true, "1::": true, "1:2:3:4:5:6:10.0.0.1": true,
		"10.0.0.1": false, "2001:db8:::1": false, "gggg::1": false, "1:2:3:4:5:6:7:8:9": false, "": false,
	} {
		if got := v6.MatchString(v); got != want {
			t.Errorf("ipv6 list regex on %q = %v, want %v", v, got, want)
		}
	}
	regexp.MustCompile(RegexAgentID)
	bs := regexp.MustCompile(RegexBizSetName)
	if !bs.MatchString("my-set") || bs.MatchString("a|b") || bs.MatchString("a b") || bs.MatchString(`a\b`) {
		t.Error("bk_biz_set_name regex misbehaves")
	}
	// Every string option of a singlechar/longchar attribute compiles.
	for _, a := range Presets().Attributes {
		if s, ok := a.Option.(string); ok && s != "" && (a.Type == TypeSingleChar || a.Type == TypeLongChar) {
			if _, err := regexp.Compile(s); err != nil {
				t.Errorf("%s.%s option does not compile: %v", a.ObjID, a.PropertyID, err)
			}
		}
	}
}

func TestPresetCounts(t *testing.T) {
	d := Presets()
	if n := len(d.Classifications); n != 6 {
		t.Errorf("%d classifications", n)
	}
	if n := len(d.Objects); n != 12 {
		t.Errorf("%d objects", n)
	}
	if n := len(attrsOf(d, "host")); n != 43 {
		t.Errorf("host has %d attributes, want 43", n)
	}
	if n := len(attrsOf(d, "biz")); n != 13 {
		t.Errorf("biz has %d attributes, want 13", n)
	}
	if n := len(attrsOf(d, "set")); n != 14 {
		t.Errorf("set has %d attributes, want 14", n)
	}
	if n := len(attrsOf(d, "module")); n != 15 {
		t.Errorf("module has %d attributes, want 15", n)
	}
	if n := len(attrsOf(d, "plat")); n != 14 {
		t.Errorf("plat has %d attributes, want 14", n)
	}
	if n := len(d.Kinds); n != 6 {
		t.Errorf("%d kinds", n)
	}
	if n := len(d.ObjAssts); n != 4 {
		t.Errorf("%d object associations", n)
	}
	if n := len(d.UniqueRules); n != 4+1+1+1+1+5+4+2 {
		t.Errorf("%d unique rules", n)
	}
}

func TestPresetClassificationsAndObjects(t *testing.T) {
	d := Presets()
	cls := map[string]Classification{}
	for _, c := range d.Classifications {
		if c.ID != 0 || c.Supplier != "0" {
			t.Errorf("classification %s: id %d supplier %q", c.ClsID, c.ID, c.Supplier)
		}
		cls[c.ClsID] = c
	}
	if c := cls["bk_uncategorized"]; c.Type != "inner" || c.Icon != "icon-cc-default" || c.Name != "未分类" {
		t.Errorf("bk_uncategorized = %+v", c)
	}
	if c := cls["bk_table_classification"]; c.Type != "hidden" || c.Icon != "" {
		t.Errorf("bk_table_classification = %+v", c)
	}
	sorts := map[string]int64{
		"bk_switch": 1, "bk_router": 2, "bk_load_balance": 3, "bk_firewall": 4, "module": 1, "set": 2,
		"host": 1, "biz": 1, "bk_biz_set_obj": 2, "bk_project": 3, "process": 1, "plat": 2,
	}
	translated := TranslatedModels()
	for _, o := range d.Objects {
		if _, ok := cls[o.ClsID]; !ok {
			t.Errorf("%s: unknown classification %s", o.ObjID, o.ClsID)
		}
		if o.Creator != "cc_system" || o.Supplier != "0" || o.Modifier != "" || o.IsPaused || o.Desc != "" {
			t.Errorf("%s: record fields %+v", o.ObjID, o)
		}
		if o.SortNumber != sorts[o.ObjID] {
			t.Errorf("%s: obj_sort_number %d", o.ObjID, o.SortNumber)
		}
		if o.IsPre != InnerModels[o.ObjID] {
			t.Errorf("%s: ispre %v", o.ObjID, o.IsPre)
		}
		if o.IsHidden != (o.ObjID == "process" || o.ObjID == "plat") {
			t.Errorf("%s: bk_ishidden %v", o.ObjID, o.IsHidden)
		}
		if o.Position != "" && !json.Valid([]byte(o.Position)) {
			t.Errorf("%s: position %q", o.ObjID, o.Position)
		}
		if !translated[o.ObjID] {
			t.Errorf("%s is not a translated model", o.ObjID)
		}
		// Sort numbers are 1-based positions within the classification.
		if _, ok := LangText(LangEN, "object_"+o.ObjID); !ok {
			t.Errorf("no object_%s entry", o.ObjID)
		}
	}
	if len(translated) != 12 {
		t.Errorf("%d translated models", len(translated))
	}
}

func TestPresetAttributesInvariants(t *testing.T) {
	d := Presets()
	groups := map[[2]string]bool{}
	for _, g := range d.Groups {
		k := [2]string{g.ObjID, g.GroupID}
		if groups[k] {
			t.Errorf("duplicate group %v", k)
		}
		groups[k] = true
	}
	seen := map[[2]string]bool{}
	names := map[[2]string]bool{}
	for _, a := range d.Attributes {
		k := [2]string{a.ObjID, a.PropertyID}
		if seen[k] {
			t.Errorf("duplicate attribute %v", k)
		}
		seen[k] = true
		if a.PropertyName != "" {
			nk := [2]string{a.ObjID, a.PropertyName}
			if names[nk] {
				t.Errorf("duplicate attribute name %v", nk)
			}
			names[nk] = true
		}
		if !groups[[2]string{a.ObjID, a.Group}] {
			t.Errorf("%v: group %q does not exist", k, a.Group)
		}
		if a.GroupName == "" {
			t.Errorf("%v: no group name", k)
		}
		if a.IsMultiple == nil {
			t.Errorf("%v: ismultiple unset", k)
		}
		if a.Creator != "cc_system" || a.Supplier != "0" || a.ID != 0 || a.BizID != 0 || a.TemplateID != 0 || a.Default != nil {
			t.Errorf("%v: record fields %+v", k, a)
		}
		if a.Type == TypeEnum || a.Type == TypeEnumMulti {
			opts, ok := a.Option.([]any)
			if !ok || len(opts) == 0 {
				t.Errorf("%v: enum option %T", k, a.Option)
				continue
			}
			ids := map[string]bool{}
			defaults := 0
			for _, o := range opts {
				m, ok := o.(map[string]any)
				if !ok {
					t.Errorf("%v: option element %T", k, o)
					continue
				}
				id, _ := m["id"].(string)
				name, _ := m["name"].(string)
				if id == "" || name == "" || m["type"] != "text" {
					t.Errorf("%v: option %v", k, m)
				}
				if ids[id] {
					t.Errorf("%v: duplicate option id %s", k, id)
				}
				ids[id] = true
				def, ok := m["is_default"].(bool)
				if !ok {
					t.Errorf("%v: option %s without is_default", k, id)
				}
				if def {
					defaults++
				}
			}
			if defaults > 1 {
				t.Errorf("%v: %d default options", k, defaults)
			}
		}
		if a.Type == TypeInt {
			switch o := a.Option.(type) {
			case string:
				if o != "" {
					t.Errorf("%v: int option %q", k, o)
				}
			case map[string]any:
				if _, ok := o["min"].(string); !ok {
					t.Errorf("%v: int option %v", k, o)
				}
				if _, ok := o["max"].(string); !ok {
					t.Errorf("%v: int option %v", k, o)
				}
			default:
				t.Errorf("%v: int option %T", k, a.Option)
			}
		}
		if _, err := json.Marshal(a); err != nil {
			t.Errorf("%v: %v", k, err)
		}
		if *a.IsMultiple && a.Type != TypeUser && a.Type != TypeOrganization && a.Type != TypeEnumMulti {
			t.Errorf("%v: ismultiple on %s", k, a.Type)
		}
	}

	// Every preset model has the four recorded fields, as specified.
	for _, o := range d.Objects {
		for _, f := range RecordedFields {
			a := findAttr(t, d, o.ObjID, f)
			wantType := TypeTime
			if f == "bk_created_by" || f == "bk_updated_by" {
				wantType = TypeUser
			}
			if a.Type != wantType || !a.IsPre || a.Editable || *a.IsMultiple || a.Option != "" ||
				a.Group != "default" || a.Index != 0 {
				t.Errorf("%s.%s: %+v", o.ObjID, f, a)
			}
		}
		if !groups[[2]string{o.ObjID, "default"}] {
			t.Errorf("%s has no default group", o.ObjID)
		}
	}
	if !groups[[2]string{"biz", "role"}] || !groups[[2]string{"host", "auto"}] {
		t.Error("biz role / host auto group missing")
	}
}

func TestPresetNetworkModels(t *testing.T) {
	d := Presets()
	want := []string{"bk_asset_id", "bk_inst_name", "bk_sn", "bk_func", "bk_vendor", "bk_model", "bk_admin_ip",
		"bk_operator", "bk_os_detail", "bk_detail", "bk_biz_status",
		"bk_created_at", "bk_created_by", "bk_updated_at", "bk_updated_by"}
	for _, o := range NetworkModels {
		as := attrsOf(d, o)
		var ids []string
		for i, a := range as {
			ids = append(ids, a.PropertyID)
			if a.IsOnly || a.IsReadOnly || a.IsSystem || a.IsAPI || a.Unit != "" || a.Placeholder != "" || *a.IsMultiple {
				t.Errorf("%s.%s flags %+v", o, a.PropertyID, a)
			}
			if i < 11 && a.Index != int64(i) {
				t.Errorf("%s.%s index %d", o, a.PropertyID, a.Index)
			}
			if a.Group != "default" || a.GroupName != "基础信息" {
				t.Errorf("%s.%s group %s/%s", o, a.PropertyID, a.Group, a.GroupName)
			}
			wantPre := i < 2 || i >= 11
			if a.IsPre != wantPre {
				t.Errorf("%s.%s ispre %v", o, a.PropertyID, a.IsPre)
			}
			if i >= 2 && i < 11 && !a.Editable {
				t.Errorf("%s.%s not editable", o, a.PropertyID)
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%s attributes %v", o, ids)
		}
		asset := findAttr(t, d, o, "bk_asset_id")
		if !asset.IsRequired || asset.Editable || asset.IsOnly {
			t.Errorf("%s bk_asset_id %+v", o, asset)
		}
		name := findAttr(t, d, o, "bk_inst_name")
		if !name.IsRequired || !name.Editable || name.PropertyName != "名称" {
			t.Errorf("%s bk_inst_name %+v", o, name)
		}
		if ty := findAttr(t, d, o, "bk_operator").Type; ty != TypeSingleChar {
			t.Errorf("%s bk_operator type %s", o, ty)
		}
		if ty := findAttr(t, d, o, "bk_detail").Type; ty != TypeLongChar {
			t.Errorf("%s bk_detail type %s", o, ty)
		}
		st := findAttr(t, d, o, "bk_biz_status").Option.([]any)
		if len(st) != 3 || st[0].(map[string]any)["name"] != "待运营" || st[0].(map[string]any)["is_default"] != false {
			t.Errorf("%s bk_biz_status option %v", o, st)
		}
	}
}

func TestPresetHost(t *testing.T) {
	d := Presets()
	auto := 0
	for _, a := range attrsOf(d, "host") {
		if a.Group == "auto" {
			auto++
			switch a.PropertyID {
			case "bk_cpu_architecture":
				if a.Placeholder != "选择CPU架构类型，如X86或ARM" {
					t.Errorf("bk_cpu_architecture placeholder %q", a.Placeholder)
				}
			default:
				if a.Placeholder != "可人工设置。若需自动发现，请在主机上安装GseAgent和采集器。" {
					t.Errorf("%s placeholder %q", a.PropertyID, a.Placeholder)
				}
			}
		}
	}
	if auto != 13 {
		t.Errorf("%d auto attributes", auto)
	}
	if a := findAttr(t, d, "host", "bk_mem"); a.Unit != "MB" {
		t.Errorf("bk_mem unit %q", a.Unit)
	}
	if a := findAttr(t, d, "host", "bk_disk"); a.Unit != "GB" {
		t.Errorf("bk_disk unit %q", a.Unit)
	}
	if a := findAttr(t, d, "host", "bk_cloud_id"); a.Type != TypeForeignKey || a.Placeholder == "" {
		t.Errorf("bk_cloud_id %+v", a)
	}
	if a := findAttr(t, d, "host", "bk_service_term"); a.Option.(map[string]any)["max"] != "10" {
		t.Errorf("bk_service_term option %v", a.Option)
	}
	if a := findAttr(t, d, "host", "operator"); !*a.IsMultiple || a.Type != TypeUser {
		t.Errorf("operator %+v", a)
	}
	if a := findAttr(t, d, "host", "bk_state"); len(a.Option.([]any)) != 7 {
		t.Errorf("bk_state option %v", a.Option)
	}
	if a := findAttr(t, d, "host", "bk_province_name"); len(a.Option.([]any)) != 34 {
		t.Errorf("%d provinces", len(a.Option.([]any)))
	}
	if a := findAttr(t, d, "host", "bk_state_name"); len(a.Option.([]any)) < 240 {
		t.Errorf("%d countries", len(a.Option.([]any)))
	}
	if a := findAttr(t, d, "host", "bk_cloud_vendor"); len(a.Option.([]any)) != 16 {
		t.Errorf("%d cloud vendors", len(a.Option.([]any)))
	}
	arch := findAttr(t, d, "host", "bk_cpu_architecture").Option.([]any)
	if arch[0].(map[string]any)["id"] != "x86" || arch[0].(map[string]any)["is_default"] != true {
		t.Errorf("bk_cpu_architecture option %v", arch)
	}
	if a := findAttr(t, d, "module", "host_apply_enabled"); a.Option != nil || a.Placeholder != "是否开启主机属性自动应用" {
		t.Errorf("host_apply_enabled %+v", a)
	}
	if a := findAttr(t, d, "set", "bk_parent_id"); a.PropertyName != "" || !a.IsRequired || !a.IsSystem {
		t.Errorf("set bk_parent_id %+v", a)
	}
	if a := findAttr(t, d, "biz", "bk_biz_maintainer"); a.Group != "role" || a.GroupName != "角色" || !a.IsRequired {
		t.Errorf("bk_biz_maintainer %+v", a)
	}
	if a := findAttr(t, d, "biz", "language"); a.Editable || !a.IsRequired {
		t.Errorf("biz language %+v", a)
	}
}

func TestPresetUniqueRules(t *testing.T) {
	d := Presets()
	attrs := map[[2]string]bool{}
	for _, a := range d.Attributes {
		attrs[[2]string{a.ObjID, a.PropertyID}] = true
	}
	for _, r := range d.UniqueRules {
		if len(r.Keys) == 0 || r.Supplier != "0" {
			t.Errorf("rule %+v", r)
		}
		for _, k := range r.Keys {
			if !attrs[[2]string{r.ObjID, k}] {
				t.Errorf("rule of %s names unknown attribute %s", r.ObjID, k)
			}
		}
	}
	for _, o := range NetworkModels {
		n := 0
		for _, r := range d.UniqueRules {
			if r.ObjID == o {
				n++
				if !slices.Equal(r.Keys, []string{"bk_asset_id"}) || r.IsPre || !r.MustCheck {
					t.Errorf("%s rule %+v", o, r)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s has %d rules", o, n)
		}
	}
}

func TestPresetKindsAndObjAssts(t *testing.T) {
	d := Presets()
	ids := []string{"belong", "group", "bk_mainline", "run", "connect", "default"}
	for i, k := range d.Kinds {
		if k.AsstID != ids[i] || k.IsPre == nil || !*k.IsPre || k.Direction != "src_to_dest" || k.Supplier != "0" {
			t.Errorf("kind %d = %+v", i, k)
		}
	}
	if k := d.Kinds[5]; k.AsstName != "默认关联" || k.SrcDes != "关联" || k.DestDes != "被关联" {
		t.Errorf("default kind stored %+v", k)
	}
	want := []struct {
		id, obj, asst, kind, mapping string
		pre                          bool
	}{
		{"set_bk_mainline_biz", "set", "biz", "bk_mainline", "1:1", true},
		{"module_bk_mainline_set", "module", "set", "bk_mainline", "1:1", true},
		{"host_bk_mainline_module", "host", "module", "bk_mainline", "1:1", true},
		{"bk_switch_connect_host", "bk_switch", "host", "connect", "1:n", false},
	}
	for i, w := range want {
		a := d.ObjAssts[i]
		if a.ObjAsstID != w.id || a.ObjID != w.obj || a.AsstObjID != w.asst || a.AsstID != w.kind ||
			a.Mapping != w.mapping || a.OnDelete != "none" || a.IsPre == nil || *a.IsPre != w.pre ||
			a.ObjAsstName != "" || a.Supplier != "0" {
			t.Errorf("object association %d = %+v", i, a)
		}
	}
}

func TestPresetInstances(t *testing.T) {
	d := Presets()
	byKey := map[string]PresetInstance{}
	for _, in := range d.Instances {
		if _, dup := byKey[in.Key]; dup {
			t.Errorf("duplicate key %s", in.Key)
		}
		if in.ParentKey != "" {
			p, ok := byKey[in.ParentKey]
			if !ok {
				t.Errorf("%s: parent %s not listed before it", in.Key, in.ParentKey)
			}
			wantParent := map[string]string{"set": "biz", "module": "set"}[in.ObjID]
			if p.ObjID != wantParent {
				t.Errorf("%s: parent is a %s", in.Key, p.ObjID)
			}
		} else if in.ObjID != "biz" && in.ObjID != "plat" {
			t.Errorf("%s: no parent", in.Key)
		}
		byKey[in.Key] = in
		if _, err := json.Marshal(in.Data); err != nil {
			t.Errorf("%s: %v", in.Key, err)
		}
	}
	count := map[string]int{}
	for _, in := range d.Instances {
		count[in.ObjID]++
	}
	if count["biz"] != 2 || count["set"] != 2 || count["module"] != 6 || count["plat"] != 1 {
		t.Errorf("instance counts %v", count)
	}
	rp := d.Instances[0]
	if rp.ObjID != "biz" || rp.Data["bk_biz_name"] != "资源池" || rp.Data["default"] != json.Number("1") ||
		rp.Data["bk_biz_maintainer"] != "admin" || rp.Data["time_zone"] != "Asia/Shanghai" ||
		rp.Data["language"] != "1" || rp.Data["life_cycle"] != "2" {
		t.Errorf("resource pool %+v", rp)
	}
	var mods []string
	for _, in := range d.Instances {
		if in.ObjID == "module" && byKey[in.ParentKey].ParentKey == rp.Key {
			mods = append(mods, in.Data["bk_module_name"].(string)+":"+string(in.Data["default"].(json.Number)))
		}
	}
	if !slices.Equal(mods, []string{"空闲机:1", "故障机:2", "待回收:3"}) {
		t.Errorf("resource pool modules %v", mods)
	}
	plat := byKey["plat:default"]
	if plat.Data["bk_cloud_name"] != "default area" || plat.Data["bk_cloud_id"] != json.Number("0") {
		t.Errorf("plat %+v", plat)
	}
}

func TestLangTables(t *testing.T) {
	check := func(key, zh, en string) {
		t.Helper()
		if got, ok := LangText(LangZH, key); !ok || got != zh {
			t.Errorf("zh %s = %q, %v; want %q", key, got, ok, zh)
		}
		if got, ok := LangText(LangEN, key); !ok || got != en {
			t.Errorf("en %s = %q, %v; want %q", key, got, ok, en)
		}
	}
	check("classification_bk_host_manage", "主机管理", "Host Management")
	check("object_plat", "管控区域", "Plat")
	check("object_bk_load_balance", "负载均衡", "Load Balance")
	check("common_property_bk_inst_name", "实例名", "Instance Name")
	check("common_property_bk_updated_by", "更新人", "Updated By")
	check("bk_firewall_property_bk_asset_id", "固资编号", "Asset ID")
	check("bk_switch_property_bk_biz_status_enum_1", "待运营", "ready")
	check("host_property_bk_cloud_id", "管控区域", "BK-Network Area")
	check("host_property_bk_cloud_vendor_enum_3", "GCP", "Google Cloud")
	check("biz_property_language_enum_2", "English", "English")
	check("unique_kind_dest_to_src_default", "关联", "associate")
	check("unique_kind_name_bk_mainline", "拓扑组成", "mainline")
	check("unique_kind_dest_to_src_cover", "被覆盖", "be covered")
	check(LabelPropertyID, "唯一标识", "ID")
	check(LabelPropertyName, "名称", "Name")
	check(LabelPlaceholder, "用户提示", "Tips")
	check(LabelUnit, "单位", "Unit")
	check(LabelOptionRegex, "正则校验", "Regex")
	if _, ok := LangText(LangEN, "host_property_bk_agent_id"); ok {
		t.Error("bk_agent_id must have no entry")
	}

	// Every preset classification except the hidden one has an entry whose
	// zh text is the stored name.
	d := Presets()
	for _, c := range d.Classifications {
		zh, ok := LangText(LangZH, "classification_"+c.ClsID)
		if c.Type == "hidden" {
			continue
		}
		if !ok || zh != c.Name {
			t.Errorf("classification %s zh %q", c.ClsID, zh)
		}
	}
	// zh attribute entries equal the stored names (except bk_inst_name).
	for _, a := range d.Attributes {
		if zh, ok := LangText(LangZH, a.ObjID+"_property_"+a.PropertyID); ok && zh != a.PropertyName {
			t.Errorf("%s.%s zh entry %q, stored %q", a.ObjID, a.PropertyID, zh, a.PropertyName)
		}
		if zh, ok := LangText(LangZH, a.ObjID+"_placeholder_"+a.PropertyID); ok && zh != a.Placeholder {
			t.Errorf("%s.%s zh placeholder %q, stored %q", a.ObjID, a.PropertyID, zh, a.Placeholder)
		}
		if opts, ok := a.Option.([]any); ok && a.Type == TypeEnum {
			for _, o := range opts {
				m := o.(map[string]any)
				if zh, ok := LangText(LangZH, a.ObjID+"_property_"+a.PropertyID+"_enum_"+m["id"].(string)); ok && zh != m["name"] {
					t.Errorf("%s.%s option %v zh %q", a.ObjID, a.PropertyID, m["id"], zh)
				}
			}
		}
	}
	// Every attribute of a network model reads translated in English.
	for _, o := range NetworkModels {
		for _, a := range attrsOf(d, o) {
			if en := AttributeReadName(LangEN, o, a.PropertyID, a.PropertyName); en == a.PropertyName && a.PropertyID != "bk_sn" {
				t.Errorf("%s.%s has no English name", o, a.PropertyID)
			}
		}
	}
}

func TestLangHelpers(t *testing.T) {
	if got := ClassificationReadName(LangEN, "bk_network", "网络"); got != "Network" {
		t.Errorf("classification = %q", got)
	}
	if got := ClassificationReadName(LangEN, "bk_network", "My net"); got != "My net" {
		t.Errorf("renamed classification = %q", got)
	}
	if got := ObjectReadName(LangEN, "host", "renamed"); got != "Host" {
		t.Errorf("object = %q", got)
	}
	if got := ObjectReadName(LangZH, "plat", "云区域"); got != "管控区域" {
		t.Errorf("plat zh = %q", got)
	}
	if got := ObjectReadName(LangEN, "mine", "Mine"); got != "Mine" {
		t.Errorf("custom object = %q", got)
	}
	if got := AttributeReadName(LangZH, "bk_switch", "bk_inst_name", "名称"); got != "实例名" {
		t.Errorf("bk_inst_name zh = %q", got)
	}
	if got := AttributeReadName(LangEN, "set", "bk_parent_id", ""); got != "bk_parent_id" {
		t.Errorf("empty name = %q", got)
	}
	if got := AttributeReadName(LangEN, "set", "set_template_version", "集群模板"); got != "集群模板" {
		t.Errorf("no entry = %q", got)
	}
	if got := GroupReadName(LangEN, "host", "auto", "自动发现信息（需要安装agent）"); got != "Host System Configuration" {
		t.Errorf("auto group en = %q", got)
	}
	if got := GroupReadName(LangZH, "host", "auto", "自动发现信息（需要安装agent）"); got != "主机系统配置" {
		t.Errorf("auto group zh = %q", got)
	}
	if got := GroupReadName(LangEN, "bk_switch", "default", "基础信息"); got != "default" {
		t.Errorf("default group en = %q", got)
	}
	if got := GroupReadName(LangZH, "biz", "role", "角色"); got != "角色" {
		t.Errorf("role group zh = %q", got)
	}
	if got := GroupReadName(LangEN, "mine", "default", "Default"); got != "Default" {
		t.Errorf("custom group = %q", got)
	}
	if InstNameStoredName(LangEN) != "Instance Name" || InstNameStoredName(LangZH) != "实例名" ||
		DefaultGroupStoredName(LangEN) != "Default" {
		t.Error("create_object stored names")
	}
	if Label(LangEN, LabelUnit) != "Unit" {
		t.Error("label")
	}

	k := Presets().Kinds[5]
	TranslateKind(LangZH, &k)
	if k.AsstName != "默认关联" || k.SrcDes != "关联" || k.DestDes != "关联" {
		t.Errorf("default kind zh %+v", k)
	}
	k = Presets().Kinds[3]
	TranslateKind(LangEN, &k)
	if k.AsstName != "run on" || k.SrcDes != "run on" || k.DestDes != "run" {
		t.Errorf("run kind en %+v", k)
	}
	pre := false
	custom := AssociationKind{AsstID: "belong", AsstName: "x", SrcDes: "y", DestDes: "z", IsPre: &pre}
	TranslateKind(LangEN, &custom)
	if custom.AsstName != "x" {
		t.Errorf("non-preset kind translated: %+v", custom)
	}

	var st Attribute
	for _, a := range Presets().Attributes {
		if a.ObjID == "bk_router" && a.PropertyID == "bk_biz_status" {
			st = a
		}
	}
	TranslateAttribute(LangEN, &st)
	opts := st.Option.([]any)
	if st.PropertyName != "Business status" || opts[1].(map[string]any)["name"] != "online" ||
		len(opts[1].(map[string]any)) != 4 {
		t.Errorf("translated attribute %+v", st)
	}
	var ph Attribute
	for _, a := range Presets().Attributes {
		if a.ObjID == "host" && a.PropertyID == "bk_cpu_architecture" {
			ph = a
		}
	}
	TranslateAttribute(LangEN, &ph)
	if ph.Placeholder != "Select the CPU architecture type, such as X86 or ARM" || ph.PropertyName != "CPU Architecture" {
		t.Errorf("translated host attribute %+v", ph)
	}
	customAttr := Attribute{ObjID: "mine", PropertyID: "bk_asset_id", PropertyName: "固资编号"}
	TranslateAttribute(LangEN, &customAttr)
	if customAttr.PropertyName != "固资编号" {
		t.Errorf("custom attribute translated: %q", customAttr.PropertyName)
	}
}
