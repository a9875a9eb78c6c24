// Package nodes runs several real `cmdb serve` processes over one
// PostgreSQL schema and checks what a load balancer in front of them would
// let a client see: writes through one node visible through the next at
// once, the mapping and duplicate rules holding across nodes, ids unique
// across nodes, and every node riding out killed database connections (and,
// on request, a database restart) by itself, with nothing half-written.
//
// The tests need CMDB_TEST_POSTGRES_DSN (a database they may create schemas
// in; the role must be allowed to terminate the nodes' backends, e.g. a
// superuser) and skip without it. The cmdb binary is built once per run.
package nodes

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

const (
	appCode   = "nodes"
	appSecret = "nodes-secret"
	user      = "admin"

	// unavailableMsg is the answer to a request the database could not
	// serve (service.domainErr).
	unavailableMsg  = "database unavailable, please try again later"
	codeUnavailable = 1199998

	// requestTimeout bounds every HTTP call: a request still running after
	// it counts as a hang.
	requestTimeout = 30 * time.Second
)

// ---- the binary, built once per test run ----

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// binary builds ./cmd/cmdb from the module root (found with `go env
// GOMOD`) the first time a test needs it.
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			build.err = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		gomod := strings.TrimSpace(string(out))
		if gomod == "" || gomod == os.DevNull {
			build.err = errors.New("go env GOMOD: not inside the module")
			return
		}
		if build.dir, err = os.MkdirTemp("", "cmdb-nodes-"); err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(build.dir, "cmdb")
		cmd := exec.Command("go", "build", "-o", build.path, "./cmd/cmdb")
		cmd.Dir = filepath.Dir(gomod)
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./cmd/cmdb: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// ---- a cluster: N nodes over one schema ----

type cluster struct {
	t      *testing.T
	dsn    string // the nodes' DSN: search_path and application_name set
	schema string
	// appName is the nodes' application_name: the fault tests terminate
	// exactly these backends, never those of other tests sharing the
	// database.
	appName string
	admin   *sql.DB
	nodes   []*node
	tag     string // unique prefix of this cluster's model ids
}

type node struct {
	name    string
	url     string
	cmd     *exec.Cmd
	logPath string
	client  *http.Client
	exited  chan struct{}
}

// newCluster makes a fresh schema and starts n nodes over it, all at once
// (so that concurrent first starts — migrations, presets — are exercised
// too), and waits until every one answers /healthz.
func newCluster(t *testing.T, n int) *cluster {
	t.Helper()
	dsn := storetest.PostgresSchema(t) // skips without CMDB_TEST_POSTGRES_DSN
	bin := binary(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	c := &cluster{t: t, schema: schema, appName: "cmdbnodes_" + schema, tag: "n" + randHex(3)}
	q.Set("application_name", c.appName)
	u.RawQuery = q.Encode()
	c.dsn = u.String()

	c.admin = openAdmin(t)
	// A drop of our own on a fresh connection: the fault tests may have
	// killed (or restarted under) the connection PostgresSchema's own
	// cleanup would use. Cleanups run last-in first-out, so this runs after
	// the nodes are stopped and before PostgresSchema's drop (which then
	// finds nothing to do).
	t.Cleanup(func() {
		db := openAdmin(t)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	t.Cleanup(func() { c.admin.Close() })

	c.nodes = make([]*node, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c.nodes[i], errs[i] = c.start(bin, fmt.Sprintf("node%c", 'A'+i))
		})
	}
	wg.Wait()
	for _, nd := range c.nodes {
		if nd != nil {
			t.Cleanup(func() { c.stop(nd) })
		}
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func openAdmin(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", os.Getenv(storetest.PostgresDSNVar))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(2)
	return db
}

var listenRE = regexp.MustCompile(`msg="cmdb serving" listen=(\S+)`)

// start runs `cmdb serve` on a free loopback port (--listen 127.0.0.1:0,
// the address read back from its log line) and waits for /healthz.
func (c *cluster) start(bin, name string) (*node, error) {
	dir := c.t.TempDir()
	nd := &node{name: name, logPath: filepath.Join(dir, name+".log"), exited: make(chan struct{})}
	logf, err := os.Create(nd.logPath)
	if err != nil {
		return nil, err
	}
	nd.cmd = exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--db", c.dsn,
		"--app", appCode+":"+appSecret, "--data", filepath.Join(dir, "data"), "--log-level", "info")
	// Flags win over CMDB_* variables; drop them anyway so that nothing
	// from the environment reaches the nodes.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CMDB_") {
			nd.cmd.Env = append(nd.cmd.Env, kv)
		}
	}
	stderr, err := nd.cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	nd.cmd.Stdout = logf
	if err := nd.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("%s: start: %w", name, err)
	}
	addr := make(chan string, 1)
	go func() {
		defer logf.Close()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if m := listenRE.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(logf, stderr)
	}()
	go func() {
		nd.cmd.Wait()
		close(nd.exited)
	}()
	var listen string
	select {
	case listen = <-addr:
	case <-nd.exited:
		return nil, fmt.Errorf("%s exited before serving (%v):\n%s", name, nd.cmd.ProcessState, tail(nd.logPath, 30))
	case <-time.After(60 * time.Second):
		c.stop(nd)
		return nil, fmt.Errorf("%s: no \"cmdb serving\" line within 60s:\n%s", name, tail(nd.logPath, 30))
	}
	nd.url = "http://" + listen
	nd.client = &http.Client{
		Timeout:   requestTimeout,
		Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: 30 * time.Second},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := nd.client.Get(nd.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nd, nil
			}
		}
		if time.Now().After(deadline) {
			c.stop(nd)
			return nil, fmt.Errorf("%s: /healthz not 200 within 30s (last: %v):\n%s", name, err, tail(nd.logPath, 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends a node with SIGTERM (SIGKILL after 10s). It reports a node that
// had died on its own.
func (c *cluster) stop(nd *node) {
	select {
	case <-nd.exited:
		if st := nd.cmd.ProcessState; st != nil && !st.Success() && !strings.Contains(st.String(), "signal") {
			c.t.Errorf("%s had exited by itself (%v):\n%s", nd.name, st, tail(nd.logPath, 30))
		}
		return
	default:
	}
	nd.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-nd.exited:
	case <-time.After(10 * time.Second):
		nd.cmd.Process.Kill()
		<-nd.exited
		c.t.Errorf("%s did not stop within 10s of SIGTERM", nd.name)
	}
	if c.t.Failed() {
		c.t.Logf("%s log (last lines):\n%s", nd.name, tail(nd.logPath, 40))
	}
}

// restart stops node i and starts a new process in its place.
func (c *cluster) restart(i int) {
	c.t.Helper()
	old := c.nodes[i]
	c.stop(old)
	nd, err := c.start(binary(c.t), old.name)
	if err != nil {
		c.t.Fatal(err)
	}
	c.nodes[i] = nd
	c.t.Cleanup(func() { c.stop(nd) })
}

// terminateBackends kills every database connection of the cluster's nodes
// from the admin connection and returns how many it killed.
func (c *cluster) terminateBackends(ctx context.Context) (int, error) {
	var n int
	err := c.admin.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, c.appName).Scan(&n)
	return n, err
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ---- HTTP ----

// reply is one answer, or the transport failure that stood for it.
type reply struct {
	Status  int
	Result  bool
	Code    int64
	Message string
	Data    json.RawMessage
	Raw     []byte
	Err     error // transport failure or undecodable body
	Start   time.Time
	Dur     time.Duration
}

func (r reply) ok() bool { return r.Err == nil && r.Status == http.StatusOK && r.Result && r.Code == 0 }

// unavailable reports the clear "database unavailable" answer.
func (r reply) unavailable() bool {
	return r.Err == nil && r.Status == http.StatusOK && !r.Result && r.Code == codeUnavailable && r.Message == unavailableMsg
}

func (r reply) String() string {
	if r.Err != nil {
		return fmt.Sprintf("transport: %v (after %s)", r.Err, r.Dur.Round(time.Millisecond))
	}
	return fmt.Sprintf("HTTP %d %s", r.Status, clip(r.Raw, 400))
}

func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + fmt.Sprintf("…(%d bytes)", len(b))
}

// esb calls an ESB v2 component (English messages).
func (nd *node) esb(ctx context.Context, op string, fields map[string]any) reply {
	body := map[string]any{"bk_app_code": appCode, "bk_app_secret": appSecret, "bk_username": user}
	for k, v := range fields {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	return nd.do(ctx, http.MethodPost, "/api/c/compapi/v2/cc/"+op+"/", nil, b)
}

// gw calls a native path through the gateway-style door.
func (nd *node) gw(ctx context.Context, method, path string, fields map[string]any) reply {
	b, _ := json.Marshal(fields)
	auth, _ := json.Marshal(map[string]string{"bk_app_code": appCode, "bk_app_secret": appSecret, "bk_username": user})
	return nd.do(ctx, method, path, http.Header{"X-Bkapi-Authorization": {string(auth)}, "Blueking-Language": {"en"}}, b)
}

func (nd *node) do(ctx context.Context, method, path string, hdr http.Header, body []byte) reply {
	r := reply{Start: time.Now()}
	defer func() { r.Dur = time.Since(r.Start) }()
	req, err := http.NewRequestWithContext(ctx, method, nd.url+path, bytes.NewReader(body))
	if err != nil {
		r.Err = err
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := nd.client.Do(req)
	if err != nil {
		r.Err = err
		r.Dur = time.Since(r.Start)
		return r
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	r.Raw, err = io.ReadAll(resp.Body)
	if err != nil {
		r.Err = fmt.Errorf("HTTP %d, body: %w", resp.StatusCode, err)
		r.Dur = time.Since(r.Start)
		return r
	}
	var env struct {
		Result  bool            `json:"result"`
		Code    int64           `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.Raw, &env); err != nil {
		r.Err = fmt.Errorf("HTTP %d, undecodable body %q: %w", resp.StatusCode, clip(r.Raw, 200), err)
	}
	r.Result, r.Code, r.Message, r.Data = env.Result, env.Code, env.Message, env.Data
	r.Dur = time.Since(r.Start)
	return r
}

// must fails the test unless r succeeded; only from the test goroutine.
func must(t *testing.T, what string, r reply) json.RawMessage {
	t.Helper()
	if !r.ok() {
		t.Fatalf("%s: %s", what, r)
	}
	return r.Data
}

func decode[T any](t *testing.T, what string, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: decode %s: %v", what, clip(raw, 300), err)
	}
	return v
}

// ---- fixtures and reads ----

// createModel creates model id (classification bk_network) through nd.
func (c *cluster) createModel(nd *node, id string) int64 {
	c.t.Helper()
	data := must(c.t, "create_object "+id, nd.esb(context.Background(), "create_object", map[string]any{
		"bk_obj_id": id, "bk_obj_name": id, "bk_classification_id": "bk_network", "bk_obj_icon": "icon-cc-default"}))
	return decode[struct {
		ID int64 `json:"id"`
	}](c.t, "create_object", data).ID
}

// createObjAsst creates the model association src_kind_dst with mapping
// through nd (gateway door) and returns its bk_obj_asst_id.
func (c *cluster) createObjAsst(nd *node, src, kind, dst, mapping string) string {
	c.t.Helper()
	id := src + "_" + kind + "_" + dst
	must(c.t, "create objectassociation "+id, nd.gw(context.Background(), http.MethodPost, "/api/v3/create/objectassociation",
		map[string]any{"bk_obj_asst_id": id, "bk_obj_asst_name": id, "bk_obj_id": src, "bk_asst_obj_id": dst,
			"bk_asst_id": kind, "mapping": mapping, "on_delete": "none"}))
	return id
}

type batchResult struct {
	Created map[string]int64  `json:"success_created"`
	Errors  map[string]string `json:"error_msg"`
}

// createInstances makes len(names) instances of obj through nd in batches
// of 200 and returns their ids in order.
func (c *cluster) createInstances(nd *node, obj string, names []string) []int64 {
	c.t.Helper()
	ids := make([]int64, 0, len(names))
	for start := 0; start < len(names); start += 200 {
		part := names[start:min(start+200, len(names))]
		details := make([]map[string]any, len(part))
		for i, n := range part {
			details[i] = map[string]any{"bk_inst_name": n}
		}
		res := decode[batchResult](c.t, "batch_create_inst", must(c.t, "batch_create_inst "+obj,
			nd.esb(context.Background(), "batch_create_inst", map[string]any{"bk_obj_id": obj, "details": details})))
		if len(res.Errors) != 0 || len(res.Created) != len(part) {
			c.t.Fatalf("batch_create_inst %s: %d created, errors %v", obj, len(res.Created), res.Errors)
		}
		for i := range part {
			ids = append(ids, res.Created[strconv.Itoa(i)])
		}
	}
	return ids
}

func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// instAsst is one row of find_instance_association.
type instAsst struct {
	ID         int64  `json:"id"`
	InstID     int64  `json:"bk_inst_id"`
	ObjID      string `json:"bk_obj_id"`
	AsstInstID int64  `json:"bk_asst_inst_id"`
	AsstObjID  string `json:"bk_asst_obj_id"`
	ObjAsstID  string `json:"bk_obj_asst_id"`
	AsstID     string `json:"bk_asst_id"`
}

// findAssts is find_instance_association through nd; cond is merged into
// {"bk_obj_asst_id": objAsstID}.
func (c *cluster) findAssts(nd *node, srcObj, objAsstID string, cond map[string]any) []instAsst {
	c.t.Helper()
	cd := map[string]any{"bk_obj_asst_id": objAsstID}
	for k, v := range cond {
		cd[k] = v
	}
	r := nd.esb(context.Background(), "find_instance_association", map[string]any{"bk_obj_id": srcObj, "condition": cd})
	return decode[[]instAsst](c.t, "find_instance_association", must(c.t, "find_instance_association "+objAsstID, r))
}

type instRow struct {
	ID   int64  `json:"bk_inst_id"`
	Name string `json:"bk_inst_name"`
	Note any    `json:"note"`
}

// allInstances lists every instance of obj through nd (search_inst, page
// limit 0 = all) and checks that count_object_instances agrees.
func (c *cluster) allInstances(nd *node, obj string) []instRow {
	c.t.Helper()
	ctx := context.Background()
	res := decode[struct {
		Count int64     `json:"count"`
		Info  []instRow `json:"info"`
	}](c.t, "search_inst", must(c.t, "search_inst "+obj, nd.esb(ctx, "search_inst", map[string]any{
		"bk_obj_id": obj, "condition": map[string]any{}, "page": map[string]any{"start": 0, "limit": 0, "sort": "bk_inst_id"}})))
	if int(res.Count) != len(res.Info) {
		c.t.Fatalf("search_inst %s: count %d, %d rows", obj, res.Count, len(res.Info))
	}
	cnt := decode[struct {
		Count int64 `json:"count"`
	}](c.t, "count_object_instances", must(c.t, "count_object_instances", nd.esb(ctx, "count_object_instances",
		map[string]any{"bk_obj_id": obj})))
	if int(cnt.Count) != len(res.Info) {
		c.t.Fatalf("%s: count_object_instances %d, search_inst %d rows", obj, cnt.Count, len(res.Info))
	}
	return res.Info
}

// idSet checks that ids holds no repeat and returns it as a set.
func idSet(t *testing.T, what string, ids []int64) map[int64]bool {
	t.Helper()
	set := make(map[int64]bool, len(ids))
	var dups []int64
	for _, id := range ids {
		if id <= 0 {
			t.Errorf("%s: id %d", what, id)
		}
		if set[id] {
			dups = append(dups, id)
		}
		set[id] = true
	}
	if len(dups) > 0 {
		slices.Sort(dups)
		t.Errorf("%s: %d ids handed out twice, e.g. %v", what, len(dups), dups[:min(10, len(dups))])
	}
	return set
}

// race sends n requests, request i from goroutine i through node i%len,
// all released at once, and returns the answers in order.
func (c *cluster) race(n int, call func(i int, nd *node) reply) []reply {
	out := make([]reply, n)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			nd := c.nodes[i%len(c.nodes)]
			ready.Done()
			<-gate
			out[i] = call(i, nd)
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	return out
}
