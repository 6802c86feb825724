<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * JSON that paysig refuses to sign because JavaScript would read it
 * differently or not at all: $errorCode is one of CODES (invalid_json,
 * number_out_of_range for precision loss, duplicate_key, invalid_string,
 * too_deep).
 */
final class JsonException extends InvalidArgumentException
{
    public const CODES = ['invalid_json', 'number_out_of_range', 'duplicate_key', 'invalid_string', 'too_deep'];

    public function __construct(string $errorCode, string $message, int $code = 0, ?\Throwable $previous = null)
    {
        parent::__construct($message, $code, $previous, $errorCode);
    }
}
