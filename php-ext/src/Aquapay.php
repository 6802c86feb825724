<?php

declare(strict_types=1);

namespace Paysig;

use function is_int;
use function strlen;

/**
 * Aquapay (Aquanow): hex HMAC-SHA384 of
 * {"httpMethod":METHOD,"path":PATH,"nonce":NONCE}; headers x-nonce,
 * x-api-key, x-signature. The body is not signed.
 */
final class Aquapay extends Signer
{
    /** $nonceSource: where default nonces come from (null: the host source, see NonceSource). */
    public function __construct(
        string $apiKey,
        #[\SensitiveParameter] string $apiSecret,
        ?NonceSource $nonceSource = null,
    ) {
        parent::__construct(static fn ($ffi, $out, $error) => $ffi->paysig_signer_new(
            'aquapay', 7, $apiKey, strlen($apiKey), $apiSecret, strlen($apiSecret), $out, $error,
        ), $nonceSource, 'aquapay', $apiKey);
    }

    /**
     * $path may carry a query string, which is not signed. $nonce null
     * means the next value of the signer's nonce source.
     */
    public function sign(string $method, string $path, int|string|null $nonce = null): SignedRequest
    {
        $nonce = $this->defaultNonce($nonce);
        if (is_int($nonce)) {
            $nonce = (string) $nonce;
        }
        do {
            $code = $this->ffi->paysig_aquapay_sign_into(
                $this->handle, $method, strlen($method), $path, strlen($path),
                $nonce, $nonce === null ? 0 : strlen($nonce), $this->bufferAddr, $this->errorAddr,
            );
        } while ($code !== 0 && $this->grown($code));
        return $this->result($code);
    }
}
