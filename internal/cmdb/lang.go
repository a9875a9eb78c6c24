package cmdb

// Read-time translation of preset names (bk-cmdb's resources/language
// tables; presets.md §1–§4, models-and-instances.md §1.1, §2.1, §3.2, §3.3,
// associations.md §1.1). Keys follow bk-cmdb's language-file keys:
//
//	classification_<bk_classification_id>
//	object_<bk_obj_id>
//	common_property_<bk_property_id>           (bk_inst_name, recorded fields)
//	<bk_obj_id>_property_<bk_property_id>
//	<bk_obj_id>_placeholder_<bk_property_id>
//	<bk_obj_id>_property_<bk_property_id>_enum_<option id>
//	unique_kind_name_<bk_asst_id>, unique_kind_src_to_dest_<id>, unique_kind_dest_to_src_<id>
//	model_attr_bk_property_id, model_attr_bk_property_name, model_attr_placeholder,
//	model_attr_uint, model_attr_option_regex       (<L:key> labels of messages)
//	group_<bk_obj_id>_<bk_group_id>                (cmdb's own key for preset groups)

// Message labels (models-and-instances.md §3.3 `<L:key>`).
const (
	LabelPropertyID   = "model_attr_bk_property_id"
	LabelPropertyName = "model_attr_bk_property_name"
	LabelPlaceholder  = "model_attr_placeholder"
	LabelUnit         = "model_attr_uint"
	LabelOptionRegex  = "model_attr_option_regex"
)

// translatedModels are the twelve models whose names are always translated
// on read and whose attributes are translated regardless of ispre
// (models-and-instances.md §2.1, §3.2).
var translatedModels = []string{
	"biz", "set", "module", "process", "host", "plat",
	"bk_switch", "bk_router", "bk_load_balance", "bk_firewall",
	"bk_biz_set_obj", "bk_project",
}

// TranslatedModels returns the set of the twelve translated models (a fresh
// map each call).
func TranslatedModels() map[string]bool {
	m := make(map[string]bool, len(translatedModels))
	for _, o := range translatedModels {
		m[o] = true
	}
	return m
}

// IsTranslatedModel reports whether objID is one of the twelve translated
// models.
func IsTranslatedModel(objID string) bool {
	for _, o := range translatedModels {
		if o == objID {
			return true
		}
	}
	return false
}

var langTables = buildLangTables()

// LangText returns the language-table entry for key.
func LangText(lang Lang, key string) (string, bool) {
	t := langTables[0]
	if lang == LangEN {
		t = langTables[1]
	}
	s, ok := t[key]
	return s, ok
}

// langText returns the entry for key, or def when there is none.
func langText(lang Lang, key, def string) string {
	if s, ok := LangText(lang, key); ok {
		return s
	}
	return def
}

// Label returns a message label (LabelPropertyID, …) in lang.
func Label(lang Lang, key string) string { return langText(lang, key, key) }

// InstNameStoredName is the stored name of the bk_inst_name attribute that
// create_object adds: the request language's entry (实例名 / Instance Name).
func InstNameStoredName(lang Lang) string {
	return langText(lang, "common_property_bk_inst_name", "实例名")
}

// DefaultGroupStoredName is the stored name of the default group that
// create_object adds; it is "Default" in every language.
func DefaultGroupStoredName(Lang) string { return "Default" }

// ClassificationReadName translates a preset classification name, but only
// while the stored name still equals the preset Chinese name (presets.md §1).
func ClassificationReadName(lang Lang, clsID, stored string) string {
	key := "classification_" + clsID
	zh, ok := LangText(LangZH, key)
	if !ok || stored != zh {
		return stored
	}
	return langText(lang, key, stored)
}

// ObjectReadName gives a model's read name: the twelve translated models
// always read as their language entry, even when renamed
// (models-and-instances.md §2.1); other models read as stored.
func ObjectReadName(lang Lang, objID, stored string) string {
	if !IsTranslatedModel(objID) {
		return stored
	}
	return langText(lang, "object_"+objID, stored)
}

// AttributeIsTranslated reports whether an attribute's name, placeholder and
// enum option names are translated on read: ispre attributes and every
// attribute of the twelve translated models (models-and-instances.md §3.2).
func AttributeIsTranslated(a *Attribute) bool {
	return a.IsPre || IsTranslatedModel(a.ObjID)
}

// AttributeReadName looks up the read name of attribute propID of objID:
// common_property_<id> for bk_inst_name and the recorded fields, else
// <obj>_property_<id>. Without an entry the stored name is returned, and an
// empty stored name reads as the property id (presets.md §3.2).
func AttributeReadName(lang Lang, objID, propID, stored string) string {
	if propID == "bk_inst_name" || isRecordedField(propID) {
		if s, ok := LangText(lang, "common_property_"+propID); ok {
			return s
		}
	}
	if s, ok := LangText(lang, objID+"_property_"+propID); ok {
		return s
	}
	if stored == "" {
		return propID
	}
	return stored
}

// PlaceholderReadName translates an attribute placeholder
// (<obj>_placeholder_<id>), else returns the stored one.
func PlaceholderReadName(lang Lang, objID, propID, stored string) string {
	return langText(lang, objID+"_placeholder_"+propID, stored)
}

// EnumOptionReadName translates an enum option name
// (<obj>_property_<id>_enum_<option id>), else returns the stored one.
func EnumOptionReadName(lang Lang, objID, propID, optionID, stored string) string {
	return langText(lang, objID+"_property_"+propID+"_enum_"+optionID, stored)
}

// TranslateAttribute applies read-time translation to a (when
// AttributeIsTranslated): bk_property_name, placeholder and, for enum /
// enummulti, the option names; the options of such attributes are re-encoded
// with exactly the keys id, name, type, is_default. An option that is not a
// list of objects with string ids is left as stored.
func TranslateAttribute(lang Lang, a *Attribute) {
	if !AttributeIsTranslated(a) {
		return
	}
	a.PropertyName = AttributeReadName(lang, a.ObjID, a.PropertyID, a.PropertyName)
	a.Placeholder = PlaceholderReadName(lang, a.ObjID, a.PropertyID, a.Placeholder)
	if a.Type != TypeEnum && a.Type != TypeEnumMulti {
		return
	}
	opts, ok := a.Option.([]any)
	if !ok {
		return
	}
	out := make([]any, 0, len(opts))
	for _, o := range opts {
		m, ok := o.(map[string]any)
		if !ok {
			return
		}
		id, ok := m["id"].(string)
		if !ok {
			return
		}
		name, _ := m["name"].(string)
		typ, _ := m["type"].(string)
		def, _ := m["is_default"].(bool)
		out = append(out, map[string]any{
			"id":         id,
			"name":       EnumOptionReadName(lang, a.ObjID, a.PropertyID, id, name),
			"type":       typ,
			"is_default": def,
		})
	}
	a.Option = out
}

// KindReadNames gives the read bk_asst_name, src_des and dest_des of an
// association kind. Pre-defined kinds (ispre true) read as the language
// entries, overriding the stored values (presets.md §4); other kinds, and
// parts without an entry, read as stored.
func KindReadNames(lang Lang, asstID string, isPre bool, name, src, dest string) (string, string, string) {
	if !isPre {
		return name, src, dest
	}
	return langText(lang, "unique_kind_name_"+asstID, name),
		langText(lang, "unique_kind_src_to_dest_"+asstID, src),
		langText(lang, "unique_kind_dest_to_src_"+asstID, dest)
}

// TranslateKind applies KindReadNames to k in place.
func TranslateKind(lang Lang, k *AssociationKind) {
	k.AsstName, k.SrcDes, k.DestDes = KindReadNames(lang, k.AsstID, k.IsPre != nil && *k.IsPre,
		k.AsstName, k.SrcDes, k.DestDes)
}

// GroupReadName gives the read name of an attribute group. The preset groups
// of the preset models read as their language entry (default → 基础信息 /
// default, role → 角色 / role, auto → 主机系统配置 / Host System
// Configuration); every other group (e.g. the "Default" group of a model
// made by create_object) reads as stored.
func GroupReadName(lang Lang, objID, groupID, stored string) string {
	return langText(lang, "group_"+objID+"_"+groupID, stored)
}

type langEntry struct{ key, zh, en string }

// buildLangTables returns the Chinese (index 0) and English (index 1)
// tables.
func buildLangTables() [2]map[string]string {
	var es []langEntry
	add := func(key, zh, en string) { es = append(es, langEntry{key, zh, en}) }
	// prop adds <obj>_property_<id>; enum pairs follow as id, zh, en.
	prop := func(obj, id, zh, en string, enum ...string) {
		add(obj+"_property_"+id, zh, en)
		if len(enum)%3 != 0 {
			panic("cmdb: bad enum entries for " + obj + "." + id)
		}
		for i := 0; i+2 < len(enum); i += 3 {
			add(obj+"_property_"+id+"_enum_"+enum[i], enum[i+1], enum[i+2])
		}
	}

	// Classifications (presets.md §1).
	add("classification_bk_host_manage", "主机管理", "Host Management")
	add("classification_bk_biz_topo", "业务拓扑", "Business Topology")
	add("classification_bk_organization", "组织架构", "Organization")
	add("classification_bk_network", "网络", "Network")
	add("classification_bk_uncategorized", "未分类", "Uncategorized")

	// Models (presets.md §2).
	add("object_host", "主机", "Host")
	add("object_module", "模块", "Module")
	add("object_set", "集群", "Set")
	add("object_biz", "业务", "Business")
	add("object_process", "进程", "Process")
	add("object_plat", "管控区域", "Plat")
	add("object_bk_biz_set_obj", "业务集", "Business set")
	add("object_bk_project", "项目", "Project")
	add("object_bk_switch", "交换机", "Switch")
	add("object_bk_router", "路由器", "Router")
	add("object_bk_load_balance", "负载均衡", "Load Balance")
	add("object_bk_firewall", "防火墙", "Firewall")

	// Common attributes (presets.md §3, §3.6).
	add("common_property_bk_inst_name", "实例名", "Instance Name")
	add("common_property_bk_created_at", "创建时间", "Created At")
	add("common_property_bk_created_by", "创建人", "Created By")
	add("common_property_bk_updated_at", "更新时间", "Updated At")
	add("common_property_bk_updated_by", "更新人", "Updated By")

	// Network models (presets.md §3.1).
	for _, o := range NetworkModels {
		prop(o, "bk_asset_id", "固资编号", "Asset ID")
		prop(o, "bk_sn", "SN", "SN")
		prop(o, "bk_func", "用途", "Purpose")
		prop(o, "bk_vendor", "厂商", "Vendor")
		prop(o, "bk_model", "设备型号", "Model")
		prop(o, "bk_admin_ip", "管理IP", "Admin IP")
		prop(o, "bk_operator", "维护人", "Operator")
		prop(o, "bk_os_detail", "操作系统详情", "OS detail")
		prop(o, "bk_detail", "详细描述", "Detail")
		prop(o, "bk_biz_status", "运营状态", "Business status",
			"1", "待运营", "ready", "2", "运营中", "online", "3", "已下架", "offline")
	}

	// biz (presets.md §3.2).
	prop("biz", "bk_biz_name", "业务名", "Business name")
	prop("biz", "life_cycle", "生命周期", "Lifecycle",
		"1", "测试中", "testing", "2", "已上线", "online", "3", "停运", "offline")
	prop("biz", "bk_biz_maintainer", "运维人员", "Maintainer")
	prop("biz", "bk_biz_productor", "产品人员", "Productor")
	prop("biz", "bk_biz_tester", "测试人员", "Tester")
	prop("biz", "bk_biz_developer", "开发人员", "Developer")
	prop("biz", "operator", "操作人员", "Operator")
	prop("biz", "time_zone", "时区", "Time zone")
	prop("biz", "language", "语言", "Language", "1", "中文", "Chinese", "2", "English", "English")

	// set (presets.md §3.3).
	prop("set", "bk_biz_id", "业务ID", "Business ID")
	prop("set", "bk_set_name", "集群名", "Set name")
	prop("set", "bk_set_desc", "集群描述", "Set description")
	prop("set", "bk_set_env", "环境类型", "Environment",
		"1", "测试", "testing", "2", "体验", "experience", "3", "正式", "formal")
	prop("set", "bk_service_status", "服务状态", "Service status", "1", "开放", "opened", "2", "关闭", "closed")
	prop("set", "description", "备注", "Remark")
	prop("set", "bk_capacity", "设计容量", "Capacity")
	prop("set", "set_template_id", "集群模板ID", "Set template ID")

	// module (presets.md §3.3).
	prop("module", "bk_biz_id", "业务ID", "Business id")
	prop("module", "bk_set_id", "集群ID", "Set id")
	prop("module", "bk_module_name", "模块名", "Module name")
	prop("module", "bk_module_type", "模块类型", "Module type", "1", "普通", "normal", "2", "数据库", "database")
	prop("module", "operator", "主要维护人", "Primary Maintainer")
	prop("module", "bk_bak_operator", "备份维护人", "Backup Maintainer")
	prop("module", "service_category_id", "服务分类ID", "Service category ID")
	prop("module", "service_template_id", "服务模板ID", "Service template ID")
	prop("module", "set_template_id", "集群模板ID", "Set template ID")
	// The zh placeholder is the spec's; the English text is cmdb's own
	// translation, not from the spec.
	add("module_placeholder_host_apply_enabled", placeholderHostApp,
		"Whether to enable automatic application of host attributes")

	// host (presets.md §3.4).
	h := "host"
	prop(h, "bk_host_innerip", "内网IPv4", "Inner IPv4")
	prop(h, "bk_host_outerip", "外网IPv4", "Outer IPv4")
	prop(h, "operator", "主要维护人", "Primary Maintainer")
	prop(h, "bk_bak_operator", "备份维护人", "Backup Maintainer")
	prop(h, "bk_asset_id", "固资编号", "Asset ID")
	prop(h, "bk_sn", "设备SN", "Device SN")
	prop(h, "bk_comment", "备注", "Remark")
	prop(h, "bk_service_term", "质保年限", "Service Term")
	prop(h, "bk_sla", "SLA级别", "SLA Level", "1", "L1", "L1", "2", "L2", "L2", "3", "L3", "L3")
	prop(h, "bk_cloud_id", "管控区域", "BK-Network Area")
	prop(h, "bk_state_name", "所在国家", "State name")
	prop(h, "bk_province_name", "所在省份", "Province name")
	prop(h, "bk_isp_name", "所属运营商", "ISP name",
		"0", "其他", "Others", "1", "电信", "China Telecom", "2", "联通", "China Unicom", "3", "移动", "China Mobile")
	prop(h, "bk_host_name", "主机名称", "Hostname")
	prop(h, "bk_os_type", "操作系统类型", "OS type",
		"1", "Linux", "Linux", "2", "Windows", "Windows", "3", "AIX", "AIX", "4", "Unix", "Unix",
		"5", "Solaris", "Solaris", "7", "FreeBSD", "FreeBSD", "8", "MacOS", "MacOS")
	prop(h, "bk_os_name", "操作系统名称", "OS name")
	prop(h, "bk_os_version", "操作系统版本", "OS vesion") // sic, as bk-cmdb spells it
	prop(h, "bk_os_bit", "操作系统位数", "OS bit")
	prop(h, "bk_cpu", "CPU逻辑核心数", "CPU number")
	prop(h, "bk_cpu_module", "CPU型号", "CPU module")
	prop(h, "bk_mem", "内存容量(MB)", "Memory(MB)")
	prop(h, "bk_disk", "磁盘容量(GB)", "Disk(GB)")
	prop(h, "bk_mac", "内网MAC地址", "Inner MAC")
	prop(h, "bk_outer_mac", "外网MAC地址", "Outer MAC")
	prop(h, "create_time", "录入时间", "Import data")
	prop(h, "import_from", "录入方式", "Import source",
		"1", "excel", "excel", "2", "agent", "agent", "3", "api", "api")
	prop(h, "bk_state", "当前状态", "Current status")
	prop(h, "bk_cloud_inst_id", "云主机实例ID", "Cloud Instance ID")
	prop(h, "bk_cloud_host_status", "云主机状态", "Cloud Host status",
		"1", "未知", "unknown", "2", "启动中", "starting", "3", "运行中", "running",
		"4", "停止中", "stopping", "5", "已停止", "stopped", "6", "已销毁", "destroyed")
	prop(h, "bk_cloud_vendor", "云厂商", "Cloud vendor",
		"1", "AWS", "AWS", "2", "腾讯云", "Tencent Cloud", "3", "GCP", "Google Cloud", "4", "Azure", "Azure",
		"5", "企业私有云", "Enterprise Private Cloud", "6", "SalesForce", "SalesForce",
		"7", "Oracle Cloud", "Oracle Cloud", "8", "IBM Cloud", "IBM Cloud", "9", "阿里云", "Alibaba Cloud",
		"10", "中国电信", "ECloud", "11", "UCloud", "UCloud", "12", "美团云", "MOS", "13", "金山云", "KSyun",
		"14", "百度云", "Baidu Cloud", "15", "华为云", "Huawei Cloud", "16", "首都云", "Capital Cloud")
	prop(h, "bk_cpu_architecture", "CPU架构", "CPU Architecture", "x86", "X86", "X86", "arm", "ARM", "ARM")
	prop(h, "bk_host_innerip_v6", "内网IPv6", "Inner IPv6")
	prop(h, "bk_host_outerip_v6", "外网IPv6", "Outer IPv6")
	prop(h, "bk_addressing", "寻址方式", "Addressing Mode", "static", "静态", "Static", "dynamic", "动态", "Dynamic")
	prop(h, "bk_cloud_region", "云地域（Region）", "Cloud Region")
	prop(h, "bk_cloud_zone", "云可用区（Zone）", "Cloud Zone")
	prop(h, "bk_os_kernel_version", "操作系统内核版本", "OS kernel version")

	// Host placeholders: the zh texts are the spec's; the English texts are
	// cmdb's own translations, not from the spec.
	const enAuto = "Can be set manually. For automatic discovery, please install GseAgent and the collector on the host."
	for _, id := range []string{
		"bk_host_name", "bk_os_type", "bk_os_name", "bk_os_version", "bk_os_bit", "bk_cpu",
		"bk_cpu_module", "bk_mem", "bk_disk", "bk_mac", "bk_outer_mac", "bk_os_kernel_version",
	} {
		add(h+"_placeholder_"+id, placeholderAuto, enAuto)
	}
	add(h+"_placeholder_bk_cpu_architecture", placeholderCPUArch,
		"Select the CPU architecture type, such as X86 or ARM")
	add(h+"_placeholder_bk_cloud_id", placeholderCloudID,
		"Hosts whose BK-Network Area is \"Unassigned\" can be reassigned to a BK-Network Area and have the Agent installed in Node Management")

	// Association kinds (presets.md §4), including the language-only cover.
	kind := func(id, zhName, zhSrc, zhDest, enName, enSrc, enDest string) {
		add("unique_kind_name_"+id, zhName, enName)
		add("unique_kind_src_to_dest_"+id, zhSrc, enSrc)
		add("unique_kind_dest_to_src_"+id, zhDest, enDest)
	}
	kind("belong", "属于", "属于", "包含", "belong", "belong", "contain")
	kind("group", "组成", "组成", "组成于", "group", "group", "group by")
	kind("bk_mainline", "拓扑组成", "组成", "组成于", "mainline", "group", "group by")
	kind("run", "运行", "运行于", "运行", "run on", "run on", "run")
	kind("connect", "上联", "上联", "下联", "connect", "connect", "connected")
	kind("default", "默认关联", "关联", "关联", "default association", "associate", "associate")
	kind("cover", "覆盖", "覆盖", "被覆盖", "cover", "cover", "be covered")

	// Message labels (models-and-instances.md §3.3).
	add(LabelPropertyID, "唯一标识", "ID")
	add(LabelPropertyName, "名称", "Name")
	add(LabelPlaceholder, "用户提示", "Tips")
	add(LabelUnit, "单位", "Unit")
	add(LabelOptionRegex, "正则校验", "Regex")

	// Preset attribute groups (presets.md §3.1, §3.2, §3.4).
	for _, g := range presetGroupList {
		switch g[1] {
		case GroupDefault:
			add("group_"+g[0]+"_"+g[1], "基础信息", "default")
		case GroupRole:
			add("group_"+g[0]+"_"+g[1], "角色", "role")
		case GroupAuto:
			add("group_"+g[0]+"_"+g[1], "主机系统配置", "Host System Configuration")
		}
	}

	zh := make(map[string]string, len(es))
	en := make(map[string]string, len(es))
	for _, e := range es {
		if _, dup := zh[e.key]; dup {
			panic("cmdb: duplicate language key " + e.key)
		}
		zh[e.key] = e.zh
		en[e.key] = e.en
	}
	return [2]map[string]string{zh, en}
}
