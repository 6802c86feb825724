<?php

declare(strict_types=1);

namespace Paysig;

use Paysig\Exception\JsonException;

/**
 * Verifies the callbacks (webhooks) providers send to you. Verify over the
 * raw request body, exactly the bytes that arrived (file_get_contents(
 * 'php://input')): a body re-serialised by a framework is not what the
 * provider signed.
 */
final class Webhook
{
    /** The header that carries a Cryptopay callback's signature. */
    public const CRYPTOPAY_SIGNATURE_HEADER = 'X-Cryptopay-Signature';

    private readonly Verifier $cryptopay;

    /** $callbackSecret: the Cryptopay callback secret (kept inside libpaysig). */
    public function __construct(#[\SensitiveParameter] string $callbackSecret)
    {
        $this->cryptopay = new Verifier('cryptopay-callback', ['callback' => $callbackSecret]);
    }

    /**
     * Checks a Cryptopay callback and returns its JSON object as an array.
     * The X-Cryptopay-Signature header (hex HMAC-SHA256 of the body) is
     * compared in constant time, and the body is parsed only after it
     * matched.
     *
     * @param array<string, string|list<string>>|list<array{string, string}> $headers
     *        as Verifier::verify takes them (getallheaders() works)
     * @return array<string, mixed>
     * @throws Exception\AuthException missing_header, malformed_header or
     *         invalid_signature, status 401
     * @throws JsonException when an authentic body is not a JSON object
     */
    public function verifyCryptopay(string $rawBody, array $headers): array
    {
        $this->cryptopay->verify('POST', '/', $headers, $rawBody);
        try {
            $event = json_decode($rawBody, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new JsonException('invalid_json', 'the callback body is not JSON: ' . $e->getMessage(), 0, $e);
        }
        if (!is_array($event) || (array_is_list($event) && $event !== [])) {
            throw new JsonException('invalid_json', 'the callback body is not a JSON object');
        }
        return $event;
    }

    /** @return array<string, string> nothing secret to show */
    public function __debugInfo(): array
    {
        return ['scheme' => 'cryptopay-callback'];
    }
}
