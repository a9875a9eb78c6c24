package main

// ---- the static replay ----
//
// The replay serves, for the same request body, the very bytes cmdb
// answered. By default it runs in a separate process — this binary run
// again as `BIN -replay-serve FILE`, FILE holding the captured answers —
// so that it pays, like cmdb, for being a process of its own: its own
// scheduler, GC and socket ends, on the same cores as the generator. -replay-inproc serves from the
// generator's own process instead, which a separate server cannot match
// (on 2 cores, 418 KB answers, c=16: about 14,000 req/s in-process against
// 10,400 req/s for the same server in its own process).

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// replayArg FILE, as the only arguments, turns this binary (the generator,
// or its test binary) into the replay server: see serveReplayIfAsked. It is
// no flag of the generator's flag set; it shows in ps as what it is.
const replayArg = "-replay-serve"

// replay is the running static server, in this process (hs) or in a
// child process (cmd).
type replay struct {
	base string

	hs *http.Server // in the generator's process

	cmd   *exec.Cmd // in a separate process
	stdin io.Closer // the child serves until EOF on its stdin
	out   *os.File  // read end of the child's stdout
	file  string    // the answers file
	errb  *capBuffer
	done  chan struct{} // closed when the child has been waited for
	werr  error

	once sync.Once
}

// replayHandler answers a POST to the find_instance_association path with
// the captured bytes for the same request body, in one Write.
func replayHandler(answers map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil || req.Method != http.MethodPost || req.URL.Path != findPath {
			http.NotFound(w, req)
			return
		}
		ans, ok := answers[string(body)]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(ans)))
		w.WriteHeader(http.StatusOK)
		w.Write(ans)
	})
}

func newReplayServer(answers map[string][]byte) *http.Server {
	return &http.Server{Handler: replayHandler(answers), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
}

// startReplay serves the answers on a loopback port in this process.
func startReplay(answers map[string][]byte) (*replay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := newReplayServer(answers)
	go hs.Serve(ln)
	return &replay{base: "http://" + ln.Addr().String(), hs: hs}, nil
}

// startReplayProcess writes the answers to a temporary file and runs this
// binary again as the replay server on a loopback port; it returns once
// the child has loaded the file (which is then removed) and printed its
// address.
func startReplayProcess(ctx context.Context, answers map[string][]byte) (_ *replay, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("replay: own executable: %w", err)
	}
	file, err := writeAnswers(answers)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		os.Remove(file)
		return nil, fmt.Errorf("replay: %w", err)
	}
	cmd := exec.Command(exe, replayArg, file)
	cmd.Stdout = pw
	errb := &capBuffer{max: 4096}
	cmd.Stderr = errb
	stdin, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	pw.Close()
	if err != nil {
		pr.Close()
		os.Remove(file)
		return nil, fmt.Errorf("replay: start %s: %w", exe, err)
	}
	rp := &replay{cmd: cmd, stdin: stdin, out: pr, file: file, errb: errb, done: make(chan struct{})}
	go func() { rp.werr = cmd.Wait(); close(rp.done) }()
	defer func() {
		if err != nil {
			rp.close()
		}
	}()

	type line struct {
		s   string
		err error
	}
	lines := make(chan line, 1)
	go func() {
		s, err := bufio.NewReader(pr).ReadString('\n')
		lines <- line{s, err}
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	var l line
	select {
	case l = <-lines:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, fmt.Errorf("replay process (pid %d) printed no address within 30s", cmd.Process.Pid)
	}
	if l.err != nil {
		rp.close()
		return nil, fmt.Errorf("replay process (pid %d) printed no address (%v, exit: %v): %s",
			cmd.Process.Pid, l.err, rp.werr, strings.TrimSpace(errb.String()))
	}
	addr := strings.TrimSpace(l.s)
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("replay process (pid %d) printed %q, not a loopback address", cmd.Process.Pid, addr)
	}
	os.Remove(rp.file) // loaded: the child prints its address only then
	rp.base = "http://" + addr
	return rp, nil
}

// where says where the replay runs, for the "replay:" line.
func (rp *replay) where() string {
	if rp.cmd != nil {
		return fmt.Sprintf("in a separate process (pid %d)", rp.cmd.Process.Pid)
	}
	return "in the generator's process"
}

// cpu is the replay process's user+system CPU so far; 0 in-process (the
// generator's CPU covers it then).
func (rp *replay) cpu() time.Duration {
	if rp.cmd == nil {
		return 0
	}
	return procCPU(rp.cmd.Process.Pid)
}

// close stops the server: in-process, a shutdown; a child is told to exit
// by closing its stdin, killed after 5 s, and waited for; the answers file
// is removed.
func (rp *replay) close() {
	rp.once.Do(func() {
		if rp.hs != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rp.hs.Shutdown(ctx)
			return
		}
		rp.stdin.Close()
		select {
		case <-rp.done:
		case <-time.After(5 * time.Second):
			rp.cmd.Process.Kill()
			<-rp.done
		}
		rp.out.Close()
		os.Remove(rp.file)
	})
}

// serveReplayIfAsked is the child side: run as `BIN -replay-serve FILE`,
// this process loads the answers from FILE, listens on 127.0.0.1:0, prints the address as
// one line on stdout, serves until its stdin reaches EOF (the generator
// closed it, or died) and exits. main and TestMain call it first, before
// any flag parsing.
func serveReplayIfAsked() {
	if len(os.Args) != 3 || os.Args[1] != replayArg {
		return
	}
	file := os.Args[2]
	if err := replayServe(file, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "load replay: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func replayServe(file string, stdin io.Reader, stdout io.Writer) error {
	answers, err := readAnswers(file)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := newReplayServer(answers)
	if _, err := fmt.Fprintln(stdout, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	go func() {
		io.Copy(io.Discard, stdin)
		hs.Close()
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// The answers file: answersMagic, the count (uint64), then per answer the
// key length (uint32), the answer length (uint64), the key (the request
// body) and the answer bytes; big-endian.
const answersMagic = "cmdb-load-replay 1\n"

func writeAnswers(answers map[string][]byte) (path string, err error) {
	f, err := os.CreateTemp("", "cmdb-load-replay-*.bin")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(answersMagic)
	var hdr [12]byte
	binary.BigEndian.PutUint64(hdr[:8], uint64(len(answers)))
	w.Write(hdr[:8])
	for k, v := range answers {
		binary.BigEndian.PutUint32(hdr[:4], uint32(len(k)))
		binary.BigEndian.PutUint64(hdr[4:], uint64(len(v)))
		w.Write(hdr[:])
		w.WriteString(k)
		w.Write(v)
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

func readAnswers(path string) (map[string][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(what string) error { return fmt.Errorf("answers file %s: %s", path, what) }
	if !strings.HasPrefix(string(b[:min(len(b), len(answersMagic))]), answersMagic) {
		return nil, bad("bad magic")
	}
	b = b[len(answersMagic):]
	if len(b) < 8 {
		return nil, bad("truncated count")
	}
	n := binary.BigEndian.Uint64(b)
	b = b[8:]
	if n > uint64(len(b))/12 {
		return nil, bad("count larger than the file")
	}
	answers := make(map[string][]byte, n)
	for range n {
		if len(b) < 12 {
			return nil, bad("truncated header")
		}
		kl, vl := uint64(binary.BigEndian.Uint32(b)), binary.BigEndian.Uint64(b[4:])
		b = b[12:]
		if kl > uint64(len(b)) || vl > uint64(len(b))-kl {
			return nil, bad("truncated answer")
		}
		answers[string(b[:kl])] = b[kl : kl+vl : kl+vl]
		b = b[kl+vl:]
	}
	if len(b) != 0 {
		return nil, bad("trailing bytes")
	}
	return answers, nil
}

// capBuffer keeps the first max bytes written to it (the child's stderr).
type capBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.b)
}
