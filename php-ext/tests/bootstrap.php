<?php

declare(strict_types=1);

// The tests run without Composer: PSR-4 for Paysig\ (as composer.json
// declares it), and Guzzle from Debian's php-guzzlehttp-guzzle when present.
spl_autoload_register(static function (string $class): void {
    $prefixes = [
        'Paysig\\Tests\\' => __DIR__ . '/',
        'Paysig\\' => dirname(__DIR__) . '/src/',
    ];
    foreach ($prefixes as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

$composer = dirname(__DIR__) . '/vendor/autoload.php';
if (is_file($composer)) {
    require $composer;
} elseif (is_file('/usr/share/php/GuzzleHttp/autoload.php')) {
    require '/usr/share/php/GuzzleHttp/autoload.php';
}
