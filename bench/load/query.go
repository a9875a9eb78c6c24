package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const findPath = "/api/c/compapi/v2/cc/find_instance_association/"

// phaseResult is one query phase: the closed client loop at concurrency C
// for D against one server.
type phaseResult struct {
	Name      string
	Requests  int64 // completed requests (verified or not)
	Errors    int64 // answers that failed verification, transport errors
	Rows      int64 // rows in verified answers
	Bytes     int64 // body bytes read
	Elapsed   time.Duration
	P50, P99  time.Duration
	Max       time.Duration
	ServerCPU time.Duration // the server's user+system CPU during the phase: cmdb's with -bin, the replay's in its own process
	ServerWho string        // whose ServerCPU: "cmdb" or "replay"
	SelfCPU   time.Duration // this process's CPU during the phase (client; and the replay server with -replay-inproc)
}

// queryPhase runs the client loop: C workers, each picking a random source
// instance of keys, POSTing find_instance_association, reading the body to
// the last byte (that is the latency) and verifying it.
func (r *runner) queryPhase(ctx context.Context, name, base string, keys []srcRef, capture bool) phaseResult {
	cfg := r.cfg
	hc := newHTTPClient(cfg.C, cfg.ReqTimeout)
	defer hc.CloseIdleConnections()
	url := base + findPath
	var issued, reqs, errs, rows, nbytes atomic.Int64
	lats := make([][]time.Duration, cfg.C)
	start := time.Now()
	cpu0 := selfCPU()
	deadline := start.Add(cfg.D)
	var wg sync.WaitGroup
	for w := range cfg.C {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(w)+1000))
			var buf bytes.Buffer
			var body []byte
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if issued.Add(1) > int64(cfg.MaxReq) {
					return
				}
				ref := keys[rng.IntN(len(keys))]
				body = r.queryBody(body[:0], ref)
				t0 := time.Now()
				status, err := doPost(ctx, hc, url, body, &buf, nil)
				lat := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					return
				}
				reqs.Add(1)
				nbytes.Add(int64(buf.Len()))
				lats[w] = append(lats[w], lat)
				if err != nil {
					errs.Add(1)
					r.sample(fmt.Sprintf("%s: POST %s %s: %v", name, findPath, redactBody(body), err))
					continue
				}
				pr := r.pairs[ref.p]
				exp := pr.exp[ref.s]
				if err := r.ver.verify(body, status, buf.Bytes(), pr, exp); err != nil {
					errs.Add(1)
					r.sample(fmt.Sprintf("%s: POST %s %s → HTTP %d %s: %v", name, findPath, redactBody(body), status, clip(buf.Bytes(), 600), err))
					continue
				}
				rows.Add(int64(len(exp)))
				if capture {
					r.keep(body, buf.Bytes(), ref)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	self := selfCPU() - cpu0
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	res := phaseResult{Name: name, Requests: reqs.Load(), Errors: errs.Load(), Rows: rows.Load(),
		Bytes: nbytes.Load(), Elapsed: elapsed, P50: pct(all, 50), P99: pct(all, 99), SelfCPU: self}
	if len(all) > 0 {
		res.Max = all[len(all)-1]
	}
	return res
}

// doPost sends one request and reads the whole body into buf; trace, when
// given, sees the first response byte.
func doPost(ctx context.Context, hc *http.Client, url string, body []byte, buf *bytes.Buffer, trace *httptrace.ClientTrace) (int, error) {
	buf.Reset()
	if trace != nil {
		ctx = httptrace.WithClientTrace(ctx, trace)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

// keep captures a verified answer for the replay, once per request body,
// within the count and byte budget.
// The big answer (ref.p < 0) is kept regardless of the budget.
func (r *runner) keep(body, answer []byte, ref srcRef) {
	r.capMu.Lock()
	defer r.capMu.Unlock()
	if ref.p >= 0 && (len(r.capKeys) >= r.cfg.CaptureMax ||
		(len(r.capKeys) > 0 && r.capSize+int64(len(answer)) > r.cfg.CaptureBytes)) {
		return
	}
	if _, ok := r.capture[string(body)]; ok {
		return
	}
	r.capture[string(body)] = bytes.Clone(answer)
	r.capSize += int64(len(answer))
	if ref.p >= 0 {
		r.capKeys = append(r.capKeys, ref)
	}
}

// ---- verification ----

// verifier checks answers. The first answer to a request is decoded and
// checked row by row against the expected set; the hash of its data part
// is then remembered, and a later answer to the same request whose
// envelope is the exact success envelope and whose data part hashes the
// same is verified by that. Anything else is decoded and checked again.
type verifier struct {
	mu     sync.Mutex
	hashes map[string]uint64 // request body → hash of a verified data part
}

var (
	hashSeed   = maphash.MakeSeed()
	envPrefix  = []byte(`{"result":true,"code":0,"message":"success","permission":null,"request_id":"`)
	dataMarker = []byte(`","data":`)
)

// dataPart returns the data part of an exact ESB success envelope.
func dataPart(b []byte) ([]byte, bool) {
	if !bytes.HasPrefix(b, envPrefix) {
		return nil, false
	}
	rest := b[len(envPrefix):]
	i := bytes.Index(rest[:min(len(rest), 80)], dataMarker)
	if i <= 0 || bytes.IndexByte(rest[:i], '"') >= 0 || len(rest) < i+len(dataMarker)+1 || rest[len(rest)-1] != '}' {
		return nil, false
	}
	return rest[i+len(dataMarker) : len(rest)-1], true
}

type answer struct {
	Result     *bool           `json:"result"`
	Code       *int            `json:"code"`
	Message    string          `json:"message"`
	Permission json.RawMessage `json:"permission"`
	RequestID  *string         `json:"request_id"`
	Data       []answerRow     `json:"data"`
}

type answerRow struct {
	ID         int64  `json:"id"`
	InstID     int64  `json:"bk_inst_id"`
	ObjID      string `json:"bk_obj_id"`
	AsstInstID int64  `json:"bk_asst_inst_id"`
	AsstObjID  string `json:"bk_asst_obj_id"`
	Supplier   string `json:"bk_supplier_account"`
	ObjAsstID  string `json:"bk_obj_asst_id"`
	AsstID     string `json:"bk_asst_id"`
	BizID      int64  `json:"bk_biz_id"`
}

func (v *verifier) verify(req []byte, status int, b []byte, pr *pair, exp []expRow) error {
	if status != http.StatusOK {
		return fmt.Errorf("HTTP status %d, want 200", status)
	}
	data, exact := dataPart(b)
	var h uint64
	if exact {
		h = maphash.Bytes(hashSeed, data)
		v.mu.Lock()
		known, ok := v.hashes[string(req)]
		v.mu.Unlock()
		if ok && known == h {
			return nil
		}
	}
	if err := checkAnswer(b, pr, exp); err != nil {
		return err
	}
	if !exact {
		return errors.New("answer verified row by row, but its envelope is not the exact ESB success envelope " +
			`{"result":true,"code":0,"message":"success","permission":null,"request_id":"…","data":…}`)
	}
	v.mu.Lock()
	v.hashes[string(req)] = h
	v.mu.Unlock()
	return nil
}

// checkAnswer decodes an answer and compares it with the expected rows
// (order free; each row's id, source and target, and the constant fields).
func checkAnswer(b []byte, pr *pair, exp []expRow) error {
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("answer is not the JSON envelope: %v", err)
	}
	switch {
	case a.Result == nil || !*a.Result:
		return errors.New("result is not true")
	case a.Code == nil || *a.Code != 0:
		return errors.New("code is not 0")
	case a.Message != "success":
		return fmt.Errorf("message %q, want success", a.Message)
	case string(a.Permission) != "null":
		return fmt.Errorf("permission %s, want null", a.Permission)
	case a.RequestID == nil || *a.RequestID == "":
		return errors.New("request_id missing")
	}
	if len(a.Data) != len(exp) {
		return fmt.Errorf("%d rows, want %d", len(a.Data), len(exp))
	}
	rows := a.Data
	slices.SortFunc(rows, func(x, y answerRow) int { return cmpInt(x.ID, y.ID) })
	for i, row := range rows {
		e := exp[i]
		if row.ID != e.id || row.InstID != e.src || row.AsstInstID != e.dst {
			return fmt.Errorf("row id %d (bk_inst_id %d → bk_asst_inst_id %d), want id %d (%d → %d)",
				row.ID, row.InstID, row.AsstInstID, e.id, e.src, e.dst)
		}
		if row.ObjID != pr.src || row.AsstObjID != pr.dst || row.ObjAsstID != pr.asst || row.AsstID != "default" ||
			row.Supplier != "0" || row.BizID != 0 {
			return fmt.Errorf("row id %d: fields %+v, want bk_obj_id %s bk_asst_obj_id %s bk_obj_asst_id %s bk_asst_id default bk_supplier_account 0",
				row.ID, row, pr.src, pr.dst, pr.asst)
		}
	}
	return nil
}

// ---- the big answer ----

type bigResult struct {
	Name       string
	Reps       int
	Errors     int
	Rows       int
	Bytes      int64         // size of one answer
	TTFB, TTLB time.Duration // medians
	MinTTLB    time.Duration
	MaxTTLB    time.Duration
}

// bigPhase sends the big request BigReps times, one at a time, timing the
// first and the last byte, verifying every answer.
func (r *runner) bigPhase(ctx context.Context, name, base string, capture bool) bigResult {
	hc := newHTTPClient(1, r.cfg.ReqTimeout)
	defer hc.CloseIdleConnections()
	res := bigResult{Name: name, Rows: len(r.bigExp)}
	var ttfb, ttlb []time.Duration
	var buf bytes.Buffer
	for range r.cfg.BigReps {
		if ctx.Err() != nil {
			break
		}
		var first time.Time
		trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}
		t0 := time.Now()
		status, err := doPost(ctx, hc, base+findPath, r.bigBody, &buf, trace)
		d := time.Since(t0)
		res.Reps++
		if err == nil {
			err = r.ver.verify(r.bigBody, status, buf.Bytes(), r.bigPair, r.bigExp)
		}
		if err != nil {
			res.Errors++
			r.sample(fmt.Sprintf("%s: POST %s %s → HTTP %d %s: %v", name, findPath, redactBody(r.bigBody), status, clip(buf.Bytes(), 600), err))
			continue
		}
		res.Bytes = int64(buf.Len())
		ttlb = append(ttlb, d)
		if !first.IsZero() {
			ttfb = append(ttfb, first.Sub(t0))
		}
		if capture {
			r.keep(r.bigBody, buf.Bytes(), srcRef{-1, -1})
		}
	}
	slices.Sort(ttlb)
	slices.Sort(ttfb)
	res.TTLB, res.TTFB = pct(ttlb, 50), pct(ttfb, 50)
	if len(ttlb) > 0 {
		res.MinTTLB, res.MaxTTLB = ttlb[0], ttlb[len(ttlb)-1]
	}
	return res
}
