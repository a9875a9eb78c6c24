package cmdb

// InstanceTx is the part of Tx that reads and writes instances.
type InstanceTx interface {
	// CountInstances counts the instances of objID visible to supplier
	// (supplier "" = all).
	CountInstances(supplier, objID string) (int64, error)
	// InsertInstance stores one instance. id is its id-field value.
	InsertInstance(supplier, objID string, id int64, data Instance) error
	// UnsetInstanceField removes one attribute value from every instance of
	// a model.
	UnsetInstanceField(supplier, objID, field string) error
}
