<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * Signing found no nonce (code "nonce_source_unavailable"): the nonce
 * source (a host file that cannot be used, Redis down or too slow, a
 * callback that threw or returned no usable value) could not hand out a
 * value, so nothing was signed rather than risk a repeated nonce. The
 * message says what to fix.
 */
class NonceSourceException extends PaysigException
{
    public function __construct(string $message, int $code = 0, ?\Throwable $previous = null)
    {
        parent::__construct('nonce_source_unavailable', $message, $code, $previous);
    }
}
