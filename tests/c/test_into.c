/*
 * The paysig_*_sign_into functions and paysig_buffer: each scheme's
 * documented example (the first case of its vector file) signed into a
 * caller buffer gives the vector's signature, string to sign and headers,
 * in the documented flat layout, and exactly the parts paysig_*_sign
 * returns for the same inputs; a buffer too small (or NULL) gets
 * PAYSIG_RESULT_INSUFFICIENT_SIZE with the size needed and keeps its
 * bytes; other failures leave the whole buffer untouched; Cryptopay's
 * body_json sends the canonical form of JSON text (canonical.json), and a
 * raw body may hold NUL bytes. Run under valgrind: nothing may leak.
 */
#include <stdint.h>

#include "check.h"
#include "paysig.h"

#define S(text) (text), strlen(text)

/* The flat layout, split: four parts, then the body if there is one. */
typedef struct {
    const char *part[4];
    size_t len[4];
    const char *body;
    size_t body_len;
} flat;

/* Splits data[len] (NUL at data[len]); 0 when it is not four parts. */
static int split(const char *data, size_t len, flat *out) {
    if (data[len] != '\0') return 0;
    size_t at = 0;
    for (int i = 0; i < 4; i++) {
        const char *end = memchr(data + at, '\0', len - at);
        if (end == NULL && i < 3) return 0;
        out->part[i] = data + at;
        out->len[i] = end != NULL ? (size_t)(end - (data + at)) : len - at;
        at += out->len[i] + 1;
    }
    /* The values end the result, or a NUL and the body follow them. */
    out->body = at <= len ? data + at : NULL;
    out->body_len = at <= len ? len - at : 0;
    return 1;
}

/* The headers of `signed_request` as the flat result lists them. */
static void joined(const paysig_parts *parts, int values, char *out, size_t size) {
    size_t at = 0;
    for (size_t i = 0; i < parts->header_count; i++) {
        const paysig_header *h = &parts->headers[i];
        const char *text = values ? h->value : h->name;
        size_t len = values ? h->value_len : h->name_len;
        if (at + len + 2 > size) abort();
        if (i > 0) out[at++] = '\n';
        memcpy(out + at, text, len);
        at += len;
    }
    out[at] = '\0';
}

static int equal(const char *a, size_t a_len, const char *b, size_t b_len) {
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* The flat result in buffer equals every part of `signed_request`. */
static void same_parts(const paysig_buffer *buffer, paysig_signed *signed_request) {
    flat f;
    CHECK(split(buffer->data, buffer->len, &f));
    const paysig_parts *parts = paysig_signed_parts(signed_request);
    char names[512], values[4096];
    joined(parts, 0, names, sizeof names);
    joined(parts, 1, values, sizeof values);
    CHECK(equal(f.part[0], f.len[0], parts->signature, parts->signature_len));
    CHECK(equal(f.part[1], f.len[1], parts->string_to_sign, parts->string_to_sign_len));
    CHECK(equal(f.part[2], f.len[2], names, strlen(names)));
    CHECK(equal(f.part[3], f.len[3], values, strlen(values)));
    if (parts->body == NULL) {
        CHECK(f.body == NULL);
    } else {
        CHECK(f.body != NULL && equal(f.body, f.body_len, parts->body, parts->body_len));
    }
    paysig_signed_free(signed_request);
}

/* The vector's header `name` is the value at position `index`. */
static void vector_header(const flat *f, const cJSON *file, const char *name, int index) {
    const char *want = vector_string(file, 0, "expect", "headers", name);
    const char *at = f->part[3];
    const char *end = f->part[3] + f->len[3];
    for (int i = 0; i < index && at != NULL; i++) {
        at = memchr(at, '\n', (size_t)(end - at));
        if (at != NULL) at++;
    }
    const char *stop = at != NULL ? memchr(at, '\n', (size_t)(end - at)) : NULL;
    size_t len = at == NULL ? 0 : (size_t)((stop != NULL ? stop : end) - at);
    CHECK(at != NULL && equal(at, len, want, strlen(want)));
}

static paysig_signer *signer(const char *scheme, const char *key_id, const char *secret) {
    paysig_signer *s = NULL;
    CHECK(paysig_signer_new(S(scheme), key_id, key_id ? strlen(key_id) : 0, S(secret), &s, NULL) ==
          PAYSIG_RESULT_OK);
    return s;
}

static char storage[8192];

static paysig_buffer big_buffer(void) {
    paysig_buffer buffer = {storage, sizeof storage, 0};
    return buffer;
}

static void cryptopay(void) {
    cJSON *file = vector_file("cryptopay");
#define IN(name) vector_string(file, 0, "input", name, NULL)
    paysig_signer *s = signer("cryptopay", IN("api_key"), IN("api_secret"));
    paysig_buffer buffer = big_buffer();
    CHECK(paysig_cryptopay_sign_into(s, S(IN("method")), S(IN("path")), S(IN("body")), false,
                                     S(IN("content_type")), S(IN("date")), &buffer,
                                     NULL) == PAYSIG_RESULT_OK);
    flat f;
    CHECK(split(buffer.data, buffer.len, &f));
    const char *signature = vector_string(file, 0, "expect", "signature", NULL);
    const char *sts = vector_string(file, 0, "expect", "string_to_sign", NULL);
    CHECK(same(f.part[0], f.len[0], signature));
    CHECK(same(f.part[1], f.len[1], sts));
    CHECK(same(f.part[2], f.len[2], "Authorization\nContent-Type\nDate"));
    vector_header(&f, file, "Authorization", 0);
    vector_header(&f, file, "Content-Type", 1);
    vector_header(&f, file, "Date", 2);
    CHECK(f.body != NULL && same(f.body, f.body_len, IN("body")));
    paysig_signed *signed_request = NULL;
    CHECK(paysig_cryptopay_sign(s, S(IN("method")), S(IN("path")), S(IN("body")),
                                S(IN("content_type")), S(IN("date")), &signed_request,
                                NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);

    /* No body: nothing after the values. */
    CHECK(paysig_cryptopay_sign_into(s, S("GET"), S("/x"), NULL, 0, false, NULL, 0, S(IN("date")),
                                     &buffer, NULL) == PAYSIG_RESULT_OK);
    CHECK(split(buffer.data, buffer.len, &f) && f.body == NULL);

    /* A raw body is any UTF-8, NUL included, and comes back whole. */
    static const char raw[] = "a\0b";
    CHECK(paysig_cryptopay_sign_into(s, S("POST"), S("/x"), raw, 3, false, NULL, 0, S(IN("date")),
                                     &buffer, NULL) == PAYSIG_RESULT_OK);
    CHECK(split(buffer.data, buffer.len, &f) && f.body != NULL && equal(f.body, f.body_len, raw, 3));
    signed_request = NULL;
    CHECK(paysig_cryptopay_sign(s, S("POST"), S("/x"), raw, 3, NULL, 0, S(IN("date")),
                                &signed_request, NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);

    /* body_json: the canonical form of the text is signed and sent, as
     * when that canonical text is the raw body. */
    cJSON *canonical = vector_file("canonical");
    const char *json = vector_string(canonical, 0, "input", "json", NULL);
    const char *want = vector_string(canonical, 0, "expect", "canonical", NULL);
    CHECK(paysig_cryptopay_sign_into(s, S("POST"), S("/x"), S(json), true, NULL, 0, S(IN("date")),
                                     &buffer, NULL) == PAYSIG_RESULT_OK);
    CHECK(split(buffer.data, buffer.len, &f) && f.body != NULL &&
          same(f.body, f.body_len, want));
    signed_request = NULL;
    CHECK(paysig_cryptopay_sign(s, S("POST"), S("/x"), S(want), NULL, 0, S(IN("date")),
                                &signed_request, NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);

    /* body_json refuses what paysig_canonicalize refuses, with its code. */
    paysig_error *error = NULL;
    CHECK(paysig_cryptopay_sign_into(s, S("POST"), S("/x"), S("{\"a\":1,\"a\":2}"), true, NULL, 0,
                                     S(IN("date")), &buffer, &error) ==
          PAYSIG_RESULT_DUPLICATE_KEY);
    CHECK(paysig_error_code(error) == PAYSIG_RESULT_DUPLICATE_KEY);
    paysig_error_free(error);
#undef IN
    paysig_signer_free(s);
    cJSON_Delete(canonical);
    cJSON_Delete(file);
}

static void aquapay(void) {
    cJSON *file = vector_file("aquapay");
#define IN(name) vector_string(file, 0, "input", name, NULL)
    paysig_signer *s = signer("aquapay", IN("api_key"), IN("api_secret"));
    paysig_buffer buffer = big_buffer();
    CHECK(paysig_aquapay_sign_into(s, S(IN("method")), S(IN("path")), S(IN("nonce")), &buffer,
                                   NULL) == PAYSIG_RESULT_OK);
    flat f;
    CHECK(split(buffer.data, buffer.len, &f));
    const char *signature = vector_string(file, 0, "expect", "signature", NULL);
    const char *sts = vector_string(file, 0, "expect", "string_to_sign", NULL);
    CHECK(same(f.part[0], f.len[0], signature));
    CHECK(same(f.part[1], f.len[1], sts));
    CHECK(same(f.part[2], f.len[2], "x-nonce\nx-api-key\nx-signature"));
    vector_header(&f, file, "x-nonce", 0);
    vector_header(&f, file, "x-api-key", 1);
    vector_header(&f, file, "x-signature", 2);
    CHECK(f.body == NULL);
    paysig_signed *signed_request = NULL;
    CHECK(paysig_aquapay_sign(s, S(IN("method")), S(IN("path")), S(IN("nonce")), &signed_request,
                              NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);

    /* The size: asked with NULL, then too small by the final NUL, then
     * exact. The bytes of a small buffer stay as they were. */
    size_t needed = buffer.len;
    paysig_buffer ask = {NULL, 0, 0};
    paysig_error *error = NULL;
    CHECK(paysig_aquapay_sign_into(s, S(IN("method")), S(IN("path")), S(IN("nonce")), &ask,
                                   &error) == PAYSIG_RESULT_INSUFFICIENT_SIZE);
    CHECK(ask.len == needed);
    CHECK(paysig_error_code(error) == PAYSIG_RESULT_INSUFFICIENT_SIZE);
    paysig_error_free(error);
    char *small = malloc(needed + 1);
    if (small == NULL) abort();
    memset(small, 'x', needed + 1);
    paysig_buffer tight = {small, needed, 0};
    CHECK(paysig_aquapay_sign_into(s, S(IN("method")), S(IN("path")), S(IN("nonce")), &tight,
                                   NULL) == PAYSIG_RESULT_INSUFFICIENT_SIZE);
    CHECK(tight.len == needed);
    int kept = 1;
    for (size_t i = 0; i <= needed; i++) kept &= small[i] == 'x';
    CHECK(kept);
    paysig_buffer exact = {small, needed + 1, 0};
    CHECK(paysig_aquapay_sign_into(s, S(IN("method")), S(IN("path")), S(IN("nonce")), &exact,
                                   NULL) == PAYSIG_RESULT_OK);
    CHECK(exact.len == needed && memcmp(small, storage, needed + 1) == 0);
    free(small);

    /* Other failures write nothing, not even len. */
    memset(storage, 'y', 16);
    paysig_buffer untouched = {storage, sizeof storage, 12345};
    error = NULL;
    CHECK(paysig_aquapay_sign_into(s, S("GET\n"), S("/"), NULL, 0, &untouched, &error) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(untouched.len == 12345 && storage[0] == 'y' && storage[15] == 'y');
    paysig_error_free(error);
    error = NULL;
    CHECK(paysig_aquapay_sign_into(s, S("GET"), S("/"), NULL, 0, NULL, &error) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    paysig_error_free(error);
    /* Another scheme's signer. */
    paysig_signer *other = signer("pgprints", NULL, "secret");
    error = NULL;
    CHECK(paysig_aquapay_sign_into(other, S("GET"), S("/"), NULL, 0, &untouched, &error) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(untouched.len == 12345);
    paysig_error_free(error);
    paysig_signer_free(other);
#undef IN
    paysig_signer_free(s);
    cJSON_Delete(file);
}

static void remitquickly(void) {
    cJSON *file = vector_file("remitquickly");
#define IN(name) vector_string(file, 0, "input", name, NULL)
    paysig_signer *s = signer("remitquickly", IN("api_key"), IN("secret"));
    paysig_buffer buffer = big_buffer();
    CHECK(paysig_remitquickly_sign_into(s, S(IN("body_json")), S(IN("timestamp")), &buffer,
                                        NULL) == PAYSIG_RESULT_OK);
    flat f;
    CHECK(split(buffer.data, buffer.len, &f));
    const char *payload = vector_string(file, 0, "expect", "payload_json", NULL);
    const char *signature = vector_string(file, 0, "expect", "headers", "signature");
    CHECK(same(f.part[0], f.len[0], signature));
    CHECK(same(f.part[1], f.len[1], payload));
    CHECK(same(f.part[2], f.len[2], "apikey\npayload\nsignature"));
    vector_header(&f, file, "apikey", 0);
    vector_header(&f, file, "payload", 1);
    vector_header(&f, file, "signature", 2);
    paysig_signed *signed_request = NULL;
    CHECK(paysig_remitquickly_sign(s, S(IN("body_json")), S(IN("timestamp")), &signed_request,
                                   NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);
    /* No body: none in the result either. */
    CHECK(paysig_remitquickly_sign_into(s, NULL, 0, S(IN("timestamp")), &buffer, NULL) ==
          PAYSIG_RESULT_OK);
    CHECK(split(buffer.data, buffer.len, &f) && f.body == NULL);
#undef IN
    paysig_signer_free(s);
    cJSON_Delete(file);
}

static void pgprints(void) {
    cJSON *file = vector_file("pgprints");
    const char *body = vector_string(file, 0, "input", "body_json", NULL);
    paysig_signer *s = signer("pgprints", NULL, vector_string(file, 0, "input", "secret_key", NULL));
    paysig_buffer buffer = big_buffer();
    CHECK(paysig_pgprints_sign_into(s, S(body), &buffer, NULL) == PAYSIG_RESULT_OK);
    flat f;
    CHECK(split(buffer.data, buffer.len, &f));
    const char *sts = vector_string(file, 0, "expect", "string_to_sign", NULL);
    CHECK(same(f.part[1], f.len[1], sts));
    CHECK(same(f.part[2], f.len[2], "X-PGPrints-Hmac-Sha256"));
    vector_header(&f, file, "X-PGPrints-Hmac-Sha256", 0);
    CHECK(f.body != NULL && same(f.body, f.body_len, sts));
    paysig_signed *signed_request = NULL;
    CHECK(paysig_pgprints_sign(s, S(body), &signed_request, NULL) == PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);
    paysig_error *error = NULL;
    CHECK(paysig_pgprints_sign_into(s, S("{bad"), &buffer, &error) == PAYSIG_RESULT_INVALID_JSON);
    paysig_error_free(error);
    paysig_signer_free(s);
    cJSON_Delete(file);
}

static void onchainpay(void) {
    cJSON *file = vector_file("onchainpay");
#define IN(name) vector_string(file, 0, "input", name, NULL)
    paysig_signer *s = signer("onchainpay", IN("public_key"), IN("private_key"));
    const cJSON *nonce = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(file, "cases"), 0), "input"),
        "nonce");
    char literal[32];
    snprintf(literal, sizeof literal, "%.0f", nonce->valuedouble);
    paysig_buffer buffer = big_buffer();
    CHECK(paysig_onchainpay_sign_into(s, S(IN("payload_json")), S(literal), &buffer, NULL) ==
          PAYSIG_RESULT_OK);
    flat f;
    CHECK(split(buffer.data, buffer.len, &f));
    const char *body = vector_string(file, 0, "expect", "body", NULL);
    CHECK(same(f.part[1], f.len[1], body));
    CHECK(same(f.part[2], f.len[2], "x-api-public-key\nx-api-signature"));
    vector_header(&f, file, "x-api-public-key", 0);
    vector_header(&f, file, "x-api-signature", 1);
    CHECK(f.body != NULL && same(f.body, f.body_len, body));
    paysig_signed *signed_request = NULL;
    CHECK(paysig_onchainpay_sign(s, S(IN("payload_json")), S(literal), &signed_request, NULL) ==
          PAYSIG_RESULT_OK);
    same_parts(&buffer, signed_request);
#undef IN
    paysig_signer_free(s);
    cJSON_Delete(file);
}

int main(void) {
    cryptopay();
    aquapay();
    remitquickly();
    pgprints();
    onchainpay();
    return check_summary("test_into");
}
