<?php

declare(strict_types=1);

namespace Paysig\Guzzle;

use GuzzleHttp\Psr7\Utils;
use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\NonceSource;
use Paysig\OnchainPay;
use Paysig\PGPrints;
use Paysig\RemitQuickly;
use Paysig\SignedRequest;
use Psr\Http\Message\RequestInterface;

/**
 * Guzzle middleware that signs every request as it is sent:
 *
 *     $stack = HandlerStack::create();
 *     $stack->push(Middleware::aquapay($apiKey, $apiSecret), 'paysig');
 *     $client = new Client(['base_uri' => ..., 'handler' => $stack]);
 *
 * Pushed last, it is the innermost middleware: it runs after Guzzle has
 * set the final body and Content-Type, and once per attempt, so redirects
 * and retries each get a fresh nonce or date. (A Middleware::retry()
 * pushed after it would resend a stale nonce: push retries first.)
 *
 * What is signed, per scheme:
 *  - Cryptopay: method, the raw body, Content-Type (default
 *    application/json), a fresh Date, and the path with its query;
 *  - Aquapay: method and the path without its query (the body is not read);
 *  - RemitQuickly: the JSON body (sent in canonical form), url-encoded form
 *    fields (an object of strings; the body is sent as it is) or {} when
 *    there is none;
 *  - PGPrints: the JSON body, sent in canonical form;
 *  - OnchainPay: the JSON payload (or {}) with a fresh nonce, sent exactly.
 * Where the canonical bytes are sent, the body is replaced and
 * Content-Length fixed. Pass signed-JSON bodies as 'body' => $text or
 * 'json' => $value; both are canonicalized before signing.
 *
 * A body is read from its start and its position restored; a body stream
 * that cannot seek is refused (InvalidArgumentException), since it could
 * not be sent again after being read. The request option 'paysig' => false
 * sends one request unsigned.
 */
final class Middleware
{
    private const JSON = 'application/json';
    private const FORM = 'application/x-www-form-urlencoded';

    /** @param \Closure(RequestInterface): RequestInterface $sign */
    private function __construct(private readonly \Closure $sign)
    {
    }

    public static function cryptopay(string $apiKey, #[\SensitiveParameter] string $apiSecret): self
    {
        $signer = new Cryptopay($apiKey, $apiSecret);
        return new self(static function (RequestInterface $request) use ($signer): RequestInterface {
            $uri = $request->getUri();
            $query = $uri->getQuery();
            $target = ($uri->getPath() === '' ? '/' : $uri->getPath()) . ($query === '' ? '' : '?' . $query);
            $body = self::body($request);
            $contentType = $request->getHeaderLine('Content-Type');
            $signed = $signer->sign(
                $request->getMethod(),
                $target,
                $body === '' ? null : $body,
                $contentType === '' ? self::JSON : $contentType,
            );
            return self::withHeaders($request, $signed);
        });
    }

    public static function aquapay(
        string $apiKey,
        #[\SensitiveParameter] string $apiSecret,
        ?NonceSource $nonceSource = null,
    ): self {
        $signer = new Aquapay($apiKey, $apiSecret, $nonceSource);
        return new self(static function (RequestInterface $request) use ($signer): RequestInterface {
            $path = $request->getUri()->getPath();
            return self::withHeaders($request, $signer->sign($request->getMethod(), $path === '' ? '/' : $path));
        });
    }

    public static function remitQuickly(
        string $apiKey,
        #[\SensitiveParameter] string $secret,
        ?NonceSource $nonceSource = null,
    ): self {
        $signer = new RemitQuickly($apiKey, $secret, $nonceSource);
        return new self(static function (RequestInterface $request) use ($signer): RequestInterface {
            $body = self::body($request);
            if ($body === '') {
                return self::withHeaders($request, $signer->sign(null));
            }
            if (self::mediaType($request) === self::FORM) {
                // The body is sent as it is; its fields are signed as the
                // server parses them: an object of strings in order.
                return self::withHeaders($request, $signer->sign(self::formFields($body)));
            }
            return self::withBody(self::withHeaders($request, $signed = $signer->sign($body)), $signed->body);
        });
    }

    public static function pgPrints(#[\SensitiveParameter] string $secretKey, string $encoding = 'base64'): self
    {
        $signer = new PGPrints($secretKey, $encoding);
        return new self(static function (RequestInterface $request) use ($signer): RequestInterface {
            $body = self::body($request);
            if ($body === '') {
                throw new InvalidArgumentException('PGPrints signs a JSON body, and this request has none');
            }
            if (self::mediaType($request) === self::FORM) {
                throw new InvalidArgumentException("PGPrints signs a JSON body, not form fields: use 'json' or 'body'");
            }
            $signed = $signer->sign($body);
            return self::withBody(self::withHeaders($request, $signed), $signed->body);
        });
    }

    public static function onchainPay(
        string $publicKey,
        #[\SensitiveParameter] string $privateKey,
        ?NonceSource $nonceSource = null,
    ): self {
        $signer = new OnchainPay($publicKey, $privateKey, $nonceSource);
        return new self(static function (RequestInterface $request) use ($signer): RequestInterface {
            if (self::mediaType($request) === self::FORM) {
                throw new InvalidArgumentException("OnchainPay signs a JSON body, not form fields: use 'json' or 'body'");
            }
            $body = self::body($request);
            $signed = $signer->sign($body === '' ? '{}' : $body);
            $request = self::withBody(self::withHeaders($request, $signed), $signed->body);
            return $request->hasHeader('Content-Type') ? $request : $request->withHeader('Content-Type', self::JSON);
        });
    }

    /** The Guzzle middleware shape: wraps the next handler. */
    public function __invoke(callable $handler): callable
    {
        $sign = $this->sign;
        return static function (RequestInterface $request, array $options) use ($handler, $sign) {
            if (($options['paysig'] ?? true) === false) {
                return $handler($request, $options);
            }
            return $handler($sign($request), $options);
        };
    }

    /** Signs one request outside Guzzle's stack (any PSR-7 request). */
    public function sign(RequestInterface $request): RequestInterface
    {
        return ($this->sign)($request);
    }

    /** The whole body, read from its start; its position is restored. */
    private static function body(RequestInterface $request): string
    {
        $stream = $request->getBody();
        if ($stream->getSize() === 0) {
            return '';
        }
        if (!$stream->isSeekable()) {
            throw new InvalidArgumentException(
                'paysig signs the whole body, so it cannot sign a body stream that is not seekable '
                . '(it could not be sent after being read): pass the body as a string, json or form_params'
            );
        }
        $position = $stream->tell();
        $stream->rewind();
        $body = $stream->getContents();
        $stream->seek($position);
        return $body;
    }

    private static function withHeaders(RequestInterface $request, SignedRequest $signed): RequestInterface
    {
        foreach ($signed->headers as $name => $value) {
            $request = $request->withHeader($name, $value);
        }
        return $request;
    }

    /** Sends exactly the bytes that were signed. */
    private static function withBody(RequestInterface $request, ?string $body): RequestInterface
    {
        if ($body === null) {
            return $request;
        }
        return $request
            ->withBody(Utils::streamFor($body))
            ->withoutHeader('Transfer-Encoding')
            ->withHeader('Content-Length', (string) strlen($body));
    }

    private static function mediaType(RequestInterface $request): string
    {
        return strtolower(trim(explode(';', $request->getHeaderLine('Content-Type'), 2)[0]));
    }

    /**
     * Url-encoded fields as a server parses them: a JSON object of strings
     * in order, a repeated name keeping its first position and its last
     * value (not parse_str, which turns "a[]" into arrays and dots into
     * "_"). json_encode is exact here: it only ever sees strings, whose
     * text does not depend on php.ini; libpaysig then puts the keys in
     * JavaScript's order.
     */
    private static function formFields(string $body): string
    {
        $fields = [];
        foreach (explode('&', $body) as $pair) {
            if ($pair === '') {
                continue;
            }
            [$name, $value] = array_pad(explode('=', $pair, 2), 2, '');
            $fields[urldecode($name)] = urldecode($value);
        }
        try {
            return json_encode((object) $fields, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new JsonException('invalid_string', 'a form field is not UTF-8 text', 0, $e);
        }
    }
}
