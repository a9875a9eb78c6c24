package cmdb

// AssociationTx is the part of Tx that reads and writes instance
// associations.
type AssociationTx interface {
	// CountInstAssts counts the instance associations of one object
	// association (bk_obj_asst_id).
	CountInstAssts(supplier, objAsstID string) (int64, error)
}
