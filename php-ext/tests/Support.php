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

    /**
     * Runs tests/node/$script with $stdin and returns its stdout lines:
     * expected values that come from JavaScript itself. Node missing is a
     * failure under CI, a loud skip elsewhere.
     *
     * @return list<string>
     */
    public static function node(TestCase $test, string $script, string $stdin): array
    {
        $node = trim((string) shell_exec('command -v node 2>/dev/null'));
        self::requireTool($test, $node !== '', 'node (expected values come from JavaScript)');
        $process = proc_open(
            [$node, self::root() . "/tests/node/$script"],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
        );
        // Written whole before reading: the scripts read all of stdin first.
        fwrite($pipes[0], $stdin);
        fclose($pipes[0]);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0) {
            $test::fail("node $script failed ($status): $err");
        }
        return explode("\n", rtrim($out, "\n"));
    }

    /**
     * JSON.stringify(JSON.parse(text)) in Node for each text.
     *
     * @param list<string> $texts
     * @return list<string>
     */
    public static function nodeCanonical(TestCase $test, array $texts): array
    {
        $stdin = '';
        foreach ($texts as $text) {
            $stdin .= json_encode($text, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) . "\n";
        }
        $canonical = [];
        foreach (self::node($test, 'stringify.js', $stdin) as $i => $line) {
            [$status, $result] = explode("\t", $line, 2);
            if ($status !== 'ok') {
                $test::fail("node could not parse $texts[$i]: $result");
            }
            $canonical[] = $result;
        }
        return $canonical;
    }
}
