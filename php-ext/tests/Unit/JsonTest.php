<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Exception\PaysigException;
use Paysig\Json;
use Paysig\Library;
use Paysig\Tests\Support;
use PHPUnit\Framework\TestCase;

final class JsonTest extends TestCase
{
    /** @return iterable<string, array{array<string, mixed>}> */
    public static function canonicalCases(): iterable
    {
        foreach (Support::vectors('canonical')['cases'] as $case) {
            yield $case['name'] => [$case];
        }
    }

    /**
     * @dataProvider canonicalCases
     * @param array<string, mixed> $case
     */
    public function testCanonicalizeMatchesTheVectors(array $case): void
    {
        if (isset($case['expect']['error'])) {
            try {
                Json::canonicalize($case['input']['json']);
                self::fail('expected ' . $case['expect']['error']);
            } catch (JsonException $e) {
                self::assertSame($case['expect']['error'], $e->errorCode);
            }
            return;
        }
        self::assertSame($case['expect']['canonical'], Json::canonicalize($case['input']['json']));
    }

    public function testBadJsonIsAJsonException(): void
    {
        $this->expectException(JsonException::class);
        try {
            Json::canonicalize("{'a': 1}");
        } catch (JsonException $e) {
            self::assertSame('invalid_json', $e->errorCode);
            self::assertInstanceOf(InvalidArgumentException::class, $e);
            self::assertInstanceOf(PaysigException::class, $e);
            self::assertSame(1, $e->getCode()); // PAYSIG_RESULT_INVALID_JSON
            throw $e;
        }
    }

    public function testPrecisionLossIsRefused(): void
    {
        foreach (['9007199254740993', '1e400', '0.10000000000000000000000001'] as $json) {
            try {
                Json::canonicalize($json);
                self::fail("$json was accepted");
            } catch (JsonException $e) {
                self::assertSame('number_out_of_range', $e->errorCode, $json);
            }
        }
    }

    public function testDuplicateKeysAreRefused(): void
    {
        try {
            Json::canonicalize('{"a":1,"a":2}');
            self::fail('a duplicate key was accepted');
        } catch (JsonException $e) {
            self::assertSame('duplicate_key', $e->errorCode);
        }
    }

    /** The token stream, byte for byte as the format documents it. */
    public function testTokensFollowTheDocumentedFormat(): void
    {
        self::assertSame('n', Json::tokens(null));
        self::assertSame('t', Json::tokens(true));
        self::assertSame('f', Json::tokens(false));
        self::assertSame("i\x01\x00\x00\x00\x00\x00\x00\x00", Json::tokens(1));
        self::assertSame("i\xff\xff\xff\xff\xff\xff\xff\xff", Json::tokens(-1));
        self::assertSame("d\x00\x00\x00\x00\x00\x00\xf8\x3f", Json::tokens(1.5));
        self::assertSame("s\x02\x00\x00\x00h\xc3", Json::tokens("h\xc3"));
        self::assertSame('[]', Json::tokens([]));
        self::assertSame("[i\x02\x00\x00\x00\x00\x00\x00\x00n]", Json::tokens([2, null]));
        self::assertSame("{k\x01\x00\x00\x00bt}", Json::tokens(['b' => true]));
        // Integer keys are strings in JSON; a non-list array is an object.
        self::assertSame("{k\x01\x00\x00\x001f}", Json::tokens([1 => false]));
        self::assertSame('{}', Json::tokens(new \stdClass()));
        self::assertSame('{}', Json::tokens(new \ArrayObject()));
        self::assertSame("{k\x01\x00\x00\x00an}", Json::tokens((object) ['a' => null]));
        self::assertSame("{k\x01\x00\x00\x00x[]}", Json::tokens(new \ArrayObject(['x' => []])));
        $serializable = new class () implements \JsonSerializable {
            public function jsonSerialize(): mixed
            {
                return ['z' => 'y'];
            }
        };
        self::assertSame("{k\x01\x00\x00\x00zs\x01\x00\x00\x00y}", Json::tokens($serializable));
    }

    public function testValuesWithoutJsonFormAreRefused(): void
    {
        foreach ([new \DateTimeImmutable(), fopen('php://memory', 'r'), static fn () => 1] as $value) {
            try {
                Json::tokens(['v' => $value]);
                self::fail(get_debug_type($value) . ' was accepted');
            } catch (InvalidArgumentException $e) {
                self::assertSame('invalid_argument', $e->errorCode);
            }
        }
    }

    public function testAnObjectThatContainsItselfIsRefused(): void
    {
        $loop = new \stdClass();
        $loop->self = $loop;
        $this->expectException(JsonException::class);
        Json::tokens($loop);
    }

    /**
     * Json::stringify of the PHP value json_decode reads from each
     * canonical vector gives the vector's canonical text.
     *
     * @dataProvider canonicalCases
     * @param array<string, mixed> $case
     */
    public function testStringifyMatchesTheVectors(array $case): void
    {
        if (isset($case['expect']['error'])) {
            $this->addToAssertionCount(1); // refusals of JSON text: canonicalize's job
            return;
        }
        $this->requireTokens();
        $value = json_decode($case['input']['json'], false, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        self::assertSame($case['expect']['canonical'], Json::stringify($value));
    }

    public function testStringifyRefusesWhatCoreRefuses(): void
    {
        $this->requireTokens();
        foreach ([[2 ** 53 + 1, 'number_out_of_range'], [NAN, 'number_out_of_range'], ["\xff", 'invalid_string']] as [$value, $code]) {
            try {
                Json::stringify([$value]);
                self::fail(var_export($value, true) . ' was accepted');
            } catch (JsonException $e) {
                self::assertSame($code, $e->errorCode);
            }
        }
    }

    public function testStringifyWithoutTheLibraryFunctionSaysSo(): void
    {
        if (Library::hasTokens()) {
            $this->addToAssertionCount(1);
            return;
        }
        $this->expectException(PaysigException::class);
        $this->expectExceptionMessage('paysig_canonicalize_tokens');
        Json::stringify(['a' => 1]);
    }

    private function requireTokens(): void
    {
        if (!Library::hasTokens()) {
            self::markTestIncomplete(
                'libpaysig does not declare paysig_canonicalize_tokens yet (the planned ABI addition): '
                . 'Json::stringify cannot run'
            );
        }
    }
}
