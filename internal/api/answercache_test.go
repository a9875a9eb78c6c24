package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"sync"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

const asstRF = "bk_router_connect_bk_firewall"

// asstFixture writes the model association routers → firewalls.
func asstFixture(t testing.TB, st cmdb.Store) {
	t.Helper()
	err := st.Update(context.Background(), func(tx cmdb.Tx) error {
		return tx.InsertObjAsst(&cmdb.ObjectAssociation{ID: 9001, Supplier: "0", ObjAsstID: asstRF, ObjID: "bk_router",
			AsstObjID: "bk_firewall", AsstID: "connect", Mapping: "n:n"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addRows adds n rows from router src to firewalls from+1…from+n.
func addRows(t testing.TB, st cmdb.Store, src int64, from, n int) {
	t.Helper()
	storetest.AddInstAssts(t, st, cmdb.InstAssociation{InstID: src, ObjID: "bk_router", AsstObjID: "bk_firewall",
		Supplier: "0", ObjAsstID: asstRF, AsstID: "connect"}, int64(from), int64(n))
}

// readFromSpy wraps net/http's ResponseWriter and records the sources its
// ReadFrom is given (and passes them on, so the reply is sent as usual).
type readFromSpy struct {
	http.ResponseWriter
	mu      *sync.Mutex
	sources *[]string
}

func (s readFromSpy) ReadFrom(r io.Reader) (int64, error) {
	desc := fmt.Sprintf("%T", r)
	if lr, ok := r.(*io.LimitedReader); ok {
		desc += fmt.Sprintf(" of %T", lr.R)
	}
	s.mu.Lock()
	*s.sources = append(*s.sources, desc)
	s.mu.Unlock()
	return s.ResponseWriter.(io.ReaderFrom).ReadFrom(r)
}

type testServer struct {
	name    string
	srv     *Server
	hs      *httptest.Server
	mu      sync.Mutex
	sources []string // ReadFrom's, through readFromSpy
}

func newTestServer(t *testing.T, name string, svc *service.Service, cfg Config) *testServer {
	t.Helper()
	cfg.Apps = map[string]string{"app1": "secret1"}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	ts := &testServer{name: name, srv: New(svc, cfg)}
	h := ts.srv.Handler(nil)
	ts.hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(readFromSpy{w, &ts.mu, &ts.sources}, r)
	}))
	t.Cleanup(func() {
		ts.hs.Close()
		if err := ts.srv.Close(); err != nil {
			t.Error(err)
		}
	})
	if cfg.AnswerCacheDir != "" && ts.srv.AnswerCache().DiskDir() == "" {
		t.Skip("no disk tier on this system")
	}
	return ts
}

type findReply struct {
	body                []byte
	status              int
	contentLength       int64
	transferEncoding    []string
	hitsBefore, hitsNow uint64
}

// find asks find_instance_association through the gateway door (native:
// the trusted door).
func (ts *testServer) find(t *testing.T, native bool, cond string) findReply {
	t.Helper()
	body := `{"bk_obj_id":"bk_router","condition":` + cond + `}`
	req, err := http.NewRequest(http.MethodPost, ts.hs.URL+"/api/v3/find/instassociation", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if native {
		req.Header.Set("X-Bkcmdb-User", "admin")
		req.Header.Set("X-Bkcmdb-Supplier-Account", "0")
	} else {
		req.Header.Set("X-Bkapi-Authorization", `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin"}`)
	}
	var out findReply
	if c := ts.srv.AnswerCache(); c != nil {
		out.hitsBefore = c.Stats().Hits
	}
	resp, err := ts.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out.body, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", ts.name, err)
	}
	out.status, out.contentLength, out.transferEncoding = resp.StatusCode, resp.ContentLength, resp.TransferEncoding
	if c := ts.srv.AnswerCache(); c != nil {
		out.hitsNow = c.Stats().Hits
	}
	return out
}

// TestAnswerCacheDiskSameBytes: find_instance_association answers the very
// same bytes over HTTP — status and body; a hit with a Content-Length —
// without a cache,
// with the cache in memory, with the disk tier (large answers on disk) and
// with every answer on disk, on misses and hits, on both doors, before and
// after a write; and the disk servers' hits are sent from files through
// ReadFrom (sendfile).
func TestAnswerCacheDiskSameBytes(t *testing.T) {
	st := storetest.OpenSQLite(t)
	svc := service.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	asstFixture(t, st)
	addRows(t, st, 1, 0, 3000) // ~300 KB: on disk with the default DiskMin
	addRows(t, st, 2, 0, 20)   // ~2 KB: in memory with the default DiskMin
	servers := []*testServer{
		newTestServer(t, "none", svc, Config{AnswerCacheBytes: -1}),
		newTestServer(t, "memory", svc, Config{}),
		newTestServer(t, "disk", svc, Config{AnswerCacheDir: t.TempDir(), AnswerCacheDiskFirst: true}),
		newTestServer(t, "disk-all", svc, Config{AnswerCacheDir: t.TempDir(), AnswerCacheDiskMin: 1, AnswerCacheDiskFirst: true}),
		// Memory first: the large answer does not fit this budget and
		// goes to disk, the small ones stay in memory.
		newTestServer(t, "memory-first", svc, Config{AnswerCacheDir: t.TempDir(), AnswerCacheBytes: 256 << 10}),
	}
	conds := []string{
		`{"bk_obj_asst_id":"` + asstRF + `","bk_inst_id":1}`,
		`{"bk_obj_asst_id":"` + asstRF + `","bk_inst_id":2}`,
		`{"bk_obj_asst_id":"` + asstRF + `","bk_inst_id":3}`, // no rows
		`{"bk_obj_asst_id":"nope"}`,
	}
	check := func(step string) {
		t.Helper()
		for _, native := range []bool{false, true} {
			for _, cond := range conds {
				want := servers[0].find(t, native, cond)
				if want.status != 200 || !bytes.HasPrefix(want.body, []byte(`{"result":true`)) {
					t.Fatalf("%s: %s: HTTP %d %.200s", step, cond, want.status, want.body)
				}
				for _, ts := range servers[1:] {
					for i := range 4 { // ghost, stored, hits
						got := ts.find(t, native, cond)
						if got.status != want.status || !bytes.Equal(got.body, want.body) {
							t.Fatalf("%s: %s native %v, read %d: HTTP %d, %d bytes; want HTTP %d, %d bytes",
								step, ts.name, native, i, got.status, len(got.body), want.status, len(want.body))
						}
						// A hit has a Content-Length (a miss is chunked).
						hit := got.hitsNow > got.hitsBefore
						if hit && (got.contentLength != int64(len(got.body)) || len(got.transferEncoding) != 0) {
							t.Errorf("%s: %s native %v, read %d: a hit with Content-Length %d, %v, %d bytes",
								step, ts.name, native, i, got.contentLength, got.transferEncoding, len(got.body))
						}
						if i == 3 && !hit {
							t.Errorf("%s: %s: %s not served from the cache", step, ts.name, cond)
						}
					}
				}
			}
		}
	}
	check("first")
	addRows(t, st, 1, 3000, 1) // the answers change
	addRows(t, st, 2, 20, 1)
	check("after a write")

	for _, ts := range servers[2:] {
		s := ts.srv.AnswerCache().Stats()
		wantDisk := 1
		if ts.name == "disk-all" {
			wantDisk = len(conds)
		}
		if s.DiskEntries != wantDisk {
			t.Errorf("%s: %d answers on disk, want %d: %+v", ts.name, s.DiskEntries, wantDisk, s)
		}
		ts.mu.Lock()
		sources := ts.sources
		ts.mu.Unlock()
		// Every hit from disk, and only those, went through ReadFrom
		// with its file (net/http itself copies the first 512 bytes
		// before it hands the rest to sendfile).
		for _, src := range sources {
			if src != "*io.LimitedReader of *os.File" {
				t.Errorf("%s: ReadFrom got %s", ts.name, src)
			}
		}
		n := uint64(len(sources))
		if ts.name == "disk-all" && n != s.Hits || ts.name != "disk-all" && (n == 0 || n >= s.Hits) {
			t.Errorf("%s: ReadFrom called %d times, %d hits", ts.name, n, s.Hits)
		}
	}
	for _, ts := range servers[:2] {
		if len(ts.sources) != 0 {
			t.Errorf("%s: ReadFrom called: %v", ts.name, ts.sources)
		}
	}
}

// TestAnswerCacheDiskSendfile: a hit of the disk tier reaches net/http's
// ResponseWriter.ReadFrom (which, with the Content-Length set and not
// chunked, hands the file to TCPConn.ReadFrom: sendfile on Linux) as an
// *io.LimitedReader of an *os.File — while its file is being unlinked by
// evictions.
func TestAnswerCacheDiskSendfile(t *testing.T) {
	st := storetest.OpenSQLite(t)
	svc := service.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	asstFixture(t, st)
	for src := int64(1); src <= 8; src++ {
		addRows(t, st, src, 0, 2000)
	}
	// Room for three 400 KB answers: the eight evict each other.
	ts := newTestServer(t, "disk", svc, Config{AnswerCacheDir: t.TempDir(), AnswerCacheDiskBytes: 1300 << 10, AnswerCacheDiskFirst: true})
	ref := newTestServer(t, "none", svc, Config{AnswerCacheBytes: -1})
	want := map[string][]byte{}
	cond := func(src int) string { return fmt.Sprintf(`{"bk_obj_asst_id":%q,"bk_inst_id":%d}`, asstRF, src) }
	for src := 1; src <= 8; src++ {
		want[cond(src)] = ref.find(t, false, cond(src)).body
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				c := cond(1 + (g+i)%3 + 3*(i%5/4)) // mostly three keys, some others
				got := ts.find(t, g%2 == 0, c)
				if len(got.transferEncoding) == 0 && got.contentLength != int64(len(got.body)) {
					errs <- fmt.Sprintf("%s: length %d, %d bytes, %v", c, got.contentLength, len(got.body), got.transferEncoding)
					return
				}
				var env struct {
					Data []cmdb.InstAssociation `json:"data"`
				}
				if err := json.Unmarshal(got.body, &env); err != nil || len(env.Data) != 2000 {
					errs <- fmt.Sprintf("%s: %d rows (%v)", c, len(env.Data), err)
					return
				}
				if g%2 == 1 && !bytes.Equal(got.body, want[c]) {
					errs <- fmt.Sprintf("%s: bytes differ from the uncached answer", c)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	s := ts.srv.AnswerCache().Stats()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t.Logf("%+v; ReadFrom %d times", s, len(ts.sources))
	if s.Hits == 0 || s.Evictions == 0 || uint64(len(ts.sources)) != s.Hits {
		t.Errorf("hits %d, evictions %d, ReadFrom calls %d: want hits and evictions, one ReadFrom per hit", s.Hits, s.Evictions, len(ts.sources))
	}
	for _, src := range ts.sources {
		if src != "*io.LimitedReader of *os.File" {
			t.Fatalf("ReadFrom got %s", src)
		}
	}
	// The files of the entries only are left.
	des, err := os.ReadDir(ts.srv.AnswerCache().DiskDir())
	if err != nil || len(des) != s.DiskEntries {
		t.Errorf("%d files (%v), %d entries on disk", len(des), err, s.DiskEntries)
	}
}

// BenchmarkAnswerCacheTiers measures cache hits of find_instance_association
// over loopback HTTP, from memory and from the disk tier, by answer size.
// Client and server share the process, so the figures are rough: the
// server's CPU per request under bench/load is the better measure (see
// service.DefaultAnswerCacheDiskMin).
func BenchmarkAnswerCacheTiers(b *testing.B) {
	st := storetest.OpenSQLite(b)
	svc := service.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	asstFixture(b, st)
	sizes := []int{5, 40, 80, 160, 320, 640, 2000} // rows, ~200 bytes each
	for i, n := range sizes {
		addRows(b, st, int64(i+1), 0, n)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tier := range []struct {
		name string
		cfg  Config
	}{{"memory", Config{}}, {"disk", Config{AnswerCacheDir: b.TempDir(), AnswerCacheDiskMin: 1}}} {
		cfg := tier.cfg
		cfg.Apps, cfg.Logger = map[string]string{"app1": "secret1"}, log
		srv := New(svc, cfg)
		hs := httptest.NewServer(srv.Handler(nil))
		for i, n := range sizes {
			body := []byte(fmt.Sprintf(`{"bk_obj_id":"bk_router","condition":{"bk_obj_asst_id":%q,"bk_inst_id":%d}}`, asstRF, i+1))
			ask := func(client *http.Client) int64 {
				req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/v3/find/instassociation", bytes.NewReader(body))
				req.Header.Set("X-Bkapi-Authorization", `{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin"}`)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				k, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return k
			}
			var size int64
			for range 3 {
				size = ask(hs.Client())
			}
			b.Run(fmt.Sprintf("%s/rows=%d", tier.name, n), func(b *testing.B) {
				b.SetBytes(size)
				b.ReportMetric(float64(size), "bytes/answer")
				b.RunParallel(func(pb *testing.PB) {
					client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
					for pb.Next() {
						ask(client)
					}
				})
			})
		}
		hs.Close()
		srv.Close()
	}
}
