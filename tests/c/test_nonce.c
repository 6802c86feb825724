/*
 * Nonce sources through the C ABI. The main test: several processes
 * (fork) signing Aquapay with one key on one host source, each writing its
 * nonces to a pipe: no value twice across all of them, and each process's
 * values strictly increasing. The same with signers given no source (the
 * default is the host source). Then the failures, each with its own code:
 * a truncated host file, a callback that fails or returns a negative
 * value, Cryptopay given a source.
 *
 * Usage: test_nonce [PROCESSES [SIGNS_PER_PROCESS]] (default 8 x 2000).
 */
#define _POSIX_C_SOURCE 200809L
#include "paysig.h"
#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A key of this test's own: the default source keeps a key's counter for
 * the life of the machine, and 160,000 signs in a second leave it minutes
 * ahead of the clock (see the README on bursts). */
static const char KEY[] = "test-nonce-c-shared-key";
static const char SECRET[] = "shared-secret";

static paysig_signer *aquapay_signer(paysig_nonce_source *source) {
    paysig_signer *signer = NULL;
    if (paysig_signer_new("aquapay", 7, KEY, strlen(KEY), SECRET, strlen(SECRET), &signer,
                          NULL) != PAYSIG_RESULT_OK)
        abort();
    if (source == NULL) return signer;
    paysig_signer *with = NULL;
    if (paysig_signer_with_nonce_source(signer, source, &with, NULL) != PAYSIG_RESULT_OK)
        abort();
    paysig_signer_free(signer);
    return with;
}

/* Signs once and returns the x-nonce header as a number; -1 on failure. */
static int64_t sign_once(const paysig_signer *signer, paysig_result *result) {
    paysig_signed *signed_request = NULL;
    *result = paysig_aquapay_sign(signer, "GET", 3, "/v1/orders", 10, NULL, 0, &signed_request,
                                  NULL);
    if (*result != PAYSIG_RESULT_OK) return -1;
    const char *value = NULL;
    size_t len = 0;
    int64_t nonce = -1;
    if (paysig_signed_header(signed_request, "x-nonce", 7, &value, &len) == PAYSIG_RESULT_OK)
        nonce = strtoll(value, NULL, 10);
    paysig_signed_free(signed_request);
    return nonce;
}

static int compare(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Forks `processes` children that each sign `count` times with a signer
 * made after the fork (source: a host source in `dir`, or the default when
 * `dir` is NULL), and checks what they wrote.
 */
static void fork_and_sign(const char *label, const char *dir, int processes, int count) {
    int fds[64][2];
    pid_t pids[64];
    fflush(stdout); /* or the children would print the parent's buffer again */
    for (int p = 0; p < processes; p++) {
        if (pipe(fds[p]) != 0) abort();
        pids[p] = fork();
        if (pids[p] < 0) abort();
        if (pids[p] == 0) {
            close(fds[p][0]);
            paysig_nonce_source *source = NULL;
            if (dir != NULL &&
                paysig_nonce_source_host_new(dir, strlen(dir), &source, NULL) != PAYSIG_RESULT_OK)
                _exit(3);
            paysig_signer *signer = aquapay_signer(source);
            paysig_nonce_source_free(source);
            int status = 0;
            for (int i = 0; i < count; i++) {
                paysig_result result;
                int64_t nonce = sign_once(signer, &result);
                if (nonce < 0) {
                    status = 4;
                    break;
                }
                if (write(fds[p][1], &nonce, sizeof nonce) != (ssize_t)sizeof nonce) {
                    status = 5;
                    break;
                }
            }
            paysig_signer_free(signer);
            close(fds[p][1]);
            _exit(status);
        }
        close(fds[p][1]);
    }
    size_t total = (size_t)processes * (size_t)count;
    int64_t *all = calloc(total, sizeof *all);
    if (all == NULL) abort();
    size_t got = 0;
    int increasing = 1;
    for (int p = 0; p < processes; p++) {
        int64_t previous = -1, nonce;
        ssize_t n;
        while ((n = read(fds[p][0], &nonce, sizeof nonce)) == (ssize_t)sizeof nonce) {
            if (nonce <= previous) increasing = 0;
            previous = nonce;
            if (got < total) all[got++] = nonce;
        }
        close(fds[p][0]);
        int status = 0;
        waitpid(pids[p], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(got == total);
    CHECK(increasing);
    qsort(all, got, sizeof *all, compare);
    size_t repeats = 0;
    for (size_t i = 1; i < got; i++)
        if (all[i] == all[i - 1]) repeats++;
    CHECK(repeats == 0);
    printf("%s: %d processes x %d signs: %zu nonces, %zu repeated, each process %s\n", label,
           processes, count, got, repeats, increasing ? "strictly increasing" : "NOT increasing");
    free(all);
}

static int fail_callback(void *user_data, const char *scheme, const char *key_id,
                         size_t key_id_len, int64_t *out_nonce) {
    (void)user_data, (void)scheme, (void)key_id, (void)key_id_len, (void)out_nonce;
    return 7;
}

static int counter_callback(void *user_data, const char *scheme, const char *key_id,
                            size_t key_id_len, int64_t *out_nonce) {
    int64_t *counter = user_data;
    if (strcmp(scheme, "aquapay") != 0 || key_id_len != strlen(KEY) ||
        memcmp(key_id, KEY, key_id_len) != 0 || key_id[key_id_len] != '\0')
        return 1;
    *out_nonce = ++*counter; /* one thread in this test */
    return 0;
}

static int negative_callback(void *user_data, const char *scheme, const char *key_id,
                             size_t key_id_len, int64_t *out_nonce) {
    (void)user_data, (void)scheme, (void)key_id, (void)key_id_len;
    *out_nonce = -5;
    return 0;
}

static void callbacks(void) {
    int64_t counter = 41;
    paysig_nonce_source *source = NULL;
    CHECK(paysig_nonce_source_callback_new(counter_callback, &counter, &source, NULL) ==
          PAYSIG_RESULT_OK);
    paysig_signer *signer = aquapay_signer(source);
    paysig_nonce_source_free(source); /* the signer keeps its own reference */
    paysig_result result;
    CHECK(sign_once(signer, &result) == 42);
    CHECK(sign_once(signer, &result) == 43);
    paysig_signer_free(signer);

    CHECK(paysig_nonce_source_callback_new(fail_callback, NULL, &source, NULL) ==
          PAYSIG_RESULT_OK);
    signer = aquapay_signer(source);
    paysig_nonce_source_free(source);
    CHECK(sign_once(signer, &result) == -1);
    CHECK(result == PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE);
    paysig_signer_free(signer);

    CHECK(paysig_nonce_source_callback_new(negative_callback, NULL, &source, NULL) ==
          PAYSIG_RESULT_OK);
    int64_t nonce = 0;
    CHECK(paysig_nonce_source_next(source, "aquapay", 7, KEY, strlen(KEY), &nonce, NULL) ==
          PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE);
    CHECK(nonce == 0); /* nothing written on failure */
    paysig_nonce_source_free(source);

    CHECK(paysig_nonce_source_callback_new(NULL, NULL, &source, NULL) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
}

/* A truncated host file: refused with its own code and a message naming
 * the problem; the file is left as it was. */
static void truncated_file(const char *dir) {
    paysig_nonce_source *source = NULL;
    CHECK(paysig_nonce_source_host_new(dir, strlen(dir), &source, NULL) == PAYSIG_RESULT_OK);
    int64_t nonce = 0;
    CHECK(paysig_nonce_source_next(source, "onchainpay", 10, "pk", 2, &nonce, NULL) ==
          PAYSIG_RESULT_OK);
    paysig_nonce_source_free(source);
    /* The one file in dir: truncate it, then a new source (a new process). */
    char command[4200];
    snprintf(command, sizeof command, "truncate -s 10 '%s'/onchainpay-*.nonce", dir);
    CHECK(system(command) == 0);
    CHECK(paysig_nonce_source_host_new(dir, strlen(dir), &source, NULL) == PAYSIG_RESULT_OK);
    paysig_error *error = NULL;
    CHECK(paysig_nonce_source_next(source, "onchainpay", 10, "pk", 2, &nonce, &error) ==
          PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE);
    size_t len = 0;
    const char *message = paysig_error_message(error, &len);
    CHECK(message != NULL && strstr(message, "is 10 bytes, not 64") != NULL);
    printf("truncated host file: %s\n", message ? message : "(no message)");
    paysig_error_free(error);
    paysig_nonce_source_free(source);
}

/* A signer given a source signs an explicit nonce exactly as the vector
 * says: the source changes where default nonces come from, nothing else. */
static void explicit_nonce_wins(void) {
    cJSON *file = vector_file("aquapay");
    const char *key = vector_string(file, 0, "input", "api_key", NULL);
    const char *secret = vector_string(file, 0, "input", "api_secret", NULL);
    const char *method = vector_string(file, 0, "input", "method", NULL);
    const char *path = vector_string(file, 0, "input", "path", NULL);
    const char *nonce = vector_string(file, 0, "input", "nonce", NULL);
    const char *want = vector_string(file, 0, "expect", "signature", NULL);
    paysig_signer *plain = NULL, *signer = NULL;
    paysig_nonce_source *source = NULL;
    CHECK(paysig_signer_new("aquapay", 7, key, strlen(key), secret, strlen(secret), &plain,
                            NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_nonce_source_process_new(&source, NULL) == PAYSIG_RESULT_OK);
    CHECK(paysig_signer_with_nonce_source(plain, source, &signer, NULL) == PAYSIG_RESULT_OK);
    paysig_signed *signed_request = NULL;
    CHECK(paysig_aquapay_sign(signer, method, strlen(method), path, strlen(path), nonce,
                              strlen(nonce), &signed_request, NULL) == PAYSIG_RESULT_OK);
    const char *value = NULL;
    size_t len = 0;
    CHECK(paysig_signed_header(signed_request, "x-signature", 11, &value, &len) ==
          PAYSIG_RESULT_OK);
    CHECK(same(value, len, want));
    paysig_signed_free(signed_request);
    paysig_signer_free(signer);
    paysig_signer_free(plain);
    paysig_nonce_source_free(source);
    cJSON_Delete(file);
}

static void misuse(void) {
    paysig_signer *cryptopay = NULL;
    CHECK(paysig_signer_new("cryptopay", 9, "k", 1, "s", 1, &cryptopay, NULL) ==
          PAYSIG_RESULT_OK);
    paysig_nonce_source *source = NULL;
    CHECK(paysig_nonce_source_process_new(&source, NULL) == PAYSIG_RESULT_OK);
    paysig_signer *with = NULL;
    CHECK(paysig_signer_with_nonce_source(cryptopay, source, &with, NULL) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(with == NULL);
    CHECK(paysig_signer_with_nonce_source(NULL, source, &with, NULL) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    paysig_signer_free(cryptopay);
    paysig_nonce_source_free(source);
    paysig_nonce_source *redis = NULL;
    CHECK(paysig_nonce_source_redis_new("not a url", 9, 0, 0, &redis, NULL) ==
          PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(paysig_nonce_source_host_new("", 0, &redis, NULL) == PAYSIG_RESULT_INVALID_ARGUMENT);
    CHECK(redis == NULL);
    paysig_nonce_source_free(NULL);
}

int main(int argc, char **argv) {
    int processes = argc > 1 ? atoi(argv[1]) : 8;
    int count = argc > 2 ? atoi(argv[2]) : 2000;
    if (processes < 2 || processes > 64 || count < 1) return 2;
    char dir[] = "/tmp/paysig-test-nonce-XXXXXX";
    if (mkdtemp(dir) == NULL) abort();
    char host_dir[sizeof dir + 8];
    snprintf(host_dir, sizeof host_dir, "%s/host", dir);

    fork_and_sign("host source", host_dir, processes, count);
    fork_and_sign("default source", NULL, processes, count);
    callbacks();
    char fault_dir[sizeof dir + 8];
    snprintf(fault_dir, sizeof fault_dir, "%s/fault", dir);
    truncated_file(fault_dir);
    explicit_nonce_wins();
    misuse();

    char command[200];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0) abort();
    return check_summary("test_nonce");
}
