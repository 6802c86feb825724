package paysig

/*
#include "paysig.h"
*/
import "C"

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Header is one header to send, in the provider's spelling.
type Header struct {
	Name, Value string
}

// Signed is a signed request.
type Signed struct {
	// Headers to send, in a stable order.
	Headers []Header
	// Body is the exact body to send where the scheme defines it (the
	// canonical JSON that was signed; OnchainPay's body with its nonce),
	// nil when the scheme leaves the body to the caller.
	Body []byte
	// StringToSign is what was signed, for debugging a refusal.
	StringToSign string
	// Signature as it appears in the headers.
	Signature string
}

// Header returns the value of header name (case-insensitive), or "".
func (s *Signed) Header(name string) string {
	for _, h := range s.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// signer owns one paysig_signer handle.
type signer struct {
	mu     sync.RWMutex // Close excludes signing; signing is concurrent
	handle *C.paysig_signer
	// A NonceFunc source is asked in Go before each sign without an
	// explicit nonce (no Go callback runs inside the C library).
	nonceFunc     *NonceSource
	scheme, keyID string
}

// newNonceSigner is newSigner for the schemes with nonces, applying opts.
func newNonceSigner(scheme, keyID, secret string, opts []SignerOption) (*signer, error) {
	s, err := newSigner(scheme, keyID, secret)
	if err != nil {
		return nil, err
	}
	var o signerOptions
	for _, opt := range opts {
		opt(&o)
	}
	switch source := o.nonceSource; {
	case source == nil:
	case source.next != nil:
		s.nonceFunc, s.scheme, s.keyID = source, scheme, keyID
	default:
		// A new handle that takes its nonces from the source.
		var handle *C.paysig_signer
		var cerr *C.paysig_error
		code := C.paysig_signer_with_nonce_source(s.handle, source.handle, &handle, &cerr)
		runtime.KeepAlive(source)
		if code != C.PAYSIG_RESULT_OK {
			s.Close()
			return nil, newError(code, cerr)
		}
		s.mu.Lock()
		C.paysig_signer_free(s.handle)
		s.handle = handle
		s.mu.Unlock()
	}
	return s, nil
}

// defaultNonce is nonce, or the NonceFunc source's value when nonce is ""
// and the signer has one; "" leaves the choice to the library's source.
func (s *signer) defaultNonce(nonce string) (string, error) {
	if nonce != "" || s.nonceFunc == nil {
		return nonce, nil
	}
	value, err := s.nonceFunc.Next(s.scheme, s.keyID)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(value, 10), nil
}

func newSigner(scheme, keyID, secret string) (*signer, error) {
	var handle *C.paysig_signer
	var cerr *C.paysig_error
	sp, sn := str(scheme)
	kp, kn := str(keyID)
	cp, cn := str(secret)
	if code := C.paysig_signer_new(sp, sn, kp, kn, cp, cn, &handle, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return wrapSigner(handle), nil
}

func wrapSigner(handle *C.paysig_signer) *signer {
	s := &signer{handle: handle}
	runtime.SetFinalizer(s, (*signer).Close)
	return s
}

// Close releases the signer; later calls fail with ErrInvalidArgument.
func (s *signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	C.paysig_signer_free(s.handle)
	s.handle = nil
	return nil
}

// sign runs one sign call with the handle held, then copies the result
// out and frees it.
func (s *signer) sign(call func(*C.paysig_signer, **C.paysig_signed, **C.paysig_error) C.enum_paysig_result) (*Signed, error) {
	var out *C.paysig_signed
	var cerr *C.paysig_error
	s.mu.RLock()
	code := call(s.handle, &out, &cerr)
	s.mu.RUnlock()
	if code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	defer C.paysig_signed_free(out)
	parts := C.paysig_signed_parts(out)
	signed := &Signed{
		Headers:      make([]Header, int(parts.header_count)),
		StringToSign: C.GoStringN(parts.string_to_sign, C.int(parts.string_to_sign_len)),
		Signature:    C.GoStringN(parts.signature, C.int(parts.signature_len)),
	}
	for i, h := range unsafe.Slice(parts.headers, int(parts.header_count)) {
		signed.Headers[i] = Header{
			Name:  C.GoStringN(h.name, C.int(h.name_len)),
			Value: C.GoStringN(h.value, C.int(h.value_len)),
		}
	}
	if parts.body != nil {
		signed.Body = C.GoBytes(unsafe.Pointer(parts.body), C.int(parts.body_len))
	}
	return signed, nil
}

// Cryptopay signs Cryptopay requests: base64 HMAC-SHA1,
// `Authorization: HMAC key:signature`.
type Cryptopay struct{ *signer }

// CryptopayRequest is what Cryptopay signs of a request.
type CryptopayRequest struct {
	Method string
	// Path is everything after the base URL, query string included.
	Path string
	// Body is hashed exactly as sent; nil for no body.
	Body []byte
	// ContentType defaults to application/json.
	ContentType string
	// Date defaults to now (an IMF-fixdate); sent exactly as given.
	Date string
}

// NewCryptopay returns a Cryptopay signer for an API key and secret.
func NewCryptopay(apiKey, apiSecret string) (*Cryptopay, error) {
	s, err := newSigner("cryptopay", apiKey, apiSecret)
	if err != nil {
		return nil, err
	}
	return &Cryptopay{s}, nil
}

// Sign signs r.
func (c *Cryptopay) Sign(r CryptopayRequest) (*Signed, error) {
	mp, mn := str(r.Method)
	pp, pn := str(r.Path)
	bp, bn := bytesArg(r.Body)
	tp, tn := optionalStr(r.ContentType)
	dp, dn := optionalStr(r.Date)
	return c.sign(func(h *C.paysig_signer, out **C.paysig_signed, cerr **C.paysig_error) C.enum_paysig_result {
		return C.paysig_cryptopay_sign(h, mp, mn, pp, pn, bp, bn, tp, tn, dp, dn, out, cerr)
	})
}

// Aquapay signs Aquapay (Aquanow) requests: hex HMAC-SHA384 of
// {httpMethod, path, nonce}.
type Aquapay struct{ *signer }

// NewAquapay returns an Aquapay signer for an API key and secret.
// Options: WithNonceSource (default: the host source).
func NewAquapay(apiKey, apiSecret string, opts ...SignerOption) (*Aquapay, error) {
	s, err := newNonceSigner("aquapay", apiKey, apiSecret, opts)
	if err != nil {
		return nil, err
	}
	return &Aquapay{s}, nil
}

// Sign signs a request; path may carry a query string, which is not
// signed. nonce "" means the next value of the signer's nonce source.
func (a *Aquapay) Sign(method, path, nonce string) (*Signed, error) {
	nonce, err := a.defaultNonce(nonce)
	if err != nil {
		return nil, err
	}
	mp, mn := str(method)
	pp, pn := str(path)
	np, nn := optionalStr(nonce)
	return a.sign(func(h *C.paysig_signer, out **C.paysig_signed, cerr **C.paysig_error) C.enum_paysig_result {
		return C.paysig_aquapay_sign(h, mp, mn, pp, pn, np, nn, out, cerr)
	})
}

// RemitQuickly signs RemitQuickly requests: hex HMAC-SHA512 of a base64
// payload.
type RemitQuickly struct{ *signer }

// NewRemitQuickly returns a RemitQuickly signer for an API key and secret.
// Options: WithNonceSource (default: the host source).
func NewRemitQuickly(apiKey, secret string, opts ...SignerOption) (*RemitQuickly, error) {
	s, err := newNonceSigner("remitquickly", apiKey, secret, opts)
	if err != nil {
		return nil, err
	}
	return &RemitQuickly{s}, nil
}

// Sign signs a request whose fields are the JSON text bodyJSON (nil: no
// body, signed as {}). timestamp "" means the next value of the signer's
// nonce source. StringToSign is the payload JSON.
func (r *RemitQuickly) Sign(bodyJSON []byte, timestamp string) (*Signed, error) {
	timestamp, err := r.defaultNonce(timestamp)
	if err != nil {
		return nil, err
	}
	bp, bn := bytesArg(bodyJSON)
	tp, tn := optionalStr(timestamp)
	return r.sign(func(h *C.paysig_signer, out **C.paysig_signed, cerr **C.paysig_error) C.enum_paysig_result {
		return C.paysig_remitquickly_sign(h, bp, bn, tp, tn, out, cerr)
	})
}

// PGPrints signs PGPrints request bodies: HMAC-SHA256 of the canonical
// JSON, base64 by default.
type PGPrints struct{ *signer }

// NewPGPrints returns a PGPrints signer (base64 signatures).
func NewPGPrints(secretKey string) (*PGPrints, error) {
	return NewPGPrintsWithEncoding(secretKey, "base64")
}

// NewPGPrintsWithEncoding returns a PGPrints signer whose signatures use
// encoding, "base64" or "hex".
func NewPGPrintsWithEncoding(secretKey, encoding string) (*PGPrints, error) {
	var handle *C.paysig_signer
	var cerr *C.paysig_error
	sp, sn := str(secretKey)
	ep, en := str(encoding)
	if code := C.paysig_pgprints_signer_new(sp, sn, ep, en, &handle, &cerr); code != C.PAYSIG_RESULT_OK {
		return nil, newError(code, cerr)
	}
	return &PGPrints{wrapSigner(handle)}, nil
}

// Sign signs a JSON body; Body is the canonical JSON to send.
func (p *PGPrints) Sign(bodyJSON []byte) (*Signed, error) {
	bp, bn := bytesArg(bodyJSON)
	return p.sign(func(h *C.paysig_signer, out **C.paysig_signed, cerr **C.paysig_error) C.enum_paysig_result {
		return C.paysig_pgprints_sign(h, bp, bn, out, cerr)
	})
}

// OnchainPay signs OnchainPay requests: the payload gets a nonce member,
// and the body is signed with hex HMAC-SHA256.
type OnchainPay struct{ *signer }

// NewOnchainPay returns an OnchainPay signer for a public and private key.
// Options: WithNonceSource (default: the host source).
func NewOnchainPay(publicKey, privateKey string, opts ...SignerOption) (*OnchainPay, error) {
	s, err := newNonceSigner("onchainpay", publicKey, privateKey, opts)
	if err != nil {
		return nil, err
	}
	return &OnchainPay{s}, nil
}

// Sign signs payloadJSON, a JSON object, with the next value of the
// signer's nonce source as its nonce (a JSON number). Body is the exact body to
// send.
func (o *OnchainPay) Sign(payloadJSON []byte) (*Signed, error) {
	return o.SignWithNonceJSON(payloadJSON, "")
}

// SignWithNonce signs payloadJSON with an explicit numeric nonce.
func (o *OnchainPay) SignWithNonce(payloadJSON []byte, nonce int64) (*Signed, error) {
	return o.SignWithNonceJSON(payloadJSON, strconv.FormatInt(nonce, 10))
}

// SignWithNonceJSON signs payloadJSON with a nonce given as a JSON literal:
// a number (1643881172430) or a string ("\"abc\"", quotes included);
// "" means the signer's nonce source.
func (o *OnchainPay) SignWithNonceJSON(payloadJSON []byte, nonceJSON string) (*Signed, error) {
	nonceJSON, err := o.defaultNonce(nonceJSON)
	if err != nil {
		return nil, err
	}
	pp, pn := bytesArg(payloadJSON)
	np, nn := optionalStr(nonceJSON)
	return o.sign(func(h *C.paysig_signer, out **C.paysig_signed, cerr **C.paysig_error) C.enum_paysig_result {
		return C.paysig_onchainpay_sign(h, pp, pn, np, nn, out, cerr)
	})
}
