<?php

declare(strict_types=1);

namespace Paysig;

/**
 * A signed request: the headers to send (provider's spelling), the exact
 * body to send when the scheme defines it (null when the body is yours to
 * send as it is, or there is none), what was signed and the signature.
 */
final class SignedRequest
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly array $headers,
        public readonly ?string $body,
        public readonly string $stringToSign,
        public readonly string $signature,
    ) {
    }

    /** The value of header $name (any case), or null. */
    public function header(string $name): ?string
    {
        foreach ($this->headers as $key => $value) {
            if (strcasecmp($key, $name) === 0) {
                return $value;
            }
        }
        return null;
    }
}
