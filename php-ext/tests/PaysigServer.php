<?php

declare(strict_types=1);

namespace Paysig\Tests;

/**
 * `paysig serve SCHEME` on 127.0.0.1 with a free port, the keys in a TOML
 * file (not on the command line), stopped by stop() or at destruction.
 */
final class PaysigServer
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes = [];
    private string $keysFile;
    public readonly string $baseUri;

    /** @param array<string, string> $keys */
    public function __construct(string $binary, string $scheme, array $keys, array $flags = [])
    {
        $this->keysFile = tempnam(sys_get_temp_dir(), 'paysig-keys-');
        $toml = "[keys]\n";
        foreach ($keys as $id => $secret) {
            $toml .= json_encode((string) $id) . ' = ' . json_encode($secret) . "\n";
        }
        file_put_contents($this->keysFile, $toml);
        $command = array_merge([$binary, 'serve', $scheme, '--port', '0', '--keys', $this->keysFile], $flags);
        $this->process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $this->pipes);
        $line = (string) fgets($this->pipes[1]);
        if (!preg_match('~(http://127\.0\.0\.1:\d+)~', $line, $m)) {
            $this->stop();
            throw new \RuntimeException("paysig serve did not start: $line " . stream_get_contents($this->pipes[2]));
        }
        $this->baseUri = $m[1];
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            foreach ($this->pipes as $pipe) {
                if (is_resource($pipe)) {
                    fclose($pipe);
                }
            }
            proc_close($this->process);
        }
        if (is_file($this->keysFile)) {
            unlink($this->keysFile);
        }
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** The paysig binary: PAYSIG_CLI or the repository's release build; null if absent. */
    public static function binary(): ?string
    {
        $path = getenv('PAYSIG_CLI') ?: Support::root() . '/target/release/paysig';
        return is_file($path) && is_executable($path) ? $path : null;
    }
}
