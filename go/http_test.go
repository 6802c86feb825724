package paysig_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"paysig.dev/go/paysig"
)

// echo answers with the key id the middleware authenticated and the body
// the handler received.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	id, _ := paysig.KeyID(r.Context())
	body, _ := io.ReadAll(r.Body)
	_ = json.NewEncoder(w).Encode(map[string]string{"key_id": id, "body": string(body)})
})

type scheme struct {
	name   string
	signer func(keyID, secret string) (paysig.RequestSigner, error)
	body   string
}

var schemes = []scheme{
	{"cryptopay", func(k, s string) (paysig.RequestSigner, error) { return paysig.NewCryptopay(k, s) }, `{"price_amount":"100"}`},
	{"aquapay", func(k, s string) (paysig.RequestSigner, error) { return paysig.NewAquapay(k, s) }, ""},
	{"remitquickly", func(k, s string) (paysig.RequestSigner, error) { return paysig.NewRemitQuickly(k, s) }, `{ "amount": "10.50", "to": "x/y" }`},
	{"pgprints", func(_, s string) (paysig.RequestSigner, error) { return paysig.NewPGPrints(s) }, `{ "order_id": "A-1" }`},
	{"onchainpay", func(k, s string) (paysig.RequestSigner, error) { return paysig.NewOnchainPay(k, s) }, `{ "from": "ETH" }`},
}

func post(t *testing.T, client *http.Client, url, body string) (*http.Response, map[string]string) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(http.MethodPost, url+"/api/orders?page=2", reader)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer map[string]string
	text, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(text, &answer)
	if resp.StatusCode != http.StatusOK {
		answer = map[string]string{"raw": string(text)}
	}
	if req.Header.Get("Authorization") != "" || req.Header.Get("x-signature") != "" {
		t.Errorf("the Transport modified the caller's request")
	}
	return resp, answer
}

// The Transport signs, the Middleware verifies, for every scheme; a
// signer with the wrong secret is refused with the provider's status and
// error body.
func TestTransportAgainstMiddleware(t *testing.T) {
	for _, s := range schemes {
		t.Run(s.name, func(t *testing.T) {
			verifier, err := paysig.NewVerifier(s.name, []paysig.Key{{ID: "key-1", Secret: "secret-1"}})
			if err != nil {
				t.Fatal(err)
			}
			defer verifier.Close()
			server := httptest.NewServer(verifier.Middleware(echo))
			defer server.Close()

			signer, err := s.signer("key-1", "secret-1")
			if err != nil {
				t.Fatal(err)
			}
			client := &http.Client{Transport: &paysig.Transport{Signer: signer}}
			for i := 0; i < 3; i++ { // fresh nonces each time
				resp, answer := post(t, client, server.URL, s.body)
				if resp.StatusCode != http.StatusOK || answer["key_id"] != "key-1" {
					t.Fatalf("status %d, answer %v", resp.StatusCode, answer)
				}
				if s.name == "onchainpay" && !strings.Contains(answer["body"], `"nonce":`) {
					t.Fatalf("the handler did not get the signed body: %q", answer["body"])
				}
			}

			wrong, err := s.signer("key-1", "another-secret")
			if err != nil {
				t.Fatal(err)
			}
			resp, answer := post(t, &http.Client{Transport: &paysig.Transport{Signer: wrong}}, server.URL, s.body)
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(answer["raw"], "{") {
				t.Fatalf("wrong secret: status %d, body %v", resp.StatusCode, answer)
			}
		})
	}
}

// recorder keeps the last request a Transport sent instead of sending it.
type recorder struct{ req *http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.req = req
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

// A captured Aquapay request is accepted once; its replay is refused.
func TestReplayIsRefused(t *testing.T) {
	verifier, err := paysig.NewVerifier("aquapay", []paysig.Key{{ID: "k", Secret: "s"}})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(verifier.Middleware(echo))
	defer server.Close()
	signer, err := paysig.NewAquapay("k", "s")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	req, _ := http.NewRequest(http.MethodGet, server.URL+"/payment/v1/payment", nil)
	if _, err := (&paysig.Transport{Signer: signer, Base: rec}).RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	statuses := []int{}
	for i := 0; i < 2; i++ {
		again, _ := http.NewRequest(http.MethodGet, server.URL+"/payment/v1/payment", nil)
		again.Header = rec.req.Header.Clone()
		resp, err := http.DefaultClient.Do(again)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		if i == 1 && !bytes.Contains(body, []byte("Nonce already used")) {
			t.Errorf("replay answered %s", body)
		}
	}
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusUnauthorized {
		t.Fatalf("statuses %v, want [200 401]", statuses)
	}
}
