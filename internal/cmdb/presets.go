package cmdb

import (
	"encoding/json"
	"strings"
)

// PresetData is everything a fresh installation holds before any API call
// (presets.md). Ids are left 0 throughout: the store assigns them from its
// sequences in slice order.
type PresetData struct {
	Classifications []Classification    // presets.md §1, table order
	Objects         []Object            // §2, all twelve
	Groups          []AttributeGroup    // attribute groups of every preset model
	Attributes      []Attribute         // §3.1–§3.5
	UniqueRules     []UniqueRule        // every unique rule of §3
	Kinds           []AssociationKind   // §4, in id order
	ObjAssts        []ObjectAssociation // §5
	Instances       []PresetInstance    // §6, parents before children
}

// PresetInstance is one instance present after install (presets.md §6).
//
// Wiring convention: Key names the instance uniquely among the presets
// (e.g. "biz:resource", "set:resource:idle"). ParentKey is the Key of the
// instance's mainline parent ("" for a business and for plat). Instances are
// listed parents first. After assigning an instance's id (its InstIDField),
// the store sets on each child:
//   - set:    bk_biz_id = bk_parent_id = the parent business's bk_biz_id;
//   - module: bk_set_id = bk_parent_id = the parent set's bk_set_id, and
//     bk_biz_id = the business above that set.
//
// When Data already holds the id field (plat "default area" has
// bk_cloud_id 0), that value is the instance's id and is not assigned.
// Numbers in Data are json.Number, as in Instance.
type PresetInstance struct {
	ObjID     string
	Key       string
	ParentKey string
	Data      map[string]any
}

// Regular expressions of the preset attributes.
const (
	// RegexIPv4List is the IPv4 list pattern of bk_switch bk_admin_ip and of
	// host bk_host_innerip / bk_host_outerip (presets.md §3.1, §3.4).
	RegexIPv4List = `^((1?\d{1,2}|2[0-4]\d|25[0-5])[.]){3}(1?\d{1,2}|2[0-4]\d|25[0-5])(,((1?\d{1,2}|2[0-4]\d|25[0-5])[.]){3}(1?\d{1,2}|2[0-4]\d|25[0-5]))*$`

	// RegexLegacyAdminIP is the bk_admin_ip option of bk_router,
	// bk_load_balance and bk_firewall, stored verbatim with its two
	// embedded newlines (249 characters, presets.md §3.1). Because of the
	// newlines and the doubled backslash it accepts a single IPv4 whose last
	// octet is not 100–199 and whose first octet is not 0, and rejects
	// every comma list.
	RegexLegacyAdminIP = "^(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|[1-9])\\.((1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)\\.){2}(\n1\\\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)(,(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|[1-9])\\.\n((1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d)\\.){2}(1\\d{2}|2[0-4]\\d|25[0-5]|[1-9]\\d|\\d))*$"

	// RegexAgentID is host bk_agent_id's option.
	RegexAgentID = `^[a-zA-Z0-9]{0,64}$`

	// RegexBizSetName is bk_biz_set_obj bk_biz_set_name's option (§3.5).
	RegexBizSetName = `^[^\\\|\/:\*,<>"\?#\s]+$`
)

// RegexIPv6List is the option of host bk_host_innerip_v6 /
// bk_host_outerip_v6: a comma-separated list of IPv6 addresses (full,
// "::"-compressed, or with an embedded dotted IPv4 tail).
//
// NOT from the spec: presets.md §3.4 does not reproduce bk-cmdb's pattern;
// this one is written for cmdb and accepts the same address forms.
var RegexIPv6List = func() string {
	const h = `[0-9a-fA-F]{1,4}`
	const v4 = `((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`
	alts := []string{
		`(` + h + `:){7}` + h,
		`(` + h + `:){1,7}:`,
		`(` + h + `:){1,6}:` + h,
		`(` + h + `:){1,5}(:` + h + `){1,2}`,
		`(` + h + `:){1,4}(:` + h + `){1,3}`,
		`(` + h + `:){1,3}(:` + h + `){1,4}`,
		`(` + h + `:){1,2}(:` + h + `){1,5}`,
		h + `:(:` + h + `){1,6}`,
		`:((:` + h + `){1,7}|:)`,
		`(` + h + `:){6}` + v4,
		`(` + h + `:){1,5}:` + v4,
		`::((ffff|FFFF)(:0{1,4})?:)?` + v4,
	}
	one := `(` + strings.Join(alts, "|") + `)`
	return `^` + one + `(,` + one + `)*$`
}()

// Presets returns a fresh copy of the preset data.
func Presets() *PresetData {
	d := &PresetData{
		Classifications: presetClassifications(),
		Objects:         presetObjects(),
		Groups:          presetGroups(),
		Kinds:           presetKinds(),
		ObjAssts:        presetObjAssts(),
		Instances:       presetInstances(),
	}
	d.Attributes = presetAttributes(d.Groups)
	d.UniqueRules = presetUniqueRules()
	return d
}

func presetClassifications() []Classification {
	c := func(id, name, typ, icon string) Classification {
		return Classification{ClsID: id, Name: name, Type: typ, Icon: icon, Supplier: DefaultSupplier}
	}
	return []Classification{
		c("bk_host_manage", "主机管理", "", "icon-cc-host"),
		c("bk_biz_topo", "业务拓扑", "", "icon-cc-business"),
		c("bk_organization", "组织架构", "", "icon-cc-organization"),
		c("bk_network", "网络", "", "icon-cc-network-equipment"),
		c("bk_uncategorized", "未分类", "inner", "icon-cc-default"),
		c("bk_table_classification", "表格分类", "hidden", ""),
	}
}

func presetObjects() []Object {
	o := func(id, name, cls, icon string, pre, hidden bool, pos string, sort int64) Object {
		return Object{
			ClsID: cls, Icon: icon, ObjID: id, Name: name, IsHidden: hidden, IsPre: pre,
			Position: pos, Supplier: DefaultSupplier, Creator: SystemUser, SortNumber: sort,
		}
	}
	return []Object{
		o("host", "主机", "bk_host_manage", "icon-cc-host", true, false, `{"bk_host_manage":{"x":-600,"y":-650}}`, 1),
		o("module", "模块", "bk_biz_topo", "icon-cc-module", true, false, "", 1),
		o("set", "集群", "bk_biz_topo", "icon-cc-set", true, false, "", 2),
		o("biz", "业务", "bk_organization", "icon-cc-business", true, false, `{"bk_organization":{"x":-100,"y":-100}}`, 1),
		o("process", "进程", "bk_uncategorized", "icon-cc-process", true, true, `{"bk_host_manage":{"x":-450,"y":-650}}`, 1),
		o("plat", "云区域", "bk_uncategorized", "icon-cc-subnet", true, true, `{"bk_host_manage":{"x":-600,"y":-500}}`, 2),
		o("bk_biz_set_obj", "业务集", "bk_organization", "icon-cc-business-set", true, false, "", 2),
		o("bk_project", "项目", "bk_organization", "icon-cc-project", true, false, "", 3),
		o("bk_switch", "交换机", "bk_network", "icon-cc-switch2", false, false, `{"bk_network":{"x":-200,"y":-50}}`, 1),
		o("bk_router", "路由器", "bk_network", "icon-cc-router", false, false, `{"bk_network":{"x":-350,"y":-50}}`, 2),
		o("bk_load_balance", "负载均衡", "bk_network", "icon-cc-balance", false, false, `{"bk_network":{"x":-500,"y":-50}}`, 3),
		o("bk_firewall", "防火墙", "bk_network", "icon-cc-firewall", false, false, `{"bk_network":{"x":-650,"y":-50}}`, 4),
	}
}

// NetworkModels are the four preset network models (presets.md §3.1).
var NetworkModels = []string{"bk_switch", "bk_router", "bk_load_balance", "bk_firewall"}

// Preset group ids and stored names.
const (
	GroupDefault     = "default"
	GroupRole        = "role"
	GroupAuto        = "auto"
	groupDefaultName = "基础信息"
	groupRoleName    = "角色"
	groupAutoName    = "自动发现信息（需要安装agent）"
)

// presetGroupList lists (bk_obj_id, bk_group_id, stored name) of every
// preset group. Indexes and the is_default / ispre flags are not part of
// the contract; each model's groups are numbered from 1.
var presetGroupList = [][3]string{
	{"host", GroupDefault, groupDefaultName},
	{"host", GroupAuto, groupAutoName},
	{"module", GroupDefault, groupDefaultName},
	{"set", GroupDefault, groupDefaultName},
	{"biz", GroupDefault, groupDefaultName},
	{"biz", GroupRole, groupRoleName},
	{"process", GroupDefault, groupDefaultName},
	{"plat", GroupDefault, groupDefaultName},
	{"bk_biz_set_obj", GroupDefault, groupDefaultName},
	{"bk_project", GroupDefault, groupDefaultName},
	{"bk_switch", GroupDefault, groupDefaultName},
	{"bk_router", GroupDefault, groupDefaultName},
	{"bk_load_balance", GroupDefault, groupDefaultName},
	{"bk_firewall", GroupDefault, groupDefaultName},
}

func presetGroups() []AttributeGroup {
	var gs []AttributeGroup
	idx := map[string]int64{}
	for _, g := range presetGroupList {
		idx[g[0]]++
		gs = append(gs, AttributeGroup{
			ObjID: g[0], GroupID: g[1], GroupName: g[2], Index: idx[g[0]],
			Supplier: DefaultSupplier, IsDefault: true, IsPre: true,
		})
	}
	return gs
}

// --- attribute builders -----------------------------------------------------

// newAttr makes a preset attribute row. flags: R isrequired, E editable, M ismultiple,
// S bk_issystem, A bk_isapi, RO isreadonly, U isonly, NP ispre false.
func newAttr(obj, id, name, typ, flags, group string, option any) Attribute {
	multi := false
	a := Attribute{
		Supplier: DefaultSupplier, ObjID: obj, PropertyID: id, PropertyName: name,
		Group: group, Type: typ, Option: option, IsPre: true, Creator: SystemUser,
		IsMultiple: &multi,
	}
	for _, f := range strings.Fields(flags) {
		switch f {
		case "R":
			a.IsRequired = true
		case "E":
			a.Editable = true
		case "M":
			*a.IsMultiple = true
		case "S":
			a.IsSystem = true
		case "A":
			a.IsAPI = true
		case "RO":
			a.IsReadOnly = true
		case "U":
			a.IsOnly = true
		case "NP":
			a.IsPre = false
		default:
			panic("presets: unknown attribute flag " + f)
		}
	}
	return a
}

func withPlaceholder(a Attribute, p string) Attribute { a.Placeholder = p; return a }
func withUnit(a Attribute, u string) Attribute        { a.Unit = u; return a }

// recordedFields are the four attributes every model has (presets.md §3).
func recordedFields(obj string) []Attribute {
	return []Attribute{
		newAttr(obj, "bk_created_at", "创建时间", TypeTime, "", GroupDefault, ""),
		newAttr(obj, "bk_created_by", "创建人", TypeUser, "", GroupDefault, ""),
		newAttr(obj, "bk_updated_at", "更新时间", TypeTime, "", GroupDefault, ""),
		newAttr(obj, "bk_updated_by", "更新人", TypeUser, "", GroupDefault, ""),
	}
}

// RecordedFields are the ids of the four recorded attributes.
var RecordedFields = []string{"bk_created_at", "bk_created_by", "bk_updated_at", "bk_updated_by"}

func isRecordedField(id string) bool {
	for _, f := range RecordedFields {
		if f == id {
			return true
		}
	}
	return false
}

// enumOpt builds an enum option list from id/name pairs; def is the id of
// the default option ("" = none).
func enumOpt(def string, idName ...string) []any {
	out := make([]any, 0, len(idName)/2)
	for i := 0; i+1 < len(idName); i += 2 {
		out = append(out, map[string]any{
			"id": idName[i], "name": idName[i+1], "type": "text", "is_default": idName[i] == def,
		})
	}
	return out
}

// intOpt is an int option with master's string bounds ("" = no bound).
func intOpt(lo, hi string) map[string]any { return map[string]any{"min": lo, "max": hi} }

func listOpt(items ...string) []any {
	out := make([]any, len(items))
	for i, s := range items {
		out[i] = s
	}
	return out
}

// cloudVendorOpt is the option of host and plat bk_cloud_vendor.
func cloudVendorOpt() []any {
	return enumOpt("",
		"1", "AWS", "2", "腾讯云", "3", "GCP", "4", "Azure", "5", "企业私有云",
		"6", "SalesForce", "7", "Oracle Cloud", "8", "IBM Cloud", "9", "阿里云",
		"10", "中国电信", "11", "UCloud", "12", "美团云", "13", "金山云",
		"14", "百度云", "15", "华为云", "16", "首都云")
}

// Host placeholders (presets.md §3.4 notes).
const (
	placeholderAuto    = "可人工设置。若需自动发现，请在主机上安装GseAgent和采集器。"
	placeholderCPUArch = "选择CPU架构类型，如X86或ARM"
	placeholderCloudID = "管控区域为“未分配”的主机可在节点管理中重新指定管控区域并安装Agent"
	placeholderHostApp = "是否开启主机属性自动应用"
)

func presetAttributes(groups []AttributeGroup) []Attribute {
	var all []Attribute
	for _, obj := range NetworkModels {
		all = append(all, networkAttributes(obj)...)
	}
	all = append(all, bizAttributes()...)
	all = append(all, setAttributes()...)
	all = append(all, moduleAttributes()...)
	all = append(all, platAttributes()...)
	all = append(all, hostAttributes()...)
	all = append(all, processAttributes()...)
	all = append(all, projectAttributes()...)
	all = append(all, bizSetAttributes()...)

	// bk_property_index: numbered from 0 per (model, group) in table order;
	// the recorded fields keep 0 (presets.md §3, §3.1).
	groupName := map[[2]string]string{}
	for _, g := range groups {
		groupName[[2]string{g.ObjID, g.GroupID}] = g.GroupName
	}
	next := map[[2]string]int64{}
	for i := range all {
		a := &all[i]
		k := [2]string{a.ObjID, a.Group}
		a.GroupName = groupName[k]
		if isRecordedField(a.PropertyID) {
			a.Index = 0
			continue
		}
		a.Index = next[k]
		next[k]++
	}
	return all
}

// networkAttributes: presets.md §3.1, identical for the four models.
func networkAttributes(obj string) []Attribute {
	adminIP := RegexLegacyAdminIP
	if obj == "bk_switch" {
		adminIP = RegexIPv4List
	}
	d := GroupDefault
	as := []Attribute{
		newAttr(obj, "bk_asset_id", "固资编号", TypeSingleChar, "R", d, ""),
		newAttr(obj, "bk_inst_name", "名称", TypeSingleChar, "R E", d, ""),
		newAttr(obj, "bk_sn", "SN", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_func", "用途", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_vendor", "厂商", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_model", "设备型号", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_admin_ip", "管理IP", TypeSingleChar, "E NP", d, adminIP),
		newAttr(obj, "bk_operator", "维护人", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_os_detail", "操作系统详情", TypeSingleChar, "E NP", d, ""),
		newAttr(obj, "bk_detail", "详细描述", TypeLongChar, "E NP", d, ""),
		newAttr(obj, "bk_biz_status", "运营状态", TypeEnum, "E NP", d,
			enumOpt("", "1", "待运营", "2", "运营中", "3", "已下架")),
	}
	return append(as, recordedFields(obj)...)
}

// bizAttributes: presets.md §3.2. biz language and host bk_sla follow the
// master seed (not editable).
func bizAttributes() []Attribute {
	const o = "biz"
	d, r := GroupDefault, GroupRole
	as := []Attribute{
		newAttr(o, "bk_biz_name", "业务名", TypeSingleChar, "R E", d, ""),
		newAttr(o, "life_cycle", "生命周期", TypeEnum, "E", d, enumOpt("2", "1", "测试中", "2", "已上线", "3", "停运")),
		newAttr(o, "bk_biz_maintainer", "运维人员", TypeUser, "R E M", r, ""),
		newAttr(o, "bk_biz_productor", "产品人员", TypeUser, "E M", r, ""),
		newAttr(o, "bk_biz_tester", "测试人员", TypeUser, "E M", r, ""),
		newAttr(o, "bk_biz_developer", "开发人员", TypeUser, "E M", r, ""),
		newAttr(o, "operator", "操作人员", TypeUser, "E M", r, ""),
		newAttr(o, "time_zone", "时区", TypeTimeZone, "R", d, ""),
		newAttr(o, "language", "语言", TypeEnum, "R", d, enumOpt("1", "1", "中文", "2", "English")),
	}
	return append(as, recordedFields(o)...)
}

// setAttributes: presets.md §3.3.
func setAttributes() []Attribute {
	const o = "set"
	d := GroupDefault
	as := []Attribute{
		newAttr(o, "bk_biz_id", "业务ID", TypeInt, "A", d, intOpt("", "")),
		newAttr(o, "bk_set_name", "集群名", TypeSingleChar, "R E", d, ""),
		newAttr(o, "bk_set_desc", "集群描述", TypeSingleChar, "E", d, ""),
		newAttr(o, "bk_set_env", "环境类型", TypeEnum, "E", d, enumOpt("3", "1", "测试", "2", "体验", "3", "正式")),
		newAttr(o, "bk_service_status", "服务状态", TypeEnum, "E", d, enumOpt("1", "1", "开放", "2", "关闭")),
		newAttr(o, "description", "备注", TypeLongChar, "E", d, ""),
		newAttr(o, "bk_capacity", "设计容量", TypeInt, "E", d, intOpt("1", "999999999")),
		newAttr(o, "bk_parent_id", "", TypeInt, "R S", d, intOpt("", "")),
		newAttr(o, "set_template_id", "集群模板ID", TypeInt, "S A RO", d, ""),
		newAttr(o, "set_template_version", "集群模板", TypeInt, "E S A RO", d, ""),
	}
	return append(as, recordedFields(o)...)
}

// moduleAttributes: presets.md §3.3.
func moduleAttributes() []Attribute {
	const o = "module"
	d := GroupDefault
	as := []Attribute{
		newAttr(o, "bk_biz_id", "业务ID", TypeInt, "A", d, intOpt("", "")),
		newAttr(o, "bk_set_id", "集群ID", TypeInt, "A", d, intOpt("", "")),
		newAttr(o, "bk_module_name", "模块名", TypeSingleChar, "R E", d, ""),
		newAttr(o, "bk_module_type", "模块类型", TypeEnum, "E", d, enumOpt("1", "1", "普通", "2", "数据库")),
		newAttr(o, "operator", "主要维护人", TypeUser, "E M", d, ""),
		newAttr(o, "bk_bak_operator", "备份维护人", TypeUser, "E M", d, ""),
		newAttr(o, "service_category_id", "服务分类ID", TypeInt, "R E A", d, ""),
		newAttr(o, "service_template_id", "服务模板ID", TypeInt, "R A", d, ""),
		newAttr(o, "set_template_id", "集群模板ID", TypeInt, "S A RO", d, ""),
		withPlaceholder(newAttr(o, "host_apply_enabled", "主机属性自动应用", TypeBool, "E A", d, nil), placeholderHostApp),
		newAttr(o, "bk_parent_id", "模块实例的父节点ID", TypeInt, "R S A", d, ""),
	}
	return append(as, recordedFields(o)...)
}

// platAttributes: presets.md §3.3 gives only ids, the name of bk_cloud_name,
// types and the R flag. The other stored names, the bk_status option names
// and the editable flags are reconstructed for cmdb, not from the spec.
func platAttributes() []Attribute {
	const o = "plat"
	d := GroupDefault
	as := []Attribute{
		newAttr(o, "bk_cloud_name", "管控区域", TypeSingleChar, "R E", d, ""),
		newAttr(o, "bk_status", "状态", TypeEnum, "", d, enumOpt("1", "1", "正常", "2", "异常")),
		newAttr(o, "bk_status_detail", "状态详情", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_cloud_vendor", "云厂商", TypeEnum, "", d, cloudVendorOpt()),
		newAttr(o, "bk_vpc_id", "VPC唯一标识", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_vpc_name", "VPC名称", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_account_id", "云账户ID", TypeInt, "", d, ""),
		newAttr(o, "bk_region", "云区域", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_creator", "创建者", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_last_editor", "最后修改人", TypeSingleChar, "", d, ""),
	}
	return append(as, recordedFields(o)...)
}

// hostAttributes: presets.md §3.4, 43 rows in table order.
func hostAttributes() []Attribute {
	const o = "host"
	d, au := GroupDefault, GroupAuto
	auto := func(a Attribute) Attribute { return withPlaceholder(a, placeholderAuto) }
	as := []Attribute{
		newAttr(o, "bk_host_innerip", "内网IPv4", TypeSingleChar, "", d, RegexIPv4List),
		newAttr(o, "bk_host_outerip", "外网IPv4", TypeSingleChar, "E", d, RegexIPv4List),
		newAttr(o, "operator", "主要维护人", TypeUser, "E M", d, ""),
		newAttr(o, "bk_bak_operator", "备份维护人", TypeUser, "E M", d, ""),
		newAttr(o, "bk_asset_id", "固资编号", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_sn", "设备SN", TypeSingleChar, "E", d, ""),
		newAttr(o, "bk_comment", "备注", TypeLongChar, "E", d, ""),
		newAttr(o, "bk_service_term", "质保年限", TypeInt, "", d, intOpt("1", "10")),
		newAttr(o, "bk_sla", "SLA级别", TypeEnum, "", d, enumOpt("", "1", "L1", "2", "L2", "3", "L3")),
		withPlaceholder(newAttr(o, "bk_cloud_id", "管控区域", TypeForeignKey, "", d, ""), placeholderCloudID),
		newAttr(o, "bk_state_name", "所在国家", TypeEnum, "E", d, countryOpt()),
		newAttr(o, "bk_province_name", "所在省份", TypeEnum, "E", d, provinceOpt()),
		newAttr(o, "bk_isp_name", "所属运营商", TypeEnum, "E", d, enumOpt("", "0", "其他", "1", "电信", "2", "联通", "3", "移动")),
		auto(newAttr(o, "bk_host_name", "主机名称", TypeSingleChar, "E", au, "")),
		auto(newAttr(o, "bk_os_type", "操作系统类型", TypeEnum, "E", au, enumOpt("",
			"1", "Linux", "2", "Windows", "3", "AIX", "4", "Unix", "5", "Solaris", "7", "FreeBSD", "8", "MacOS"))),
		auto(newAttr(o, "bk_os_name", "操作系统名称", TypeSingleChar, "E", au, "")),
		auto(newAttr(o, "bk_os_version", "操作系统版本", TypeSingleChar, "E", au, "")),
		auto(newAttr(o, "bk_os_bit", "操作系统位数", TypeSingleChar, "E", au, "")),
		auto(newAttr(o, "bk_cpu", "CPU逻辑核心数", TypeInt, "E", au, intOpt("1", "1000000"))),
		auto(newAttr(o, "bk_cpu_module", "CPU型号", TypeSingleChar, "E", au, "")),
		withUnit(auto(newAttr(o, "bk_mem", "内存容量(MB)", TypeInt, "E", au, intOpt("1", "100000000"))), "MB"),
		withUnit(auto(newAttr(o, "bk_disk", "磁盘容量(GB)", TypeInt, "E", au, intOpt("1", "100000000"))), "GB"),
		auto(newAttr(o, "bk_mac", "内网MAC地址", TypeSingleChar, "E", au, "")),
		auto(newAttr(o, "bk_outer_mac", "外网MAC地址", TypeSingleChar, "E", au, "")),
		newAttr(o, "create_time", "录入时间", TypeTime, "", d, ""),
		newAttr(o, "import_from", "录入方式", TypeEnum, "", d, enumOpt("", "1", "excel", "2", "agent", "3", "api")),
		newAttr(o, "bk_state", "当前状态", TypeList, "E", d,
			listOpt("运营中[需告警]", "运营中[无告警]", "开发中[需告警]", "开发中[无告警]", "备用机", "测试中", "故障中")),
		newAttr(o, "bk_cloud_inst_id", "云主机实例ID", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_cloud_host_status", "云主机状态", TypeEnum, "", d, enumOpt("",
			"1", "未知", "2", "启动中", "3", "运行中", "4", "停止中", "5", "已停止", "6", "已销毁")),
		newAttr(o, "bk_cloud_vendor", "云厂商", TypeEnum, "", d, cloudVendorOpt()),
		withPlaceholder(newAttr(o, "bk_cpu_architecture", "CPU架构", TypeEnum, "E", au,
			enumOpt("x86", "x86", "X86", "arm", "ARM")), placeholderCPUArch),
		newAttr(o, "bk_host_innerip_v6", "内网IPv6", TypeSingleChar, "", d, RegexIPv6List),
		newAttr(o, "bk_host_outerip_v6", "外网IPv6", TypeSingleChar, "E", d, RegexIPv6List),
		newAttr(o, "bk_agent_id", "GSE Agent ID", TypeSingleChar, "", d, RegexAgentID),
		newAttr(o, "bk_cloud_host_identifier", "云主机标识", TypeBool, "S A RO", d, ""),
		newAttr(o, "bk_addressing", "寻址方式", TypeEnum, "", d, enumOpt("static", "static", "静态", "dynamic", "动态")),
	}
	as = append(as, recordedFields(o)...)
	as = append(as,
		newAttr(o, "bk_cloud_region", "云地域（Region）", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_cloud_zone", "云可用区（Zone）", TypeSingleChar, "", d, ""),
		auto(newAttr(o, "bk_os_kernel_version", "操作系统内核版本", TypeSingleChar, "E", au, "")),
	)
	return as
}

// processAttributes: presets.md §3.5 is a summary ("… start/stop command
// fields …"). Beyond the four named rows, the attribute list, names, flags
// and the bind_info option are reconstructed for cmdb, not from the spec;
// all rows sit in the default group.
func processAttributes() []Attribute {
	const o = "process"
	d := GroupDefault
	bind := []any{
		map[string]any{"bk_property_id": "ip", "bk_property_name": "绑定IP", "bk_property_type": TypeSingleChar, "option": "", "isrequired": false, "editable": true, "ismultiple": false},
		map[string]any{"bk_property_id": "port", "bk_property_name": "端口", "bk_property_type": TypeSingleChar, "option": "", "isrequired": false, "editable": true, "ismultiple": false},
		map[string]any{"bk_property_id": "protocol", "bk_property_name": "协议", "bk_property_type": TypeEnum, "option": enumOpt("1", "1", "TCP", "2", "UDP", "3", "TCP6", "4", "UDP6"), "isrequired": false, "editable": true, "ismultiple": false},
		map[string]any{"bk_property_id": "enable", "bk_property_name": "是否启用", "bk_property_type": TypeBool, "option": "", "isrequired": false, "editable": true, "ismultiple": false},
	}
	as := []Attribute{
		newAttr(o, "bk_process_name", "进程别名", TypeSingleChar, "R E", d, ""),
		newAttr(o, "bk_func_name", "进程名称", TypeSingleChar, "R E", d, ""),
		newAttr(o, "bk_biz_id", "业务ID", TypeInt, "R A", d, intOpt("", "")),
		newAttr(o, "service_instance_id", "服务实例ID", TypeInt, "R A", d, ""),
		newAttr(o, "bind_info", "绑定信息", TypeTable, "E", d, bind),
		newAttr(o, "work_path", "工作路径", TypeSingleChar, "E", d, ""),
		newAttr(o, "user", "启动用户", TypeSingleChar, "E", d, ""),
		newAttr(o, "proc_num", "启动数量", TypeInt, "E", d, intOpt("", "")),
		newAttr(o, "priority", "启动优先级", TypeInt, "E", d, intOpt("", "")),
		newAttr(o, "timeout", "操作超时时长", TypeInt, "E", d, intOpt("", "")),
		newAttr(o, "start_cmd", "启动命令", TypeLongChar, "E", d, ""),
		newAttr(o, "stop_cmd", "停止命令", TypeLongChar, "E", d, ""),
		newAttr(o, "restart_cmd", "重启命令", TypeLongChar, "E", d, ""),
		newAttr(o, "face_stop_cmd", "强制停止命令", TypeLongChar, "E", d, ""),
		newAttr(o, "reload_cmd", "进程重载命令", TypeLongChar, "E", d, ""),
		newAttr(o, "pid_file", "PID文件路径", TypeSingleChar, "E", d, ""),
		newAttr(o, "auto_start", "是否自动拉起", TypeBool, "E", d, ""),
		newAttr(o, "bk_start_check_secs", "启动等待时长", TypeInt, "E", d, intOpt("", "")),
		newAttr(o, "bk_start_param_regex", "启动参数匹配规则", TypeLongChar, "E", d, ""),
		newAttr(o, "description", "备注", TypeLongChar, "E", d, ""),
	}
	return append(as, recordedFields(o)...)
}

// projectAttributes: presets.md §3.5 summary. The R/U/M/A flags and types of
// the named rows follow the spec; stored names, the editable flags, the enum
// option lists and the rows behind "…" are reconstructed, not from the spec.
func projectAttributes() []Attribute {
	const o = "bk_project"
	d := GroupDefault
	as := []Attribute{
		newAttr(o, "id", "ID", TypeInt, "A", d, ""),
		newAttr(o, "bk_project_id", "项目ID", TypeSingleChar, "", d, ""),
		newAttr(o, "bk_project_name", "项目名称", TypeSingleChar, "R U E", d, ""),
		newAttr(o, "bk_project_code", "项目英文名", TypeSingleChar, "R U", d, ""),
		newAttr(o, "bk_project_desc", "项目描述", TypeLongChar, "E", d, ""),
		newAttr(o, "bk_project_type", "项目类型", TypeEnum, "R E", d, enumOpt("other",
			"mobile_game", "手游", "pc_game", "端游", "web_game", "页游",
			"platform_prod", "平台产品", "support_prod", "支撑产品", "other", "其他")),
		newAttr(o, "bk_project_sec_lvl", "保密级别", TypeEnum, "E", d, enumOpt("public",
			"public", "公开", "private", "私有", "classified", "机密")),
		newAttr(o, "bk_project_owner", "项目负责人", TypeUser, "R E M", d, ""),
		newAttr(o, "bk_project_team", "所属组织", TypeOrganization, "E M", d, ""),
		newAttr(o, "bk_project_icon", "项目图标", TypeLongChar, "E", d, ""),
		newAttr(o, "bk_status", "项目状态", TypeEnum, "E", d, enumOpt("enable", "enable", "启用", "disabled", "未启用")),
	}
	return append(as, recordedFields(o)...)
}

// bizSetAttributes: presets.md §3.5 summary; flags and types of the named
// rows follow the spec; stored names and editable flags are reconstructed.
func bizSetAttributes() []Attribute {
	const o = "bk_biz_set_obj"
	d := GroupDefault
	as := []Attribute{
		newAttr(o, "bk_biz_set_id", "业务集ID", TypeInt, "U A", d, ""),
		newAttr(o, "bk_biz_set_name", "业务集名称", TypeSingleChar, "R U E", d, RegexBizSetName),
		newAttr(o, "bk_biz_set_desc", "业务集描述", TypeLongChar, "E", d, ""),
		newAttr(o, "bk_biz_maintainer", "运维人员", TypeUser, "E M", d, ""),
		newAttr(o, "bk_scope", "业务范围", TypeObject, "R E A", d, ""),
	}
	return append(as, recordedFields(o)...)
}

// presetUniqueRules: every rule presets.md §3 lists. The network rules are
// ispre false / must_check true as the spec says; for the inner models ispre
// true is assumed, and must_check is true except for host, whose address
// and agent fields may each be empty [unverified].
func presetUniqueRules() []UniqueRule {
	r := func(obj string, pre, must bool, keys ...string) UniqueRule {
		return UniqueRule{ObjID: obj, Keys: keys, IsPre: pre, MustCheck: must, Supplier: DefaultSupplier}
	}
	var rs []UniqueRule
	for _, obj := range NetworkModels {
		rs = append(rs, r(obj, false, true, "bk_asset_id"))
	}
	rs = append(rs,
		r("biz", true, true, "bk_biz_name"),
		r("set", true, true, "bk_biz_id", "bk_set_name", "bk_parent_id"),
		r("module", true, true, "bk_biz_id", "bk_set_id", "bk_module_name"),
		r("plat", true, true, "bk_cloud_name"),
		r("host", true, false, "bk_cloud_id", "bk_host_innerip"),
		r("host", true, false, "bk_cloud_inst_id", "bk_cloud_vendor"),
		r("host", true, false, "bk_host_outerip"),
		r("host", true, false, "bk_host_innerip_v6", "bk_cloud_id"),
		r("host", true, false, "bk_agent_id"),
		r("bk_project", true, true, "bk_project_code"),
		r("bk_project", true, true, "bk_project_id"),
		r("bk_project", true, true, "bk_project_name"),
		r("bk_project", true, true, "id"),
		r("bk_biz_set_obj", true, true, "bk_biz_set_name"),
		r("bk_biz_set_obj", true, true, "bk_biz_set_id"),
	)
	return rs
}

// presetKinds: presets.md §4, stored values, in id order.
func presetKinds() []AssociationKind {
	k := func(id, name, src, dest string) AssociationKind {
		pre := true
		return AssociationKind{AsstID: id, AsstName: name, Supplier: DefaultSupplier,
			SrcDes: src, DestDes: dest, Direction: "src_to_dest", IsPre: &pre}
	}
	return []AssociationKind{
		k("belong", "属于", "属于", "包含"),
		k("group", "组成", "组成", "组成于"),
		k("bk_mainline", "拓扑组成", "组成", "组成于"),
		k("run", "运行", "运行于", "运行"),
		k("connect", "上联", "上联", "下联"),
		k("default", "默认关联", "关联", "被关联"),
	}
}

// presetObjAssts: presets.md §5.
func presetObjAssts() []ObjectAssociation {
	a := func(obj, kind, asst, mapping string, pre bool) ObjectAssociation {
		p := pre
		return ObjectAssociation{Supplier: DefaultSupplier, ObjAsstID: obj + "_" + kind + "_" + asst,
			ObjID: obj, AsstObjID: asst, AsstID: kind, Mapping: mapping, OnDelete: "none", IsPre: &p}
	}
	return []ObjectAssociation{
		a("set", "bk_mainline", "biz", "1:1", true),
		a("module", "bk_mainline", "set", "1:1", true),
		a("host", "bk_mainline", "module", "1:1", true),
		a("bk_switch", "connect", "host", "1:n", false),
	}
}

// presetInstances: presets.md §6. Values not named by the spec (the other
// business fields, set/module enum values, service_category_id 2 = the
// "Default" service category of a fresh install) are reconstructed.
func presetInstances() []PresetInstance {
	n := func(v string) json.Number { return json.Number(v) }
	biz := func(key, name string, def string) PresetInstance {
		return PresetInstance{ObjID: "biz", Key: key, Data: map[string]any{
			"bk_biz_name":       name,
			"default":           n(def),
			"bk_biz_maintainer": "admin",
			"bk_biz_productor":  "",
			"bk_biz_tester":     "",
			"bk_biz_developer":  "",
			"operator":          "",
			"time_zone":         "Asia/Shanghai",
			"language":          "1",
			"life_cycle":        "2",
		}}
	}
	set := func(key, parent string) PresetInstance {
		return PresetInstance{ObjID: "set", Key: key, ParentKey: parent, Data: map[string]any{
			"bk_set_name":          "空闲机池",
			"default":              n("1"),
			"bk_set_desc":          "",
			"bk_set_env":           "3",
			"bk_service_status":    "1",
			"description":          "",
			"bk_capacity":          nil,
			"set_template_id":      n("0"),
			"set_template_version": n("0"),
		}}
	}
	module := func(key, parent, name, def string) PresetInstance {
		return PresetInstance{ObjID: "module", Key: key, ParentKey: parent, Data: map[string]any{
			"bk_module_name":      name,
			"default":             n(def),
			"bk_module_type":      "1",
			"operator":            "",
			"bk_bak_operator":     "",
			"service_category_id": n("2"),
			"service_template_id": n("0"),
			"set_template_id":     n("0"),
			"host_apply_enabled":  false,
		}}
	}
	topo := func(prefix, name, def string) []PresetInstance {
		bk, sk := "biz:"+prefix, "set:"+prefix+":idle"
		return []PresetInstance{
			biz(bk, name, def),
			set(sk, bk),
			module("module:"+prefix+":idle", sk, "空闲机", "1"),
			module("module:"+prefix+":fault", sk, "故障机", "2"),
			module("module:"+prefix+":recycle", sk, "待回收", "3"),
		}
	}
	out := topo("resource", "资源池", "1")
	out = append(out, topo("blueking", "蓝鲸", "0")...)
	out = append(out, PresetInstance{ObjID: "plat", Key: "plat:default", Data: map[string]any{
		"bk_cloud_id":   n("0"),
		"bk_cloud_name": "default area",
		"bk_status":     "1",
	}})
	return out
}

// countryOpt is host bk_state_name's option.
//
// NOT from the spec: presets.md §3.4 does not reproduce bk-cmdb's 246
// options. This list is reconstructed: ISO 3166-1 alpha-2 codes with their
// common Chinese names, in code order (249 entries).
func countryOpt() []any {
	return enumOpt("",
		"AD", "安道尔", "AE", "阿联酋", "AF", "阿富汗", "AG", "安提瓜和巴布达", "AI", "安圭拉",
		"AL", "阿尔巴尼亚", "AM", "亚美尼亚", "AO", "安哥拉", "AQ", "南极洲", "AR", "阿根廷",
		"AS", "美属萨摩亚", "AT", "奥地利", "AU", "澳大利亚", "AW", "阿鲁巴", "AX", "奥兰群岛",
		"AZ", "阿塞拜疆", "BA", "波斯尼亚和黑塞哥维那", "BB", "巴巴多斯", "BD", "孟加拉国", "BE", "比利时",
		"BF", "布基纳法索", "BG", "保加利亚", "BH", "巴林", "BI", "布隆迪", "BJ", "贝宁",
		"BL", "圣巴泰勒米", "BM", "百慕大", "BN", "文莱", "BO", "玻利维亚", "BQ", "荷兰加勒比区",
		"BR", "巴西", "BS", "巴哈马", "BT", "不丹", "BV", "布韦岛", "BW", "博茨瓦纳",
		"BY", "白俄罗斯", "BZ", "伯利兹", "CA", "加拿大", "CC", "科科斯（基林）群岛", "CD", "刚果（金）",
		"CF", "中非", "CG", "刚果（布）", "CH", "瑞士", "CI", "科特迪瓦", "CK", "库克群岛",
		"CL", "智利", "CM", "喀麦隆", "CN", "中国", "CO", "哥伦比亚", "CR", "哥斯达黎加",
		"CU", "古巴", "CV", "佛得角", "CW", "库拉索", "CX", "圣诞岛", "CY", "塞浦路斯",
		"CZ", "捷克", "DE", "德国", "DJ", "吉布提", "DK", "丹麦", "DM", "多米尼克",
		"DO", "多米尼加", "DZ", "阿尔及利亚", "EC", "厄瓜多尔", "EE", "爱沙尼亚", "EG", "埃及",
		"EH", "西撒哈拉", "ER", "厄立特里亚", "ES", "西班牙", "ET", "埃塞俄比亚", "FI", "芬兰",
		"FJ", "斐济", "FK", "福克兰群岛", "FM", "密克罗尼西亚联邦", "FO", "法罗群岛", "FR", "法国",
		"GA", "加蓬", "GB", "英国", "GD", "格林纳达", "GE", "格鲁吉亚", "GF", "法属圭亚那",
		"GG", "根西岛", "GH", "加纳", "GI", "直布罗陀", "GL", "格陵兰", "GM", "冈比亚",
		"GN", "几内亚", "GP", "瓜德罗普", "GQ", "赤道几内亚", "GR", "希腊", "GS", "南乔治亚岛和南桑威奇群岛",
		"GT", "危地马拉", "GU", "关岛", "GW", "几内亚比绍", "GY", "圭亚那", "HK", "中国香港",
		"HM", "赫德岛和麦克唐纳群岛", "HN", "洪都拉斯", "HR", "克罗地亚", "HT", "海地", "HU", "匈牙利",
		"ID", "印度尼西亚", "IE", "爱尔兰", "IL", "以色列", "IM", "马恩岛", "IN", "印度",
		"IO", "英属印度洋领地", "IQ", "伊拉克", "IR", "伊朗", "IS", "冰岛", "IT", "意大利",
		"JE", "泽西岛", "JM", "牙买加", "JO", "约旦", "JP", "日本", "KE", "肯尼亚",
		"KG", "吉尔吉斯斯坦", "KH", "柬埔寨", "KI", "基里巴斯", "KM", "科摩罗", "KN", "圣基茨和尼维斯",
		"KP", "朝鲜", "KR", "韩国", "KW", "科威特", "KY", "开曼群岛", "KZ", "哈萨克斯坦",
		"LA", "老挝", "LB", "黎巴嫩", "LC", "圣卢西亚", "LI", "列支敦士登", "LK", "斯里兰卡",
		"LR", "利比里亚", "LS", "莱索托", "LT", "立陶宛", "LU", "卢森堡", "LV", "拉脱维亚",
		"LY", "利比亚", "MA", "摩洛哥", "MC", "摩纳哥", "MD", "摩尔多瓦", "ME", "黑山",
		"MF", "法属圣马丁", "MG", "马达加斯加", "MH", "马绍尔群岛", "MK", "北马其顿", "ML", "马里",
		"MM", "缅甸", "MN", "蒙古", "MO", "中国澳门", "MP", "北马里亚纳群岛", "MQ", "马提尼克",
		"MR", "毛里塔尼亚", "MS", "蒙特塞拉特", "MT", "马耳他", "MU", "毛里求斯", "MV", "马尔代夫",
		"MW", "马拉维", "MX", "墨西哥", "MY", "马来西亚", "MZ", "莫桑比克", "NA", "纳米比亚",
		"NC", "新喀里多尼亚", "NE", "尼日尔", "NF", "诺福克岛", "NG", "尼日利亚", "NI", "尼加拉瓜",
		"NL", "荷兰", "NO", "挪威", "NP", "尼泊尔", "NR", "瑙鲁", "NU", "纽埃",
		"NZ", "新西兰", "OM", "阿曼", "PA", "巴拿马", "PE", "秘鲁", "PF", "法属波利尼西亚",
		"PG", "巴布亚新几内亚", "PH", "菲律宾", "PK", "巴基斯坦", "PL", "波兰", "PM", "圣皮埃尔和密克隆",
		"PN", "皮特凯恩群岛", "PR", "波多黎各", "PS", "巴勒斯坦", "PT", "葡萄牙", "PW", "帕劳",
		"PY", "巴拉圭", "QA", "卡塔尔", "RE", "留尼汪", "RO", "罗马尼亚", "RS", "塞尔维亚",
		"RU", "俄罗斯", "RW", "卢旺达", "SA", "沙特阿拉伯", "SB", "所罗门群岛", "SC", "塞舌尔",
		"SD", "苏丹", "SE", "瑞典", "SG", "新加坡", "SH", "圣赫勒拿", "SI", "斯洛文尼亚",
		"SJ", "斯瓦尔巴和扬马延", "SK", "斯洛伐克", "SL", "塞拉利昂", "SM", "圣马力诺", "SN", "塞内加尔",
		"SO", "索马里", "SR", "苏里南", "SS", "南苏丹", "ST", "圣多美和普林西比", "SV", "萨尔瓦多",
		"SX", "荷属圣马丁", "SY", "叙利亚", "SZ", "斯威士兰", "TC", "特克斯和凯科斯群岛", "TD", "乍得",
		"TF", "法属南部领地", "TG", "多哥", "TH", "泰国", "TJ", "塔吉克斯坦", "TK", "托克劳",
		"TL", "东帝汶", "TM", "土库曼斯坦", "TN", "突尼斯", "TO", "汤加", "TR", "土耳其",
		"TT", "特立尼达和多巴哥", "TV", "图瓦卢", "TW", "中国台湾", "TZ", "坦桑尼亚", "UA", "乌克兰",
		"UG", "乌干达", "UM", "美国本土外小岛屿", "US", "美国", "UY", "乌拉圭", "UZ", "乌兹别克斯坦",
		"VA", "梵蒂冈", "VC", "圣文森特和格林纳丁斯", "VE", "委内瑞拉", "VG", "英属维尔京群岛", "VI", "美属维尔京群岛",
		"VN", "越南", "VU", "瓦努阿图", "WF", "瓦利斯和富图纳", "WS", "萨摩亚", "YE", "也门",
		"YT", "马约特", "ZA", "南非", "ZM", "赞比亚", "ZW", "津巴布韦",
	)
}

// provinceOpt is host bk_province_name's option.
//
// NOT from the spec: presets.md §3.4 does not reproduce the 34 options. This
// list is reconstructed: China's 34 provincial-level divisions with their
// GB/T 2260 codes.
func provinceOpt() []any {
	return enumOpt("",
		"110000", "北京", "120000", "天津", "130000", "河北", "140000", "山西", "150000", "内蒙古",
		"210000", "辽宁", "220000", "吉林", "230000", "黑龙江",
		"310000", "上海", "320000", "江苏", "330000", "浙江", "340000", "安徽", "350000", "福建",
		"360000", "江西", "370000", "山东",
		"410000", "河南", "420000", "湖北", "430000", "湖南", "440000", "广东", "450000", "广西",
		"460000", "海南",
		"500000", "重庆", "510000", "四川", "520000", "贵州", "530000", "云南", "540000", "西藏",
		"610000", "陕西", "620000", "甘肃", "630000", "青海", "640000", "宁夏", "650000", "新疆",
		"710000", "台湾", "810000", "香港", "820000", "澳门",
	)
}
