<?php

declare(strict_types=1);

namespace Paysig;

use FFI;
use FFI\CData;
use Paysig\Exception\PaysigException;

use function array_combine;
use function explode;

/**
 * What every scheme's signer shares: the libpaysig signer handle, which
 * holds the credentials (the secret never stays in a PHP string of
 * paysig's), and the one-call-per-sign path: a paysig_*_sign_into call
 * writes the whole result into this signer's buffer, and one copy brings
 * it into PHP. A signer may be kept and reused for any number of requests.
 */
abstract class Signer
{
    /** The buffer a new signer starts with: typical results take < 1 KiB. */
    private const INITIAL_CAPACITY = 2048;

    /** A buffer grown beyond this is used for that call only. */
    private const KEPT_CAPACITY = 1 << 20;

    /** What a result holds besides copies of the body: headers, signature. */
    private const ROOM_EXTRA = 1024;

    /** PAYSIG_RESULT_INSUFFICIENT_SIZE */
    private const INSUFFICIENT_SIZE = 1001;

    protected readonly FFI $ffi;
    /** paysig_signer* */
    protected readonly CData $handle;
    /** paysig_error* written on failure, and its address. */
    protected readonly CData $error;
    protected readonly CData $errorAddr;
    /** The paysig_buffer each sign call writes into, and its address. */
    protected CData $buffer;
    protected CData $bufferAddr;
    /** The char[] behind $buffer (kept here: $buffer only points to it). */
    private CData $bytes;
    /** The body copies the buffer surely has room for, in bytes (makeRoom). */
    protected int $roomFor = 0;
    /** @var array{CData, CData, CData, int}|null the buffer to go back to after a one-off one */
    private ?array $restore = null;
    /**
     * A signer's header names are the same on every call: the names part
     * of the last result, and its names, split once rather than per call.
     */
    private string $namesLine = '';
    /** @var list<string> */
    private array $names = [];

    /** A callback nonce source, asked in PHP before each sign (see defaultNonce). */
    private ?NonceSource $nonceCallback = null;
    /** The scope the callback is asked for: scheme name and API key. */
    private string $nonceScheme = '';
    private string $nonceKeyId = '';

    /**
     * @param callable(FFI, CData, CData): int $create fills the handle cell
     * @param NonceSource|null $nonceSource null: libpaysig's default, the host source
     */
    protected function __construct(
        callable $create,
        ?NonceSource $nonceSource = null,
        string $scheme = '',
        string $keyId = '',
    ) {
        $this->ffi = Library::ffi();
        $this->error = $this->ffi->new('paysig_error*');
        $this->errorAddr = FFI::addr($this->error);
        $handle = $this->ffi->new('paysig_signer*');
        $code = $create($this->ffi, FFI::addr($handle), $this->errorAddr);
        if ($code !== 0) {
            throw $this->failure($code);
        }
        if ($nonceSource !== null && $nonceSource->isCallback()) {
            $this->nonceCallback = $nonceSource;
            $this->nonceScheme = $scheme;
            $this->nonceKeyId = $keyId;
        } elseif ($nonceSource !== null) {
            // A new signer that takes its nonces from the source; the
            // first one is freed either way.
            $with = $this->ffi->new('paysig_signer*');
            $code = $this->ffi->paysig_signer_with_nonce_source(
                $handle, $nonceSource->handle(), FFI::addr($with), $this->errorAddr,
            );
            $this->ffi->paysig_signer_free($handle);
            if ($code !== 0) {
                throw $this->failure($code);
            }
            $handle = $with;
        }
        $this->handle = $handle;
        $this->useBuffer(self::INITIAL_CAPACITY);
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

    /**
     * The nonce to sign with: $nonce when given; otherwise, with a callback
     * source, the callback's value; otherwise null (libpaysig's source).
     */
    protected function defaultNonce(int|string|null $nonce): int|string|null
    {
        if ($nonce !== null || $this->nonceCallback === null) {
            return $nonce;
        }
        return $this->nonceCallback->next($this->nonceScheme, $this->nonceKeyId);
    }

    protected function failure(int $code): PaysigException
    {
        $exception = Library::exception($code, $this->error);
        $this->errorAddr[0] = null;
        return $exception;
    }

    private function useBuffer(int $capacity): void
    {
        $this->bytes = $this->ffi->new("char[$capacity]");
        $this->buffer = $this->ffi->new('paysig_buffer');
        $this->buffer->data = $this->ffi->cast('char *', FFI::addr($this->bytes));
        $this->buffer->capacity = $capacity;
        $this->bufferAddr = FFI::addr($this->buffer);
        $this->roomFor = $capacity - self::ROOM_EXTRA;
    }

    /**
     * Buffer capacity for this call of at least $needed bytes: a power of
     * two kept for the next calls, or, beyond KEPT_CAPACITY, a buffer of
     * exactly $needed for this call only (result() goes back).
     */
    private function reserve(int $needed): void
    {
        $capacity = self::INITIAL_CAPACITY;
        while ($capacity < $needed) {
            $capacity *= 2;
        }
        if ($capacity > self::KEPT_CAPACITY) {
            $this->restore ??= [$this->bytes, $this->buffer, $this->bufferAddr, $this->roomFor];
            $capacity = $needed;
        }
        $this->useBuffer($capacity);
    }

    /**
     * Before a call whose result holds about $bodyBytes bytes of body
     * copies (each scheme knows how many copies it returns; a sign method
     * calls this only beyond $roomFor, so small bodies pay nothing): room
     * for the result, so a large body is signed once rather than once to
     * learn the size and again. A result that still does not fit (numbers
     * that grow when canonical) is signed again.
     */
    protected function makeRoom(int $bodyBytes): void
    {
        $this->reserve($bodyBytes + self::ROOM_EXTRA);
    }

    /**
     * After a failed sign call: true when the result did not fit and the
     * buffer now has room for it (sign again), false for a real failure.
     * Signing again is exact: the inputs are the same, and a nonce or date
     * the library chose for the first call was never sent.
     */
    protected function grown(int $code): bool
    {
        if ($code !== self::INSUFFICIENT_SIZE || $this->buffer->capacity > $this->buffer->len) {
            return false;
        }
        $this->ffi->paysig_error_free($this->error);
        $this->errorAddr[0] = null;
        $this->reserve($this->buffer->len + 1);
        return true;
    }

    /**
     * The SignedRequest a sign call wrote into the buffer, copied out in
     * one piece. The flat layout (paysig_buffer in paysig.h): signature,
     * string to sign, the header names joined by "\n", their values
     * likewise, NUL between the four; then, when there is a body, a NUL
     * and the body.
     */
    protected function result(int $code): SignedRequest
    {
        $flat = $code === 0 ? FFI::string($this->bytes, $this->buffer->len) : '';
        if ($this->restore !== null) {
            [$this->bytes, $this->buffer, $this->bufferAddr, $this->roomFor] = $this->restore;
            $this->restore = null;
        }
        if ($code !== 0) {
            throw $this->failure($code);
        }
        $parts = explode("\0", $flat, 5);
        if ($parts[2] !== $this->namesLine) {
            $this->namesLine = $parts[2];
            $this->names = explode("\n", $parts[2]);
        }
        return new SignedRequest(
            array_combine($this->names, explode("\n", $parts[3])),
            $parts[4] ?? null,
            $parts[1],
            $parts[0],
        );
    }
}
