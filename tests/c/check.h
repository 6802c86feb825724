/*
 * A few lines of test support shared by the C tests: CHECK counts, and
 * vector() reads one case of a shared vector file (expected values come
 * only from tests/vectors, never from paysig itself).
 */
#ifndef PAYSIG_TEST_CHECK_H
#define PAYSIG_TEST_CHECK_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PAYSIG_VECTORS
#error "build with -DPAYSIG_VECTORS=\"/path/to/tests/vectors\""
#endif

static int checks_passed, checks_failed;

#define CHECK(condition)                                                     \
    do {                                                                     \
        if (condition) {                                                     \
            checks_passed++;                                                 \
        } else {                                                             \
            checks_failed++;                                                 \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #condition); \
        }                                                                    \
    } while (0)

/* The summary line the CI reads, and the exit status. */
static int check_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, checks_passed, checks_failed);
    return checks_failed == 0 && checks_passed > 0 ? 0 : 1;
}

/* The parsed vector file tests/vectors/NAME.json; abort when unreadable. */
static cJSON *vector_file(const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", PAYSIG_VECTORS, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        abort();
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, file) != (size_t)size) abort();
    text[size] = '\0';
    fclose(file);
    cJSON *json = cJSON_Parse(text);
    free(text);
    if (json == NULL) abort();
    return json;
}

/* The string at input/expect path `a`.`b`[.`c`] of case `index`. */
static const char *vector_string(const cJSON *file, int index, const char *a, const char *b,
                                 const char *c) {
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(file, "cases"), index);
    item = cJSON_GetObjectItem(item, a);
    item = cJSON_GetObjectItem(item, b);
    if (c != NULL) item = cJSON_GetObjectItem(item, c);
    const char *s = cJSON_GetStringValue(item);
    if (s == NULL) {
        fprintf(stderr, "vector field %s.%s.%s missing\n", a, b, c ? c : "");
        abort();
    }
    return s;
}

/* Whether (ptr, len) holds exactly the C string `want`. */
static int same(const char *ptr, size_t len, const char *want) {
    return ptr != NULL && len == strlen(want) && memcmp(ptr, want, len) == 0 && ptr[len] == '\0';
}

#endif
