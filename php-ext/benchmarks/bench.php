<?php

declare(strict_types=1);

/*
 * paysig through FFI vs native PHP, per scheme: the time to produce one
 * request's signature headers. Native = what a PHP shop writes by hand:
 * json_encode(JSON_UNESCAPED_SLASHES|JSON_UNESCAPED_UNICODE) + hash_hmac
 * (+ md5/base64 where the scheme needs them). Each figure is the median of
 * 15 runs of N calls, in microseconds per call (hrtime); a scheme's
 * columns run in turn, round by round, so load changes touch them alike.
 *
 * Usage: php php-ext/benchmarks/bench.php [N]   (make bench-php)
 */

require dirname(__DIR__) . '/tests/bootstrap.php';

use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Json;
use Paysig\OnchainPay;
use Paysig\PGPrints;
use Paysig\RemitQuickly;

$n = (int) ($argv[1] ?? 20000);
const FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
const RUNS = 15;

/**
 * The functions timed in turn, RUNS rounds of $n calls each, so that a
 * change in the machine's load touches every column alike; the median
 * round of each, in microseconds per call.
 *
 * @param list<callable> $fs
 * @return list<float>
 */
function measureTogether(array $fs, int $n): array
{
    $runs = array_fill(0, count($fs), []);
    for ($r = 0; $r < RUNS; $r++) {
        foreach ($fs as $k => $f) {
            $t = hrtime(true);
            for ($i = 0; $i < $n; $i++) {
                $f($i);
            }
            $runs[$k][] = (hrtime(true) - $t) / $n / 1000;
        }
    }
    return array_map(static function (array $times): float {
        sort($times);
        return $times[intdiv(count($times), 2)];
    }, $runs);
}

$value = ['amount' => '100.50', 'currency' => 'EUR', 'customer' => ['id' => 12345, 'email' => 'a@example.com'], 'items' => [1, 2, 3]];
$json = json_encode($value, FLAGS);
$key = 'API_KEY';
$secret = 'API_SECRET_0123456789';
$date = gmdate('D, d M Y H:i:s \G\M\T');

$cryptopay = new Cryptopay($key, $secret);
$aquapay = new Aquapay($key, $secret);
$remit = new RemitQuickly($key, $secret);
$pgprints = new PGPrints($secret);
$onchain = new OnchainPay($key, $secret);

$rows = [
    'cryptopay' => [
        'native' => static function () use ($json, $key, $secret, $date) {
            $s = "POST\n" . md5($json) . "\napplication/json\n$date\n/api/invoices";
            return ['Authorization' => "HMAC $key:" . base64_encode(hash_hmac('sha1', $s, $secret, true)), 'Content-Type' => 'application/json', 'Date' => $date];
        },
        'paysig' => static fn () => $cryptopay->sign('POST', '/api/invoices', $json, 'application/json', $date),
        'paysig value' => static fn () => $cryptopay->sign('POST', '/api/invoices', $value, 'application/json', $date),
    ],
    'aquapay' => [
        'native' => static function ($i) use ($key, $secret) {
            $nonce = (string) (1700000000000 + $i);
            $s = json_encode(['httpMethod' => 'GET', 'path' => '/payment/v1/payment', 'nonce' => $nonce], FLAGS);
            return ['x-nonce' => $nonce, 'x-api-key' => $key, 'x-signature' => hash_hmac('sha384', $s, $secret)];
        },
        'paysig' => static fn ($i) => $aquapay->sign('GET', '/payment/v1/payment', (string) (1700000000000 + $i)),
    ],
    'remitquickly' => [
        'native' => static function ($i) use ($value, $key, $secret) {
            $payload = base64_encode(json_encode(['body' => $value, 'timestamp' => (string) (1700000000000 + $i)], FLAGS));
            return ['apikey' => $key, 'payload' => $payload, 'signature' => hash_hmac('sha512', $payload, $secret)];
        },
        'paysig' => static fn ($i) => $remit->sign($json, (string) (1700000000000 + $i)),
        'paysig value' => static fn ($i) => $remit->sign($value, (string) (1700000000000 + $i)),
    ],
    'pgprints' => [
        'native' => static function () use ($value, $secret) {
            $body = json_encode($value, FLAGS);
            return ['X-PGPrints-Hmac-Sha256' => base64_encode(hash_hmac('sha256', $body, $secret, true))];
        },
        'paysig' => static fn () => $pgprints->sign($json),
        'paysig value' => static fn () => $pgprints->sign($value),
    ],
    'onchainpay' => [
        'native' => static function ($i) use ($value, $key, $secret) {
            $payload = $value;
            $payload['nonce'] = 1700000000000 + $i;
            $body = json_encode($payload, FLAGS);
            return ['x-api-public-key' => $key, 'x-api-signature' => hash_hmac('sha256', $body, $secret)];
        },
        'paysig' => static fn ($i) => $onchain->sign($json, 1700000000000 + $i),
        'paysig value' => static fn ($i) => $onchain->sign($value, 1700000000000 + $i),
    ],
];

printf("PHP %s, libpaysig %s, %s; load %s; N=%d, median of 15 runs\n\n", PHP_VERSION, Paysig\Library::version(), php_uname('m'), trim(explode(' ', (string) file_get_contents('/proc/loadavg'))[0]), $n);
printf("%-13s %10s %12s %8s %14s %8s\n", 'scheme', 'native µs', 'paysig µs', 'ratio', 'value µs', 'ratio');
foreach ($rows as $scheme => $fs) {
    [$native, $paysig, $valueTime] = measureTogether(array_values($fs), $n) + [2 => null];
    printf("%-13s %10.2f %12.2f %7.2fx %14s %8s\n", $scheme, $native, $paysig, $paysig / $native,
        $valueTime === null ? '-' : sprintf('%.2f', $valueTime), $valueTime === null ? '-' : sprintf('%.2fx', $valueTime / $native));
}

// Canonicalizing a 64 KB document vs PHP's json_decode + json_encode.
$doc = [];
for ($i = 0; strlen(json_encode($doc, FLAGS)) < 64 * 1024; $i++) {
    $doc["k$i"] = ['id' => $i, 'amount' => $i * 1.25, 'name' => "item $i é", 'tags' => ['a', 'b', 'c'], 'ok' => $i % 2 === 0];
}
$text = json_encode($doc, JSON_PRETTY_PRINT | FLAGS);
$m = max(50, intdiv($n, 100));
[$native, $paysig] = measureTogether([
    static fn () => json_encode(json_decode($text), FLAGS),
    static fn () => Json::canonicalize($text),
], $m);
[$encode, $stringify] = measureTogether([
    static fn () => json_encode($doc, FLAGS),
    static fn () => Json::stringify($doc),
], $m);
printf("\n64 KB document (%d bytes pretty-printed):\n", strlen($text));
printf("  canonicalize text:  json_decode+json_encode %.1f µs, Json::canonicalize %.1f µs (%.2fx)\n", $native, $paysig, $paysig / $native);
printf("  PHP value:          json_encode %.1f µs, Json::stringify %.1f µs (%.2fx)\n", $encode, $stringify, $stringify / $encode);
printf("\nload at the end: %s\n", trim(explode(' ', (string) file_get_contents('/proc/loadavg'))[0]));
