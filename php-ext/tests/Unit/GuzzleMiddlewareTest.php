<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use GuzzleHttp\Client;
use GuzzleHttp\Handler\MockHandler;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware as GuzzleMiddleware;
use GuzzleHttp\Psr7\NoSeekStream;
use GuzzleHttp\Psr7\Request;
use GuzzleHttp\Psr7\Response;
use GuzzleHttp\Psr7\Utils;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Guzzle\Middleware;
use Paysig\Tests\Support;
use Paysig\Verifier;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\RequestInterface;

/**
 * The middleware's request handling, against Guzzle's MockHandler; every
 * signed request is checked by paysig's Verifier, which applies the
 * provider's rules (the loopback tests send them over real HTTP).
 */
final class GuzzleMiddlewareTest extends TestCase
{
    protected function setUp(): void
    {
        Support::requireTool($this, class_exists(HandlerStack::class), 'Guzzle (Debian: php-guzzlehttp-guzzle)');
    }

    /**
     * @param list<Response> $responses
     * @param array<int, array<string, mixed>> $history
     */
    private static function client(Middleware $signer, array $responses, array &$history, bool $retry = false): Client
    {
        $stack = HandlerStack::create(new MockHandler($responses));
        if ($retry) {
            // Retries pushed before the signer: each attempt is signed again.
            $stack->push(GuzzleMiddleware::retry(static fn (int $retries, $request, $response) => $retries < 2 && $response?->getStatusCode() === 503, static fn () => 0));
        }
        $stack->push($signer, 'paysig');
        $stack->push(GuzzleMiddleware::history($history));
        return new Client(['base_uri' => 'https://api.example.test', 'handler' => $stack]);
    }

    private static function verify(string $scheme, RequestInterface $request, array $keys): string
    {
        return (new Verifier($scheme, $keys))->verifyRequest($request);
    }

    public function testRedirectsAndRetriesAreSignedAfresh(): void
    {
        $history = [];
        $client = self::client(Middleware::aquapay('key', 'secret'), [
            new Response(503),
            new Response(302, ['Location' => '/moved']),
            new Response(200),
        ], $history, retry: true);
        $client->get('/first?x=1');
        self::assertCount(3, $history);
        $nonces = array_map(static fn ($h) => $h['request']->getHeaderLine('x-nonce'), $history);
        self::assertCount(3, array_unique($nonces), 'each attempt has its own nonce');
        self::assertSame('/moved', $history[2]['request']->getUri()->getPath());
        foreach ($history as $entry) {
            self::assertSame('key', self::verify('aquapay', $entry['request'], ['key' => 'secret']));
        }
    }

    public function testCryptopaySignsThePathWithItsQueryAndTheRawBody(): void
    {
        $history = [];
        $client = self::client(Middleware::cryptopay('key', 'secret'), [new Response(200)], $history);
        $client->post('/api/invoices?a=1&b=2', ['body' => '{"price_amount": "100"}', 'headers' => ['Content-Type' => 'application/json']]);
        $sent = $history[0]['request'];
        self::assertSame('{"price_amount": "100"}', (string) $sent->getBody(), 'Cryptopay bodies are sent as they are');
        self::assertSame('key', self::verify('cryptopay', $sent, ['key' => 'secret']));
        // The same request with the query dropped no longer verifies.
        $this->expectException(\Paysig\Exception\AuthException::class);
        self::verify('cryptopay', $sent->withUri($sent->getUri()->withQuery('')), ['key' => 'secret']);
    }

    public function testAquapaySignsThePathWithoutItsQuery(): void
    {
        $history = [];
        $client = self::client(Middleware::aquapay('key', 'secret'), [new Response(200)], $history);
        $client->get('/payment/v1/payment', ['query' => ['startTime' => 1]]);
        $sent = $history[0]['request'];
        self::assertSame('key', self::verify('aquapay', $sent, ['key' => 'secret']));
        self::assertSame('key', self::verify('aquapay', $sent->withUri($sent->getUri()->withQuery('other=2')), ['key' => 'secret']));
    }

    public function testCanonicalBodiesReplaceTheClientsOwnAndFixContentLength(): void
    {
        $cases = [
            ['pgprints', Middleware::pgPrints('secret'), ['pg' => 'secret']],
            ['onchainpay', Middleware::onchainPay('public', 'secret'), ['public' => 'secret']],
            ['remitquickly', Middleware::remitQuickly('key', 'secret'), ['key' => 'secret']],
        ];
        foreach ($cases as [$scheme, $middleware, $keys]) {
            $history = [];
            $client = self::client($middleware, [new Response(200)], $history);
            $client->post('/v1/x', ['body' => '{ "b": [1.50, 2e0], "a": "é/" }', 'headers' => ['Content-Type' => 'application/json']]);
            $sent = $history[0]['request'];
            $body = (string) $sent->getBody();
            self::assertStringStartsWith('{"b":[1.5,2],"a":"é/"', $body, $scheme);
            self::assertSame((string) strlen($body), $sent->getHeaderLine('Content-Length'), $scheme);
            self::assertSame(array_key_first($keys), self::verify($scheme, $sent, $keys), $scheme);
        }
    }

    public function testGuzzleJsonOptionIsSignedInCanonicalForm(): void
    {
        $history = [];
        $client = self::client(Middleware::onchainPay('public', 'secret'), [new Response(200)], $history);
        $client->post('/v1/x', ['json' => ['amount' => 0.1, 'path' => 'a/b']]);
        $sent = $history[0]['request'];
        self::assertMatchesRegularExpression('~^\{"amount":0\.1,"path":"a/b","nonce":\d+\}$~', (string) $sent->getBody());
        self::assertSame('public', self::verify('onchainpay', $sent, ['public' => 'secret']));
    }

    public function testRemitQuicklyFormFieldsAreSignedAsStrings(): void
    {
        $history = [];
        $client = self::client(Middleware::remitQuickly('key', 'secret'), [new Response(200)], $history);
        $client->post('/v1/x', ['form_params' => ['amount' => '10', 'note' => 'a b&c', 'z' => '']]);
        $sent = $history[0]['request'];
        self::assertSame('amount=10&note=a+b%26c&z=', (string) $sent->getBody(), 'form bodies are sent as they are');
        $payload = json_decode(base64_decode($sent->getHeaderLine('payload')), true);
        self::assertSame(['amount' => '10', 'note' => 'a b&c', 'z' => ''], $payload['body']);
        self::assertSame('key', self::verify('remitquickly', $sent, ['key' => 'secret']));
    }

    public function testASeekableBodyIsRewoundAndItsPositionKept(): void
    {
        $stream = Utils::streamFor('{"a":1}');
        $stream->seek(3);
        $signed = Middleware::pgPrints('secret')->sign(new Request('POST', '/x', [], $stream));
        self::assertSame('{"a":1}', (string) $signed->getBody());
        self::assertSame(3, $stream->tell());
    }

    public function testANonSeekableBodyIsRefused(): void
    {
        $request = new Request('POST', '/x', [], new NoSeekStream(Utils::streamFor('{"a":1}')));
        foreach ([Middleware::cryptopay('k', 's'), Middleware::pgPrints('s'), Middleware::onchainPay('k', 's'), Middleware::remitQuickly('k', 's')] as $middleware) {
            try {
                $middleware->sign($request);
                self::fail('a non-seekable body was signed');
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('not seekable', $e->getMessage());
            }
        }
        // Aquapay does not read the body, so it does not care.
        self::assertTrue(Middleware::aquapay('k', 's')->sign($request)->hasHeader('x-signature'));
    }

    public function testThePaysigOptionFalseSendsUnsigned(): void
    {
        $history = [];
        $client = self::client(Middleware::aquapay('key', 'secret'), [new Response(200)], $history);
        $client->get('/x', ['paysig' => false]);
        self::assertFalse($history[0]['request']->hasHeader('x-signature'));
    }
}
