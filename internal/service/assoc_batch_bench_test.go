package service_test

import (
	"context"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/storetest"
)

// BenchmarkBatchCreateInstAsst measures batch_create_instance_association
// at the service: 200-item batches of new n:n rows, one after another, on
// the run's store (SQLite, or PostgreSQL with CMDB_TEST_POSTGRES_DSN).
func BenchmarkBatchCreateInstAsst(b *testing.B) {
	ctx := context.Background()
	st := storetest.OpenAny(b)
	svc := service.New(st, nil)
	svc.EnsurePresets(ctx)
	c := service.Caller{Supplier: "0", User: "u", Lang: cmdb.LangEN}
	for _, o := range []string{"srcm", "dstm"} {
		if _, err := svc.CreateObject(ctx, c, service.Body{"bk_obj_id": o, "bk_obj_name": o, "bk_classification_id": "bk_network", "bk_obj_icon": "x"}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.CreateObjAsst(ctx, c, cmdb.ObjectAssociation{ObjAsstID: "srcm_default_dstm", ObjID: "srcm", AsstObjID: "dstm", AsstID: "default", Mapping: "n:n"}); err != nil {
		b.Fatal(err)
	}
	err := st.Update(ctx, func(tx cmdb.Tx) error {
		for i := int64(1); i <= 2000; i++ {
			if err := tx.InsertInstance("0", "srcm", i, cmdb.Instance{"bk_inst_id": i, "bk_inst_name": "s"}); err != nil {
				return err
			}
			if err := tx.InsertInstance("0", "dstm", i, cmdb.Instance{"bk_inst_id": i, "bk_inst_name": "d"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		in := service.BatchInstAsstInput{ObjAsstID: "srcm_default_dstm", ObjID: "srcm", AsstObjID: "dstm"}
		in.Details = make([]struct {
			InstID     int64 `json:"bk_inst_id"`
			AsstInstID int64 `json:"bk_asst_inst_id"`
		}, 200)
		for i := range in.Details {
			in.Details[i].InstID = int64(n/2000 + 1)
			in.Details[i].AsstInstID = int64(n%2000 + 1)
			n++
		}
		res, err := svc.BatchCreateInstAsst(ctx, c, in)
		if err != nil || len(res.Errors) > 0 || len(res.Created) != 200 {
			b.Fatalf("batch: err %v, %d created, errors %v", err, len(res.Created), res.Errors)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "assoc/s")
}
