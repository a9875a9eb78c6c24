package service

import "sync"

// keyedMutex is a set of mutexes by key, each held while in use and
// dropped once nobody holds or waits for it.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*turn
}

type turn struct {
	sync.Mutex
	users int
}

// lock waits for key's turn and returns the function that ends it.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*turn{}
	}
	t := k.m[key]
	if t == nil {
		t = &turn{}
		k.m[key] = t
	}
	t.users++
	k.mu.Unlock()
	t.Lock()
	return func() {
		t.Unlock()
		k.mu.Lock()
		if t.users--; t.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// asstTurn queues the creates of instance associations of one model
// association on this node, one transaction at a time. It is for speed
// only: the transactions lock the model association's row themselves
// (ObjAsstsNamed), which is what keeps the mapping rules across nodes. On
// PostgreSQL a transaction's snapshot is taken before it waits for that
// row, so two of one node's creates that wait for each other there read
// what the other wrote as a serialisation conflict, and the later one is
// run again after a backoff; queueing them before the transaction begins
// avoids that.
func (s *Service) asstTurn(supplier, objAsstID string) (unlock func()) {
	return s.asstTurns.lock(supplier + "\x00" + objAsstID)
}
