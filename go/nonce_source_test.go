package paysig

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const helperEnv = "PAYSIG_TEST_NONCE_HELPER"

// TestMain runs the child of TestProcessesShareTheHostSource when asked
// to (this test binary run again), and the tests otherwise.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		if err := signAndPrintNonces(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// signAndPrintNonces signs 2,000 times with one key and prints the nonces.
func signAndPrintNonces(dir string) error {
	var opts []SignerOption
	if dir != "default" {
		source, err := NewHostNonceSource(dir)
		if err != nil {
			return err
		}
		opts = append(opts, WithNonceSource(source))
	}
	signer, err := NewAquapay("one-shared-key", "secret", opts...)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < 2000; i++ {
		signed, err := signer.Sign("GET", "/v1/orders", "")
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "nonce", signed.Header("x-nonce"))
	}
	return out.Flush()
}

// Eight processes (this test binary run again) sign with one key: on a
// host source in one directory, and with no option at all (the default):
// no nonce twice, each process's strictly increasing.
func TestProcessesShareTheHostSource(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "nonces"), "default"} {
		var wg sync.WaitGroup
		outputs := make([][]byte, 8)
		errs := make([]error, 8)
		for p := range outputs {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				cmd := exec.Command(os.Args[0])
				cmd.Env = append(os.Environ(), helperEnv+"="+dir)
				outputs[p], errs[p] = cmd.Output()
			}(p)
		}
		wg.Wait()
		seen := map[int64]bool{}
		for p, output := range outputs {
			if errs[p] != nil {
				t.Fatalf("%s: child %d: %v\n%s", dir, p, errs[p], output)
			}
			var last int64
			count := 0
			for _, line := range strings.Split(string(output), "\n") {
				text, ok := strings.CutPrefix(line, "nonce ")
				if !ok {
					continue
				}
				n, err := strconv.ParseInt(text, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				if n <= last {
					t.Fatalf("%s: child %d: %d after %d", dir, p, n, last)
				}
				if seen[n] {
					t.Fatalf("%s: nonce %d handed out twice", dir, n)
				}
				seen[n], last = true, n
				count++
			}
			if count != 2000 {
				t.Fatalf("%s: child %d printed %d nonces", dir, p, count)
			}
		}
	}
}

func TestNonceFuncAndExplicitNonce(t *testing.T) {
	var asked []string
	source := NewFuncNonceSource(func(scheme, keyID string) (int64, error) {
		asked = append(asked, scheme+"/"+keyID)
		return 1_700_000_000_000 + int64(len(asked)), nil
	})
	onchain, err := NewOnchainPay("pk", "sk", WithNonceSource(source))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := onchain.Sign([]byte(`{}`))
	if err != nil || string(signed.Body) != `{"nonce":1700000000001}` {
		t.Fatalf("%v %s", err, signed.Body)
	}
	signed, err = onchain.SignWithNonce([]byte(`{}`), 5)
	if err != nil || string(signed.Body) != `{"nonce":5}` {
		t.Fatalf("%v %s", err, signed.Body)
	}
	if len(asked) != 1 || asked[0] != "onchainpay/pk" {
		t.Fatalf("asked %v", asked)
	}
	failing := NewFuncNonceSource(func(string, string) (int64, error) { return 0, errors.New("sequence locked") })
	aquapay, _ := NewAquapay("k", "s", WithNonceSource(failing))
	if _, err := aquapay.Sign("GET", "/", ""); !errors.Is(err, ErrNonceSourceUnavailable) ||
		!strings.Contains(err.Error(), "sequence locked") {
		t.Fatalf("got %v", err)
	}
	panicking := NewFuncNonceSource(func(string, string) (int64, error) { panic("boom") })
	remit, _ := NewRemitQuickly("k", "s", WithNonceSource(panicking))
	if _, err := remit.Sign(nil, ""); !errors.Is(err, ErrNonceSourceUnavailable) {
		t.Fatalf("got %v", err)
	}
}

func TestNativeSourcesAndFailures(t *testing.T) {
	process, err := NewProcessNonceSource()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := process.Next("aquapay", "k")
	b, _ := process.Next("aquapay", "k")
	if b <= a || a < time.Now().UnixMilli()-1000 {
		t.Fatalf("%d then %d", a, b)
	}
	process.Close() // signers keep their own reference

	dir := t.TempDir()
	host, _ := NewHostNonceSource(dir)
	if _, err := host.Next("aquapay", "k"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "aquapay-*.nonce"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if err := os.WriteFile(files[0], []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh, _ := NewHostNonceSource(dir) // maps the file afresh, as a new process would
	signer, _ := NewAquapay("k", "s", WithNonceSource(fresh))
	if _, err := signer.Sign("GET", "/", ""); !errors.Is(err, ErrNonceSourceUnavailable) ||
		!strings.Contains(err.Error(), "is 5 bytes, not 64") {
		t.Fatalf("got %v", err)
	}

	redis, err := NewRedisNonceSource("redis://127.0.0.1:1/", 200*time.Millisecond, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := redis.Next("aquapay", "k"); !errors.Is(err, ErrNonceSourceUnavailable) {
		t.Fatalf("got %v", err)
	}
	if _, err := NewRedisNonceSource("not a url", 0, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("got %v", err)
	}
}
