<?php

declare(strict_types=1);

/*
 * Preloads libpaysig for php-fpm (and any SAPI where ffi.enable=preload
 * restricts FFI to preloaded code). In php.ini:
 *
 *     ffi.enable=preload
 *     opcache.preload=/path/to/vendor/paysig/paysig/preload.php
 *     opcache.preload_user=www-data        ; when FPM starts as root
 *
 * It writes the header with FFI_SCOPE "PAYSIG" and FFI_LIB (the library's
 * absolute path: the one bundled in this package for the running platform,
 * lib/linux-x86_64-{gnu,musl}/, else the system's; never a build
 * directory) in front to build/paysig-preload.h beside this file (or the
 * system temp directory when that is not writable), and declares it with
 * FFI::load; every request then finds FFI::scope('PAYSIG').
 *
 * When FPM runs as root with opcache.preload_user, FFI::load inside
 * preloading fails before PHP 8.3 (php-src#4842): write the header once
 * and declare it with ffi.preload; keep opcache.preload, which then
 * preloads paysig's classes only (with ffi.enable=preload, only preloaded
 * code may use FFI, so the classes must be preloaded either way):
 *
 *     php vendor/paysig/paysig/preload.php --write-header /etc/php/paysig-preload.h
 *     ; php.ini:
 *     ffi.enable=preload
 *     ffi.preload=/etc/php/paysig-preload.h
 *     opcache.preload=/path/to/vendor/paysig/paysig/preload.php
 *
 * PAYSIG_LIB and PAYSIG_HEADER choose the files, as for the loader.
 */

require_once __DIR__ . '/src/Exception/PaysigException.php';
require_once __DIR__ . '/src/Exception/LibraryLoadException.php';
require_once __DIR__ . '/src/Library.php';

use Paysig\Library;

/** Writes $text to $path unless it is already there; returns $path. */
$write = static function (string $path, string $text): string {
    if (@file_get_contents($path) !== $text) {
        $dir = dirname($path);
        if (!is_dir($dir) && !@mkdir($dir, 0755, true) && !is_dir($dir)) {
            throw new RuntimeException("cannot create $dir");
        }
        // Write then rename: a reader never sees half a header.
        $tmp = $path . '.' . getmypid() . '.tmp';
        if (@file_put_contents($tmp, $text) === false || !@rename($tmp, $path)) {
            @unlink($tmp);
            throw new RuntimeException("cannot write $path");
        }
    }
    return $path;
};

$files = Library::locate();
// FFI_LIB must outlive the build that made it: the library bundled in the
// package (the release's dist archive) or the system's is used in place,
// but the paysig repository's own target/release build is copied beside
// the header first, so a `cargo clean` cannot break the server's next start.
$build = realpath(Library::repositoryBuild());
if ($build !== false && $files['library'] === $build) {
    $bytes = (string) file_get_contents($build);
    $name = 'libpaysig-' . substr(hash('sha256', $bytes), 0, 16) . '.so';
    try {
        $files['library'] = $write(__DIR__ . '/build/' . $name, $bytes);
    } catch (RuntimeException) {
        $files['library'] = $write(sys_get_temp_dir() . '/' . $name, $bytes);
    }
}
$text = Library::preloadHeader($files['library'], $files['header']);

if (PHP_SAPI === 'cli' && ($argv[1] ?? null) === '--write-header') {
    $target = $argv[2] ?? null;
    if ($target === null) {
        fwrite(STDERR, "usage: php preload.php --write-header PATH\n");
        exit(2);
    }
    $write($target, $text);
    echo "wrote $target (FFI_SCOPE \"" . Library::SCOPE . "\", FFI_LIB \"{$files['library']}\")\n";
    echo "php.ini: ffi.enable=preload and ffi.preload=$target\n";
    return;
}

try {
    FFI::scope(Library::SCOPE); // declared already by ffi.preload
} catch (FFI\Exception) {
    try {
        $header = $write(__DIR__ . '/build/paysig-preload.h', $text);
    } catch (RuntimeException) {
        $header = $write(sys_get_temp_dir() . '/paysig-preload-' . hash('sha256', $text) . '.h', $text);
    }
    // PHP before 8.3 refuses FFI::load while preloading as root with
    // opcache.preload_user (php-src#4842), and that refusal cannot be
    // caught here: say what to do instead.
    // Preloading then runs in a child of the root master process.
    $ppid = preg_match('/^PPid:\s+(\d+)/m', (string) @file_get_contents('/proc/self/status'), $m) ? $m[1] : '';
    $rootParent = $ppid !== '' && @fileowner('/proc/' . $ppid) === 0;
    if (PHP_VERSION_ID < 80300 && $rootParent && (string) ini_get('opcache.preload_user') !== '') {
        throw new Paysig\Exception\LibraryLoadException(
            'paysig cannot be preloaded with opcache.preload when the server starts as root with '
            . 'opcache.preload_user (PHP before 8.3). Declare libpaysig with ffi.preload instead: run '
            . '`php ' . __FILE__ . ' --write-header /etc/php/paysig-preload.h` and set '
            . 'ffi.preload=/etc/php/paysig-preload.h (opcache.preload may stay: it then preloads the classes only).'
        );
    }
    FFI::load($header);
}

// The classes are preloaded too, so no request compiles them again (not
// the Guzzle middleware: Guzzle is the application's to load).
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Paysig\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 7)) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
    }
});
foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS)) as $file) {
    $relative = substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4);
    if ($file->getExtension() === 'php' && !str_starts_with($relative, 'Guzzle/')) {
        class_exists('Paysig\\' . str_replace('/', '\\', $relative));
    }
}
