/*
 * paysig_canonicalize_tokens: the binary token stream (the format is in
 * include/paysig.h). Happy paths are compared with what
 * paysig_canonicalize writes for the equivalent JSON text (which the
 * vectors and the Node differential tests pin); then every way a stream
 * can be malformed, each with its result code, `out` untouched and the
 * error object complete. Run under valgrind: nothing may leak.
 */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "paysig.h"

static const char *const SENTINEL = "untouched";

/* A token stream being built. */
typedef struct {
    uint8_t data[4096];
    size_t len;
} tokens;

static void tok(tokens *t, const char *tags) {
    size_t n = strlen(tags);
    if (t->len + n > sizeof t->data) abort();
    memcpy(t->data + t->len, tags, n);
    t->len += n;
}

static void tok_le(tokens *t, uint64_t value, int bytes) {
    if (t->len + (size_t)bytes > sizeof t->data) abort();
    for (int i = 0; i < bytes; i++) t->data[t->len++] = (uint8_t)(value >> (8 * i));
}

static void tok_int(tokens *t, int64_t value) {
    tok(t, "i");
    tok_le(t, (uint64_t)value, 8);
}

static void tok_double(tokens *t, double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    tok(t, "d");
    tok_le(t, bits, 8);
}

/* `s` or `k`, a length and the bytes (which may be invalid UTF-8). */
static void tok_text(tokens *t, const char *tag, const char *bytes, size_t len) {
    tok(t, tag);
    tok_le(t, len, 4);
    if (t->len + len > sizeof t->data) abort();
    memcpy(t->data + t->len, bytes, len);
    t->len += len;
}

#define STR(t, s) tok_text((t), "s", (s), strlen(s))
#define KEY(t, s) tok_text((t), "k", (s), strlen(s))

/* The stream canonicalizes to exactly what paysig_canonicalize writes
 * for `json`. */
static void same_as_text(const tokens *t, const char *json) {
    paysig_bytes *from_tokens = NULL, *from_text = NULL;
    paysig_error *error = NULL;
    paysig_result got = paysig_canonicalize_tokens(t->data, t->len, &from_tokens, &error);
    CHECK(got == PAYSIG_RESULT_OK);
    if (got != PAYSIG_RESULT_OK) {
        fprintf(stderr, "  stream for %s: %s\n", json, paysig_error_message(error, NULL));
        paysig_error_free(error);
        return;
    }
    CHECK(error == NULL);
    CHECK(paysig_canonicalize(json, strlen(json), &from_text, NULL) == PAYSIG_RESULT_OK);
    CHECK(from_text != NULL && same(from_tokens->data, from_tokens->len, from_text->data));
    paysig_bytes_free(from_tokens);
    paysig_bytes_free(from_text);
}

/* The tokens of a parsed JSON value: integral numbers as `i`, others as
 * `d`, so both number tokens meet the vectors. */
static void from_json(tokens *t, const cJSON *item) {
    if (cJSON_IsNull(item)) {
        tok(t, "n");
    } else if (cJSON_IsTrue(item)) {
        tok(t, "t");
    } else if (cJSON_IsFalse(item)) {
        tok(t, "f");
    } else if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        if (v == floor(v) && fabs(v) <= 9007199254740992.0) {
            tok_int(t, (int64_t)v);
        } else {
            tok_double(t, v);
        }
    } else if (cJSON_IsString(item)) {
        STR(t, item->valuestring);
    } else if (cJSON_IsArray(item) || cJSON_IsObject(item)) {
        int object = cJSON_IsObject(item);
        tok(t, object ? "{" : "[");
        for (const cJSON *child = item->child; child != NULL; child = child->next) {
            if (object) KEY(t, child->string);
            from_json(t, child);
        }
        tok(t, object ? "}" : "]");
    } else {
        abort();
    }
}

/* Every accepted case of tests/vectors/canonical.json, as tokens, gives
 * the vector's canonical text. */
static void vectors(void) {
    cJSON *file = vector_file("canonical");
    int count = cJSON_GetArraySize(cJSON_GetObjectItem(file, "cases"));
    int compared = 0;
    for (int i = 0; i < count; i++) {
        const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(file, "cases"), i);
        if (cJSON_GetObjectItem(cJSON_GetObjectItem(c, "expect"), "canonical") == NULL) continue;
        const char *json = vector_string(file, i, "input", "json", NULL);
        /* cJSON's strings end at a NUL: it cannot carry U+0000. */
        if (strstr(json, "\\u0000") != NULL) continue;
        cJSON *parsed = cJSON_Parse(json);
        CHECK(parsed != NULL);
        if (parsed == NULL) continue;
        tokens t = {.len = 0};
        from_json(&t, parsed);
        cJSON_Delete(parsed);
        paysig_bytes *out = NULL;
        CHECK(paysig_canonicalize_tokens(t.data, t.len, &out, NULL) == PAYSIG_RESULT_OK);
        const char *want = vector_string(file, i, "expect", "canonical", NULL);
        CHECK(out != NULL && same(out->data, out->len, want));
        if (out != NULL && !same(out->data, out->len, want)) {
            fprintf(stderr, "  vector %d: got %s, want %s\n", i, out->data, want);
        }
        paysig_bytes_free(out);
        compared++;
    }
    CHECK(compared > 0);
    cJSON_Delete(file);
}

static void happy_paths(void) {
    tokens t = {.len = 0};
    /* Key order, nesting, every scalar, escapes and non-ASCII. */
    tok(&t, "{");
    KEY(&t, "b");
    tok_double(&t, 1.5);
    KEY(&t, "10");
    tok(&t, "[ntf");
    tok_int(&t, -12);
    tok_int(&t, 0);
    tok_int(&t, 9007199254740992);
    tok_int(&t, -9007199254740992);
    tok(&t, "]");
    KEY(&t, "a");
    tok(&t, "{");
    KEY(&t, "x");
    tok(&t, "[]");
    KEY(&t, "y");
    tok(&t, "{}");
    tok(&t, "}");
    KEY(&t, "2");
    tok(&t, "[");
    tok_double(&t, 1e21);
    tok_double(&t, 1e-7);
    tok_double(&t, -0.0);
    tok_double(&t, 0.1);
    tok_double(&t, 123456789.125);
    tok_double(&t, -5e-324);
    tok(&t, "]");
    KEY(&t, "");
    STR(&t, "caf\xc3\xa9 \n\"q\"/\\ \x01\x1f\x7f \xe2\x80\xa8 \xf0\x9f\x98\x80");
    KEY(&t, "4294967295");
    tok(&t, "n");
    KEY(&t, "0");
    STR(&t, "");
    tok(&t, "}");
    same_as_text(&t,
                 "{\"b\":1.5,\"10\":[null,true,false,-12,0,9007199254740992,-9007199254740992],"
                 "\"a\":{\"x\":[],\"y\":{}},\"2\":[1e21,1e-7,-0,0.1,123456789.125,-5e-324],"
                 "\"\":\"caf\xc3\xa9 \\n\\\"q\\\"\\/\\\\ \\u0001\\u001F\x7f \\u2028 \\ud83d\\ude00\","
                 "\"4294967295\":null,\"0\":\"\"}");

    /* Top-level scalars. */
    struct { const char *tags; const char *json; } scalars[] = {
        {"n", "null"}, {"t", "true"}, {"f", "false"}, {"[]", "[]"}, {"{}", "{}"},
    };
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
        t.len = 0;
        tok(&t, scalars[i].tags);
        same_as_text(&t, scalars[i].json);
    }
    t.len = 0;
    tok_int(&t, 42);
    same_as_text(&t, "42");
    t.len = 0;
    tok_double(&t, 0.5);
    same_as_text(&t, "0.5");
    t.len = 0;
    STR(&t, "x");
    same_as_text(&t, "\"x\"");

    /* The depth limit is inclusive: 128 nested arrays are fine. */
    char deep[2 * 128 + 1];
    t.len = 0;
    for (int i = 0; i < 128; i++) {
        tok(&t, "[");
        deep[i] = '[';
        deep[128 + i] = ']';
    }
    deep[256] = '\0';
    for (int i = 0; i < 128; i++) tok(&t, "]");
    same_as_text(&t, deep);

    /* A large object (the hash-table duplicate check) in insertion order. */
    t.len = 0;
    char json[2048] = "{";
    tok(&t, "{");
    for (int i = 0; i < 60; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        KEY(&t, key);
        tok_int(&t, i);
        snprintf(json + strlen(json), sizeof json - strlen(json), "%s\"%s\":%d", i ? "," : "",
                 key, i);
    }
    tok(&t, "}");
    strcat(json, "}");
    same_as_text(&t, json);
}

/* `call` fails with `want`, leaves `out` untouched, and its error carries
 * the code and a message (which names `at`, when given). */
static void fails(const tokens *t, paysig_result want, const char *at, int line) {
    paysig_bytes *out = (paysig_bytes *)SENTINEL;
    paysig_error *error = NULL;
    paysig_result got = paysig_canonicalize_tokens(t->data, t->len, &out, &error);
    if (got != want) fprintf(stderr, "test_tokens.c:%d: got result %d\n", line, (int)got);
    CHECK(got == want);
    CHECK(out == (paysig_bytes *)SENTINEL);
    CHECK(error != NULL);
    if (error == NULL) return;
    CHECK(paysig_error_code(error) == want);
    size_t len = 0;
    const char *message = paysig_error_message(error, &len);
    CHECK(message != NULL && len > 0 && strlen(message) == len);
    if (at != NULL && message != NULL && strstr(message, at) == NULL) {
        fprintf(stderr, "test_tokens.c:%d: message \"%s\" does not name \"%s\"\n", line, message, at);
        CHECK(0);
    }
    paysig_error_free(error);
    /* Without an error out-parameter: the same code. */
    CHECK(paysig_canonicalize_tokens(t->data, t->len, &out, NULL) == want);
}

#define FAILS(t, want, at) fails((t), (want), (at), __LINE__)

static void malformed_streams(void) {
    tokens t = {.len = 0};
    const paysig_result JSON = PAYSIG_RESULT_INVALID_JSON;

    /* Nothing, or a tag that is no token. */
    FAILS(&t, JSON, "byte 0");
    tok(&t, "x");
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "[nx]");
    FAILS(&t, JSON, "byte 2");

    /* Truncated fixed-size payloads and lengths. */
    t.len = 0;
    tok(&t, "i");
    tok_le(&t, 7, 3);
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "[d");
    FAILS(&t, JSON, "byte 1");
    t.len = 0;
    tok(&t, "s");
    tok_le(&t, 1, 2);
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "s");
    tok_le(&t, 5, 4);
    tok(&t, "ab");
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "s");
    tok_le(&t, 0xffffffffu, 4); /* a length far beyond the input */
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "{k");
    tok_le(&t, 3, 4);
    tok(&t, "a");
    FAILS(&t, JSON, "byte 1");

    /* Structure: unbalanced, mismatched, keys and values out of place. */
    const char *shapes[][2] = {
        {"[", "byte 1"},   /* unclosed */
        {"]", "byte 0"},   /* end without a start */
        {"}", "byte 0"},
        {"[}", "byte 1"},  /* mismatched */
        {"{]", "byte 1"},
        {"{n}", "byte 1"}, /* a value where a key is expected */
        {"nn", "byte 1"},  /* two values */
        {"[n]n", "byte 3"},
        {"[]]", "byte 2"},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        t.len = 0;
        tok(&t, shapes[i][0]);
        FAILS(&t, JSON, shapes[i][1]);
    }
    t.len = 0;
    KEY(&t, "a"); /* a key outside an object */
    FAILS(&t, JSON, "byte 0");
    t.len = 0;
    tok(&t, "[");
    KEY(&t, "a"); /* a key in an array */
    tok(&t, "n]");
    FAILS(&t, JSON, "byte 1");
    t.len = 0;
    tok(&t, "{");
    KEY(&t, "a");
    tok(&t, "}"); /* a key without its value */
    FAILS(&t, JSON, "byte 7");
    t.len = 0;
    tok(&t, "{");
    KEY(&t, "a");
    KEY(&t, "b"); /* a key where the value is expected */
    tok(&t, "n}");
    FAILS(&t, JSON, "byte 7");
    t.len = 0;
    tok(&t, "{");
    KEY(&t, "a");
    tok(&t, "n"); /* unclosed object */
    FAILS(&t, JSON, NULL);

    /* Invalid UTF-8 in a string or a key (a lone surrogate's encoding
     * included). */
    t.len = 0;
    STR(&t, "\xff");
    FAILS(&t, PAYSIG_RESULT_INVALID_STRING, "byte 0");
    t.len = 0;
    STR(&t, "\xed\xa0\x80");
    FAILS(&t, PAYSIG_RESULT_INVALID_STRING, NULL);
    t.len = 0;
    tok(&t, "{");
    KEY(&t, "caf\xc3");
    tok(&t, "n}");
    FAILS(&t, PAYSIG_RESULT_INVALID_STRING, "byte 1");

    /* Numbers JavaScript cannot hold. */
    const int64_t too_big[] = {9007199254740993, -9007199254740993, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
        t.len = 0;
        tok(&t, "[");
        tok_int(&t, too_big[i]);
        tok(&t, "]");
        FAILS(&t, PAYSIG_RESULT_NUMBER_OUT_OF_RANGE, "byte 1");
    }
    const double non_finite[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof non_finite / sizeof non_finite[0]; i++) {
        t.len = 0;
        tok_double(&t, non_finite[i]);
        FAILS(&t, PAYSIG_RESULT_NUMBER_OUT_OF_RANGE, "byte 0");
    }

    /* Duplicate keys, in a small and in a large object. */
    t.len = 0;
    tok(&t, "{");
    KEY(&t, "a");
    tok(&t, "n");
    KEY(&t, "a");
    tok(&t, "t}");
    FAILS(&t, PAYSIG_RESULT_DUPLICATE_KEY, "byte 8");
    t.len = 0;
    tok(&t, "{");
    for (int i = 0; i < 40; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        KEY(&t, key);
        tok(&t, "n");
    }
    KEY(&t, "k17");
    tok(&t, "n}");
    FAILS(&t, PAYSIG_RESULT_DUPLICATE_KEY, NULL);

    /* Nesting beyond the default limit. */
    t.len = 0;
    for (int i = 0; i < 129; i++) tok(&t, "[");
    for (int i = 0; i < 129; i++) tok(&t, "]");
    FAILS(&t, PAYSIG_RESULT_TOO_DEEP, "byte 128");

    /* The arguments themselves. */
    paysig_bytes *out = (paysig_bytes *)SENTINEL;
    CHECK(paysig_canonicalize_tokens(NULL, 0, &out, NULL) == PAYSIG_RESULT_INVALID_JSON);
    CHECK(paysig_canonicalize_tokens(NULL, 3, &out, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_canonicalize_tokens((const uint8_t *)"n", 1, NULL, NULL) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(out == (paysig_bytes *)SENTINEL);
    paysig_error *error = NULL;
    CHECK(paysig_canonicalize_tokens((const uint8_t *)"n", 1, NULL, &error) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(error != NULL && paysig_error_code(error) == PAYSIG_RESULT_INVALID_ARGUMENT);
    paysig_error_free(error);
}

int main(void) {
    vectors();
    happy_paths();
    malformed_streams();
    return check_summary("test_tokens");
}
