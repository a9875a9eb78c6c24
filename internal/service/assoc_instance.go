package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// findObjAsst returns the one object association with bk_obj_asst_id id in
// the caller's scope: none → 1101046, several (one per supplier) → 1101062.
// It is read locked (ObjAsstsNamed): the creates of instance associations
// under it, its only callers, queue there.
func findObjAsst(tx cmdb.Tx, c Caller, id string) (*cmdb.ObjectAssociation, error) {
	all, err := tx.ObjAsstsNamed(id, true)
	if err != nil {
		return nil, err
	}
	var hit *cmdb.ObjectAssociation
	for i := range all {
		if all[i].ObjAsstID == id && visible(all[i].Supplier, c.Supplier) {
			if hit != nil {
				return nil, cmdb.Errorf(cmdb.CodeObjectAssociationNotUnique)
			}
			hit = &all[i]
		}
	}
	if hit == nil {
		return nil, cmdb.Errorf(cmdb.CodeObjectAssociationNotExist)
	}
	return hit, nil
}

// mappingViolation checks the mapping rule of associations.md §0.5 for a new
// row src→dst under a: 1:1 allows one row per source and per target, 1:n one
// row per target; anything else has no limit.
func mappingViolation(tx cmdb.Tx, scope cmdb.Scope, a *cmdb.ObjectAssociation, src, dst int64) (*cmdb.Error, error) {
	switch a.Mapping {
	case "1:1":
		taken, err := tx.InstAsstTaken(scope, a.ObjAsstID, src, -1)
		if err != nil || taken {
			return cmdb.Errorf(cmdb.CodeCreateMultipleInstancesForOneToOneAssociation), err
		}
		taken, err = tx.InstAsstTaken(scope, a.ObjAsstID, -1, dst)
		if err != nil || taken {
			return cmdb.Errorf(cmdb.CodeCreateMultipleInstancesForOneToOneAssociation), err
		}
	case "1:n":
		taken, err := tx.InstAsstTaken(scope, a.ObjAsstID, -1, dst)
		if err != nil || taken {
			return cmdb.Errorf(cmdb.CodeCreateMultipleInstancesForOneToManyAssociation), err
		}
	}
	return nil, nil
}

// instanceExists reports whether objID has an instance id in scope.
func instanceExists(tx cmdb.Tx, scope cmdb.Scope, objID string, id int64) (bool, error) {
	m, err := tx.ExistingInstances(scope, objID, []int64{id})
	return m[id], err
}

// AddInstAsstInput is add_instance_association's body.
type AddInstAsstInput struct {
	ObjAsstID  string `json:"bk_obj_asst_id"`
	InstID     int64  `json:"bk_inst_id"`
	AsstInstID int64  `json:"bk_asst_inst_id"`
}

// AddInstAsst answers add_instance_association, in bk-cmdb's check order:
// association, mapping (so an exact duplicate under 1:1 or 1:n reports the
// mapping error), duplicate, instances. The checks and the insert are one
// transaction holding the object association's lock, so racing creates
// cannot both win.
func (s *Service) AddInstAsst(ctx context.Context, c Caller, in AddInstAsstInput) (int64, error) {
	var id int64
	scope := cmdb.ScopeOf(c.Supplier)
	defer s.asstTurn(c.Supplier, in.ObjAsstID)()
	err := s.update(ctx, func(tx cmdb.Tx) error {
		a, err := findObjAsst(tx, c, in.ObjAsstID)
		if err != nil {
			return err
		}
		if bad, err := mappingViolation(tx, scope, a, in.InstID, in.AsstInstID); bad != nil || err != nil {
			return firstErr(err, bad)
		}
		dup, err := tx.InstAsstTaken(scope, a.ObjAsstID, in.InstID, in.AsstInstID)
		if err != nil {
			return err
		}
		if dup {
			return cmdb.Errorf(cmdb.CodeDuplicateItem, "association")
		}
		if ok, err := instanceExists(tx, scope, a.ObjID, in.InstID); err != nil || !ok {
			return firstErr(err, cmdb.Errorf(cmdb.CodeAsstInstIsNotExist))
		}
		if ok, err := instanceExists(tx, scope, a.AsstObjID, in.AsstInstID); err != nil || !ok {
			return firstErr(err, cmdb.Errorf(cmdb.CodeInstToAsstIsNotExist))
		}
		row := &cmdb.InstAssociation{InstID: in.InstID, ObjID: a.ObjID, AsstInstID: in.AsstInstID,
			AsstObjID: a.AsstObjID, Supplier: c.Supplier, ObjAsstID: a.ObjAsstID, AsstID: a.AsstID}
		if row.ID, err = tx.NextID("cc_InstAsst"); err != nil {
			return err
		}
		id = row.ID
		return conflictAs(tx.InsertInstAsst(row), cmdb.Errorf(cmdb.CodeDuplicateItem, "association"))
	})
	return id, err
}

// firstErr returns err when set, else the domain error.
func firstErr(err error, domain *cmdb.Error) error {
	if err != nil {
		return err
	}
	return domain
}

// BatchInstAsstInput is batch_create_instance_association's body.
type BatchInstAsstInput struct {
	ObjAsstID string `json:"bk_obj_asst_id"`
	ObjID     string `json:"bk_obj_id"`
	AsstObjID string `json:"bk_asst_obj_id"`
	Details   []struct {
		InstID     int64 `json:"bk_inst_id"`
		AsstInstID int64 `json:"bk_asst_inst_id"`
	} `json:"details"`
}

// BatchResult is the per-item answer of the batch creates.
type BatchResult struct {
	Created map[string]int64  `json:"success_created"`
	Errors  map[string]string `json:"error_msg"`
	// keyOf maps a planned row's id to its item's key.
	keyOf map[int64]string
}

// MaxBatchDetails is the most items one batch create takes.
const MaxBatchDetails = 200

// BatchCreateInstAsst answers batch_create_instance_association. Items run
// in order, each seeing the ones before it; each item is one row, written
// whole or not at all, and every failure is reported per item.
func (s *Service) BatchCreateInstAsst(ctx context.Context, c Caller, in BatchInstAsstInput) (*BatchResult, error) {
	for _, f := range [][2]string{{"bk_obj_asst_id", in.ObjAsstID}, {"bk_obj_id", in.ObjID}, {"bk_asst_obj_id", in.AsstObjID}} {
		if f[1] == "" {
			return nil, cmdb.ErrInvalid(f[0])
		}
	}
	switch {
	case len(in.Details) == 0:
		return nil, cmdb.Errorf(cmdb.CodeInstDataNil, "details")
	case len(in.Details) > MaxBatchDetails:
		return nil, cmdb.Errorf(cmdb.CodeXXExceedLimit, "details", MaxBatchDetails)
	case !strings.HasPrefix(in.ObjAsstID, in.ObjID):
		// bk-cmdb slices the id and panics when bk_obj_id is the longer
		// one; cmdb answers the prefix error for that case too.
		return nil, cmdb.ErrParamsInvalid("bk_obj_id")
	case !strings.HasSuffix(in.ObjAsstID, in.AsstObjID):
		return nil, cmdb.ErrParamsInvalid("bk_asst_obj_id")
	}
	scope := cmdb.ScopeOf(c.Supplier)
	var res *BatchResult
	defer s.asstTurn(c.Supplier, in.ObjAsstID)()
	err := s.update(ctx, func(tx cmdb.Tx) error {
		res = &BatchResult{Created: map[string]int64{}, Errors: map[string]string{}, keyOf: map[int64]string{}}
		a, err := findObjAsst(tx, c, in.ObjAsstID)
		if err != nil {
			return err
		}
		// n:n in the caller's own supplier: the pairs present are left
		// to the insert to skip (InsertNewInstAssts) rather than read
		// first. With other suppliers in scope, a pair of supplier 0
		// counts as present for the caller but is no conflict for the
		// index (the caller's row would have another supplier): read.
		skipPresent := a.Mapping == "n:n" && len(scope) == 1 && scope[0] == c.Supplier
		rows, err := s.planBatch(tx, c, scope, a, in, res, !skipPresent)
		if err != nil || len(rows) == 0 {
			return err
		}
		if !skipPresent {
			return tx.InsertInstAssts(rows)
		}
		inserted, err := tx.InsertNewInstAssts(rows)
		if err != nil {
			return err
		}
		for i := range rows {
			if p := [2]int64{rows[i].InstID, rows[i].AsstInstID}; !inserted[p] {
				key := res.keyOf[rows[i].ID]
				delete(res.Created, key)
				res.Errors[key] = cmdb.Errorf(cmdb.CodeAssociationAlreadyExist, in.ObjID, in.AsstObjID).Message(c.Lang)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// planBatch decides every item of a batch in order, as if each were created
// before the next is checked, from a few set-based reads: the pairs already
// present, the instances at both ends, and — for 1:1 and 1:n — the ends
// already taken. It returns the rows to insert and fills res.
//
// Without readPairs the pairs already present are not read (the caller
// skips them at the insert): the plan then only knows the batch's own
// earlier items, so an item whose pair is present but whose instance is
// gone (a dangling row) reports the missing instance rather than the pair.
func (s *Service) planBatch(tx cmdb.Tx, c Caller, scope cmdb.Scope, a *cmdb.ObjectAssociation,
	in BatchInstAsstInput, res *BatchResult, readPairs bool) ([]cmdb.InstAssociation, error) {
	pairs := make([][2]int64, len(in.Details))
	for i, d := range in.Details {
		pairs[i] = [2]int64{d.InstID, d.AsstInstID}
	}
	taken := map[[2]int64]bool{}
	var err error
	if readPairs {
		if taken, err = tx.InstAsstPairsTaken(scope, a.ObjAsstID, pairs); err != nil {
			return nil, err
		}
	}
	srcSeen, dstSeen, err := tx.ExistingEnds(scope, in.ObjID, detailIDs(in, true), in.AsstObjID, detailIDs(in, false))
	if err != nil {
		return nil, err
	}
	srcTaken, dstTaken := map[int64]bool{}, map[int64]bool{}
	if a.Mapping == "1:1" {
		if srcTaken, err = tx.InstAsstEndsTaken(scope, a.ObjAsstID, true, detailIDs(in, true)); err != nil {
			return nil, err
		}
	}
	if a.Mapping == "1:1" || a.Mapping == "1:n" {
		if dstTaken, err = tx.InstAsstEndsTaken(scope, a.ObjAsstID, false, detailIDs(in, false)); err != nil {
			return nil, err
		}
	}
	var rows []cmdb.InstAssociation
	for i, d := range in.Details {
		p := pairs[i]
		var itemErr *cmdb.Error
		switch {
		case taken[p]:
			itemErr = cmdb.Errorf(cmdb.CodeAssociationAlreadyExist, in.ObjID, in.AsstObjID)
		case !srcSeen[d.InstID]:
			itemErr = cmdb.Errorf(cmdb.CodeAsstInstIsNotExist)
		case !dstSeen[d.AsstInstID]:
			itemErr = cmdb.Errorf(cmdb.CodeInstToAsstIsNotExist)
		case a.Mapping == "1:1" && (srcTaken[d.InstID] || dstTaken[d.AsstInstID]):
			itemErr = cmdb.Errorf(cmdb.CodeCreateMultipleInstancesForOneToOneAssociation)
		case a.Mapping == "1:n" && dstTaken[d.AsstInstID]:
			itemErr = cmdb.Errorf(cmdb.CodeCreateMultipleInstancesForOneToManyAssociation)
		}
		key := strconv.Itoa(i)
		if itemErr != nil {
			res.Errors[key] = itemErr.Message(c.Lang)
			continue
		}
		id, err := tx.NextID("cc_InstAsst")
		if err != nil {
			return nil, err
		}
		rows = append(rows, cmdb.InstAssociation{ID: id, InstID: d.InstID, ObjID: in.ObjID, AsstInstID: d.AsstInstID,
			AsstObjID: in.AsstObjID, Supplier: c.Supplier, ObjAsstID: a.ObjAsstID, AsstID: a.AsstID})
		res.Created[key] = id
		res.keyOf[id] = key
		taken[p], srcTaken[d.InstID], dstTaken[d.AsstInstID] = true, true, true
	}
	return rows, nil
}

func detailIDs(in BatchInstAsstInput, source bool) []int64 {
	ids := make([]int64, len(in.Details))
	for i, d := range in.Details {
		if source {
			ids[i] = d.InstID
		} else {
			ids[i] = d.AsstInstID
		}
	}
	return ids
}

// DeleteInstAsst answers delete_instance_association: the row must involve
// objID; anything else (unknown id, other model) is a successful no-op.
func (s *Service) DeleteInstAsst(ctx context.Context, c Caller, objID string, id int64) error {
	scope := cmdb.ScopeOf(c.Supplier)
	return s.update(ctx, func(tx cmdb.Tx) error {
		row, err := tx.InstAsstByID(scope, id)
		if err != nil || row == nil || (row.ObjID != objID && row.AsstObjID != objID) {
			return err
		}
		_, err = tx.DeleteInstAssts(scope, []int64{row.ID})
		return err
	})
}

// MaxDeleteIDs is the most rows delete_related_inst_asso takes.
const MaxDeleteIDs = 500

// DeleteRelatedInstAssts answers delete_related_inst_asso: deletes the rows
// among ids that involve objID and returns how many went.
func (s *Service) DeleteRelatedInstAssts(ctx context.Context, c Caller, objID string, ids []int64) (int64, error) {
	switch {
	case len(ids) == 0:
		return 0, cmdb.Errorf(cmdb.CodeHTTPInputInvalid)
	case len(ids) > MaxDeleteIDs:
		return 0, cmdb.Errorf(cmdb.CodePageLimitIsExceeded)
	case objID == "":
		return 0, cmdb.ErrUnassigned("bk_obj_id")
	}
	scope := cmdb.ScopeOf(c.Supplier)
	var n int64
	err := s.update(ctx, func(tx cmdb.Tx) error {
		var del []int64
		for _, id := range ids {
			row, err := tx.InstAsstByID(scope, id)
			if err != nil {
				return err
			}
			if row != nil && (row.ObjID == objID || row.AsstObjID == objID) {
				del = append(del, row.ID)
			}
		}
		if len(del) == 0 {
			return nil
		}
		var err error
		n, err = tx.DeleteInstAssts(scope, dedupe(del))
		return err
	})
	return n, err
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
