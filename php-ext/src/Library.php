<?php

declare(strict_types=1);

namespace Paysig;

use FFI;
use FFI\CData;
use Paysig\Exception\AuthException;
use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Exception\LibraryLoadException;
use Paysig\Exception\NonceSourceException;
use Paysig\Exception\PaysigException;

/**
 * Finds libpaysig, loads it through FFI once per process (or once per
 * request under FPM without preloading), and turns its error objects into
 * exceptions.
 *
 * Where the library comes from, first match wins:
 *  1. the FFI scope "PAYSIG", when preload.php or ffi.preload declared it;
 *  2. PAYSIG_LIB (a library file) and PAYSIG_HEADER (paysig_ffi.h);
 *  3. the library bundled in the package (lib/linux-x86_64/...) or built in
 *     the paysig repository this package sits in (target/release);
 *  4. the system's libpaysig.so.0 (make install, a distribution package).
 */
final class Library
{
    /** The ABI this package was written for (PAYSIG_ABI_VERSION). */
    public const ABI_VERSION = 0;

    /** The FFI scope name preload.php and ffi.preload declare. */
    public const SCOPE = 'PAYSIG';

    /**
     * The loaded library, kept for the life of the process: parsing the
     * header costs far more than a signature.
     */
    private static ?FFI $ffi = null;

    /** Where the library was loaded from, for diagnostics. */
    private static string $source = '';

    public static function ffi(): FFI
    {
        return self::$ffi ??= self::load();
    }

    /** Where the loaded library came from: "scope PAYSIG" or a path. */
    public static function source(): string
    {
        self::ffi();
        return self::$source;
    }

    /** The loaded library's release version, e.g. "0.1.0". */
    public static function version(): string
    {
        return (string) self::ffi()->paysig_version();
    }

    /** Forgets the loaded library (tests of the loader only). */
    public static function reset(): void
    {
        self::$ffi = null;
        self::$source = '';
    }

    private static function load(): FFI
    {
        self::checkExtension();
        $scoped = self::fromScope();
        if ($scoped !== null) {
            self::$source = 'scope ' . self::SCOPE;
            return self::checkAbi($scoped);
        }
        self::checkEnabled();
        $header = self::findHeader();
        $tried = [];
        foreach (self::libraryCandidates() as $path) {
            $tried[] = $path;
            if (str_contains($path, '/') && !is_file($path)) {
                continue;
            }
            try {
                $ffi = FFI::cdef($header['text'], $path);
            } catch (FFI\Exception $e) {
                if (str_contains($e->getMessage(), 'Failed resolving C function')) {
                    throw new LibraryLoadException(sprintf(
                        'libpaysig at %s lacks a function its header %s declares (%s): the two come from '
                        . 'different builds. Rebuild the library (make lib-c) or point PAYSIG_LIB and '
                        . 'PAYSIG_HEADER at files of one release.',
                        $path,
                        $header['path'],
                        $e->getMessage(),
                    ), 0, $e);
                }
                if (str_contains($path, '/')) {
                    // The file exists but does not load: wrong architecture
                    // or libc, missing dependency. Say so, do not go on.
                    throw new LibraryLoadException(sprintf(
                        "libpaysig at %s exists but could not be loaded: %s.\n"
                        . "Machine: %s %s. Build libpaysig for this machine (make lib-c) "
                        . "or point PAYSIG_LIB at one that is.",
                        $path,
                        $e->getMessage(),
                        php_uname('s'),
                        php_uname('m'),
                    ), 0, $e);
                }
                continue;
            }
            self::$source = $path;
            return self::checkAbi($ffi);
        }
        throw new LibraryLoadException(
            "libpaysig was not found. Paths tried, in order:\n  - " . implode("\n  - ", $tried) . "\n"
            . 'Set PAYSIG_LIB to the library file (and PAYSIG_HEADER to paysig_ffi.h if it is elsewhere), '
            . "build it in the paysig repository with `make lib-c`, or install it system-wide with "
            . "`make install` (then run ldconfig). Machine: " . php_uname('s') . ' ' . php_uname('m') . '.'
        );
    }

    private static function checkExtension(): void
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryLoadException(
                'The PHP FFI extension is not loaded, and paysig calls libpaysig through it. '
                . 'Install it (Debian/Ubuntu: it is part of php-common, enable it with `phpenmod ffi`; '
                . 'Docker php images: `docker-php-ext-install ffi`; Alpine: php-ffi), '
                . 'then check `php -m | grep FFI`.'
            );
        }
    }

    /** Why FFI::scope failed, for the pre-flight message. */
    private static string $scopeFailure = '';

    private static function fromScope(): ?FFI
    {
        try {
            return FFI::scope(self::SCOPE);
        } catch (FFI\Exception $e) {
            self::$scopeFailure = $e->getMessage();
            return null;
        }
    }

    /**
     * ffi.enable=preload (PHP's default) allows FFI::cdef only in the CLI;
     * elsewhere the library must have been preloaded.
     */
    private static function checkEnabled(): void
    {
        $setting = strtolower((string) ini_get('ffi.enable'));
        $enabled = in_array($setting, ['1', 'on', 'true', 'yes'], true);
        $preloadOnly = $setting === 'preload';
        if ($enabled || ($preloadOnly && in_array(PHP_SAPI, ['cli', 'phpdbg', 'embed'], true))) {
            return;
        }
        $recipe = 'Either preload paysig (php.ini: ffi.enable=preload and '
            . 'opcache.preload=/path/to/vendor/paysig/paysig/preload.php; when the server starts as root with '
            . 'opcache.preload_user on PHP < 8.3, also ffi.preload=/path/to/paysig-preload.h written by '
            . '`php vendor/paysig/paysig/preload.php --write-header /path/to/paysig-preload.h`), '
            . 'or set ffi.enable=1 (slower: the header is parsed on every request). See the README, "php-fpm".';
        if ($preloadOnly && str_contains(self::$scopeFailure, 'restricted')) {
            throw new LibraryLoadException(sprintf(
                'FFI is restricted to preloaded code here (ffi.enable=preload under the %s SAPI), and '
                . "paysig's classes were not preloaded, so they may not use FFI. Set "
                . 'opcache.preload=/path/to/vendor/paysig/paysig/preload.php (it preloads the classes, and '
                . 'declares libpaysig unless ffi.preload already did), or set ffi.enable=1. See the README, "php-fpm".',
                PHP_SAPI,
            ));
        }
        if ($preloadOnly) {
            throw new LibraryLoadException(sprintf(
                'FFI is restricted to preloaded code here (ffi.enable=preload under the %s SAPI), '
                . 'and paysig was not preloaded: the FFI scope "%s" does not exist. %s',
                PHP_SAPI,
                self::SCOPE,
                $recipe,
            ));
        }
        throw new LibraryLoadException(sprintf(
            'FFI is disabled (ffi.enable=%s under the %s SAPI). %s',
            $setting === '' ? '0' : $setting,
            PHP_SAPI,
            $recipe,
        ));
    }

    /** @return array{path: string, text: string} */
    private static function findHeader(): array
    {
        $tried = [];
        foreach (self::headerCandidates() as $path) {
            $tried[] = $path;
            if (is_file($path) && is_readable($path)) {
                $text = file_get_contents($path);
                if ($text !== false) {
                    return ['path' => $path, 'text' => $text];
                }
            }
        }
        throw new LibraryLoadException(
            "paysig_ffi.h (the FFI declarations of libpaysig) was not found. Paths tried, in order:\n  - "
            . implode("\n  - ", $tried) . "\nSet PAYSIG_HEADER to the file."
        );
    }

    /** @return list<string> */
    public static function headerCandidates(): array
    {
        $env = getenv('PAYSIG_HEADER');
        if (is_string($env) && $env !== '') {
            return [$env];
        }
        $package = dirname(__DIR__);
        return [
            $package . '/include/paysig_ffi.h',          // bundled in the package
            dirname($package) . '/include/paysig_ffi.h', // the paysig repository
            '/usr/local/include/paysig/paysig_ffi.h',    // make install
            '/usr/include/paysig/paysig_ffi.h',
        ];
    }

    /**
     * Library files to try. A name without "/" is left to the dynamic
     * loader's own search (LD_LIBRARY_PATH, ld.so.cache).
     *
     * @return list<string>
     */
    public static function libraryCandidates(): array
    {
        $env = getenv('PAYSIG_LIB');
        if (is_string($env) && $env !== '') {
            // An explicit choice is never silently replaced by another library.
            return [$env];
        }
        $package = dirname(__DIR__);
        $platform = strtolower(PHP_OS_FAMILY) . '-' . php_uname('m') . (self::isMusl() ? '-musl' : '');
        return [
            $package . '/lib/' . $platform . '/libpaysig.so',
            dirname($package) . '/target/release/libpaysig.so',
            '/usr/local/lib/libpaysig.so.0',
            '/usr/lib/' . php_uname('m') . '-linux-gnu/libpaysig.so.0',
            '/usr/lib/libpaysig.so.0',
            'libpaysig.so.0',
        ];
    }

    private static function isMusl(): bool
    {
        return PHP_OS_FAMILY === 'Linux' && glob('/lib/ld-musl-*') !== [];
    }

    private static function checkAbi(FFI $ffi): FFI
    {
        $abi = (int) $ffi->paysig_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw new LibraryLoadException(sprintf(
                'libpaysig ABI %d was loaded from %s (version %s), but this package speaks ABI %d. '
                . 'Install the libpaysig release that matches paysig/paysig, or point PAYSIG_LIB at it.',
                $abi,
                self::$source,
                (string) $ffi->paysig_version(),
                self::ABI_VERSION,
            ));
        }
        return $ffi;
    }

    /**
     * The header with the two lines FFI::load and ffi.preload need in
     * front: the scope name and the library's absolute path.
     */
    public static function preloadHeader(string $library, string $header): string
    {
        $text = file_get_contents($header);
        if ($text === false) {
            throw new LibraryLoadException("cannot read $header");
        }
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n"
            . '#define FFI_LIB "' . addcslashes($library, "\"\\") . "\"\n" . $text;
    }

    /**
     * The library file and header the loader would use, for preload.php
     * (which then declares them as the PAYSIG scope).
     *
     * @return array{library: string, header: string}
     */
    public static function locate(): array
    {
        $header = self::findHeader()['path'];
        foreach (self::libraryCandidates() as $path) {
            if (str_contains($path, '/') && is_file($path)) {
                return ['library' => realpath($path) ?: $path, 'header' => realpath($header) ?: $header];
            }
        }
        throw new LibraryLoadException(
            "libpaysig was not found for preloading. Paths tried, in order:\n  - "
            . implode("\n  - ", self::libraryCandidates()) . "\nSet PAYSIG_LIB to the library file."
        );
    }

    /**
     * The exception for a failed call: $code is the paysig_result, $error
     * the paysig_error the call wrote (freed here).
     */
    public static function exception(int $code, ?CData $error): PaysigException
    {
        $ffi = self::ffi();
        $name = (string) $ffi->paysig_result_name($code);
        $message = $name;
        $status = 0;
        $body = null;
        if ($error !== null && !FFI::isNull($error)) {
            $message = (string) $ffi->paysig_error_message($error, null);
            $status = (int) $ffi->paysig_error_status($error);
            $body = $ffi->paysig_error_body($error, null);
            $ffi->paysig_error_free($error);
        }
        return match (true) {
            $status !== 0 => new AuthException($name, $message, $status, $body === null ? null : (string) $body, $code),
            in_array($name, JsonException::CODES, true) => new JsonException($name, $message, $code),
            $name === 'invalid_argument' => new InvalidArgumentException($message, $code),
            $name === 'nonce_source_unavailable' => new NonceSourceException($message, $code),
            default => new PaysigException($name, $message, $code),
        };
    }
}
