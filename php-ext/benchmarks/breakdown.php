<?php

declare(strict_types=1);

/*
 * Where the time of one PHP sign goes (Aquapay, fixed nonce): an empty FFI
 * call, the paysig_aquapay_sign_into call alone, then with the copy out,
 * with the split into parts and headers, and the whole Aquapay::sign; and
 * json_encode against Json::encode for the value bench.php signs. Medians
 * of 15 runs of N calls, µs per call, steps timed in turn round by round.
 *
 * Usage: php php-ext/benchmarks/breakdown.php [N]
 */

require dirname(__DIR__) . '/tests/bootstrap.php';

use Paysig\Aquapay;
use Paysig\Json;
use Paysig\Library;
use Paysig\SignedRequest;

$n = (int) ($argv[1] ?? 50000);

/**
 * @param array<string, callable> $fs
 * @return array<string, float>
 */
function timeInTurn(array $fs, int $n): array
{
    $runs = array_fill_keys(array_keys($fs), []);
    for ($r = 0; $r < 15; $r++) {
        foreach ($fs as $name => $f) {
            $t = hrtime(true);
            for ($i = 0; $i < $n; $i++) {
                $f();
            }
            $runs[$name][] = (hrtime(true) - $t) / $n / 1000;
        }
    }
    return array_map(static function (array $times): float {
        sort($times);
        return $times[7];
    }, $runs);
}

$ffi = Library::ffi();
$handle = $ffi->new('paysig_signer*');
if ($ffi->paysig_signer_new('aquapay', 7, 'API_KEY', 7, 'API_SECRET', 10, FFI::addr($handle), null) !== 0) {
    exit("cannot make a signer\n");
}
$bytes = $ffi->new('char[2048]');
$buffer = $ffi->new('paysig_buffer');
$buffer->data = $ffi->cast('char *', FFI::addr($bytes));
$buffer->capacity = 2048;
$bufferAddr = FFI::addr($buffer);
$names = ['x-nonce', 'x-api-key', 'x-signature'];
$call = static fn () => $ffi->paysig_aquapay_sign_into(
    $handle, 'GET', 3, '/payment/v1/payment', 19, '1700000000000', 13, $bufferAddr, null,
);
$signer = new Aquapay('API_KEY', 'API_SECRET');
$value = ['amount' => '100.50', 'currency' => 'EUR', 'customer' => ['id' => 12345, 'email' => 'a@example.com'], 'items' => [1, 2, 3]];

$times = timeInTurn([
    'empty FFI call (paysig_abi_version)' => static fn () => $ffi->paysig_abi_version(),
    'paysig_aquapay_sign_into (9 arguments)' => $call,
    '  + one FFI::string of the result' => static function () use ($call, $bytes, $buffer) {
        $call();
        return FFI::string($bytes, $buffer->len);
    },
    '  + explode into parts, headers' => static function () use ($call, $bytes, $buffer, $names) {
        $call();
        $parts = explode("\0", FFI::string($bytes, $buffer->len), 5);
        return [array_combine($names, explode("\n", $parts[3])), $parts[4] ?? null, $parts[1], $parts[0]];
    },
    '  + new SignedRequest' => static function () use ($call, $bytes, $buffer, $names) {
        $call();
        $parts = explode("\0", FFI::string($bytes, $buffer->len), 5);
        return new SignedRequest(array_combine($names, explode("\n", $parts[3])), $parts[4] ?? null, $parts[1], $parts[0]);
    },
    'Aquapay::sign' => static fn () => $signer->sign('GET', '/payment/v1/payment', '1700000000000'),
    'json_encode of the bench value' => static fn () => json_encode($value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
    'Json::encode of the same value' => static fn () => Json::encode($value),
], $n);
$ffi->paysig_signer_free($handle);

printf("PHP %s, libpaysig %s; load %s; N=%d, median of 15 runs\n\n", PHP_VERSION, Library::version(), trim(explode(' ', (string) file_get_contents('/proc/loadavg'))[0]), $n);
foreach ($times as $step => $µs) {
    printf("%-42s %6.3f µs\n", $step, $µs);
}
