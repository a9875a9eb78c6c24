package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/cli"
)

// TestMain lets this test binary, run again by startReplayProcess (which
// re-executes os.Executable()), be the replay child.
func TestMain(m *testing.M) {
	serveReplayIfAsked()
	os.Exit(m.Run())
}

// startInProcess runs cmdb's serve in this process on a free loopback port.
func startInProcess(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--listen", addr, "--data", t.TempDir(), "--app", "a:b", "--log-level", "warn"},
			io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("cmdb did not stop")
		}
	})
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; {
		select {
		case code := <-done:
			t.Fatalf("cmdb exited with %d", code)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("cmdb not ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLoadSmoke runs the whole generator with tiny numbers against an
// in-process cmdb, with the replay in a child process (the default) and
// in-process: it must finish with every answer verified.
func TestLoadSmoke(t *testing.T) {
	base := startInProcess(t)
	for _, inproc := range []bool{false, true} {
		name := map[bool]string{false: "separate", true: "inproc"}[inproc]
		t.Run(name, func(t *testing.T) { smoke(t, base, inproc) })
	}
}

func smoke(t *testing.T, base string, inproc bool) {
	cfg := defaultConfig()
	cfg.Target, cfg.App = base, "a:b"
	cfg.ReplayInProc = inproc
	cfg.Pairs, cfg.Insts, cfg.Assocs, cfg.Answer = 1, 50, 500, 40
	cfg.C, cfg.D, cfg.LoadConc = 4, time.Second, 3
	cfg.Big, cfg.BigRows, cfg.BigReps = true, 300, 2
	cfg.Timeout = 2 * time.Minute
	var out bytes.Buffer
	cfg.Out = &out
	rep, err := run(context.Background(), cfg)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.VerifyErrors(); n != 0 {
		t.Fatalf("%d verification errors: %v", n, rep.Samples)
	}
	if rep.Load.Assocs != 500 {
		t.Errorf("loaded %d associations, want 500", rep.Load.Assocs)
	}
	if rep.Query.Requests == 0 || rep.Replay.Requests == 0 {
		t.Errorf("query %d, replay %d requests: want both > 0", rep.Query.Requests, rep.Replay.Requests)
	}
	if rep.Query.Rows == 0 || rep.Replay.Rows == 0 {
		t.Errorf("query rows %d for %d requests", rep.Query.Rows, rep.Query.Requests)
	}
	if rep.BigCmdb.Reps != 2 || rep.BigStatic.Reps != 2 || rep.BigCmdb.Rows != 300 {
		t.Errorf("big: %+v / %+v", rep.BigCmdb, rep.BigStatic)
	}
	wants := []string{"load:", "query cmdb:", "query static:", "ratio cmdb/static:", "big cmdb:", "big static:"}
	if inproc {
		wants = append(wants, "in the generator's process\n")
	} else {
		wants = append(wants, " in a separate process (pid ")
		if runtime.GOOS == "linux" { // the child's CPU comes from /proc
			if rep.Replay.ServerCPU <= 0 || !strings.Contains(out.String(), "; replay CPU ") {
				t.Errorf("no replay CPU reported (%v)", rep.Replay.ServerCPU)
			}
		}
	}
	for _, want := range wants {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestReplayProcess runs the replay as a child (this test binary again)
// and checks it serves the answers byte for byte, refuses anything else,
// and is gone, its file removed, after close.
func TestReplayProcess(t *testing.T) {
	big := bytes.Repeat([]byte(`{"x":1},`), 100_000)
	answers := map[string][]byte{`{"a":1}`: []byte(`{"result":true}`), `{"b":2}`: big, `{"c":3}`: {}}
	rp, err := startReplayProcess(context.Background(), answers)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.close()
	if rp.cmd == nil || rp.cmd.Process.Pid == os.Getpid() {
		t.Fatal("replay not in a separate process")
	}
	if _, err := os.Stat(rp.file); !os.IsNotExist(err) {
		t.Errorf("answers file %s still there after start: %v", rp.file, err)
	}
	post := func(method, path, body string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, rp.base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	for k, v := range answers {
		resp, b := post(http.MethodPost, findPath, k)
		if resp.StatusCode != 200 || !bytes.Equal(b, v) || resp.Header.Get("Content-Type") != "application/json" ||
			resp.Header.Get("Content-Length") != strconv.Itoa(len(v)) {
			t.Errorf("%s: HTTP %d, %d bytes, headers %v; want 200, %d bytes", k, resp.StatusCode, len(b), resp.Header, len(v))
		}
	}
	for _, c := range [][3]string{{http.MethodPost, findPath, `{"z":0}`}, {http.MethodGet, findPath, ""}, {http.MethodPost, "/x", `{"a":1}`}} {
		if resp, _ := post(c[0], c[1], c[2]); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%v: HTTP %d, want 404", c, resp.StatusCode)
		}
	}
	rp.close()
	select {
	case <-rp.done:
	default:
		t.Error("replay process not waited for after close")
	}
	if rp.cmd.ProcessState == nil || !rp.cmd.ProcessState.Exited() {
		t.Errorf("replay process state after close: %v", rp.cmd.ProcessState)
	}
}

func TestAnswersFile(t *testing.T) {
	in := map[string][]byte{"": []byte("empty key"), "k": {}, "big": bytes.Repeat([]byte{0, 1, 2}, 70000)}
	path, err := writeAnswers(in)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	out, err := readAnswers(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d answers, want %d", len(out), len(in))
	}
	for k, v := range in {
		if w, ok := out[k]; !ok || !bytes.Equal(w, v) {
			t.Errorf("answer %q: got %d bytes (present %v), want %d", k, len(w), ok, len(v))
		}
	}
	b, _ := os.ReadFile(path)
	for _, cut := range []int{0, 5, len(answersMagic) + 4, len(b) - 1} {
		os.WriteFile(path, b[:cut], 0o600)
		if _, err := readAnswers(path); err == nil {
			t.Errorf("file cut at %d bytes accepted", cut)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for base, ok := range map[string]bool{
		"http://127.0.0.1:8080": true, "http://[::1]:80": true, "http://localhost:1": true,
		"http://10.0.0.1:8080": false, "http://example.com": false, "https://127.0.0.1:1": false, "127.0.0.1:80": false,
	} {
		if err := checkLoopback(base); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", base, err)
		}
	}
}

// TestVerifyCatches makes sure a wrong answer is not taken for a right one.
func TestVerifyCatches(t *testing.T) {
	pr := &pair{src: "s", dst: "d", asst: "s_default_d"}
	exp := []expRow{{1, 10, 20}, {2, 10, 21}}
	row := func(id, dst int) string {
		return `{"id":` + strconv.Itoa(id) + `,"bk_inst_id":10,"bk_obj_id":"s","bk_asst_inst_id":` + strconv.Itoa(dst) +
			`,"bk_asst_obj_id":"d","bk_supplier_account":"0","bk_obj_asst_id":"s_default_d","bk_asst_id":"default"}`
	}
	env := func(data string) []byte {
		return []byte(`{"result":true,"code":0,"message":"success","permission":null,"request_id":"x1","data":` + data + `}`)
	}
	v := verifier{hashes: map[string]uint64{}}
	good := env("[" + row(2, 21) + "," + row(1, 20) + "]")
	for _, c := range []struct {
		b  []byte
		ok bool
	}{
		{good, true},
		{good, true}, // fast path
		{env("[" + row(1, 20) + "]"), false},
		{env("[" + row(1, 20) + "," + row(2, 22) + "]"), false},
		{env("[" + row(1, 20) + "," + row(2, 21) + "," + row(3, 22) + "]"), false},
		{[]byte(`{"result":false,"code":1199006,"message":"x","permission":null,"request_id":"x","data":null}`), false},
	} {
		if err := v.verify([]byte("k"), 200, c.b, pr, exp); (err == nil) != c.ok {
			t.Errorf("verify(%s) = %v, want ok=%v", c.b, err, c.ok)
		}
	}
	if err := v.verify([]byte("k"), 500, good, pr, exp); err == nil {
		t.Error("HTTP 500 accepted")
	}
}
