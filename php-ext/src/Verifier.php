<?php

declare(strict_types=1);

namespace Paysig;

use FFI;
use FFI\CData;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\PaysigException;
use Psr\Http\Message\RequestInterface;

/**
 * Verifies received requests as the provider does, for one scheme
 * ("cryptopay", "cryptopay-callback", "aquapay", "remitquickly",
 * "pgprints", "onchainpay"), with its own in-memory replay guard. A
 * refusal is an AuthException carrying the provider's status, message and
 * response body.
 *
 * The replay guard lives in this object: keep one Verifier for the life of
 * the process (under php-fpm each worker has its own, so use a shared
 * store in front of it when several workers verify one key).
 */
final class Verifier
{
    private readonly FFI $ffi;
    /** paysig_verifier* */
    private readonly CData $handle;
    private readonly CData $error;
    private readonly CData $errorAddr;
    private readonly CData $keyId;
    private readonly CData $keyIdAddr;

    /**
     * @param array<string, string|list<string>> $keys key id => its secret,
     *        or its secrets in order (a rotation: any of them verifies)
     * @param ?int $toleranceMs the time window each way (default: the scheme's)
     * @param ?int $nowMs a fixed clock, milliseconds since the epoch (tests, replays of logs)
     * @param ?string $noncePolicy OnchainPay: "unique" (default: any value, once per key), "increasing" or "timestamp"
     * @param ?int $replayCapacity how many nonces the replay guard holds
     * @param ?string $redisUrl a Redis shared by every worker and machine
     *        that verifies these keys (redis://host:port/db): the replay
     *        guard then lives there instead of in this object. When Redis
     *        is unreachable or slower than $redisTimeoutMs, requests are
     *        refused with replay_store_unavailable (503), never accepted.
     */
    public function __construct(
        public readonly string $scheme,
        #[\SensitiveParameter] array $keys,
        ?int $toleranceMs = null,
        ?int $nowMs = null,
        ?string $noncePolicy = null,
        ?int $replayCapacity = null,
        #[\SensitiveParameter] ?string $redisUrl = null,
        int $redisTimeoutMs = 250,
    ) {
        $ffi = $this->ffi = Library::ffi();
        $this->error = $ffi->new('paysig_error*');
        $this->errorAddr = FFI::addr($this->error);
        $builder = $ffi->new('paysig_verifier_builder*');
        $this->check($ffi->paysig_verifier_builder_new($scheme, strlen($scheme), FFI::addr($builder), $this->errorAddr));
        try {
            foreach ($keys as $id => $secrets) {
                $id = (string) $id;
                foreach ((array) $secrets as $secret) {
                    if (!is_string($secret)) {
                        throw new InvalidArgumentException("the secrets of key '$id' must be strings");
                    }
                    $this->check($ffi->paysig_verifier_builder_add_key(
                        $builder, $id, strlen($id), $secret, strlen($secret), $this->errorAddr,
                    ));
                }
            }
            if ($toleranceMs !== null) {
                $this->check($ffi->paysig_verifier_builder_set_tolerance_ms($builder, $toleranceMs, $this->errorAddr));
            }
            if ($nowMs !== null) {
                $this->check($ffi->paysig_verifier_builder_set_now_ms($builder, $nowMs, $this->errorAddr));
            }
            if ($noncePolicy !== null) {
                $this->check($ffi->paysig_verifier_builder_set_nonce_policy(
                    $builder, $noncePolicy, strlen($noncePolicy), $this->errorAddr,
                ));
            }
            if ($replayCapacity !== null) {
                $this->check($ffi->paysig_verifier_builder_set_replay_capacity($builder, $replayCapacity, $this->errorAddr));
            }
            if ($redisUrl !== null) {
                $this->check($ffi->paysig_verifier_builder_set_redis(
                    $builder, $redisUrl, strlen($redisUrl), $redisTimeoutMs, $this->errorAddr,
                ));
            }
            $handle = $ffi->new('paysig_verifier*');
            $this->check($ffi->paysig_verifier_build($builder, FFI::addr($handle), $this->errorAddr));
            $this->handle = $handle;
        } finally {
            $ffi->paysig_verifier_builder_free($builder);
        }
        $this->keyId = $ffi->new('paysig_bytes*');
        $this->keyIdAddr = FFI::addr($this->keyId);
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->paysig_verifier_free($this->handle);
        }
    }

    public function __clone()
    {
        throw new \LogicException('a Verifier cannot be cloned; share it instead');
    }

    /** @return array<string, string> nothing secret to show */
    public function __debugInfo(): array
    {
        return ['scheme' => $this->scheme];
    }

    /**
     * Verifies one request and returns the authenticated key id.
     *
     * @param string $path the request target as received: path and query
     * @param array<string, string|list<string>>|list<array{string, string}> $headers
     *        name => value(s) (getallheaders(), PSR-7 getHeaders()) or a
     *        list of [name, value] pairs as received
     * @param ?string $body the raw body, exactly the bytes that arrived; null: none
     * @throws Exception\AuthException when the request is refused
     */
    public function verify(string $method, string $path, array $headers, ?string $body = null): string
    {
        $block = self::headerBlock($headers);
        $code = $this->ffi->paysig_verifier_verify_block(
            $this->handle, $method, strlen($method), $path, strlen($path),
            $block, strlen($block), $body, $body === null ? 0 : strlen($body),
            $this->keyIdAddr, $this->errorAddr,
        );
        $this->check($code);
        $keyId = $this->keyId->data;
        $this->ffi->paysig_bytes_free($this->keyId);
        return $keyId;
    }

    /** Verifies a PSR-7 request (its body is read from the start and left as it was). */
    public function verifyRequest(RequestInterface $request): string
    {
        $target = $request->getRequestTarget();
        $stream = $request->getBody();
        $body = null;
        if ($stream->getSize() !== 0) {
            if (!$stream->isSeekable()) {
                throw new InvalidArgumentException('the request body stream is not seekable, so it cannot be verified');
            }
            $position = $stream->tell();
            $stream->rewind();
            $body = $stream->getContents();
            $stream->seek($position);
        }
        return $this->verify($request->getMethod(), $target, $request->getHeaders(), $body === '' ? null : $body);
    }

    /**
     * "Name: value\n" per value, the form libpaysig reads in one piece.
     *
     * @param array<string|int, mixed> $headers
     */
    public static function headerBlock(array $headers): string
    {
        $block = '';
        $pairs = array_is_list($headers) && ($headers === [] || is_array($headers[0]));
        foreach ($headers as $name => $values) {
            if ($pairs) {
                if (!is_array($values) || count($values) !== 2) {
                    throw new InvalidArgumentException('headers given as a list must be [name, value] pairs');
                }
                [$name, $values] = array_values($values);
            }
            foreach ((array) $values as $value) {
                $name = (string) $name;
                $value = (string) $value;
                if (strpbrk($name, "\r\n:") !== false || strpbrk($value, "\r\n") !== false) {
                    throw new InvalidArgumentException('a header name or value holds a line break (or the name a colon)');
                }
                $block .= $name . ': ' . $value . "\n";
            }
        }
        return $block;
    }

    private function check(int $code): void
    {
        if ($code !== 0) {
            $exception = Library::exception($code, $this->error);
            $this->errorAddr[0] = null;
            throw $exception;
        }
    }
}
