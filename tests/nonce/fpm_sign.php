<?php

declare(strict_types=1);

/*
 * One php-fpm request of the nonce test (tests/nonce/fpm_run.py): sign one
 * request with the shared key, send it to `paysig serve` on 127.0.0.1, and
 * answer "STATUS NONCE" (the sandbox's HTTP status and the nonce signed).
 *
 * Query: scheme=onchainpay|aquapay, key=K (the shared key, one per test
 * run), port=N (the sandbox), source=default
 * (what a user who changes nothing gets) or process (the per-process
 * counter this replaces, to show what it did).
 */

require __DIR__ . '/../../php-ext/tests/bootstrap.php';

use Paysig\Aquapay;
use Paysig\NonceSource;
use Paysig\OnchainPay;

header('Content-Type: text/plain');
$scheme = (string) ($_GET['scheme'] ?? '');
$port = (int) ($_GET['port'] ?? 0);
$key = (string) ($_GET['key'] ?? '');
$source = ($_GET['source'] ?? 'default') === 'process' ? NonceSource::process() : null;

try {
    if ($scheme === 'onchainpay') {
        $signer = $source === null
            ? new OnchainPay($key, 'shared-private-key')
            : new OnchainPay($key, 'shared-private-key', $source);
        $signed = $signer->sign(['amount' => '10.00', 'currency' => 'USDT']);
        $path = '/v1/orders';
        $method = 'POST';
        $body = $signed->body;
        $nonce = (string) json_decode((string) $body, true)['nonce'];
    } elseif ($scheme === 'aquapay') {
        $signer = $source === null
            ? new Aquapay($key, 'shared-api-secret')
            : new Aquapay($key, 'shared-api-secret', $source);
        $path = '/payment/v1/payment';
        $method = 'GET';
        $signed = $signer->sign($method, $path);
        $body = null;
        $nonce = $signed->headers['x-nonce'];
    } else {
        throw new InvalidArgumentException('unknown scheme');
    }
} catch (Throwable $e) {
    echo 'error ', $e::class, ': ', $e->getMessage(), "\n";
    return;
}

$headers = [];
foreach ($signed->headers as $name => $value) {
    $headers[] = "$name: $value";
}
if ($body !== null) {
    $headers[] = 'Content-Type: application/json';
}
$context = stream_context_create(['http' => [
    'method' => $method,
    'header' => implode("\r\n", $headers),
    'content' => $body ?? '',
    'ignore_errors' => true, // a 401 is an answer, not a failure
    'timeout' => 10,
]]);
$answer = @file_get_contents("http://127.0.0.1:$port$path", false, $context);
$status = 0;
foreach ($http_response_header ?? [] as $line) {
    if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m)) {
        $status = (int) $m[1];
    }
}
echo $status, ' ', $nonce, "\n";
