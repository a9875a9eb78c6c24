package cmdb

// AssociationTx is the part of Tx that reads and writes instance
// associations.
type AssociationTx interface {
	// CountInstAssts counts the instance associations of one object
	// association (bk_obj_asst_id).
	CountInstAssts(supplier, objAsstID string) (int64, error)
	// InstAsstsTouching lists the rows in scope where an instance of objID
	// with one of ids is the source or the target.
	InstAsstsTouching(scope Scope, objID string, ids []int64) ([]InstAssociation, error)
	// DeleteInstAssts deletes rows by id (never with an empty list) and
	// returns how many went.
	DeleteInstAssts(scope Scope, ids []int64) (int64, error)
}
