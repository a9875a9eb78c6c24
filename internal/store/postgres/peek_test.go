package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPeeksShareOnlyLaterReads: concurrent callers of one key share reads,
// but every caller gets the result of a read that began after it called
// (the clock ticks at each call and at each read's start; a read returns
// its start tick), and far fewer reads run than calls are made.
func TestPeeksShareOnlyLaterReads(t *testing.T) {
	var p peeks
	var clock, reads atomic.Int64
	read := func() (int64, error) {
		start := clock.Add(1)
		reads.Add(1)
		time.Sleep(200 * time.Microsecond)
		return start, nil
	}
	var wg sync.WaitGroup
	var calls atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"a", "b"}[g%2]
			for i := 0; i < 300; i++ {
				called := clock.Add(1)
				calls.Add(1)
				v, err := p.do(context.Background(), key, read)
				if err != nil {
					t.Error(err)
					return
				}
				if v <= called {
					t.Errorf("a read begun at %d answered a call made at %d", v, called)
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d calls, %d reads", calls.Load(), reads.Load())
	if reads.Load()*2 > calls.Load() {
		t.Errorf("%d reads for %d calls: not shared", reads.Load(), calls.Load())
	}
	if len(p.running) != 0 || len(p.next) != 0 {
		t.Errorf("left behind: %d running, %d next", len(p.running), len(p.next))
	}
}
