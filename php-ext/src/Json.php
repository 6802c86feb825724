<?php

declare(strict_types=1);

namespace Paysig;

use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Exception\PaysigException;
use Paysig\Internal\Cells;

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
     *  - null, bool, int, float, string as themselves (ints beyond 2^53 and
     *    non-finite floats are refused: number_out_of_range; strings must
     *    be UTF-8: invalid_string);
     *  - an array that is a list (array_is_list) → a JSON array, including
     *    [] → "[]"; any other array → an object, keys as strings;
     *  - stdClass → an object of its properties; ArrayObject → an object
     *    of its entries (so `new \stdClass` or `new \ArrayObject()` is
     *    "{}"); JsonSerializable → its jsonSerialize() value; a backed enum
     *    → its value;
     *  - anything else (other objects, resources) → InvalidArgumentException.
     * Object keys come out in JavaScript's order (integer-like keys first).
     *
     * The value is handed to libpaysig as a binary token stream, never as
     * json_encode text, whose floats depend on serialize_precision.
     */
    public static function stringify(mixed $value): string
    {
        $tokens = self::tokens($value);
        if (!Library::hasTokens()) {
            throw new PaysigException(
                'unsupported',
                'Json::stringify needs paysig_canonicalize_tokens, which the loaded libpaysig ('
                . Library::version() . ') does not declare: pass the body as a JSON string instead, or '
                . 'upgrade libpaysig.'
            );
        }
        $cells = Cells::get();
        // The function takes const uint8_t*, which PHP FFI does not fill
        // from a PHP string as it does a const char*: copy into a buffer.
        $length = strlen($tokens);
        $buffer = $cells->ffi->new(\FFI::arrayType($cells->byteType, [max($length, 1)]));
        \FFI::memcpy($buffer, $tokens, $length);
        $code = $cells->ffi->paysig_canonicalize_tokens($buffer, $length, $cells->bytesAddr, $cells->errorAddr);
        if ($code !== 0) {
            throw $cells->failure($code);
        }
        return $cells->takeBytes();
    }

    /**
     * The token stream of a PHP value (the format libpaysig's
     * paysig_canonicalize_tokens reads): 'n' null, 't' true, 'f' false,
     * 'i' + int64 LE, 'd' + float64 LE, 's' + uint32 LE length + bytes,
     * '[' … ']', '{' … '}' with each member as 'k' + uint32 LE length +
     * key bytes, then the value.
     *
     * @internal
     */
    public static function tokens(mixed $value): string
    {
        $out = '';
        self::write($out, $value, 0);
        return $out;
    }

    /**
     * libpaysig refuses nesting beyond 128 levels (too_deep) by itself;
     * this guard only stops a stdClass that contains itself from recursing
     * forever before the stream reaches the library.
     */
    private const RECURSION_GUARD = 512;

    private static function write(string &$out, mixed $value, int $depth): void
    {
        if (is_array($value)) {
            self::writeMembers($out, $value, array_is_list($value), $depth);
            return;
        }
        $scalar = self::scalar($value);
        if ($scalar !== null) {
            $out .= $scalar;
            return;
        }
        if ($value instanceof \stdClass) {
            self::writeMembers($out, get_object_vars($value), false, $depth);
            return;
        }
        if ($value instanceof \ArrayObject) {
            self::writeMembers($out, $value->getArrayCopy(), false, $depth);
            return;
        }
        if ($value instanceof \JsonSerializable) {
            self::write($out, $value->jsonSerialize(), $depth + 1);
            return;
        }
        if ($value instanceof \BackedEnum) {
            self::write($out, $value->value, $depth);
            return;
        }
        throw new InvalidArgumentException(sprintf(
            'a %s has no JSON form: use arrays, stdClass, ArrayObject, JsonSerializable or scalars',
            get_debug_type($value),
        ));
    }

    /** The tokens of a scalar, or null for anything else. */
    private static function scalar(mixed $value): ?string
    {
        return match (true) {
            is_string($value) => 's' . pack('V', strlen($value)) . $value,
            is_int($value) => 'i' . pack('P', $value),
            is_float($value) => 'd' . pack('e', $value),
            $value === null => 'n',
            $value === true => 't',
            $value === false => 'f',
            default => null,
        };
    }

    /**
     * An array ($list) or object; the common scalar members are written
     * inline, since a PHP call per member costs more than its tokens.
     *
     * @param array<array-key, mixed> $members
     */
    private static function writeMembers(string &$out, array $members, bool $list, int $depth): void
    {
        if ($depth >= self::RECURSION_GUARD) {
            throw new JsonException('too_deep', 'the value nests deeper than ' . self::RECURSION_GUARD . ' levels (does it contain itself?)');
        }
        $out .= $list ? '[' : '{';
        foreach ($members as $key => $item) {
            if (!$list) {
                $key = (string) $key;
                $out .= 'k' . pack('V', strlen($key)) . $key;
            }
            if (is_string($item)) {
                $out .= 's' . pack('V', strlen($item)) . $item;
            } elseif (is_int($item)) {
                $out .= 'i' . pack('P', $item);
            } else {
                self::write($out, $item, $depth + 1);
            }
        }
        $out .= $list ? ']' : '}';
    }
}
