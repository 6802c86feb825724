package paysig_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"paysig.dev/go/paysig"
)

func TestErrorsMatchTheirSentinels(t *testing.T) {
	cases := []struct {
		err  error
		want error
		code string
	}{
		{second(paysig.Canonicalize([]byte("{'a':1}"))), paysig.ErrInvalidJSON, "invalid_json"},
		{second(paysig.Canonicalize([]byte("[9007199254740993]"))), paysig.ErrNumberOutOfRange, "number_out_of_range"},
		{second(paysig.Canonicalize([]byte(`{"a":1,"a":2}`))), paysig.ErrDuplicateKey, "duplicate_key"},
		{second(paysig.Canonicalize([]byte(`["\ud800"]`))), paysig.ErrInvalidString, "invalid_string"},
		{second(paysig.CanonicalizeWith([]byte("[[[]]]"), 2, false)), paysig.ErrTooDeep, "too_deep"},
		{second(paysig.NewAquapay("k", "")), paysig.ErrInvalidArgument, "invalid_argument"},
		{second(paysig.HMACSign("md5", "hex", []byte("k"), nil)), paysig.ErrInvalidArgument, "invalid_argument"},
		{paysig.HMACVerify("sha256", "hex", []byte("k"), []byte("m"), "00"), paysig.ErrInvalidSignature, "invalid_signature"},
		{second(paysig.NewVerifier("paypal", nil)), paysig.ErrInvalidArgument, "invalid_argument"},
	}
	for _, c := range cases {
		var e *paysig.Error
		if !errors.Is(c.err, c.want) || !errors.As(c.err, &e) || e.Code != c.code || e.Message == "" {
			t.Errorf("%v: want %v with code %s", c.err, c.want, c.code)
		}
		if errors.Is(c.err, paysig.ErrPanic) {
			t.Errorf("%v also matches ErrPanic", c.err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestSecretsStayOutOfMessages(t *testing.T) {
	_, err := paysig.NewAquapay("top-secret-id\n", "s")
	if !errors.Is(err, paysig.ErrInvalidArgument) || strings.Contains(err.Error(), "top-secret") {
		t.Fatalf("got %v", err)
	}
}

func TestSignMatchesTheVectorsAndSurvivesFailures(t *testing.T) {
	input, expect := vectorCase(t, "onchainpay", 0)
	signer, err := paysig.NewOnchainPay(input["public_key"].(string), input["private_key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	if _, err := signer.Sign([]byte("[1]")); !errors.Is(err, paysig.ErrInvalidArgument) {
		t.Fatalf("a payload that is no object: %v", err)
	}
	if _, err := signer.Sign([]byte("{")); !errors.Is(err, paysig.ErrInvalidJSON) {
		t.Fatalf("bad JSON: %v", err)
	}
	signed, err := signer.SignWithNonce([]byte(input["payload_json"].(string)), int64(input["nonce"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	headers := expect["headers"].(map[string]any)
	if string(signed.Body) != expect["body"] || signed.Header("X-Api-Signature") != headers["x-api-signature"] {
		t.Fatalf("got %s %v", signed.Body, signed.Headers)
	}
}

func TestCloseIsFinal(t *testing.T) {
	signer, err := paysig.NewPGPrints("s")
	if err != nil {
		t.Fatal(err)
	}
	signer.Close()
	if _, err := signer.Sign([]byte("{}")); !errors.Is(err, paysig.ErrInvalidArgument) {
		t.Fatalf("sign after Close: %v", err)
	}
	signer.Close() // twice is harmless
}

// One signer and one verifier shared by many goroutines; results checked
// against the vector files.
func TestConcurrentUse(t *testing.T) {
	input, expect := vectorCase(t, "onchainpay", 0)
	signer, err := paysig.NewOnchainPay(input["public_key"].(string), input["private_key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	pgInput, pgExpect := vectorCase(t, "pgprints", 0)
	verifier, err := paysig.NewVerifier("pgprints", []paysig.Key{{ID: "shop", Secret: pgInput["secret_key"].(string)}})
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	request := paysig.Request{
		Method: "POST", Path: "/orders",
		Header: map[string][]string{"X-Pgprints-Hmac-Sha256": {pgExpect["headers"].(map[string]any)["X-PGPrints-Hmac-Sha256"].(string)}},
		Body:   []byte(pgInput["body_json"].(string)),
	}
	var wg sync.WaitGroup
	failures := make(chan string, 16)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				signed, err := signer.SignWithNonce([]byte(input["payload_json"].(string)), int64(input["nonce"].(float64)))
				if err != nil || string(signed.Body) != expect["body"] {
					failures <- "sign"
					return
				}
				if id, err := verifier.Verify(request); err != nil || id != "shop" {
					failures <- "verify"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("a goroutine's %s went wrong", f)
	}
}

func TestVersion(t *testing.T) {
	if paysig.Version() == "" || paysig.ABIVersion() != 0 {
		t.Fatalf("version %q abi %d", paysig.Version(), paysig.ABIVersion())
	}
}
