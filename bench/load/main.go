// Command load is cmdb's load generator: it drives a running cmdb over HTTP
// like a real client — builds models, instances and a bulk of instance
// associations, then measures find_instance_association against cmdb and
// against a static server that replays the very bytes cmdb answered.
//
//	go build -o /tmp/cmdb ./cmd/cmdb
//	go run ./bench/load -bin /tmp/cmdb -pairs 2 -insts 1000 -assocs 100000 -answer 2000 -c 16 -d 20s -big
//
// See the "Load generator" section of the repository README.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	serveReplayIfAsked() // the replay child: this binary run again (see replay.go)
	cfg := defaultConfig()
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `load — cmdb load generator (find_instance_association)

Usage:
  go run ./bench/load -target http://127.0.0.1:PORT -app CODE:SECRET [flags]
  go run ./bench/load -bin PATH [flags]

Exactly one of -target and -bin. Loopback targets only.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Target, "target", "", "`URL` of a running cmdb, e.g. http://127.0.0.1:8080 (loopback only)")
	fs.StringVar(&cfg.Bin, "bin", "", "`PATH` of a cmdb binary to start with serve on a free loopback port and a temporary data dir (enables peak-RSS reading)")
	fs.StringVar(&cfg.DB, "db", "", "with -bin: the server's `--db` (e.g. postgres://…; default the embedded SQLite store)")
	fs.StringVar(&cfg.App, "app", cfg.App, "application `CODE:SECRET` (with -bin it is also given to the server)")
	fs.IntVar(&cfg.Pairs, "pairs", cfg.Pairs, "model pairs: each two custom models and one n:n model association")
	fs.IntVar(&cfg.Insts, "insts", cfg.Insts, "instances per model (grown when the graph needs more: sources ≥ ceil(assocs/answer), targets ≥ answer)")
	fs.IntVar(&cfg.Assocs, "assocs", cfg.Assocs, "instance associations per model association")
	fs.IntVar(&cfg.Answer, "answer", cfg.Answer, "rows per find_instance_association answer (targets per source instance)")
	fs.IntVar(&cfg.LoadConc, "load-conc", cfg.LoadConc, "batch calls in flight during the load (instances and associations)")
	fs.BoolVar(&cfg.LoadRound, "load-round", cfg.LoadRound, "send the association load's calls round the pairs (calls in flight for different model associations) instead of pair after pair")
	fs.IntVar(&cfg.C, "c", cfg.C, "query concurrency")
	fs.DurationVar(&cfg.D, "d", cfg.D, "duration of each query phase (cmdb, static replay)")
	fs.IntVar(&cfg.MaxReq, "n", cfg.MaxReq, "upper bound on requests per query phase")
	fs.BoolVar(&cfg.Big, "big", false, "also time one big answer (-big-rows rows) to the last byte, against cmdb and the replay")
	fs.IntVar(&cfg.BigRows, "big-rows", cfg.BigRows, "rows of the -big answer (needs -assocs ≥ this)")
	fs.IntVar(&cfg.BigReps, "big-reps", cfg.BigReps, "repetitions of the -big request per server")
	fs.IntVar(&cfg.CaptureMax, "capture", cfg.CaptureMax, "distinct answers captured for the static replay")
	fs.Int64Var(&cfg.CaptureBytes, "capture-bytes", cfg.CaptureBytes, "byte budget of the captured answers")
	fs.BoolVar(&cfg.ReplayInProc, "replay-inproc", false, "serve the static replay from the generator's own process instead of a separate one (a baseline no separate server reaches)")
	fs.DurationVar(&cfg.ReqTimeout, "req-timeout", cfg.ReqTimeout, "timeout of one HTTP request")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "timeout of the whole run")
	fs.Int64Var(&cfg.Seed, "seed", 0, "random seed (0: from the clock)")
	fs.BoolVar(&cfg.Keep, "keep", false, "with -bin: keep the temporary data directory")
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "load: unexpected arguments %v\n", fs.Args())
		os.Exit(2)
	}
	cfg.Out = os.Stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	rep, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "load: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("done in %s\n", time.Since(start).Round(time.Millisecond))
	if rep.VerifyErrors() > 0 {
		fmt.Fprintf(os.Stderr, "load: %d verification errors\n", rep.VerifyErrors())
		os.Exit(3)
	}
}
