//go:build !unix

package service

import (
	"math"
	"sync/atomic"
)

// Without mappings, answers live on the heap (see asstcache_mem_unix.go).

// offHeapMin: no chunk is mapped.
const offHeapMin = math.MaxInt

func allocChunk(n int, _ *atomic.Int64) []byte { return make([]byte, 0, n) }

func freeChunk([]byte, *atomic.Int64) {}
