// Package cli holds cmdb's subcommands: serve, migrate, version.
package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opscmdb/cmdb/internal/api"
	"github.com/opscmdb/cmdb/internal/api/esb"
	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
	"github.com/opscmdb/cmdb/internal/store/postgres"
	"github.com/opscmdb/cmdb/internal/store/sqlite"
)

// Version is set at build time with -ldflags "-X .../cli.Version=…".
var Version = "dev"

const usage = `cmdb — BlueKing CMDB's model / instance / association API in one binary

Usage:
  cmdb serve   [flags]   run the server
  cmdb migrate [flags]   apply database migrations and exit
  cmdb version           print the version

Run 'cmdb serve -h' for the flags.
`

// Run runs one subcommand and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "cmdb %s\n", Version)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "cmdb: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "cmdb: %v\n", err)
		return 1
	}
	return 0
}

// Config is everything serve and migrate read from flags, then CMDB_*
// environment variables, then defaults.
type Config struct {
	Listen         string
	DataDir        string
	DB             string
	Apps           []string
	TrustedProxies []string
	LoginURL       string
	LogLevel       string
	// AnswerCache is the byte budget of the find_instance_association
	// answer cache; 0 disables it.
	AnswerCache int64
	// AnswerCacheDir is where the answer cache keeps answers on disk;
	// empty: in memory only. AnswerCacheDisk is the disk budget; 0 disables
	// the disk tier.
	AnswerCacheDir  string
	AnswerCacheDisk int64
	// Pprof is an address for net/http/pprof; empty (the default) serves
	// none. It is a separate listener so that profiles never share the
	// API's address or its authentication.
	Pprof string
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseConfig(name string, args []string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("cmdb "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &Config{}
	var apps, proxies listFlag
	fs.StringVar(&c.Listen, "listen", "", "address to listen on (CMDB_LISTEN; default 127.0.0.1:8080)")
	fs.StringVar(&c.DataDir, "data", "", "data directory for the embedded store (CMDB_DATA; default ./cmdb-data)")
	fs.StringVar(&c.DB, "db", "", "database: postgres://… selects PostgreSQL (CMDB_DB; default: SQLite in the data directory)")
	fs.Var(&apps, "app", "application CODE:SECRET, repeatable (CMDB_APPS, comma-separated, or CMDB_APPS_FILE)")
	fs.Var(&proxies, "trusted-proxy", "CIDR allowed to use bk-cmdb's native headers, repeatable (CMDB_TRUSTED_PROXIES)")
	fs.StringVar(&c.LoginURL, "bk-login-url", "", "BlueKing login is_login URL that verifies bk_token (CMDB_BK_LOGIN_URL)")
	fs.StringVar(&c.LogLevel, "log-level", "", "debug, info, warn or error (CMDB_LOG_LEVEL; default info)")
	fs.StringVar(&c.Pprof, "pprof", "", "address for Go's pprof profiles, e.g. 127.0.0.1:6060; off when empty (CMDB_PPROF)")
	var answerCache string
	fs.StringVar(&answerCache, "answer-cache", "", "byte budget of the find_instance_association answer cache, e.g. 64MiB; 0 disables it (CMDB_ANSWER_CACHE; default 64MiB)")
	var answerDir, answerDisk string
	fs.StringVar(&answerDir, "answer-cache-dir", "", "directory for the answer cache's disk tier; off (or empty) keeps answers in memory only (CMDB_ANSWER_CACHE_DIR; default DATA/answer-cache)")
	fs.StringVar(&answerDisk, "answer-cache-disk", "", "byte budget of the answer cache's disk tier, e.g. 1GiB; 0 disables it (CMDB_ANSWER_CACHE_DISK; default 1GiB)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	env := func(dst *string, key, def string) {
		if *dst == "" {
			*dst = os.Getenv(key)
		}
		if *dst == "" {
			*dst = def
		}
	}
	env(&c.Listen, "CMDB_LISTEN", "127.0.0.1:8080")
	env(&c.DataDir, "CMDB_DATA", "cmdb-data")
	env(&c.DB, "CMDB_DB", "")
	env(&c.LoginURL, "CMDB_BK_LOGIN_URL", "")
	env(&c.LogLevel, "CMDB_LOG_LEVEL", "info")
	env(&c.Pprof, "CMDB_PPROF", "")
	env(&answerCache, "CMDB_ANSWER_CACHE", "64MiB")
	n, err := parseSize(answerCache)
	if err != nil {
		return nil, fmt.Errorf("--answer-cache: %w", err)
	}
	c.AnswerCache = n
	// An empty directory, given or in the environment, is off too.
	dirSet := false
	fs.Visit(func(f *flag.Flag) { dirSet = dirSet || f.Name == "answer-cache-dir" })
	if !dirSet {
		var ok bool
		if answerDir, ok = os.LookupEnv("CMDB_ANSWER_CACHE_DIR"); !ok {
			answerDir = filepath.Join(c.DataDir, "answer-cache")
		}
	}
	if strings.TrimSpace(answerDir) == "off" {
		answerDir = ""
	}
	c.AnswerCacheDir = answerDir
	env(&answerDisk, "CMDB_ANSWER_CACHE_DISK", "1GiB")
	if c.AnswerCacheDisk, err = parseSize(answerDisk); err != nil {
		return nil, fmt.Errorf("--answer-cache-disk: %w", err)
	}
	c.Apps = apps
	if len(c.Apps) == 0 {
		v := os.Getenv("CMDB_APPS")
		if f := os.Getenv("CMDB_APPS_FILE"); v == "" && f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("CMDB_APPS_FILE: %w", err)
			}
			v = strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", ",")
		}
		c.Apps = splitList(v)
	}
	c.TrustedProxies = proxies
	if len(c.TrustedProxies) == 0 {
		c.TrustedProxies = splitList(os.Getenv("CMDB_TRUSTED_PROXIES"))
	}
	return c, nil
}

// parseSize reads a byte count: a number with an optional unit B, K/KB/KiB,
// M/MB/MiB or G/GB/GiB (all powers of 1024).
func parseSize(v string) (int64, error) {
	t := strings.TrimSpace(v)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToLower(strings.TrimSpace(t[len(num):]))
	mult := int64(1)
	switch unit {
	case "", "b":
	case "k", "kb", "kib":
		mult = 1 << 10
	case "m", "mb", "mib":
		mult = 1 << 20
	case "g", "gb", "gib":
		mult = 1 << 30
	default:
		return 0, fmt.Errorf("size %q: unknown unit %q", v, unit)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q: want a number of bytes, e.g. 64MiB", v)
	}
	return n * mult, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// openStore opens the configured store and applies its migrations.
func openStore(ctx context.Context, c *Config) (cmdb.Store, error) {
	if c.DB != "" {
		if strings.HasPrefix(c.DB, "postgres://") || strings.HasPrefix(c.DB, "postgresql://") {
			return postgres.Open(ctx, c.DB)
		}
		return nil, fmt.Errorf("--db: unsupported database URL (want postgres://…)")
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(c.DataDir, "cmdb.db"))
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("migrate", args, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

// parseApps turns CODE:SECRET entries into a map.
func parseApps(entries []string) (map[string]string, error) {
	apps := map[string]string{}
	for _, e := range entries {
		code, secret, ok := strings.Cut(e, ":")
		if !ok || code == "" || secret == "" {
			return nil, fmt.Errorf("--app %q: want CODE:SECRET", redact(e))
		}
		apps[code] = secret
	}
	return apps, nil
}

// redact hides the secret part of an app entry in error messages.
func redact(e string) string {
	if code, _, ok := strings.Cut(e, ":"); ok {
		return code + ":…"
	}
	return "…"
}

// generatedApp makes (once) and then reuses an app for a server started
// without any: its secret is printed only when it is created.
func generatedApp(dir string, stderr io.Writer) (map[string]string, error) {
	path := filepath.Join(dir, "generated-app")
	if b, err := os.ReadFile(path); err == nil {
		apps, err := parseApps([]string{strings.TrimSpace(string(b))})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for code := range apps {
			fmt.Fprintf(stderr, "cmdb: no --app given; using app %q from %s\n", code, path)
		}
		return apps, nil
	}
	var b [16]byte
	rand.Read(b[:])
	secret := hex.EncodeToString(b[:])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte("cmdb-admin:"+secret+"\n"), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "cmdb: no --app given; generated app cmdb-admin with secret %s (kept in %s; register your own with --app CODE:SECRET)\n", secret, path)
	return map[string]string{"cmdb-admin": secret}, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("serve", args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(c.LogLevel, stderr)
	if err != nil {
		return err
	}
	apps, err := parseApps(c.Apps)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		if apps, err = generatedApp(c.DataDir, stderr); err != nil {
			return err
		}
	}
	var proxies []netip.Prefix
	for _, p := range c.TrustedProxies {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return fmt.Errorf("--trusted-proxy %q: %w", p, err)
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		proxies = append(proxies, pfx)
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, log)
	if applied, err := svc.EnsurePresets(ctx); err != nil {
		return fmt.Errorf("presets: %w", err)
	} else if applied {
		log.Info("preset data written")
	}
	cacheBytes := c.AnswerCache
	if cacheBytes == 0 {
		cacheBytes = -1 // api: a negative budget is no cache
	}
	cacheDir, diskBytes := c.AnswerCacheDir, c.AnswerCacheDisk
	if diskBytes == 0 {
		cacheDir = "" // api: no directory, no disk tier
	}
	srv := api.New(svc, api.Config{Apps: apps, TrustedProxies: proxies, LoginURL: c.LoginURL,
		Version: Version, Logger: log, AnswerCacheBytes: cacheBytes,
		AnswerCacheDir: cacheDir, AnswerCacheDiskBytes: diskBytes})
	defer srv.Close() // removes the answer cache's files
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(esb.New(srv)),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if c.Pprof != "" {
		pl, err := net.Listen("tcp", c.Pprof)
		if err != nil {
			return fmt.Errorf("--pprof: %w", err)
		}
		defer pl.Close()
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		go func() { _ = http.Serve(pl, mux) }()
		log.Info("pprof serving", "listen", pl.Addr().String())
	}
	log.Info("cmdb serving", "listen", ln.Addr().String(), "version", Version, "apps", len(apps))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	return nil
}
