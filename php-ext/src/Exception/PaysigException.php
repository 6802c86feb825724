<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * The base of every exception paysig throws. $errorCode is the stable code
 * of tests/vectors/FORMAT.md ("invalid_json", "invalid_signature", ...);
 * getCode() is libpaysig's numeric paysig_result (0 when the failure was
 * found in PHP). Messages never contain a secret.
 */
class PaysigException extends \RuntimeException
{
    public function __construct(
        public readonly string $errorCode,
        string $message,
        int $code = 0,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $code, $previous);
    }
}
