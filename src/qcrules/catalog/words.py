"""The plan's own words for bounds and commitments, read into operators.

Inclusive words include the number (民法典 第1259条: 以上、以下、以内 include it; 超过、不满、以外
exclude it). GB/T 8170-2008 §4.1: 大于/高于/多于/超过 → >; 小于/低于/少于/不足 → <;
不小于/不低于/不少于/至少 → ≥; 不大于/不高于/不多于/至多 → ≤. "达X" with no qualifier is a floor.
"""

from __future__ import annotations

import re
from fractions import Fraction

import attrs

from .model import Commitment, Op
from .units import normalize_text

__all__ = ["ApproxText", "BoundText", "ChangeText", "WordError", "parse_bound_text",
           "parse_change_text", "parse_commitment", "split_approx"]

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


# Changes against a base value and approximate targets (the genre beyond the seed).

#: Verbs of a change by an amount, longest first; "提高到"/"下降至" name a level, not an amount,
#: and are bound words (NEUTRAL_WORDS), never changes.
CHANGE_VERBS: tuple[tuple[str, int], ...] = (
    ("增长", 1), ("提高", 1), ("增加", 1), ("上升", 1), ("提升", 1), ("扩大", 1),
    ("下降", -1), ("降低", -1), ("减少", -1), ("缩减", -1), ("压减", -1), ("缩小", -1),
)
_BASE = re.compile(r"^(?:比|较|与|相比)\s*(\d{4})\s*年(?:末|底|度)?(?:相比)?[,，]?\s*")
_CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
_DOUBLINGS = re.compile(r"^翻\s*(一|两|二|三|四|五|\d+)\s*番(以上)?$")
_TIMES = re.compile(r"^(\d+(?:\.\d+)?)\s*倍(以上)?$")
#: Approximation words: 左右 after the number; 约/大约 (about) and 近/接近/将近 (nearly) before it.
APPROX_SUFFIXES = ("左右",)
APPROX_PREFIXES: tuple[tuple[str, bool], ...] = (
    ("大约", False), ("约", False), ("接近", True), ("将近", True), ("近", True))


@attrs.frozen
class ChangeText:
    """A change target read from text: ``比2020年下降13.5%以上`` → direction −1, base 2020,
    and the bound on the amount (``13.5%以上``) still to be read; a multiple (翻一番 → 2) has no
    amount text but its factor."""

    direction: int
    base: int | None
    annual: bool
    amount: str
    multiple: Fraction | None = None
    words: str = ""


def parse_change_text(text: str) -> ChangeText:
    """Read ``比2020年下降13.5%``, ``较2024年提高5个百分点``, ``增加12项``, ``翻一番``, ``倍增``,
    ``年均增长8%以上``, ``年均提高1个百分点``.

    Raises:
        WordError: no change verb or doubling word, or a verb that names a level (提高到).
    """
    original = text
    rest = normalize_text(text)
    base = None
    found = _BASE.match(rest)
    if found:
        base = int(found.group(1))
        rest = rest[found.end():]
    annual = rest.startswith("年均")
    if annual:
        rest = rest[2:].lstrip()
    rest = rest.removeprefix("实现").lstrip()
    if rest in ("倍增", "双倍增", "翻番", "翻一番"):
        return ChangeText(1, base, annual, "", Fraction(2), original)
    doubling = _DOUBLINGS.match(rest)
    if doubling:
        count = _CN_SMALL.get(doubling.group(1)) or int(doubling.group(1))
        return ChangeText(1, base, annual, "", Fraction(2**count), original)
    for verb, direction in CHANGE_VERBS:
        if rest.startswith(verb):
            amount = rest[len(verb):].lstrip()
            if amount[:1] in ("到", "至"):
                msg = (f"{original!r} names the level to reach ({verb}{amount[:1]}), not a change; "
                       "write it as a floor or ceiling")
                raise WordError(msg)
            times = _TIMES.match(amount)
            if times and direction == 1:
                # 增长1倍 is +100 %: the new value is (1 + n) times the base.
                return ChangeText(1, base, annual, "", Fraction(times.group(1)) + 1, original)
            if not amount:
                msg = f"{original!r} says {verb} but not by how much"
                raise WordError(msg)
            return ChangeText(direction, base, annual, amount, None, original)
    msg = (f"{original!r} is not a change against a base: write it as the plan does "
           "(比2020年下降13.5%, 提高5个百分点, 增加12项, 翻一番, 年均增长8%)")
    raise WordError(msg)


@attrs.frozen
class ApproxText:
    """An approximate number: the text without its approximation word, and the word."""

    text: str
    word: str
    lower_only: bool


def split_approx(text: str) -> ApproxText | None:
    """``3%左右`` → (``3%``, 左右); ``近100个`` → (``100个``, 近, lower only); ``None`` when the
    text has no approximation word."""
    rest = normalize_text(text)
    for word in APPROX_SUFFIXES:
        if rest.endswith(word):
            return ApproxText(rest[: -len(word)].rstrip(), word, False)
    for word, lower_only in APPROX_PREFIXES:
        if rest.startswith(word) and rest[len(word):len(word) + 1].strip():
            following = rest[len(word):].lstrip()
            if following[:1].isdigit() or following[:1] in "零一二两三四五六七八九十百千万":
                return ApproxText(following, word, lower_only)
    return None
