package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// unsetEnv unsets k for the test (t.Setenv restores it afterwards).
func unsetEnv(t *testing.T, k string) {
	t.Setenv(k, "")
	os.Unsetenv(k)
}

// TestAnswerCacheDiskFlags: --answer-cache-dir and --answer-cache-disk,
// then CMDB_ANSWER_CACHE_DIR and CMDB_ANSWER_CACHE_DISK, then the defaults
// (DATA/answer-cache, 1 GiB); off or empty turns the disk tier off.
func TestAnswerCacheDiskFlags(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		env      map[string]string
		wantDir  string
		wantDisk int64
		wantErr  bool
	}{
		{"defaults", []string{"--data", "/d"}, nil, filepath.Join("/d", "answer-cache"), 1 << 30, false},
		{"flags", []string{"--answer-cache-dir", "/c", "--answer-cache-disk", "2GiB"}, nil, "/c", 2 << 30, false},
		{"flag off", []string{"--answer-cache-dir", "off"}, nil, "", 1 << 30, false},
		{"flag empty", []string{"--answer-cache-dir", ""}, map[string]string{"CMDB_ANSWER_CACHE_DIR": "/e"}, "", 1 << 30, false},
		{"env", []string{"--data", "/d"}, map[string]string{"CMDB_ANSWER_CACHE_DIR": "/e", "CMDB_ANSWER_CACHE_DISK": "0"}, "/e", 0, false},
		{"env off", nil, map[string]string{"CMDB_ANSWER_CACHE_DIR": "off"}, "", 1 << 30, false},
		{"env empty", nil, map[string]string{"CMDB_ANSWER_CACHE_DIR": ""}, "", 1 << 30, false},
		{"flag over env", []string{"--answer-cache-dir", "/c"}, map[string]string{"CMDB_ANSWER_CACHE_DIR": "/e"}, "/c", 1 << 30, false},
		{"bad size", []string{"--answer-cache-disk", "1TB"}, nil, "", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CMDB_DATA", "")
			t.Setenv("CMDB_ANSWER_CACHE_DISK", "")
			if _, set := tc.env["CMDB_ANSWER_CACHE_DIR"]; !set {
				unsetEnv(t, "CMDB_ANSWER_CACHE_DIR")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := parseConfig("serve", tc.args, io.Discard)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AnswerCacheDir != tc.wantDir || c.AnswerCacheDisk != tc.wantDisk {
				t.Errorf("dir %q, disk %d; want %q, %d", c.AnswerCacheDir, c.AnswerCacheDisk, tc.wantDir, tc.wantDisk)
			}
		})
	}
}
