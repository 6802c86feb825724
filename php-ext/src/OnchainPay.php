<?php

declare(strict_types=1);

namespace Paysig;

use function is_int;
use function is_string;
use function json_encode;
use function strlen;

/**
 * OnchainPay: the payload gets a nonce member (as JavaScript's
 * payload.nonce = x sets it), and the body is hex HMAC-SHA256 signed;
 * headers x-api-public-key, x-api-signature.
 */
final class OnchainPay extends Signer
{
    /** $nonceSource: where default nonces come from (null: the host source, see NonceSource). */
    public function __construct(
        string $publicKey,
        #[\SensitiveParameter] string $privateKey,
        ?NonceSource $nonceSource = null,
    ) {
        parent::__construct(static fn ($ffi, $out, $error) => $ffi->paysig_signer_new(
            'onchainpay', 10, $publicKey, strlen($publicKey), $privateKey, strlen($privateKey), $out, $error,
        ), $nonceSource, 'onchainpay', $publicKey);
    }

    /**
     * $payload: a JSON object as text (a string) or a PHP value
     * (Json::stringify). $nonce: an int is sent as a JSON number, a string
     * as a JSON string; null means the next value of the signer's
     * nonce source, as a number. SignedRequest::$body is the exact
     * body to send.
     */
    public function sign(mixed $payload, int|string|null $nonce = null): SignedRequest
    {
        if (!is_string($payload)) {
            $payload = Json::encode($payload);
        }
        if (2 * strlen($payload) > $this->roomFor) {
            $this->makeRoom(2 * strlen($payload)); // body and string to sign
        }
        $nonce = $this->defaultNonce($nonce);
        if (is_int($nonce)) {
            $nonce = (string) $nonce;
        } elseif (is_string($nonce)) {
            // A JSON string literal of the nonce; strings carry no
            // precision, so json_encode is exact here.
            try {
                $nonce = json_encode($nonce, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new Exception\JsonException('invalid_string', 'the nonce is not UTF-8 text', 0, $e);
            }
        }
        do {
            $code = $this->ffi->paysig_onchainpay_sign_into(
                $this->handle, $payload, strlen($payload),
                $nonce, $nonce === null ? 0 : strlen($nonce),
                $this->bufferAddr, $this->errorAddr,
            );
        } while ($code !== 0 && $this->grown($code));
        return $this->result($code);
    }
}
