package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/opscmdb/cmdb/internal/cmdb"
	"github.com/opscmdb/cmdb/internal/service"
)

// SecretEqual compares a presented secret with the registered one in
// constant time.
func SecretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// gatewayAuthorization is the JSON of X-Bkapi-Authorization.
type gatewayAuthorization struct {
	AppCode     string `json:"bk_app_code"`
	AppSecret   string `json:"bk_app_secret"`
	Signature   string `json:"bk_signature"`
	Username    string `json:"bk_username"`
	Token       string `json:"bk_token"`
	AccessToken string `json:"access_token"`
}

// gatewayAuth checks X-Bkapi-Authorization as the API gateway does, writing
// the gateway's own 400 answer on failure. The user is optional at the
// gateway (userVerifiedRequired: false); a missing user is refused later,
// by cmdb, with 1199998 "user is not set".
func (s *Server) gatewayAuth(w http.ResponseWriter, r *http.Request) (service.Caller, bool) {
	fail := func(reason string) (service.Caller, bool) {
		writeGatewayError(w, http.StatusBadRequest, 1640001, "INVALID_ARGS",
			fmt.Sprintf("Parameters error [reason=%q]", reason))
		return service.Caller{}, false
	}
	raw := r.Header.Get("X-Bkapi-Authorization")
	var a gatewayAuthorization
	if raw == "" {
		return fail("app code cannot be empty")
	}
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		return fail("request header X-Bkapi-Authorization is not a valid JSON")
	}
	switch {
	case a.AppCode == "":
		return fail("app code cannot be empty")
	case len(a.AppCode) > 32:
		return fail("app code cannot be longer than 32 characters")
	case len(a.AppSecret) > 128:
		return fail("app secret cannot be longer than 128 characters")
	case a.AppSecret == "":
		return fail("please provide bk_app_secret or bk_signature to verify app")
	}
	secret, ok := s.cfg.Apps[a.AppCode]
	if !ok {
		return fail("app not found")
	}
	if !SecretEqual(a.AppSecret, secret) {
		return fail("bk_app_code or bk_app_secret is incorrect")
	}
	c := service.Caller{Supplier: cmdb.DefaultSupplier}
	switch {
	case a.Token != "":
		if s.login != nil {
			if user, err := s.login.Verify(r.Context(), a.Token); err == nil {
				c.User = user
			}
		}
	case a.Username != "":
		c.User = a.Username
	}
	return c, true
}

// LoginVerifier checks bk_token values against a BlueKing login endpoint
// (is_login): GET URL?bk_token=T answering {"result":true,"data":{"bk_username":…}}.
type LoginVerifier struct {
	url    string
	client *http.Client
}

// NewLoginVerifier verifies tokens against loginURL.
func NewLoginVerifier(loginURL string) *LoginVerifier {
	return &LoginVerifier{url: loginURL, client: &http.Client{Timeout: 5 * time.Second}}
}

// Verify returns the user a token belongs to.
func (v *LoginVerifier) Verify(ctx context.Context, token string) (string, error) {
	u, err := url.Parse(v.url)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("bk_token", token)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		Result bool `json:"result"`
		Code   any  `json:"code"`
		Data   struct {
			BKUsername string `json:"bk_username"`
			Username   string `json:"username"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	user := body.Data.BKUsername
	if user == "" {
		user = body.Data.Username
	}
	if !body.Result || user == "" {
		return "", fmt.Errorf("login: token not valid")
	}
	return user, nil
}

// RequestID is the caller's X-Request-ID (or X-Bkapi-Request-Id, or legacy
// Cc_Request_Id), else a new bk-cmdb style id: "cc0000" + a 20-character xid.
func RequestID(r *http.Request) string {
	if v := firstHeader(r.Header, "X-Request-Id", "X-Bkapi-Request-Id", "Cc_Request_Id"); v != "" {
		return v
	}
	return "cc0000" + newXID()
}

var xidCounter atomic.Uint32

var xidEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// newXID makes a 12-byte id (time, randomness, counter) in xid's 20-character
// base32hex form.
func newXID() string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(time.Now().Unix()))
	rand.Read(b[4:9])
	c := xidCounter.Add(1)
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	return xidEncoding.EncodeToString(b[:])
}

// NewESBRequestID is the ESB's request_id: 32 lowercase hex characters.
func NewESBRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}
