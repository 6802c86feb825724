<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\OnchainPay;
use Paysig\PGPrints;
use Paysig\RemitQuickly;
use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;

/**
 * The PHP API's own conversions (the vector files themselves run through
 * tests/conformance/run.sh php): argument types, defaults, body forms.
 */
final class SignersTest extends TestCase
{
    public function testCryptopayPublishedCheck(): void
    {
        $case = Support::vectors('cryptopay')['cases'][0]['input'];
        $expect = Support::vectors('cryptopay')['cases'][0]['expect'];
        $signed = (new Cryptopay($case['api_key'], $case['api_secret']))
            ->sign($case['method'], $case['path'], $case['body'], $case['content_type'], $case['date']);
        self::assertSame($expect['headers'], $signed->headers);
        self::assertSame($expect['signature'], $signed->signature);
        self::assertSame($expect['string_to_sign'], $signed->stringToSign);
        self::assertSame($case['body'], $signed->body, 'the raw body is sent as given');
        self::assertSame($expect['headers']['Authorization'], $signed->header('authorization'));
        self::assertNull($signed->header('x-missing'));
    }

    public function testCryptopayDefaultsToNowAndJson(): void
    {
        $signed = (new Cryptopay('key', 'secret'))->sign('get', '/api/rates?x=1');
        self::assertSame('application/json', $signed->headers['Content-Type']);
        // An IMF-fixdate within a few seconds of now.
        $date = \DateTimeImmutable::createFromFormat('D, d M Y H:i:s \G\M\T', $signed->headers['Date'], new \DateTimeZone('UTC'));
        self::assertNotFalse($date);
        self::assertLessThan(5, abs($date->getTimestamp() - time()));
        self::assertStringStartsWith("GET\n\napplication/json\n", $signed->stringToSign);
        self::assertStringEndsWith("\n/api/rates?x=1", $signed->stringToSign);
        self::assertNull($signed->body);
    }

    public function testAquapayDocsExample(): void
    {
        foreach (Support::vectors('aquapay')['cases'] as $case) {
            $in = $case['input'];
            $signed = (new Aquapay($in['api_key'], $in['api_secret']))->sign($in['method'], $in['path'], $in['nonce']);
            self::assertSame($case['expect']['headers'], $signed->headers);
            self::assertNull($signed->body);
            // An int nonce is the same nonce.
            $again = (new Aquapay($in['api_key'], $in['api_secret']))->sign($in['method'], $in['path'], (int) $in['nonce']);
            self::assertSame($case['expect']['signature'], $again->signature);
        }
    }

    public function testAutomaticNoncesStrictlyIncrease(): void
    {
        $signer = new Aquapay('key', 'secret');
        $last = 0;
        for ($i = 0; $i < 1000; $i++) {
            $nonce = (int) $signer->sign('GET', '/x')->headers['x-nonce'];
            self::assertGreaterThan($last, $nonce);
            $last = $nonce;
        }
        self::assertLessThan(10_000, abs($last - (int) (microtime(true) * 1000)));
    }

    public function testRemitQuicklyBodiesAndTimestamps(): void
    {
        foreach (Support::vectors('remitquickly')['cases'] as $case) {
            $in = $case['input'];
            if (isset($case['expect']['error'])) {
                continue;
            }
            $signer = new RemitQuickly($in['api_key'], $in['secret']);
            $signed = $signer->sign($in['body_json'] ?? null, $in['timestamp']);
            self::assertSame($case['expect']['headers'], $signed->headers, $case['name']);
            self::assertSame($case['expect']['payload_json'], $signed->stringToSign);
            self::assertSame($case['expect']['headers'], $signer->sign($in['body_json'] ?? null, (int) $in['timestamp'])->headers);
        }
        $none = (new RemitQuickly('k', 's'))->sign(null, '1');
        self::assertNull($none->body);
        self::assertSame('{"body":{},"timestamp":"1"}', $none->stringToSign);
    }

    public function testPGPrintsSendsTheCanonicalBody(): void
    {
        foreach (Support::vectors('pgprints')['cases'] as $case) {
            if (isset($case['expect']['error'])) {
                continue;
            }
            $signed = (new PGPrints($case['input']['secret_key']))->sign($case['input']['body_json']);
            self::assertSame($case['expect']['headers'], $signed->headers);
            self::assertSame($case['expect']['string_to_sign'], $signed->body);
        }
    }

    public function testOnchainPayNonceForms(): void
    {
        $case = Support::vectors('onchainpay')['cases'][0];
        $in = $case['input'];
        $signer = new OnchainPay($in['public_key'], $in['private_key']);
        $signed = $signer->sign($in['payload_json'], $in['nonce']);
        self::assertSame($case['expect']['body'], $signed->body);
        self::assertSame($case['expect']['headers'], $signed->headers);
        // A string nonce is a JSON string, appended as payload.nonce = x would.
        self::assertStringEndsWith(',"nonce":"abc"}', $signer->sign('{"a":1}', 'abc')->body);
        // Automatic: a number close to now.
        $auto = json_decode((string) $signer->sign('{"a":1}')->body, true);
        self::assertIsInt($auto['nonce']);
        self::assertLessThan(10_000, abs($auto['nonce'] - (int) (microtime(true) * 1000)));
    }

    public function testPhpValueBodies(): void
    {
        $case = Support::vectors('onchainpay')['cases'][0];
        $in = $case['input'];
        $payload = json_decode($in['payload_json'], false, 512, JSON_THROW_ON_ERROR);
        $signed = (new OnchainPay($in['public_key'], $in['private_key']))->sign($payload, $in['nonce']);
        self::assertSame($case['expect']['body'], $signed->body);
        self::assertSame($case['expect']['headers'], $signed->headers);
        $pg = Support::vectors('pgprints')['cases'][0];
        $value = json_decode($pg['input']['body_json'], true, 512, JSON_THROW_ON_ERROR);
        $signed = (new PGPrints($pg['input']['secret_key']))->sign($value);
        self::assertSame($pg['expect']['headers'], $signed->headers);
        self::assertSame($pg['expect']['string_to_sign'], $signed->body);
        foreach (Support::vectors('remitquickly')['cases'] as $rq) {
            if (isset($rq['expect']['error'])) {
                continue;
            }
            $in = $rq['input'];
            $value = json_decode($in['body_json'], false, 512, JSON_THROW_ON_ERROR);
            $signed = (new RemitQuickly($in['api_key'], $in['secret']))->sign($value, $in['timestamp']);
            self::assertSame($rq['expect']['headers'], $signed->headers, $rq['name']);
        }
        // Cryptopay sends a PHP value as its canonical JSON, which the
        // documented example's body already is.
        $cp = Support::vectors('cryptopay')['cases'][0];
        $in = $cp['input'];
        $value = json_decode($in['body'], true, 512, JSON_THROW_ON_ERROR);
        $signed = (new Cryptopay($in['api_key'], $in['api_secret']))
            ->sign($in['method'], $in['path'], $value, $in['content_type'], $in['date']);
        self::assertSame($cp['expect']['headers'], $signed->headers);
        self::assertSame($cp['expect']['string_to_sign'], $signed->stringToSign);
        self::assertSame($in['body'], $signed->body);
    }

    /** A value with no JSON form, or JSON paysig refuses, never gets signed. */
    public function testValueBodiesAreCheckedLikeJson(): void
    {
        $calls = [
            'number_out_of_range' => static fn () => (new PGPrints('s'))->sign(['n' => 2 ** 53 + 1]),
            'invalid_string' => static fn () => (new RemitQuickly('k', 's'))->sign(['s' => "\xff"], '1'),
            'too_deep' => static function () {
                $loop = new \stdClass();
                $loop->loop = $loop;
                return (new OnchainPay('k', 's'))->sign($loop, 1);
            },
        ];
        foreach ($calls as $code => $call) {
            try {
                $call();
                self::fail("$code: accepted");
            } catch (JsonException $e) {
                self::assertSame($code, $e->errorCode);
            }
        }
        $this->expectException(InvalidArgumentException::class);
        (new Cryptopay('k', 's'))->sign('POST', '/', ['r' => fopen('php://memory', 'r')]);
    }

    /**
     * Results larger than the signer's buffer: it grows (up to 1 MiB, then
     * a buffer for that call only), before the call for a large body or
     * after one that did not fit, and the result is whole; the signer goes
     * on signing small requests. Canonical bodies come from Node.
     */
    public function testLargeResultsGrowTheBuffer(): void
    {
        $small = Support::vectors('pgprints')['cases'][0];
        $signer = new PGPrints($small['input']['secret_key']);
        $texts = [];
        foreach ([3_000, 200_000, 1_500_000] as $size) {
            $items = [];
            for ($i = 0; $i < intdiv($size, 40); $i++) { // ~40 bytes each
                $items[] = ['id' => $i, 'name' => "item $i é", 'price' => $i * 1.25];
            }
            $texts[] = json_encode(['items' => $items], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE);
        }
        // Numbers that grow when canonical (1e20 is 21 digits): the result
        // outgrows the room made for the text, and is signed again.
        array_unshift($texts, '[' . implode(',', array_fill(0, 120, '1e20')) . ']');
        $canonical = Support::nodeCanonical($this, $texts);
        foreach ($texts as $i => $text) {
            $signed = $signer->sign($text);
            self::assertSame($canonical[$i], $signed->body, "document $i");
            self::assertSame($canonical[$i], $signed->stringToSign);
            self::assertSame(
                (new PGPrints($small['input']['secret_key']))->sign($canonical[$i])->headers,
                $signed->headers,
                'the same signature as for the canonical text',
            );
            $again = $signer->sign($small['input']['body_json']);
            self::assertSame($small['expect']['headers'], $again->headers);
            self::assertSame($small['expect']['string_to_sign'], $again->body);
        }
    }

    /** A raw Cryptopay body is any bytes of UTF-8, NUL included. */
    public function testRawCryptopayBodiesComeBackWhole(): void
    {
        $body = "a\0b\0";
        $signed = (new Cryptopay('key', 'secret'))->sign('POST', '/x', $body, 'text/plain', 'Tue, 25 Sep 2018 17:41:40 GMT');
        self::assertSame($body, $signed->body);
        self::assertSame("POST\n" . md5($body) . "\ntext/plain\nTue, 25 Sep 2018 17:41:40 GMT\n/x", $signed->stringToSign);
    }

    public function testBadArgumentsAreInvalidArgumentExceptions(): void
    {
        $calls = [
            'empty secret' => static fn () => new Aquapay('key', ''),
            'empty key' => static fn () => new Cryptopay('', 'secret'),
            'unknown PGPrints encoding' => static fn () => new PGPrints('secret', 'base32'),
            'control character in the method' => static fn () => (new Aquapay('k', 's'))->sign("GET\n", '/'),
            'empty nonce' => static fn () => (new Aquapay('k', 's'))->sign('GET', '/', ''),
        ];
        foreach ($calls as $what => $call) {
            try {
                $call();
                self::fail("$what was accepted");
            } catch (InvalidArgumentException $e) {
                self::assertSame('invalid_argument', $e->errorCode, $what);
                self::assertNotInstanceOf(JsonException::class, $e, $what);
            }
        }
    }

    public function testBadJsonBodiesAreJsonExceptions(): void
    {
        $this->expectException(JsonException::class);
        (new PGPrints('secret'))->sign('{"amount": 1.000000000000000000001}');
    }

    public function testSecretsStayOutOfDumpsAndMessages(): void
    {
        $secret = 'TOP-SECRET-VALUE';
        $signer = new Cryptopay('key', $secret);
        self::assertStringNotContainsString($secret, print_r($signer, true));
        ob_start();
        var_dump($signer);
        self::assertStringNotContainsString($secret, (string) ob_get_clean());
        try {
            (new PGPrints($secret))->sign('{bad');
        } catch (JsonException $e) {
            self::assertStringNotContainsString($secret, $e->getMessage() . $e->getTraceAsString());
        }
    }

    public function testSignedRequestIsReadOnly(): void
    {
        $signed = (new Aquapay('k', 's'))->sign('GET', '/', '1');
        $this->expectException(\Error::class);
        $signed->signature = 'x'; // @phpstan-ignore-line
    }
}
