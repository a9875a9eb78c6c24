// Error codes and both message tables, transcribed from shared/spec/errors.md §2.

package cmdb

// Error codes bk-cmdb uses for the endpoints in scope (errors.md §2).
const (
	CodeNoPermission                                    = 9900403
	CodeJSONUnmarshalFailed                             = 1199000
	CodeHTTPDoRequestFailed                             = 1199002
	CodeHTTPInputInvalid                                = 1199003
	CodeHTTPReadBodyFailed                              = 1199004
	CodeParamsInvalid                                   = 1199006
	CodeParamsNeedString                                = 1199007
	CodeParamsLostField                                 = 1199008
	CodeParamsNeedInt                                   = 1199009
	CodeParamsNeedSet                                   = 1199010
	CodeParamsIsInvalid                                 = 1199011
	CodeFieldTypeNotSupportMultiple                     = 1199012
	CodeDuplicateItem                                   = 1199014
	CodeOverLimit                                       = 1199015
	CodeFieldRegValidFailed                             = 1199016
	CodeNotFound                                        = 1199019
	CodeParamsNeedTimeZone                              = 1199024
	CodeParamsNeedBool                                  = 1199025
	CodeNotAuthItem                                     = 1199027
	CodeXXExceedLimit                                   = 1199035
	CodeProxyRequestFailed                              = 1199036
	CodeRewriteRequestUriFailed                         = 1199037
	CodeInstDataNil                                     = 1199038
	CodeParseAuthAttributeFailed                        = 1199045
	CodeCheckAuthorizeFailed                            = 1199046
	CodeAuthNotHavePermission                           = 1199047
	CodeGetMultipleObject                               = 1199052
	CodePageLimitIsExceeded                             = 1199059
	CodeValExceedMaxFailed                              = 1199073
	CodeForbiddenOperateMainlineInstanceWithCommonAPI   = 1199075
	CodeParseAttrOptionListFailed                       = 1199080
	CodeForbiddenOperateInnerModelInstanceWithCommonAPI = 1199084
	CodeUnexpectedFieldType                             = 1199085
	CodeOPInProgressErr                                 = 1199087
	CodeRedisOPErr                                      = 1199088
	CodeIllegalRegularExpression                        = 1199090
	CodeParamsNeedSingleChoice                          = 1199092
	CodeUnknownOrUnrecognizedError                      = 1199998
	CodeInternalServerError                             = 1199999
	CodeModuleSelectFailed                              = 1101007
	CodeObjectClassificationSelectFailed                = 1101024
	CodeObjectClassificationHasObject                   = 1101029
	CodeHasHostCheckFailed                              = 1101030
	CodeObjectHasSomeInstsForbiddenToDelete             = 1101037
	CodeAssociationAlreadyExist                         = 1101038
	CodeInvalidObjectAssociationID                      = 1101041
	CodeGotMultipleAssociationInstance                  = 1101042
	CodeAssociationHasAlreadyBeenInstantiated           = 1101043
	CodeAssociationMissingParameters                    = 1101045
	CodeObjectAssociationNotExist                       = 1101046
	CodeObjectAssociationUpdateForbiddenFields          = 1101047
	CodeGetMultipleAssocKindInstWithOneID               = 1101050
	CodeDeletePredefinedAssociationKind                 = 1101051
	CodeCreateMultipleInstancesForOneToOneAssociation   = 1101052
	CodeObjectHasAlreadyAssociated                      = 1101053
	CodeUpdatePredefinedAssociation                     = 1101054
	CodeDeletePredefinedAssociation                     = 1101055
	CodeAssociationKindHasBeenUsed                      = 1101060
	CodeCreateMultipleInstancesForOneToManyAssociation  = 1101061
	CodeObjectAssociationNotUnique                      = 1101062
	CodeAssKindHasApplyToObject                         = 1101070
	CodePreAssKindCanNotBeDelete                        = 1101071
	CodeAsstKindIsNotExist                              = 1101072
	CodeAsstInstIsNotExist                              = 1101073
	CodeInstToAsstIsNotExist                            = 1101074
	CodeInstHasAsst                                     = 1101075
	CodeAssociationKindMainlineUnavailable              = 1101082
	CodeAssociationKindInconsistent                     = 1101083
	CodeModelStopped                                    = 1101084
	CodeCanNotAddRequiredAttributeForMainlineModel      = 1101092
	CodeAttributeNameDuplicated                         = 1101107
	CodeCheckRegularFailed                              = 1101109
	CodeModelClassificationNotFound                     = 1101113
	CodeObjForbiddenCreateAssociation                   = 1101120
	CodeAssociatedObjForbiddenCreateAssociation         = 1101121
	CodeFieldTemplateForbiddenDeleteAttr                = 1101122
	CodeForbiddenToDeleteModelFailed                    = 1101135
	CodeAPINoPassSourceCertification                    = 1100004
	CodeObjectDBOpErrno                                 = 1102020
	CodeAuditSaveLogFailed                              = 1109001
	CodeAuditGenerateLogFailed                          = 1109005
	CodeNotAllowUniqueAttr                              = 1113024
	CodeNotAllowAddRequiredFieldErr                     = 1113026
	CodeNotAllowChangeRequiredFieldErr                  = 1113027
	CodeNotAllowAddFieldErr                             = 1113028
	CodeAssociationConstraintMismatch                   = 1113053
)

// messagesEN is bk-cmdb's English table (resources/errors/english/en).
var messagesEN = map[int]string{
	9900403: "Do not have access permission.",
	1199000: "Deserializing JSON data failed",
	1199002: "HTTP request failed",
	1199003: "invalid input parameter",
	1199004: "Data read failed",
	1199006: "'%s' data parameter verification does not pass",
	1199007: "'%s' must be a string type",
	1199008: "'%s' cannot be omitted",
	1199009: "'%s' parameters must be integral",
	1199010: "'%s' unassigned",
	1199011: "'%s' the parameter is invalid or does not exist",
	1199012: "'%s' field type not support is multiple, please set the parameter false",
	1199014: "duplicated instances exist, fields [%s] duplicated",
	1199015: "Data out of bounds",
	1199016: "'%s' Field regular check failed",
	1199019: "No relevant data found",
	1199024: "'%s' must be a string type",
	1199025: "'%s' must be boolean",
	1199027: "'%s' authorization information query failed",
	1199035: " %s exceed the limit %d",
	1199038: "need data %s is null",
	1199045: "Parse authorize attributes failed.",
	1199046: "Authorize request failed.",
	1199047: "Do not have access permission.",
	1199052: "get multiple objects",
	1199059: "page limit is exceeded. suggestion 200",
	1199073: "%s field exceeds maximum value %s",
	1199075: "forbidden operate mainline model instance with common instance API",
	1199080: "parsing property list content failed",
	1199084: "forbidden operate inner model instance with common instance API",
	1199085: "unexpected type: %s",
	1199087: "The same task [%s] is already in progress",
	1199088: "Failed to operate Redis cache",
	1199090: "Regular expression's type assertion failed",
	1199092: "current field type status is single choice, please set reasonable data",
	1199998: "Unknown or unrecognized error",
	1199999: "'%s' Internal Server Error",
	1101007: "Query model failed",
	1101024: "Query model classification failed",
	1101029: "There is a model under the category, not allowed to delete",
	1101030: "Having hosts under the target, deleting forbidden",
	1101037: "the object [%s] has been instantiated and cannot be deleted",
	1101038: "the associations %s->%s already exist",
	1101041: "invalid object association id, should be a int64 value",
	1101042: "got multiple object association instance with one id",
	1101043: "object association has already been instantiated, can not be deleted.",
	1101045: "object association missing parameters.",
	1101046: "object association does not exist.",
	1101047: "updated the forbidden fields.",
	1101050: "association kind got multiple instance.",
	1101051: "can not delete a pre-defined association kind.",
	1101052: "can not create multiple instance association for a 1:1 association.",
	1101053: "object has already been associated.",
	1101054: "can not update a predefined association.",
	1101055: "can not delete a predefined association.",
	1101060: "association kind has already been used.",
	1101061: "The relationship is 1:n, and multiple source model instances cannot be associated at the same time.",
	1101062: "object association do not unique.",
	1101070: "model unique constrains should have more than one",
	1101071: "pre definition association can not be delete",
	1101072: "the association kind is not exist",
	1101073: "the association inst is not exist",
	1101074: "the  inst to asst  is not exist",
	1101075: "the inst has association",
	1101082: "bk_mainline association type can't use in this scene",
	1101083: "association type inconsistent with caller method",
	1101084: "the model stopped to use",
	1101092: "can not add required attribute field for a mainline model",
	1101107: "the same attribute unique id exist",
	1101109: "regular expression is invalid",
	1101113: "model classification not found",
	1101120: "Model %s forbids the creation of association relationships",
	1101121: "The associated model %s forbids the creation of association relationships",
	1101122: "Field [%d] is inherited from template [%d] and cannot be deleted",
	1101135: "Prohibition of deleting the built-in model",
	1100004: "call source authentication failed.",
	1102020: "object DB operation failed",
	1109001: "save audit log failed",
	1109005: "generate audit log failed",
	1113024: "fields in unique checksums are not allowed to be deleted",
	1113026: "model [%s] does not allow create required fields",
	1113027: "model [%s] does not allow modification of required fields",
	1113028: "model [%s] does not allow create fields",
	1113053: "association constraint mismatch",
}

// messagesZH is bk-cmdb's default (Chinese) table (resources/errors/common/default).
var messagesZH = map[int]string{
	9900403: "没有操作的权限",
	1199000: "反序列化JSON数据失败",
	1199002: "HTTP请求失败",
	1199003: "输入参数无效",
	1199004: "数据读取失败",
	1199006: "'%s' 数据参数校验不通过",
	1199007: "'%s' 必须为字符串类型",
	1199008: "'%s' 不可以被省略",
	1199009: "'%s' 参数必须是整型",
	1199010: "'%s' 未赋值",
	1199011: "'%s' 参数无效或不存在",
	1199012: "'%s' 数据类型不支持是否可多选，请将参数设置为false",
	1199014: "数据唯一性校验失败， %s 重复",
	1199015: "'%s' 数据越界",
	1199016: "'%s' 字段正则校验失败",
	1199019: "未找到相关数据",
	1199024: "'%s' 必须为字符串类型",
	1199025: "'%s' 必须为bool类型",
	1199027: "[%s]授权信息查询失败",
	1199035: " %s 超过限制 %d",
	1199038: "数据 %s 不能为空",
	1199045: "解析授权信息失败",
	1199046: "鉴权失败",
	1199047: "没有操作的权限",
	1199052: "获取到多条记录",
	1199059: "分页查询数量超过限制的最大值, 建议值200",
	1199073: "字段%s超过最大值%d",
	1199075: "禁止使用通用实例接口操作主线模型实例",
	1199080: "解析属性列表内容失败",
	1199084: "禁止使用通用实例接口操作内置模型实例",
	1199085: "未知类型：%s",
	1199087: "已经存在相同的任务[%s]正在执行",
	1199088: "操作Redis 缓存失败",
	1199090: "非法的正则表达式",
	1199092: "当前字段类型状态为单选，请设置合理数据",
	1199998: "未知或未能识别的异常",
	1199999: "'%s' 服务器内部错误",
	1101007: "查询模型失败",
	1101024: "查询模型分类失败",
	1101029: "分类下有模型，不允许删除",
	1101030: "目标包含主机, 不允许删除",
	1101037: "该模型 [%s] 已被实例化，禁止删除",
	1101038: "关联关系 %s->%s 重复",
	1101041: "无效的关联关系ID，应该为正整数",
	1101042: "查到多个关联关系实例",
	1101043: "模型的关联关系已经被实例化，不能被删除",
	1101045: "模型关联关系缺少相关参数",
	1101046: "模型的关联关系不存在",
	1101047: "包含了不允许更新的字段",
	1101050: "查询到多个关联实例",
	1101051: "预置的关联类型不能被删除",
	1101052: "关联关系为1:1的，不能同时关联多个实例",
	1101053: "模型已经被关联",
	1101054: "禁止更新预定义的关联关系",
	1101055: "禁止删除预定义的关联关系",
	1101060: "关联类型已经被使用",
	1101061: "关联关系为1:n的，不能同时关联多个源模型实例",
	1101062: "关联关系不唯一",
	1101070: "关联类型已经被应用到模型",
	1101071: "预定义关联类型不能被删除",
	1101072: "关联类型不存在",
	1101073: "关联实例不存在",
	1101074: "被关联实例不存在",
	1101075: "实例下有关联关系",
	1101082: "bk_mainline 为内置关联类型，不能用于当前场景",
	1101083: "关联类型与调用入口不匹配",
	1101084: "模型已经停用",
	1101092: "主线模型不能新增必填字段属性",
	1101107: "已经存在同名的字段唯一标识",
	1101109: "正则表达式书写错误",
	1101113: "模型分组未找到",
	1101120: "模型%s禁止创建的关联关系",
	1101121: "被关联模型%s禁止创建关联关系",
	1101122: "字段[%d]继承于模版[%d]，不允许被删除",
	1101135: "禁止删除内置模型",
	1100004: "调用来源认证失败",
	1102020: "模型DB操作失败",
	1109001: "保存操作审计日志失败",
	1109005: "生成操作审计日志失败",
	1113024: "不允许删除在唯一校验中的字段 ",
	1113026: "模型[%s]不允许新加必填字段",
	1113027: "模型[%s]不允许修改必填字段",
	1113028: "模型[%s]不允许新加字段",
	1113053: "关联关系约束不匹配",
}
