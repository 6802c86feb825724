<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use GuzzleHttp\Client;
use GuzzleHttp\Handler\MockHandler;
use GuzzleHttp\HandlerStack;
use GuzzleHttp\Middleware as GuzzleMiddleware;
use GuzzleHttp\Psr7\Response;
use Paysig\Aquapay;
use Paysig\Guzzle\Middleware;
use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;

/**
 * The signing step of Aquapay's own PHP example
 * (shared/providers/aquapay.md), run side by side with paysig on the same
 * inputs: the same bytes signed and the same signature, which is also the
 * signature of the JavaScript example (tests/vectors/aquapay.json).
 */
final class AquapayDocExampleTest extends TestCase
{
    /** The documentation's code, verbatim but for the inputs. */
    private static function documentedSignature(string $method, string $endpoint, string $nonce, string $apiSecret): array
    {
        $content = [
            'httpMethod' => $method,
            'path' => $endpoint,
            'nonce' => (string) $nonce,
        ];
        $json = json_encode($content, JSON_UNESCAPED_SLASHES);
        $signature = hash_hmac('sha384', $json, $apiSecret);
        return [$json, $signature];
    }

    /**
     * (ASCII paths only: json_encode without JSON_UNESCAPED_UNICODE writes
     * non-ASCII as \\u escapes where JSON.stringify does not, so the
     * documented PHP code and the JavaScript one disagree there; paysig
     * follows JavaScript.)
     */
    public function testTheDocumentedPhpSigningEqualsPaysig(): void
    {
        $apiKey = 'YOUR_API_KEY';
        $apiSecret = 'YOUR_API_SECRET';
        $inputs = [
            ['GET', '/payment/v1/payment', (string) round(1628654316000.0)],
            ['POST', '/payment/v1/requestPaymentAddress', '1628654316000'],
            ['GET', '/payment/v1/payment', (string) (int) (microtime(true) * 1000)],
            ['DELETE', '/a/b-c_d/~', '1'],
        ];
        foreach ($inputs as [$method, $endpoint, $nonce]) {
            [$json, $signature] = self::documentedSignature($method, $endpoint, $nonce, $apiSecret);
            $signed = (new Aquapay($apiKey, $apiSecret))->sign($method, $endpoint, $nonce);
            self::assertSame($json, $signed->stringToSign, "$method $endpoint");
            self::assertSame($signature, $signed->signature);
            self::assertSame(['x-nonce' => $nonce, 'x-api-key' => $apiKey, 'x-signature' => $signature], $signed->headers);
        }
    }

    public function testTheJavaScriptExampleSignsTheSame(): void
    {
        foreach (Support::vectors('aquapay')['cases'] as $case) {
            $in = $case['input'];
            [$json, $signature] = self::documentedSignature($in['method'], $in['path'], $in['nonce'], $in['api_secret']);
            self::assertSame($case['expect']['string_to_sign'], $json);
            self::assertSame($case['expect']['signature'], $signature);
        }
    }

    /**
     * The example rewritten with the middleware (the README's version):
     * one HandlerStack push, the query sent but not signed, and headers
     * equal to what the documented code computes for the nonce sent.
     */
    public function testTheExampleRewrittenWithTheMiddleware(): void
    {
        $apiKey = 'YOUR_API_KEY';
        $apiSecret = 'YOUR_API_SECRET';
        $history = [];
        $stack = HandlerStack::create(new MockHandler([new Response(200, [], '{"ok":true}')]));
        $stack->push(Middleware::aquapay($apiKey, $apiSecret), 'paysig');
        $stack->push(GuzzleMiddleware::history($history));
        $client = new Client(['base_uri' => 'https://api-staging.aquanow.io', 'handler' => $stack]);

        $response = $client->request('GET', '/payment/v1/payment', [
            'query' => ['startTime' => 1628654316000, 'endTime' => 1628654346000],
        ]);

        self::assertSame('{"ok":true}', (string) $response->getBody());
        $sent = $history[0]['request'];
        self::assertSame('startTime=1628654316000&endTime=1628654346000', $sent->getUri()->getQuery());
        $nonce = $sent->getHeaderLine('x-nonce');
        [, $signature] = self::documentedSignature('GET', '/payment/v1/payment', $nonce, $apiSecret);
        self::assertSame($signature, $sent->getHeaderLine('x-signature'));
        self::assertSame($apiKey, $sent->getHeaderLine('x-api-key'));
    }
}
