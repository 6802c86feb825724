<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Library;
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
        if (!Library::hasTokens()) {
            self::markTestIncomplete('paysig_canonicalize_tokens is not in the loaded libpaysig yet: PHP value bodies need it');
        }
        $case = Support::vectors('onchainpay')['cases'][0];
        $in = $case['input'];
        $payload = json_decode($in['payload_json'], false, 512, JSON_THROW_ON_ERROR);
        $signed = (new OnchainPay($in['public_key'], $in['private_key']))->sign($payload, $in['nonce']);
        self::assertSame($case['expect']['body'], $signed->body);
        $pg = Support::vectors('pgprints')['cases'][0];
        $value = json_decode($pg['input']['body_json'], true, 512, JSON_THROW_ON_ERROR);
        self::assertSame($pg['expect']['headers'], (new PGPrints($pg['input']['secret_key']))->sign($value)->headers);
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
