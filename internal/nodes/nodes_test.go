package nodes

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestTwoNodesStartTogether: two nodes started at the same moment on an
// empty schema both come up (the migrations and the presets are written
// once, by whichever node gets there first) and agree on the preset data.
func TestTwoNodesStartTogether(t *testing.T) {
	c := newCluster(t, 2)
	ctx := context.Background()
	for _, nd := range c.nodes {
		objs := decode[[]map[string]any](t, "search_objects", must(t, nd.name+" search_objects",
			nd.esb(ctx, "search_objects", map[string]any{})))
		cls := decode[[]map[string]any](t, "search_classifications", must(t, nd.name+" search_classifications",
			nd.esb(ctx, "search_classifications", map[string]any{})))
		if len(objs) != 12 || len(cls) != 5 {
			t.Errorf("%s: %d models, %d classifications; want the presets once: 12, 5", nd.name, len(objs), len(cls))
		}
	}
	var presets int
	if err := c.admin.QueryRow(`SELECT count(*) FROM ` + c.schema + `.objects`).Scan(&presets); err != nil {
		t.Fatal(err)
	}
	if presets != 12 {
		t.Errorf("objects table holds %d rows, want 12", presets)
	}
}

// TestWriteThroughOneReadThroughOther: every write answered by one node is
// seen by the very next read through the other (no node caches anything
// that a write elsewhere could make stale).
func TestWriteThroughOneReadThroughOther(t *testing.T) {
	c := newCluster(t, 2)
	ctx := context.Background()
	a, b := c.nodes[0], c.nodes[1]
	for round := range 10 {
		w, r := a, b
		if round%2 == 1 {
			w, r = b, a
		}
		src, dst := fmt.Sprintf("%sv%ds", c.tag, round), fmt.Sprintf("%sv%dd", c.tag, round)
		objID := c.createModel(w, src)
		found := decode[[]struct {
			ID    int64  `json:"id"`
			ObjID string `json:"bk_obj_id"`
		}](t, "search_objects", must(t, "search_objects", r.esb(ctx, "search_objects",
			map[string]any{"bk_obj_id": src})))
		if len(found) != 1 || found[0].ID != objID {
			t.Fatalf("round %d: model %s (id %d) created through %s; %s finds %+v", round, src, objID, w.name, r.name, found)
		}
		c.createModel(r, dst)
		// The model association through one node, then at once an
		// instance association through the other.
		asst := c.createObjAsst(w, src, "default", dst, "n:n")
		oa := decode[[]map[string]any](t, "find_object_association", must(t, "find_object_association",
			r.esb(ctx, "find_object_association", map[string]any{"condition": map[string]any{"bk_obj_asst_id": asst}})))
		if len(oa) != 1 {
			t.Fatalf("round %d: model association %s created through %s; %s finds %d", round, asst, w.name, r.name, len(oa))
		}
		inst := decode[map[string]any](t, "create_inst", must(t, "create_inst", w.esb(ctx, "create_inst",
			map[string]any{"bk_obj_id": src, "bk_inst_name": "s"})))
		sid := int64(inst["bk_inst_id"].(float64))
		got := c.allInstances(r, src)
		if len(got) != 1 || got[0].ID != sid || got[0].Name != "s" {
			t.Fatalf("round %d: instance %d created through %s; %s lists %+v", round, sid, w.name, r.name, got)
		}
		did := c.createInstances(r, dst, []string{"d"})[0]
		res := decode[struct {
			ID int64 `json:"id"`
		}](t, "add_instance_association", must(t, "add_instance_association", w.esb(ctx, "add_instance_association",
			map[string]any{"bk_obj_asst_id": asst, "bk_inst_id": sid, "bk_asst_inst_id": did})))
		rows := c.findAssts(r, src, asst, map[string]any{"bk_inst_id": sid})
		if len(rows) != 1 || rows[0].ID != res.ID || rows[0].AsstInstID != did || rows[0].ObjID != src || rows[0].AsstObjID != dst {
			t.Fatalf("round %d: association %d (%d→%d) created through %s; %s finds %+v", round, res.ID, sid, did, w.name, r.name, rows)
		}
		// An update and a delete through the reader, seen at once by the
		// writer.
		must(t, "update_inst", r.esb(ctx, "update_inst", map[string]any{"bk_obj_id": src, "bk_inst_id": sid, "bk_inst_name": "s2"}))
		if got := c.allInstances(w, src); len(got) != 1 || got[0].Name != "s2" {
			t.Fatalf("round %d: renamed through %s; %s lists %+v", round, r.name, w.name, got)
		}
		must(t, "delete_instance_association", r.esb(ctx, "delete_instance_association",
			map[string]any{"bk_obj_id": src, "id": res.ID}))
		if rows := c.findAssts(w, src, asst, nil); len(rows) != 0 {
			t.Fatalf("round %d: association %d deleted through %s; %s still finds %+v", round, res.ID, r.name, w.name, rows)
		}
	}
}

// TestMappingRacesAcrossNodes: 2×16 goroutines, half through each node,
// create instance associations that the mapping (or duplicate) rule allows
// only one of: exactly one wins, every other gets the rule's own error, and
// both nodes then read exactly the winner.
func TestMappingRacesAcrossNodes(t *testing.T) {
	const racers = 32
	const rounds = 4
	c := newCluster(t, 2)
	a, b := c.nodes[0], c.nodes[1]
	type pair struct {
		asst     string
		src, dst string
		srcIDs   []int64
		dstIDs   []int64
		nextSrc  int
		nextDst  int
		takeSrc  func(n int) []int64
		takeDsts func(n int) []int64
	}
	mk := func(mapping, short string) *pair {
		p := &pair{src: c.tag + short + "s", dst: c.tag + short + "d"}
		c.createModel(a, p.src)
		c.createModel(b, p.dst)
		p.asst = c.createObjAsst(a, p.src, "default", p.dst, mapping)
		n := rounds * racers * 3
		p.srcIDs = c.createInstances(a, p.src, names("s", n))
		p.dstIDs = c.createInstances(b, p.dst, names("d", n))
		return p
	}
	take := func(ids []int64, next *int, n int) []int64 {
		out := ids[*next : *next+n]
		*next += n
		return out
	}
	add := func(p *pair, src, dst int64) func(i int, nd *node) reply {
		return func(i int, nd *node) reply {
			return nd.esb(context.Background(), "add_instance_association",
				map[string]any{"bk_obj_asst_id": p.asst, "bk_inst_id": src, "bk_asst_inst_id": dst})
		}
	}
	oneToOne, oneToN, nToN := mk("1:1", "o"), mk("1:n", "m"), mk("n:n", "x")

	type race struct {
		name string
		p    *pair
		// pairs[i] is racer i's (source, target).
		pairs    func(p *pair) [][2]int64
		wantCode int64 // the losers' code; 0: every racer wins
	}
	races := []race{
		{"1:1 same source", oneToOne, func(p *pair) [][2]int64 {
			s := take(p.srcIDs, &p.nextSrc, 1)[0]
			var out [][2]int64
			for _, d := range take(p.dstIDs, &p.nextDst, racers) {
				out = append(out, [2]int64{s, d})
			}
			return out
		}, 1101052},
		{"1:1 same target", oneToOne, func(p *pair) [][2]int64 {
			d := take(p.dstIDs, &p.nextDst, 1)[0]
			var out [][2]int64
			for _, s := range take(p.srcIDs, &p.nextSrc, racers) {
				out = append(out, [2]int64{s, d})
			}
			return out
		}, 1101052},
		{"1:1 exact duplicates", oneToOne, func(p *pair) [][2]int64 {
			s, d := take(p.srcIDs, &p.nextSrc, 1)[0], take(p.dstIDs, &p.nextDst, 1)[0]
			return slices.Repeat([][2]int64{{s, d}}, racers)
		}, 1101052},
		{"1:n same target", oneToN, func(p *pair) [][2]int64 {
			d := take(p.dstIDs, &p.nextDst, 1)[0]
			var out [][2]int64
			for _, s := range take(p.srcIDs, &p.nextSrc, racers) {
				out = append(out, [2]int64{s, d})
			}
			return out
		}, 1101061},
		{"1:n same source, distinct targets (all win)", oneToN, func(p *pair) [][2]int64 {
			s := take(p.srcIDs, &p.nextSrc, 1)[0]
			var out [][2]int64
			for _, d := range take(p.dstIDs, &p.nextDst, racers) {
				out = append(out, [2]int64{s, d})
			}
			return out
		}, 0},
		{"n:n exact duplicates", nToN, func(p *pair) [][2]int64 {
			s, d := take(p.srcIDs, &p.nextSrc, 1)[0], take(p.dstIDs, &p.nextDst, 1)[0]
			return slices.Repeat([][2]int64{{s, d}}, racers)
		}, 1199014},
		{"n:n same source, distinct targets (all win)", nToN, func(p *pair) [][2]int64 {
			s := take(p.srcIDs, &p.nextSrc, 1)[0]
			var out [][2]int64
			for _, d := range take(p.dstIDs, &p.nextDst, racers) {
				out = append(out, [2]int64{s, d})
			}
			return out
		}, 0},
	}
	var allIDs []int64
	var slowest time.Duration
	for _, rc := range races {
		t.Run(rc.name, func(t *testing.T) {
			for round := range rounds {
				pairs := rc.pairs(rc.p)
				out := c.race(racers, func(i int, nd *node) reply { return add(rc.p, pairs[i][0], pairs[i][1])(i, nd) })
				var winners []int
				for i, r := range out {
					slowest = max(slowest, r.Dur)
					switch {
					case r.ok():
						winners = append(winners, i)
						allIDs = append(allIDs, decode[struct {
							ID int64 `json:"id"`
						}](t, "add_instance_association", r.Data).ID)
					case rc.wantCode != 0 && r.Err == nil && r.Code == rc.wantCode:
					default:
						t.Errorf("round %d racer %d (%s): %s", round, i, c.nodes[i%2].name, r)
					}
				}
				want := 1
				if rc.wantCode == 0 {
					want = racers
				}
				if len(winners) != want {
					t.Errorf("round %d: %d winners %v, want %d", round, len(winners), winners, want)
				}
				// Both nodes read exactly the winners' rows.
				for _, nd := range c.nodes {
					rows := c.findAssts(nd, rc.p.src, rc.p.asst, map[string]any{"bk_inst_id": map[string]any{"$in": srcsOf(pairs)}})
					if len(rows) != len(winners) {
						t.Errorf("round %d: %s finds %d rows for the racers' sources, want %d", round, nd.name, len(rows), len(winners))
					}
				}
			}
		})
	}
	// The mapping holds over the whole model association.
	for _, p := range []*pair{oneToOne, oneToN} {
		rows := c.findAssts(b, p.src, p.asst, nil)
		perSrc, perDst := map[int64]int{}, map[int64]int{}
		for _, r := range rows {
			perSrc[r.InstID]++
			perDst[r.AsstInstID]++
		}
		for id, n := range perDst {
			if n > 1 {
				t.Errorf("%s: target %d has %d sources", p.asst, id, n)
			}
		}
		if p == oneToOne {
			for id, n := range perSrc {
				if n > 1 {
					t.Errorf("%s: source %d has %d targets", p.asst, id, n)
				}
			}
		}
	}
	idSet(t, "association ids", allIDs)
	t.Logf("%d races of %d requests (16 per node), %d associations created; slowest answer %s",
		len(races)*rounds, racers, len(allIDs), slowest.Round(time.Millisecond))
}

func srcsOf(pairs [][2]int64) []int64 {
	var out []int64
	for _, p := range pairs {
		if !slices.Contains(out, p[0]) {
			out = append(out, p[0])
		}
	}
	return out
}

// TestConcurrentBatchesAcrossNodes: batch creates through both nodes at
// once: unique ids, every row present afterwards, per-item answers that
// add up, and overlapping batches that create every pair exactly once.
func TestConcurrentBatchesAcrossNodes(t *testing.T) {
	const (
		workers   = 4 // per node
		calls     = 6 // per worker
		instBatch = 50
		asstBatch = 100
		targets   = 100
	)
	c := newCluster(t, 2)
	a, b := c.nodes[0], c.nodes[1]
	ctx := context.Background()
	src, dst := c.tag+"bs", c.tag+"bd"
	c.createModel(a, src)
	c.createModel(b, dst)
	dstIDs := c.createInstances(b, dst, names("d", targets))

	// batch_create_inst: 2 nodes × 4 workers × 6 calls × 50 items.
	type job struct {
		nd   *node
		w, k int
	}
	run := func(fn func(j job) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 2*workers*calls)
		for ni, nd := range c.nodes {
			for w := range workers {
				wg.Go(func() {
					for k := range calls {
						if err := fn(job{nd, ni*workers + w, k}); err != nil {
							errs <- err
							return
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	var mu sync.Mutex
	nameOf := map[int64]string{}
	var instIDs []int64
	t0 := time.Now()
	run(func(j job) error {
		details := make([]map[string]any, instBatch)
		for i := range details {
			details[i] = map[string]any{"bk_inst_name": fmt.Sprintf("b-%d-%d-%d", j.w, j.k, i)}
		}
		r := j.nd.esb(ctx, "batch_create_inst", map[string]any{"bk_obj_id": src, "details": details})
		if !r.ok() {
			return fmt.Errorf("batch_create_inst through %s: %s", j.nd.name, r)
		}
		res := decode[batchResult](t, "batch_create_inst", r.Data)
		if len(res.Errors) != 0 || len(res.Created) != instBatch {
			return fmt.Errorf("batch_create_inst through %s: %d created, errors %v", j.nd.name, len(res.Created), res.Errors)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range instBatch {
			id := res.Created[strconv.Itoa(i)]
			instIDs = append(instIDs, id)
			nameOf[id] = details[i]["bk_inst_name"].(string)
		}
		return nil
	})
	instTime := time.Since(t0)
	nInst := 2 * workers * calls * instBatch
	if len(instIDs) != nInst {
		t.Fatalf("%d instances created, want %d", len(instIDs), nInst)
	}
	idSet(t, "instance ids", instIDs)
	for _, nd := range c.nodes {
		got := c.allInstances(nd, src)
		if len(got) != nInst {
			t.Errorf("%s lists %d instances, want %d", nd.name, len(got), nInst)
		}
		for _, r := range got {
			if nameOf[r.ID] != r.Name {
				t.Errorf("%s: instance %d named %q, created as %q", nd.name, r.ID, r.Name, nameOf[r.ID])
				break
			}
		}
	}
	slices.Sort(instIDs)

	// batch_create_instance_association, disjoint pairs: every item wins.
	asst := c.createObjAsst(a, src, "default", dst, "n:n")
	pairOf := func(k int) [2]int64 { return [2]int64{instIDs[k/targets], dstIDs[k%targets]} }
	wantPair := map[int64][2]int64{}
	var asstIDs []int64
	t0 = time.Now()
	run(func(j job) error {
		k0 := (j.w*calls + j.k) * asstBatch
		details := make([]map[string]any, asstBatch)
		for i := range details {
			p := pairOf(k0 + i)
			details[i] = map[string]any{"bk_inst_id": p[0], "bk_asst_inst_id": p[1]}
		}
		r := j.nd.esb(ctx, "batch_create_instance_association", map[string]any{"bk_obj_asst_id": asst,
			"bk_obj_id": src, "bk_asst_obj_id": dst, "details": details})
		if !r.ok() {
			return fmt.Errorf("batch_create_instance_association through %s: %s", j.nd.name, r)
		}
		res := decode[batchResult](t, "batch_create_instance_association", r.Data)
		if len(res.Errors) != 0 || len(res.Created) != asstBatch {
			return fmt.Errorf("batch_create_instance_association through %s: %d created, errors %v", j.nd.name, len(res.Created), res.Errors)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range asstBatch {
			id := res.Created[strconv.Itoa(i)]
			asstIDs = append(asstIDs, id)
			wantPair[id] = pairOf(k0 + i)
		}
		return nil
	})
	asstTime := time.Since(t0)
	nAsst := 2 * workers * calls * asstBatch
	idSet(t, "association ids", asstIDs)
	for _, nd := range c.nodes {
		rows := c.findAssts(nd, src, asst, nil)
		if len(rows) != nAsst {
			t.Errorf("%s finds %d associations, want %d", nd.name, len(rows), nAsst)
		}
		for _, r := range rows {
			if p := wantPair[r.ID]; p != [2]int64{r.InstID, r.AsstInstID} {
				t.Errorf("%s: association %d is %d→%d, created as %v", nd.name, r.ID, r.InstID, r.AsstInstID, p)
				break
			}
		}
	}

	// Overlapping batches: the same 8 batches sent through both nodes at
	// once, under an n:n and under a 1:1 association. n:n: every pair is
	// created exactly once, the other answer saying it exists. 1:1: the
	// batches through B shift the targets by one, so that items compete
	// for sources and targets; the rows left obey 1:1 and match the
	// answers exactly.
	overlap := func(asst, mapping string, shift int) (created int, itemErrs map[string]int) {
		t.Helper()
		const batches, per = 8, 50
		itemErrs = map[string]int{}
		type answer struct {
			res batchResult
			r   reply
		}
		out := make([][2]answer, batches)
		detailsOf := func(bi, side int) []map[string]any {
			d := make([]map[string]any, per)
			for i := range d {
				k := bi*per + i
				d[i] = map[string]any{"bk_inst_id": instIDs[k], "bk_asst_inst_id": dstIDs[(k+side*shift)%targets]}
			}
			return d
		}
		c.race(2*batches, func(i int, nd *node) reply {
			bi, side := i/2, i%2
			r := nd.esb(ctx, "batch_create_instance_association", map[string]any{"bk_obj_asst_id": asst,
				"bk_obj_id": src, "bk_asst_obj_id": dst + mapping, "details": detailsOf(bi, side)})
			out[bi][side].r = r
			return r
		})
		got := map[[2]int64]int64{}
		for bi := range batches {
			for side := range 2 {
				an := out[bi][side]
				if !an.r.ok() {
					t.Errorf("overlapping batch %d through %s: %s", bi, c.nodes[side].name, an.r)
					continue
				}
				res := decode[batchResult](t, "batch_create_instance_association", an.r.Data)
				if len(res.Created)+len(res.Errors) != per {
					t.Errorf("batch %d: %d created + %d errors, want %d items", bi, len(res.Created), len(res.Errors), per)
				}
				d := detailsOf(bi, side)
				for key, id := range res.Created {
					i, _ := strconv.Atoi(key)
					p := [2]int64{d[i]["bk_inst_id"].(int64), d[i]["bk_asst_inst_id"].(int64)}
					if old, dup := got[p]; dup {
						t.Errorf("pair %v created twice: ids %d and %d", p, old, id)
					}
					got[p] = id
				}
				for _, msg := range res.Errors {
					itemErrs[msg]++
				}
			}
		}
		rows := c.findAssts(a, src, asst, nil)
		if len(rows) != len(got) {
			t.Errorf("%s: %d rows, answers report %d created", asst, len(rows), len(got))
		}
		perSrc, perDst := map[int64]int{}, map[int64]int{}
		for _, r := range rows {
			if got[[2]int64{r.InstID, r.AsstInstID}] != r.ID {
				t.Errorf("%s: row %d (%d→%d) not reported created", asst, r.ID, r.InstID, r.AsstInstID)
			}
			perSrc[r.InstID]++
			perDst[r.AsstInstID]++
		}
		if mapping == "" {
			if len(rows) != batches*per {
				t.Errorf("%s: %d rows, want every one of the %d pairs once", asst, len(rows), batches*per)
			}
		} else {
			for id, n := range perSrc {
				if n > 1 {
					t.Errorf("%s: source %d has %d targets", asst, id, n)
				}
			}
			for id, n := range perDst {
				if n > 1 {
					t.Errorf("%s: target %d has %d sources", asst, id, n)
				}
			}
		}
		return len(got), itemErrs
	}
	overNN := c.createObjAsst(b, src, "connect", dst, "n:n")
	nnCreated, nnErrs := overlap(overNN, "", 0)
	wantMsg := fmt.Sprintf("the associations %s->%s already exist", src, dst)
	if nnErrs[wantMsg] != nnCreated || len(nnErrs) != 1 {
		t.Errorf("overlapping n:n batches: item errors %v, want %d × %q", nnErrs, nnCreated, wantMsg)
	}
	// A 1:1 association needs a target model of its own suffix (the batch
	// checks bk_asst_obj_id is a suffix of bk_obj_asst_id).
	dst11 := dst + "1"
	c.createModel(a, dst11)
	dstIDs = c.createInstances(b, dst11, names("e", targets))
	over11 := c.createObjAsst(a, src, "belong", dst11, "1:1")
	c11, e11 := overlap(over11, "1", 1)
	for msg := range e11 {
		if msg != "can not create multiple instance association for a 1:1 association." &&
			msg != fmt.Sprintf("the associations %s->%s already exist", src, dst11) {
			t.Errorf("overlapping 1:1 batches: item error %q", msg)
		}
	}
	t.Logf("batch_create_inst: %d instances in %d calls through 2 nodes (8 in flight) in %s; "+
		"batch_create_instance_association: %d associations in %d calls in %s; overlapping n:n batches: %d created once, %d refused as existing; "+
		"overlapping 1:1 batches: %d created, item errors %v",
		nInst, 2*workers*calls, instTime.Round(time.Millisecond), nAsst, 2*workers*calls, asstTime.Round(time.Millisecond),
		nnCreated, nnErrs[wantMsg], c11, e11)
}

// TestIDsNeverCollide: single and batch creates of instances and
// associations, and model creates, through both nodes at once — and one
// node restarted midway, so that it takes fresh id blocks — never hand out
// the same id twice; each goroutine's ids, taken one after another through
// one node, increase.
func TestIDsNeverCollide(t *testing.T) {
	const workers = 6 // per node
	c := newCluster(t, 2)
	ctx := context.Background()
	src, dst := c.tag+"is", c.tag+"id"
	c.createModel(c.nodes[0], src)
	c.createModel(c.nodes[1], dst)
	asst := c.createObjAsst(c.nodes[0], src, "default", dst, "n:n")
	dstIDs := c.createInstances(c.nodes[1], dst, names("d", 50))

	type seqID struct {
		seq  string
		id   int64
		node string
		w    int
	}
	var mu sync.Mutex
	var all []seqID
	phase := func(p int) {
		var wg sync.WaitGroup
		errs := make(chan error, 2*workers)
		for ni, nd := range c.nodes {
			for w := range workers {
				wg.Go(func() {
					var mine []seqID
					defer func() {
						mu.Lock()
						all = append(all, mine...)
						mu.Unlock()
					}()
					wid := p*100 + ni*workers + w
					for k := range 40 {
						name := fmt.Sprintf("i-%d-%d", wid, k)
						r := nd.esb(ctx, "create_inst", map[string]any{"bk_obj_id": src, "bk_inst_name": name})
						if !r.ok() {
							errs <- fmt.Errorf("create_inst through %s: %s", nd.name, r)
							return
						}
						id := int64(decode[map[string]any](t, "create_inst", r.Data)["bk_inst_id"].(float64))
						mine = append(mine, seqID{"instance", id, nd.name, wid})
						r = nd.esb(ctx, "add_instance_association", map[string]any{"bk_obj_asst_id": asst,
							"bk_inst_id": id, "bk_asst_inst_id": dstIDs[k%len(dstIDs)]})
						if !r.ok() {
							errs <- fmt.Errorf("add_instance_association through %s: %s", nd.name, r)
							return
						}
						mine = append(mine, seqID{"association", decode[struct {
							ID int64 `json:"id"`
						}](t, "add_instance_association", r.Data).ID, nd.name, wid})
						if k%10 == 9 {
							details := make([]map[string]any, 30)
							for i := range details {
								details[i] = map[string]any{"bk_inst_name": fmt.Sprintf("%s-b%d", name, i)}
							}
							r = nd.esb(ctx, "batch_create_inst", map[string]any{"bk_obj_id": src, "details": details})
							if !r.ok() {
								errs <- fmt.Errorf("batch_create_inst through %s: %s", nd.name, r)
								return
							}
							res := decode[batchResult](t, "batch_create_inst", r.Data)
							for i := range details {
								id, ok := res.Created[strconv.Itoa(i)]
								if !ok {
									errs <- fmt.Errorf("batch_create_inst through %s: item %d: %v", nd.name, i, res.Errors)
									return
								}
								mine = append(mine, seqID{"instance", id, nd.name, wid})
							}
						}
						if k%20 == 0 {
							obj := fmt.Sprintf("%so%d_%d", c.tag, wid, k)
							r = nd.esb(ctx, "create_object", map[string]any{"bk_obj_id": obj, "bk_obj_name": obj,
								"bk_classification_id": "bk_network", "bk_obj_icon": "icon-cc-default"})
							if !r.ok() {
								errs <- fmt.Errorf("create_object through %s: %s", nd.name, r)
								return
							}
							mine = append(mine, seqID{"model", decode[struct {
								ID int64 `json:"id"`
							}](t, "create_object", r.Data).ID, nd.name, wid})
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	phase(0)
	c.restart(0)
	phase(1)

	type workerSeq struct {
		w   int
		seq string
	}
	bySeq := map[string][]int64{}
	byWorker := map[workerSeq][]int64{}
	for _, s := range all {
		bySeq[s.seq] = append(bySeq[s.seq], s.id)
		byWorker[workerSeq{s.w, s.seq}] = append(byWorker[workerSeq{s.w, s.seq}], s.id)
	}
	for seq, ids := range bySeq {
		idSet(t, seq+" ids", ids)
	}
	for ws, ids := range byWorker {
		if !slices.IsSorted(ids) {
			t.Errorf("worker %d: %s ids taken one after another through one node do not increase: %v", ws.w, ws.seq, ids)
		}
	}
	// Every id handed out is there, once.
	insts := c.allInstances(c.nodes[1], src)
	if len(insts) != len(bySeq["instance"]) {
		t.Errorf("%d instances listed, %d ids handed out", len(insts), len(bySeq["instance"]))
	}
	rows := c.findAssts(c.nodes[0], src, asst, nil)
	if len(rows) != len(bySeq["association"]) {
		t.Errorf("%d associations found, %d ids handed out", len(rows), len(bySeq["association"]))
	}
	// How the two nodes' blocks interleave.
	nodeOf := map[int64]string{}
	for _, s := range all {
		if s.seq == "instance" {
			nodeOf[s.id] = s.node
		}
	}
	ids := slices.Sorted(func(yield func(int64) bool) {
		for id := range nodeOf {
			if !yield(id) {
				return
			}
		}
	})
	runs := 0
	for i := range ids {
		if i == 0 || nodeOf[ids[i]] != nodeOf[ids[i-1]] {
			runs++
		}
	}
	t.Logf("%d instance ids, %d association ids, %d model ids through 2 nodes (12 goroutines, node A restarted once): no repeat; "+
		"instance ids form %d runs of one node's blocks (ids %d..%d)",
		len(bySeq["instance"]), len(bySeq["association"]), len(bySeq["model"]), runs, ids[0], ids[len(ids)-1])
}
