<?php

declare(strict_types=1);

namespace Paysig;

use FFI;
use FFI\CData;
use Paysig\Exception\PaysigException;

/**
 * What every scheme's signer shares: the libpaysig signer handle, which
 * holds the credentials (the secret never stays in a PHP string of
 * paysig's), and the one-call-per-sign path that copies the result out.
 * A signer may be kept and reused for any number of requests.
 */
abstract class Signer
{
    protected readonly FFI $ffi;
    /** paysig_signer* */
    protected readonly CData $handle;
    /** paysig_signed* written by each sign call, and its address. */
    protected readonly CData $out;
    protected readonly CData $outAddr;
    /** paysig_error* written on failure, and its address. */
    protected readonly CData $error;
    protected readonly CData $errorAddr;

    /** Where SignedRequest::$body comes from, per scheme. */
    protected const BODY_NONE = 0;
    protected const BODY_IS_STRING_TO_SIGN = 1;
    protected const BODY_FROM_LIBRARY = 2;

    /** @param callable(FFI, CData, CData): int $create fills the handle cell */
    protected function __construct(callable $create)
    {
        $this->ffi = Library::ffi();
        $this->error = $this->ffi->new('paysig_error*');
        $this->errorAddr = FFI::addr($this->error);
        $handle = $this->ffi->new('paysig_signer*');
        $code = $create($this->ffi, FFI::addr($handle), $this->errorAddr);
        if ($code !== 0) {
            throw $this->failure($code);
        }
        $this->handle = $handle;
        $this->out = $this->ffi->new('paysig_signed*');
        $this->outAddr = FFI::addr($this->out);
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->paysig_signer_free($this->handle);
        }
    }

    /** Signers hold a native handle: a copy would free it twice. */
    public function __clone()
    {
        throw new \LogicException(static::class . ' cannot be cloned; share the signer instead');
    }

    /** @return array<string, string> nothing secret to show */
    public function __debugInfo(): array
    {
        return ['scheme' => (string) $this->ffi->paysig_signer_scheme($this->handle)];
    }

    protected function failure(int $code): PaysigException
    {
        $exception = Library::exception($code, $this->error);
        $this->errorAddr[0] = null;
        return $exception;
    }

    /**
     * Reads the paysig_signed a successful call wrote, in one
     * paysig_signed_parts call, then frees it. The header block
     * ("name: value\n" per header) is one copy instead of one per header.
     */
    protected function result(int $code, int $bodyFrom, ?string $body = null): SignedRequest
    {
        if ($code !== 0) {
            throw $this->failure($code);
        }
        $ffi = $this->ffi;
        $signed = $this->out;
        $parts = $ffi->paysig_signed_parts($signed);
        $block = $parts->header_block;
        $stringToSign = $parts->string_to_sign;
        $signature = $parts->signature;
        if ($bodyFrom === self::BODY_FROM_LIBRARY) {
            $body = $parts->body;
        }
        $ffi->paysig_signed_free($signed);
        if ($bodyFrom === self::BODY_IS_STRING_TO_SIGN) {
            $body = $stringToSign;
        }
        $headers = [];
        $start = 0;
        $end = strlen($block);
        while ($start < $end) {
            $colon = strpos($block, ': ', $start);
            $newline = strpos($block, "\n", $colon);
            $headers[substr($block, $start, $colon - $start)] = substr($block, $colon + 2, $newline - $colon - 2);
            $start = $newline + 1;
        }
        return new SignedRequest($headers, $body, $stringToSign, $signature);
    }

    /**
     * A body argument as JSON text: a string is taken as JSON text as it
     * is; any other value goes through Json::stringify.
     */
    protected static function jsonText(mixed $body): string
    {
        return is_string($body) ? $body : Json::stringify($body);
    }
}
