package e2e

// Racing writers through HTTP (run with -race): the mapping rules and the
// duplicate rule hold when many requests arrive at once, ids never repeat,
// and "check then write" steps are atomic.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
)

const asstRacers = 32

// asstOutcome is one racing request's answer.
type asstOutcome struct {
	code int
	msg  string
	data any
}

// asstPostESB calls op through the ESB from any goroutine: transport
// failures come back as errors instead of failing the test.
func asstPostESB(e *env, op, body string) (asstOutcome, error) {
	m, ok := decodeObject(body)
	if !ok {
		return asstOutcome{}, fmt.Errorf("body not an object: %s", body)
	}
	for k, v := range esbCreds() {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		return asstOutcome{}, err
	}
	resp, err := e.srv.Client().Post(e.srv.URL+"/api/c/compapi/v2/cc/"+op+"/", "application/json", bytes.NewReader(b))
	if err != nil {
		return asstOutcome{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return asstOutcome{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return asstOutcome{}, fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
		Data    any         `json:"data"`
	}
	if err := d.Decode(&out); err != nil {
		return asstOutcome{}, fmt.Errorf("%v: %s", err, raw)
	}
	code, _ := out.Code.Int64()
	return asstOutcome{code: int(code), msg: out.Message, data: out.Data}, nil
}

// asstRace sends bodies[i] from goroutine i, all released at once, and
// returns the outcomes in order.
func asstRace(t *testing.T, e *env, op string, bodies []string) []asstOutcome {
	t.Helper()
	out := make([]asstOutcome, len(bodies))
	errs := make([]error, len(bodies))
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := range bodies {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			out[i], errs[i] = asstPostESB(e, op, bodies[i])
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

// asstTally counts outcomes by code.
func asstTally(out []asstOutcome) map[int]int {
	m := map[int]int{}
	for _, o := range out {
		m[o.code]++
	}
	return m
}

func asstAddBody(objAsstID string, src, dst int) string {
	return `{"bk_obj_asst_id":"` + objAsstID + `","bk_inst_id":` + strconv.Itoa(src) + `,"bk_asst_inst_id":` + strconv.Itoa(dst) + `}`
}

// asstOneWinner asserts exactly one success and every other request
// refused with code, and that exactly one row is stored.
func asstOneWinner(t *testing.T, e *env, out []asstOutcome, code int) {
	t.Helper()
	wantEqual(t, "outcomes by code", asstTally(out), map[int]int{0: 1, code: len(out) - 1})
	if n := len(asstRows(e)); n != 1 {
		t.Errorf("stored rows: %d, want 1", n)
	}
}

func TestAssocConcurrentAddOneToOneSameSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "1:1")
	asstPutInst(e, "bk_router", 1, "r1")
	bodies := make([]string, asstRacers)
	for i := range bodies {
		asstPutInst(e, "bk_firewall", int64(i+1), "f")
		bodies[i] = asstAddBody("bk_router_default_bk_firewall", 1, i+1)
	}
	asstOneWinner(t, e, asstRace(t, e, "add_instance_association", bodies), 1101052)
}

func TestAssocConcurrentAddOneToOneSameTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "1:1")
	asstPutInst(e, "bk_firewall", 1, "f1")
	bodies := make([]string, asstRacers)
	for i := range bodies {
		asstPutInst(e, "bk_router", int64(i+1), "r")
		bodies[i] = asstAddBody("bk_router_default_bk_firewall", i+1, 1)
	}
	asstOneWinner(t, e, asstRace(t, e, "add_instance_association", bodies), 1101052)
}

func TestAssocConcurrentAddOneToManySameTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	asstPutInst(e, "host", 3, "10.0.0.3")
	bodies := make([]string, asstRacers)
	for i := range bodies {
		asstPutInst(e, "bk_switch", int64(i+1), "sw")
		bodies[i] = asstAddBody("bk_switch_connect_host", i+1, 3)
	}
	out := asstRace(t, e, "add_instance_association", bodies)
	asstOneWinner(t, e, out, 1101061)
	for _, o := range out {
		if o.code == 1101061 && o.msg != "The relationship is 1:n, and multiple source model instances cannot be associated at the same time." {
			t.Errorf("message %q", o.msg)
		}
	}
}

func TestAssocConcurrentAddExactDuplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
	asstPutInst(e, "bk_router", 1, "r1")
	asstPutInst(e, "bk_firewall", 1, "f1")
	bodies := make([]string, asstRacers)
	for i := range bodies {
		bodies[i] = asstAddBody("bk_router_default_bk_firewall", 1, 1)
	}
	out := asstRace(t, e, "add_instance_association", bodies)
	asstOneWinner(t, e, out, 1199014)
	for _, o := range out {
		if o.code == 1199014 && o.msg != "duplicated instances exist, fields [association] duplicated" {
			t.Errorf("message %q", o.msg)
		}
	}
}

// Distinct creates racing each other, single and batch: every one succeeds
// and no id repeats.
func TestAssocConcurrentCreatesGetUniqueIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
	const batches, per = 8, 25
	for i := 1; i <= batches+1; i++ {
		asstPutInst(e, "bk_router", int64(i), "r")
	}
	for j := 1; j <= per; j++ {
		asstPutInst(e, "bk_firewall", int64(j), "f")
	}
	var batchBodies, singleBodies []string
	for i := 1; i <= batches; i++ {
		var details []string
		for j := 1; j <= per; j++ {
			details = append(details, `{"bk_inst_id":`+strconv.Itoa(i)+`,"bk_asst_inst_id":`+strconv.Itoa(j)+`}`)
		}
		batchBodies = append(batchBodies, `{"bk_obj_asst_id":"bk_router_default_bk_firewall","bk_obj_id":"bk_router","bk_asst_obj_id":"bk_firewall","details":[`+
			asstJoin(details)+`]}`)
	}
	for j := 1; j <= per; j++ {
		singleBodies = append(singleBodies, asstAddBody("bk_router_default_bk_firewall", batches+1, j))
	}
	var wg sync.WaitGroup
	var batchOut, singleOut []asstOutcome
	wg.Add(2)
	go func() {
		defer wg.Done()
		batchOut = asstRaceNoFatal(e, "batch_create_instance_association", batchBodies)
	}()
	go func() { defer wg.Done(); singleOut = asstRaceNoFatal(e, "add_instance_association", singleBodies) }()
	wg.Wait()
	ids := map[int64]bool{}
	note := func(id int64) {
		if ids[id] {
			t.Errorf("id %d handed out twice", id)
		}
		ids[id] = true
	}
	for i, o := range batchOut {
		m, _ := o.data.(map[string]any)
		created, _ := m["success_created"].(map[string]any)
		errs, _ := m["error_msg"].(map[string]any)
		if o.code != 0 || len(created) != per || len(errs) != 0 {
			t.Fatalf("batch %d: code %d %s, %d created, errors %v", i, o.code, o.msg, len(created), errs)
		}
		for _, v := range created {
			n, _ := v.(json.Number).Int64()
			note(n)
		}
	}
	for i, o := range singleOut {
		if o.code != 0 {
			t.Fatalf("single %d: %d %s", i, o.code, o.msg)
		}
		note(num(o.data.(map[string]any), "id"))
	}
	rows := asstRows(e)
	if len(rows) != batches*per+per || len(ids) != len(rows) {
		t.Fatalf("stored %d rows, %d distinct ids answered; want %d", len(rows), len(ids), batches*per+per)
	}
	for _, r := range rows {
		if !ids[r.ID] {
			t.Errorf("stored row %d was not answered", r.ID)
		}
	}
}

// Racing batches under 1:n that all want the same targets: each target ends
// with exactly one source, every other item reports the 1:n error, and no
// item is half written.
func TestAssocConcurrentBatchesOneToMany(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const batches, per = 8, 25
	for i := 1; i <= batches; i++ {
		asstPutInst(e, "bk_switch", int64(i), "sw")
	}
	for j := 1; j <= per; j++ {
		asstPutInst(e, "host", int64(j), "h")
	}
	bodies := make([]string, batches)
	for i := range bodies {
		var details []string
		for j := 1; j <= per; j++ {
			details = append(details, `{"bk_inst_id":`+strconv.Itoa(i+1)+`,"bk_asst_inst_id":`+strconv.Itoa(j)+`}`)
		}
		bodies[i] = `{"bk_obj_asst_id":"bk_switch_connect_host","bk_obj_id":"bk_switch","bk_asst_obj_id":"host","details":[` + asstJoin(details) + `]}`
	}
	created, failed := 0, 0
	for i, o := range asstRace(t, e, "batch_create_instance_association", bodies) {
		m, _ := o.data.(map[string]any)
		c, _ := m["success_created"].(map[string]any)
		errs, _ := m["error_msg"].(map[string]any)
		if o.code != 0 || len(c)+len(errs) != per {
			t.Fatalf("batch %d: %d %s %v", i, o.code, o.msg, o.data)
		}
		for _, msg := range errs {
			if msg != "The relationship is 1:n, and multiple source model instances cannot be associated at the same time." {
				t.Errorf("item error %q", msg)
			}
		}
		created += len(c)
		failed += len(errs)
	}
	if created != per || failed != (batches-1)*per {
		t.Errorf("created %d, failed %d; want %d and %d", created, failed, per, (batches-1)*per)
	}
	targets := map[int64]int{}
	for _, r := range asstRows(e) {
		targets[r.AsstInstID]++
	}
	for j := int64(1); j <= per; j++ {
		if targets[j] != 1 {
			t.Errorf("host %d has %d sources", j, targets[j])
		}
	}
}

// Adding an instance association races deleting its model association:
// either the add loses (1101046) or the delete does (1101043), never both
// win (which would leave rows of a model association that is gone).
func TestAssocConcurrentAddVersusObjectAssociationDelete(t *testing.T) {
	t.Parallel()
	for trial := 0; trial < 10; trial++ {
		e := newEnv(t)
		id := asstCreateObjAsst(e, "bk_router", "default", "bk_firewall", "n:n")
		asstPutInst(e, "bk_router", 1, "r1")
		asstPutInst(e, "bk_firewall", 1, "f1")
		var add, del asstOutcome
		var addErr, delErr error
		var wg sync.WaitGroup
		gate := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-gate
			add, addErr = asstPostESB(e, "add_instance_association", asstAddBody("bk_router_default_bk_firewall", 1, 1))
		}()
		go func() {
			defer wg.Done()
			<-gate
			del, delErr = asstGatewayDelete(e, "/api/v3/delete/objectassociation/"+strconv.FormatInt(id, 10))
		}()
		close(gate)
		wg.Wait()
		if addErr != nil || delErr != nil {
			t.Fatal(addErr, delErr)
		}
		switch {
		case add.code == 0 && del.code == 1101043:
			if asstObjAsstByID(e, id) == nil || len(asstRows(e)) != 1 {
				t.Errorf("trial %d: add won but the store disagrees", trial)
			}
		case add.code == 1101046 && del.code == 0:
			if asstObjAsstByID(e, id) != nil || len(asstRows(e)) != 0 {
				t.Errorf("trial %d: delete won but the store disagrees", trial)
			}
		default:
			t.Errorf("trial %d: add %d %s, delete %d %s", trial, add.code, add.msg, del.code, del.msg)
		}
	}
}

// asstGatewayDelete sends DELETE through the gateway from any goroutine.
func asstGatewayDelete(e *env, path string) (asstOutcome, error) {
	hr, err := http.NewRequest(http.MethodDelete, e.srv.URL+path, bytes.NewReader([]byte(`{}`)))
	if err != nil {
		return asstOutcome{}, err
	}
	hr.Header.Set("X-Bkapi-Authorization", gwAuth())
	hr.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(hr)
	if err != nil {
		return asstOutcome{}, err
	}
	defer resp.Body.Close()
	var out struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    any    `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return asstOutcome{}, err
	}
	return asstOutcome{code: out.Code, msg: out.Message, data: out.Data}, nil
}

// asstRaceNoFatal is asstRace for use off the test goroutine: a transport
// failure becomes a code -1 outcome.
func asstRaceNoFatal(e *env, op string, bodies []string) []asstOutcome {
	out := make([]asstOutcome, len(bodies))
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := asstPostESB(e, op, bodies[i])
			if err != nil {
				o = asstOutcome{code: -1, msg: err.Error()}
			}
			out[i] = o
		}()
	}
	wg.Wait()
	return out
}

func asstJoin(parts []string) string {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p)
	}
	return b.String()
}
