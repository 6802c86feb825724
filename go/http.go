package paysig

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// RequestSigner signs an outgoing *http.Request: each scheme type
// implements it, so any of them can drive a Transport.
type RequestSigner interface {
	// SignRequest signs req, whose body is body (nil: none), and returns
	// what to send. It does not modify req.
	SignRequest(req *http.Request, body []byte) (*Signed, error)
}

// SignRequest signs method, request URI, body, Content-Type and (when the
// request sets one) Date.
func (c *Cryptopay) SignRequest(req *http.Request, body []byte) (*Signed, error) {
	return c.Sign(CryptopayRequest{
		Method:      req.Method,
		Path:        req.URL.RequestURI(),
		Body:        body,
		ContentType: req.Header.Get("Content-Type"),
		Date:        req.Header.Get("Date"),
	})
}

// SignRequest signs method and path (the query is sent, not signed).
func (a *Aquapay) SignRequest(req *http.Request, _ []byte) (*Signed, error) {
	return a.Sign(req.Method, req.URL.RequestURI(), "")
}

// SignRequest signs the JSON body (none: {}); the canonical JSON is sent.
func (r *RemitQuickly) SignRequest(_ *http.Request, body []byte) (*Signed, error) {
	if len(body) == 0 {
		body = nil
	}
	return r.Sign(body, "")
}

// SignRequest signs the JSON body; the canonical JSON is sent.
func (p *PGPrints) SignRequest(_ *http.Request, body []byte) (*Signed, error) {
	return p.Sign(body)
}

// SignRequest adds a nonce to the JSON payload (none: {}) and signs it.
func (o *OnchainPay) SignRequest(_ *http.Request, body []byte) (*Signed, error) {
	if len(body) == 0 {
		body = []byte("{}")
	}
	return o.Sign(body)
}

// Transport is an http.RoundTripper that signs every request with Signer
// before Base (http.DefaultTransport when nil) sends it. The caller's
// request is not modified: a clone carries the headers and, where the
// scheme defines it, the exact body that was signed.
type Transport struct {
	Signer RequestSigner
	Base   http.RoundTripper
}

// RoundTrip signs and sends req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	signed, err := t.Signer.SignRequest(req, body)
	if err != nil {
		return nil, err
	}
	out := req.Clone(req.Context())
	for _, h := range signed.Headers {
		out.Header.Set(h.Name, h.Value)
	}
	if signed.Body != nil {
		body = signed.Body
		if out.Header.Get("Content-Type") == "" {
			out.Header.Set("Content-Type", "application/json")
		}
	}
	if body != nil {
		sent := body
		out.Body = io.NopCloser(bytes.NewReader(sent))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(sent)), nil }
		out.ContentLength = int64(len(sent))
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}

// readBody returns the request body without consuming the caller's copy
// when GetBody can give another, and closes req.Body as a RoundTripper
// must.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	reader := req.Body
	if req.GetBody != nil {
		fresh, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer fresh.Close()
		reader = fresh
	}
	return io.ReadAll(reader)
}

type keyIDContextKey struct{}

// KeyID returns the key id the Middleware authenticated the request as.
func KeyID(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(keyIDContextKey{}).(string)
	return id, ok
}

// MaxBodyBytes bounds the body the Middleware reads (a larger one is
// refused with 413 before any verification).
const MaxBodyBytes = 10 << 20

// Middleware verifies every incoming request before next sees it. A
// refused request gets the provider's status and error body; an accepted
// one reaches next with its body intact and its key id in the context
// (KeyID).
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err != nil {
			http.Error(w, "request body too large or unreadable", http.StatusRequestEntityTooLarge)
			return
		}
		keyID, err := v.Verify(Request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header, Body: body})
		if err != nil {
			writeRefusal(w, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyIDContextKey{}, keyID)))
	})
}

func writeRefusal(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) || e.Status == 0 {
		// Not a verification failure: an argument the server passed in.
		http.Error(w, "request could not be verified", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(e.Body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body)
}
