package service

import (
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// AnswerCache holds encoded find_instance_association answers (the JSON
// array of rows, the data part of the reply), so that a repeated query is
// answered without reading and encoding its rows again. It is exact:
//
//   - Every write of rows advances, in its own transaction, the versions of
//     the models at both ends of the rows written or deleted (the store does
//     it: cmdb.AssociationTx). A version never goes back.
//   - An entry is stored under the query (scope, model, condition: see
//     answerKey) and the version of the model's rows in the scope
//     (InstAsstVersion) read in the same snapshot as the rows it holds.
//   - Every read first reads the current version in its own snapshot (the
//     database's, on every node: nothing process-local is trusted) and is
//     served from an entry only when the entry has exactly that version.
//
// Of two snapshots one always contains the other, and versions only grow;
// so an entry is only ever served to a snapshot that sees the very rows it
// was built from, and a write acknowledged before a read began is in that
// read's snapshot, hence in its version.
//
// An answer is stored from the second time its query is asked (see
// lookup); entries live within a byte budget, least recently used first
// out, and none is larger than half of it.
//
// With a disk tier (asstcache_disk.go) the answers of DiskMin bytes or more
// are kept in files instead, within a budget of their own, and a hit is
// written from its file (sendfile(2) through net/http); the memory budget
// then holds the smaller answers and the ghosts. Keys, versions and the
// rules above are the same for both tiers.
type AnswerCache struct {
	max      int64 // byte budget of the entries in memory (ghosts included)
	maxEntry int64 // largest entry in memory (data + key)

	mu      sync.Mutex
	entries map[string]*cacheEntry
	head    *cacheEntry // LRU ring sentinel: head.next is the most recently used
	used    int64

	// disk is the disk tier, nil without one (or once closed); its ring
	// and byte count are under mu.
	disk *diskTier

	// capturing is the memory held by answers being captured; it may not
	// pass max/2, so that many large misses at once cannot grow the heap
	// without bound.
	capturing atomic.Int64

	// mapped is the memory of the answers outside the Go heap
	// (asstcache_mem_unix.go).
	mapped *atomic.Int64

	hits, misses, stale, stores, evictions, skipped atomic.Uint64
}

// DefaultAnswerCacheBytes is the default byte budget of the answer cache.
const DefaultAnswerCacheBytes = 64 << 20

// entryOverhead is what an entry costs besides its data and key.
const entryOverhead = 160

// cacheEntry is an answer (or a ghost). Only its place in the LRU ring
// changes once it is stored (under the cache's lock): a hit may still be
// writing it out after it left the cache.
type cacheEntry struct {
	key     string
	version int64
	// chunks hold the answer, in order, followed by tail (the envelope's
	// tail of the writer that streamed it, if any: see writeTo). An entry
	// of the disk tier has none: file holds answer and tail instead.
	chunks [][]byte
	file   string
	tail   string
	answer int64 // bytes of the answer (tail excluded)
	size   int64 // accounted bytes: chunk capacities, key, overhead
	// ghost: the answer is not held, only its size (see lookup).
	ghost      bool
	prev, next *cacheEntry
	// refs counts the hits writing the answer out (of the disk tier: the
	// hits about to open its file); dropped: the entry left the cache. The
	// chunks are freed, the file unlinked, when both hold (garbage). Both
	// under the cache's lock.
	refs    int
	dropped bool
}

// NewAnswerCache returns a cache of at most maxBytes of answers, or nil
// (no cache: every read runs its query) when maxBytes ≤ 0. An answer larger
// than half the budget is never stored.
func NewAnswerCache(maxBytes int64) *AnswerCache { return newAnswerCache(maxBytes, nil) }

// newAnswerCache returns a cache with the disk tier disk (nil: none).
func newAnswerCache(maxBytes int64, disk *diskTier) *AnswerCache {
	if maxBytes <= 0 {
		return nil
	}
	c := &AnswerCache{max: maxBytes, maxEntry: maxBytes / 2, entries: map[string]*cacheEntry{}, head: &cacheEntry{},
		mapped: &atomic.Int64{}, disk: disk}
	c.head.prev, c.head.next = c.head, c.head
	// A cache that is dropped (tests, a server made again) frees its
	// answers and removes its disk tier: nothing of it is in use any more.
	// (The entries, the sentinel, the counter and the disk tier do not
	// point back to c.)
	type held struct {
		entries map[string]*cacheEntry
		mapped  *atomic.Int64
		disk    *diskTier
	}
	runtime.AddCleanup(c, func(h held) {
		for _, e := range h.entries {
			freeChunks(e.chunks, h.mapped)
		}
		if h.disk != nil {
			h.disk.close()
		}
	}, held{c.entries, c.mapped, disk})
	return c
}

// AnswerCacheStats are the cache's counters, for metrics.
type AnswerCacheStats struct {
	// Hits are answers served from the cache; Misses answers read from the
	// store, of which Stale found an entry of an older version.
	Hits, Misses, Stale uint64
	// Stores are answers stored; Skipped answers not stored (too large,
	// capture memory exhausted, or an entry of a newer version present);
	// Evictions entries dropped for room.
	Stores, Skipped, Evictions uint64
	// Entries (ghosts included) and Bytes are the cache's content now;
	// MaxBytes its budget; OffHeap the part of the memory it holds (answers
	// being written out or captured included) outside the Go heap.
	Entries                  int
	Bytes, MaxBytes, OffHeap int64
	// DiskEntries and DiskBytes are the part of Entries in the disk tier
	// and the bytes of its files (counted in 4 KiB blocks, plus the key and
	// overhead); DiskMaxBytes its budget, 0 without a disk tier.
	DiskEntries             int
	DiskBytes, DiskMaxBytes int64
}

// Stats returns the counters.
func (c *AnswerCache) Stats() AnswerCacheStats {
	c.mu.Lock()
	n, used := len(c.entries), c.used
	var dn int
	var dused, dmax int64
	if d := c.disk; d != nil {
		dn, dused, dmax = d.entries, d.used, d.max
	}
	c.mu.Unlock()
	return AnswerCacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Stale: c.stale.Load(),
		Stores: c.stores.Load(), Skipped: c.skipped.Load(), Evictions: c.evictions.Load(),
		Entries: n, Bytes: used, MaxBytes: c.max, OffHeap: c.mapped.Load(),
		DiskEntries: dn, DiskBytes: dused, DiskMaxBytes: dmax}
}

// lookup returns the answer of key built at version (a hit), or nil and a
// capture for the read's answer. An answer is captured (to be stored) only
// when it goes to the disk tier, or when the key was asked for before — an entry of an older version, or a
// ghost: the size of a recent answer that was not stored — and that answer
// was not too large; so a query asked once costs no copy, and a query whose
// answer is too large is not copied again and again for nothing. Entries
// are never modified (a hit may still be writing one out): a stale entry is
// replaced by a ghost.
func (c *AnswerCache) lookup(key string, version int64) (*cacheEntry, *capture) {
	var g garbage
	defer c.free(&g)
	c.mu.Lock()
	defer c.mu.Unlock()
	p := &capture{c: c, key: key, version: version}
	e := c.entries[key]
	switch {
	case e == nil:
		c.misses.Add(1)
		if d := c.disk; d != nil {
			// With a disk tier, a large answer is stored the first
			// time it is asked for (disk room is cheap, and a miss of a
			// large answer is what costs): the capture copies it and
			// keeps it only if it reaches the disk tier (finish).
			p.admit, p.disk, p.diskOnly = true, d, true
		}
		return nil, p
	case e.version == version && !e.ghost:
		c.unlink(e)
		c.pushFront(e)
		e.refs++ // until done
		c.hits.Add(1)
		return e, nil
	case e.version > version:
		// An entry of a newer version than this read's snapshot: the
		// read answers from its own snapshot and leaves the entry alone.
		c.misses.Add(1)
		p.dead = true
		return nil, p
	}
	c.misses.Add(1)
	c.remove(e, &g)
	if !e.ghost {
		// Stale: it can never be served again.
		c.stale.Add(1)
		e = &cacheEntry{key: key, version: e.version, answer: e.answer, size: int64(len(key)) + entryOverhead, ghost: true}
	}
	c.insert(e)
	overhead := int64(len(key)) + entryOverhead
	p.admit = e.answer <= c.maxEntry-overhead
	p.hint = e.answer
	if d := c.disk; d != nil && e.answer <= d.maxEntry-overhead {
		// The disk tier takes it: at once when it was large, else
		// when it grows large (capture.write).
		p.admit, p.disk = true, d
		p.toDisk = e.answer > c.maxEntry-overhead || e.answer >= d.min && !c.memoryRoomLocked(e.answer)
	}
	return nil, p
}

// memoryRoomLocked reports whether n more bytes fit the memory budget
// without evicting (c.mu held): a large answer goes to the disk tier only
// when memory is short, since a hit from memory costs less (a write, no
// file to read).
func (c *AnswerCache) memoryRoomLocked(n int64) bool {
	return !c.disk.first && c.used+c.capturing.Load()+n <= c.max
}

// peek returns the entry of key at exactly version, as lookup does on a hit,
// or nil; a nil result counts nothing (the caller goes on to lookup).
func (c *AnswerCache) peek(key string, version int64) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil || e.ghost || e.version != version {
		return nil
	}
	c.unlink(e)
	c.pushFront(e)
	e.refs++ // until done
	c.hits.Add(1)
	return e
}

// store adds an entry unless one of a newer version is present (a ghost
// never replaces an answer of its own version), then evicts the least
// recently used entries until the budget holds.
func (c *AnswerCache) store(e *cacheEntry) {
	var g garbage
	defer c.free(&g)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.file != "" && (c.disk == nil || c.disk.closed.Load()) {
		// Its disk tier was closed while it was captured.
		c.skipped.Add(1)
		g.add(e)
		return
	}
	if old := c.entries[e.key]; old != nil {
		if old.version > e.version || e.ghost && !old.ghost && old.version == e.version {
			if !e.ghost {
				c.skipped.Add(1)
				g.add(e)
			}
			return
		}
		c.remove(old, &g)
	}
	c.insert(e)
	if !e.ghost {
		c.stores.Add(1)
	}
	for c.used > c.max && c.head.prev != c.head {
		c.remove(c.head.prev, &g)
		c.evictions.Add(1)
	}
	if d := c.disk; d != nil {
		for d.used > d.max && d.head.prev != d.head {
			c.remove(d.head.prev, &g)
			c.evictions.Add(1)
		}
	}
}

// insert adds e (not in the cache) as the most recently used entry.
func (c *AnswerCache) insert(e *cacheEntry) {
	c.entries[e.key] = e
	c.pushFront(e)
	if e.file != "" {
		c.disk.used += e.size
		c.disk.entries++
	} else {
		c.used += e.size
	}
}

// remove takes e out of the cache; its chunks or file are added to g when
// no hit is writing them.
func (c *AnswerCache) remove(e *cacheEntry, g *garbage) {
	c.unlink(e)
	delete(c.entries, e.key)
	if e.file != "" {
		c.disk.used -= e.size
		c.disk.entries--
	} else {
		c.used -= e.size
	}
	e.dropped = true
	if e.refs == 0 {
		g.add(e)
	}
}

// done ends a hit on e (lookup): the last hit on an entry that left the
// cache frees its chunks or unlinks its file.
func (c *AnswerCache) done(e *cacheEntry) {
	c.mu.Lock()
	e.refs--
	last := e.refs == 0 && e.dropped
	c.mu.Unlock()
	if last {
		var g garbage
		g.add(e)
		c.free(&g)
	}
}

// garbage is what entries that left the cache held, freed once the
// cache's lock is released.
type garbage struct {
	chunks [][]byte
	files  []string
}

func (g *garbage) add(e *cacheEntry) {
	g.chunks = append(g.chunks, e.chunks...)
	if e.file != "" {
		g.files = append(g.files, e.file)
	}
}

// free frees g's chunks and unlinks its files (hits that opened one go
// on reading it).
func (c *AnswerCache) free(g *garbage) {
	freeChunks(g.chunks, c.mapped)
	for _, f := range g.files {
		os.Remove(f)
	}
}

func freeChunks(chunks [][]byte, mapped *atomic.Int64) {
	for _, b := range chunks {
		freeChunk(b, mapped)
	}
}

func (c *AnswerCache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

// pushFront makes e the most recently used entry of its tier's ring.
func (c *AnswerCache) pushFront(e *cacheEntry) {
	head := c.head
	if e.file != "" {
		head = c.disk.head
	}
	e.prev, e.next = head, head.next
	head.next.prev = e
	head.next = e
}

// dataLengthSetter is a writer that can be told the length of the data
// before its first byte (api.Streamer: the reply's Content-Length).
type dataLengthSetter interface{ SetDataLength(n int64) }

// tailWriter is a writer whose envelope tail the streamer may write itself,
// in the same Write as the end of its data (api.Streamer).
type tailWriter interface {
	EnvelopeTail() string
	TailWritten()
}

// writeTo writes the answer to w: with the tail it holds when w asks for
// that very tail (one Write less for the reply), else without.
func (e *cacheEntry) writeTo(w io.Writer) error {
	if ls, ok := w.(dataLengthSetter); ok {
		ls.SetDataLength(e.answer)
	}
	tw, withTail := w.(tailWriter)
	withTail = withTail && e.tail != "" && tw.EnvelopeTail() == e.tail
	left := e.answer // bytes of the answer still to write
	for _, b := range e.chunks {
		if !withTail {
			b = b[:min(int64(len(b)), left)]
			left -= int64(len(b))
		}
		if len(b) == 0 {
			continue
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if withTail {
		tw.TailWritten()
	}
	return nil
}

// writeFile writes the answer from f, its file opened for this write alone
// (at offset 0), with or without the tail as writeTo does. The bytes go
// through w's ReadFrom when it has one, as an *io.LimitedReader of f: from
// net/http's ResponseWriter, with a Content-Length set, that is sendfile(2)
// from the page cache to the socket (response.ReadFrom, TCPConn.ReadFrom),
// which reads from the file's own offset — hence a file opened per hit.
// (A copy through a buffer kept for the purpose — pread(2), then write(2) —
// was measured too, at 1,000,000 stored and 410 KB answers: 184–189 µs of
// CPU per hit against 145 µs with sendfile; reading from the page cache is
// most of either.)
func (e *cacheEntry) writeFile(w io.Writer, f *os.File) error {
	if ls, ok := w.(dataLengthSetter); ok {
		ls.SetDataLength(e.answer)
	}
	tw, withTail := w.(tailWriter)
	withTail = withTail && e.tail != "" && tw.EnvelopeTail() == e.tail
	n := e.answer
	if withTail {
		n += int64(len(e.tail))
	}
	src := &io.LimitedReader{R: f, N: n}
	// io.Copy hands src to w.ReadFrom when w has one (src has no WriteTo).
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	if src.N > 0 {
		return io.ErrUnexpectedEOF // the file is shorter than its entry says
	}
	if withTail {
		tw.TailWritten()
	}
	return nil
}

// answerHit is one read's hold on an entry it hit (peek, lookup): a memory
// entry held (refs) until close, or a disk entry's file opened for the
// read — the entry itself is let go at once, and its file may be unlinked
// (evicted, stale) while the read goes on with it.
type answerHit struct {
	c *AnswerCache
	e *cacheEntry
	f *os.File
}

// open takes over the hit on e (peek, lookup): it opens e's file, if any.
// When that fails (the file was removed behind the cache's back) the
// entry is dropped and the read must answer from the store.
func (c *AnswerCache) open(e *cacheEntry) (answerHit, error) {
	if e.file == "" {
		return answerHit{c: c, e: e}, nil
	}
	f, err := os.Open(e.file)
	c.done(e) // an open file keeps its bytes, whatever becomes of e
	if err != nil {
		c.discard(e)
		return answerHit{}, err
	}
	return answerHit{c: c, e: e, f: f}, nil
}

// writeTo writes the answer to w (cacheEntry.writeTo, writeFile).
func (h answerHit) writeTo(w io.Writer) error {
	if h.f != nil {
		return h.e.writeFile(w, h.f)
	}
	return h.e.writeTo(w)
}

// close ends the hit.
func (h answerHit) close() {
	if h.f != nil {
		h.f.Close()
		return
	}
	h.c.done(h.e)
}

// discard drops e if it is still in the cache.
func (c *AnswerCache) discard(e *cacheEntry) {
	var g garbage
	c.mu.Lock()
	if c.entries[e.key] == e {
		c.remove(e, &g)
		c.evictions.Add(1)
	}
	c.mu.Unlock()
	c.free(&g)
}

// Capture chunk sizes: the first chunk is the hint (the size of the
// answer's last version) and a little room, or minChunk; later ones double
// up to maxChunk.
const (
	minChunk = 32 << 10
	maxChunk = 4 << 20
)

// capture follows an answer as it is streamed: it counts its bytes and,
// when admitted, copies them to store the answer once complete — to memory
// chunks, or, with a disk tier, to a file of its own once the answer is
// (or was last time) DiskMin bytes or more. A nil capture ignores writes.
type capture struct {
	c        *AnswerCache
	key      string
	version  int64
	tail     string // stored after the answer (see cacheEntry)
	admit    bool   // copy the answer
	hint     int64  // size of the answer's last version, 0 if unknown
	chunks   [][]byte
	n        int64 // bytes of the answer so far
	reserved int64 // capacity taken from c.capturing
	dead     bool  // records nothing (gave up, or a newer entry exists)

	// disk is the disk tier the copy may go to (nil: memory only);
	// toDisk: it goes there from the first byte; spilled: it went there,
	// or tried to. f is the file being written (path its name), fileBytes
	// what it holds, all reserved in disk.capturing.
	disk     *diskTier
	diskOnly bool // a first ask: kept only if it is large (DiskMin)
	// memDecided: inMemory decided memory (stay in memory) once.
	memDecided, memory bool
	toDisk             bool
	spilled            bool
	f                  *os.File
	path               string
	fileBytes          int64
}

// inMemory decides, once, as the answer reaches the disk tier's size,
// whether its copy stays in memory (there is room for it, as far as it has
// grown and as large as it was last time) or spills to disk.
func (p *capture) inMemory() bool {
	if p.memDecided {
		return p.memory
	}
	p.memDecided = true
	p.c.mu.Lock()
	p.memory = p.c.memoryRoomLocked(max(p.hint, p.n) - p.reserved)
	p.c.mu.Unlock()
	return p.memory
}

// write follows p, giving the copy up when the answer grows past the
// largest entry or the capture memory (or disk) is exhausted.
func (p *capture) write(b []byte) {
	if p == nil || p.dead {
		return
	}
	p.n += int64(len(b))
	if !p.admit {
		return
	}
	if p.f == nil && p.disk != nil && !p.spilled && (p.toDisk || p.n >= p.disk.min && !p.inMemory()) {
		if p.spill(); !p.admit {
			return
		}
	}
	if p.f != nil {
		p.writeFile(b)
		return
	}
	for len(b) > 0 {
		last := len(p.chunks) - 1
		if last < 0 || len(p.chunks[last]) == cap(p.chunks[last]) {
			held := p.reserved
			size := min(max(held, minChunk), maxChunk)
			if last < 0 && p.hint > 0 {
				size = p.hint + p.hint/64 + 4096
			}
			size = min(size, p.c.maxEntry-held-int64(len(p.key)+len(p.tail))-entryOverhead)
			if size <= 0 || p.c.capturing.Add(size) > p.c.max/2 {
				if size > 0 {
					p.c.capturing.Add(-size)
				}
				if p.disk != nil && !p.spilled {
					// Too large for memory: on to disk.
					if p.spill(); p.f != nil {
						p.writeFile(b)
						return
					}
				}
				p.giveUp()
				return
			}
			ch := allocChunk(int(size), p.c.mapped)
			p.c.capturing.Add(int64(cap(ch)) - size)
			p.reserved += int64(cap(ch))
			p.chunks = append(p.chunks, ch)
			last++
		}
		ch := p.chunks[last]
		k := copy(ch[len(ch):cap(ch)], b)
		p.chunks[last] = ch[:len(ch)+k]
		b = b[k:]
	}
}

// spill moves the copy to a new file of the disk tier; when the file
// cannot be made the copy stays in memory and the disk tier is not tried
// again.
func (p *capture) spill() {
	p.spilled = true
	f, path, err := p.disk.create()
	if err != nil {
		return
	}
	p.f, p.path = f, path
	chunks := p.chunks
	for _, ch := range chunks {
		if p.writeFile(ch); !p.admit {
			return
		}
	}
	freeChunks(chunks, p.c.mapped)
	p.chunks = nil
	p.c.capturing.Add(-p.reserved)
	p.reserved = 0
}

// writeFile appends b to the file, giving the copy up when the file would
// pass the largest entry of the disk tier, the disk tier's capture budget
// is exhausted, or the write fails.
func (p *capture) writeFile(b []byte) {
	d := p.disk
	n := int64(len(b))
	if p.fileBytes+n > d.maxEntry-int64(len(p.key))-entryOverhead {
		p.giveUp()
		return
	}
	if d.capturing.Add(n) > d.max/2 {
		d.capturing.Add(-n)
		p.giveUp()
		return
	}
	p.fileBytes += n
	if _, err := p.f.Write(b); err != nil {
		p.giveUp()
	}
}

// giveUp stops copying the answer (it is still counted, for a ghost).
func (p *capture) giveUp() {
	p.freeCopy()
	p.admit = false
	p.c.skipped.Add(1)
}

// freeCopy frees the copy: chunks, or the file.
func (p *capture) freeCopy() {
	freeChunks(p.chunks, p.c.mapped)
	p.chunks = nil
	p.c.capturing.Add(-p.reserved)
	p.reserved = 0
	if p.f != nil {
		p.f.Close()
		os.Remove(p.path)
		p.disk.capturing.Add(-p.fileBytes)
		p.f, p.path, p.fileBytes = nil, "", 0
	}
}

// drop forgets the capture (the stream failed).
func (p *capture) drop() {
	if p == nil || p.dead {
		return
	}
	p.freeCopy()
	p.dead = true
}

// finish records the complete answer (the stream ended without an error):
// the answer itself, followed by its tail, when it was copied, else a ghost
// of its size. A file is complete (written and closed) before its entry is
// stored, hence before any read can find it.
func (p *capture) finish() {
	if p == nil || p.dead {
		return
	}
	answer := p.n
	if p.admit && p.diskOnly && p.f == nil && p.n < p.disk.min {
		// Asked for the first time and small: a ghost, as without a
		// disk tier.
		p.freeCopy()
		p.admit = false
	}
	if p.admit && p.tail != "" {
		p.write([]byte(p.tail)) // may give the copy up
	}
	p.dead = true
	overhead := int64(len(p.key)) + entryOverhead
	if !p.admit {
		p.c.store(&cacheEntry{key: p.key, version: p.version, answer: answer, size: overhead, ghost: true})
		return
	}
	if p.f != nil {
		f, path, n := p.f, p.path, p.fileBytes
		p.f, p.path, p.fileBytes = nil, "", 0
		err := f.Close()
		p.disk.capturing.Add(-n)
		if err != nil {
			os.Remove(path)
			p.c.skipped.Add(1)
			p.c.store(&cacheEntry{key: p.key, version: p.version, answer: answer, size: overhead, ghost: true})
			return
		}
		p.c.store(&cacheEntry{key: p.key, version: p.version, file: path, tail: p.tail, answer: answer,
			size: (n+diskBlock-1)/diskBlock*diskBlock + overhead})
		return
	}
	// A last chunk with much room left is copied to its size.
	if last := len(p.chunks) - 1; last >= 0 {
		if ch := p.chunks[last]; cap(ch)-len(ch) > cap(ch)/8 {
			p.chunks[last] = append(allocChunk(len(ch), p.c.mapped), ch...)
			freeChunk(ch, p.c.mapped)
		}
	}
	size := overhead
	for _, ch := range p.chunks {
		size += int64(cap(ch))
	}
	chunks := p.chunks // now the entry's
	p.chunks = nil
	p.c.capturing.Add(-p.reserved)
	p.reserved = 0
	p.c.store(&cacheEntry{key: p.key, version: p.version, chunks: chunks, tail: p.tail, answer: answer, size: size})
}
