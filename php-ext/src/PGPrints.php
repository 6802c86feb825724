<?php

declare(strict_types=1);

namespace Paysig;

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
        $body = self::jsonText($body);
        return $this->result($this->ffi->paysig_pgprints_sign(
            $this->handle, $body, strlen($body), $this->outAddr, $this->errorAddr,
        ), self::BODY_IS_STRING_TO_SIGN);
    }
}
