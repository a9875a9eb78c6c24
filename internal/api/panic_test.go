package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// TestHandlerPanic: a panic inside a handler answers 1199999 "'topo'
// Internal Server Error" in the door's envelope with HTTP 200
// (envelope-and-auth.md §2), and the server keeps serving.
func TestHandlerPanic(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cmdb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(st, log)
	if _, err := svc.EnsurePresets(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := New(svc, Config{Apps: map[string]string{"app1": "secret1"}, Logger: log,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	s.routes.add(http.MethodPost, "/api/v3/find/panic", "panic_test", func(*Request) (any, error) {
		panic("boom")
	})
	s.routes.add(http.MethodPost, "/api/v3/find/nilpanic", "nil_panic_test", func(r *Request) (any, error) {
		var m map[string]int
		m["x"]++ // assignment to a nil map: a runtime panic
		return nil, nil
	})
	srv := httptest.NewServer(s.Handler(nil))
	defer srv.Close()

	gw := http.Header{"X-Bkapi-Authorization": {`{"bk_app_code":"app1","bk_app_secret":"secret1","bk_username":"admin"}`}}
	trusted := http.Header{"X-Bkcmdb-User": {"admin"}, "X-Bkcmdb-Supplier-Account": {"0"}}
	for _, tc := range []struct {
		name, path, lang string
		hdr              http.Header
		want             string
	}{
		{"gateway en", "/api/v3/find/panic", "en", gw,
			`{"result":false,"code":1199999,"message":"'topo' Internal Server Error","permission":null,"data":null}`},
		{"gateway zh", "/api/v3/find/panic", "", gw,
			`{"result":false,"code":1199999,"message":"'topo' 服务器内部错误","permission":null,"data":null}`},
		{"gateway runtime error", "/api/v3/find/nilpanic", "en", gw,
			`{"result":false,"code":1199999,"message":"'topo' Internal Server Error","permission":null,"data":null}`},
		{"trusted en", "/api/v3/find/panic", "en", trusted,
			`{"result":false,"bk_error_code":1199999,"bk_error_msg":"'topo' Internal Server Error","permission":null,"data":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hr, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, strings.NewReader(`{}`))
			for k, v := range tc.hdr {
				hr.Header[k] = v
			}
			if tc.lang != "" {
				hr.Header.Set("X-Bkcmdb-Language", tc.lang)
			}
			resp, err := srv.Client().Do(hr)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status: got %d, want 200", resp.StatusCode)
			}
			if got := string(body); got != tc.want {
				t.Errorf("body: got %s, want %s", got, tc.want)
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Errorf("X-Request-Id missing")
			}
		})
	}
	t.Run("invoke (the ESB's way in)", func(t *testing.T) {
		_, op, err := s.Invoke(context.Background(), DoorESB, http.MethodPost, "/api/v3/find/panic",
			service.Caller{Supplier: "0", User: "admin", Lang: cmdb.LangEN}, []byte(`{}`))
		e := cmdb.AsError(err)
		if op != "panic_test" || e == nil || e.Code != 1199999 || e.Message(cmdb.LangEN) != "'topo' Internal Server Error" {
			t.Errorf("got op %q, err %v; want panic_test, 1199999 'topo' Internal Server Error", op, err)
		}
	})
	t.Run("server keeps serving", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			hr, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v3/find/objectclassification", strings.NewReader(`{}`))
			hr.Header = gw.Clone()
			resp, err := srv.Client().Do(hr)
			if err != nil {
				t.Fatalf("request after panic: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.HasPrefix(string(body), `{"result":true,"code":0,"message":"success"`) {
				t.Errorf("after a panic: got %s", body)
			}
		}
	})
}
