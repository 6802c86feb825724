<?php

declare(strict_types=1);

namespace Paysig\Internal;

use FFI;
use FFI\CData;
use Paysig\Library;

/**
 * Out-parameter cells reused by every call: allocating two CData cells per
 * call costs more than the call itself. Safe because libpaysig calls never
 * call back into PHP, so no call can start while another one's cells are
 * in use.
 *
 * @internal
 */
final class Cells
{
    private static ?self $current = null;

    /** paysig_bytes* written by the call, and its address. */
    public readonly CData $bytes;
    public readonly CData $bytesAddr;
    /** paysig_error* written on failure, and its address. */
    public readonly CData $error;
    public readonly CData $errorAddr;

    private function __construct(public readonly FFI $ffi)
    {
        $this->bytes = $ffi->new('paysig_bytes*');
        $this->bytesAddr = FFI::addr($this->bytes);
        $this->error = $ffi->new('paysig_error*');
        $this->errorAddr = FFI::addr($this->error);
    }

    public static function get(): self
    {
        $ffi = Library::ffi();
        if (self::$current === null || self::$current->ffi !== $ffi) {
            self::$current = new self($ffi);
        }
        return self::$current;
    }

    /** The exception for a failed call; clears the error cell. */
    public function failure(int $code): \Paysig\Exception\PaysigException
    {
        $exception = Library::exception($code, $this->error);
        $this->errorAddr[0] = null;
        return $exception;
    }

    /**
     * Copies out the paysig_bytes the call wrote, then frees it. PHP FFI
     * reads a const char* as a NUL-terminated string, which is exact here:
     * the library's text results (canonical JSON, signatures, key ids)
     * never hold a NUL byte. The length check makes sure of it.
     */
    public function takeBytes(): string
    {
        $bytes = $this->bytes;
        $text = $bytes->data;
        $length = $bytes->len;
        $this->ffi->paysig_bytes_free($bytes);
        if (strlen($text) !== $length) {
            throw new \Paysig\Exception\PaysigException('panic', 'libpaysig returned text with a NUL byte');
        }
        return $text;
    }
}
