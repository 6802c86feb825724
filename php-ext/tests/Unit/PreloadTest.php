<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;

/**
 * The php-fpm recipes of the README, under PHP's built-in web server: a
 * non-CLI SAPI where ffi.enable=preload restricts FFI to preloaded code,
 * as it does under FPM.
 */
final class PreloadTest extends TestCase
{
    private string $docroot;

    protected function setUp(): void
    {
        $this->docroot = sys_get_temp_dir() . '/paysig-preload-' . bin2hex(random_bytes(4));
        mkdir($this->docroot);
        chmod($this->docroot, 0755);
        file_put_contents($this->docroot . '/index.php', '<?php require ' . var_export(dirname(__DIR__) . '/bootstrap.php', true) . ';'
            . 'try { $s = (new Paysig\Aquapay("YOUR_API_KEY", "YOUR_API_SECRET"))->sign("POST", "/payment/v1/requestPaymentAddress", "1628654316000");'
            . ' echo Paysig\Library::source(), " ", $s->signature; }'
            . ' catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(); }');
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->docroot));
    }

    /** @param list<string> $command the PHP command line before -S */
    private function serve(array $command): string
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $process = proc_open(array_merge($command, ['-S', "127.0.0.1:$port", '-t', $this->docroot]), [1 => ['file', '/dev/null', 'w'], 2 => ['pipe', 'w']], $pipes);
        $body = false;
        for ($i = 0; $i < 50 && $body === false; $i++) {
            usleep(100_000);
            $body = @file_get_contents("http://127.0.0.1:$port/");
        }
        proc_terminate($process);
        $log = stream_get_contents($pipes[2]);
        fclose($pipes[2]);
        proc_close($process);
        return $body === false ? "no response; server log:\n$log" : $body;
    }

    private function expectedSignature(): string
    {
        return Support::vectors('aquapay')['cases'][0]['expect']['signature'];
    }

    public function testWithoutPreloadingTheMessageGivesTheRecipe(): void
    {
        $out = $this->serve([PHP_BINARY, '-d', 'ffi.enable=preload']);
        self::assertStringStartsWith('Paysig\Exception\LibraryLoadException: FFI is restricted to preloaded code here (ffi.enable=preload under the cli-server SAPI)', $out);
        self::assertStringContainsString('opcache.preload=', $out);
    }

    public function testOpcachePreload(): void
    {
        $command = [PHP_BINARY, '-d', 'ffi.enable=preload', '-d', 'opcache.enable=1', '-d', 'opcache.preload=' . dirname(__DIR__, 2) . '/preload.php'];
        if (function_exists('posix_geteuid') ? posix_geteuid() === 0 : fileowner('/proc/self') === 0) {
            // PHP refuses to preload as root without opcache.preload_user,
            // and FFI::load refuses preload_user before 8.3: run as nobody,
            // as an FPM pool would.
            $runuser = trim((string) shell_exec('command -v runuser'));
            Support::requireTool($this, $runuser !== '', 'runuser (util-linux), to serve as an unprivileged user');
            $command = array_merge([$runuser, '-u', 'nobody', '--'], $command);
        }
        self::assertSame('scope PAYSIG ' . $this->expectedSignature(), $this->serve($command));
    }

    public function testFfiPreloadWithOpcachePreloadOfTheClasses(): void
    {
        $header = $this->docroot . '/paysig-preload.h';
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__, 2) . '/preload.php') . ' --write-header ' . escapeshellarg($header), $output, $status);
        self::assertSame(0, $status, implode("\n", $output));
        $head = (string) file_get_contents($header, false, null, 0, 200);
        self::assertStringStartsWith("#define FFI_SCOPE \"PAYSIG\"\n#define FFI_LIB \"/", $head);
        $out = $this->serve([PHP_BINARY, '-d', 'ffi.enable=preload', '-d', "ffi.preload=$header", '-d', 'opcache.enable=1',
            '-d', 'opcache.preload=' . dirname(__DIR__, 2) . '/preload.php', '-d', 'opcache.preload_user=nobody']);
        self::assertSame('scope PAYSIG ' . $this->expectedSignature(), $out);
    }

    public function testFfiEnableWithoutPreloading(): void
    {
        $out = $this->serve([PHP_BINARY, '-d', 'ffi.enable=1']);
        self::assertStringEndsWith(' ' . $this->expectedSignature(), $out);
        self::assertStringContainsString('libpaysig.so', $out);
    }
}
