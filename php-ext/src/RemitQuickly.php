<?php

declare(strict_types=1);

namespace Paysig;

use function is_int;
use function is_string;
use function strlen;

/**
 * RemitQuickly: hex HMAC-SHA512 of the base64 of
 * {"body":BODY,"timestamp":TIMESTAMP}; headers apikey, payload, signature.
 */
final class RemitQuickly extends Signer
{
    /** $nonceSource: where default timestamps come from (null: the host source, see NonceSource). */
    public function __construct(
        string $apiKey,
        #[\SensitiveParameter] string $secret,
        ?NonceSource $nonceSource = null,
    ) {
        parent::__construct(static fn ($ffi, $out, $error) => $ffi->paysig_signer_new(
            'remitquickly', 12, $apiKey, strlen($apiKey), $secret, strlen($secret), $out, $error,
        ), $nonceSource, 'remitquickly', $apiKey);
    }

    /**
     * $body: the request's fields as JSON text (a string) or a PHP value
     * (Json::stringify); null means no body, signed as {}. $timestamp null
     * means the next value of the signer's nonce source.
     * SignedRequest::$body is the canonical JSON to send (null without a
     * body); $stringToSign is the payload JSON before base64.
     */
    public function sign(mixed $body = null, int|string|null $timestamp = null): SignedRequest
    {
        if ($body !== null && !is_string($body)) {
            $body = Json::encode($body);
        }
        // The body, the payload JSON around it and its base64: ~3.4 copies.
        if ($body !== null && 4 * strlen($body) > $this->roomFor) {
            $this->makeRoom(4 * strlen($body));
        }
        $timestamp = $this->defaultNonce($timestamp);
        if (is_int($timestamp)) {
            $timestamp = (string) $timestamp;
        }
        do {
            $code = $this->ffi->paysig_remitquickly_sign_into(
                $this->handle, $body, $body === null ? 0 : strlen($body),
                $timestamp, $timestamp === null ? 0 : strlen($timestamp),
                $this->bufferAddr, $this->errorAddr,
            );
        } while ($code !== 0 && $this->grown($code));
        return $this->result($code);
    }
}
