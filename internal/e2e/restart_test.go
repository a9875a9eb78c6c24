package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// TestRestartKeepsData: presets are written once (presets.md: the state
// after a fresh install); a restart over the same file neither writes them
// again nor undoes what callers changed.
func TestRestartKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cmdb.db")
	ctx := context.Background()
	first := func() {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		svc := service.New(st, nil)
		applied, err := svc.EnsurePresets(ctx)
		if err != nil || !applied {
			t.Fatalf("first start: applied %v, err %v; want true, nil", applied, err)
		}
	}
	first()

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := service.New(st, nil).EnsurePresets(ctx)
	st.Close()
	if err != nil || applied {
		t.Fatalf("second start: applied %v, err %v; want false, nil", applied, err)
	}

	e := startEnv(t, envConfig{path: path})
	wantEqual(t, "classifications", len(e.esb("search_classifications", `{}`).list()), 5)
	wantEqual(t, "models", len(e.esb("search_objects", `{}`).list()), 12)
	wantEqual(t, "switch attributes", len(e.esb("search_object_attribute", `{"bk_obj_id":"bk_switch"}`).list()), 15)
	wantEqual(t, "mainline levels", len(e.esb("get_mainline_object_topo", `{}`).list()), 4)
	// A deleted preset stays deleted over a restart.
	e.esb("delete_object", `{"id":`+objRouter+`}`)
	e.srv.Close()
	e.store.Close()
	e2 := startEnv(t, envConfig{path: path})
	if searchObj(e2, "bk_router") != nil {
		t.Errorf("bk_router came back after a restart")
	}
	// New ids continue after the old ones (no reuse across restarts).
	e2.esb("create_object", obj1Body)
	if id := searchObj(e2, "obj1")["id"]; pathText(id) == objRouter {
		t.Errorf("model id reused: %v", id)
	}
}
