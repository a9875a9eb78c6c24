package service

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cacheTiers make the caches the exactness tests run against: answers in
// memory, and answers on disk — every one of them (DiskMin 1), in real
// files; the memory budget then holds the ghosts. A disk cache checks at
// the end of its test that its directory holds exactly its entries' files,
// and that Close removes it.
var cacheTiers = []struct {
	name string
	new  func(t testing.TB, maxBytes int64) *AnswerCache
}{
	{"memory", func(_ testing.TB, maxBytes int64) *AnswerCache { return NewAnswerCache(maxBytes) }},
	{"disk", func(t testing.TB, maxBytes int64) *AnswerCache {
		return newDiskCache(t, AnswerCacheConfig{MaxBytes: maxBytes, Dir: t.TempDir(), DiskBytes: maxBytes, DiskMin: 1, DiskFirst: true})
	}},
}

// newDiskCache opens a cache with a disk tier (the test is skipped on
// systems without one) and checks its files when the test ends.
func newDiskCache(t testing.TB, cfg AnswerCacheConfig) *AnswerCache {
	t.Helper()
	c, err := OpenAnswerCache(cfg)
	if errors.Is(err, ErrAnswerCacheDiskUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.DiskDir() == "" {
		t.Fatal("no disk tier")
	}
	t.Cleanup(func() {
		dir := c.DiskDir()
		if dir == "" {
			return // closed by the test
		}
		checkDiskFiles(t, c)
		if err := c.Close(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Close left %s: %v", dir, err)
		}
		if _, err := os.Stat(dir + ".lock"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Close left %s.lock: %v", dir, err)
		}
	})
	return c
}

// diskFiles lists the files of c's directory.
func diskFiles(t testing.TB, c *AnswerCache) []string {
	t.Helper()
	des, err := os.ReadDir(c.DiskDir())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, filepath.Join(c.DiskDir(), de.Name()))
	}
	slices.Sort(out)
	return out
}

// checkDiskFiles: with no read going on, c's directory holds exactly the
// files of its entries, each as long as its answer (and tail), and the
// disk tier's counts are theirs.
func checkDiskFiles(t testing.TB, c *AnswerCache) {
	t.Helper()
	c.mu.Lock()
	var want []string
	var used int64
	sizes := map[string]int64{}
	n := 0
	for _, e := range c.entries {
		if e.file != "" {
			want = append(want, e.file)
			sizes[e.file] = e.answer + int64(len(e.tail))
			used += e.size
			n++
		}
	}
	d := c.disk
	dused, dn := d.used, d.entries
	c.mu.Unlock()
	slices.Sort(want)
	if got := diskFiles(t, c); !slices.Equal(got, want) {
		t.Errorf("files %v, entries' files %v", got, want)
	}
	for f, size := range sizes {
		if fi, err := os.Stat(f); err != nil || fi.Size() != size {
			t.Errorf("%s: %v, size want %d", f, err, size)
		}
	}
	if dused != used || dn != n || d.capturing.Load() != 0 {
		t.Errorf("disk tier counts %d bytes, %d entries, %d capturing; the entries hold %d, %d",
			dused, dn, d.capturing.Load(), used, n)
	}
}

// storeAnswer stores answer under key at version (a ghost first when the
// key is new), as a stream would.
func storeAnswer(t testing.TB, c *AnswerCache, key string, version int64, answer []byte, tail string) {
	t.Helper()
	for range 2 {
		e, p := c.lookup(key, version)
		if e != nil {
			c.done(e)
			return
		}
		p.tail = tail
		for b := answer; len(b) > 0; b = b[min(len(b), 32<<10):] {
			p.write(b[:min(len(b), 32<<10)])
		}
		p.finish()
	}
	if e := c.peek(key, version); e == nil {
		t.Fatalf("%s@%d not stored", key, version)
	} else {
		c.done(e)
	}
}

// readHit reads the answer of key at version through a hit.
func readHit(t testing.TB, c *AnswerCache, key string, version int64) string {
	t.Helper()
	e := c.peek(key, version)
	if e == nil {
		t.Fatalf("%s@%d: no hit", key, version)
	}
	h, err := c.open(e)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	var b bytes.Buffer
	if err := h.writeTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func fileOf(c *AnswerCache, key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil {
		return e.file
	}
	return ""
}

func gone(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// TestAnswerCacheDiskFiles: an answer of the disk tier is a file of the
// cache's own directory; the file is unlinked when its entry is evicted,
// goes stale (a newer version) or is replaced, and when the cache is
// closed; a capture that ends after Close leaves no file; file names are
// a counter, never the request's.
func TestAnswerCacheDiskFiles(t *testing.T) {
	dir := t.TempDir()
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 1 << 20, Dir: dir, DiskBytes: 1 << 20, DiskMin: 1, DiskFirst: true})
	if filepath.Dir(c.DiskDir()) != dir || !strings.HasPrefix(filepath.Base(c.DiskDir()), "run-") {
		t.Fatalf("disk dir %s, want a run directory under %s", c.DiskDir(), dir)
	}
	answer := func(key string, v int64) []byte {
		return bytes.Repeat([]byte(fmt.Sprintf("<%s@%d>", key, v)), 100<<10/8)
	}
	storeAnswer(t, c, "../../a/b", 1, answer("a", 1), "}")
	fa := fileOf(c, "../../a/b")
	if fa == "" || filepath.Dir(fa) != c.DiskDir() || strings.Contains(filepath.Base(fa), "a") {
		t.Fatalf("file %q: want a numbered file in %s", fa, c.DiskDir())
	}
	if b, err := os.ReadFile(fa); err != nil || string(b) != string(answer("a", 1))+"}" {
		t.Fatalf("file holds %d bytes (%v), want the answer and its tail", len(b), err)
	}
	if got := readHit(t, c, "../../a/b", 1); got != string(answer("a", 1)) {
		t.Fatalf("hit: %d bytes", len(got))
	}
	checkDiskFiles(t, c)

	// Stale: a newer version's read drops the entry and its file.
	if e, p := c.lookup("../../a/b", 2); e != nil || p == nil {
		t.Fatal("version 2 hit version 1")
	} else {
		p.drop()
	}
	if !gone(fa) {
		t.Error("a stale entry's file was not removed")
	}
	checkDiskFiles(t, c)

	// Replaced: a newer version stored over an entry.
	storeAnswer(t, c, "k", 1, answer("k", 1), "")
	fk1 := fileOf(c, "k")
	e, p := c.lookup("k", 2)
	if e != nil {
		t.Fatal("hit")
	}
	p.write(answer("k", 2))
	p.finish()
	if fk2 := fileOf(c, "k"); fk2 == "" || fk2 == fk1 || !gone(fk1) {
		t.Errorf("replaced: file %s (old %s, removed %v)", fk2, fk1, gone(fk1))
	}
	checkDiskFiles(t, c)

	// Evicted: the budget (1 MiB) holds a few 100 KB answers.
	var files []string
	for i := range 20 {
		k := fmt.Sprint("e", i)
		storeAnswer(t, c, k, 1, answer(k, 1), "")
		files = append(files, fileOf(c, k))
	}
	st := c.Stats()
	if st.Evictions == 0 || st.DiskBytes > st.DiskMaxBytes || st.DiskEntries == 0 {
		t.Fatalf("stats %+v", st)
	}
	if !gone(files[0]) || gone(files[19]) {
		t.Errorf("eviction: first file removed %v, last %v", gone(files[0]), gone(files[19]))
	}
	checkDiskFiles(t, c)

	// A capture under way when the cache closes stores nothing.
	e, p = c.lookup("e19", 2)
	if e != nil {
		t.Fatal("hit")
	}
	p.write(answer("e19", 2)[:50<<10])
	if p.f == nil {
		t.Fatal("the capture is not writing a file")
	}
	run := c.DiskDir()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !gone(run) || !gone(run+".lock") {
		t.Error("Close left the run's directory or lock")
	}
	p.write(answer("e19", 2)[50<<10:])
	p.finish()
	if st := c.Stats(); st.DiskEntries != 0 || st.DiskMaxBytes != 0 {
		t.Errorf("after Close: %+v", st)
	}
	// The cache goes on in memory.
	storeAnswer(t, c, "m", 1, []byte("[1]"), "")
	if got := readHit(t, c, "m", 1); got != "[1]" {
		t.Errorf("after Close: %q", got)
	}
	if des, _ := os.ReadDir(dir); len(des) != 1 || des[0].Name() != ".lock" {
		t.Errorf("left in %s: %v", dir, des)
	}
}

// TestAnswerCacheDiskHitSurvivesEviction: a hit keeps its answer when the
// entry is evicted — between peek and open (the file is unlinked only once
// the hit opened it) and after open (the open file is read to the end
// though its name is gone).
func TestAnswerCacheDiskHitSurvivesEviction(t *testing.T) {
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 1 << 20, Dir: t.TempDir(), DiskBytes: 1 << 20, DiskMin: 1, DiskFirst: true})
	answer := func(key string) []byte { return bytes.Repeat([]byte("<"+key+">"), 300<<10/4) }
	evict := func(round int) {
		for i := range 4 {
			k := fmt.Sprint("x", round, i)
			storeAnswer(t, c, k, 1, answer(k), "")
		}
	}
	storeAnswer(t, c, "a", 1, answer("a"), "")
	fa := fileOf(c, "a")

	// Evicted between peek and open.
	e := c.peek("a", 1)
	if e == nil {
		t.Fatal("no hit")
	}
	evict(1)
	if fileOf(c, "a") != "" {
		t.Fatal("not evicted")
	}
	if gone(fa) {
		t.Fatal("the file of a hit not yet opened was removed")
	}
	h, err := c.open(e)
	if err != nil {
		t.Fatal(err)
	}
	if !gone(fa) {
		t.Error("the evicted entry's file is still there once its last hit opened it")
	}
	var b bytes.Buffer
	if err := h.writeTo(&b); err != nil || b.String() != string(answer("a")) {
		t.Errorf("hit after eviction: %d bytes (%v)", b.Len(), err)
	}
	h.close()

	// Evicted after open.
	storeAnswer(t, c, "b", 1, answer("b"), "")
	fb := fileOf(c, "b")
	if e = c.peek("b", 1); e == nil {
		t.Fatal("no hit")
	}
	if h, err = c.open(e); err != nil {
		t.Fatal(err)
	}
	evict(2)
	if !gone(fb) {
		t.Fatal("the evicted entry's file is still there")
	}
	b.Reset()
	if err := h.writeTo(&b); err != nil || b.String() != string(answer("b")) {
		t.Errorf("hit after eviction: %d bytes (%v)", b.Len(), err)
	}
	h.close()

	// A file removed behind the cache's back: the entry is dropped and
	// the read told to answer from the store.
	storeAnswer(t, c, "c", 1, answer("c"), "")
	os.Remove(fileOf(c, "c"))
	if e = c.peek("c", 1); e == nil {
		t.Fatal("no hit")
	}
	if _, err := c.open(e); err == nil {
		t.Error("open of a removed file succeeded")
	}
	if c.peek("c", 1) != nil {
		t.Error("the entry of a removed file is still there")
	}
}

// TestAnswerCacheDiskSweep: a cache removes the run directories of earlier
// runs under its directory — those whose lock nobody holds, or that have no
// lock — and leaves those of live caches and anything not its own.
func TestAnswerCacheDiskSweep(t *testing.T) {
	dir := t.TempDir()
	live := newDiskCache(t, AnswerCacheConfig{MaxBytes: 1 << 20, Dir: dir, DiskBytes: 1 << 20, DiskMin: 1, DiskFirst: true})
	storeAnswer(t, live, "a", 1, []byte("[1,2,3]"), "")
	mk := func(name string, files ...string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("run-1-dead", "run-1-dead/1", "run-1-dead/2", "run-1-dead.lock") // a run that ended without Close
	mk("run-2-nolock", "run-2-nolock/7")                                // a run whose lock is gone
	mk("other", "other/keep", "keep.txt")                               // not the cache's
	if err := os.WriteFile(filepath.Join(dir, "run-3-lockonly.lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 1 << 20, Dir: dir, DiskBytes: 1 << 20, DiskMin: 1, DiskFirst: true})
	for _, name := range []string{"run-1-dead", "run-1-dead.lock", "run-2-nolock", "run-3-lockonly.lock"} {
		if !gone(filepath.Join(dir, name)) {
			t.Errorf("%s was not removed", name)
		}
	}
	for _, name := range []string{"other/keep", "keep.txt", filepath.Base(live.DiskDir()), filepath.Base(live.DiskDir()) + ".lock",
		filepath.Base(c.DiskDir())} {
		if gone(filepath.Join(dir, name)) {
			t.Errorf("%s was removed", name)
		}
	}
	if got := readHit(t, live, "a", 1); got != "[1,2,3]" {
		t.Errorf("the live cache's answer: %q", got)
	}
}

// TestAnswerCacheDiskMin: with the default DiskMin, small answers stay in
// memory, large ones go to disk — at once when their last version was
// large, or when they grow past DiskMin while captured.
func TestAnswerCacheDiskMin(t *testing.T) {
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 8 << 20, Dir: t.TempDir(), DiskBytes: 8 << 20, DiskFirst: true})
	small := []byte("[" + strings.Repeat("1,", 1000) + "1]")
	large := bytes.Repeat([]byte("0123456789abcdef"), DefaultAnswerCacheDiskMin/16*3)
	storeAnswer(t, c, "small", 1, small, "}")
	storeAnswer(t, c, "large", 1, large, "}")
	if fileOf(c, "small") != "" || fileOf(c, "large") == "" {
		t.Errorf("small answer's file %q, large answer's %q", fileOf(c, "small"), fileOf(c, "large"))
	}
	// A small answer grows large: the capture spills to a file.
	e, p := c.lookup("small", 2)
	if e != nil {
		t.Fatal("hit")
	}
	if p.toDisk {
		t.Fatal("a small answer's capture starts on disk")
	}
	p.tail = "}"
	for b := large; len(b) > 0; b = b[min(len(b), 10000):] {
		p.write(b[:min(len(b), 10000)])
	}
	p.finish()
	if fileOf(c, "small") == "" {
		t.Fatal("the grown answer is not on disk")
	}
	for k, v := range map[string]int64{"small": 2, "large": 1} {
		if got := readHit(t, c, k, v); got != string(large) {
			t.Errorf("%s: %d bytes, want %d", k, len(got), len(large))
		}
	}
	if st := c.Stats(); st.DiskEntries != 2 || st.OffHeap != 0 || c.capturing.Load() != 0 {
		t.Errorf("stats %+v, capturing %d", st, c.capturing.Load())
	}
}

// readFromRecorder is a writer with ReadFrom, as net/http's
// ResponseWriter: it records what ReadFrom was given.
type readFromRecorder struct {
	envelopeRecorder
	sources []io.Reader
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.sources = append(r.sources, src)
	return r.Buffer.ReadFrom(src)
}

// TestAnswerCacheDiskReadFrom: a hit of the disk tier goes to its writer's
// ReadFrom as an *io.LimitedReader of an *os.File (what net/http sends
// with sendfile), with the data length announced first and the tail in
// the file.
func TestAnswerCacheDiskReadFrom(t *testing.T) {
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 1 << 20, Dir: t.TempDir(), DiskBytes: 1 << 20, DiskMin: 1, DiskFirst: true})
	storeAnswer(t, c, "k", 1, []byte("[1,2,3]"), "}")
	e := c.peek("k", 1)
	h, err := c.open(e)
	if err != nil {
		t.Fatal(err)
	}
	defer h.close()
	w := &readFromRecorder{}
	if err := h.writeTo(w); err != nil {
		t.Fatal(err)
	}
	if w.String() != "[1,2,3]}" || !w.tailWritten || w.length != 7 {
		t.Errorf("wrote %q (tail written %v, length %d)", w.String(), w.tailWritten, w.length)
	}
	if len(w.sources) != 1 {
		t.Fatalf("ReadFrom called %d times", len(w.sources))
	}
	lr, ok := w.sources[0].(*io.LimitedReader)
	if !ok {
		t.Fatalf("ReadFrom got a %T", w.sources[0])
	}
	if _, ok := lr.R.(*os.File); !ok {
		t.Errorf("ReadFrom got a LimitedReader of a %T", lr.R)
	}
}

// TestAnswerCacheDiskFirstAsk: with a disk tier, a large answer is stored
// the first time it is asked for; a small one is not (a ghost, stored the
// second time, in memory), and its copy is freed.
func TestAnswerCacheDiskFirstAsk(t *testing.T) {
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 8 << 20, Dir: t.TempDir(), DiskBytes: 8 << 20, DiskFirst: true})
	once := func(key string, answer []byte) {
		e, p := c.lookup(key, 1)
		if e != nil {
			t.Fatalf("%s: hit before any answer", key)
		}
		p.tail = "}"
		for b := answer; len(b) > 0; b = b[min(len(b), 10000):] {
			p.write(b[:min(len(b), 10000)])
		}
		p.finish()
	}
	small := []byte("[" + strings.Repeat("1,", 1000) + "1]")
	large := bytes.Repeat([]byte("0123456789abcdef"), DefaultAnswerCacheDiskMin/16*3)
	once("small", small)
	once("large", large)
	if e := c.peek("small", 1); e != nil {
		c.done(e)
		t.Error("a small answer was stored the first time")
	}
	if got := readHit(t, c, "large", 1); got != string(large) {
		t.Errorf("large: %d bytes, want %d", len(got), len(large))
	}
	once("small", small)
	if got := readHit(t, c, "small", 1); got != string(small) {
		t.Errorf("small after the second ask: %q", got)
	}
	if fileOf(c, "small") != "" || c.capturing.Load() != 0 {
		t.Errorf("small answer's file %q, capturing %d", fileOf(c, "small"), c.capturing.Load())
	}
}

// TestAnswerCacheMemoryFirst: by default a large answer stays in memory
// while the memory budget has room for it, and goes to the disk tier once
// it has not; both are hits.
func TestAnswerCacheMemoryFirst(t *testing.T) {
	c := newDiskCache(t, AnswerCacheConfig{MaxBytes: 2 << 20, Dir: t.TempDir(), DiskBytes: 8 << 20})
	large := bytes.Repeat([]byte("0123456789abcdef"), 400<<10/16) // 400 KiB
	keys := []string{"a", "b", "c", "d", "e", "f", "g"}
	for _, k := range keys {
		storeAnswer(t, c, k, 1, large, "}")
	}
	var inMemory, onDisk int
	for _, k := range keys {
		if fileOf(c, k) == "" {
			inMemory++
		} else {
			onDisk++
		}
		if got := readHit(t, c, k, 1); got != string(large) {
			t.Errorf("%s: %d bytes, want %d", k, len(got), len(large))
		}
	}
	// 2 MiB of memory holds five of them (with their overhead), not six.
	if inMemory != 5 || onDisk != 2 {
		t.Errorf("%d answers in memory, %d on disk; want 5 and 2 (%+v)", inMemory, onDisk, c.Stats())
	}
	if fileOf(c, "a") != "" || fileOf(c, "g") == "" {
		t.Errorf("the first answers should be in memory and the last on disk")
	}
}
