<?php

declare(strict_types=1);

namespace Paysig;

use FFI;
use FFI\CData;
use Paysig\Exception\NonceSourceException;

use function is_int;
use function strlen;

/**
 * Where a signer's default nonces (RemitQuickly: timestamps) come from:
 * milliseconds since the epoch, never repeated and strictly increasing per
 * scheme and API key for everything that shares the source.
 *
 * Signers given none use the host source: shared by every process of the
 * user on the machine (every php-fpm worker of a pool), with nothing to
 * configure. Choose another in code, e.g.
 * `new Aquapay($key, $secret, nonceSource: NonceSource::redis('redis://10.0.0.5:6379/'))`:
 *
 *  - process(): this PHP process only; safe only when no other process
 *    signs with the same key (never the case under php-fpm);
 *  - host(?dir): the host source in another directory (default
 *    /dev/shm/paysig-UID);
 *  - redis(url): every machine using that Redis, one round trip a nonce;
 *  - callback(fn): your own function fn(string $scheme, string $keyId): int.
 *
 * A source that cannot answer makes sign() throw NonceSourceException.
 */
final class NonceSource
{
    private function __construct(
        /** paysig_nonce_source*, or null for a callback */
        private readonly ?CData $handle,
        /** @var (\Closure(string, string): int)|null */
        private readonly ?\Closure $callback,
        private readonly string $kind,
    ) {
    }

    public static function process(): self
    {
        return self::native('process', static fn (FFI $ffi, CData $out, CData $error): int
            => $ffi->paysig_nonce_source_process_new($out, $error));
    }

    /** $dir null: the default directory, the signers' default source. */
    public static function host(?string $dir = null): self
    {
        return self::native('host', static fn (FFI $ffi, CData $out, CData $error): int
            => $ffi->paysig_nonce_source_host_new($dir, $dir === null ? 0 : strlen($dir), $out, $error));
    }

    /** Timeouts in milliseconds: to connect, and for each answer. */
    public static function redis(
        #[\SensitiveParameter] string $url,
        int $connectTimeoutMs = 250,
        int $readTimeoutMs = 250,
    ): self {
        if ($connectTimeoutMs <= 0 || $readTimeoutMs <= 0) {
            throw new Exception\InvalidArgumentException('the Redis timeouts must be positive (milliseconds)');
        }
        return self::native('redis', static fn (FFI $ffi, CData $out, CData $error): int
            => $ffi->paysig_nonce_source_redis_new($url, strlen($url), $connectTimeoutMs, $readTimeoutMs, $out, $error));
    }

    /**
     * Your own source: $next(string $scheme, string $keyId) returns the
     * nonce, an int of milliseconds since the epoch. It is called in PHP
     * before each sign that has no explicit nonce; what it throws comes
     * back as a NonceSourceException (with it as the previous exception).
     *
     * @param callable(string, string): int $next
     */
    public static function callback(callable $next): self
    {
        return new self(null, $next(...), 'callback');
    }

    /** The next value for $scheme ("aquapay"...) and $keyId. */
    public function next(string $scheme, string $keyId): int
    {
        if ($this->callback !== null) {
            try {
                $value = ($this->callback)($scheme, $keyId);
            } catch (\Throwable $e) {
                throw new NonceSourceException(
                    'the nonce callback threw ' . $e::class . ': ' . $e->getMessage(), 0, $e,
                );
            }
            if (!is_int($value) || $value < 0) {
                throw new NonceSourceException(
                    'the nonce callback must return a non-negative int (milliseconds since the epoch)',
                );
            }
            return $value;
        }
        $ffi = Library::ffi();
        $out = $ffi->new('int64_t');
        $error = $ffi->new('paysig_error*');
        $code = $ffi->paysig_nonce_source_next(
            $this->handle, $scheme, strlen($scheme), $keyId, strlen($keyId), FFI::addr($out), FFI::addr($error),
        );
        if ($code !== 0) {
            throw Library::exception($code, $error);
        }
        return (int) $out->cdata;
    }

    /** @internal the native handle for Signer; null for a callback */
    public function handle(): ?CData
    {
        return $this->handle;
    }

    /** @internal */
    public function isCallback(): bool
    {
        return $this->callback !== null;
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            Library::ffi()->paysig_nonce_source_free($this->handle);
        }
    }

    /** A copy would free the native handle twice. */
    public function __clone()
    {
        throw new \LogicException(self::class . ' cannot be cloned; share it instead');
    }

    /** @return array<string, string> */
    public function __debugInfo(): array
    {
        return ['kind' => $this->kind];
    }

    /** @param callable(FFI, CData, CData): int $create */
    private static function native(string $kind, callable $create): self
    {
        $ffi = Library::ffi();
        $handle = $ffi->new('paysig_nonce_source*');
        $error = $ffi->new('paysig_error*');
        $code = $create($ffi, FFI::addr($handle), FFI::addr($error));
        if ($code !== 0) {
            throw Library::exception($code, $error);
        }
        return new self($handle, null, $kind);
    }
}
