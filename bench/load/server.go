package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a cmdb the generator started itself (-bin).
type server struct {
	cmd  *exec.Cmd
	dir  string
	log  string
	base string
	keep bool
	done chan struct{}
	err  error
}

// startServer runs `BIN serve` on a free loopback port with a temporary
// data directory and waits for /healthz.
func startServer(ctx context.Context, bin, app, db string, keep bool, out io.Writer) (*server, error) {
	dir, err := os.MkdirTemp("", "cmdb-load-*")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	args := []string{"serve", "--listen", addr, "--data", filepath.Join(dir, "data"), "--app", app}
	if db != "" {
		args = append(args, "--db", db)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "CMDB_DB=") // only -db selects another store
	if err := cmd.Start(); err != nil {
		logf.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("-bin: %w", err)
	}
	s := &server{cmd: cmd, dir: dir, log: logPath, base: "http://" + addr, keep: keep, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); logf.Close(); close(s.done) }()
	fmt.Fprintf(out, "server: %s serve --listen %s --data %s (pid %d)\n", bin, addr, filepath.Join(dir, "data"), cmd.Process.Pid)

	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-s.done:
			err := fmt.Errorf("cmdb exited before it was ready (%v): %s", s.err, s.logTail())
			s.cleanup()
			return nil, err
		case <-ctx.Done():
			s.stop(io.Discard)
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := hc.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop(io.Discard)
			return nil, errors.New("cmdb did not answer /healthz within 60s")
		}
	}
}

func (s *server) logTail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(bytes.TrimSpace(b))
}

// stop sends SIGTERM, waits up to 30 s (then kills), removes the temp dir.
func (s *server) stop(out io.Writer) {
	select {
	case <-s.done:
	default:
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			fmt.Fprintln(out, "server: no exit 30s after SIGTERM; killing")
			s.cmd.Process.Kill()
			<-s.done
		}
	}
	s.cleanup()
	fmt.Fprintf(out, "server: stopped (%v)\n", s.err)
}

func (s *server) cleanup() {
	if s.keep {
		return
	}
	os.RemoveAll(s.dir)
}

// memory reads VmHWM (peak resident set) and VmRSS, in kB.
func (s *server) memory() (hwm, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmHWM":
			hwm = n
		case "VmRSS":
			rss = n
		}
	}
	return hwm, rss
}

// cpu reads the server's user+system CPU time.
func (s *server) cpu() time.Duration { return procCPU(s.cmd.Process.Pid) }

// procCPU reads a child process's user+system CPU time from /proc/PID/stat
// (clock ticks of 1/100 s, Linux's USER_HZ); 0 where there is no /proc.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
