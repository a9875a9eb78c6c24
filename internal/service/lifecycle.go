package service

import "github.com/opscmdb/cmdb/internal/cmdb"

// checkInstanceDelete is the association rule of instance deletion
// (associations.md §0.6), run inside the deleting transaction so that check
// and delete are one atomic step: an instance whose association's other end
// still exists may not go (1101075); rows whose other end is gone are
// removed. A row between two instances of the same delete call blocks too,
// as in bk-cmdb (the other end exists when the check runs).
func checkInstanceDelete(tx cmdb.Tx, c Caller, objID string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	scope := cmdb.ScopeOf(c.Supplier)
	rows, err := tx.InstAsstsTouching(scope, objID, ids)
	if err != nil || len(rows) == 0 {
		return err
	}
	deleting := map[int64]bool{}
	for _, id := range ids {
		deleting[id] = true
	}
	// The other end of each row, grouped by model.
	others := map[string][]int64{}
	for _, r := range rows {
		if r.ObjID == objID && deleting[r.InstID] {
			others[r.AsstObjID] = append(others[r.AsstObjID], r.AsstInstID)
		}
		if r.AsstObjID == objID && deleting[r.AsstInstID] {
			others[r.ObjID] = append(others[r.ObjID], r.InstID)
		}
	}
	alive := map[string]map[int64]bool{}
	for obj, list := range others {
		m, err := tx.ExistingInstances(scope, obj, list)
		if err != nil {
			return err
		}
		alive[obj] = m
	}
	var dangling []int64
	for _, r := range rows {
		live := false
		if r.ObjID == objID && deleting[r.InstID] && alive[r.AsstObjID][r.AsstInstID] {
			live = true
		}
		if r.AsstObjID == objID && deleting[r.AsstInstID] && alive[r.ObjID][r.InstID] {
			live = true
		}
		if live {
			return cmdb.Errorf(cmdb.CodeInstHasAsst)
		}
		dangling = append(dangling, r.ID)
	}
	if len(dangling) == 0 {
		return nil
	}
	_, err = tx.DeleteInstAssts(scope, dangling)
	return err
}
