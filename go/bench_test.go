package paysig_test

import (
	"testing"

	"paysig.dev/go/paysig"
)

const benchBody = `{"order_id":"A-1001","items":[{"sku":"TSHIRT-M","qty":2,"price":12.5}],"shipping":{"name":"Jane","country":"US"}}`

// One sign per scheme through cgo, with explicit nonce/timestamp/date,
// the same inputs as ffi/benches/overhead.rs (BENCHMARKS.md).
func BenchmarkSign(b *testing.B) {
	body := []byte(benchBody)
	cryptopay, _ := paysig.NewCryptopay("key", "bench-secret")
	aquapay, _ := paysig.NewAquapay("key", "bench-secret")
	remitquickly, _ := paysig.NewRemitQuickly("key", "bench-secret")
	pgprints, _ := paysig.NewPGPrints("bench-secret")
	onchainpay, _ := paysig.NewOnchainPay("key", "bench-secret")
	cases := []struct {
		name string
		sign func() (*paysig.Signed, error)
	}{
		{"cryptopay", func() (*paysig.Signed, error) {
			return cryptopay.Sign(paysig.CryptopayRequest{Method: "POST", Path: "/api/invoices", Body: body, Date: "Tue, 25 Sep 2018 17:41:40 GMT"})
		}},
		{"aquapay", func() (*paysig.Signed, error) {
			return aquapay.Sign("POST", "/payment/v1/requestPaymentAddress", "1628654316000")
		}},
		{"remitquickly", func() (*paysig.Signed, error) { return remitquickly.Sign(body, "1700000000000") }},
		{"pgprints", func() (*paysig.Signed, error) { return pgprints.Sign(body) }},
		{"onchainpay", func() (*paysig.Signed, error) { return onchainpay.SignWithNonce(body, 1643881172430) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.sign(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
