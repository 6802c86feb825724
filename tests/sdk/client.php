<?php
// Requests signed the way the official PHP SDKs sign (PROVIDERS.md),
// written here from their documented behaviour:
// - OnchainPay: $payload['nonce'] = the current millisecond; ksort; body =
//   json_encode($payload) (so `/` is `\/` and `é` is `\u00e9`); hex
//   HMAC-SHA256 of the body in x-api-public-key / x-api-signature.
// - Cryptopay: Date = gmdate(DATE_RFC2822), e.g.
//   `Wed, 02 Dec 2026 07:41:47 +0000`; body json_encode.
// Each response is reported as one JSON line: {"step", "status",
// "request_id", "body"}. Usage: php client.php BASE_URL SCHEME KEY SECRET

[, $base, $scheme, $key, $secret] = $argv;

function send(string $step, string $method, string $path, array $headers, string $body = ''): void
{
    global $base;
    $lines = [];
    foreach ($headers as $name => $value) {
        $lines[] = "$name: $value";
    }
    $context = stream_context_create(['http' => [
        'method' => $method,
        'header' => implode("\r\n", $lines),
        'content' => $body,
        'ignore_errors' => true,
    ]]);
    $text = file_get_contents($base . $path, false, $context);
    $status = (int) explode(' ', $http_response_header[0])[1];
    $requestId = null;
    foreach ($http_response_header as $line) {
        if (stripos($line, 'x-request-id:') === 0) {
            $requestId = trim(substr($line, strlen('x-request-id:')));
        }
    }
    $parsed = json_decode($text, true);
    echo json_encode(['step' => $step, 'status' => $status, 'request_id' => $requestId,
        'body' => $parsed ?? $text], JSON_UNESCAPED_SLASHES), "\n";
}

function onchainpay(array $payload): array
{
    global $key, $secret;
    $payload['nonce'] = (int) round(microtime(true) * 1000);
    ksort($payload);
    $body = json_encode($payload);
    return [['Content-Type' => 'application/json', 'x-api-public-key' => $key,
        'x-api-signature' => hash_hmac('sha256', $body, $secret)], $body];
}

function cryptopay(string $method, string $path, string $body = '', string $type = 'application/json'): array
{
    global $key, $secret;
    $date = gmdate(DATE_RFC2822);
    $md5 = $body === '' ? '' : md5($body);
    $signature = base64_encode(hash_hmac('sha1', implode("\n", [$method, $md5, $type, $date, $path]), $secret, true));
    return ['Authorization' => "HMAC $key:$signature", 'Content-Type' => $type, 'Date' => $date];
}

if ($scheme === 'onchainpay') {
    [$headers, $body] = onchainpay(['to' => 'USDT', 'from' => 'ETH', 'note' => 'café', 'callback' => 'https://shop.example/cb']);
    send('price-rate', 'POST', '/price-rate', $headers, $body);
    send('resend', 'POST', '/price-rate', $headers, $body);
    usleep(2000); // the next millisecond: a new nonce
    [$headers, $body] = onchainpay(['from' => 'BTC', 'to' => 'USDT']);
    send('second', 'POST', '/price-rate', $headers, $body);
} elseif ($scheme === 'cryptopay') {
    $body = json_encode(['price_amount' => '100.0', 'price_currency' => 'EUR', 'pay_currency' => 'BTC',
        'success_redirect_url' => 'https://shop.example/thanks']);
    send('invoice', 'POST', '/api/invoices', cryptopay('POST', '/api/invoices', $body), $body);
    $path = '/api/invoices?starting_after=7a8b&limit=2';
    send('list', 'GET', $path, cryptopay('GET', $path));
} else {
    fwrite(STDERR, "no $scheme client here\n");
    exit(2);
}
