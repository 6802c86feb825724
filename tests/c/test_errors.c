/*
 * Every error path of the C ABI: NULL pointers, invalid UTF-8, bad JSON,
 * unknown scheme, algorithm or encoding, empty secrets, buffers too
 * small, verification refusals; that out-parameters are untouched on
 * failure; that error objects carry code, status and message; and that
 * every handle still works after each kind of failure. Run under
 * valgrind: nothing may leak on any of these paths.
 */
#include <stdint.h>

#include "check.h"
#include "paysig.h"

#define S(text) (text), strlen(text)

static const char *const SENTINEL = "untouched";

/* Runs `call` (which writes `&error`), then checks its failure. */
#define FAILS(want, call)                          \
    do {                                           \
        error = NULL;                              \
        paysig_result got_ = (call);               \
        check_failure(got_, (want), error);        \
    } while (0)

/* The expected result, the error's code equal to it, the message present
 * and NUL-terminated; frees the error. */
static void check_failure(paysig_result got, paysig_result want, paysig_error *error) {
    CHECK(got == want);
    CHECK(error != NULL);
    CHECK(paysig_error_code(error) == want);
    size_t len = 0;
    const char *message = paysig_error_message(error, &len);
    CHECK(message != NULL && len > 0 && strlen(message) == len);
    paysig_error_free(error);
}

static void results_and_versions(void) {
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_OK), "ok") == 0);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_INVALID_JSON), "invalid_json") == 0);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_NONCE_REUSED), "nonce_reused") == 0);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE), "replay_store_unavailable") == 0);
    CHECK(PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE == 17); /* stable numbers */
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_NONCE_NOT_INCREASING), "nonce_not_increasing") == 0);
    CHECK(PAYSIG_RESULT_NONCE_NOT_INCREASING == 18);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE), "nonce_source_unavailable") == 0);
    CHECK(PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE == 19);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_PANIC), "panic") == 0);
    CHECK(strcmp(paysig_result_name(PAYSIG_RESULT_INSUFFICIENT_SIZE), "insufficient_size") == 0);
    CHECK(strcmp(paysig_result_name(12345), "unknown") == 0);
    char version[64];
    snprintf(version, sizeof version, "%d.%d.%d", PAYSIG_VERSION_MAJOR, PAYSIG_VERSION_MINOR,
             PAYSIG_VERSION_PATCH);
    CHECK(strcmp(paysig_version(), version) == 0);
    CHECK(paysig_abi_version() == PAYSIG_ABI_VERSION);
    CHECK(paysig_hmac_max_bytes() == PAYSIG_HMAC_MAX_BYTES);
    CHECK(paysig_json_default_max_depth() == PAYSIG_JSON_DEFAULT_MAX_DEPTH);
    CHECK(paysig_verifier_default_replay_capacity() > 0);
    /* Getters and frees accept NULL. */
    CHECK(paysig_error_code(NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_error_status(NULL) == 0);
    CHECK(paysig_error_message(NULL, NULL) == NULL);
    CHECK(paysig_error_body(NULL, NULL) == NULL);
    CHECK(paysig_signed_parts(NULL) == NULL);
    CHECK(paysig_signer_scheme(NULL) == NULL);
    paysig_bytes_free(NULL);
    paysig_error_free(NULL);
    paysig_signed_free(NULL);
    paysig_signer_free(NULL);
    paysig_verifier_builder_free(NULL);
    paysig_verifier_free(NULL);
}

static void canonicalize_errors(void) {
    const cJSON *file = vector_file("canonical");
    paysig_bytes *out = (paysig_bytes *)SENTINEL;
    paysig_error *error = NULL;
    /* Each refusal has its own code; out stays untouched. */
    struct { const char *json; paysig_result want; } cases[] = {
        {"{'a':1}", PAYSIG_RESULT_INVALID_JSON},
        {"[1,]", PAYSIG_RESULT_INVALID_JSON},
        {"[9007199254740993]", PAYSIG_RESULT_NUMBER_OUT_OF_RANGE},
        {"{\"a\":1,\"a\":2}", PAYSIG_RESULT_DUPLICATE_KEY},
        {"[\"\\ud800\"]", PAYSIG_RESULT_INVALID_STRING},
        {"[\"\xff\"]", PAYSIG_RESULT_INVALID_STRING},
        {"[\xff]", PAYSIG_RESULT_INVALID_JSON},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FAILS(cases[i].want, paysig_canonicalize(S(cases[i].json), &out, &error));
        CHECK(out == (paysig_bytes *)SENTINEL);
    }
    FAILS(PAYSIG_RESULT_TOO_DEEP, paysig_canonicalize_with(S("[[[]]]"), 2, false, &out, &error));
    /* NULL with length 0 is the empty text (not JSON); NULL with a length
     * and NULL out are invalid arguments; error may be NULL. */
    CHECK(paysig_canonicalize(NULL, 0, &out, NULL) == PAYSIG_RESULT_INVALID_JSON);
    CHECK(paysig_canonicalize(NULL, 3, &out, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_canonicalize(S("[]"), NULL, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(out == (paysig_bytes *)SENTINEL);
    /* After failures, the vector's first case. */
    const char *json = vector_string(file, 0, "input", "json", NULL);
    CHECK(paysig_canonicalize(S(json), &out, NULL) == PAYSIG_RESULT_OK);
    CHECK(same(out->data, out->len, vector_string(file, 0, "expect", "canonical", NULL)));
    paysig_bytes_free(out);
    /* Lenient mode: JavaScript's reading, the last duplicate wins. */
    out = NULL;
    CHECK(paysig_canonicalize_with(S("{\"a\":1,\"a\":2}"), 128, true, &out, NULL) == PAYSIG_RESULT_OK);
    CHECK(out != NULL && same(out->data, out->len, "{\"a\":2}"));
    paysig_bytes_free(out);
    cJSON_Delete((cJSON *)file);
}

static void hmac_errors(void) {
    const cJSON *file = vector_file("hmac");
    paysig_bytes *out = (paysig_bytes *)SENTINEL;
    paysig_error *error = NULL;
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_hmac_sign(S("md5"), S("hex"), S("k"), S("m"), &out, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_hmac_sign(S("sha256"), S("base32"), S("k"), S("m"), &out, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_hmac_sign(S("sha256"), S("hex"), "", 0, S("m"), &out, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_hmac_sign(S("sha\xff"), S("hex"), S("k"), S("m"), &out, &error));
    CHECK(paysig_hmac_sign(NULL, 6, S("hex"), S("k"), S("m"), &out, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(out == (paysig_bytes *)SENTINEL);
    CHECK(paysig_hmac_output_len(S("sha512")) == 64);
    CHECK(paysig_hmac_output_len(S("md5")) == 0);
    CHECK(paysig_hmac_output_len(NULL, 3) == 0);

    /* A buffer too small; nothing written. */
    uint8_t mac[PAYSIG_HMAC_MAX_BYTES];
    size_t mac_len = 12345;
    FAILS(PAYSIG_RESULT_INSUFFICIENT_SIZE, paysig_hmac(S("sha512"), S("k"), S("m"), mac, 63, &mac_len, &error));
    CHECK(mac_len == 12345);

    /* Bodies are bytes: NUL and 0xff inside, signed and verified; one
     * changed byte does not verify. */
    const char message[] = {'a', '\0', (char)0xff, 'b'};
    paysig_bytes *signature = NULL;
    CHECK(paysig_hmac_sign(S("sha256"), S("base64"), S("k"), message, sizeof message, &signature, NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_hmac_verify(S("sha256"), S("base64"), S("k"), message, sizeof message,
                             signature->data, signature->len, NULL) == PAYSIG_RESULT_OK);
    const char changed[] = {'a', '\0', (char)0xfe, 'b'};
    FAILS(PAYSIG_RESULT_INVALID_SIGNATURE, paysig_hmac_verify(S("sha256"), S("base64"), S("k"), changed, sizeof changed,
                                     signature->data, signature->len, &error));
    CHECK(paysig_hmac_verify(S("sha256"), S("hex"), S("k"), message, sizeof message, S("zz"), NULL) == PAYSIG_RESULT_INVALID_SIGNATURE);
    paysig_bytes_free(signature);

    /* After failures: RFC 2202 case 1 from the vector file, raw bytes. */
    const char *key_hex = vector_string(file, 0, "input", "key_hex", NULL);
    const char *data_hex = vector_string(file, 0, "input", "data_hex", NULL);
    const char *want_hex = vector_string(file, 0, "expect", "hex", NULL);
    char key[64], data[64], got_hex[2 * PAYSIG_HMAC_MAX_BYTES + 1];
    size_t key_len = strlen(key_hex) / 2, data_len = strlen(data_hex) / 2;
    for (size_t i = 0; i < key_len; i++) { unsigned b; sscanf(key_hex + 2 * i, "%2x", &b); key[i] = (char)b; }
    for (size_t i = 0; i < data_len; i++) { unsigned b; sscanf(data_hex + 2 * i, "%2x", &b); data[i] = (char)b; }
    const char *algorithm = vector_string(file, 0, "input", "algorithm", NULL);
    CHECK(paysig_hmac(S(algorithm), key, key_len, data, data_len, mac, sizeof mac, &mac_len, NULL) == PAYSIG_RESULT_OK);
    for (size_t i = 0; i < mac_len; i++) sprintf(got_hex + 2 * i, "%02x", mac[i]);
    got_hex[2 * mac_len] = '\0';
    CHECK(strcmp(got_hex, want_hex) == 0);
    cJSON_Delete((cJSON *)file);
}

static void signer_errors(void) {
    const cJSON *file = vector_file("onchainpay");
    const char *public_key = vector_string(file, 0, "input", "public_key", NULL);
    const char *private_key = vector_string(file, 0, "input", "private_key", NULL);
    const char *payload = vector_string(file, 0, "input", "payload_json", NULL);
    paysig_signer *signer = (paysig_signer *)SENTINEL;
    paysig_error *error = NULL;

    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("stripe"), S("k"), S("s"), &signer, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("onchainpay"), S("k"), "", 0, &signer, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("onchainpay"), "", 0, S("s"), &signer, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("pgprints"), S("an id"), S("s"), &signer, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_signer_new(S("aquapay"), S("k"), S("s\xc3"), &signer, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_pgprints_signer_new(S("s"), S("base32"), &signer, &error));
    /* A message names the field, never the secret. */
    error = NULL;
    CHECK(paysig_signer_new(S("aquapay"), S("top-secret-id\n"), S("s"), &signer, &error) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(paysig_error_message(error, NULL), "top-secret") == NULL);
    paysig_error_free(error);
    CHECK(paysig_signer_new(NULL, 10, S("k"), S("s"), &signer, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_signer_new(S("aquapay"), S("k"), S("s"), NULL, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(signer == (paysig_signer *)SENTINEL);

    CHECK(paysig_signer_new(S("OnchainPay"), S(public_key), S(private_key), &signer, NULL) == PAYSIG_RESULT_OK);
    CHECK(strcmp(paysig_signer_scheme(signer), "onchainpay") == 0);
    paysig_signed *signed_request = (paysig_signed *)SENTINEL;
    const char *nonce = "1643881172430";
    /* Failures of every kind on the same signer. */
    struct { const char *payload; const char *nonce; paysig_result want; } cases[] = {
        {"[1]", "1", PAYSIG_RESULT_INVALID_ARGUMENT},
        {"{\"a\":}", "1", PAYSIG_RESULT_INVALID_JSON},
        {"{\"a\":1,\"a\":1}", "1", PAYSIG_RESULT_DUPLICATE_KEY},
        {"{\"a\":\"\xff\"}", "1", PAYSIG_RESULT_INVALID_STRING},
        {"{}", "1e999", PAYSIG_RESULT_NUMBER_OUT_OF_RANGE},
        {"{}", "[1]", PAYSIG_RESULT_INVALID_ARGUMENT},
        {"{}", "\"a\nb\"", PAYSIG_RESULT_INVALID_JSON},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FAILS(cases[i].want, paysig_onchainpay_sign(signer, S(cases[i].payload), S(cases[i].nonce),
                                                    &signed_request, &error));
    }
    /* Another scheme's sign function on this signer. */
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT,
          paysig_aquapay_sign(signer, S("GET"), S("/"), NULL, 0, &signed_request, &error));
    CHECK(paysig_onchainpay_sign(NULL, S("{}"), NULL, 0, &signed_request, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_onchainpay_sign(signer, S("{}"), NULL, 0, NULL, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(signed_request == (paysig_signed *)SENTINEL);

    /* The signer still signs the vector correctly. */
    CHECK(paysig_onchainpay_sign(signer, S(payload), S(nonce), &signed_request, NULL) == PAYSIG_RESULT_OK);
    const paysig_parts *parts = paysig_signed_parts(signed_request);
    CHECK(same(parts->body, parts->body_len, vector_string(file, 0, "expect", "body", NULL)));
    const char *want_signature = vector_string(file, 0, "expect", "headers", "x-api-signature");
    const char *value = NULL;
    size_t value_len = 0;
    CHECK(paysig_signed_header(signed_request, S("X-API-Signature"), &value, &value_len) == PAYSIG_RESULT_OK);
    CHECK(same(value, value_len, want_signature));
    CHECK(paysig_signed_header(signed_request, S("date"), &value, &value_len) == PAYSIG_RESULT_MISSING_HEADER);
    CHECK(paysig_signed_header(signed_request, S("x\xff"), &value, &value_len) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(same(value, value_len, want_signature));
    CHECK(parts->header_count == 2);
    char block[512];
    snprintf(block, sizeof block, "x-api-public-key: %s\nx-api-signature: %s\n", public_key, want_signature);
    CHECK(same(parts->header_block, parts->header_block_len, block));
    paysig_signed_free(signed_request);
    paysig_signer_free(signer);
    cJSON_Delete((cJSON *)file);

    /* Cryptopay: a body is bytes, NUL included, returned exactly; a body
     * that is not UTF-8 is refused. */
    CHECK(paysig_signer_new(S("cryptopay"), S("k"), S("s"), &signer, NULL) == PAYSIG_RESULT_OK);
    const char body[] = {'{', '}', '\0', 'x'};
    CHECK(paysig_cryptopay_sign(signer, S("post"), S("/a"), body, sizeof body, NULL, 0, S("Tue, 25 Sep 2018 17:41:40 GMT"), &signed_request, NULL) == PAYSIG_RESULT_OK);
    parts = paysig_signed_parts(signed_request);
    CHECK(parts->body_len == sizeof body && memcmp(parts->body, body, sizeof body) == 0);
    paysig_signed_free(signed_request);
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_cryptopay_sign(signer, S("POST"), S("/a"), S("\xff"), NULL, 0, NULL, 0, &signed_request, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_cryptopay_sign(signer, S("PO ST"), S("/a"), NULL, 0, NULL, 0, NULL, 0, &signed_request, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_cryptopay_sign(signer, S("GET"), S("/a\r\nX: 1"), NULL, 0, NULL, 0, NULL, 0, &signed_request, &error));
    paysig_signer_free(signer);

    /* Optional arguments: NULL is "not given", empty is refused. */
    CHECK(paysig_signer_new(S("aquapay"), S("k"), S("s"), &signer, NULL) == PAYSIG_RESULT_OK);
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_aquapay_sign(signer, S("GET"), S("/"), "", 0, &signed_request, &error));
    CHECK(paysig_aquapay_sign(signer, S("GET"), S("/"), NULL, 0, &signed_request, NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_signed_parts(signed_request)->body == NULL);
    paysig_signed_free(signed_request);
    paysig_signer_free(signer);
}

/* A PGPrints request from the vector file, verified by a verifier built
 * with the vector's secret. */
static void verifier_errors(void) {
    const cJSON *file = vector_file("pgprints");
    const char *secret = vector_string(file, 0, "input", "secret_key", NULL);
    const char *body = vector_string(file, 0, "input", "body_json", NULL);
    const char *signature = vector_string(file, 0, "expect", "headers", "X-PGPrints-Hmac-Sha256");
    paysig_verifier_builder *builder = (paysig_verifier_builder *)SENTINEL;
    paysig_verifier *verifier = (paysig_verifier *)SENTINEL;
    paysig_error *error = NULL;

    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_new(S("paypal"), &builder, &error));
    CHECK(builder == (paysig_verifier_builder *)SENTINEL);
    CHECK(paysig_verifier_builder_new(S("pgprints"), &builder, NULL) == PAYSIG_RESULT_OK);
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_build(builder, &verifier, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_add_key(builder, S("shop"), "", 0, &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_set_nonce_policy(builder, S("sometimes"), &error));
    FAILS(PAYSIG_RESULT_INVALID_ARGUMENT, paysig_verifier_builder_set_replay_capacity(builder, 0, &error));
    CHECK(paysig_verifier_builder_set_tolerance_ms(NULL, 1, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(verifier == (paysig_verifier *)SENTINEL);
    CHECK(paysig_verifier_builder_add_key(builder, S("shop"), S(secret), NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_verifier_build(builder, &verifier, NULL) == PAYSIG_RESULT_OK);
    paysig_verifier_builder_free(builder);

    paysig_header good = {S("x-pgprints-hmac-sha256"), S(signature)};
    paysig_header bad = {S("X-PGPrints-Hmac-Sha256"), S("AAAA")};
    paysig_bytes *key_id = (paysig_bytes *)SENTINEL;
    /* Refusals carry the HTTP status, the message and the provider body. */
    error = NULL;
    paysig_result code = paysig_verifier_verify(verifier, S("POST"), S("/"), &bad, 1, S(body), &key_id, &error);
    CHECK(code == PAYSIG_RESULT_INVALID_SIGNATURE);
    CHECK(paysig_error_status(error) == 401);
    size_t body_len = 0;
    const char *error_body = paysig_error_body(error, &body_len);
    CHECK(error_body != NULL && strlen(error_body) == body_len && error_body[0] == '{');
    paysig_error_free(error);
    FAILS(PAYSIG_RESULT_MISSING_HEADER, paysig_verifier_verify(verifier, S("POST"), S("/"), NULL, 0, S(body), &key_id, &error));
    FAILS(PAYSIG_RESULT_INVALID_JSON, paysig_verifier_verify(verifier, S("POST"), S("/"), &good, 1, S("{\"a\":"), &key_id, &error));
    paysig_header invalid_utf8 = {S("x-pgprints-hmac-sha256"), S("\xff")};
    CHECK(paysig_verifier_verify(verifier, S("POST"), S("/"), &invalid_utf8, 1, S(body), &key_id, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_verifier_verify(verifier, S("POST"), S("/"), NULL, 2, S(body), &key_id, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_verifier_verify(NULL, S("POST"), S("/"), &good, 1, S(body), &key_id, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_verifier_verify_block(verifier, S("POST"), S("/"), S("no colon here"), S(body), &key_id, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(key_id == (paysig_bytes *)SENTINEL);

    /* After every kind of refusal, the genuine request is accepted, in
     * both header forms. */
    CHECK(paysig_verifier_verify(verifier, S("POST"), S("/"), &good, 1, S(body), &key_id, NULL) == PAYSIG_RESULT_OK);
    CHECK(same(key_id->data, key_id->len, "shop"));
    paysig_bytes_free(key_id);
    char block[512];
    snprintf(block, sizeof block, "Content-Type: application/json\r\nX-PGPrints-Hmac-Sha256: %s\r\n", signature);
    key_id = NULL;
    CHECK(paysig_verifier_verify_block(verifier, S("POST"), S("/"), S(block), S(body), &key_id, NULL) == PAYSIG_RESULT_OK);
    CHECK(key_id != NULL && same(key_id->data, key_id->len, "shop"));
    paysig_bytes_free(key_id);
    paysig_verifier_free(verifier);
    cJSON_Delete((cJSON *)file);

    /* Cryptopay callbacks: the vector's signature verifies, a changed body
     * does not, an empty secret is an argument error. */
    file = vector_file("cryptopay-callback");
    const char *callback_secret = vector_string(file, 0, "input", "callback_secret", NULL);
    const char *callback_body = vector_string(file, 0, "input", "body", NULL);
    const char *callback_signature = vector_string(file, 0, "expect", "signature", NULL);
    CHECK(paysig_cryptopay_callback_verify(S(callback_secret), S(callback_body), S(callback_signature), NULL) == PAYSIG_RESULT_OK);
    error = NULL;
    code = paysig_cryptopay_callback_verify(S(callback_secret), S("{}"), S(callback_signature), &error);
    CHECK(code == PAYSIG_RESULT_INVALID_SIGNATURE && paysig_error_status(error) != 0);
    paysig_error_free(error);
    CHECK(paysig_cryptopay_callback_verify("", 0, S("{}"), S(callback_signature), NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_cryptopay_callback_verify(S(callback_secret), S(callback_body), S("\xff"), NULL) == PAYSIG_RESULT_INVALID_SIGNATURE);
    cJSON_Delete((cJSON *)file);
}

int main(void) {
    results_and_versions();
    canonicalize_errors();
    hmac_errors();
    signer_errors();
    verifier_errors();
    return check_summary("c-errors");
}
