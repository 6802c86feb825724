<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Library;
use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;

/**
 * The loader's pre-flight checks, each in a child PHP process set up to
 * fail: the exception class and a message that says what to do.
 */
final class LoaderTest extends TestCase
{
    private const SIGN = 'try { (new Paysig\Aquapay("k", "s"))->sign("GET", "/", "1"); echo "loaded from ", Paysig\Library::source(); }'
        . ' catch (Throwable $e) { echo get_class($e), "\n", $e->getMessage(); }';

    public function testTheRepositoryLibraryIsFoundAndItsAbiChecked(): void
    {
        self::assertSame(Library::ABI_VERSION, (int) Library::ffi()->paysig_abi_version());
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Library::version());
        self::assertNotSame('', Library::source());
    }

    public function testAMissingLibraryListsThePathsTried(): void
    {
        [, $out] = Support::php(self::SIGN, ['PAYSIG_LIB' => '/nonexistent/libpaysig.so']);
        self::assertStringStartsWith("Paysig\\Exception\\LibraryLoadException\nlibpaysig was not found", $out);
        self::assertStringContainsString('  - /nonexistent/libpaysig.so', $out);
        self::assertStringContainsString('PAYSIG_LIB', $out);
    }

    public function testWithoutEnvironmentEveryCandidateIsListed(): void
    {
        // A header found, but no library anywhere the loader looks: run a
        // copy of the package outside the repository.
        $copy = sys_get_temp_dir() . '/paysig-pkg-' . bin2hex(random_bytes(4));
        mkdir($copy . '/include', 0777, true);
        exec('cp -r ' . escapeshellarg(dirname(__DIR__, 2) . '/src') . ' ' . escapeshellarg($copy . '/src'));
        copy(Support::root() . '/include/paysig_ffi.h', $copy . '/include/paysig_ffi.h');
        $code = 'require ' . var_export($copy . '/src/Exception/PaysigException.php', true) . ';'
            . 'require ' . var_export($copy . '/src/Exception/LibraryLoadException.php', true) . ';'
            . 'require ' . var_export($copy . '/src/Library.php', true) . ';'
            . 'try { Paysig\Library::ffi(); echo "loaded"; } catch (Throwable $e) { echo $e->getMessage(); }';
        [, $out] = Support::php($code, ['PAYSIG_LIB' => '', 'LD_LIBRARY_PATH' => '']);
        exec('rm -rf ' . escapeshellarg($copy));
        if (str_starts_with($out, 'loaded')) {
            self::markTestSkipped('libpaysig is installed system-wide here, so nothing is missing');
        }
        self::assertStringContainsString('libpaysig was not found. Paths tried, in order:', $out);
        foreach (['/lib/linux-', '/target/release/libpaysig.so', '/usr/local/lib/libpaysig.so.0', '  - libpaysig.so.0'] as $path) {
            self::assertStringContainsString($path, $out);
        }
    }

    public function testAMissingHeaderSaysWhereItLooked(): void
    {
        [, $out] = Support::php(self::SIGN, ['PAYSIG_HEADER' => '/nonexistent/paysig_ffi.h']);
        self::assertStringContainsString('paysig_ffi.h (the FFI declarations of libpaysig) was not found', $out);
        self::assertStringContainsString('/nonexistent/paysig_ffi.h', $out);
    }

    public function testFfiDisabled(): void
    {
        [, $out] = Support::php(self::SIGN, [], ['-d', 'ffi.enable=0']);
        self::assertStringStartsWith("Paysig\\Exception\\LibraryLoadException\nFFI is disabled (ffi.enable=0", $out);
        self::assertStringContainsString('opcache.preload', $out);
    }

    public function testFfiExtensionMissing(): void
    {
        // -n: no php.ini, so no extension=ffi from conf.d.
        [, $out] = Support::php(self::SIGN, [], ['-n']);
        if (str_starts_with($out, 'loaded')) {
            self::markTestSkipped('FFI is compiled into this PHP; it cannot be missing');
        }
        self::assertStringStartsWith("Paysig\\Exception\\LibraryLoadException\nThe PHP FFI extension is not loaded", $out);
    }

    public function testAnAbiMismatchIsRefused(): void
    {
        $cc = trim((string) shell_exec('command -v cc'));
        Support::requireTool($this, $cc !== '', 'a C compiler (cc), to build a library with another ABI');
        // A stand-in library: every function of the header, doing nothing,
        // but paysig_abi_version says 99.
        preg_match_all('/\b(paysig_[a-z0-9_]+)\(/', (string) file_get_contents(Support::root() . '/include/paysig_ffi.h'), $m);
        $c = "unsigned paysig_abi_version(void) { return 99; }\nconst char *paysig_version(void) { return \"99.0.0\"; }\n";
        foreach (array_unique($m[1]) as $name) {
            if ($name !== 'paysig_abi_version' && $name !== 'paysig_version') {
                $c .= "void $name(void) {}\n";
            }
        }
        $dir = sys_get_temp_dir() . '/paysig-abi-' . bin2hex(random_bytes(4));
        mkdir($dir);
        file_put_contents("$dir/stub.c", $c);
        exec(sprintf('%s -shared -fPIC -o %s %s 2>&1', $cc, escapeshellarg("$dir/libpaysig.so"), escapeshellarg("$dir/stub.c")), $output, $status);
        self::assertSame(0, $status, implode("\n", $output));
        [, $out] = Support::php(self::SIGN, ['PAYSIG_LIB' => "$dir/libpaysig.so"]);
        exec('rm -rf ' . escapeshellarg($dir));
        self::assertStringStartsWith("Paysig\\Exception\\LibraryLoadException\nlibpaysig ABI 99 was loaded from $dir/libpaysig.so (version 99.0.0), but this package speaks ABI 0", $out);
    }

    public function testTheStaticInstanceIsReused(): void
    {
        self::assertSame(Library::ffi(), Library::ffi());
    }
}
