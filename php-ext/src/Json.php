<?php

declare(strict_types=1);

namespace Paysig;

use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Internal\Cells;

use function ini_get;
use function ini_set;
use function json_encode;
use function strlen;

/**
 * Canonical JSON: exactly the bytes JavaScript's JSON.stringify writes.
 */
final class Json
{
    /**
     * The canonical form of a JSON text, as JSON.stringify(JSON.parse($json))
     * writes it. Throws JsonException for text JavaScript would read
     * differently or not at all: invalid_json, number_out_of_range (a
     * number that would lose precision), duplicate_key, invalid_string,
     * too_deep.
     */
    public static function canonicalize(string $json): string
    {
        $cells = Cells::get();
        $code = $cells->ffi->paysig_canonicalize($json, strlen($json), $cells->bytesAddr, $cells->errorAddr);
        if ($code !== 0) {
            throw $cells->failure($code);
        }
        return $cells->takeBytes();
    }

    /**
     * The canonical JSON of a PHP value, as JSON.stringify writes it:
     *  - null, bool, int, float, string as themselves (ints JavaScript
     *    cannot hold exactly, such as 2**53 + 1 or PHP_INT_MAX, non-finite
     *    floats and floats PHP prints otherwise than JavaScript are
     *    refused: number_out_of_range; strings must be UTF-8:
     *    invalid_string);
     *  - an array that is a list (array_is_list) → a JSON array, including
     *    [] → "[]"; any other array → an object, keys as strings;
     *  - stdClass → an object of its properties; ArrayObject → an object
     *    of its entries (so `new \stdClass` or `new \ArrayObject()` is
     *    "{}"); JsonSerializable → its jsonSerialize() value; a backed enum
     *    → its value;
     *  - any other object → an object of its public properties, as
     *    json_encode writes it (a DateTime gives its date, timezone_type
     *    and timezone; an object with no public properties, a Closure
     *    included, gives "{}"): implement JsonSerializable to choose;
     *  - a resource or a non-backed enum → InvalidArgumentException;
     *    nesting beyond 128 levels, or a value that contains itself →
     *    too_deep.
     * Object keys come out in JavaScript's order (integer-like keys first).
     *
     * Json::encode writes the value as JSON text and libpaysig
     * canonicalizes it, checking every number literal: a float that PHP
     * would print otherwise than JavaScript is refused, never signed
     * changed.
     */
    public static function stringify(mixed $value): string
    {
        return self::canonicalize(self::encode($value));
    }

    /**
     * The JSON text of a PHP value, not yet canonical: json_encode with
     * serialize_precision -1 for the call (the shortest digits that read
     * back as the same float, as JavaScript prints them; the setting is
     * restored after), errors turned into paysig's exceptions. The sign
     * calls send this text to libpaysig, which canonicalizes it strictly,
     * as Json::stringify does.
     */
    public static function encode(mixed $value): string
    {
        // -1 is PHP's default: then one call does it (this runs per sign).
        $precision = ini_get('serialize_precision');
        if ($precision !== '-1') {
            return self::encodeWithPrecision($value, (string) $precision);
        }
        try {
            return json_encode($value, self::ENCODE_FLAGS, self::ENCODE_DEPTH);
        } catch (\JsonException $e) {
            throw self::encodeError($e);
        }
    }

    private const ENCODE_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR;

    /** JSON nesting json_encode allows; libpaysig's own limit (128) is lower. */
    private const ENCODE_DEPTH = 512;

    private static function encodeWithPrecision(mixed $value, string $precision): string
    {
        ini_set('serialize_precision', '-1');
        try {
            return json_encode($value, self::ENCODE_FLAGS, self::ENCODE_DEPTH);
        } catch (\JsonException $e) {
            throw self::encodeError($e);
        } finally {
            ini_set('serialize_precision', $precision);
        }
    }

    /** The paysig exception for a json_encode failure. */
    private static function encodeError(\JsonException $e): InvalidArgumentException
    {
        return match ($e->getCode()) {
            JSON_ERROR_UTF8 => new JsonException('invalid_string', 'a string is not UTF-8 text: ' . $e->getMessage(), 0, $e),
            JSON_ERROR_INF_OR_NAN => new JsonException('number_out_of_range', 'NaN and infinities have no JSON form', 0, $e),
            JSON_ERROR_DEPTH, JSON_ERROR_RECURSION => new JsonException(
                'too_deep',
                'the value nests too deep or contains itself: ' . $e->getMessage(),
                0,
                $e,
            ),
            default => new InvalidArgumentException(
                'the value has no JSON form (' . $e->getMessage() . '): use arrays, objects, '
                . 'JsonSerializable, backed enums or scalars',
                0,
                $e,
            ),
        };
    }
}
