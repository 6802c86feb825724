/*
 * Hostile input through the C ABI: a huge body (argv[1] MiB; time and peak
 * RSS printed), nesting past the limit on a 256 KiB thread stack, invalid
 * UTF-8 inside and outside strings, CR/LF/NUL in values that go into
 * headers, NULL pointers with non-zero lengths, absurd nonces, wrong
 * signatures, and the Redis replay guard failing closed (nothing listens on
 * the port: PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE, status 503). Each gives
 * its documented result code; under valgrind nothing leaks.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "paysig.h"

#define S(text) (text), strlen(text)

/* Runs `call` (which writes `&error`); checks the code, frees the error. */
#define EXPECT(want, call)                                        \
    do {                                                          \
        paysig_error *error = NULL;                               \
        paysig_result got_ = (call);                              \
        CHECK(got_ == (want));                                    \
        if (got_ != (want))                                       \
            fprintf(stderr, "  got %s\n", paysig_result_name(got_)); \
        CHECK((got_ == PAYSIG_RESULT_OK) == (error == NULL));     \
        paysig_error_free(error);                                 \
    } while (0)

static paysig_result canonical(const char *json, size_t len) {
    paysig_bytes *out = NULL;
    paysig_error *error = NULL;
    paysig_result result = paysig_canonicalize(json, len, &out, &error);
    paysig_bytes_free(out);
    paysig_error_free(error);
    return result;
}

static long vm_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static void huge_body(size_t mib) {
    static const char item[] = "{\"id\":\"A-1001\\n\",\"amount\":12.50,\"tags\":[\"x\",\"y\"]},";
    size_t count = mib * 1024 * 1024 / (sizeof item - 1);
    size_t len = count * (sizeof item - 1) + 1;
    char *json = malloc(len + 1);
    CHECK(json != NULL);
    if (!json)
        return;
    json[0] = '[';
    for (size_t i = 0; i < count; i++)
        memcpy(json + 1 + i * (sizeof item - 1), item, sizeof item - 1);
    json[len - 1] = ']';
    long before = vm_kb("VmRSS");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    paysig_bytes *out = NULL;
    paysig_error *error = NULL;
    CHECK(paysig_canonicalize(json, len, &out, &error) == PAYSIG_RESULT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(out != NULL && out->len > 0 && out->len <= len);
    paysig_bytes_free(out);
    paysig_error_free(error);
    printf("MEASURED c canonicalize input_bytes=%zu ms=%.0f rss_before_kb=%ld peak_rss_kb=%ld\n", len,
           (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6, before, vm_kb("VmHWM"));
    /* The same bytes with one invalid byte inside a string near the end. */
    json[len - 5] = (char)0xff; /* the "y" of the last item */
    CHECK(canonical(json, len) == PAYSIG_RESULT_INVALID_STRING);
    free(json);
}

static void *deep_nesting(void *arg) {
    (void)arg;
    size_t n = 1000000;
    char *deep = malloc(2 * n);
    if (!deep)
        return NULL;
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    CHECK(canonical(deep, 2 * n) == PAYSIG_RESULT_TOO_DEEP);
    CHECK(canonical(deep, n) == PAYSIG_RESULT_TOO_DEEP);
    /* At the limit (128): accepted. */
    char at[256];
    memset(at, '[', 128);
    memset(at + 128, ']', 128);
    CHECK(canonical(at, 256) == PAYSIG_RESULT_OK);
    free(deep);
    return deep; /* non-NULL: ran to the end */
}

static void nesting_on_a_small_stack(void) {
    pthread_attr_t attr;
    pthread_t thread;
    void *done = NULL;
    pthread_attr_init(&attr);
    CHECK(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
    CHECK(pthread_create(&thread, &attr, deep_nesting, NULL) == 0);
    CHECK(pthread_join(thread, &done) == 0 && done != NULL);
    pthread_attr_destroy(&attr);
}

static void invalid_utf8(void) {
    static const char *const bad[] = {"\x80", "\xc3", "\xe2\x82", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[64];
        int n = snprintf(text, sizeof text, "[\"a%sb\"]", bad[i]);
        CHECK(canonical(text, (size_t)n) == PAYSIG_RESULT_INVALID_STRING);
        n = snprintf(text, sizeof text, "{\"%s\":1}", bad[i]);
        CHECK(canonical(text, (size_t)n) == PAYSIG_RESULT_INVALID_STRING);
        n = snprintf(text, sizeof text, "[1,%s2]", bad[i]);
        CHECK(canonical(text, (size_t)n) == PAYSIG_RESULT_INVALID_JSON);
        n = snprintf(text, sizeof text, "%s[]", bad[i]);
        CHECK(canonical(text, (size_t)n) == PAYSIG_RESULT_INVALID_JSON);
    }
    /* Invalid UTF-8 in a text argument: refused as an argument. */
    paysig_signer *signer = NULL;
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("aquapay"), "k\xff", 2, S("s"), &signer, &error));
    CHECK(signer == NULL);
}

static void control_characters(void) {
    static const char *const bad[] = {"a\rb", "a\nb", "a\r\nX-Injected: 1"};
    paysig_signer *signer = NULL;
    EXPECT(PAYSIG_RESULT_OK, paysig_signer_new(S("aquapay"), S("k"), S("s"), &signer, &error));
    for (size_t i = 0; i < 3; i++) {
        paysig_signed *signed_request = NULL;
        paysig_signer *other = NULL;
        EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("aquapay"), S(bad[i]), S("s"), &other, &error));
        EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT,
               paysig_aquapay_sign(signer, S("POST"), S(bad[i]), S("1"), &signed_request, &error));
        EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT,
               paysig_aquapay_sign(signer, S("POST"), S("/p"), S(bad[i]), &signed_request, &error));
        CHECK(signed_request == NULL && other == NULL);
    }
    /* NUL inside a value (lengths, not NUL termination, delimit inputs). */
    paysig_signed *signed_request = NULL;
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT,
           paysig_aquapay_sign(signer, S("POST"), "/p\0x", 4, "1", 1, &signed_request, &error));
    /* NULL with a non-zero length. */
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_aquapay_sign(signer, S("POST"), NULL, 5, S("1"), &signed_request, &error));
    paysig_bytes *out = NULL;
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_canonicalize(NULL, 1, &out, &error));
    CHECK(signed_request == NULL && out == NULL);
    paysig_signer_free(signer);
}

static paysig_verifier *aquapay_verifier(const char *redis_url, int64_t now_ms) {
    paysig_verifier_builder *builder = NULL;
    paysig_verifier *verifier = NULL;
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_new(S("aquapay"), &builder, &error));
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_add_key(builder, S("k"), S("s"), &error));
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_set_now_ms(builder, now_ms, &error));
    if (redis_url)
        EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_set_redis(builder, S(redis_url), 100, &error));
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_build(builder, &verifier, &error));
    paysig_verifier_builder_free(builder);
    return verifier;
}

/* Signs POST /pay with `nonce` and verifies it; the result, and the status. */
static paysig_result sign_and_verify(paysig_verifier *verifier, const char *nonce, const char *signature,
                                     uint16_t *status) {
    paysig_signer *signer = NULL;
    paysig_signed *signed_request = NULL;
    EXPECT(PAYSIG_RESULT_OK, paysig_signer_new(S("aquapay"), S("k"), S("s"), &signer, &error));
    EXPECT(PAYSIG_RESULT_OK, paysig_aquapay_sign(signer, S("POST"), S("/pay"), S(nonce), &signed_request, &error));
    const paysig_parts *parts = paysig_signed_parts(signed_request);
    paysig_header headers[8];
    size_t count = parts->header_count < 8 ? parts->header_count : 8;
    memcpy(headers, parts->headers, count * sizeof *headers);
    for (size_t i = 0; signature && i < count; i++)
        if (headers[i].name_len == 11 && memcmp(headers[i].name, "x-signature", 11) == 0) {
            headers[i].value = signature;
            headers[i].value_len = strlen(signature);
        }
    paysig_bytes *key_id = NULL;
    paysig_error *error = NULL;
    paysig_result result = paysig_verifier_verify(verifier, S("POST"), S("/pay"), headers, count, NULL, 0, &key_id,
                                                  &error);
    *status = error ? paysig_error_status(error) : 200;
    CHECK((result == PAYSIG_RESULT_OK) == (key_id != NULL));
    paysig_bytes_free(key_id);
    paysig_error_free(error);
    paysig_signed_free(signed_request);
    paysig_signer_free(signer);
    return result;
}

static void nonces_and_signatures(void) {
    paysig_verifier *verifier = aquapay_verifier(NULL, 1700000000000);
    uint16_t status = 0;
    static const char *const absurd[] = {"-1", "123456789012345678901234567890", "1e3", "abc", "0x1"};
    for (size_t i = 0; i < sizeof absurd / sizeof *absurd; i++)
        CHECK(sign_and_verify(verifier, absurd[i], NULL, &status) == PAYSIG_RESULT_MALFORMED_HEADER);
    CHECK(sign_and_verify(verifier, "0", NULL, &status) == PAYSIG_RESULT_TIMESTAMP_EXPIRED);
    static const char *const wrong[] = {"", "0", "00", "zz", "=", "not hex at all", "\xc3\xa9"};
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
        CHECK(sign_and_verify(verifier, "1700000000000", wrong[i], &status) == PAYSIG_RESULT_INVALID_SIGNATURE);
    CHECK(sign_and_verify(verifier, "1700000000000", NULL, &status) == PAYSIG_RESULT_OK);
    CHECK(sign_and_verify(verifier, "1700000000000", NULL, &status) == PAYSIG_RESULT_NONCE_REUSED);
    paysig_verifier_free(verifier);
}

static void redis_fails_closed(void) {
    paysig_verifier_builder *builder = NULL;
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_new(S("aquapay"), &builder, &error));
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_set_redis(builder, S("http://:pw@x/"), 0, &error));
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_set_redis(builder, NULL, 3, 0, &error));
    EXPECT(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_set_redis(NULL, S("redis://127.0.0.1/"), 0, &error));
    EXPECT(PAYSIG_RESULT_OK, paysig_verifier_builder_set_redis(builder, NULL, 0, 0, &error)); /* back to memory */
    paysig_verifier_builder_free(builder);
    /* Nothing listens on port 1: refused with 503, never accepted. */
    paysig_verifier *verifier = aquapay_verifier("redis://127.0.0.1:1/", 1700000000000);
    uint16_t status = 0;
    CHECK(sign_and_verify(verifier, "1700000000000", NULL, &status) == PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE);
    CHECK(status == 503);
    /* A bad signature is still refused as such before the store is asked. */
    CHECK(sign_and_verify(verifier, "1700000000000", "00", &status) == PAYSIG_RESULT_INVALID_SIGNATURE);
    paysig_verifier_free(verifier);
}

int main(int argc, char **argv) {
    /* check.h's vector readers: not needed here (no expected values). */
    (void)vector_file;
    (void)vector_string;
    (void)same;
    size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
    huge_body(mib);
    nesting_on_a_small_stack();
    invalid_utf8();
    control_characters();
    nonces_and_signatures();
    redis_fails_closed();
    return check_summary("test_hostile");
}
