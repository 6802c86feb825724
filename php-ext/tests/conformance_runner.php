<?php

declare(strict_types=1);

/*
 * Runs one vector file (tests/vectors/*.json) through paysig's public PHP
 * API and prints the runner output of tests/vectors/FORMAT.md. It reports
 * what the binding returns; it does not judge.
 *
 * Usage: php conformance_runner.php FILE  (tests/conformance/php.sh)
 */

use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Exception\AuthException;
use Paysig\Exception\PaysigException;
use Paysig\Hmac;
use Paysig\Json;
use Paysig\OnchainPay;
use Paysig\PGPrints;
use Paysig\RemitQuickly;
use Paysig\SignedRequest;
use Paysig\Verifier;
use Paysig\Webhook;

require __DIR__ . '/bootstrap.php';

/** @return array<string, mixed> */
function signed(SignedRequest $signed, string ...$fields): array
{
    $map = [
        'string_to_sign' => $signed->stringToSign,
        'payload_json' => $signed->stringToSign,
        'signature' => $signed->signature,
        'body' => $signed->body,
    ];
    $out = [];
    foreach ($fields as $field) {
        $out[$field] = $map[$field];
    }
    $out['headers'] = $signed->headers;
    return $out;
}

$runners = [
    'canonical' => static fn (array $in) => ['canonical' => Json::canonicalize($in['json'])],
    'hmac' => static function (array $in): array {
        $key = hex2bin($in['key_hex']);
        $data = hex2bin($in['data_hex']);
        $out = [];
        foreach (['hex', 'base64'] as $encoding) {
            $out[$encoding] = Hmac::sign($in['algorithm'], $key, $data, $encoding);
            // FORMAT.md: the runner also verifies its own result in both encodings.
            if (!Hmac::verify($in['algorithm'], $key, $data, $out[$encoding], $encoding)) {
                throw new RuntimeException("Hmac::verify refused its own $encoding signature");
            }
        }
        return $out;
    },
    'cryptopay' => static fn (array $in) => signed(
        (new Cryptopay($in['api_key'], $in['api_secret']))
            ->sign($in['method'], $in['path'], $in['body'] ?? null, $in['content_type'], $in['date']),
        'string_to_sign',
        'signature',
    ),
    'cryptopay-callback' => static function (array $in): array {
        $signature = Hmac::sign('sha256', $in['callback_secret'], $in['body'], 'hex');
        // The verifying side must accept what was computed.
        $webhook = new Webhook($in['callback_secret']);
        try {
            $webhook->verifyCryptopay($in['body'], [Webhook::CRYPTOPAY_SIGNATURE_HEADER => $signature]);
        } catch (Paysig\Exception\JsonException) {
            // Authentic but not a JSON object: the signature part passed.
        }
        return ['signature' => $signature];
    },
    'aquapay' => static fn (array $in) => signed(
        (new Aquapay($in['api_key'], $in['api_secret']))->sign($in['method'], $in['path'], $in['nonce']),
        'string_to_sign',
        'signature',
    ),
    'remitquickly' => static fn (array $in) => signed(
        (new RemitQuickly($in['api_key'], $in['secret']))->sign($in['body_json'] ?? null, $in['timestamp']),
        'payload_json',
    ),
    'pgprints' => static fn (array $in) => signed(
        (new PGPrints($in['secret_key']))->sign($in['body_json']),
        'string_to_sign',
    ),
    'onchainpay' => static fn (array $in) => signed(
        (new OnchainPay($in['public_key'], $in['private_key']))->sign($in['payload_json'], $in['nonce']),
        'body',
    ),
    'verify' => static function (array $in): array {
        $verifier = new Verifier(
            $in['scheme'],
            $in['keys'],
            toleranceMs: $in['tolerance_ms'] ?? null,
            nowMs: $in['now_ms'],
            noncePolicy: $in['nonce_policy'] ?? null,
        );
        $keyId = '';
        foreach ($in['requests'] as $request) {
            $keyId = $verifier->verify($request['method'], $request['path'], $request['headers'], $request['body']);
        }
        return ['key_id' => $keyId];
    },
];

if ($argc !== 2) {
    fwrite(STDERR, "usage: php conformance_runner.php FILE\n");
    exit(2);
}
// Big integers (OnchainPay nonces) stay exact as PHP ints; floats are not
// expected in inputs.
$vectors = json_decode((string) file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$run = $runners[$vectors['scheme']] ?? null;
if ($run === null) {
    fwrite(STDERR, "unknown scheme {$vectors['scheme']}\n");
    exit(2);
}
$cases = [];
foreach ($vectors['cases'] as $case) {
    try {
        $cases[] = ['name' => $case['name'], 'output' => $run($case['input'])];
    } catch (AuthException $e) {
        $cases[] = ['name' => $case['name'], 'error' => ['code' => $e->errorCode, 'status' => $e->status, 'message' => $e->getMessage()]];
    } catch (PaysigException $e) {
        $cases[] = ['name' => $case['name'], 'error' => ['code' => $e->errorCode, 'message' => $e->getMessage()]];
    }
}
echo json_encode(['scheme' => $vectors['scheme'], 'cases' => $cases], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
