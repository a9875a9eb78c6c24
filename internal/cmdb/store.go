package cmdb

import (
	"context"
	"errors"
)

// Store keeps cmdb's records. The rules live in Service and run inside one
// store transaction, so that every check-then-write is atomic; a Store offers
// the transactions and, inside them, plain reads and writes of records.
//
// Implementations: internal/store/sqlite (embedded default) and
// internal/store/postgres; internal/store/storetest holds the behaviour suite
// both must pass.
type Store interface {
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction. Concurrent Updates behave
	// as if run one after another (serialisable); an implementation may run
	// fn again after a serialisation conflict, so fn must not have effects
	// outside the transaction.
	Update(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// VersionPeeker is an optional Store capability: the current version of
// the instance associations of objID in scope (AssociationTx.InstAsstVersion)
// without opening a transaction, for the answer cache's hits.
//
// It must count every write acknowledged before the call began (a write's
// version is visible here before its Update returns), and it may count a
// write not yet acknowledged, or be behind one that is still committing;
// the number must be one InstAsstVersion would read in some snapshot taken
// at or after the call began.
type VersionPeeker interface {
	PeekInstAsstVersion(ctx context.Context, scope Scope, objID string) (int64, error)
}

// ErrUnavailable marks a failure to reach the database (a restart, a
// killed connection): the request may be tried again.
var ErrUnavailable = errors.New("store: database unavailable")

// ErrConflict is returned by a store write that broke a uniqueness
// constraint the service did not see coming (a race lost to another node).
var ErrConflict = errors.New("store: unique constraint violated")

// Tx is the set of primitives the rules are written with. Lists return every
// supplier's rows unless a supplier argument narrows them; the service applies
// bk-cmdb's supplier visibility rules.
type Tx interface {
	// NextID returns a fresh id of the named sequence (bk-cmdb's counter
	// names: cc_ObjDes, cc_InstAsst, cc_ObjectBase, …). Ids increase within
	// one node and never repeat; they may have gaps.
	NextID(seq string) (int64, error)

	Meta(key string) (string, bool, error)
	SetMeta(key, value string) error

	Classifications() ([]Classification, error)
	InsertClassification(c *Classification) error
	UpdateClassification(c *Classification) error
	DeleteClassification(supplier string, id int64) error

	Objects() ([]Object, error)
	InsertObject(o *Object) error
	UpdateObject(o *Object) error
	DeleteObject(supplier string, id int64) error

	// Attributes lists the attributes of objID, or of every model when
	// objID is "".
	Attributes(objID string) ([]Attribute, error)
	InsertAttribute(a *Attribute) error
	UpdateAttribute(a *Attribute) error
	DeleteAttribute(supplier string, id int64) error

	Groups(objID string) ([]AttributeGroup, error)
	InsertGroup(g *AttributeGroup) error
	DeleteGroups(supplier, objID string) error

	UniqueRules(objID string) ([]UniqueRule, error)
	InsertUniqueRule(r *UniqueRule) error
	DeleteUniqueRules(supplier, objID string) error

	Kinds() ([]AssociationKind, error)
	InsertKind(k *AssociationKind) error
	UpdateKind(k *AssociationKind) error
	DeleteKind(supplier string, id int64) error

	ObjAssts() ([]ObjectAssociation, error)
	// ObjAsstsNamed lists the object associations (of any supplier) whose
	// bk_obj_asst_id is objAsstID. With lock, their rows are also locked
	// for the rest of the transaction where the engine runs writers
	// concurrently (PostgreSQL: SELECT … FOR UPDATE), which serialises the
	// creates of instance associations under them across nodes; SQLite's
	// single writer already serialises every write.
	ObjAsstsNamed(objAsstID string, lock bool) ([]ObjectAssociation, error)
	InsertObjAsst(a *ObjectAssociation) error
	UpdateObjAsst(a *ObjectAssociation) error
	DeleteObjAsst(supplier string, id int64) error

	InstanceTx
	AssociationTx
}
