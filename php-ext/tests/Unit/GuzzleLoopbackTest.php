<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use GuzzleHttp\Client;
use GuzzleHttp\Handler\MockHandler;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware as GuzzleMiddleware;
use GuzzleHttp\Psr7\Response;
use GuzzleHttp\Psr7\Utils;
use Paysig\Guzzle\Middleware;
use Paysig\Tests\PaysigServer;
use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\ResponseInterface;

/**
 * Real Guzzle requests through the middleware to `paysig serve` on
 * 127.0.0.1, for every scheme: accepted; then the same request replayed
 * and with its body tampered with, refused with the provider's status and
 * message (FORMAT.md).
 */
final class GuzzleLoopbackTest extends TestCase
{
    private ?PaysigServer $server = null;

    protected function setUp(): void
    {
        Support::requireTool($this, class_exists(HandlerStack::class), 'Guzzle (Debian: php-guzzlehttp-guzzle)');
        Support::requireTool($this, PaysigServer::binary() !== null, 'the paysig CLI (cargo build --release -p paysig-cli)');
    }

    protected function tearDown(): void
    {
        $this->server?->stop();
    }

    /**
     * scheme, middleware, keys, request [method, path, options], replay
     * refusal (null: the scheme has no replay protection), tamper refusal.
     *
     * @return iterable<string, array<mixed>>
     */
    public static function schemes(): iterable
    {
        $json = ['body' => '{"amount": "10.50", "currency": "EUR"}', 'headers' => ['Content-Type' => 'application/json']];
        yield 'cryptopay' => ['cryptopay', static fn () => Middleware::cryptopay('key-1', 'secret-1'), ['POST', '/api/invoices?x=1', $json],
            null, [401, 'unauthenticated']];
        yield 'aquapay' => ['aquapay', static fn () => Middleware::aquapay('key-1', 'secret-1'), ['GET', '/payment/v1/payment', ['query' => ['startTime' => 1]]],
            [401, 'Nonce already used'], null];
        yield 'remitquickly' => ['remitquickly', static fn () => Middleware::remitQuickly('key-1', 'secret-1'), ['POST', '/v1/transfer', $json],
            [401, 'Duplicate request'], [401, 'Body and Payload mismatch']];
        yield 'remitquickly form' => ['remitquickly', static fn () => Middleware::remitQuickly('key-1', 'secret-1'), ['POST', '/v1/transfer', ['form_params' => ['amount' => '10.50']]],
            [401, 'Duplicate request'], [401, 'Body and Payload mismatch']];
        yield 'pgprints' => ['pgprints', static fn () => Middleware::pgPrints('secret-1'), ['POST', '/orders', $json],
            null, [401, 'Invalid signature']];
        yield 'onchainpay' => ['onchainpay', static fn () => Middleware::onchainPay('key-1', 'secret-1'), ['POST', '/api-gateway/v1/x', $json],
            [401, 'Nonce already used'], [401, 'Invalid signature']];
    }

    /**
     * @dataProvider schemes
     * @param array{string, string, array<string, mixed>} $call
     * @param ?array{int, string} $replay
     * @param ?array{int, string} $tamper
     */
    public function testSignedRequestsAreAcceptedAndReplaysAndTamperingRefused(
        string $scheme,
        callable $middleware,
        array $call,
        ?array $replay,
        ?array $tamper,
    ): void {
        $this->server = new PaysigServer((string) PaysigServer::binary(), $scheme, ['key-1' => 'secret-1']);
        $signer = $middleware();
        [$method, $path, $options] = $call;

        $history = [];
        $stack = HandlerStack::create();
        $stack->push($signer, 'paysig');
        $stack->push(GuzzleMiddleware::history($history));
        $client = new Client(['base_uri' => $this->server->baseUri, 'handler' => $stack, 'http_errors' => false]);
        for ($i = 0; $i < 3; $i++) {
            $response = $client->request($method, $path, $options);
            self::assertSame(200, $response->getStatusCode(), (string) $response->getBody());
            // Accepted, answered in the provider's envelope (paysig serve).
            $answer = json_decode((string) $response->getBody(), true);
            self::assertIsArray($answer, (string) $response->getBody());
            if ($scheme === 'onchainpay') {
                self::assertTrue($answer['success']);
            } elseif ($scheme === 'cryptopay') {
                self::assertArrayHasKey('data', $answer);
            }
        }

        $plain = new Client(['http_errors' => false]);
        $replayed = $plain->send($history[0]['request']);
        if ($replay === null) {
            // The scheme has no nonce (PGPrints) or no replay rule
            // (Cryptopay, within its Date window): a replay verifies.
            self::assertSame(200, $replayed->getStatusCode(), (string) $replayed->getBody());
        } else {
            self::assertRefused($replay, $replayed);
        }

        // A request signed but not sent yet (its nonce is fresh), then
        // changed on the way.
        $unsent = [];
        $capture = HandlerStack::create(new MockHandler([new Response(200)]));
        $capture->push($signer, 'paysig');
        $capture->push(GuzzleMiddleware::history($unsent));
        (new Client(['base_uri' => $this->server->baseUri, 'handler' => $capture]))->request($method, $path, $options);
        $fresh = $unsent[0]['request'];
        if ($tamper === null) {
            // Aquapay signs no body: tampering shows in the path instead.
            $tampered = $fresh->withUri($fresh->getUri()->withPath('/payment/v1/other'));
            self::assertRefused([401, 'Invalid signature'], $plain->send($tampered));
            return;
        }
        $body = (string) $fresh->getBody();
        $changed = str_replace('10.50', '10.51', $body);
        self::assertNotSame($body, $changed);
        self::assertRefused($tamper, $plain->send($fresh->withBody(Utils::streamFor($changed))));
    }

    /** @param array{int, string} $expected */
    private static function assertRefused(array $expected, ResponseInterface $response): void
    {
        [$status, $message] = $expected;
        $body = json_decode((string) $response->getBody(), true);
        self::assertSame($status, $response->getStatusCode(), (string) $response->getBody());
        $actual = $body['message'] ?? $body['error']['message'] ?? null;
        self::assertSame($message, $actual, (string) $response->getBody());
    }
}
