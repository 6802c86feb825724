<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Aquapay;
use Paysig\Cryptopay;
use Paysig\Exception\AuthException;
use Paysig\Exception\JsonException;
use Paysig\Json;
use Paysig\OnchainPay;
use Paysig\PGPrints;
use Paysig\RemitQuickly;
use Paysig\Verifier;
use PHPUnit\Framework\TestCase;

/**
 * 100,000 sign and verify calls (and their error paths) leave memory where
 * it was: every result and error object libpaysig hands over is freed.
 *
 * @group soak
 */
final class SoakTest extends TestCase
{
    private const CALLS = 100_000;

    private static function rssKb(): int
    {
        preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
        return (int) $m[1];
    }

    public function testSignAndVerifyDoNotGrowMemory(): void
    {
        $cryptopay = new Cryptopay('key', 'secret');
        $aquapay = new Aquapay('key', 'secret');
        $remit = new RemitQuickly('key', 'secret');
        $pgprints = new PGPrints('secret');
        $onchain = new OnchainPay('key', 'secret');
        // Schemes whose verification keeps no replay state, so nothing
        // may legitimately grow.
        $verifyCryptopay = new Verifier('cryptopay', ['key' => 'secret']);
        $verifyPgprints = new Verifier('pgprints', ['pg' => 'secret']);
        $body = '{"amount":"10.50","items":[1,2,3],"note":"soak"}';
        $value = ['amount' => '10.50', 'items' => [1, 2.5, 3], 'note' => 'soak'];

        $round = static function (int $i) use ($cryptopay, $aquapay, $remit, $pgprints, $onchain, $verifyCryptopay, $verifyPgprints, $body, $value): void {
            $signed = $cryptopay->sign('POST', '/api/invoices', $body);
            $verifyCryptopay->verify('POST', '/api/invoices', $signed->headers, $body);
            $signed = $pgprints->sign($i % 2 === 0 ? $body : $value);
            $verifyPgprints->verify('POST', '/orders', $signed->headers, $signed->body);
            $aquapay->sign('GET', '/payment/v1/payment?x=1');
            $remit->sign($body);
            $onchain->sign($body);
            if ($i % 10 === 0) {
                try {
                    $verifyPgprints->verify('POST', '/orders', $signed->headers, '{"tampered":1}');
                    throw new \LogicException('a tampered body verified');
                } catch (AuthException) {
                }
                try {
                    Json::canonicalize('{"a":1,"a":2}');
                    throw new \LogicException('a duplicate key was accepted');
                } catch (JsonException) {
                }
            }
        };

        for ($i = 0; $i < 2_000; $i++) { // warm-up: allocator pools, caches
            $round($i);
        }
        gc_collect_cycles();
        $heapBefore = memory_get_usage();
        $rssBefore = self::rssKb();
        $started = hrtime(true);
        for ($i = 0; $i < self::CALLS; $i++) {
            $round($i);
        }
        gc_collect_cycles();
        $seconds = (hrtime(true) - $started) / 1e9;
        $heapGrowth = memory_get_usage() - $heapBefore;
        $rssGrowthKb = self::rssKb() - $rssBefore;
        fwrite(STDERR, sprintf(
            "\nsoak: %d rounds (%d signs, %d verifies) in %.1f s; PHP heap %+d bytes, RSS %+d kB\n",
            self::CALLS, 5 * self::CALLS, 2 * self::CALLS + self::CALLS / 5, $seconds, $heapGrowth, $rssGrowthKb,
        ));
        // A leak of one small object per call would be >= 100,000 x 16 bytes.
        self::assertLessThan(64 * 1024, $heapGrowth, 'PHP heap growth (bytes)');
        self::assertLessThan(1024, $rssGrowthKb, 'RSS growth (kB)');
    }
}
