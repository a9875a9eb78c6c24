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
	// ExistingInstances returns which of ids are instances of objID seen by
	// scope.
	ExistingInstances(scope Scope, objID string, ids []int64) (map[int64]bool, error)
}

// Scope is the set of supplier accounts a caller sees: nil means every
// supplier ("superadmin"); otherwise the listed ones.
type Scope []string

// ScopeOf is bk-cmdb's read filter for a caller's supplier (envelope-and-
// auth.md §4): "0" sees "0"; "superadmin" sees all; any other X sees "0"
// and X.
func ScopeOf(supplier string) Scope {
	switch supplier {
	case "superadmin":
		return nil
	case DefaultSupplier, "":
		return Scope{DefaultSupplier}
	}
	return Scope{DefaultSupplier, supplier}
}

// Sees reports whether a record of supplier rec is in the scope.
func (s Scope) Sees(rec string) bool {
	if s == nil {
		return true
	}
	for _, v := range s {
		if v == rec {
			return true
		}
	}
	return false
}
