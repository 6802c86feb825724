"""canonical_json: Python values converted in Rust, compared with Node's
JSON.stringify; and the refusals, each with core's code."""

from __future__ import annotations

import json
from collections import OrderedDict
from decimal import Decimal
from enum import IntEnum
from typing import Any

import pytest

import paysig
from conftest import Node


class Level(IntEnum):
    LOW = 1
    HUGE = 10**21


VALUES: list[Any] = [
    {"b": 1, "a": [True, False, None], "c": "x"},
    {"b": 1, "10": 2, "a": 3, "2": 4, "01": 5, "4294967295": 6, "4294967294": 7},
    {"x": {"1": 1, "0": 0}, "0": [{"b": [], "a": {}}]},
    ["😀\u2028/\u007f\u00e9", "\u0000\u001f\b\t\n\r\f\"\\"],
    [0.0, -0.0, 1.5, 100.0, 1e21, 1e-7, 1e-6, 0.1, 5e-324, 1.7976931348623157e308, -12],
    [2**53, -(2**53), 10**21, 10**22, 123456789],
    "",
    {},
    [],
    OrderedDict([("z", 1), ("1", 2)]),
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_equals_javascript(node: Node, value: Any) -> None:
    assert paysig.canonical_json(value) == node.stringify(json.dumps(value))


def test_tuples_are_arrays(node: Node) -> None:
    assert paysig.canonical_json((1, ("a",), [])) == node.stringify('[1, ["a"], []]')


def test_bool_is_not_an_int(node: Node) -> None:
    assert paysig.canonical_json([True, False]) == node.stringify("[true, false]")


def test_int_subclasses_are_their_value(node: Node) -> None:
    # IntEnum prints its name with str(); its JSON is the number.
    assert paysig.canonical_json([Level.LOW, Level.HUGE]) == node.stringify(f"[1, {10**21}]")


@pytest.mark.parametrize("text", ["1.50", "-0.0", "1E+2", "0.000001", "1e-7", "12345678.9", "1E21"])
def test_decimals_print_as_javascript_reads_them(node: Node, text: str) -> None:
    assert paysig.canonical_json(Decimal(text)) == node.stringify(text)


def test_same_as_canonicalizing_the_text(node: Node) -> None:
    text = '{"amount": 100.50, "2": "x", "items": [1e21, "é"]}'
    value = json.loads(text)
    assert paysig.canonical_json(value) == paysig.canonicalize(text) == node.stringify(text)
    assert paysig.canonicalize(text.encode()) == node.stringify(text)


def code_of(value: Any) -> str:
    with pytest.raises(paysig.CanonicalJsonError) as info:
        paysig.canonical_json(value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, paysig.PaysigError)
    return info.value.code


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_refusals_carry_core_codes() -> None:
    assert code_of(2**53 + 1) == "number_out_of_range"
    assert code_of(-(2**53) - 1) == "number_out_of_range"
    assert code_of(2**64) == "number_out_of_range"
    assert code_of(10**400) == "number_out_of_range"
    assert code_of(float("nan")) == "number_out_of_range"
    assert code_of(float("inf")) == "number_out_of_range"
    assert code_of(Decimal("NaN")) == "number_out_of_range"
    assert code_of(Decimal("-Infinity")) == "number_out_of_range"
    assert code_of(Decimal("0.1000000000000000000000001")) == "number_out_of_range"
    assert code_of(Decimal("9007199254740993")) == "number_out_of_range"
    assert code_of({1: "a"}) == "invalid_json"
    assert code_of({("a",): 1}) == "invalid_json"
    for other in [{1, 2}, b"bytes", object(), 1j, bytearray(b"x")]:
        assert code_of(other) == "invalid_json"
    assert code_of(["\ud800"]) == "invalid_string"
    assert code_of({"\udc00": 1}) == "invalid_string"


def test_depth_limit_is_core_s() -> None:
    assert paysig.canonical_json(nested(128)) == "[" * 128 + "]" * 128
    assert code_of(nested(129)) == "too_deep"
    loop: list[Any] = []
    loop.append(loop)
    assert code_of(loop) == "too_deep"
    deep_dict: Any = {}
    for _ in range(200):
        deep_dict = {"a": deep_dict}
    assert code_of(deep_dict) == "too_deep"


def test_canonicalize_refusals() -> None:
    for text, code in [
        ("[1,]", "invalid_json"),
        ('{"a":1,"a":2}', "duplicate_key"),
        ("[9007199254740993]", "number_out_of_range"),
        ('["\\ud800"]', "invalid_string"),
        ("[" * 129 + "]" * 129, "too_deep"),
    ]:
        with pytest.raises(paysig.CanonicalJsonError) as info:
            paysig.canonicalize(text)
        assert info.value.code == code, text
    with pytest.raises(paysig.CanonicalJsonError) as info:
        paysig.canonicalize(b'["\xff"]')
    assert info.value.code == "invalid_string"
    with pytest.raises(TypeError):
        paysig.canonicalize(12)  # type: ignore[arg-type]


def test_large_documents_round_trip(node: Node) -> None:
    doc = {f"k{i}": {"id": i, "name": f"item {i} é", "price": i / 7, "tags": ["a", "b"]} for i in range(2000)}
    text = json.dumps(doc)
    assert len(text) > 64 * 1024
    assert paysig.canonical_json(doc) == node.stringify(text)
    assert paysig.canonicalize(text) == node.stringify(text)
