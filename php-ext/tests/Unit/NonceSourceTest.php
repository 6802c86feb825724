<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use GuzzleHttp\Psr7\Request;
use Paysig\Aquapay;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\NonceSourceException;
use Paysig\Exception\PaysigException;
use Paysig\Guzzle\Middleware;
use Paysig\NonceSource;
use Paysig\OnchainPay;
use Paysig\RemitQuickly;
use PHPUnit\Framework\TestCase;

/**
 * Nonce sources from PHP, configured in code only: each kind, a callback,
 * an explicit nonce winning, the Guzzle middleware option, and every
 * failure as a NonceSourceException. (Many processes at once: the php-fpm
 * pool of mk/nonce.mk.)
 */
final class NonceSourceTest extends TestCase
{
    private string $dir;

    protected function setUp(): void
    {
        $this->dir = sys_get_temp_dir() . '/paysig-php-nonce-' . getmypid() . '-' . bin2hex(random_bytes(4));
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @chmod($file, 0600);
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    private static function nonce(Aquapay $signer): int
    {
        return (int) $signer->sign('GET', '/v1/x')->headers['x-nonce'];
    }

    public function testEveryNativeKindCountsUp(): void
    {
        $before = (int) floor(microtime(true) * 1000);
        foreach ([null, NonceSource::process(), NonceSource::host(), NonceSource::host($this->dir)] as $source) {
            $signer = new Aquapay('key', 'secret', $source);
            $a = self::nonce($signer);
            $b = self::nonce($signer);
            self::assertGreaterThanOrEqual($before, $a, 'behind the clock');
            self::assertGreaterThan($a, $b);
        }
        $files = glob($this->dir . '/aquapay-*.nonce');
        self::assertCount(1, $files);
        self::assertSame(0600, fileperms($files[0]) & 0777);
        self::assertStringNotContainsString('key', basename($files[0]));
    }

    public function testTwoSignersOnOneHostDirectoryShareTheCounter(): void
    {
        $one = new Aquapay('key', 'secret', NonceSource::host($this->dir));
        $two = new Aquapay('key', 'secret', NonceSource::host($this->dir));
        $seen = [];
        for ($i = 0; $i < 500; $i++) {
            $seen[] = self::nonce($one);
            $seen[] = self::nonce($two);
        }
        self::assertCount(1000, array_unique($seen));
    }

    public function testACallbackIsAskedAndAnExplicitNonceWins(): void
    {
        $asked = [];
        $source = NonceSource::callback(static function (string $scheme, string $keyId) use (&$asked): int {
            $asked[] = "$scheme/$keyId";
            return 1_700_000_000_000 + count($asked);
        });
        $onchain = new OnchainPay('pk', 'sk', $source);
        self::assertSame('{"nonce":1700000000001}', $onchain->sign('{}')->body);
        self::assertSame('{"nonce":5}', $onchain->sign('{}', 5)->body);
        $remit = new RemitQuickly('rk', 's', $source);
        self::assertStringContainsString('"timestamp":"1700000000002"', $remit->sign()->stringToSign);
        self::assertSame(['onchainpay/pk', 'remitquickly/rk'], $asked);
        self::assertSame(1_700_000_000_003, $source->next('aquapay', 'k'));
    }

    public function testTheGuzzleMiddlewareTakesASource(): void
    {
        $middleware = Middleware::aquapay('k', 's', NonceSource::callback(static fn (): int => 4242));
        $signed = $middleware->sign(new Request('GET', 'https://api.example.com/v1/x'));
        self::assertSame('4242', $signed->getHeaderLine('x-nonce'));
    }

    public function testAFailingCallbackIsANonceSourceException(): void
    {
        $broken = new Aquapay('k', 's', NonceSource::callback(static function (): int {
            throw new \RuntimeException('sequence locked');
        }));
        try {
            $broken->sign('GET', '/');
            self::fail('no exception');
        } catch (NonceSourceException $e) {
            self::assertSame('nonce_source_unavailable', $e->errorCode);
            self::assertStringContainsString('sequence locked', $e->getMessage());
            self::assertInstanceOf(\RuntimeException::class, $e->getPrevious());
            self::assertInstanceOf(PaysigException::class, $e);
        }
        $negative = new Aquapay('k', 's', NonceSource::callback(static fn (): int => -1));
        $this->expectException(NonceSourceException::class);
        $negative->sign('GET', '/');
    }

    public function testADamagedHostFileIsRefusedAndKept(): void
    {
        $source = NonceSource::host($this->dir);
        $source->next('aquapay', 'k');
        [$file] = glob($this->dir . '/aquapay-*.nonce');
        file_put_contents($file, 'not a nonce file');
        try {
            // A new source maps the file afresh, as a new process would.
            self::nonce(new Aquapay('k', 's', NonceSource::host($this->dir)));
            self::fail('no exception');
        } catch (NonceSourceException $e) {
            self::assertSame(19, $e->getCode());
            self::assertStringContainsString('is 16 bytes, not 64', $e->getMessage());
        }
        self::assertSame('not a nonce file', file_get_contents($file));
    }

    public function testRedisDownIsANonceSourceException(): void
    {
        $signer = new Aquapay('k', 's', NonceSource::redis('redis://127.0.0.1:1/', 200, 200));
        $this->expectException(NonceSourceException::class);
        $this->expectExceptionMessage('Redis');
        $signer->sign('GET', '/');
    }

    public function testMisuseIsAnInvalidArgument(): void
    {
        try {
            NonceSource::redis('not a url');
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertStringNotContainsString('not a url', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        NonceSource::host('');
    }
}
