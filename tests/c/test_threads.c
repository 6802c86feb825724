/*
 * 8 threads share one signer and one verifier; each runs OPS operations
 * (argv[1], default 100000): signing the OnchainPay vector, verifying the
 * PGPrints vector's genuine request, and refusing a tampered one. Every
 * result is compared with the vector files. Handles are documented as
 * safe to use from many threads at once; this holds them to it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "check.h"
#include "paysig.h"

#define THREADS 8
#define S(text) (text), strlen(text)

static paysig_signer *signer;
static paysig_verifier *verifier;
static const char *payload, *nonce, *want_body, *want_signature, *body;
static paysig_header good, tampered;
static long ops;

typedef struct {
    long passed, failed;
} tally;

static void count(tally *t, int ok) {
    if (ok) {
        t->passed++;
    } else {
        t->failed++;
    }
}

static void *work(void *arg) {
    tally *t = arg;
    for (long i = 0; i < ops; i++) {
        if (i % 4 == 1) {
            paysig_bytes *key_id = NULL;
            paysig_result code = paysig_verifier_verify(verifier, S("POST"), S("/orders"), &good, 1,
                                                        S(body), &key_id, NULL);
            count(t, code == PAYSIG_RESULT_OK && key_id != NULL && same(key_id->data, key_id->len, "shop"));
            paysig_bytes_free(key_id);
        } else if (i % 4 == 3) {
            paysig_bytes *key_id = NULL;
            paysig_error *error = NULL;
            paysig_result code = paysig_verifier_verify(verifier, S("POST"), S("/orders"),
                                                        &tampered, 1, S(body), &key_id, &error);
            count(t, code == PAYSIG_RESULT_INVALID_SIGNATURE && key_id == NULL &&
                         paysig_error_code(error) == PAYSIG_RESULT_INVALID_SIGNATURE &&
                         paysig_error_status(error) == 401);
            paysig_error_free(error);
        } else {
            paysig_signed *signed_request = NULL;
            paysig_result code = paysig_onchainpay_sign(signer, S(payload), S(nonce),
                                                        &signed_request, NULL);
            const paysig_parts *parts = paysig_signed_parts(signed_request);
            count(t, code == PAYSIG_RESULT_OK && same(parts->body, parts->body_len, want_body) &&
                         same(parts->signature, parts->signature_len, want_signature));
            paysig_signed_free(signed_request);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    ops = argc > 1 ? atol(argv[1]) : 100000;
    cJSON *onchainpay = vector_file("onchainpay");
    cJSON *pgprints = vector_file("pgprints");
    payload = vector_string(onchainpay, 0, "input", "payload_json", NULL);
    want_body = vector_string(onchainpay, 0, "expect", "body", NULL);
    want_signature = vector_string(onchainpay, 0, "expect", "headers", "x-api-signature");
    /* The vector's nonce is a JSON number; its literal goes in as is. */
    char literal[32];
    const cJSON *input = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(onchainpay, "cases"), 0), "input");
    snprintf(literal, sizeof literal, "%.0f", cJSON_GetObjectItem(input, "nonce")->valuedouble);
    nonce = literal;
    const char *public_key = vector_string(onchainpay, 0, "input", "public_key", NULL);
    const char *private_key = vector_string(onchainpay, 0, "input", "private_key", NULL);
    CHECK(paysig_signer_new(S("onchainpay"), S(public_key), S(private_key), &signer, NULL) == PAYSIG_RESULT_OK);

    body = vector_string(pgprints, 0, "input", "body_json", NULL);
    const char *secret = vector_string(pgprints, 0, "input", "secret_key", NULL);
    const char *signature = vector_string(pgprints, 0, "expect", "headers", "X-PGPrints-Hmac-Sha256");
    good = (paysig_header){S("X-PGPrints-Hmac-Sha256"), S(signature)};
    tampered = (paysig_header){S("X-PGPrints-Hmac-Sha256"), S("dGFtcGVyZWQ=")};
    paysig_verifier_builder *builder = NULL;
    CHECK(paysig_verifier_builder_new(S("pgprints"), &builder, NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_verifier_builder_add_key(builder, S("shop"), S(secret), NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_verifier_build(builder, &verifier, NULL) == PAYSIG_RESULT_OK);
    paysig_verifier_builder_free(builder);

    pthread_t threads[THREADS];
    tally tallies[THREADS];
    memset(tallies, 0, sizeof tallies);
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, work, &tallies[i]) == 0);
    }
    long passed = 0, failed = 0;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        passed += tallies[i].passed;
        failed += tallies[i].failed;
    }
    CHECK(failed == 0);
    CHECK(passed == THREADS * ops);
    paysig_verifier_free(verifier);
    paysig_signer_free(signer);
    cJSON_Delete(onchainpay);
    cJSON_Delete(pgprints);
    printf("c-threads: %d threads x %ld operations: %ld correct, %ld wrong\n", THREADS, ops, passed, failed);
    return check_summary("c-threads");
}
