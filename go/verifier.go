package paysig

/*
#include "paysig.h"
*/
import "C"

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Key is one entry of a verifier's keyring: a key id and one of its
// secrets. Listing an id twice is a rotation: either secret verifies.
type Key struct {
	ID, Secret string
}

// VerifierOption configures NewVerifier.
type VerifierOption func(*verifierConfig)

type verifierConfig struct {
	tolerance      *time.Duration
	now            *time.Time
	noncePolicy    string
	replayCapacity int
}

// WithTolerance sets the time window each way (default: the scheme's,
// PROVIDERS.md).
func WithTolerance(d time.Duration) VerifierOption {
	return func(c *verifierConfig) { c.tolerance = &d }
}

// WithFixedTime makes the verifier read t as the current time (tests,
// replaying logged requests).
func WithFixedTime(t time.Time) VerifierOption {
	return func(c *verifierConfig) { c.now = &t }
}

// WithNoncePolicy sets how OnchainPay nonces are kept from replay:
// "unique" (the default: any value, once per key), "increasing" or
// "timestamp" (milliseconds within the window, once).
func WithNoncePolicy(policy string) VerifierOption {
	return func(c *verifierConfig) { c.noncePolicy = policy }
}

// WithReplayCapacity sets how many accepted nonces the verifier's
// in-memory replay guard holds.
func WithReplayCapacity(n int) VerifierOption {
	return func(c *verifierConfig) { c.replayCapacity = n }
}

// Verifier verifies received requests of one scheme ("cryptopay",
// "cryptopay-callback", "aquapay", "remitquickly", "pgprints",
// "onchainpay") against a keyring, with its own in-memory replay guard.
// Safe for concurrent use.
type Verifier struct {
	mu     sync.RWMutex
	handle *C.paysig_verifier
}

// NewVerifier builds a verifier for scheme with keys.
func NewVerifier(scheme string, keys []Key, options ...VerifierOption) (*Verifier, error) {
	var config verifierConfig
	for _, option := range options {
		option(&config)
	}
	var builder *C.paysig_verifier_builder
	var cerr *C.paysig_error
	sp, sn := str(scheme)
	if code := C.paysig_verifier_builder_new(sp, sn, &builder, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	defer C.paysig_verifier_builder_free(builder)
	check := func(code C.enum_paysig_result) error {
		if code != C.PAYSIG_RESULT_OK {
			return newError(code, cerr)
		}
		return nil
	}
	for _, key := range keys {
		ip, in := str(key.ID)
		kp, kn := str(key.Secret)
		if err := check(C.paysig_verifier_builder_add_key(builder, ip, in, kp, kn, &cerr)); err != nil {
			return nil, err
		}
	}
	if config.tolerance != nil {
		ms := C.int64_t(config.tolerance.Milliseconds())
		if err := check(C.paysig_verifier_builder_set_tolerance_ms(builder, ms, &cerr)); err != nil {
			return nil, err
		}
	}
	if config.now != nil {
		ms := C.int64_t(config.now.UnixMilli())
		if err := check(C.paysig_verifier_builder_set_now_ms(builder, ms, &cerr)); err != nil {
			return nil, err
		}
	}
	if config.noncePolicy != "" {
		pp, pn := str(config.noncePolicy)
		if err := check(C.paysig_verifier_builder_set_nonce_policy(builder, pp, pn, &cerr)); err != nil {
			return nil, err
		}
	}
	if config.replayCapacity != 0 {
		n := C.size_t(config.replayCapacity)
		if err := check(C.paysig_verifier_builder_set_replay_capacity(builder, n, &cerr)); err != nil {
			return nil, err
		}
	}
	var handle *C.paysig_verifier
	if err := check(C.paysig_verifier_build(builder, &handle, &cerr)); err != nil {
		return nil, err
	}
	v := &Verifier{handle: handle}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// Close releases the verifier; later calls fail with ErrInvalidArgument.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	C.paysig_verifier_free(v.handle)
	v.handle = nil
	return nil
}

// Request is a received request as the verifier sees it.
type Request struct {
	Method string
	// Path is the request target as received: path and query.
	Path   string
	Header http.Header
	// Body is the raw body (nil or empty: none).
	Body []byte
}

// headerBlock writes headers as "Name: value\n" lines, one per value.
func headerBlock(h http.Header) string {
	var b strings.Builder
	for name, values := range h {
		for _, value := range values {
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(value)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Verify checks r and returns the authenticated key id. A refusal is an
// *Error with the code (errors.Is with ErrInvalidSignature, ...), the HTTP
// status, the provider's message and its response body.
func (v *Verifier) Verify(r Request) (string, error) {
	var out *C.paysig_bytes
	var cerr *C.paysig_error
	mp, mn := str(r.Method)
	pp, pn := str(r.Path)
	block := headerBlock(r.Header)
	hp, hn := str(block)
	bp, bn := bytesArg(r.Body)
	v.mu.RLock()
	code := C.paysig_verifier_verify_block(v.handle, mp, mn, pp, pn, hp, hn, bp, bn, &out, &cerr)
	v.mu.RUnlock()
	runtime.KeepAlive(block)
	if code != C.PAYSIG_RESULT_OK {
		return "", newError(code, cerr)
	}
	return string(takeBytes(out)), nil
}
