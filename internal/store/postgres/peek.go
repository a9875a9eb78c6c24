package postgres

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
)

// peeks shares version reads between concurrent cache hits of one model
// (PeekInstAsstVersion). A hit may only use a read that began after the hit
// itself did: then the read's snapshot holds every write acknowledged
// before the hit began. So a hit that finds a read of its key running
// (begun earlier) waits for the next one, which begins when the running
// one ends and serves every hit that came meanwhile: at most one read per
// key runs, and one more is waited for, however many hits arrive.
type peeks struct {
	mu      sync.Mutex
	running map[string]*peekRead
	next    map[string]*peekRead
}

// peekRead is one read of a version; done is closed once v and err are set.
type peekRead struct {
	done chan struct{}
	v    int64
	err  error
}

func peekKey(scope cmdb.Scope, objID string) string {
	if scope == nil {
		return "*\x00" + objID
	}
	return strings.Join(scope, "\x01") + "\x00" + objID
}

// do returns the result of a read of key begun after the call began.
func (p *peeks) do(ctx context.Context, key string, read func() (int64, error)) (int64, error) {
	p.mu.Lock()
	if p.running == nil {
		p.running, p.next = map[string]*peekRead{}, map[string]*peekRead{}
	}
	cur := p.running[key]
	if cur == nil {
		r := &peekRead{done: make(chan struct{})}
		p.running[key] = r
		p.mu.Unlock()
		return p.run(key, r, read)
	}
	r := p.next[key]
	leader := r == nil
	if leader {
		r = &peekRead{done: make(chan struct{})}
		p.next[key] = r
	}
	p.mu.Unlock()
	if !leader {
		select {
		case <-r.done:
			return r.v, r.err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	// The next read's leader: it begins once the running one is over
	// (the followers joined it before that, hence before it begins).
	<-cur.done
	p.mu.Lock()
	delete(p.next, key)
	p.running[key] = r
	p.mu.Unlock()
	return p.run(key, r, read)
}

func (p *peeks) run(key string, r *peekRead, read func() (int64, error)) (int64, error) {
	r.v, r.err = read()
	p.mu.Lock()
	if p.running[key] == r {
		delete(p.running, key)
	}
	p.mu.Unlock()
	close(r.done)
	return r.v, r.err
}

// peekTimeout bounds a shared version read: a hit whose read fails answers
// from a transaction of its own instead.
const peekTimeout = 5 * time.Second
