/*
 * A small program against an installed libpaysig:
 *
 *   cc example.c $(pkg-config --cflags --libs paysig)
 *
 * Signs OnchainPay's documented price-rate example and prints the body to
 * send and the headers.
 */
#include <paysig.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const char *public_key = "PUBLIC_KEY", *private_key = "PRIVATE_KEY";
    const char *payload = "{\"from\":\"ETH\",\"to\":\"USDT\"}", *nonce = "1643881172430";
    paysig_signer *signer = NULL;
    paysig_signed *signed_request = NULL;
    paysig_error *error = NULL;

    paysig_result result = paysig_signer_new("onchainpay", strlen("onchainpay"), public_key,
                                             strlen(public_key), private_key, strlen(private_key),
                                             &signer, &error);
    if (result == PAYSIG_RESULT_OK) {
        result = paysig_onchainpay_sign(signer, payload, strlen(payload), nonce, strlen(nonce),
                                        &signed_request, &error);
    }
    if (result != PAYSIG_RESULT_OK) {
        fprintf(stderr, "paysig: %s: %s\n", paysig_result_name((uint32_t)result),
                paysig_error_message(error, NULL));
        paysig_error_free(error);
        paysig_signer_free(signer);
        return 1;
    }
    const paysig_parts *parts = paysig_signed_parts(signed_request);
    printf("libpaysig %s\nbody: %s\n%s", paysig_version(), parts->body, parts->header_block);
    paysig_signed_free(signed_request);
    paysig_signer_free(signer);
    return 0;
}
