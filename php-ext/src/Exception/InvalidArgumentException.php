<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * An argument that cannot be right (code "invalid_argument"): an empty
 * secret, a method or path with control characters, a PHP value that has
 * no JSON form, a body stream that cannot be read twice. JsonException,
 * its subclass, covers JSON text or values that paysig refuses.
 */
class InvalidArgumentException extends PaysigException
{
    public function __construct(string $message, int $code = 0, ?\Throwable $previous = null, string $errorCode = 'invalid_argument')
    {
        parent::__construct($errorCode, $message, $code, $previous);
    }
}
