<?php

declare(strict_types=1);

namespace Paysig;

use function is_string;
use function strlen;

/**
 * Cryptopay: base64 HMAC-SHA1 of method, body MD5, Content-Type, Date and
 * path (query included); headers Authorization, Content-Type, Date.
 */
final class Cryptopay extends Signer
{
    public function __construct(string $apiKey, #[\SensitiveParameter] string $apiSecret)
    {
        parent::__construct(static fn ($ffi, $out, $error) => $ffi->paysig_signer_new(
            'cryptopay', 9, $apiKey, strlen($apiKey), $apiSecret, strlen($apiSecret), $out, $error,
        ));
    }

    /**
     * $path is everything after the base URL, query string included.
     * $body: a string is the raw body, hashed exactly as it will be sent;
     * another PHP value is sent as its canonical JSON (Json::stringify);
     * null means no body. $date null means now, as an HTTP date; a given
     * date is sent exactly as given. SignedRequest::$body is the body to
     * send.
     */
    public function sign(
        string $method,
        string $path,
        mixed $body = null,
        string $contentType = 'application/json',
        ?string $date = null,
    ): SignedRequest {
        // A PHP value goes as JSON text that libpaysig canonicalizes.
        $json = $body !== null && !is_string($body);
        if ($json) {
            $body = Json::encode($body);
        }
        if ($body !== null && strlen($body) > $this->roomFor) {
            $this->makeRoom(strlen($body)); // the body, once
        }
        do {
            $code = $this->ffi->paysig_cryptopay_sign_into(
                $this->handle, $method, strlen($method), $path, strlen($path),
                $body, $body === null ? 0 : strlen($body), $json,
                $contentType, strlen($contentType),
                $date, $date === null ? 0 : strlen($date),
                $this->bufferAddr, $this->errorAddr,
            );
        } while ($code !== 0 && $this->grown($code));
        return $this->result($code);
    }
}
