<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Aquapay;
use Paysig\Exception\AuthException;
use Paysig\Tests\Support;
use Paysig\Verifier;
use PHPUnit\Framework\TestCase;

/**
 * The Redis replay guard from PHP, against a real redis-server (Debian's,
 * started here on a free loopback port): two Verifiers — two php-fpm
 * workers, which share no memory — accept a nonce once between them, and
 * with Redis gone every request is refused with 503, none accepted.
 */
final class RedisVerifierTest extends TestCase
{
    private const NOW = 1_700_000_000_000;
    /** @var resource|null */
    private $redis = null;
    private int $port = 0;

    protected function setUp(): void
    {
        $exe = trim((string) shell_exec('command -v redis-server'));
        Support::requireTool($this, $exe !== '', 'redis-server (apt-get install redis-server)');
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);
        $this->redis = proc_open(
            [$exe, '--port', (string) $this->port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            [['file', '/dev/null', 'r'], ['file', '/dev/null', 'w'], ['file', '/dev/null', 'w']],
            $pipes,
        );
        $deadline = microtime(true) + 10;
        while (!$this->answers()) {
            self::assertLessThan($deadline, microtime(true), 'redis-server did not answer PING');
            usleep(20_000);
        }
    }

    protected function tearDown(): void
    {
        $this->stopRedis();
    }

    public function testTwoWorkersAcceptANonceOnceAndFailClosedWithoutRedis(): void
    {
        $url = "redis://127.0.0.1:{$this->port}/";
        $worker = fn () => new Verifier('aquapay', ['k1' => 's1'], nowMs: self::NOW, redisUrl: $url);
        [$first, $second] = [$worker(), $worker()];
        $signer = new Aquapay('k1', 's1');

        $signed = $signer->sign('POST', '/payment/v1/payment', (string) self::NOW);
        self::assertSame('k1', $first->verify('POST', '/payment/v1/payment', $signed->headers));
        $this->assertRefused($second, $signed->headers, 'nonce_reused', 401);

        $fresh = $signer->sign('POST', '/payment/v1/payment', (string) (self::NOW + 1));
        $this->stopRedis();
        $this->assertRefused($second, $fresh->headers, 'replay_store_unavailable', 503);
        $this->assertRefused($first, $fresh->headers, 'replay_store_unavailable', 503);
    }

    /** @param array<string, string> $headers */
    private function assertRefused(Verifier $verifier, array $headers, string $code, int $status): void
    {
        try {
            $verifier->verify('POST', '/payment/v1/payment', $headers);
            self::fail("accepted; expected $code");
        } catch (AuthException $e) {
            self::assertSame($code, $e->errorCode);
            self::assertSame($status, $e->status);
        }
    }

    private function answers(): bool
    {
        $socket = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $errno, $errstr, 1);
        if ($socket === false) {
            return false;
        }
        fwrite($socket, "PING\r\n");
        $reply = fread($socket, 7);
        fclose($socket);
        return $reply === "+PONG\r\n";
    }

    private function stopRedis(): void
    {
        if (is_resource($this->redis)) {
            proc_terminate($this->redis, 9);
            proc_close($this->redis);
            $this->redis = null;
        }
    }
}
