package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// config is everything the generator needs; main fills it from flags, the
// test directly.
type config struct {
	Target string // base URL of a running cmdb (loopback)
	Bin    string // or: a cmdb binary to start
	App    string // CODE:SECRET
	DB     string // with Bin: the server's --db (empty: embedded SQLite)

	Pairs    int // model pairs
	Insts    int // instances per model (at least)
	Assocs   int // instance associations per model association
	Answer   int // rows per answer (targets per source instance)
	LoadConc int // batch calls in flight during the load
	// LoadRound sends the load's calls round the pairs instead of one
	// pair after another.
	LoadRound bool

	C      int           // query concurrency
	D      time.Duration // duration of each query phase
	MaxReq int           // bound on requests per query phase

	Big     bool
	BigRows int
	BigReps int

	CaptureMax   int   // distinct answers kept for the replay
	CaptureBytes int64 // and their byte budget

	ReqTimeout time.Duration
	Timeout    time.Duration
	Seed       int64
	Keep       bool

	ReplayInProc bool // serve the replay from this process, not a child

	Out io.Writer
}

func defaultConfig() config {
	return config{
		App: "load:load-secret", Pairs: 2, Insts: 1000, Assocs: 100000, Answer: 2000, LoadConc: 4,
		C: 16, D: 20 * time.Second, MaxReq: 2_000_000,
		BigRows: 100_000, BigReps: 5,
		CaptureMax: 256, CaptureBytes: 256 << 20,
		ReqTimeout: 120 * time.Second, Timeout: 2 * time.Hour,
	}
}

func (c *config) validate() error {
	if (c.Target == "") == (c.Bin == "") {
		return errors.New("give exactly one of -target and -bin")
	}
	code, secret, ok := strings.Cut(c.App, ":")
	if !ok || code == "" || secret == "" {
		return errors.New("-app: want CODE:SECRET")
	}
	pos := map[string]int{"-pairs": c.Pairs, "-insts": c.Insts, "-assocs": c.Assocs, "-answer": c.Answer,
		"-load-conc": c.LoadConc, "-c": c.C, "-n": c.MaxReq, "-capture": c.CaptureMax}
	for name, v := range pos {
		if v <= 0 {
			return fmt.Errorf("%s must be > 0", name)
		}
	}
	if c.D <= 0 || c.ReqTimeout <= 0 || c.Timeout <= 0 {
		return errors.New("-d, -req-timeout and -timeout must be > 0")
	}
	if c.Big {
		if c.BigRows <= 0 || c.BigReps <= 0 {
			return errors.New("-big-rows and -big-reps must be > 0")
		}
		if c.Assocs < c.BigRows {
			return fmt.Errorf("-big needs -assocs ≥ -big-rows (%d): the big answer is drawn from one model association", c.BigRows)
		}
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return nil
}

// checkLoopback refuses any base URL that is not plain http on a loopback
// address.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("-target: %w", err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-target %q: want http://HOST:PORT", base)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("-target %q: not a loopback address; this generator only drives a local cmdb", base)
		}
		return nil
	}
	if host != "localhost" {
		return fmt.Errorf("-target %q: not a loopback address; this generator only drives a local cmdb", base)
	}
	addrs, err := net.LookupIP(host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("-target %q: cannot resolve localhost", base)
	}
	for _, ip := range addrs {
		if !ip.IsLoopback() {
			return fmt.Errorf("-target %q: localhost resolves to %s, not loopback", base, ip)
		}
	}
	return nil
}

// expRow is one expected instance-association row.
type expRow struct{ id, src, dst int64 }

// pair is one model pair: a source model, a target model and their n:n
// model association, with the expected rows of every source instance.
type pair struct {
	src, dst, asst string
	srcIDs, dstIDs []int64
	exp            [][]expRow // per source index: the rows, sorted by id after the load
}

// srcRef names a source instance: the key of one query.
type srcRef struct{ p, s int32 }

type runner struct {
	cfg          config
	base         string
	code, secret string
	out          io.Writer
	srv          *server // with -bin
	setupClient  *http.Client

	pairs     []*pair
	perSource int // targets per source (the answer size)
	nSources  int // sources with associations, per pair
	keys      []srcRef

	ver     verifier
	capMu   sync.Mutex
	capture map[string][]byte
	capKeys []srcRef
	capSize int64

	bigBody []byte
	bigExp  []expRow
	bigPair *pair

	rep *report
}

// run drives one whole measurement: setup, load, query against cmdb,
// query against the static replay, optionally the big answer.
func run(ctx context.Context, cfg config) (*report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if cfg.Seed == 0 {
		cfg.Seed = time.Now().UnixNano()
	}
	r := &runner{cfg: cfg, out: cfg.Out, rep: &report{}, capture: map[string][]byte{}}
	r.ver.hashes = map[string]uint64{}
	r.code, r.secret, _ = strings.Cut(cfg.App, ":")
	if cfg.Bin != "" {
		srv, err := startServer(ctx, cfg.Bin, cfg.App, cfg.DB, cfg.Keep, r.out)
		if err != nil {
			return nil, err
		}
		defer srv.stop(r.out)
		r.srv = srv
		r.base = srv.base
	} else {
		r.base = strings.TrimRight(cfg.Target, "/")
		if err := checkLoopback(r.base); err != nil {
			return nil, err
		}
	}
	r.setupClient = newHTTPClient(cfg.LoadConc, cfg.ReqTimeout)
	defer r.setupClient.CloseIdleConnections()

	if err := r.setup(ctx); err != nil {
		return r.rep, err
	}
	if err := r.load(ctx); err != nil {
		return r.rep, err
	}
	r.rssMark("after load")

	// (b) query against cmdb, capturing answers for the replay.
	cpu0 := r.serverCPU()
	q := r.queryPhase(ctx, "query cmdb", r.base, r.keys, true)
	q.ServerCPU, q.ServerWho = r.serverCPU()-cpu0, "cmdb"
	r.rep.Query = q
	r.printPhase(q)
	r.rssMark("after query")
	if ctx.Err() != nil {
		return r.rep, ctx.Err()
	}
	if cfg.Big {
		r.rep.BigCmdb = r.bigPhase(ctx, "big cmdb", r.base, true)
		r.printBig(r.rep.BigCmdb)
		r.rssMark("after big")
	}

	// (c) the same loop against a static server replaying cmdb's bytes, in
	// its own process unless -replay-inproc.
	var rp *replay
	var err error
	if cfg.ReplayInProc {
		rp, err = startReplay(r.capture)
	} else {
		rp, err = startReplayProcess(ctx, r.capture)
	}
	if err != nil {
		return r.rep, err
	}
	defer rp.close()
	big := ""
	if len(r.capture) > len(r.capKeys) {
		big = " + the big answer"
	}
	fmt.Fprintf(r.out, "replay: %d captured answers of %d source instances%s, %.1f MB, serving on %s %s\n",
		len(r.capKeys), len(r.keys), big, float64(r.capSize)/1e6, rp.base, rp.where())
	if len(r.capKeys) == 0 {
		return r.rep, errors.New("no verified answer was captured for the replay")
	}
	cpu0 = rp.cpu()
	s := r.queryPhase(ctx, "query static", rp.base, r.capKeys, false)
	s.ServerCPU, s.ServerWho = rp.cpu()-cpu0, "replay"
	r.rep.Replay = s
	r.printPhase(s)
	if cfg.Big && r.bigBody != nil {
		if _, ok := r.capture[string(r.bigBody)]; ok {
			r.rep.BigStatic = r.bigPhase(ctx, "big static", rp.base, false)
			r.printBig(r.rep.BigStatic)
		}
	}

	// (d) ratios and memory.
	r.printRatios()
	if r.srv != nil {
		hwm, rss := r.srv.memory()
		r.rep.PeakRSSKB = hwm
		fmt.Fprintf(r.out, "rss: cmdb peak VmHWM %.1f MB, VmRSS now %.1f MB (%s)\n",
			float64(hwm)/1024, float64(rss)/1024, strings.Join(r.rep.RSSMarks, ", "))
	}
	if n := r.rep.VerifyErrors(); n > 0 {
		fmt.Fprintf(r.out, "verification: %d errors; first ones:\n", n)
		for _, s := range r.rep.Samples {
			fmt.Fprintf(r.out, "  %s\n", s)
		}
	} else {
		fmt.Fprintln(r.out, "verification: every answer as expected")
	}
	return r.rep, ctx.Err()
}

func (r *runner) rssMark(when string) {
	if r.srv == nil {
		return
	}
	hwm, _ := r.srv.memory()
	r.rep.RSSMarks = append(r.rep.RSSMarks, fmt.Sprintf("%s %.1f MB", when, float64(hwm)/1024))
}

func (r *runner) serverCPU() time.Duration {
	if r.srv == nil {
		return 0
	}
	return r.srv.cpu()
}

// sample keeps the first few verification failures for the report.
func (r *runner) sample(s string) {
	r.capMu.Lock()
	defer r.capMu.Unlock()
	if len(r.rep.Samples) < 8 {
		r.rep.Samples = append(r.rep.Samples, s)
	}
}

func newHTTPClient(conc int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2*conc + 4,
		MaxIdleConnsPerHost: 2*conc + 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// ---- calls used by the setup and the load ----

type envelope struct {
	Result  bool            `json:"result"`
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (r *runner) post(ctx context.Context, path string, hdr http.Header, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+path, strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := r.setupClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// esb calls NAME through the ESB door and decodes data into out.
func (r *runner) esb(ctx context.Context, name string, fields map[string]any, out any) error {
	fields["bk_app_code"], fields["bk_app_secret"], fields["bk_username"] = r.code, r.secret, "admin"
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return r.call(ctx, "/api/c/compapi/v2/cc/"+name+"/", nil, body, out)
}

// gateway calls a native path through the gateway-style door.
func (r *runner) gateway(ctx context.Context, path string, fields map[string]any, out any) error {
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	auth, _ := json.Marshal(map[string]string{"bk_app_code": r.code, "bk_app_secret": r.secret, "bk_username": "admin"})
	return r.call(ctx, path, http.Header{"X-Bkapi-Authorization": {string(auth)}}, body, out)
}

func (r *runner) call(ctx context.Context, path string, hdr http.Header, body []byte, out any) error {
	status, b, err := r.post(ctx, path, hdr, body)
	if err != nil {
		return fmt.Errorf("POST %s: %w", path, err)
	}
	var env envelope
	if status != http.StatusOK || json.Unmarshal(b, &env) != nil || !env.Result || env.Code != 0 {
		return fmt.Errorf("POST %s %s → HTTP %d %s", path, clip(redactBody(body), 400), status, clip(b, 600))
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("POST %s: data: %w: %s", path, err, clip(b, 600))
		}
	}
	return nil
}

// redactBody hides the app secret in bodies quoted in errors.
func redactBody(b []byte) []byte {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	if _, ok := m["bk_app_secret"]; ok {
		m["bk_app_secret"] = "…"
	}
	out, _ := json.Marshal(m)
	return out
}

func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + fmt.Sprintf("…(%d bytes)", len(b))
}

// pool runs fn(0..jobs-1) on conc goroutines; the first error stops it.
func pool(ctx context.Context, conc, jobs int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(conc, jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= jobs {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// ---- setup: models, model associations, instances ----

type batchResult struct {
	SuccessCreated map[string]int64 `json:"success_created"`
	ErrorMsg       map[string]any   `json:"error_msg"`
}

// check verifies a per-item answer: every index 0..n-1 created, no error.
func (b *batchResult) check(n int) error {
	if len(b.ErrorMsg) != 0 {
		return fmt.Errorf("error_msg not empty: %v", b.ErrorMsg)
	}
	if len(b.SuccessCreated) != n {
		return fmt.Errorf("success_created has %d entries, want %d", len(b.SuccessCreated), n)
	}
	for i := range n {
		if id, ok := b.SuccessCreated[strconv.Itoa(i)]; !ok || id <= 0 {
			return fmt.Errorf("success_created lacks index %d", i)
		}
	}
	return nil
}

func (r *runner) setup(ctx context.Context) error {
	cfg := r.cfg
	r.perSource = min(cfg.Answer, cfg.Assocs)
	r.nSources = (cfg.Assocs + r.perSource - 1) / r.perSource
	nSrc := max(cfg.Insts, r.nSources)
	nDst := max(cfg.Insts, r.perSource)
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 7))
	tag := fmt.Sprintf("lg%06x", rng.Uint32()&0xffffff)
	fmt.Fprintf(r.out, "graph: %d pairs (models %s[s|d]N), per pair %d sources × %d targets = %d associations; %d source and %d target instances\n",
		cfg.Pairs, tag, r.nSources, r.perSource, cfg.Assocs, nSrc, nDst)
	if nSrc != cfg.Insts || nDst != cfg.Insts {
		fmt.Fprintf(r.out, "graph: note: -insts %d grown to fit -assocs %d and -answer %d\n", cfg.Insts, cfg.Assocs, cfg.Answer)
	}

	t0 := time.Now()
	for p := range cfg.Pairs {
		pr := &pair{src: fmt.Sprintf("%ss%d", tag, p), dst: fmt.Sprintf("%sd%d", tag, p)}
		pr.asst = pr.src + "_default_" + pr.dst
		for _, obj := range []string{pr.src, pr.dst} {
			if err := r.esb(ctx, "create_object", map[string]any{"bk_obj_id": obj, "bk_obj_name": obj,
				"bk_classification_id": "bk_network", "bk_obj_icon": "icon-cc-default"}, nil); err != nil {
				return fmt.Errorf("create_object: %w", err)
			}
		}
		if err := r.gateway(ctx, "/api/v3/create/objectassociation", map[string]any{
			"bk_obj_asst_id": pr.asst, "bk_obj_asst_name": "load", "bk_obj_id": pr.src, "bk_asst_obj_id": pr.dst,
			"bk_asst_id": "default", "mapping": "n:n", "on_delete": "none"}, nil); err != nil {
			return fmt.Errorf("create objectassociation: %w", err)
		}
		pr.srcIDs = make([]int64, nSrc)
		pr.dstIDs = make([]int64, nDst)
		r.pairs = append(r.pairs, pr)
	}

	// Instances: batch_create_inst, 200 per call, -load-conc in flight.
	type instJob struct {
		obj   string
		ids   []int64
		start int
		n     int
	}
	var jobs []instJob
	for _, pr := range r.pairs {
		for _, m := range []struct {
			obj string
			ids []int64
		}{{pr.src, pr.srcIDs}, {pr.dst, pr.dstIDs}} {
			for start := 0; start < len(m.ids); start += 200 {
				jobs = append(jobs, instJob{m.obj, m.ids, start, min(200, len(m.ids)-start)})
			}
		}
	}
	err := pool(ctx, cfg.LoadConc, len(jobs), func(ctx context.Context, i int) error {
		j := jobs[i]
		details := make([]map[string]any, j.n)
		for k := range details {
			details[k] = map[string]any{"bk_inst_name": fmt.Sprintf("%s-%d", j.obj, j.start+k)}
		}
		var res batchResult
		if err := r.esb(ctx, "batch_create_inst", map[string]any{"bk_obj_id": j.obj, "details": details}, &res); err != nil {
			return fmt.Errorf("batch_create_inst: %w", err)
		}
		if err := res.check(j.n); err != nil {
			return fmt.Errorf("batch_create_inst %s [%d,%d): %w", j.obj, j.start, j.start+j.n, err)
		}
		for k := range j.n {
			j.ids[j.start+k] = res.SuccessCreated[strconv.Itoa(k)]
		}
		return nil
	})
	if err != nil {
		return err
	}
	d := time.Since(t0)
	n := cfg.Pairs * (nSrc + nDst)
	fmt.Fprintf(r.out, "setup: %d models, %d model associations, %d instances in %s (%.0f instances/s)\n",
		2*cfg.Pairs, cfg.Pairs, n, d.Round(time.Millisecond), float64(n)/d.Seconds())
	return nil
}

// ---- (a) load: batch_create_instance_association ----

func (r *runner) load(ctx context.Context) error {
	cfg := r.cfg
	A := r.perSource
	for pi, pr := range r.pairs {
		pr.exp = make([][]expRow, r.nSources)
		for s := range r.nSources {
			n := min(A, cfg.Assocs-s*A)
			rows := make([]expRow, n)
			for j := range rows {
				rows[j] = expRow{src: pr.srcIDs[s], dst: pr.dstIDs[(s*A+j)%len(pr.dstIDs)]}
			}
			pr.exp[s] = rows
			r.keys = append(r.keys, srcRef{int32(pi), int32(s)})
		}
	}
	perPair := (cfg.Assocs + 199) / 200
	jobs := cfg.Pairs * perPair
	lats := make([]time.Duration, jobs)
	var done, failed atomic.Int64
	type detail struct {
		Inst int64 `json:"bk_inst_id"`
		Asst int64 `json:"bk_asst_inst_id"`
	}
	stopProgress := make(chan struct{})
	t0 := time.Now()
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		total := int64(cfg.Pairs) * int64(cfg.Assocs)
		for {
			select {
			case <-stopProgress:
				return
			case <-tick.C:
				n := done.Load()
				fmt.Fprintf(r.out, "load: … %d/%d associations (%.0f%%), %.0f/s\n", n, total,
					100*float64(n)/float64(total), float64(n)/time.Since(t0).Seconds())
			}
		}
	}()
	err := pool(ctx, cfg.LoadConc, jobs, func(ctx context.Context, i int) error {
		pr, k0 := r.pairs[i/perPair], (i%perPair)*200
		if cfg.LoadRound {
			// Round the pairs: the calls in flight are for different
			// model associations (whose creates can run at once; those
			// of one model association queue behind its row lock).
			pr, k0 = r.pairs[i%cfg.Pairs], (i/cfg.Pairs)*200
		}
		n := min(200, cfg.Assocs-k0)
		details := make([]detail, n)
		for k := range n {
			e := pr.exp[(k0+k)/A][(k0+k)%A]
			details[k] = detail{e.src, e.dst}
		}
		var res batchResult
		c0 := time.Now()
		err := r.esb(ctx, "batch_create_instance_association", map[string]any{"bk_obj_asst_id": pr.asst,
			"bk_obj_id": pr.src, "bk_asst_obj_id": pr.dst, "details": details}, &res)
		lats[i] = time.Since(c0)
		if err != nil {
			failed.Add(1)
			return fmt.Errorf("batch_create_instance_association: %w", err)
		}
		if err := res.check(n); err != nil {
			failed.Add(1)
			b, _ := json.Marshal(details)
			got, _ := json.Marshal(res)
			return fmt.Errorf("batch_create_instance_association %s items [%d,%d): %w\n  request details: %s\n  answer data: %s",
				pr.asst, k0, k0+n, err, clip(b, 400), clip(got, 800))
		}
		for k := range n {
			pr.exp[(k0+k)/A][(k0+k)%A].id = res.SuccessCreated[strconv.Itoa(k)]
		}
		done.Add(int64(n))
		return nil
	})
	close(stopProgress)
	wall := time.Since(t0)
	r.rep.LoadErrors = failed.Load()
	if err != nil {
		return err
	}
	for _, pr := range r.pairs {
		for _, rows := range pr.exp {
			slices.SortFunc(rows, func(a, b expRow) int { return cmpInt(a.id, b.id) })
		}
	}
	total := int64(cfg.Pairs) * int64(cfg.Assocs)
	slices.Sort(lats)
	r.rep.Load = loadResult{Assocs: total, Calls: jobs, Elapsed: wall, P50: pct(lats, 50), P99: pct(lats, 99)}
	fmt.Fprintf(r.out, "load: %d associations in %s = %.0f associations/s (%d batch_create_instance_association calls, %d in flight; call p50 %s p99 %s); every item created\n",
		total, wall.Round(time.Millisecond), float64(total)/wall.Seconds(), jobs, cfg.LoadConc,
		fmtDur(r.rep.Load.P50), fmtDur(r.rep.Load.P99))

	if cfg.Big {
		r.prepareBig()
	}
	return nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// queryBody is the find_instance_association request for one source
// instance, through the ESB door.
func (r *runner) queryBody(dst []byte, ref srcRef) []byte {
	pr := r.pairs[ref.p]
	dst = append(dst, `{"bk_app_code":`...)
	dst = strconv.AppendQuote(dst, r.code)
	dst = append(dst, `,"bk_app_secret":`...)
	dst = strconv.AppendQuote(dst, r.secret)
	dst = append(dst, `,"bk_username":"admin","bk_obj_id":`...)
	dst = strconv.AppendQuote(dst, pr.src)
	dst = append(dst, `,"condition":{"bk_obj_asst_id":`...)
	dst = strconv.AppendQuote(dst, pr.asst)
	dst = append(dst, `,"bk_inst_id":`...)
	dst = strconv.AppendInt(dst, pr.srcIDs[ref.s], 10)
	dst = append(dst, "}}"...)
	return dst
}

// prepareBig picks the big answer: the first BigRows rows (by id) of the
// first model association — all of them when it holds exactly BigRows.
func (r *runner) prepareBig() {
	pr := r.pairs[0]
	var all []expRow
	for _, rows := range pr.exp {
		all = append(all, rows...)
	}
	slices.SortFunc(all, func(a, b expRow) int { return cmpInt(a.id, b.id) })
	r.bigExp = all[:r.cfg.BigRows]
	r.bigPair = pr
	cond := map[string]any{"bk_obj_asst_id": pr.asst}
	if len(all) > r.cfg.BigRows {
		cond["id"] = map[string]any{"$lte": r.bigExp[len(r.bigExp)-1].id}
	}
	body, _ := json.Marshal(map[string]any{"bk_app_code": r.code, "bk_app_secret": r.secret, "bk_username": "admin",
		"bk_obj_id": pr.src, "condition": cond})
	r.bigBody = body
}
