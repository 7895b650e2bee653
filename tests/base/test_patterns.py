"""Patterns compiled on first use behave as the compiled patterns they stand for."""

from __future__ import annotations

import re

import pytest

from qcrules.base.patterns import compiled_when_used

PATTERN = r"^(\d+(?:\.\d+)?)\s*(万元|亿元)$"


@pytest.mark.parametrize(("method", "argument"), [
    ("match", "8.5万元"), ("match", "8.5 亿元"), ("match", "八万元"), ("fullmatch", "12亿元"),
    ("search", "约 3万元"), ("findall", "7万元"), ("split", "1万元")])
def test_each_method_answers_as_the_compiled_pattern(method: str, argument: str) -> None:
    lazy = compiled_when_used(PATTERN)
    compiled = re.compile(PATTERN)
    got, expected = getattr(lazy, method)(argument), getattr(compiled, method)(argument)
    if isinstance(expected, re.Match):
        assert isinstance(got, re.Match)
        assert got.groups() == expected.groups()
    else:
        assert got == expected


def test_substitution_and_iteration_with_flags() -> None:
    lazy = compiled_when_used(r"gdp", re.IGNORECASE)
    assert lazy.sub("GDP", "Gdp per capita, gdp growth") == "GDP per capita, GDP growth"
    assert [m.span() for m in lazy.finditer("GDP gdp")] == [(0, 3), (4, 7)]
    assert lazy.flags & re.IGNORECASE
    assert lazy.pattern == "gdp"


def test_compiled_on_first_use_only() -> None:
    lazy = compiled_when_used(r"\d+")
    assert "match" not in vars(lazy)   # nothing compiled yet
    assert lazy.match("2027")
    first = vars(lazy)["match"]
    assert lazy.search("到2027年")
    assert vars(lazy)["match"] is first


def test_a_bad_pattern_fails_when_used() -> None:
    lazy = compiled_when_used(r"(unclosed")
    with pytest.raises(re.error):
        lazy.match("x")
