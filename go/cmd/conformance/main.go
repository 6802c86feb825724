// Command conformance runs one vector file (tests/vectors/FORMAT.md)
// through the Go package's public API and prints the runner output; it
// reports, it does not judge. tests/conformance/go.sh runs it.
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"paysig.dev/go/paysig"
)

type vectorFile struct {
	Scheme string `json:"scheme"`
	Cases  []struct {
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"cases"`
}

type input map[string]any

func (in input) str(field string) string {
	s, _ := in[field].(string)
	return s
}

// bytesOrNil is the field's UTF-8 bytes, or nil when it is null or absent.
func (in input) bytesOrNil(field string) []byte {
	if s, ok := in[field].(string); ok {
		return []byte(s)
	}
	return nil
}

func headersOf(s *paysig.Signed) map[string]string {
	m := make(map[string]string, len(s.Headers))
	for _, h := range s.Headers {
		m[h.Name] = h.Value
	}
	return m
}

func signed(s *paysig.Signed, stringToSign string) map[string]any {
	out := map[string]any{stringToSign: s.StringToSign, "signature": s.Signature, "headers": headersOf(s)}
	if s.Body != nil {
		out["body"] = string(s.Body)
	}
	return out
}

func run(scheme string, raw json.RawMessage) (map[string]any, error) {
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var in input
	if err := decoder.Decode(&in); err != nil {
		return nil, err
	}
	switch scheme {
	case "canonical":
		out, err := paysig.Canonicalize([]byte(in.str("json")))
		if err != nil {
			return nil, err
		}
		return map[string]any{"canonical": string(out)}, nil
	case "cryptopay":
		signer, err := paysig.NewCryptopay(in.str("api_key"), in.str("api_secret"))
		if err != nil {
			return nil, err
		}
		defer signer.Close()
		s, err := signer.Sign(paysig.CryptopayRequest{
			Method: in.str("method"), Path: in.str("path"), Body: in.bytesOrNil("body"),
			ContentType: in.str("content_type"), Date: in.str("date"),
		})
		if err != nil {
			return nil, err
		}
		return signed(s, "string_to_sign"), nil
	case "cryptopay-callback":
		body := []byte(in.str("body"))
		signature, err := paysig.CryptopayCallbackSignature(in.str("callback_secret"), body)
		if err != nil {
			return nil, err
		}
		if err := paysig.VerifyCryptopayCallback(in.str("callback_secret"), body, signature); err != nil {
			return nil, err
		}
		return map[string]any{"signature": signature}, nil
	case "aquapay":
		signer, err := paysig.NewAquapay(in.str("api_key"), in.str("api_secret"))
		if err != nil {
			return nil, err
		}
		defer signer.Close()
		s, err := signer.Sign(in.str("method"), in.str("path"), in.str("nonce"))
		if err != nil {
			return nil, err
		}
		return signed(s, "string_to_sign"), nil
	case "remitquickly":
		signer, err := paysig.NewRemitQuickly(in.str("api_key"), in.str("secret"))
		if err != nil {
			return nil, err
		}
		defer signer.Close()
		s, err := signer.Sign(in.bytesOrNil("body_json"), in.str("timestamp"))
		if err != nil {
			return nil, err
		}
		return signed(s, "payload_json"), nil
	case "pgprints":
		signer, err := paysig.NewPGPrints(in.str("secret_key"))
		if err != nil {
			return nil, err
		}
		defer signer.Close()
		s, err := signer.Sign([]byte(in.str("body_json")))
		if err != nil {
			return nil, err
		}
		return signed(s, "string_to_sign"), nil
	case "onchainpay":
		signer, err := paysig.NewOnchainPay(in.str("public_key"), in.str("private_key"))
		if err != nil {
			return nil, err
		}
		defer signer.Close()
		var nonce string
		switch n := in["nonce"].(type) {
		case json.Number:
			nonce = n.String()
		case string:
			quoted, _ := json.Marshal(n)
			nonce = string(quoted)
		}
		s, err := signer.SignWithNonceJSON([]byte(in.str("payload_json")), nonce)
		if err != nil {
			return nil, err
		}
		return signed(s, "string_to_sign"), nil
	case "hmac":
		return hmacCase(in)
	case "verify":
		return verifyCase(raw, in)
	}
	return nil, fmt.Errorf("unknown scheme %q", scheme)
}

func hmacCase(in input) (map[string]any, error) {
	key, err1 := hex.DecodeString(in.str("key_hex"))
	data, err2 := hex.DecodeString(in.str("data_hex"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, encoding := range []string{"hex", "base64"} {
		signature, err := paysig.HMACSign(in.str("algorithm"), encoding, key, data)
		if err != nil {
			return nil, err
		}
		// Verification must accept what signing produced.
		if err := paysig.HMACVerify(in.str("algorithm"), encoding, key, data, signature); err != nil {
			return nil, err
		}
		out[encoding] = signature
	}
	return out, nil
}

// orderedKeys reads the "keys" object in file order (the keyring's order).
func orderedKeys(raw json.RawMessage) ([]paysig.Key, error) {
	var wrapper struct {
		Keys json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		return nil, err
	}
	decoder := json.NewDecoder(bytes.NewReader(wrapper.Keys))
	if _, err := decoder.Token(); err != nil { // {
		return nil, err
	}
	var keys []paysig.Key
	for decoder.More() {
		token, err := decoder.Token()
		if err != nil {
			return nil, err
		}
		var secrets []string
		if err := decoder.Decode(&secrets); err != nil {
			return nil, err
		}
		for _, secret := range secrets {
			keys = append(keys, paysig.Key{ID: token.(string), Secret: secret})
		}
	}
	return keys, nil
}

func verifyCase(raw json.RawMessage, in input) (map[string]any, error) {
	keys, err := orderedKeys(raw)
	if err != nil {
		return nil, err
	}
	var options []paysig.VerifierOption
	if now, ok := in["now_ms"].(json.Number); ok {
		ms, _ := now.Int64()
		options = append(options, paysig.WithFixedTime(time.UnixMilli(ms)))
	}
	if tolerance, ok := in["tolerance_ms"].(json.Number); ok {
		ms, _ := tolerance.Int64()
		options = append(options, paysig.WithTolerance(time.Duration(ms)*time.Millisecond))
	}
	if policy := in.str("nonce_policy"); policy != "" {
		options = append(options, paysig.WithNoncePolicy(policy))
	}
	verifier, err := paysig.NewVerifier(in.str("scheme"), keys, options...)
	if err != nil {
		return nil, err
	}
	defer verifier.Close()
	var requests struct {
		Requests []struct {
			Method  string      `json:"method"`
			Path    string      `json:"path"`
			Headers [][2]string `json:"headers"`
			Body    *string     `json:"body"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(raw, &requests); err != nil {
		return nil, err
	}
	var keyID string
	for _, r := range requests.Requests {
		// http.Header keeps repeated names together, in order, as a
		// server receives them; names are matched case-insensitively.
		header := http.Header{}
		for _, h := range r.Headers {
			header[h[0]] = append(header[h[0]], h[1])
		}
		var body []byte
		if r.Body != nil {
			body = []byte(*r.Body)
		}
		keyID, err = verifier.Verify(paysig.Request{Method: r.Method, Path: r.Path, Header: header, Body: body})
		if err != nil {
			return nil, err
		}
	}
	return map[string]any{"key_id": keyID}, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: conformance FILE")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	var file vectorFile
	if err == nil {
		err = json.Unmarshal(text, &file)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot read %s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	results := make([]map[string]any, 0, len(file.Cases))
	for _, c := range file.Cases {
		result := map[string]any{"name": c.Name}
		output, err := run(file.Scheme, c.Input)
		var e *paysig.Error
		switch {
		case err == nil:
			result["output"] = output
		case errors.As(err, &e):
			failure := map[string]any{"code": e.Code, "message": e.Message}
			if e.Status != 0 {
				failure["status"] = e.Status
			}
			result["error"] = failure
		default:
			fmt.Fprintf(os.Stderr, "%s: %v\n", c.Name, err)
			os.Exit(2)
		}
		results = append(results, result)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(map[string]any{"scheme": file.Scheme, "cases": results}); err != nil {
		os.Exit(2)
	}
}
