"""YAML read with libyaml's parser (C) is read exactly as with PyYAML's Python parser: the same
values, the same places, the same problems; a document libyaml cannot read is read again by
the Python parser, whose problem is reported."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from qcrules.catalog import parse
from qcrules.catalog.parse import LocatedList, LocatedMap, NotANumber, parse_yaml_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p for folder in ("rules", "examples", "tests", "docs")
               for suffix in ("*.yaml", "*.yml", "*.json")
               for p in (ROOT / folder).rglob(suffix))

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__,
                                reason="this PyYAML was built without libyaml")

#: Forms YAML allows, each a small document.
FORMS = [
    "a: 1\nb: [1, 2.50, -3e2, 0x1F, 0o17, 1_000, .inf, -.Inf, .nan, ~, null, true, No, off]\n",
    "text: |\n  line one\n  line two\n\nkeep: |+\n  kept\n\nstrip: >-\n  folded\n  words\n\n  next\n",
    "q: 'it''s'\nd: \"tab\\there \\u00e9 \\x41 \\N \\_ \\L \\P end\"\nnel: \"a\\u0085b\"\n",
    "plain: a long\n  plain scalar\n  over lines\nafter: x\n",
    "anchors: &one {x: 1, y: [a, b]}\nagain: *one\nlist: [*one, *one]\n",
    "merge:\n  <<: {a: 1}\n  b: 2\n",
    "dup: 1\ndup: 2\n",
    "? complex key\n: value\n[1, 2]: flow key\n",
    "# a comment\nk: v # trailing\n\n\n# end\n",
    "crlf: 1\r\nnext: two\r\n",
    "\ufeffbom: 1\n",
    "目标: 达到8.5万元/人\n单位: \"万元/人\"\n全角: １∶１２.５\n",
    '{"json": {"nested": [1, 2.5, "x", null, true]}, "e": "\\ud840\\udc00"}',
    '{"lone": "\\ud800"}',
    "key with: colon: inside\n",
    "- a\n- b:\n    c: d\n- [e, {f: g}]\n",
    "date: 2026-01-01\ntime: 12:30:00\nversion: 1.10\n",
    "",
    "---\n...\n",
    "a: 1\n---\nb: 2\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "\tindented: with a tab\n",
    "a: \"unclosed\n",
    "x: !!python/object:os.system ls\n",
    "big: 123456789012345678901234567890\nsmall: 1e-400\n",
]


def _shape(value: Any) -> Any:
    """A value with every place it was read at, for comparing."""
    if isinstance(value, LocatedMap):
        return ("map", value.location, [(key, value.key_locations[key], _shape(item))
                                        for key, item in value.items()])
    if isinstance(value, LocatedList):
        return ("list", value.location, [(where, _shape(item))
                                         for where, item in zip(value.item_locations, value,
                                                                strict=True)])
    if isinstance(value, NotANumber):
        return ("nan", value.text)
    if isinstance(value, Fraction):
        return ("fraction", value)
    return (type(value).__name__, value)


def _both(text: str) -> tuple[Any, Any]:
    fast = parse_yaml_text(text, file="f.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_PURE_YAML", True)
        pure = parse_yaml_text(text, file="f.yaml")
    return ((_shape(fast.data), fast.diagnostics), (_shape(pure.data), pure.diagnostics))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    fast, pure = _both(text)
    assert fast == pure


@pytest.mark.parametrize("text", FORMS)
def test_the_forms_yaml_allows(text: str) -> None:
    fast, pure = _both(text)
    assert fast == pure


def test_the_bundled_plan_is_read_by_libyaml() -> None:
    """The fast parser reads the bundled plan to the end itself (no second reading)."""
    text = (ROOT / "rules" / "tongcheng-2025-2027.yaml").read_text(encoding="utf-8")
    loader = parse._safe_composer(fast=True)(text, "plan.yaml")
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert isinstance(node, yaml.MappingNode)
    assert loader.composed > 1000


@pytest.mark.parametrize("text", ["\n".join(f"k{i}: {i}" for i in range(60)),
                                  "a: " + "[" * 70 + "]" * 70])
def test_a_document_past_a_limit_is_refused_at_the_same_place(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "LIMITS", attrs.evolve(parse.LIMITS, max_nodes=50))
    fast, pure = _both(text)
    assert fast == pure
    assert fast[1][0].code == "QC155"
