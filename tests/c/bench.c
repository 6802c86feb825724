/*
 * The C side of the call-overhead benchmark: each scheme's sign through
 * libpaysig as a C program calls it (sign, read the parts, free), timed
 * with clock_gettime; compare with `cargo bench -p paysig-ffi`'s rust/
 * numbers (BENCHMARKS.md). `make bench-c`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "paysig.h"

#define S(text) (text), strlen(text)
#define ITERATIONS 200000

static const char *BODY =
    "{\"order_id\":\"A-1001\",\"items\":[{\"sku\":\"TSHIRT-M\",\"qty\":2,\"price\":12.5}],"
    "\"shipping\":{\"name\":\"Jane\",\"country\":\"US\"}}";
static const char *DATE = "Tue, 25 Sep 2018 17:41:40 GMT";

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static volatile size_t sink;

static void consume(paysig_result code, paysig_signed *signed_request) {
    if (code != PAYSIG_RESULT_OK) {
        fprintf(stderr, "sign failed: %s\n", paysig_result_name((uint32_t)code));
        return;
    }
    sink += paysig_signed_parts(signed_request)->signature_len;
    paysig_signed_free(signed_request);
}

static paysig_signer *signer(const char *scheme, const char *key_id) {
    paysig_signer *s = NULL;
    if (paysig_signer_new(S(scheme), S(key_id), S("bench-secret"), &s, NULL) != PAYSIG_RESULT_OK) {
        fprintf(stderr, "cannot create a %s signer\n", scheme);
    }
    return s;
}

int main(void) {
    const char *names[5] = {"cryptopay", "aquapay", "remitquickly", "pgprints", "onchainpay"};
    paysig_signer *signers[5] = {signer("cryptopay", "key"), signer("aquapay", "key"),
                                 signer("remitquickly", "key"), signer("pgprints", ""),
                                 signer("onchainpay", "key")};
    for (int scheme = 0; scheme < 5; scheme++) {
        double best = 1e300;
        for (int round = 0; round < 5; round++) {
            double start = now_ns();
            for (int i = 0; i < ITERATIONS; i++) {
                paysig_signed *out = NULL;
                paysig_result code;
                switch (scheme) {
                case 0:
                    code = paysig_cryptopay_sign(signers[0], S("POST"), S("/api/invoices"), S(BODY), NULL, 0, S(DATE), &out, NULL);
                    break;
                case 1:
                    code = paysig_aquapay_sign(signers[1], S("POST"), S("/payment/v1/requestPaymentAddress"), S("1628654316000"), &out, NULL);
                    break;
                case 2:
                    code = paysig_remitquickly_sign(signers[2], S(BODY), S("1700000000000"), &out, NULL);
                    break;
                case 3:
                    code = paysig_pgprints_sign(signers[3], S(BODY), &out, NULL);
                    break;
                default:
                    code = paysig_onchainpay_sign(signers[4], S(BODY), S("1643881172430"), &out, NULL);
                }
                consume(code, out);
            }
            double per_call = (now_ns() - start) / ITERATIONS;
            if (per_call < best) best = per_call;
        }
        printf("c/%-13s %8.1f ns per sign (best of 5 x %d)\n", names[scheme], best, ITERATIONS);
    }
    for (int i = 0; i < 5; i++) paysig_signer_free(signers[i]);
    return 0;
}
