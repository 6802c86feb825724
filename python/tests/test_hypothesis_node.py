"""Property tests: canonical_json of generated Python values equals Node's
JSON.stringify(JSON.parse(text)) of the same value written as JSON text;
values JavaScript would change are refused, and only those."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paysig
from conftest import Node

MAX_SAFE = 2**53

# Keys JavaScript orders specially, mixed with ordinary text.
keys = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["0", "1", "2", "10", "01", "-1", "1.0", "4294967294", "4294967295", "__proto__"]),
    st.integers(0, 2**32).map(str),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE, MAX_SAFE),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(keys, inner, max_size=6),
    ),
    max_leaves=40,
)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(values)
def test_values_match_javascript(node: Node, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    expected = node.stringify(text)
    assert paysig.canonical_json(value) == expected
    assert paysig.canonicalize(text) == expected


def js_changes(node: Node, literal: str) -> bool:
    """Whether JavaScript prints a number literal with another value."""
    printed = node.stringify(literal)
    return printed == "null" or printed is None or Decimal(printed) != Decimal(literal)


@SETTINGS
@given(st.integers(-(10**25), 10**25) | st.integers(-(2**64), 2**64) | st.sampled_from([10**21, 2**60, 10**22 * 3]))
def test_integers_are_refused_exactly_when_javascript_changes_them(node: Node, n: int) -> None:
    literal = str(n)
    try:
        out = paysig.canonical_json(n)
    except paysig.CanonicalJsonError as e:
        assert e.code == "number_out_of_range"
        assert js_changes(node, literal)
    else:
        assert out == node.stringify(literal)
        assert not js_changes(node, literal)


@SETTINGS
@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals_are_refused_exactly_when_javascript_changes_them(node: Node, d: Decimal) -> None:
    literal = str(d)
    try:
        out = paysig.canonical_json(d)
    except paysig.CanonicalJsonError as e:
        assert e.code == "number_out_of_range"
        assert js_changes(node, literal)
    else:
        assert out == node.stringify(literal)
        assert not js_changes(node, literal)
