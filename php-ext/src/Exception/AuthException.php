<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * A request or callback that failed verification. $errorCode says why
 * ("invalid_signature", "nonce_reused", ...), $status is the HTTP status
 * the provider answers with, getMessage() the provider's message and $body
 * the provider's response body (JSON), ready to send back.
 */
final class AuthException extends PaysigException
{
    public function __construct(
        string $errorCode,
        string $message,
        public readonly int $status = 401,
        public readonly ?string $body = null,
        int $code = 0,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($errorCode, $message, $code, $previous);
    }
}
