<?php

declare(strict_types=1);

namespace Paysig;

use Paysig\Internal\Cells;

/**
 * Plain HMAC (RFC 2104) through libpaysig, for schemes paysig does not
 * know yet. Algorithms: sha1, sha256, sha384, sha512; encodings: hex
 * (lowercase) and base64 (standard, padded).
 */
final class Hmac
{
    /** The encoded MAC of $message under $key (any non-empty bytes). */
    public static function sign(string $algorithm, #[\SensitiveParameter] string $key, string $message, string $encoding = 'hex'): string
    {
        $cells = Cells::get();
        $code = $cells->ffi->paysig_hmac_sign(
            $algorithm, strlen($algorithm), $encoding, strlen($encoding),
            $key, strlen($key), $message, strlen($message),
            $cells->bytesAddr, $cells->errorAddr,
        );
        if ($code !== 0) {
            throw $cells->failure($code);
        }
        return $cells->takeBytes();
    }

    /**
     * Whether $signature is the MAC of $message under $key, compared in
     * constant time (hex in either case). False also when it does not
     * decode; InvalidArgumentException for an unknown algorithm or encoding
     * or an empty key.
     */
    public static function verify(string $algorithm, #[\SensitiveParameter] string $key, string $message, string $signature, string $encoding = 'hex'): bool
    {
        $cells = Cells::get();
        $code = $cells->ffi->paysig_hmac_verify(
            $algorithm, strlen($algorithm), $encoding, strlen($encoding),
            $key, strlen($key), $message, strlen($message),
            $signature, strlen($signature), $cells->errorAddr,
        );
        if ($code === 0) {
            return true;
        }
        $exception = $cells->failure($code);
        if ($exception->errorCode === 'invalid_signature') {
            return false;
        }
        throw $exception;
    }
}
