/*
 * The C conformance runner: `conformance FILE` runs every case of one
 * vector file (tests/vectors/FORMAT.md) through libpaysig's public C API
 * and prints the runner output on stdout. It reports, it does not judge:
 * tests/conformance/check.py compares with the expectations.
 *
 * JSON is read and written with cJSON (Debian's libcjson-dev). Exit 0
 * when the report was printed, 2 when the file cannot be read.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paysig.h"

/* A string input: pointer and length, or NULL when the field is absent
 * or JSON null (an optional argument left out). */
typedef struct {
    const char *ptr;
    size_t len;
} str;

static str field(const cJSON *input, const char *name) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(input, name);
    str s = {NULL, 0};
    if (cJSON_IsString(item) && item->valuestring != NULL) {
        s.ptr = item->valuestring;
        s.len = strlen(item->valuestring);
    }
    return s;
}

/* Adds {"code", "message"[, "status"]} from a failed call to `result`. */
static void add_error(cJSON *result, paysig_result code, paysig_error *error) {
    cJSON *object = cJSON_AddObjectToObject(result, "error");
    cJSON_AddStringToObject(object, "code", paysig_result_name((uint32_t)code));
    if (error != NULL) {
        cJSON_AddStringToObject(object, "message", paysig_error_message(error, NULL));
        uint16_t status = paysig_error_status(error);
        if (status != 0) {
            cJSON_AddNumberToObject(object, "status", status);
        }
    }
    paysig_error_free(error);
}

/* A string of `len` bytes; cJSON strings end at the first NUL, and no
 * expected output here holds one. */
static void add_string(cJSON *object, const char *name, const char *ptr, size_t len) {
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        abort();
    }
    memcpy(copy, ptr, len);
    copy[len] = '\0';
    cJSON_AddStringToObject(object, name, copy);
    free(copy);
}

/* The output of a signed request: the fields FORMAT.md lists per scheme. */
static void add_signed(cJSON *result, const char *scheme, paysig_signed *signed_request) {
    const paysig_parts *parts = paysig_signed_parts(signed_request);
    cJSON *output = cJSON_AddObjectToObject(result, "output");
    cJSON *headers = cJSON_AddObjectToObject(output, "headers");
    for (size_t i = 0; i < parts->header_count; i++) {
        const paysig_header *h = &parts->headers[i];
        add_string(headers, h->name, h->value, h->value_len);
    }
    if (strcmp(scheme, "remitquickly") == 0) {
        add_string(output, "payload_json", parts->string_to_sign, parts->string_to_sign_len);
    } else {
        add_string(output, "string_to_sign", parts->string_to_sign, parts->string_to_sign_len);
    }
    add_string(output, "signature", parts->signature, parts->signature_len);
    if (parts->body != NULL) {
        add_string(output, "body", parts->body, parts->body_len);
    }
    paysig_signed_free(signed_request);
}

static paysig_signer *new_signer(const char *scheme, str key_id, str secret, cJSON *result) {
    paysig_signer *signer = NULL;
    paysig_error *error = NULL;
    paysig_result code = paysig_signer_new(scheme, strlen(scheme), key_id.ptr, key_id.len,
                                           secret.ptr, secret.len, &signer, &error);
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        return NULL;
    }
    return signer;
}

/* Signs with `signer` through the scheme's function. */
static void sign_case(const char *scheme, const cJSON *input, cJSON *result) {
    paysig_signer *signer = NULL;
    paysig_signed *signed_request = NULL;
    paysig_error *error = NULL;
    paysig_result code = PAYSIG_RESULT_OK;
    if (strcmp(scheme, "cryptopay") == 0) {
        signer = new_signer(scheme, field(input, "api_key"), field(input, "api_secret"), result);
        if (signer == NULL) return;
        str method = field(input, "method"), path = field(input, "path"), body = field(input, "body");
        str content_type = field(input, "content_type"), date = field(input, "date");
        code = paysig_cryptopay_sign(signer, method.ptr, method.len, path.ptr, path.len, body.ptr,
                                     body.len, content_type.ptr, content_type.len, date.ptr,
                                     date.len, &signed_request, &error);
    } else if (strcmp(scheme, "aquapay") == 0) {
        signer = new_signer(scheme, field(input, "api_key"), field(input, "api_secret"), result);
        if (signer == NULL) return;
        str method = field(input, "method"), path = field(input, "path"), nonce = field(input, "nonce");
        code = paysig_aquapay_sign(signer, method.ptr, method.len, path.ptr, path.len, nonce.ptr,
                                   nonce.len, &signed_request, &error);
    } else if (strcmp(scheme, "remitquickly") == 0) {
        signer = new_signer(scheme, field(input, "api_key"), field(input, "secret"), result);
        if (signer == NULL) return;
        str body = field(input, "body_json"), timestamp = field(input, "timestamp");
        code = paysig_remitquickly_sign(signer, body.ptr, body.len, timestamp.ptr, timestamp.len,
                                        &signed_request, &error);
    } else if (strcmp(scheme, "pgprints") == 0) {
        str none = {NULL, 0};
        signer = new_signer(scheme, none, field(input, "secret_key"), result);
        if (signer == NULL) return;
        str body = field(input, "body_json");
        code = paysig_pgprints_sign(signer, body.ptr, body.len, &signed_request, &error);
    } else { /* onchainpay */
        signer = new_signer(scheme, field(input, "public_key"), field(input, "private_key"), result);
        if (signer == NULL) return;
        str payload = field(input, "payload_json");
        /* The nonce goes in as a JSON literal: a number or a string. */
        const cJSON *nonce = cJSON_GetObjectItemCaseSensitive(input, "nonce");
        char literal[64];
        char *printed = NULL;
        const char *nonce_ptr = NULL;
        if (cJSON_IsNumber(nonce) && nonce->valuedouble == floor(nonce->valuedouble) &&
            fabs(nonce->valuedouble) < 9007199254740992.0) {
            snprintf(literal, sizeof literal, "%.0f", nonce->valuedouble);
            nonce_ptr = literal;
        } else if (nonce != NULL && !cJSON_IsNull(nonce)) {
            printed = cJSON_PrintUnformatted(nonce);
            nonce_ptr = printed;
        }
        code = paysig_onchainpay_sign(signer, payload.ptr, payload.len, nonce_ptr,
                                      nonce_ptr ? strlen(nonce_ptr) : 0, &signed_request, &error);
        cJSON_free(printed);
    }
    paysig_signer_free(signer);
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        return;
    }
    add_signed(result, scheme, signed_request);
}

static void canonical_case(const cJSON *input, cJSON *result) {
    str json = field(input, "json");
    paysig_bytes *canonical = NULL;
    paysig_error *error = NULL;
    paysig_result code = paysig_canonicalize(json.ptr, json.len, &canonical, &error);
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        return;
    }
    cJSON *output = cJSON_AddObjectToObject(result, "output");
    add_string(output, "canonical", canonical->data, canonical->len);
    paysig_bytes_free(canonical);
}

static void callback_case(const cJSON *input, cJSON *result) {
    str secret = field(input, "callback_secret"), body = field(input, "body");
    paysig_bytes *signature = NULL;
    paysig_error *error = NULL;
    paysig_result code = paysig_cryptopay_callback_sign(secret.ptr, secret.len, body.ptr, body.len,
                                                        &signature, &error);
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        return;
    }
    /* The verifying side must accept what the signing side produced. */
    code = paysig_cryptopay_callback_verify(secret.ptr, secret.len, body.ptr, body.len,
                                            signature->data, signature->len, &error);
    if (code != PAYSIG_RESULT_OK) {
        paysig_bytes_free(signature);
        add_error(result, code, error);
        return;
    }
    cJSON *output = cJSON_AddObjectToObject(result, "output");
    add_string(output, "signature", signature->data, signature->len);
    paysig_bytes_free(signature);
}

/* Lowercase or uppercase hex to bytes; returns 0 when it is not hex. */
static int unhex(str hex, unsigned char *out, size_t *out_len) {
    if (hex.ptr == NULL || hex.len % 2 != 0) return 0;
    for (size_t i = 0; i < hex.len / 2; i++) {
        unsigned int byte;
        if (sscanf(hex.ptr + 2 * i, "%2x", &byte) != 1) return 0;
        out[i] = (unsigned char)byte;
    }
    *out_len = hex.len / 2;
    return 1;
}

static void hmac_case(const cJSON *input, cJSON *result) {
    str algorithm = field(input, "algorithm"), key_hex = field(input, "key_hex"),
        data_hex = field(input, "data_hex");
    size_t key_len = 0, data_len = 0;
    unsigned char *key = malloc(key_hex.len / 2 + 1), *data = malloc(data_hex.len / 2 + 1);
    if (key == NULL || data == NULL) abort();
    const char *encodings[2] = {"hex", "base64"};
    paysig_bytes *signatures[2] = {NULL, NULL};
    paysig_error *error = NULL;
    paysig_result code = PAYSIG_RESULT_OK;
    if (!unhex(key_hex, key, &key_len) || !unhex(data_hex, data, &data_len)) {
        cJSON *object = cJSON_AddObjectToObject(result, "error");
        cJSON_AddStringToObject(object, "code", "invalid_argument");
        cJSON_AddStringToObject(object, "message", "the vector's hex does not decode");
        goto done;
    }
    for (int i = 0; i < 2 && code == PAYSIG_RESULT_OK; i++) {
        code = paysig_hmac_sign(algorithm.ptr, algorithm.len, encodings[i], strlen(encodings[i]),
                                (const char *)key, key_len, (const char *)data, data_len,
                                &signatures[i], &error);
        if (code == PAYSIG_RESULT_OK) {
            /* Verification must accept what signing produced. */
            code = paysig_hmac_verify(algorithm.ptr, algorithm.len, encodings[i],
                                      strlen(encodings[i]), (const char *)key, key_len,
                                      (const char *)data, data_len, signatures[i]->data,
                                      signatures[i]->len, &error);
        }
    }
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        goto done;
    }
    cJSON *output = cJSON_AddObjectToObject(result, "output");
    add_string(output, "hex", signatures[0]->data, signatures[0]->len);
    add_string(output, "base64", signatures[1]->data, signatures[1]->len);
done:
    paysig_bytes_free(signatures[0]);
    paysig_bytes_free(signatures[1]);
    free(key);
    free(data);
}

/* Builds the case's verifier; NULL (with the error in `result`) on failure. */
static paysig_verifier *new_verifier(const cJSON *input, cJSON *result) {
    str scheme = field(input, "scheme");
    paysig_verifier_builder *builder = NULL;
    paysig_verifier *verifier = NULL;
    paysig_error *error = NULL;
    paysig_result code = paysig_verifier_builder_new(scheme.ptr, scheme.len, &builder, &error);
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(input, "keys");
    const cJSON *id;
    cJSON_ArrayForEach(id, keys) {
        const cJSON *secret;
        cJSON_ArrayForEach(secret, id) {
            if (code != PAYSIG_RESULT_OK) break;
            const char *s = cJSON_IsString(secret) ? secret->valuestring : NULL;
            code = paysig_verifier_builder_add_key(builder, id->string, strlen(id->string), s,
                                                   s ? strlen(s) : 0, &error);
        }
    }
    const cJSON *now = cJSON_GetObjectItemCaseSensitive(input, "now_ms");
    if (code == PAYSIG_RESULT_OK && cJSON_IsNumber(now)) {
        code = paysig_verifier_builder_set_now_ms(builder, (int64_t)now->valuedouble, &error);
    }
    const cJSON *tolerance = cJSON_GetObjectItemCaseSensitive(input, "tolerance_ms");
    if (code == PAYSIG_RESULT_OK && cJSON_IsNumber(tolerance)) {
        code = paysig_verifier_builder_set_tolerance_ms(builder, (int64_t)tolerance->valuedouble,
                                                        &error);
    }
    str policy = field(input, "nonce_policy");
    if (code == PAYSIG_RESULT_OK && policy.ptr != NULL) {
        code = paysig_verifier_builder_set_nonce_policy(builder, policy.ptr, policy.len, &error);
    }
    if (code == PAYSIG_RESULT_OK) {
        code = paysig_verifier_build(builder, &verifier, &error);
    }
    paysig_verifier_builder_free(builder);
    if (code != PAYSIG_RESULT_OK) {
        add_error(result, code, error);
        return NULL;
    }
    return verifier;
}

static void verify_case(const cJSON *input, cJSON *result) {
    paysig_verifier *verifier = new_verifier(input, result);
    if (verifier == NULL) return;
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(input, "requests");
    const cJSON *request;
    paysig_bytes *key_id = NULL;
    cJSON_ArrayForEach(request, requests) {
        paysig_bytes_free(key_id);
        key_id = NULL;
        str method = field(request, "method"), path = field(request, "path"),
            body = field(request, "body");
        const cJSON *headers = cJSON_GetObjectItemCaseSensitive(request, "headers");
        int count = cJSON_GetArraySize(headers);
        paysig_header *pairs = calloc((size_t)count + 1, sizeof *pairs);
        if (pairs == NULL) abort();
        for (int i = 0; i < count; i++) {
            const cJSON *pair = cJSON_GetArrayItem(headers, i);
            str name = {cJSON_GetStringValue(cJSON_GetArrayItem(pair, 0)), 0};
            str value = {cJSON_GetStringValue(cJSON_GetArrayItem(pair, 1)), 0};
            pairs[i].name = name.ptr;
            pairs[i].name_len = name.ptr ? strlen(name.ptr) : 0;
            pairs[i].value = value.ptr;
            pairs[i].value_len = value.ptr ? strlen(value.ptr) : 0;
        }
        paysig_error *error = NULL;
        paysig_result code = paysig_verifier_verify(verifier, method.ptr, method.len, path.ptr,
                                                    path.len, pairs, (size_t)count, body.ptr,
                                                    body.len, &key_id, &error);
        free(pairs);
        if (code != PAYSIG_RESULT_OK) {
            add_error(result, code, error);
            paysig_verifier_free(verifier);
            return;
        }
    }
    cJSON *output = cJSON_AddObjectToObject(result, "output");
    if (key_id != NULL) {
        add_string(output, "key_id", key_id->data, key_id->len);
    }
    paysig_bytes_free(key_id);
    paysig_verifier_free(verifier);
}

static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    size_t capacity = 1 << 16, len = 0;
    char *text = malloc(capacity);
    size_t n;
    while (text != NULL && (n = fread(text + len, 1, capacity - len - 1, file)) > 0) {
        len += n;
        if (capacity - len - 1 == 0) {
            char *bigger = realloc(text, capacity * 2);
            if (bigger == NULL) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            capacity *= 2;
        }
    }
    fclose(file);
    if (text != NULL) text[len] = '\0';
    return text;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    char *text = read_file(argv[1]);
    cJSON *vectors = text ? cJSON_Parse(text) : NULL;
    free(text);
    const char *scheme = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(vectors, "scheme"));
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(vectors, "cases");
    if (scheme == NULL || !cJSON_IsArray(cases)) {
        fprintf(stderr, "%s: not a vector file\n", argv[1]);
        cJSON_Delete(vectors);
        return 2;
    }
    cJSON *report = cJSON_CreateObject();
    cJSON_AddStringToObject(report, "scheme", scheme);
    cJSON *results = cJSON_AddArrayToObject(report, "cases");
    const cJSON *vector;
    cJSON_ArrayForEach(vector, cases) {
        cJSON *result = cJSON_CreateObject();
        cJSON_AddItemToObject(result, "name", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(vector, "name"), 1));
        const cJSON *input = cJSON_GetObjectItemCaseSensitive(vector, "input");
        if (strcmp(scheme, "canonical") == 0) {
            canonical_case(input, result);
        } else if (strcmp(scheme, "cryptopay-callback") == 0) {
            callback_case(input, result);
        } else if (strcmp(scheme, "hmac") == 0) {
            hmac_case(input, result);
        } else if (strcmp(scheme, "verify") == 0) {
            verify_case(input, result);
        } else if (strcmp(scheme, "cryptopay") == 0 || strcmp(scheme, "aquapay") == 0 ||
                   strcmp(scheme, "remitquickly") == 0 || strcmp(scheme, "pgprints") == 0 ||
                   strcmp(scheme, "onchainpay") == 0) {
            sign_case(scheme, input, result);
        } else {
            fprintf(stderr, "unknown scheme %s\n", scheme);
            cJSON_Delete(result);
            cJSON_Delete(report);
            cJSON_Delete(vectors);
            return 2;
        }
        cJSON_AddItemToArray(results, result);
    }
    char *printed = cJSON_PrintUnformatted(report);
    puts(printed);
    cJSON_free(printed);
    cJSON_Delete(report);
    cJSON_Delete(vectors);
    return 0;
}
