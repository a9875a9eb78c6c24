package service

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
)

// The disk tier of the answer cache keeps large answers in files, one per
// entry, in a directory of this process's own, so that a hit is sent by
// the kernel from its page cache (sendfile(2): see cacheEntry.writeFile)
// and the answers need not fit in the process's memory. What makes it
// exact is unchanged: an entry is found by its key and served only at
// exactly its version (peek, lookup); a file is written completely and
// closed before its entry is stored (capture.finish), and never written
// again; an entry that leaves the cache (evicted, stale, replaced) has its
// file unlinked — a hit that opened it before reads it to the end, as
// unlink-while-open allows on Unix — and a file name is never used twice
// (a counter, within the process's own directory), so a name always means
// the one answer its entry was stored with.
//
// Directories are never shared between processes: each cache makes
// DIR/run-PID-RANDOM and holds an exclusive flock(2) on DIR/run-PID-RANDOM.lock
// for its life; at start, the run directories of earlier runs — those whose
// lock nobody holds any more — are removed, and Close (or the cache being
// garbage collected) removes its own. Creation and that sweep hold
// DIR/.lock, so that a sweep never sees a run half made.

// AnswerCacheConfig configures OpenAnswerCache.
type AnswerCacheConfig struct {
	// MaxBytes is the memory budget (NewAnswerCache); ≤ 0: no cache at
	// all, disk tier included.
	MaxBytes int64
	// Dir is where the disk tier keeps its files (in a directory of the
	// process's own under it); empty: no disk tier.
	Dir string
	// DiskBytes is the disk tier's budget; ≤ 0: no disk tier.
	DiskBytes int64
	// DiskMin: answers of at least DiskMin bytes go to the disk tier, the
	// smaller ones stay in memory; 0 means DefaultAnswerCacheDiskMin.
	DiskMin int64
	// DiskFirst sends every answer of DiskMin bytes or more to the disk
	// tier. By default such an answer stays in memory while the memory
	// budget has room for it, and goes to disk once it has not: a hit
	// from memory costs less (one write; a file hit reads the page
	// cache), and the disk tier is for room.
	DiskFirst bool
}

// DefaultAnswerCacheDiskBytes is the default budget of the disk tier.
const DefaultAnswerCacheDiskBytes = 1 << 30

// DefaultAnswerCacheDiskMin is the size from which answers go to the disk
// tier. A hit from a file costs an open(2), a close(2) and, for net/http's
// first 512 bytes, a read(2) besides the sendfile(2); a hit from memory is
// one write. Measured with bench/load (2 cores, hits only, cmdb CPU per
// request): answers of ~1 KB 39 µs from memory, 49 µs from files; ~10 KB
// 35 and 52 µs; ~32 KB and ~64 KB 41 and 46 µs; ~410 KB 132 and 143 µs.
// So memory stays the cheaper place for an answer that fits, by a margin
// that matters for small ones, while the disk tier's worth is room: the
// large answers, which would crowd the memory budget out and grow the
// process's resident memory, go to files; the small ones, many of which
// fit in little memory, stay there.
const DefaultAnswerCacheDiskMin = 64 << 10

// diskBlock is the unit in which files are counted in the disk budget.
const diskBlock = 4096

// ErrAnswerCacheDiskUnsupported is OpenAnswerCache's error on systems
// without the disk tier (it needs flock(2) and unlink-while-open).
var ErrAnswerCacheDiskUnsupported = errors.New("answer cache: no disk tier on this system")

// OpenAnswerCache returns a cache of cfg, nil when cfg.MaxBytes ≤ 0. When
// the disk tier cannot be made (its directory cannot be created, or the
// system has none), it returns a cache in memory only and the error.
func OpenAnswerCache(cfg AnswerCacheConfig) (*AnswerCache, error) {
	if cfg.MaxBytes <= 0 {
		return nil, nil
	}
	if cfg.Dir == "" || cfg.DiskBytes <= 0 {
		return NewAnswerCache(cfg.MaxBytes), nil
	}
	if cfg.DiskMin <= 0 {
		cfg.DiskMin = DefaultAnswerCacheDiskMin
	}
	d, err := openDiskTier(cfg.Dir, cfg.DiskBytes, cfg.DiskMin)
	if err != nil {
		return NewAnswerCache(cfg.MaxBytes), err
	}
	d.first = cfg.DiskFirst
	return newAnswerCache(cfg.MaxBytes, d), nil
}

// diskTier is the answer cache's disk tier.
type diskTier struct {
	dir      string   // this run's directory
	lockPath string   // its lock file, locked by lock
	lock     *os.File //
	max      int64    // byte budget of the files
	maxEntry int64    // largest file (data + key)
	min      int64    // smallest answer kept here (DiskMin)
	first    bool     // DiskFirst

	// head is the ring of the tier's entries (as AnswerCache.head); used
	// their bytes, entries their number. Under the cache's lock.
	head    *cacheEntry
	used    int64
	entries int

	// capturing is the bytes of the files being written; it may not pass
	// max/2.
	capturing atomic.Int64
	seq       atomic.Uint64 // names the files
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

func newDiskTier(dir, lockPath string, lock *os.File, maxBytes, minBytes int64) *diskTier {
	d := &diskTier{dir: dir, lockPath: lockPath, lock: lock, max: maxBytes, maxEntry: maxBytes / 2, min: minBytes,
		head: &cacheEntry{}}
	d.head.prev, d.head.next = d.head, d.head
	return d
}

var errDiskClosed = errors.New("answer cache: disk tier closed")

// create makes a new file for an answer; its name is the next number.
func (d *diskTier) create() (*os.File, string, error) {
	if d.closed.Load() {
		return nil, "", errDiskClosed
	}
	path := filepath.Join(d.dir, strconv.FormatUint(d.seq.Add(1), 10))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	return f, path, err
}

// close removes the run's directory and its lock (once).
func (d *diskTier) close() error {
	d.closeOnce.Do(func() {
		d.closed.Store(true)
		d.closeErr = os.RemoveAll(d.dir)
		os.Remove(d.lockPath)
		if d.lock != nil {
			d.lock.Close()
		}
	})
	return d.closeErr
}

// DiskDir is the directory of the cache's own files, "" without a disk
// tier.
func (c *AnswerCache) DiskDir() string {
	if c == nil {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disk == nil {
		return ""
	}
	return c.disk.dir
}

// Close ends the disk tier: its entries leave the cache and its directory
// is removed (hits writing a file out finish it). The cache goes on in
// memory only. Close of a cache without a disk tier does nothing.
func (c *AnswerCache) Close() error {
	if c == nil {
		return nil
	}
	var g garbage
	c.mu.Lock()
	d := c.disk
	if d == nil {
		c.mu.Unlock()
		return nil
	}
	d.closed.Store(true)
	for e := d.head.next; e != d.head; {
		next := e.next
		c.remove(e, &g)
		e = next
	}
	c.disk = nil
	c.mu.Unlock()
	c.free(&g)
	return d.close()
}
