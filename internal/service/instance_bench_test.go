package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// benchIP is the value of the indexed user attribute of instance i.
func benchIP(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
}

// loadBenchModel opens a fresh store with the presets, a custom model
// "bench" with a singlechar attribute "ip", and n instances written through
// the store in large transactions (with their index rows and unique keys,
// as create_inst writes them).
func loadBenchModel(b *testing.B, n int) (*Service, Caller) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "cmdb.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := s.EnsurePresets(ctx); err != nil {
		b.Fatal(err)
	}
	c := Caller{Supplier: "0", User: "admin", Lang: cmdb.LangEN}
	if _, err := s.CreateObject(ctx, c, Body{"bk_obj_id": "bench", "bk_obj_name": "Bench",
		"bk_classification_id": "bk_uncategorized", "bk_obj_icon": "icon-cc-default"}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateAttribute(ctx, c, Body{"bk_obj_id": "bench", "bk_property_id": "ip",
		"bk_property_name": "IP", "bk_property_type": "singlechar"}, 0); err != nil {
		b.Fatal(err)
	}
	const perTx = 20000
	now := InstTime(s.Now())
	for start := 0; start < n; start += perTx {
		err := st.Update(ctx, func(tx cmdb.Tx) error {
			m, err := loadInstModel(tx, c, "bench")
			if err != nil {
				return err
			}
			for i := start; i < min(start+perTx, n); i++ {
				id, err := tx.NextID("cc_ObjectBase")
				if err != nil {
					return err
				}
				data := cmdb.Instance{"bk_inst_id": json.Number(fmt.Sprint(id)), "bk_obj_id": "bench",
					"bk_supplier_account": "0", "bk_inst_name": fmt.Sprintf("inst-%d", i), "ip": benchIP(i),
					"create_time": now, "last_time": now, "bk_created_at": now, "bk_updated_at": now,
					"bk_created_by": "admin", "bk_updated_by": nil}
				if err := tx.PutInstance(&cmdb.InstanceWrite{Supplier: "0", ObjID: "bench", ID: id, Data: data,
					Index: m.index(data), Unique: m.uniqueKeys(data)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s, c
}

// BenchmarkSearchObjectInstances is search_object_instances with an
// equality filter on a user attribute: the time per query must not grow
// with the number of instances of the model. The 1M case runs only with
// CMDB_BENCH_LARGE=1.
func BenchmarkSearchObjectInstances(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv("CMDB_BENCH_LARGE") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	if v, err := strconv.Atoi(os.Getenv("CMDB_BENCH_N")); err == nil && v > 0 {
		sizes = []int{v} // one size, for profiling
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			s, c := loadBenchModel(b, n)
			ctx := context.Background()
			want := benchIP(n / 2)
			body := Body{
				"conditions": map[string]any{"field": "ip", "operator": "equal", "value": want},
				"page":       map[string]any{"start": json.Number("0"), "limit": json.Number("10")},
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := s.SearchObjectInstances(ctx, c, "bench", body)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Info) != 1 || res.Info[0]["ip"] != want {
					b.Fatalf("got %v, want one instance with ip %s", res.Info, want)
				}
			}
		})
	}
}
