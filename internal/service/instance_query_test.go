package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/cond"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// warnCounter is a slog handler that counts warnings (the search engine
// warns when an exact index filter disagrees with cond.Match).
type warnCounter struct{ n atomic.Int64 }

func (w *warnCounter) Enabled(context.Context, slog.Level) bool { return true }
func (w *warnCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		w.n.Add(1)
	}
	return nil
}
func (w *warnCounter) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnCounter) WithGroup(string) slog.Handler      { return w }

// newTestService is a service over a fresh SQLite file with the presets.
func newTestService(t testing.TB) (*Service, *warnCounter) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cmdb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	wc := &warnCounter{}
	s := New(st, slog.New(wc))
	s.Now = func() time.Time { return time.Date(2024, 5, 1, 10, 0, 0, 0, time.Local) }
	if _, err := s.EnsurePresets(ctx); err != nil {
		t.Fatal(err)
	}
	return s, wc
}

var testCaller = Caller{Supplier: "0", User: "admin", Lang: cmdb.LangEN}

func mustModel(t testing.TB, s *Service, objID string, attrs ...Body) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateObject(ctx, testCaller, Body{"bk_obj_id": objID, "bk_obj_name": objID,
		"bk_classification_id": "bk_uncategorized", "bk_obj_icon": "icon-cc-default"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range attrs {
		a["bk_obj_id"] = objID
		if _, err := s.CreateAttribute(ctx, testCaller, a, 0); err != nil {
			t.Fatalf("attribute %v: %v", a, err)
		}
	}
}

// TestSearchMatchesMongoSemantics is a differential test of the search
// engine: for random instances (mixed types, arrays, nulls, missing fields)
// and random conditions, runSearch must answer exactly what cond.Match
// answers over every instance, with and without paging, and never find its
// index filter wrong.
func TestSearchMatchesMongoSemantics(t *testing.T) {
	s, wc := newTestService(t)
	mustModel(t, s, "rnd",
		Body{"bk_property_id": "n", "bk_property_name": "N", "bk_property_type": "int", "option": map[string]any{}},
		Body{"bk_property_id": "s", "bk_property_name": "S", "bk_property_type": "singlechar"},
		Body{"bk_property_id": "tm", "bk_property_name": "TM", "bk_property_type": "time"},
	)
	rng := rand.New(rand.NewSource(7))
	num := func(s string) json.Number { return json.Number(s) }
	strs := []string{"", "a", "ab", "abc", "b", "ba", "B", "a.c", "10", "日本", "a\nb"}
	nums := []json.Number{"-3", "0", "1", "1.0", "2", "2.5", "10", "9007199254740993"}
	scalar := func() any {
		switch rng.Intn(5) {
		case 0:
			return strs[rng.Intn(len(strs))]
		case 1:
			return nums[rng.Intn(len(nums))]
		case 2:
			return rng.Intn(2) == 0
		case 3:
			return nil
		}
		return strs[rng.Intn(len(strs))]
	}
	ctx := context.Background()
	var all []cmdb.Instance
	err := s.store.Update(ctx, func(tx cmdb.Tx) error {
		m, err := loadInstModel(tx, testCaller, "rnd")
		if err != nil {
			return err
		}
		for i := 0; i < 300; i++ {
			id, err := tx.NextID("cc_ObjectBase")
			if err != nil {
				return err
			}
			d := cmdb.Instance{"bk_inst_id": num(fmt.Sprint(id)), "bk_obj_id": "rnd", "bk_supplier_account": "0",
				"bk_inst_name": fmt.Sprint("i", i), "create_time": InstTime(time.Unix(int64(1714557600+i*3600), 0))}
			if rng.Intn(4) > 0 {
				d["n"] = nums[rng.Intn(len(nums))]
			}
			if rng.Intn(4) > 0 {
				d["s"] = strs[rng.Intn(len(strs))]
			} else if rng.Intn(2) == 0 {
				d["s"] = nil
			}
			if rng.Intn(3) > 0 {
				d["tm"] = InstTime(time.Unix(int64(1714557600+rng.Intn(10)*86400), 0))
			}
			switch rng.Intn(6) {
			case 0: // missing
			case 1:
				d["a"] = []any{scalar(), scalar()}
			case 2:
				d["a"] = []any{}
			case 3:
				d["a"] = []any{[]any{scalar()}, scalar()}
			case 4:
				d["a"] = map[string]any{"k": scalar()}
			default:
				d["a"] = scalar()
			}
			if err := tx.PutInstance(&cmdb.InstanceWrite{Supplier: "0", ObjID: "rnd", ID: id, Data: d,
				Index: m.index(d), Unique: m.uniqueKeys(d)}); err != nil {
				return err
			}
			all = append(all, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{"n", "s", "a", "a.k", "tm", "bk_inst_id", "bk_inst_name", "none"}
	var genField func(depth int) map[string]any
	value := func() any {
		if rng.Intn(6) == 0 {
			return []any{scalar(), scalar()}
		}
		v := scalar()
		if n, ok := v.(json.Number); ok && rng.Intn(3) == 0 {
			// ids live in a small range: aim at them sometimes.
			return num(fmt.Sprint(int(all[0]["bk_inst_id"].(json.Number)[0]-'0') + rng.Intn(300)))
		} else if ok {
			return n
		}
		return v
	}
	genField = func(depth int) map[string]any {
		if depth > 0 && rng.Intn(3) == 0 {
			op := []string{"$and", "$or", "$nor"}[rng.Intn(3)]
			k := 1 + rng.Intn(3)
			arr := make([]any, k)
			for i := range arr {
				arr[i] = genField(depth - 1)
			}
			return map[string]any{op: arr}
		}
		f := fields[rng.Intn(len(fields))]
		switch rng.Intn(10) {
		case 0:
			return map[string]any{f: value()}
		case 1:
			ops := map[string]any{}
			for _, op := range []string{"$gt", "$gte", "$lt", "$lte"} {
				if rng.Intn(2) == 0 {
					v := scalar()
					ops[op] = v
				}
			}
			if len(ops) == 0 {
				ops["$gte"] = num("1")
			}
			return map[string]any{f: ops}
		case 2:
			return map[string]any{f: map[string]any{"$in": []any{value(), scalar(), scalar()}}}
		case 3:
			return map[string]any{f: map[string]any{"$nin": []any{value(), scalar()}}}
		case 4:
			pre := strs[rng.Intn(len(strs))]
			pats := []string{"^" + pre, pre, "^" + pre + ".*c", "^(" + pre + "|b)"}
			m := map[string]any{"$regex": pats[rng.Intn(len(pats))]}
			if rng.Intn(4) == 0 {
				m["$options"] = []string{"i", "m", "s"}[rng.Intn(3)]
			}
			return map[string]any{f: m}
		case 5:
			return map[string]any{f: map[string]any{"$exists": rng.Intn(2) == 0}}
		case 6:
			return map[string]any{f: map[string]any{"$ne": value()}}
		case 7:
			return map[string]any{f: map[string]any{"$not": map[string]any{"$gt": scalar()}}}
		}
		return map[string]any{f: map[string]any{"$eq": value()}}
	}
	checked := 0
	indexed := 0
	rounds := 700
	if testing.Short() {
		rounds = 250
	}
	for i := 0; i < rounds; i++ {
		raw := genField(3)
		expr, perr := cond.ParseMongo(raw, cond.DefaultLimits())
		if perr != nil {
			continue
		}
		if rng.Intn(5) == 0 {
			day := time.Unix(int64(1714557600+rng.Intn(12)*86400), int64(rng.Intn(2))*int64(time.Millisecond)/2)
			field := []string{"tm", "create_time"}[rng.Intn(2)]
			op := []cond.Op{cond.OpGt, cond.OpGte, cond.OpLt, cond.OpLte, cond.OpEq}[rng.Intn(5)]
			expr = cond.And{expr, cond.Pred{Field: field, Op: op, Value: day}}
		}
		checked++
		var want []int64
		err := s.store.View(ctx, func(tx cmdb.Tx) error {
			m, err := loadInstModel(tx, testCaller, "rnd")
			if err != nil {
				return err
			}
			for _, d := range all {
				if cond.Match(expr, m.matchDoc(d)) {
					id, _ := asInt(d["bk_inst_id"])
					want = append(want, id)
				}
			}
			if f, exact := m.toIndexFilter(expr); f != nil && exact {
				indexed++
			}
			for _, pg := range [][2]int64{{0, 0}, {2, 3}} {
				res, err := s.runSearch(tx, testCaller, m, &instSearch{expr: expr, start: pg[0], limit: pg[1], count: true, rows: true})
				if err != nil {
					return err
				}
				var got []int64
				for _, inst := range res.info {
					id, _ := asInt(inst["bk_inst_id"])
					got = append(got, id)
				}
				w := want
				if pg[1] > 0 {
					w = nil
					for j := pg[0]; j < pg[0]+pg[1] && j < int64(len(want)); j++ {
						w = append(w, want[j])
					}
				}
				if !reflect.DeepEqual(got, w) || res.count != int64(len(want)) {
					f, exact := m.toIndexFilter(expr)
					t.Fatalf("condition %s page %v:\n got %v (count %d)\nwant %v (count %d)\nfilter %+v exact %v",
						cond.Format(expr), pg, got, res.count, w, len(want), f, exact)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < rounds/3 || indexed < rounds/10 {
		t.Fatalf("only %d conditions parsed, %d answered from the index alone", checked, indexed)
	}
	t.Logf("%d conditions, %d answered from the index alone", checked, indexed)
	if n := wc.n.Load(); n != 0 {
		t.Errorf("%d searches found their exact index filter wrong", n)
	}
}
