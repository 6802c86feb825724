// Package paysig signs and verifies payment API requests (Cryptopay,
// Aquapay, RemitQuickly, PGPrints, OnchainPay) byte for byte as the
// providers' JavaScript computes them. It wraps libpaysig, the C ABI of
// the one Rust implementation every paysig binding shares, through cgo.
//
// Signers and verifiers are safe for concurrent use. Release them with
// Close when done; a finalizer releases forgotten ones.
//
// Errors are *Error values that match the sentinels (ErrInvalidJSON,
// ErrInvalidSignature, ...) with errors.Is.
//
// Linking: libpaysig through pkg-config (`pkg-config paysig`): the
// libpaysig-dev package, or the release tarball with PKG_CONFIG_PATH set
// to its lib/pkgconfig. With the build tag paysig_static the binary is
// linked statically (`pkg-config --static`, -static). In the paysig
// source tree, make points PKG_CONFIG_PATH at build/pkgconfig, whose
// paysig-uninstalled.pc names the tree's build.
package paysig

/*
#cgo !paysig_static pkg-config: paysig
#cgo paysig_static pkg-config: --static paysig
#cgo paysig_static LDFLAGS: -static
#include <stdlib.h>
#if defined(__has_include)
#if !__has_include("paysig.h")
#error "paysig.h (libpaysig) was not found: install libpaysig-dev, or unpack the paysig release tarball and set PKG_CONFIG_PATH=DIR/lib/pkgconfig (see the Go package's README)"
#endif
#endif
#include "paysig.h"
*/
import "C"

import (
	"unsafe"
)

// empty gives a non-NULL pointer for an input that is present but empty
// (NULL means "not given" for optional inputs).
var empty [1]byte

// str passes a Go string to C without copying: C reads it during the call
// and keeps no pointer to it.
func str(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// optionalStr is str with "" meaning "not given" (NULL).
func optionalStr(s string) (*C.char, C.size_t) {
	return str(s)
}

// bytesArg passes a byte slice without copying; nil is NULL (not given),
// an empty non-nil slice is present and empty.
func bytesArg(b []byte) (*C.char, C.size_t) {
	if b == nil {
		return nil, 0
	}
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&empty[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// takeBytes copies a library-owned paysig_bytes and frees it.
func takeBytes(b *C.paysig_bytes) []byte {
	if b == nil {
		return nil
	}
	out := C.GoBytes(unsafe.Pointer(b.data), C.int(b.len))
	C.paysig_bytes_free(b)
	return out
}

// Version is the loaded libpaysig's release version, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.paysig_version())
}

// ABIVersion is the loaded libpaysig's ABI version (the SONAME number).
func ABIVersion() int {
	return int(C.paysig_abi_version())
}

// Canonicalize returns the canonical form of a JSON text: the bytes of
// JavaScript's JSON.stringify(JSON.parse(text)). Input JavaScript would
// change (numbers beyond double precision, duplicate keys, lone
// surrogates) is refused with its own error.
func Canonicalize(json []byte) ([]byte, error) {
	var out *C.paysig_bytes
	var cerr *C.paysig_error
	p, n := bytesArg(json)
	if code := C.paysig_canonicalize(p, n, &out, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return takeBytes(out), nil
}

// CanonicalizeWith is Canonicalize with a nesting limit and, when lenient
// is true, JavaScript's own reading (the last duplicate key wins, numbers
// are rounded) instead of refusals.
func CanonicalizeWith(json []byte, maxDepth int, lenient bool) ([]byte, error) {
	var out *C.paysig_bytes
	var cerr *C.paysig_error
	p, n := bytesArg(json)
	code := C.paysig_canonicalize_with(p, n, C.size_t(maxDepth), C.bool(lenient), &out, &cerr)
	if code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return takeBytes(out), nil
}

// HMAC returns the raw MAC of message under key. algorithm is "sha1",
// "sha256", "sha384" or "sha512".
func HMAC(algorithm string, key, message []byte) ([]byte, error) {
	var mac [C.PAYSIG_HMAC_MAX_BYTES]byte
	var n C.size_t
	var cerr *C.paysig_error
	a, an := str(algorithm)
	k, kn := bytesArg(key)
	m, mn := bytesArg(message)
	code := C.paysig_hmac(a, an, k, kn, m, mn, (*C.uint8_t)(unsafe.Pointer(&mac[0])), C.size_t(len(mac)), &n, &cerr)
	if code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return append([]byte(nil), mac[:n]...), nil
}

// HMACSign returns the MAC of message under key, encoded ("hex":
// lowercase, "base64": standard and padded).
func HMACSign(algorithm, encoding string, key, message []byte) (string, error) {
	var out *C.paysig_bytes
	var cerr *C.paysig_error
	a, an := str(algorithm)
	e, en := str(encoding)
	k, kn := bytesArg(key)
	m, mn := bytesArg(message)
	if code := C.paysig_hmac_sign(a, an, e, en, k, kn, m, mn, &out, &cerr); code != C.PAYSIG_RESULT_OK {
		return "", newError(code, cerr)
	}
	return string(takeBytes(out)), nil
}

// HMACVerify checks, in constant time, that signature (in encoding; hex
// in either case) is the MAC of message under key. A mismatch is an error
// matching ErrInvalidSignature.
func HMACVerify(algorithm, encoding string, key, message []byte, signature string) error {
	var cerr *C.paysig_error
	a, an := str(algorithm)
	e, en := str(encoding)
	k, kn := bytesArg(key)
	m, mn := bytesArg(message)
	s, sn := str(signature)
	if code := C.paysig_hmac_verify(a, an, e, en, k, kn, m, mn, s, sn, &cerr); code != C.PAYSIG_RESULT_OK {
		return newError(code, cerr)
	}
	return nil
}

// CryptopayCallbackSignature is the X-Cryptopay-Signature of a callback
// body: lowercase hex HMAC-SHA256 of the raw bytes with the callback
// secret.
func CryptopayCallbackSignature(callbackSecret string, body []byte) (string, error) {
	var out *C.paysig_bytes
	var cerr *C.paysig_error
	s, sn := str(callbackSecret)
	b, bn := bytesArg(body)
	if code := C.paysig_cryptopay_callback_sign(s, sn, b, bn, &out, &cerr); code != C.PAYSIG_RESULT_OK {
		return "", newError(code, cerr)
	}
	return string(takeBytes(out)), nil
}

// VerifyCryptopayCallback checks a callback's X-Cryptopay-Signature over
// the raw body bytes, in constant time. Parse the body only when it
// returns nil; a mismatch matches ErrInvalidSignature.
func VerifyCryptopayCallback(callbackSecret string, body []byte, signature string) error {
	var cerr *C.paysig_error
	s, sn := str(callbackSecret)
	b, bn := bytesArg(body)
	g, gn := str(signature)
	if code := C.paysig_cryptopay_callback_verify(s, sn, b, bn, g, gn, &cerr); code != C.PAYSIG_RESULT_OK {
		return newError(code, cerr)
	}
	return nil
}

// libraryBuild names the libpaysig build this binary was linked with (set by
// mk/go.mk through -ldflags, so a rebuilt library forces a relink).
var libraryBuild string
