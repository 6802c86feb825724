<?php

declare(strict_types=1);

namespace Paysig\Tests;

use PHPUnit\Framework\TestCase;

/** What several test classes share: vectors, tools, child PHP processes. */
final class Support
{
    public static function root(): string
    {
        return dirname(__DIR__, 2);
    }

    /** @return array<string, mixed> one vector file, decoded */
    public static function vectors(string $scheme): array
    {
        $path = self::root() . "/tests/vectors/$scheme.json";
        return json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, mixed> the input and expect of a named vector case */
    public static function vectorCase(string $scheme, string $name): array
    {
        foreach (self::vectors($scheme)['cases'] as $case) {
            if ($case['name'] === $name) {
                return $case;
            }
        }
        throw new \RuntimeException("no case '$name' in $scheme.json");
    }

    /**
     * A tool the test needs is missing: a failure under CI, a loud skip
     * elsewhere (the house rule).
     */
    public static function requireTool(TestCase $test, bool $present, string $what): void
    {
        if ($present) {
            return;
        }
        $message = "MISSING TOOL: $what — this test did not run";
        if (getenv('CI') !== false && getenv('CI') !== '') {
            $test::fail($message);
        }
        fwrite(STDERR, "\n*** $message ***\n");
        $test->markTestSkipped($message);
    }

    /**
     * Runs PHP code in a child process with $env added and $phpArgs before
     * the script; returns [exit code, stdout, stderr].
     *
     * @param array<string, string> $env
     * @param list<string> $phpArgs
     * @return array{int, string, string}
     */
    public static function php(string $code, array $env = [], array $phpArgs = []): array
    {
        $script = tempnam(sys_get_temp_dir(), 'paysig-test-') . '.php';
        file_put_contents($script, "<?php\nrequire " . var_export(__DIR__ . '/bootstrap.php', true) . ";\n" . $code);
        $command = array_merge([PHP_BINARY], $phpArgs, [$script]);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        unlink($script);
        return [$status, (string) $out, (string) $err];
    }
}
