<?php

declare(strict_types=1);

namespace Paysig\Tests\Unit;

use Paysig\Exception\InvalidArgumentException;
use Paysig\Exception\JsonException;
use Paysig\Exception\PaysigException;
use Paysig\Json;
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
        $value = json_decode($case['input']['json'], false, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        self::assertSame($case['expect']['canonical'], Json::stringify($value));
    }

    /**
     * Floats go through json_encode (serialize_precision -1) and libpaysig's
     * strict reading of its text: each one comes out exactly as JavaScript
     * prints that double, or is refused (number_out_of_range), never
     * changed. Expected texts: Node's String(x) of the same bits.
     */
    public function testFloatsComeOutAsJavaScriptPrintsThemOrAreRefused(): void
    {
        $named = [0.1, 1e25, 1e-7, -0.0, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308,
            0.30000000000000004, 1e21, 1e20, 123456789012345680000.0, 4.35, 100.0, -1.5e-10,
            (float) 2 ** 53, (float) 2 ** 53 + 2.0];
        $doubles = $named;
        mt_srand(20240601);
        for ($i = 0; count($doubles) < 3000; $i++) {
            // Random bit patterns cover every exponent, subnormals included.
            $bits = pack('NN', mt_rand(0, 0xFFFFFFFF), mt_rand(0, 0xFFFFFFFF));
            $double = unpack('E', $bits)[1];
            if (is_finite($double)) {
                $doubles[] = $double;
            }
        }
        $hex = implode("\n", array_map(static fn (float $d) => bin2hex(pack('E', $d)), $doubles)) . "\n";
        $javascript = Support::node($this, 'number_to_string.js', $hex);
        self::assertCount(count($doubles), $javascript);
        $refused = [];
        foreach ($doubles as $i => $double) {
            try {
                self::assertSame($javascript[$i], Json::stringify($double), 'bits ' . bin2hex(pack('E', $double)));
            } catch (JsonException $e) {
                self::assertSame('number_out_of_range', $e->errorCode);
                $refused[] = $javascript[$i];
            }
        }
        // PHP's shortest round-trip digits are JavaScript's: none refused.
        self::assertSame([], $refused, 'floats PHP prints otherwise than JavaScript');
    }

    /** Ints beyond 2^53 would change in JavaScript: refused, as Node shows. */
    public function testIntsBeyondTwoToThe53AreRefused(): void
    {
        $ints = [2 ** 53, -(2 ** 53), 2 ** 53 + 1, PHP_INT_MAX, PHP_INT_MIN];
        $hex = implode("\n", array_map(static fn (int $n) => bin2hex(pack('E', (float) $n)), $ints)) . "\n";
        $javascript = Support::node($this, 'number_to_string.js', $hex);
        foreach ($ints as $i => $int) {
            if ($javascript[$i] === (string) $int) {
                self::assertSame($javascript[$i], Json::stringify($int));
                continue;
            }
            try {
                Json::stringify([$int]);
                self::fail("$int was accepted; JavaScript reads {$javascript[$i]}");
            } catch (JsonException $e) {
                self::assertSame('number_out_of_range', $e->errorCode);
            }
        }
    }

    /**
     * The claim behind the json_encode path: text whose digits read back
     * as the same double is either JavaScript's text or refused. At 17
     * digits PHP prints 0.1 as 0.10000000000000001: refused, loudly. Fewer
     * digits would not read back (0.30000000000000004 as 0.3, a different
     * number JavaScript prints as it is), which is why Json::encode
     * forces -1 whatever the setting, and puts the setting back.
     */
    public function testSerializePrecisionIsForcedAndRestored(): void
    {
        $saved = ini_get('serialize_precision');
        try {
            ini_set('serialize_precision', '17');
            $text = json_encode([0.1]);
            self::assertSame('[0.10000000000000001]', $text);
            try {
                Json::canonicalize((string) $text);
                self::fail('17-digit text was accepted');
            } catch (JsonException $e) {
                self::assertSame('number_out_of_range', $e->errorCode);
            }
            foreach (['17', '10', '5'] as $precision) {
                ini_set('serialize_precision', $precision);
                [$want] = Support::node($this, 'number_to_string.js', bin2hex(pack('E', 0.1 + 0.2)) . "\n");
                self::assertSame("[$want]", Json::stringify([0.1 + 0.2]), "serialize_precision $precision");
                self::assertSame($precision, ini_get('serialize_precision'));
                try {
                    Json::stringify([NAN]);
                    self::fail('NaN was accepted');
                } catch (JsonException) {
                    self::assertSame($precision, ini_get('serialize_precision'), 'restored after a failure');
                }
            }
        } finally {
            ini_set('serialize_precision', (string) $saved);
        }
    }

    /**
     * PHP values, each beside JSON text of the same JavaScript value:
     * Json::stringify of the one equals Node's canonical form of the other.
     */
    public function testPhpValuesBecomeWhatJavaScriptWouldWrite(): void
    {
        $serializable = new class () implements \JsonSerializable {
            public function jsonSerialize(): mixed
            {
                return ['z' => 'y', 'list' => [1, 2.5]];
            }
        };
        $object = new class () {
            public int $a = 1;
            public ?string $b = null;
            public int $unset;
            protected int $hidden = 2;
            private int $secret = 3;
        };
        $cases = [
            [['b' => 1, 2 => 2, 'a' => 3, 1 => 4], '{"b":1,"2":2,"a":3,"1":4}'],
            [[1, 'x', null, true, false], '[1,"x",null,true,false]'],
            [[], '[]'],
            [[3 => 'a', 4 => 'b'], '{"3":"a","4":"b"}'],
            [new \stdClass(), '{}'],
            [(object) ['a' => null, '0' => 'zero'], '{"a":null,"0":"zero"}'],
            [new \ArrayObject(), '{}'],
            [new \ArrayObject(['x' => [], 'y' => 1]), '{"x":[],"y":1}'],
            [new \ArrayObject([1, 2]), '{"0":1,"1":2}'],
            [$serializable, '{"z":"y","list":[1,2.5]}'],
            [SampleCurrency::Euro, '"EUR"'],
            [['n' => SampleLevel::High], '{"n":3}'],
            [$object, '{"a":1,"b":null}'],
            ["é/€\u{2028}\u{7f}\t\"\\", '"é/€\u2028\u007f\t\"\\\\"'],
            [['amount' => 100.0, 'rate' => 0.5, 'tiny' => 1e-7, 'big' => 1e21], '{"amount":100,"rate":0.5,"tiny":1e-7,"big":1e21}'],
        ];
        $canonical = Support::nodeCanonical($this, array_column($cases, 1));
        foreach ($cases as $i => [$value, $json]) {
            self::assertSame($canonical[$i], Json::stringify($value), $json);
        }
    }

    public function testValuesWithoutJsonFormAreRefused(): void
    {
        foreach (['a resource' => fopen('php://memory', 'r'), 'a non-backed enum' => SampleUnit::Piece] as $what => $value) {
            try {
                Json::stringify(['v' => $value]);
                self::fail("$what was accepted");
            } catch (InvalidArgumentException $e) {
                self::assertSame('invalid_argument', $e->errorCode, $what);
                self::assertNotInstanceOf(JsonException::class, $e, $what);
            }
        }
    }

    public function testStringifyRefusesWhatCoreRefuses(): void
    {
        $loop = new \stdClass();
        $loop->self = $loop;
        $deep = 1;
        for ($i = 0; $i < 200; $i++) {
            $deep = [$deep]; // beyond libpaysig's 128 levels
        }
        $deeper = $deep;
        for ($i = 0; $i < 400; $i++) {
            $deeper = [$deeper]; // beyond json_encode's depth too
        }
        $cases = [
            [[2 ** 53 + 1], 'number_out_of_range'],
            [[NAN], 'number_out_of_range'],
            [['x' => -INF], 'number_out_of_range'],
            [["\xff"], 'invalid_string'],
            [["k\xc3" => 1], 'invalid_string'],
            [$loop, 'too_deep'],
            [$deep, 'too_deep'],
            [$deeper, 'too_deep'],
        ];
        foreach ($cases as $i => [$value, $code]) {
            try {
                Json::stringify($value);
                self::fail("case $i was accepted");
            } catch (JsonException $e) {
                self::assertSame($code, $e->errorCode, "case $i");
            }
        }
    }
}

enum SampleCurrency: string
{
    case Euro = 'EUR';
}

enum SampleLevel: int
{
    case High = 3;
}

enum SampleUnit
{
    case Piece;
}
