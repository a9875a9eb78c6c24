package cmdb

// Condition is a parsed, typed condition tree: an internal/cond.Expr (the
// domain package cannot name that type without an import cycle, since cond
// reports its errors as *Error). nil matches everything. Stores translate it
// to SQL with cond.ToSQL; no caller text ever reaches SQL.
type Condition any

// SortKey is one key of a sort: a document field, descending or not.
type SortKey struct {
	Field string
	Desc  bool
}

// InstAsstQuery selects instance association rows.
type InstAsstQuery struct {
	Scope Scope
	// ObjID keeps rows where this model is the source or the target
	// ("" = no such filter); with SourceOnly, only rows where it is the
	// source.
	ObjID      string
	SourceOnly bool
	// Where is a condition on the row's fields (id, bk_inst_id, bk_obj_id,
	// bk_asst_inst_id, bk_asst_obj_id, bk_supplier_account,
	// bk_obj_asst_id, bk_asst_id, bk_biz_id).
	Where Condition
	// Sort defaults to ascending id; Start skips rows; Limit 0 = no limit.
	Sort  []SortKey
	Start int64
	Limit int64
}

// AssociationTx is the part of Tx that reads and writes instance
// associations (one row per association, indexed from both ends).
//
// Every write of rows (InsertInstAsst, InsertInstAssts, DeleteInstAssts)
// also advances, in the same transaction, the version InstAsstVersion reads
// for the models at both ends of each row written or deleted, once per call
// and model association: the exact answer cache of find_instance_association
// depends on it.
type AssociationTx interface {
	// InstAsstVersion returns the version of the rows in scope where objID
	// is the source or the target, in the transaction's snapshot. It never
	// decreases, grows with every committed write of such a row, and two
	// snapshots with the same version see the same such rows.
	InstAsstVersion(scope Scope, objID string) (int64, error)
	// CountInstAssts counts the rows of one object association.
	CountInstAssts(scope Scope, objAsstID string) (int64, error)
	// InstAsstsTouching lists the rows in scope where an instance of objID
	// with one of ids is the source or the target.
	InstAsstsTouching(scope Scope, objID string, ids []int64) ([]InstAssociation, error)
	// DeleteInstAssts deletes rows by id (never with an empty list) and
	// returns how many went.
	DeleteInstAssts(scope Scope, ids []int64) (int64, error)
	// EachInstAsst calls fn for every row the query selects, in order,
	// reading them one at a time. fn must not keep the row.
	EachInstAsst(q InstAsstQuery, fn func(*InstAssociation) error) error
	// CountInstAsstsWhere counts what the query selects (Sort, Start and
	// Limit ignored).
	CountInstAsstsWhere(q InstAsstQuery) (int64, error)
	// InstAsstByID returns the row with id in scope, or nil.
	InstAsstByID(scope Scope, id int64) (*InstAssociation, error)
	// InstAsstTaken reports whether a row of objAsstID exists with the
	// given source instance (instID ≥ 0) and/or target instance
	// (asstInstID ≥ 0); -1 leaves that end free.
	InstAsstTaken(scope Scope, objAsstID string, instID, asstInstID int64) (bool, error)
	// InstAsstPairsTaken returns which of the (source, target) pairs
	// already have a row of objAsstID.
	InstAsstPairsTaken(scope Scope, objAsstID string, pairs [][2]int64) (map[[2]int64]bool, error)
	// InstAsstEndsTaken returns which of ids already are the source
	// (source true) or the target of a row of objAsstID.
	InstAsstEndsTaken(scope Scope, objAsstID string, source bool, ids []int64) (map[int64]bool, error)
	// InsertInstAssts stores rows in bulk; a duplicate is ErrConflict and
	// writes nothing of the call.
	InsertInstAssts(rows []InstAssociation) error
	// InsertNewInstAssts stores the rows whose pair (same supplier,
	// association, source and target) has no row yet, skipping the others
	// without reading them first, and returns the (source, target) pairs
	// it stored.
	InsertNewInstAssts(rows []InstAssociation) (map[[2]int64]bool, error)
	// InsertInstAsst stores a row; a duplicate (same association, source
	// and target) is ErrConflict.
	InsertInstAsst(a *InstAssociation) error
	// InstancesByID returns the instances of objID with those ids in scope,
	// in id order.
	InstancesByID(scope Scope, objID string, ids []int64) ([]Instance, error)
}
