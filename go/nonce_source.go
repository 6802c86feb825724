package paysig

/*
#include "paysig.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"time"
)

// NonceSource is where a signer's default nonces (RemitQuickly:
// timestamps) come from: milliseconds since the epoch, never repeated and
// strictly increasing per scheme and API key for everything that shares
// the source. Give one to a signer with WithNonceSource.
//
// A signer given none uses the host source (NewHostNonceSource("")):
// shared by every process of the user on the machine, so several replicas
// or workers on one host never send the same nonce. Sources are safe to
// share between goroutines; a signer keeps what it needs, so a source may
// be closed once the signers are made.
type NonceSource struct {
	handle *C.paysig_nonce_source // nil for a NonceFunc source
	next   NonceFunc
}

// NonceFunc is a nonce source of the caller's: it returns the nonce for
// the scheme ("aquapay", "remitquickly", "onchainpay") and API key, in
// milliseconds since the epoch. It is called before each sign that has no
// explicit nonce, from any goroutine; uniqueness is its own.
type NonceFunc func(scheme, keyID string) (int64, error)

func wrapSource(handle *C.paysig_nonce_source) *NonceSource {
	s := &NonceSource{handle: handle}
	runtime.SetFinalizer(s, (*NonceSource).Close)
	return s
}

// NewProcessNonceSource returns a source for this process only: safe only
// when no other process signs with the same keys.
func NewProcessNonceSource() (*NonceSource, error) {
	var handle *C.paysig_nonce_source
	var cerr *C.paysig_error
	if code := C.paysig_nonce_source_process_new(&handle, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return wrapSource(handle), nil
}

// NewHostNonceSource returns the source shared by every process of this
// user on this machine that uses directory dir ("" is the default,
// /dev/shm/paysig-UID, the source of signers given none). A directory or
// file that cannot be used makes signing fail with
// ErrNonceSourceUnavailable, with what to fix in the message.
func NewHostNonceSource(dir string) (*NonceSource, error) {
	var handle *C.paysig_nonce_source
	var cerr *C.paysig_error
	dp, dn := optionalStr(dir)
	if code := C.paysig_nonce_source_host_new(dp, dn, &handle, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return wrapSource(handle), nil
}

// NewRedisNonceSource returns a source shared by every machine that uses
// the Redis at url (redis://[:password@]host[:port][/db]), one round trip
// per nonce, waiting at most connectTimeout to connect and readTimeout for
// each answer (0: 250 ms). Redis down or too slow makes signing fail with
// ErrNonceSourceUnavailable.
func NewRedisNonceSource(url string, connectTimeout, readTimeout time.Duration) (*NonceSource, error) {
	var handle *C.paysig_nonce_source
	var cerr *C.paysig_error
	up, un := str(url)
	code := C.paysig_nonce_source_redis_new(up, un, C.uint64_t(connectTimeout.Milliseconds()),
		C.uint64_t(readTimeout.Milliseconds()), &handle, &cerr)
	if code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return wrapSource(handle), nil
}

// NewFuncNonceSource returns a source that calls next.
func NewFuncNonceSource(next NonceFunc) *NonceSource {
	return &NonceSource{next: next}
}

// Next returns the source's next value for scheme and keyID, as a signer
// would take it.
func (s *NonceSource) Next(scheme, keyID string) (int64, error) {
	if s.next != nil {
		return s.callFunc(scheme, keyID)
	}
	var value C.int64_t
	var cerr *C.paysig_error
	sp, sn := str(scheme)
	kp, kn := str(keyID)
	code := C.paysig_nonce_source_next(s.handle, sp, sn, kp, kn, &value, &cerr)
	runtime.KeepAlive(s)
	if code != C.PAYSIG_RESULT_OK {
		return 0, newError(code, cerr)
	}
	return int64(value), nil
}

// callFunc asks a NonceFunc, turning its failures (an error, a panic, a
// negative value) into an *Error matching ErrNonceSourceUnavailable.
func (s *NonceSource) callFunc(scheme, keyID string) (value int64, err error) {
	unavailable := func(message string) error {
		return &Error{Code: "nonce_source_unavailable", Message: message, sentinel: ErrNonceSourceUnavailable}
	}
	defer func() {
		if r := recover(); r != nil {
			value, err = 0, unavailable(fmt.Sprintf("the nonce function panicked: %v", r))
		}
	}()
	value, err = s.next(scheme, keyID)
	if err != nil {
		return 0, unavailable("the nonce function failed: " + err.Error())
	}
	if value < 0 {
		return 0, unavailable("the nonce function returned a negative value; a nonce is milliseconds since the epoch")
	}
	return value, nil
}

// Close releases the source; signers given it keep working.
func (s *NonceSource) Close() error {
	if s.handle != nil {
		C.paysig_nonce_source_free(s.handle)
		s.handle = nil
	}
	return nil
}

// SignerOption configures a signer made by NewAquapay, NewRemitQuickly or
// NewOnchainPay.
type SignerOption func(*signerOptions)

type signerOptions struct {
	nonceSource *NonceSource
}

// WithNonceSource makes the signer take its default nonces (RemitQuickly:
// timestamps) from source instead of the host source. A nonce passed to
// Sign still wins.
func WithNonceSource(source *NonceSource) SignerOption {
	return func(o *signerOptions) { o.nonceSource = source }
}
