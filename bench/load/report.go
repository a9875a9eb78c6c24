package main

import (
	"fmt"
	"time"
)

// report is what one run measured.
type report struct {
	Load       loadResult
	LoadErrors int64
	Query      phaseResult // against cmdb
	Replay     phaseResult // against the static replay
	BigCmdb    bigResult
	BigStatic  bigResult
	PeakRSSKB  int64    // with -bin: cmdb's VmHWM at the end
	RSSMarks   []string // with -bin: VmHWM after each phase
	Samples    []string // the first verification failures, request and answer
}

type loadResult struct {
	Assocs   int64
	Calls    int
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// VerifyErrors counts every failed verification of the run.
func (r *report) VerifyErrors() int64 {
	return r.LoadErrors + r.Query.Errors + r.Replay.Errors + int64(r.BigCmdb.Errors+r.BigStatic.Errors)
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0fµs", float64(d)/1e3)
}

func (p phaseResult) reqPerSec() float64  { return float64(p.Requests) / p.Elapsed.Seconds() }
func (p phaseResult) rowsPerSec() float64 { return float64(p.Rows) / p.Elapsed.Seconds() }
func (p phaseResult) mbPerSec() float64   { return float64(p.Bytes) / 1e6 / p.Elapsed.Seconds() }

func (r *runner) printPhase(p phaseResult) {
	fmt.Fprintf(r.out, "%s: %d requests in %s at c=%d = %.1f req/s, %.0f rows/s, %.1f MB/s; latency p50 %s p99 %s max %s; %d verification errors",
		p.Name, p.Requests, p.Elapsed.Round(time.Millisecond), r.cfg.C, p.reqPerSec(), p.rowsPerSec(), p.mbPerSec(),
		fmtDur(p.P50), fmtDur(p.P99), fmtDur(p.Max), p.Errors)
	if p.ServerCPU > 0 && p.Requests > 0 {
		fmt.Fprintf(r.out, "; %s CPU %.1fs = %s/request (%.2f cores)", p.ServerWho, p.ServerCPU.Seconds(),
			fmtDur(p.ServerCPU/time.Duration(p.Requests)), p.ServerCPU.Seconds()/p.Elapsed.Seconds())
	}
	if p.SelfCPU > 0 {
		fmt.Fprintf(r.out, "; generator CPU %.2f cores", p.SelfCPU.Seconds()/p.Elapsed.Seconds())
	}
	fmt.Fprintln(r.out)
}

func (r *runner) printBig(b bigResult) {
	fmt.Fprintf(r.out, "%s: %d rows, %.1f MB per answer, %d reps; time to last byte p50 %s (min %s max %s), first byte p50 %s; %.0f rows/s, %.1f MB/s; %d verification errors\n",
		b.Name, b.Rows, float64(b.Bytes)/1e6, b.Reps, fmtDur(b.TTLB), fmtDur(b.MinTTLB), fmtDur(b.MaxTTLB), fmtDur(b.TTFB),
		float64(b.Rows)/b.TTLB.Seconds(), float64(b.Bytes)/1e6/b.TTLB.Seconds(), b.Errors)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3g×", a/b)
}

func (r *runner) printRatios() {
	q, s := r.rep.Query, r.rep.Replay
	fmt.Fprintf(r.out, "ratio cmdb/static: req/s %s, rows/s %s, MB/s %s, p50 %s, p99 %s\n",
		ratio(q.reqPerSec(), s.reqPerSec()), ratio(q.rowsPerSec(), s.rowsPerSec()), ratio(q.mbPerSec(), s.mbPerSec()),
		ratio(float64(q.P50), float64(s.P50)), ratio(float64(q.P99), float64(s.P99)))
	if bc, bs := r.rep.BigCmdb, r.rep.BigStatic; bc.Reps > 0 && bs.Reps > 0 {
		fmt.Fprintf(r.out, "ratio big cmdb/static: time to last byte %s, first byte %s\n",
			ratio(float64(bc.TTLB), float64(bs.TTLB)), ratio(float64(bc.TTFB), float64(bs.TTFB)))
	}
}
