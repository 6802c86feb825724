<?php

declare(strict_types=1);

namespace Paysig\Exception;

/**
 * libpaysig could not be used: FFI missing or disabled for this SAPI, the
 * library or its header not found (the message lists every path tried),
 * or an ABI version this package does not speak. The message says what to
 * do about it.
 */
final class LibraryLoadException extends PaysigException
{
    public function __construct(string $message, int $code = 0, ?\Throwable $previous = null)
    {
        parent::__construct('library_load', $message, $code, $previous);
    }
}
