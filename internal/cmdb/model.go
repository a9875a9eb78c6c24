package cmdb

import (
	"encoding/json"
	"time"
)

// DefaultSupplier is bk-cmdb's default supplier account ("0").
const DefaultSupplier = "0"

// SystemUser is the creator of preset records.
const SystemUser = "cc_system"

// Time is a model-layer timestamp: JSON "YYYY-MM-DD hh:mm:ss" in the server's
// local zone, as bk-cmdb's metadata.Time encodes it.
type Time struct{ time.Time }

const modelTimeLayout = "2006-01-02 15:04:05"

func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.Local().Format(modelTimeLayout) + `"`), nil
}

func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	v, err := time.ParseInLocation(modelTimeLayout, s, time.Local)
	if err != nil {
		v, err = time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return err
		}
	}
	t.Time = v
	return nil
}

// Classification is a model classification (cc_ObjClassification).
type Classification struct {
	ID       int64  `json:"id"`
	ClsID    string `json:"bk_classification_id"`
	Name     string `json:"bk_classification_name"`
	Type     string `json:"bk_classification_type"`
	Icon     string `json:"bk_classification_icon"`
	Supplier string `json:"bk_supplier_account"`
}

// Object is a model (cc_ObjDes). Position is bk-cmdb's free-form string
// (presets store JSON text in it).
type Object struct {
	ID         int64  `json:"id"`
	ClsID      string `json:"bk_classification_id"`
	Icon       string `json:"bk_obj_icon"`
	ObjID      string `json:"bk_obj_id"`
	Name       string `json:"bk_obj_name"`
	IsHidden   bool   `json:"bk_ishidden"`
	IsPre      bool   `json:"ispre"`
	IsPaused   bool   `json:"bk_ispaused"`
	Position   string `json:"position"`
	Supplier   string `json:"bk_supplier_account"`
	Desc       string `json:"description"`
	Creator    string `json:"creator"`
	Modifier   string `json:"modifier"`
	CreateTime *Time  `json:"create_time"`
	LastTime   *Time  `json:"last_time"`
	SortNumber int64  `json:"obj_sort_number"`
}

// Attribute is a model attribute (cc_ObjAttDes), in bk-cmdb's JSON key
// order. Option and Default hold the JSON value as decoded with UseNumber
// (json.Number, string, bool, []any, map[string]any or nil).
type Attribute struct {
	BizID        int64  `json:"bk_biz_id"`
	ID           int64  `json:"id"`
	Supplier     string `json:"bk_supplier_account"`
	ObjID        string `json:"bk_obj_id"`
	PropertyID   string `json:"bk_property_id"`
	PropertyName string `json:"bk_property_name"`
	Group        string `json:"bk_property_group"`
	GroupName    string `json:"bk_property_group_name"`
	Index        int64  `json:"bk_property_index"`
	Unit         string `json:"unit"`
	Placeholder  string `json:"placeholder"`
	Editable     bool   `json:"editable"`
	IsPre        bool   `json:"ispre"`
	IsRequired   bool   `json:"isrequired"`
	IsReadOnly   bool   `json:"isreadonly"`
	IsOnly       bool   `json:"isonly"`
	IsSystem     bool   `json:"bk_issystem"`
	IsAPI        bool   `json:"bk_isapi"`
	Type         string `json:"bk_property_type"`
	Option       any    `json:"option"`
	Default      any    `json:"default,omitempty"`
	IsMultiple   *bool  `json:"ismultiple,omitempty"`
	Desc         string `json:"description"`
	TemplateID   int64  `json:"bk_template_id"`
	Creator      string `json:"creator"`
	CreateTime   *Time  `json:"create_time"`
	LastTime     *Time  `json:"last_time"`
}

// Attribute types (bk_property_type).
const (
	TypeSingleChar   = "singlechar"
	TypeLongChar     = "longchar"
	TypeInt          = "int"
	TypeFloat        = "float"
	TypeEnum         = "enum"
	TypeEnumMulti    = "enummulti"
	TypeEnumQuote    = "enumquote"
	TypeDate         = "date"
	TypeTime         = "time"
	TypeTimeZone     = "timezone"
	TypeBool         = "bool"
	TypeList         = "list"
	TypeUser         = "objuser"
	TypeOrganization = "organization"
	TypeObject       = "object"
	TypeTable        = "table"
	TypeInnerTable   = "innertable"
	TypeIDRule       = "id_rule"
	TypeForeignKey   = "foreignkey"
	TypeSingleAsst   = "singleasst"
	TypeMultiAsst    = "multiasst"
)

// AttributeGroup is a model's attribute group (cc_PropertyGroup).
type AttributeGroup struct {
	ID         int64  `json:"id"`
	ObjID      string `json:"bk_obj_id"`
	GroupID    string `json:"bk_group_id"`
	GroupName  string `json:"bk_group_name"`
	Index      int64  `json:"bk_group_index"`
	Supplier   string `json:"bk_supplier_account"`
	IsDefault  bool   `json:"bk_isdefault"`
	IsPre      bool   `json:"ispre"`
	IsCollapse bool   `json:"is_collapse"`
	BizID      int64  `json:"bk_biz_id"`
}

// UniqueRule is a model unique rule: the listed attributes together must be
// unique among the model's instances.
type UniqueRule struct {
	ID        int64    `json:"id"`
	ObjID     string   `json:"bk_obj_id"`
	Keys      []string `json:"keys"` // bk_property_id values
	IsPre     bool     `json:"ispre"`
	MustCheck bool     `json:"must_check"`
	Supplier  string   `json:"bk_supplier_account"`
}

// AssociationKind is an association type (cc_AsstDes).
type AssociationKind struct {
	ID        int64  `json:"id"`
	AsstID    string `json:"bk_asst_id"`
	AsstName  string `json:"bk_asst_name"`
	Supplier  string `json:"bk_supplier_account"`
	SrcDes    string `json:"src_des"`
	DestDes   string `json:"dest_des"`
	Direction string `json:"direction"`
	IsPre     *bool  `json:"ispre"`
}

// ObjectAssociation is a model association (cc_ObjAsst); all ten fields are
// always on the wire.
type ObjectAssociation struct {
	ID          int64  `json:"id"`
	Supplier    string `json:"bk_supplier_account"`
	ObjAsstID   string `json:"bk_obj_asst_id"`
	ObjAsstName string `json:"bk_obj_asst_name"`
	ObjID       string `json:"bk_obj_id"`
	AsstObjID   string `json:"bk_asst_obj_id"`
	AsstID      string `json:"bk_asst_id"`
	Mapping     string `json:"mapping"`
	OnDelete    string `json:"on_delete"`
	IsPre       *bool  `json:"ispre"`
}

// InstAssociation is one instance association row. Every field is
// omitempty on the wire (associations.md §0.3).
type InstAssociation struct {
	ID         int64  `json:"id,omitempty"`
	InstID     int64  `json:"bk_inst_id,omitempty"`
	ObjID      string `json:"bk_obj_id,omitempty"`
	AsstInstID int64  `json:"bk_asst_inst_id,omitempty"`
	AsstObjID  string `json:"bk_asst_obj_id,omitempty"`
	Supplier   string `json:"bk_supplier_account,omitempty"`
	ObjAsstID  string `json:"bk_obj_asst_id,omitempty"`
	AsstID     string `json:"bk_asst_id,omitempty"`
	BizID      int64  `json:"bk_biz_id,omitempty"`
}

// Instance is one instance of a model: its attribute values plus the system
// fields, as a map (bk-cmdb answers it as a map with sorted keys). Values are
// normalised JSON values (json.Number for numbers).
type Instance map[string]any

// InnerModels are bk-cmdb's built-in models, refused by the generic instance
// APIs (1199084) and by delete_object (1101135).
var InnerModels = map[string]bool{
	"biz": true, "set": true, "module": true, "host": true, "process": true,
	"plat": true, "bk_biz_set_obj": true, "bk_project": true,
}

// MainlineModels are the built-in mainline chain.
var MainlineModels = map[string]bool{"biz": true, "set": true, "module": true, "host": true}

// InstIDField is the id field of a model's instances.
func InstIDField(objID string) string {
	switch objID {
	case "host":
		return "bk_host_id"
	case "biz":
		return "bk_biz_id"
	case "set":
		return "bk_set_id"
	case "module":
		return "bk_module_id"
	case "plat":
		return "bk_cloud_id"
	case "process":
		return "bk_process_id"
	case "bk_biz_set_obj":
		return "bk_biz_set_id"
	case "bk_project":
		return "id"
	}
	return "bk_inst_id"
}

// InstNameField is the name field of a model's instances.
func InstNameField(objID string) string {
	switch objID {
	case "host":
		return "bk_host_innerip"
	case "biz":
		return "bk_biz_name"
	case "set":
		return "bk_set_name"
	case "module":
		return "bk_module_name"
	case "plat":
		return "bk_cloud_name"
	case "process":
		return "bk_process_name"
	case "bk_biz_set_obj":
		return "bk_biz_set_name"
	case "bk_project":
		return "bk_project_name"
	}
	return "bk_inst_name"
}
