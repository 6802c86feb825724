// Requests signed the way the official OnchainPay Go SDK signs
// (PROVIDERS.md), written here from its documented behaviour: a client
// keeps a nonce counter starting at its creation time in milliseconds and
// increasing per request; the body is encoding/json of a map (keys sorted,
// `&<>` escaped as \u0026\u003c\u003e); hex HMAC-SHA256 of the body in
// X-Api-Public-Key / X-Api-Signature. Each response is reported as one JSON
// line: {"step", "status", "request_id", "body"}.
//
// Usage: go run . BASE_URL onchainpay KEY SECRET
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

type client struct {
	publicKey, privateKey string
	nonce                 atomic.Int64
}

func newClient(publicKey, privateKey string) *client {
	c := &client{publicKey: publicKey, privateKey: privateKey}
	c.nonce.Store(time.Now().UnixMilli())
	return c
}

func (c *client) sign(payload map[string]any) (http.Header, []byte) {
	payload["nonce"] = c.nonce.Add(1) - 1
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	mac := hmac.New(sha256.New, []byte(c.privateKey))
	mac.Write(body)
	headers := http.Header{}
	headers.Set("Content-Type", "application/json")
	headers.Set("X-Api-Public-Key", c.publicKey)
	headers.Set("X-Api-Signature", hex.EncodeToString(mac.Sum(nil)))
	return headers, body
}

func send(base, step string, headers http.Header, body []byte) {
	request, err := http.NewRequest("POST", base+"/price-rate", bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	request.Header = headers
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		panic(err)
	}
	defer response.Body.Close()
	text, _ := io.ReadAll(response.Body)
	var parsed any
	if json.Unmarshal(text, &parsed) != nil {
		parsed = string(text)
	}
	line, _ := json.Marshal(map[string]any{"step": step, "status": response.StatusCode,
		"request_id": response.Header.Get("X-Request-Id"), "body": parsed})
	fmt.Println(string(line))
}

func main() {
	base, scheme, key, secret := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	if scheme != "onchainpay" {
		fmt.Fprintf(os.Stderr, "no %s client here\n", scheme)
		os.Exit(2)
	}
	c := newClient(key, secret)
	headers, body := c.sign(map[string]any{"to": "USDT", "from": "ETH", "note": "a&b <c>"})
	send(base, "price-rate", headers, body)
	send(base, "resend", headers, body)
	a := newClient(key, secret)
	time.Sleep(30 * time.Millisecond)
	b := newClient(key, secret)
	for _, step := range []struct {
		name string
		c    *client
	}{{"client-a-1", a}, {"client-b-1", b}, {"client-a-2", a}, {"client-b-2", b}} {
		headers, body := step.c.sign(map[string]any{"from": "BTC", "to": "USDT"})
		send(base, step.name, headers, body)
	}
}
