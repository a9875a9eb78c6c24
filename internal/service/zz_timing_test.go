package service_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

type timingStore struct {
	cmdb.Store
	mu sync.Mutex
	t  map[string]time.Duration
}

type timingTx struct {
	cmdb.Tx
	s *timingStore
}

func (s *timingStore) add(k string, d time.Duration) {
	s.mu.Lock()
	s.t[k] += d
	s.mu.Unlock()
}
func (s *timingStore) Update(ctx context.Context, fn func(cmdb.Tx) error) error {
	st := time.Now()
	err := s.Store.Update(ctx, func(tx cmdb.Tx) error { return fn(timingTx{tx, s}) })
	s.add("Update(total)", time.Since(st))
	return err
}
func (s *timingStore) dump() {
	var ks []string
	for k := range s.t {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Fprintf(os.Stderr, "%-30s %v\n", k, s.t[k])
	}
}
func (t timingTx) ObjAssts() ([]cmdb.ObjectAssociation, error) {
	st := time.Now(); defer func() { t.s.add("ObjAssts", time.Since(st)) }()
	return t.Tx.ObjAssts()
}
func (t timingTx) LockObjAsst(a *cmdb.ObjectAssociation) error {
	st := time.Now(); defer func() { t.s.add("Lock", time.Since(st)) }()
	return t.Tx.LockObjAsst(a)
}
func (t timingTx) InstAsstPairsTaken(s cmdb.Scope, o string, p [][2]int64) (map[[2]int64]bool, error) {
	st := time.Now(); defer func() { t.s.add("Pairs", time.Since(st)) }()
	return t.Tx.InstAsstPairsTaken(s, o, p)
}
func (t timingTx) ExistingInstances(s cmdb.Scope, o string, ids []int64) (map[int64]bool, error) {
	st := time.Now(); defer func() { t.s.add("Existing", time.Since(st)) }()
	return t.Tx.ExistingInstances(s, o, ids)
}
func (t timingTx) InsertInstAssts(r []cmdb.InstAssociation) error {
	st := time.Now(); defer func() { t.s.add("Insert", time.Since(st)) }()
	return t.Tx.InsertInstAssts(r)
}
func (t timingTx) NextID(s string) (int64, error) {
	st := time.Now(); defer func() { t.s.add("NextID", time.Since(st)) }()
	return t.Tx.NextID(s)
}
