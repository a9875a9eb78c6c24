package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/store/postgres"
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

// The answer cache's tests run on real stores: SQLite always, PostgreSQL
// when CMDB_TEST_POSTGRES_DSN is set (the postgres subtests skip otherwise).

var cacheStores = []struct {
	name string
	open func(t testing.TB) cmdb.Store
}{
	{"sqlite", func(t testing.TB) cmdb.Store { return storetest.OpenSQLite(t) }},
	{"postgres", func(t testing.TB) cmdb.Store { return storetest.OpenPostgres(t) }},
}

// Model associations of the fixture: routers to firewalls, routers to
// switches, both n:n and of supplier 0.
const (
	asstRF = "bk_router_connect_bk_firewall"
	asstRS = "bk_router_connect_bk_switch"
)

// cacheFixture writes the model associations and instances 1–n of the
// three models (supplier 0).
func cacheFixture(t testing.TB, st cmdb.Store, n int64) {
	t.Helper()
	err := st.Update(context.Background(), func(tx cmdb.Tx) error {
		for i, a := range []cmdb.ObjectAssociation{
			{ID: 9001, Supplier: "0", ObjAsstID: asstRF, ObjID: "bk_router", AsstObjID: "bk_firewall", AsstID: "connect", Mapping: "n:n"},
			{ID: 9002, Supplier: "0", ObjAsstID: asstRS, ObjID: "bk_router", AsstObjID: "bk_switch", AsstID: "connect", Mapping: "n:n"},
		} {
			if err := tx.InsertObjAsst(&a); err != nil {
				return fmt.Errorf("object association %d: %w", i, err)
			}
		}
		for _, obj := range []string{"bk_router", "bk_firewall", "bk_switch"} {
			for id := int64(1); id <= n; id++ {
				if err := tx.InsertInstance("0", obj, id, cmdb.Instance{"bk_inst_id": id, "bk_obj_id": obj}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func caller(supplier string) Caller {
	return Caller{Supplier: supplier, User: "admin", Lang: cmdb.LangEN}
}

// findAnswer answers find_instance_association through cache (nil: from
// the store) and returns the data part of the reply.
func findAnswer(s *Service, cache *AnswerCache, supplier, obj, condition string) (string, error) {
	var m map[string]any
	if condition != "" {
		d := json.NewDecoder(strings.NewReader(condition))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			return "", err
		}
	}
	st, err := s.FindInstAsstsCached(context.Background(), caller(supplier), obj, m, cache)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := st.Stream(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

func findText(t testing.TB, s *Service, cache *AnswerCache, supplier, obj, condition string) string {
	t.Helper()
	answer, err := findAnswer(s, cache, supplier, obj, condition)
	if err != nil {
		t.Fatalf("find %s %s %s: %v", supplier, obj, condition, err)
	}
	return answer
}

type cacheQuery struct{ supplier, obj, cond string }

func (q cacheQuery) String() string { return q.supplier + "/" + q.obj + "/" + q.cond }

var cacheQueries = []cacheQuery{
	{"0", "bk_router", ""},
	{"0", "bk_router", `{"bk_obj_asst_id":"` + asstRF + `"}`},
	{"0", "bk_router", `{"bk_supplier_account":"x"}`},
	{"0", "bk_firewall", ""},
	{"0", "bk_firewall", `{"bk_inst_id":{"$in":[1,2,5]}}`},
	{"0", "bk_switch", ""},
	{"x", "bk_router", ""},
	{"x", "bk_firewall", `{"bk_obj_asst_id":"` + asstRF + `"}`},
	{"superadmin", "bk_firewall", ""},
}

// cacheChecker asks queries through a cache and checks every answer
// against the store's.
type cacheChecker struct {
	t     *testing.T
	s     *Service
	cache *AnswerCache
	last  map[cacheQuery]string
}

// ask answers q through the cache, checks it against the store's answer and
// reports whether it came from the cache.
func (c *cacheChecker) ask(q cacheQuery) (string, bool) {
	c.t.Helper()
	before := c.cache.Stats().Hits
	got := findText(c.t, c.s, c.cache, q.supplier, q.obj, q.cond)
	hit := c.cache.Stats().Hits > before
	if want := findText(c.t, c.s, nil, q.supplier, q.obj, q.cond); got != want {
		c.t.Fatalf("%v (hit %v):\n got %s\nwant %s", q, hit, got, want)
	}
	return got, hit
}

// warm asks every query until it is served from the cache.
func (c *cacheChecker) warm() {
	c.t.Helper()
	for _, q := range cacheQueries {
		hit := false
		for i := 0; i < 3 && !hit; i++ {
			c.last[q], hit = c.ask(q)
		}
		if !hit {
			c.t.Fatalf("%v: not served from the cache after 3 reads", q)
		}
	}
}

// after runs an acknowledged write and then checks the next answer of every
// query: always the store's answer (never a stale one); a different one for
// the queries changes names, the same for the others; from the store for
// the queries whose model's version the write advanced (invalidates; nil:
// those of changes), else from the cache.
func (c *cacheChecker) after(step string, write func() error, changes, invalidates func(cacheQuery) bool) {
	c.t.Helper()
	if invalidates == nil {
		invalidates = changes
	}
	c.warm()
	if err := write(); err != nil {
		c.t.Fatalf("%s: %v", step, err)
	}
	for _, q := range cacheQueries {
		got, hit := c.ask(q)
		switch {
		case changes(q) && got == c.last[q]:
			c.t.Errorf("%s: %v: the answer did not change: %s", step, q, got)
		case !changes(q) && got != c.last[q]:
			c.t.Errorf("%s: %v: the answer changed:\n was %s\n now %s", step, q, c.last[q], got)
		case invalidates(q) && hit:
			c.t.Errorf("%s: %v: served from the cache after a write of its model", step, q)
		case !invalidates(q) && !hit:
			c.t.Errorf("%s: %v: not served from the cache, though no write touched its model", step, q)
		}
		c.last[q] = got
	}
}

// rowsOf decodes an answer's rows.
func rowsOf(t testing.TB, answer string) []cmdb.InstAssociation {
	t.Helper()
	var rows []cmdb.InstAssociation
	if err := json.Unmarshal([]byte(answer), &rows); err != nil {
		t.Fatalf("answer %q: %v", answer, err)
	}
	return rows
}

func never(cacheQuery) bool { return false }

// TestAnswerCacheEveryWrite: after every acknowledged write that adds or
// removes rows (add, batch, delete one, delete related, instance delete
// with its dangling rows), the next find answers the new rows, from the
// store; answers whose rows did not change (other models, other supplier
// scopes, writes that change nothing or are refused) stay cached.
func TestAnswerCacheEveryWrite(t *testing.T) {
	for _, sc := range cacheStores {
		for _, tier := range cacheTiers {
			t.Run(sc.name+"/"+tier.name, func(t *testing.T) {
				testAnswerCacheEveryWrite(t, sc.open(t), tier.new(t, 8<<20))
			})
		}
	}
}

func testAnswerCacheEveryWrite(t *testing.T, st cmdb.Store, cache *AnswerCache) {
	cacheFixture(t, st, 8)
	s := New(st, nil)
	ctx := context.Background()
	c := &cacheChecker{t: t, s: s, cache: cache, last: map[cacheQuery]string{}}
	c0, cx := caller("0"), caller("x")
	// Which queries see rows of which ends and suppliers.
	sees := func(q cacheQuery, supplier string, objs ...string) bool {
		if supplier != "0" && q.supplier == "0" {
			return false
		}
		for _, o := range objs {
			if q.obj == o {
				return true
			}
		}
		return false
	}
	seesRF := func(q cacheQuery) bool { return sees(q, "0", "bk_router", "bk_firewall") }

	var firstID int64
	c.after("add", func() (err error) {
		firstID, err = s.AddInstAsst(ctx, c0, AddInstAsstInput{ObjAsstID: asstRF, InstID: 1, AsstInstID: 1})
		return err
	}, seesRF, nil)
	var batch *BatchResult
	c.after("batch", func() (err error) {
		in := BatchInstAsstInput{ObjAsstID: asstRF, ObjID: "bk_router", AsstObjID: "bk_firewall"}
		for _, p := range [][2]int64{{2, 1}, {2, 2}, {1, 1}, {2, 5}} {
			in.Details = append(in.Details, struct {
				InstID     int64 `json:"bk_inst_id"`
				AsstInstID int64 `json:"bk_asst_inst_id"`
			}{p[0], p[1]})
		}
		batch, err = s.BatchCreateInstAsst(ctx, c0, in)
		if err == nil && (len(batch.Created) != 3 || len(batch.Errors) != 1) {
			err = fmt.Errorf("batch result %+v", batch)
		}
		return err
	}, seesRF, nil)
	c.after("batch of the other model association", func() error {
		in := BatchInstAsstInput{ObjAsstID: asstRS, ObjID: "bk_router", AsstObjID: "bk_switch"}
		in.Details = append(in.Details, struct {
			InstID     int64 `json:"bk_inst_id"`
			AsstInstID int64 `json:"bk_asst_inst_id"`
		}{3, 3})
		_, err := s.BatchCreateInstAsst(ctx, c0, in)
		return err
	}, func(q cacheQuery) bool {
		return sees(q, "0", "bk_router", "bk_switch") && !strings.Contains(q.cond, asstRF)
	}, func(q cacheQuery) bool { return sees(q, "0", "bk_router", "bk_switch") })
	c.after("add by supplier x", func() error {
		_, err := s.AddInstAsst(ctx, cx, AddInstAsstInput{ObjAsstID: asstRF, InstID: 3, AsstInstID: 4})
		return err
	}, func(q cacheQuery) bool { return sees(q, "x", "bk_router", "bk_firewall") }, nil)
	c.after("refused duplicate add", func() error {
		_, err := s.AddInstAsst(ctx, c0, AddInstAsstInput{ObjAsstID: asstRF, InstID: 1, AsstInstID: 1})
		if err == nil {
			return errors.New("duplicate accepted")
		}
		return nil
	}, never, nil)
	c.after("delete one", func() error {
		return s.DeleteInstAsst(ctx, c0, "bk_firewall", firstID)
	}, seesRF, nil)
	c.after("delete of nothing", func() error {
		return s.DeleteInstAsst(ctx, c0, "bk_firewall", firstID)
	}, never, nil)
	c.after("delete related", func() error {
		n, err := s.DeleteRelatedInstAssts(ctx, c0, "bk_router", []int64{batch.Created["0"], batch.Created["1"], 999999})
		if err == nil && n != 2 {
			err = fmt.Errorf("deleted %d, want 2", n)
		}
		return err
	}, seesRF, nil)

	// An instance whose association's other end is gone: the
	// other end's removal leaves the rows as they are (and the
	// answers cached); deleting the instance removes its dangling
	// row.
	var dangling int64
	c.after("add before the dangling row", func() (err error) {
		dangling, err = s.AddInstAsst(ctx, c0, AddInstAsstInput{ObjAsstID: asstRF, InstID: 5, AsstInstID: 6})
		return err
	}, seesRF, nil)
	c.after("other end removed by hand", func() error {
		return st.Update(ctx, func(tx cmdb.Tx) error {
			_, err := tx.DeleteInstances(cmdb.ScopeOf("0"), "bk_firewall", []int64{6})
			return err
		})
	}, never, nil)
	c.after("instance delete refused (live other end)", func() error {
		if err := s.DeleteInstance(ctx, c0, "bk_router", 2); err == nil {
			return errors.New("router 2 deleted with live associations")
		}
		return nil
	}, never, nil)
	c.after("instance delete removes the dangling row", func() error {
		return s.DeleteInstance(ctx, c0, "bk_router", 5)
	}, seesRF, nil)
	if strings.Contains(findText(t, s, nil, "0", "bk_router", ""), fmt.Sprintf(`"id":%d,`, dangling)) {
		t.Fatal("the dangling row is still there")
	}
	c.after("object association delete refused (instantiated)", func() error {
		err := s.DeleteObjAsst(ctx, c0, 9001)
		var de *cmdb.Error
		if !errors.As(err, &de) || de.Code != cmdb.CodeAssociationHasAlreadyBeenInstantiated {
			return fmt.Errorf("delete object association: %v, want %d", err, cmdb.CodeAssociationHasAlreadyBeenInstantiated)
		}
		return nil
	}, never, nil)
	// A store that tells versions without a transaction (the
	// hits' path) tells the ones its transactions read.
	if p, ok := st.(cmdb.VersionPeeker); ok {
		for _, scope := range []cmdb.Scope{cmdb.ScopeOf("0"), cmdb.ScopeOf("x"), {"0", "x"}, nil} {
			for _, obj := range []string{"bk_router", "bk_firewall", "bk_switch", "host"} {
				peeked, err := p.PeekInstAsstVersion(ctx, scope, obj)
				if err != nil {
					t.Fatal(err)
				}
				var read int64
				if err := st.View(ctx, func(tx cmdb.Tx) (err error) {
					read, err = tx.InstAsstVersion(scope, obj)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if peeked != read {
					t.Errorf("%v %s: peeked version %d, a transaction reads %d", scope, obj, peeked, read)
				}
			}
		}
	}
	t.Logf("%+v", c.cache.Stats())
}

// TestAnswerCacheTwoNodes: two nodes (two stores, two caches) over one
// database: a write through node A is in node B's next answer, though B
// holds the old answer in its cache.
func TestAnswerCacheTwoNodes(t *testing.T) {
	for _, sc := range twoNodeStores {
		for _, tier := range cacheTiers {
			t.Run(sc.name+"/"+tier.name, func(t *testing.T) {
				a, b := sc.open(t)
				testAnswerCacheTwoNodes(t, a, b, tier.new)
			})
		}
	}
}

func testAnswerCacheTwoNodes(t *testing.T, a, b cmdb.Store, newCache func(testing.TB, int64) *AnswerCache) {
	cacheFixture(t, a, 8)
	ctx := context.Background()
	sa, sb := New(a, nil), New(b, nil)
	cb := newCache(t, 8<<20)
	c0 := caller("0")
	q := cacheQuery{"0", "bk_firewall", `{"bk_obj_asst_id":"` + asstRF + `"}`}
	check := func(step string, wantRows int, wantHit bool) {
		t.Helper()
		before := cb.Stats().Hits
		got := findText(t, sb, cb, q.supplier, q.obj, q.cond)
		if hit := cb.Stats().Hits > before; hit != wantHit {
			t.Errorf("%s: hit %v, want %v", step, hit, wantHit)
		}
		if want := findText(t, sa, nil, q.supplier, q.obj, q.cond); got != want {
			t.Fatalf("%s: node B answered\n%s\nnode A's store\n%s", step, got, want)
		}
		if n := len(rowsOf(t, got)); n != wantRows {
			t.Fatalf("%s: %d rows, want %d", step, n, wantRows)
		}
	}
	warm := func(rows int) {
		t.Helper()
		for i := 0; i < 3; i++ {
			findText(t, sb, cb, q.supplier, q.obj, q.cond)
		}
		check("warm", rows, true)
	}
	if _, err := sa.AddInstAsst(ctx, c0, AddInstAsstInput{ObjAsstID: asstRF, InstID: 1, AsstInstID: 1}); err != nil {
		t.Fatal(err)
	}
	warm(1)
	id, err := sa.AddInstAsst(ctx, c0, AddInstAsstInput{ObjAsstID: asstRF, InstID: 1, AsstInstID: 2})
	if err != nil {
		t.Fatal(err)
	}
	check("after add on A", 2, false)
	warm(2)
	if err := sa.DeleteInstAsst(ctx, c0, "bk_router", id); err != nil {
		t.Fatal(err)
	}
	check("after delete on A", 1, false)
	warm(1)
	in := BatchInstAsstInput{ObjAsstID: asstRF, ObjID: "bk_router", AsstObjID: "bk_firewall"}
	for i := int64(3); i <= 5; i++ {
		in.Details = append(in.Details, struct {
			InstID     int64 `json:"bk_inst_id"`
			AsstInstID int64 `json:"bk_asst_inst_id"`
		}{2, i})
	}
	if _, err := sa.BatchCreateInstAsst(ctx, c0, in); err != nil {
		t.Fatal(err)
	}
	check("after batch on A", 4, false)
	warm(4)
	// And the other way round: B writes, A's cache follows.
	ca := newCache(t, 8<<20)
	for i := 0; i < 3; i++ {
		findText(t, sa, ca, q.supplier, q.obj, q.cond)
	}
	if _, err := sb.DeleteRelatedInstAssts(ctx, c0, "bk_firewall", []int64{id + 1, id + 2, id + 3}); err != nil {
		t.Fatal(err)
	}
	if got, want := findText(t, sa, ca, q.supplier, q.obj, q.cond), findText(t, sb, nil, q.supplier, q.obj, q.cond); got != want {
		t.Fatalf("after delete related on B: node A answered\n%s\nwant\n%s", got, want)
	}
}

// twoNodeStores open two stores over one database: two PostgreSQL pools on
// one schema. (A SQLite file is served by one process at a time: the
// second Open fails, see the sqlite package's TestOneProcessPerFile.)
var twoNodeStores = []struct {
	name string
	open func(t testing.TB) (cmdb.Store, cmdb.Store)
}{
	{"postgres", func(t testing.TB) (cmdb.Store, cmdb.Store) {
		dsn := storetest.PostgresSchema(t)
		var out [2]cmdb.Store
		for i := range out {
			db, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			out[i] = db
		}
		return out[0], out[1]
	}},
}

// incarnation is one life of a row in the racing test: the times (ticks
// of one counter) its create and delete started and were acknowledged; 0 =
// not yet.
type incarnation struct {
	src, dst                   int64
	id                         int64
	cStart, cAck, dStart, dAck int64
}

// raceModel is what the writers of the racing test did, by pair.
type raceModel struct {
	mu    sync.Mutex
	clock atomic.Int64
	lives map[[2]int64][]*incarnation
	byID  map[int64]*incarnation
}

func (m *raceModel) tick() int64 { return m.clock.Add(1) }

// TestAnswerCacheRace runs writers (add and delete) and readers at once,
// readers on every node, and checks every answer against the writes
// acknowledged before it began and those begun before it ended: a row
// whose create was acknowledged before the read began, and whose delete had
// not begun when it ended, must be in the answer; a row whose delete was
// acknowledged before the read began, or whose create had not begun when it
// ended, must not.
func TestAnswerCacheRace(t *testing.T) {
	type setup struct {
		name string
		open func(t testing.TB) []cmdb.Store
	}
	var setups []setup
	for _, sc := range cacheStores {
		setups = append(setups, setup{sc.name, func(t testing.TB) []cmdb.Store { return []cmdb.Store{sc.open(t)} }})
	}
	for _, sc := range twoNodeStores {
		setups = append(setups, setup{sc.name + "-two-nodes", func(t testing.TB) []cmdb.Store {
			a, b := sc.open(t)
			return []cmdb.Store{a, b}
		}})
	}
	d := 3 * time.Second
	if testing.Short() {
		d = time.Second
	}
	for _, su := range setups {
		for _, tier := range cacheTiers {
			t.Run(su.name+"/"+tier.name, func(t *testing.T) {
				testAnswerCacheRace(t, su.open(t), tier.new, d)
			})
		}
	}
}

func testAnswerCacheRace(t *testing.T, nodes []cmdb.Store, newCache func(testing.TB, int64) *AnswerCache, d time.Duration) {
	const n = 6 // routers and firewalls
	cacheFixture(t, nodes[0], n)
	svcs := make([]*Service, len(nodes))
	caches := make([]*AnswerCache, len(nodes))
	for i, st := range nodes {
		svcs[i], caches[i] = New(st, nil), newCache(t, 4<<20)
	}
	m := &raceModel{lives: map[[2]int64][]*incarnation{}, byID: map[int64]*incarnation{}}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	var failed atomic.Bool
	fail := func(format string, args ...any) {
		if failed.CompareAndSwap(false, true) {
			t.Errorf(format, args...)
		}
		cancel()
	}
	// Writers: each owns the pairs of its source routers, so
	// that no two race on one pair; each write goes through a
	// node in turn.
	const writers = 3
	var writes atomic.Int64
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for k := 0; ctx.Err() == nil; k++ {
				s := svcs[k%len(svcs)]
				src := int64(w+1) + int64(writers*rng.IntN(n/writers))
				dst := int64(1 + rng.IntN(n))
				p := [2]int64{src, dst}
				m.mu.Lock()
				lives := m.lives[p]
				var cur *incarnation
				if len(lives) > 0 && lives[len(lives)-1].dStart == 0 {
					cur = lives[len(lives)-1]
				}
				if cur == nil {
					cur = &incarnation{src: src, dst: dst, cStart: m.tick()}
					m.lives[p] = append(lives, cur)
				} else {
					cur.dStart = m.tick()
				}
				m.mu.Unlock()
				if cur.dStart == 0 {
					id, err := s.AddInstAsst(context.Background(), caller("0"), AddInstAsstInput{ObjAsstID: asstRF, InstID: src, AsstInstID: dst})
					if err != nil {
						fail("add %v: %v", p, err)
						return
					}
					m.mu.Lock()
					cur.id, cur.cAck = id, m.tick()
					m.byID[id] = cur
					m.mu.Unlock()
				} else {
					if err := s.DeleteInstAsst(context.Background(), caller("0"), "bk_router", cur.id); err != nil {
						fail("delete %v: %v", p, err)
						return
					}
					m.mu.Lock()
					cur.dAck = m.tick()
					m.mu.Unlock()
				}
				writes.Add(1)
				time.Sleep(time.Duration(rng.IntN(8000)) * time.Microsecond)
			}
		}()
	}
	// Readers: three queries, each node.
	type rq struct {
		obj, cond string
		keep      func(*incarnation) bool
	}
	queries := []rq{
		{"bk_router", "", func(*incarnation) bool { return true }},
		{"bk_firewall", `{"bk_obj_asst_id":"` + asstRF + `"}`, func(*incarnation) bool { return true }},
		{"bk_firewall", `{"bk_inst_id":{"$in":[1,2]}}`, func(l *incarnation) bool { return l.src <= 2 }},
	}
	var reads atomic.Int64
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := r; ctx.Err() == nil; k++ {
				node := k % len(svcs)
				q := queries[k%len(queries)]
				t0 := m.tick()
				answer, err := findAnswer(svcs[node], caches[node], "0", q.obj, q.cond)
				t1 := m.tick()
				if err != nil {
					fail("node %d, %s %s: %v", node, q.obj, q.cond, err)
					return
				}
				reads.Add(1)
				if msg := checkRaceAnswer(m, answer, t0, t1, q.keep); msg != "" {
					fail("node %d, %s %s, read [%d,%d]: %s\nanswer %s", node, q.obj, q.cond, t0, t1, msg, answer)
					return
				}
			}
		}()
	}
	wg.Wait()
	var hits uint64
	for i, c := range caches {
		st := c.Stats()
		hits += st.Hits
		t.Logf("node %d: %+v", i, st)
	}
	t.Logf("%d writes, %d reads checked", writes.Load(), reads.Load())
	if hits == 0 && !failed.Load() {
		t.Error("no answer came from the cache: the test did not test it")
	}
}

// checkRaceAnswer checks one answer of a read that began at t0 and ended at
// t1; it returns what is wrong, or "".
func checkRaceAnswer(m *raceModel, answer string, t0, t1 int64, keep func(*incarnation) bool) string {
	var rows []cmdb.InstAssociation
	if err := json.Unmarshal([]byte(answer), &rows); err != nil {
		return "not a JSON array of rows: " + err.Error()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	got := map[int64]bool{}
	for i, r := range rows {
		if i > 0 && r.ID <= rows[i-1].ID {
			return fmt.Sprintf("row %d: id %d after %d", i, r.ID, rows[i-1].ID)
		}
		got[r.ID] = true
		l := m.byID[r.ID]
		if l == nil {
			// Created but not acknowledged yet: a create of the pair
			// must have begun before the read ended.
			for _, c := range m.lives[[2]int64{r.InstID, r.AsstInstID}] {
				if c.cAck == 0 && c.cStart < t1 {
					l = c
				}
			}
			if l == nil {
				return fmt.Sprintf("row %d (%d→%d) was never created", r.ID, r.InstID, r.AsstInstID)
			}
			continue
		}
		if l.src != r.InstID || l.dst != r.AsstInstID {
			return fmt.Sprintf("row %d is %d→%d, created as %d→%d", r.ID, r.InstID, r.AsstInstID, l.src, l.dst)
		}
		if l.dAck != 0 && l.dAck < t0 {
			return fmt.Sprintf("row %d (%d→%d) deleted (acknowledged at %d) before the read began", r.ID, l.src, l.dst, l.dAck)
		}
		if !keep(l) {
			return fmt.Sprintf("row %d (%d→%d) does not match the condition", r.ID, l.src, l.dst)
		}
	}
	for id, l := range m.byID {
		if keep(l) && l.cAck < t0 && (l.dStart == 0 || l.dStart > t1) && !got[id] {
			return fmt.Sprintf("row %d (%d→%d, acknowledged at %d) missing", id, l.src, l.dst, l.cAck)
		}
	}
	return ""
}

// TestAnswerKeyInjective: queries that differ get different keys, also
// where cond.Format's text would be the same.
func TestAnswerKeyInjective(t *testing.T) {
	p := func(field string, op cond.Op, v any) cond.Pred { return cond.Pred{Field: field, Op: op, Value: v} }
	qs := []cmdb.InstAsstQuery{
		{Scope: nil, ObjID: "a"},
		{Scope: cmdb.Scope{"0"}, ObjID: "a"},
		{Scope: cmdb.Scope{"0", "x"}, ObjID: "a"},
		{Scope: cmdb.Scope{"0x"}, ObjID: "a"},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.True{}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", SourceOnly: true},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Limit: 1},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Start: 1},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Sort: []cmdb.SortKey{{Field: "id", Desc: true}}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, json.Number("1"))},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, "1")},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, int64(1))},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, float64(1))},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, nil)},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, []any{json.Number("1")})},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpIn, []any{json.Number("1")})},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, map[string]any{"a": "b"})},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: p("id", cond.OpEq, map[string]any{"a": "b", "c": nil})},
		// cond.Format writes both as `AND(a $eq 1, b $eq 2)`.
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.And{p("a", cond.OpEq, json.Number("1")), p("b", cond.OpEq, json.Number("2"))}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.And{p("a $eq 1, b", cond.OpEq, json.Number("2"))}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Or{p("a", cond.OpEq, json.Number("1")), p("b", cond.OpEq, json.Number("2"))}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Not{X: p("a", cond.OpEq, json.Number("1"))}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Nor{p("a", cond.OpEq, json.Number("1"))}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Pred{Field: "a", Op: cond.OpRegex, Pattern: "x"}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Pred{Field: "a", Op: cond.OpRegex, Pattern: "x", Flags: "i"}},
		{Scope: cmdb.Scope{"0"}, ObjID: "a", Where: cond.Pred{Field: "a", Op: cond.OpRegex, Pattern: "(?i)x"}},
		{Scope: cmdb.Scope{"0"}, ObjID: "ab"},
	}
	seen := map[string]int{}
	for i := range qs {
		k, ok := answerKey(&qs[i])
		if !ok {
			t.Fatalf("query %d: no key", i)
		}
		if j, dup := seen[k]; dup {
			t.Errorf("queries %d and %d share a key", j, i)
		}
		seen[k] = i
		if k2, _ := answerKey(&qs[i]); k2 != k {
			t.Errorf("query %d: key not deterministic", i)
		}
	}
	if _, ok := answerKey(&cmdb.InstAsstQuery{Where: p("a", cond.OpEq, struct{}{})}); ok {
		t.Error("a value of an unknown type got a key")
	}
}

// TestAnswerCacheBudget: entries are stored from the second read of a
// query (from the first when they go to the disk tier), never past the budget (least recently used out), never larger
// than half of it; a newer version replaces an entry, an older one does
// not.
func TestAnswerCacheBudget(t *testing.T) {
	for _, tier := range cacheTiers {
		t.Run(tier.name, func(t *testing.T) { testAnswerCacheBudget(t, tier.new(t, 4<<20)) })
	}
}

func testAnswerCacheBudget(t *testing.T, c *AnswerCache) {
	fill := func(key string, version int64, size int) bool {
		t.Helper()
		e, p := c.lookup(key, version)
		if e != nil {
			c.done(e)
			return true
		}
		chunk := bytes.Repeat([]byte{'x'}, 1000)
		for n := 0; n < size; n += len(chunk) {
			p.write(chunk[:min(len(chunk), size-n)])
		}
		p.finish()
		return false
	}
	if c.disk != nil {
		// An answer that goes to the disk tier is stored the first
		// time (this tier takes every size).
		if fill("a", 1, 10000) || !fill("a", 1, 10000) {
			t.Fatal("want: miss (stored on disk), hit")
		}
	} else if fill("a", 1, 10000) || fill("a", 1, 10000) || !fill("a", 1, 10000) {
		t.Fatal("want: miss (ghost), miss (stored), hit")
	}
	if fill("a", 2, 10000) || !fill("a", 2, 10000) {
		t.Fatal("a newer version: want miss (stored at once: the key is known), hit")
	}
	// A reader of an older snapshot neither hits nor replaces.
	if fill("a", 1, 5000) || !fill("a", 2, 10000) {
		t.Fatal("an older version replaced the entry")
	}
	// Too large: never stored, and not copied again.
	for i := 0; i < 3; i++ {
		if fill("big", 1, 2100<<10) {
			t.Fatal("an answer of more than half the budget was stored")
		}
	}
	// Many entries: the budget holds, the least recently used go first.
	for i := 0; i < 40; i++ {
		k := fmt.Sprint("k", i)
		fill(k, 1, 150000)
		fill(k, 1, 150000)
		fill("a", 2, 10000) // keeps a recently used
		if st := c.Stats(); st.Bytes > st.MaxBytes || st.DiskBytes > st.DiskMaxBytes {
			t.Fatalf("%d bytes held, budget %d; on disk %d, budget %d", st.Bytes, st.MaxBytes, st.DiskBytes, st.DiskMaxBytes)
		}
	}
	if !fill("a", 2, 10000) || !fill("k39", 1, 150000) {
		t.Error("recently used entries evicted")
	}
	if fill("k0", 1, 150000) {
		t.Error("the least recently used entry is still there")
	}
	st := c.Stats()
	if st.Evictions == 0 || c.capturing.Load() != 0 || c.disk != nil && c.disk.capturing.Load() != 0 {
		t.Errorf("stats %+v, capturing %d", st, c.capturing.Load())
	}
	// Every chunk outside the heap belongs to an entry in the cache (those
	// evicted or replaced were freed).
	var mapped int64
	for _, e := range c.entries {
		for _, ch := range e.chunks {
			if cap(ch) >= offHeapMin {
				mapped += int64(cap(ch))
			}
		}
	}
	if got := c.Stats().OffHeap; got != mapped {
		t.Errorf("%d bytes mapped, the entries hold %d", got, mapped)
	}
	t.Logf("%+v", st)
	if NewAnswerCache(0) != nil {
		t.Error("a zero budget made a cache")
	}
}

// BenchmarkFindInstAsstsCached measures find_instance_association answers
// of 2,000 rows (one source and its targets) read through the service, from
// the cache and from the store, at the benchmark's parallelism.
func BenchmarkFindInstAsstsCached(b *testing.B) {
	st := storetest.OpenAny(b)
	const srcs, rowsPer = 20, 2000
	cacheFixture(b, st, rowsPer)
	for src := int64(1); src <= srcs; src++ {
		storetest.AddInstAssts(b, st, cmdb.InstAssociation{InstID: src, ObjID: "bk_router", AsstObjID: "bk_firewall",
			Supplier: "0", ObjAsstID: asstRF, AsstID: "connect"}, 0, rowsPer)
	}
	s := New(st, nil)
	for _, bc := range []struct {
		name  string
		cache *AnswerCache
	}{{"hit", NewAnswerCache(DefaultAnswerCacheBytes)}, {"store", nil}} {
		b.Run(storetest.Kind()+"/"+bc.name, func(b *testing.B) {
			conds := make([]map[string]any, srcs)
			for i := range conds {
				conds[i] = map[string]any{"bk_obj_asst_id": asstRF, "bk_inst_id": json.Number(fmt.Sprint(i + 1))}
			}
			ask := func(i int) int64 {
				c := map[string]any{}
				for k, v := range conds[i%srcs] {
					c[k] = v
				}
				st, err := s.FindInstAsstsCached(context.Background(), caller("0"), "bk_router", c, bc.cache)
				if err != nil {
					b.Fatal(err)
				}
				var w countWriter
				if err := st.Stream(&w); err != nil {
					b.Fatal(err)
				}
				return int64(w)
			}
			var size int64
			for i := 0; i < 3*srcs; i++ {
				size = ask(i)
			}
			b.SetBytes(size)
			b.ResetTimer()
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					ask(int(next.Add(1)))
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)*rowsPer/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

type countWriter int64

func (w *countWriter) Write(p []byte) (int, error) { *w += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// envelopeRecorder is a writer like the API's: it takes the data length and
// the envelope's tail from a stream that offers them.
type envelopeRecorder struct {
	bytes.Buffer
	length      int64
	tailWritten bool
}

func (r *envelopeRecorder) SetDataLength(n int64) { r.length = n }
func (r *envelopeRecorder) EnvelopeTail() string  { return "}" }
func (r *envelopeRecorder) TailWritten()          { r.tailWritten = true }

// TestAnswerCacheEnvelopeTail: an answer stored by a stream to a writer
// with an envelope tail is written with its tail (and the data length
// announced) to such a writer, and without it to any other; an answer
// stored without a tail is written as it is to both.
func TestAnswerCacheEnvelopeTail(t *testing.T) {
	st := storetest.OpenSQLite(t)
	cacheFixture(t, st, 4)
	s := New(st, nil)
	ctx := context.Background()
	for dst := int64(1); dst <= 3; dst++ {
		if _, err := s.AddInstAsst(ctx, caller("0"), AddInstAsstInput{ObjAsstID: asstRF, InstID: 1, AsstInstID: dst}); err != nil {
			t.Fatal(err)
		}
	}
	want := findText(t, s, nil, "0", "bk_router", "")
	stream := func(cache *AnswerCache, w io.Writer) {
		t.Helper()
		st, err := s.FindInstAsstsCached(ctx, caller("0"), "bk_router", nil, cache)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Stream(w); err != nil {
			t.Fatal(err)
		}
	}
	for _, storedWithTail := range []bool{true, false} {
		for _, tier := range cacheTiers {
			testEnvelopeTail(t, tier.name, tier.new(t, 1<<20), storedWithTail, stream, want)
		}
	}
}

func testEnvelopeTail(t *testing.T, tier string, c *AnswerCache, storedWithTail bool, stream func(*AnswerCache, io.Writer), want string) {
	for i := 0; i < 2; i++ { // ghost, then stored
		if storedWithTail {
			stream(c, &envelopeRecorder{})
		} else {
			stream(c, &bytes.Buffer{})
		}
	}
	before := c.Stats().Hits
	var plain bytes.Buffer
	stream(c, &plain)
	env := &envelopeRecorder{}
	stream(c, env)
	if c.Stats().Hits != before+2 {
		t.Fatalf("%s, stored with tail %v: not served from the cache", tier, storedWithTail)
	}
	if plain.String() != want {
		t.Errorf("%s, stored with tail %v, plain writer: %q, want %q", tier, storedWithTail, plain.String(), want)
	}
	wantEnv := want
	if storedWithTail {
		wantEnv += "}"
	}
	if env.String() != wantEnv || env.tailWritten != storedWithTail || env.length != int64(len(want)) {
		t.Errorf("%s, stored with tail %v, envelope writer: %q (tail written %v, length %d), want %q (length %d)",
			tier, storedWithTail, env.String(), env.tailWritten, env.length, wantEnv, len(want))
	}
}

// TestAnswerCacheHitsOutliveEviction: answers being written out by hits
// stay intact while writes of new versions and evictions take them out of
// the cache (their memory is freed by the last hit), and every answer
// written is the one of its key and version.
func TestAnswerCacheHitsOutliveEviction(t *testing.T) {
	for _, tier := range cacheTiers {
		t.Run(tier.name, func(t *testing.T) {
			testHitsOutliveEviction(t, tier.new(t, 1<<20)) // room for a few 200 KB answers
		})
	}
}

// testHitsOutliveEviction: on the disk tier, the hits' files are unlinked
// by the evictions while the hits, which opened them, wait to write them.
func testHitsOutliveEviction(t *testing.T, c *AnswerCache) {
	answer := func(key string, version int64) []byte {
		return bytes.Repeat([]byte(fmt.Sprintf("[%s@%d]", key, version)), 200<<10/12)
	}
	var versions [16]atomic.Int64
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var hits atomic.Int64
	var failed atomic.Bool
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for time.Now().Before(deadline) && !failed.Load() {
				k := rng.IntN(len(versions))
				if rng.IntN(8) == 0 {
					versions[k].Add(1) // a write
				}
				key, v := fmt.Sprint("k", k), versions[k].Load()
				want := answer(key, v)
				e, p := c.lookup(key, v)
				if e != nil {
					var got bytes.Buffer
					h, err := c.open(e)
					if err == nil {
						time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond) // evictions meanwhile
						err = h.writeTo(&got)
						h.close()
					}
					hits.Add(1)
					if err != nil || !bytes.Equal(got.Bytes(), want) {
						failed.Store(true)
						t.Errorf("%s@%d: hit answered %d bytes (%v), want %d", key, v, got.Len(), err, len(want))
					}
					continue
				}
				for b := want; len(b) > 0; b = b[min(len(b), 32<<10):] {
					p.write(b[:min(len(b), 32<<10)])
				}
				p.finish()
			}
		}()
	}
	wg.Wait()
	st := c.Stats()
	t.Logf("%d hits checked; %+v", hits.Load(), st)
	if hits.Load() == 0 || st.Evictions == 0 {
		t.Error("no hits or no evictions: the test did not test")
	}
	var mapped int64
	for _, e := range c.entries {
		for _, ch := range e.chunks {
			if cap(ch) >= offHeapMin {
				mapped += int64(cap(ch))
			}
		}
	}
	if got := c.Stats().OffHeap; got != mapped {
		t.Errorf("%d bytes mapped, the entries hold %d", got, mapped)
	}
}
