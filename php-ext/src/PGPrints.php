<?php

declare(strict_types=1);

namespace Paysig;

use function is_string;
use function strlen;

/**
 * PGPrints: HMAC-SHA256 of the canonical JSON body, base64 (or hex), in
 * X-PGPrints-Hmac-Sha256. There is no nonce or timestamp: a captured
 * request can be replayed.
 */
final class PGPrints extends Signer
{
    /** $encoding: "base64" (documented) or "hex" (one published sample). */
    public function __construct(#[\SensitiveParameter] string $secretKey, string $encoding = 'base64')
    {
        parent::__construct(static fn ($ffi, $out, $error) => $ffi->paysig_pgprints_signer_new(
            $secretKey, strlen($secretKey), $encoding, strlen($encoding), $out, $error,
        ));
    }

    /**
     * $body: JSON text (a string) or a PHP value (Json::stringify).
     * SignedRequest::$body is the canonical JSON to send.
     */
    public function sign(mixed $body): SignedRequest
    {
        if (!is_string($body)) {
            $body = Json::encode($body);
        }
        if (2 * strlen($body) > $this->roomFor) {
            $this->makeRoom(2 * strlen($body)); // body and string to sign
        }
        do {
            $code = $this->ffi->paysig_pgprints_sign_into(
                $this->handle, $body, strlen($body), $this->bufferAddr, $this->errorAddr,
            );
        } while ($code !== 0 && $this->grown($code));
        return $this->result($code);
    }
}
