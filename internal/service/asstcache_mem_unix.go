//go:build unix

package service

import (
	"os"
	"sync/atomic"
	"syscall"
)

// Answers of the cache live outside the Go heap (anonymous mappings), as
// in fastcache: the garbage collector's pace follows the live heap, so
// 64 MiB of cached answers on the heap would let the heap grow by another
// 64 MiB of garbage before each collection. An answer is unmapped when it
// has left the cache and no hit is writing it any more (cacheEntry.refs).

// offHeapMin is the smallest chunk taken outside the heap (a mapping costs
// a page at least, and a system call).
const offHeapMin = 64 << 10

var pageSize = os.Getpagesize()

// allocChunk returns an empty slice of capacity n or more: mapped memory
// for large chunks (counted in mapped), heap memory for small ones (or when
// mapping fails).
func allocChunk(n int, mapped *atomic.Int64) []byte {
	if n < offHeapMin {
		return make([]byte, 0, n)
	}
	n = (n + pageSize - 1) / pageSize * pageSize
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, 0, n)
	}
	mapped.Add(int64(n))
	return b[:0]
}

// freeChunk gives back a chunk allocChunk returned; b must not be used
// afterwards. Heap chunks are left to the collector.
func freeChunk(b []byte, mapped *atomic.Int64) {
	if cap(b) < offHeapMin {
		return
	}
	if syscall.Munmap(b[:cap(b)]) == nil {
		mapped.Add(-int64(cap(b)))
	}
}
