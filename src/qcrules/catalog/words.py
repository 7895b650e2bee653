"""The plan's own words for bounds and commitments, read into operators.

Inclusive words include the number (民法典 第1259条: 以上、以下、以内 include it; 超过、不满、以外
exclude it). GB/T 8170-2008 §4.1: 大于/高于/多于/超过 → >; 小于/低于/少于/不足 → <;
不小于/不低于/不少于/至少 → ≥; 不大于/不高于/不多于/至多 → ≤. "达X" with no qualifier is a floor.
"""

from __future__ import annotations

import re

import attrs

from .model import Commitment, Op
from .units import normalize_text

__all__ = ["BoundText", "WordError", "parse_bound_text", "parse_commitment"]

# Longest first, so that 不低于 is not read as 低于.
PREFIX_OPS: tuple[tuple[str, Op], ...] = (
    (">=", Op.GE), ("≥", Op.GE), ("<=", Op.LE), ("≤", Op.LE), ("=", Op.EQ),
    (">", Op.GT), ("<", Op.LT),
    ("不低于", Op.GE), ("不小于", Op.GE), ("不少于", Op.GE), ("至少", Op.GE),
    ("不高于", Op.LE), ("不大于", Op.LE), ("不多于", Op.LE), ("不超过", Op.LE), ("至多", Op.LE),
    ("超过", Op.GT), ("高于", Op.GT), ("大于", Op.GT), ("多于", Op.GT),
    ("低于", Op.LT), ("小于", Op.LT), ("少于", Op.LT), ("不足", Op.LT), ("不满", Op.LT),
    ("等于", Op.EQ),
)
SUFFIX_OPS: tuple[tuple[str, Op], ...] = (("以上", Op.GE), ("以下", Op.LE), ("以内", Op.LE))
# Words that carry no comparison themselves, with the default they imply when nothing else does.
NEUTRAL_WORDS: tuple[tuple[str, Op | None], ...] = (
    ("稳定在", None), ("保持在", None), ("控制在", Op.LE), ("缩小至", Op.LE), ("缩小到", Op.LE),
    ("下降至", Op.LE), ("下降到", Op.LE), ("降至", Op.LE), ("降低到", Op.LE), ("提高到", Op.GE),
    ("提高至", Op.GE), ("达到", Op.GE), ("完成", Op.GE), ("达", Op.GE), ("前", Op.LE),
)

_COMMITMENTS = {
    "ensure": Commitment.ENSURE, "确保": Commitment.ENSURE,
    "strive": Commitment.STRIVE, "力争": Commitment.STRIVE, "争取": Commitment.STRIVE,
    "努力": Commitment.STRIVE,
    "none": Commitment.NONE, "无": Commitment.NONE,
}


class WordError(ValueError):
    """A bound or commitment written in words qcrules does not read."""


@attrs.frozen
class BoundText:
    """A bound read from text: the operator and the remaining quantity text (may be empty)."""

    op: Op
    quantity: str
    words: str


def parse_bound_text(text: str, *, default: Op | None = None) -> BoundText:
    """Read ``达8.5万元/人``, ``14件/万人以上``, ``低于1%``, ``>= 98%``, ``低于`` (no number).

    ``default`` is the operator when the text has no comparison word at all (a ratio target
    ``1:12.5`` is a ceiling).

    Raises:
        WordError: conflicting words, or no operator when there is no default.
    """
    original = text
    rest = normalize_text(text)
    # NFKC turns ≥/≤ into themselves, but keep both spellings for safety.
    prefix_op: Op | None = None
    implied: Op | None = None
    changed = True
    while changed:
        changed = False
        for word, neutral_op in NEUTRAL_WORDS:
            if rest.startswith(word):
                rest = rest[len(word):].lstrip()
                implied = implied or neutral_op
                changed = True
        for word, op in PREFIX_OPS:
            if rest.startswith(word):
                if prefix_op is not None and prefix_op is not op:
                    msg = f"{original!r} has two comparison words"
                    raise WordError(msg)
                prefix_op = op
                rest = rest[len(word):].lstrip()
                changed = True
                break
    suffix_op: Op | None = None
    for word, op in SUFFIX_OPS:
        if rest.endswith(word):
            suffix_op = op
            rest = rest[: -len(word)].rstrip()
            break
    if rest.endswith("以外") or rest.startswith("以外"):
        msg = f"{original!r}: 以外 (outside) is not a bound"
        raise WordError(msg)
    if prefix_op is not None and suffix_op is not None and prefix_op is not suffix_op:
        msg = f"{original!r} mixes {prefix_op.value} and {suffix_op.value}"
        raise WordError(msg)
    chosen: Op | None = prefix_op or suffix_op or implied or default
    if chosen is None:
        msg = (f"{original!r} has no comparison; write it with the plan's words "
               "(达, 以上, 以下, 以内, 不低于, 低于, 超过) or a symbol (>=, >, <=, <)")
        raise WordError(msg)
    return BoundText(chosen, re.sub(r"\s+", " ", rest).strip(), original)


def parse_commitment(text: object) -> Commitment:
    """``ensure``/确保, ``strive``/力争/争取/努力, ``none``.

    Raises:
        WordError: any other value.
    """
    if isinstance(text, str) and text.strip() in _COMMITMENTS:
        return _COMMITMENTS[text.strip()]
    msg = f"unknown commitment {text!r}"
    raise WordError(msg)
