"""The plan's own words for bounds and commitments, read into operators.

Inclusive words include the number (民法典 第1259条: 以上、以下、以内 include it; 超过、不满、以外
exclude it). GB/T 8170-2008 §4.1: 大于/高于/多于/超过 → >; 小于/低于/少于/不足 → <;
不小于/不低于/不少于/至少 → ≥; 不大于/不高于/不多于/至多 → ≤. "达X" with no qualifier is a floor.
A range "3—5个", "80至100之间" includes both ends (GB/T 8170 从A到B). Whole phrases state a bound
of their own: 为零/不发生 (= 0 of a count), 零的突破 (≥ 1), 全覆盖 (100 %), 前三 (a rank ≤ 3),
第一方阵/前列 (a rank within a tier whose size the rule declares).

Every table here is matched longest word first, so that 不低于 is never read as 低于.
"""

from __future__ import annotations

import enum
import re
from fractions import Fraction
from typing import TypeVar

import attrs

from ..base.numbers import MAX_DIGITS, too_many_digits
from ..base.patterns import compiled_when_used
from .model import Commitment, Kind, Op
from .units import normalize_text

__all__ = ["ApproxText", "BoundText", "ChangeText", "Form", "TargetText", "WordError",
           "parse_bound_text", "parse_change_text", "parse_commitment", "read_target",
           "split_approx"]


_T = TypeVar("_T")


def _longest_first(table: tuple[tuple[str, _T], ...]) -> tuple[tuple[str, _T], ...]:
    """The table with longer words first (a stable sort keeps the written order otherwise)."""
    return tuple(sorted(table, key=lambda entry: -len(entry[0])))


# Longest first, so that 不低于 is not read as 低于.
PREFIX_OPS: tuple[tuple[str, Op], ...] = _longest_first((
    (">=", Op.GE), ("≥", Op.GE), ("<=", Op.LE), ("≤", Op.LE), ("=", Op.EQ),
    (">", Op.GT), ("<", Op.LT),
    ("不低于", Op.GE), ("不小于", Op.GE), ("不少于", Op.GE), ("至少", Op.GE),
    ("不高于", Op.LE), ("不大于", Op.LE), ("不多于", Op.LE), ("不超过", Op.LE), ("至多", Op.LE),
    ("不突破", Op.LE),
    ("超过", Op.GT), ("高于", Op.GT), ("大于", Op.GT), ("多于", Op.GT), ("突破", Op.GT),
    ("低于", Op.LT), ("小于", Op.LT), ("少于", Op.LT), ("不足", Op.LT), ("不满", Op.LT),
    ("等于", Op.EQ),
))
SUFFIX_OPS: tuple[tuple[str, Op], ...] = _longest_first((
    ("以上", Op.GE), ("以下", Op.LE), ("以内", Op.LE),
))
# Words that carry no comparison themselves, with the default they imply when nothing else does.
NEUTRAL_WORDS: tuple[tuple[str, Op | None], ...] = _longest_first((
    ("稳定在", None), ("保持在", None), ("控制在", Op.LE), ("缩小至", Op.LE), ("缩小到", Op.LE),
    ("下降至", Op.LE), ("下降到", Op.LE), ("降至", Op.LE), ("降低到", Op.LE), ("降低至", Op.LE),
    ("减少至", Op.LE), ("减少到", Op.LE),
    ("提高到", Op.GE), ("提高至", Op.GE), ("上升到", Op.GE), ("上升至", Op.GE),
    ("增长到", Op.GE), ("增长至", Op.GE), ("提升到", Op.GE), ("提升至", Op.GE),
    ("达到", Op.GE), ("完成", Op.GE), ("达", Op.GE), ("前", Op.LE),
    ("要", None), ("在", None), ("均", None),
))
#: Neutral words whose direction is their meaning, not only a default: 提高到5%以下 or
#: 降至3%以上 says two things and is refused. (达, 控制在 only default: 达到0.5以下 is ≤.)
DIRECTIONAL_WORDS: frozenset[str] = frozenset((
    "缩小至", "缩小到", "下降至", "下降到", "降至", "降低到", "降低至", "减少至", "减少到",
    "提高到", "提高至", "上升到", "上升至", "增长到", "增长至", "提升到", "提升至", "前",
))
#: Words that close a range: 80至100之间, 3%—5%范围内.
RANGE_SUFFIXES: tuple[str, ...] = ("范围内", "之间")
#: What stands between the two numbers of a range: dashes (—, –, －), tildes (~, ～) and 至, 到.
#: A plain "-" separates only when a number stands on both sides: "-5%" alone is negative.
RANGE_SEPARATORS: tuple[str, ...] = ("——", "—", "–", "‒", "―", "-", "~", "〜", "至", "到")


class Form(enum.Enum):
    """How a target is written; some forms decide the rule's kind (:data:`FORM_KINDS`)."""

    WORDS = "words"                # a comparison word or symbol: 达8.5万元, 98%以上, >= 98%
    BARE = "bare"                  # a number and no bound word: 1100亿元
    RANGE = "range"                # two numbers, both included: 3—5个, 80至100之间
    ZERO = "zero"                  # none of what is counted: 重大事故为零, 不发生…事故
    BREAKTHROUGH = "breakthrough"  # at least one: 零的突破
    COVERAGE = "coverage"          # 100 %: 全覆盖
    TOP = "top"                    # a rank at or above N: 前三, 前10位
    TIER = "tier"                  # a rank within the declared tier: 第一方阵, 前列


@attrs.frozen
class Phrase:
    """A phrase that is a whole target: where it stands, the form and the bound it states.

    ``place`` is ``"end"`` when what the target is about comes before it (重大事故为零) and
    ``"start"`` when it comes after (不发生重大质量安全事故). ``threshold`` is the number as
    text, or ``None`` when the rule's declared ``tier`` gives it.
    """

    words: str
    place: str
    form: Form
    op: Op
    threshold: str | None


PHRASES: tuple[Phrase, ...] = tuple(sorted((
    Phrase("实现零的突破", "end", Form.BREAKTHROUGH, Op.GE, "1"),
    Phrase("零的突破", "end", Form.BREAKTHROUGH, Op.GE, "1"),
    Phrase("实现全覆盖", "end", Form.COVERAGE, Op.GE, "100%"),
    Phrase("全覆盖", "end", Form.COVERAGE, Op.GE, "100%"),
    Phrase("零事故", "end", Form.ZERO, Op.EQ, "0"),
    Phrase("为零", "end", Form.ZERO, Op.EQ, "0"),
    Phrase("实现零", "start", Form.ZERO, Op.EQ, "0"),
    Phrase("不发生", "start", Form.ZERO, Op.EQ, "0"),
    Phrase("第一方阵", "end", Form.TIER, Op.LE, None),
    Phrase("前列", "end", Form.TIER, Op.LE, None),
), key=lambda phrase: -len(phrase.words)))

#: The kinds each form fits, the first being the kind a rule without ``kind`` gets. Forms not
#: listed (words, a bare number) fit any numeric kind whose side they bound.
FORM_KINDS: dict[Form, tuple[Kind, ...]] = {
    Form.RANGE: (Kind.RANGE,),
    Form.ZERO: (Kind.COUNT, Kind.CEILING),
    Form.BREAKTHROUGH: (Kind.COUNT, Kind.FLOOR),
    Form.COVERAGE: (Kind.FLOOR,),
    Form.TOP: (Kind.RANK, Kind.CEILING),
    Form.TIER: (Kind.RANK,),
}

_COMMITMENTS = {
    "ensure": Commitment.ENSURE, "确保": Commitment.ENSURE,
    "strive": Commitment.STRIVE, "力争": Commitment.STRIVE, "争取": Commitment.STRIVE,
    "努力": Commitment.STRIVE,
    "none": Commitment.NONE, "无": Commitment.NONE,
}

_DIGITS = "〇零一二两三四五六七八九十百"
_DIGIT_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                 "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(?:\d[\d,]*(?:\.\d*)?|\.\d+)"
_SEPARATOR = "|".join(re.escape(s) for s in RANGE_SEPARATORS)
_NOT_SEPARATOR = "".join(re.escape(s) for s in RANGE_SEPARATORS if len(s) == 1)
# Matched on the text without spaces, so that no run of spaces makes the match slow.
_RANGE_RE = compiled_when_used(rf"^({_NUMBER})([^\d{_NOT_SEPARATOR}]*?)({_SEPARATOR})"
                               rf"({_NUMBER})([^\d{_NOT_SEPARATOR}]*)$")
_TOP_SCOPE_RE = compiled_when_used(rf"^(\D*?)(?=前(?:\d|[{_DIGITS}]))")
_CHINESE_NUMBER_RE = compiled_when_used(rf"^([{_DIGITS}]+)(\D*)$")
_INCLUDED_RE = compiled_when_used(r"\((不?)含([^()]*)\)")


class WordError(ValueError):
    """A bound or commitment written in words qcrules does not read."""


@attrs.frozen
class BoundText:
    """A bound read from text: the operator and the remaining quantity text (may be empty)."""

    op: Op
    quantity: str
    words: str


@attrs.frozen
class TargetText:
    """A target read from the plan's words: its form and one bound, or two for a range.

    ``bounds`` are lower then upper for a range; a :attr:`Form.TIER` bound has no quantity
    (the rule's ``tier`` gives it). ``stated`` is false when no word says which side the
    number bounds (:attr:`Form.BARE`): the operator is then the caller's default, or ``>=``.
    """

    form: Form
    bounds: tuple[BoundText, ...]
    words: str

    @property
    def stated(self) -> bool:
        """Whether the words say which side the number bounds."""
        return self.form is not Form.BARE

    @property
    def kind(self) -> Kind | None:
        """The kind the words decide, or ``None`` when they do not (``= 5``, ``低于`` with no
        number, ``1:12.5``): a bare number is a floor, the genre's more-is-better reading."""
        if self.form in FORM_KINDS:
            return FORM_KINDS[self.form][0]
        bound = self.bounds[0]
        if not bound.quantity or ":" in bound.quantity or bound.op is Op.EQ:
            return None
        return Kind.FLOOR if bound.op.lower else Kind.CEILING


def chinese_number(text: str) -> int:
    """三 → 3, 十 → 10, 十二 → 12, 二十 → 20, 一百 → 100 (a rank's number, up to 999).

    Raises:
        WordError: not a number written in Chinese digits.
    """
    total, current, seen = 0, 0, False
    for char in text:
        if char in _DIGIT_VALUES:
            if seen:
                msg = f"{text!r} is not a number"
                raise WordError(msg)
            current, seen = _DIGIT_VALUES[char], True
        elif char == "十":
            total += (current if seen else 1) * 10
            current, seen = 0, False
        elif char == "百":
            if not seen or total:
                msg = f"{text!r} is not a number"
                raise WordError(msg)
            total += current * 100
            current, seen = 0, False
        else:
            msg = f"{text!r} is not a number"
            raise WordError(msg)
    return total + current


def read_target(text: str, *, default: Op | None = None) -> TargetText:
    """Read a target as the plan writes it: ``达8.5万元/人``, ``14件/万人以上``, ``低于1%``,
    ``>= 98%``, ``3—5个``, ``80至100之间``, ``重大事故为零``, ``零的突破``, ``全覆盖``, ``前三``,
    ``第一方阵``, ``90分以上（含90分）``, ``低于`` (no number), ``1100亿元`` (no bound word).

    ``default`` is the operator when the text has no comparison word at all (a ratio target
    ``1:12.5`` is a ceiling); without one a bare number reads as a floor (``>=``).

    Raises:
        WordError: conflicting or ambiguous words, with the reason.
    """
    rest = normalize_text(text)
    phrase = _phrase(text, rest)
    if phrase is not None:
        return phrase
    scope = _TOP_SCOPE_RE.match(rest)
    if scope and scope.group(1):
        _check_scope(text, scope.group(1), "前")
        rest = rest[len(scope.group(1)):]
    ranged = _range(text, rest)
    if ranged is not None:
        return ranged
    return _single(text, rest, default)


def parse_bound_text(text: str, *, default: Op | None = None) -> BoundText:
    """Read one bound: ``达8.5万元/人``, ``14件/万人以上``, ``低于1%``, ``>= 98%``, ``低于`` (no
    number), ``全覆盖``; see :func:`read_target` for every form.

    ``default`` is the operator when the text has no comparison word at all (a ratio target
    ``1:12.5`` is a ceiling).

    Raises:
        WordError: conflicting words, no operator when there is no default, or a target that
            is not one bound (a range, a tier).
    """
    read = read_target(text, default=default)
    if read.form is Form.BARE and default is None:
        msg = (f"{text!r} has no comparison; write it with the plan's words "
               "(达, 以上, 以下, 以内, 不低于, 低于, 超过) or a symbol (>=, >, <=, <)")
        raise WordError(msg)
    if len(read.bounds) != 1 or read.form is Form.TIER:
        msg = f"{text!r} is not one bound but a {read.form.value}"
        raise WordError(msg)
    return read.bounds[0]


def _phrase(original: str, rest: str) -> TargetText | None:
    for phrase in PHRASES:
        if phrase.place == "end" and rest.endswith(phrase.words):
            subject = rest[: -len(phrase.words)]
        elif phrase.place == "start" and rest.startswith(phrase.words):
            subject = rest[len(phrase.words):]
            if not subject.strip():
                msg = f"{original!r}: {phrase.words} needs what it is about after it"
                raise WordError(msg)
        else:
            continue
        _check_scope(original, subject, phrase.words)
        quantity = phrase.threshold or ""
        return TargetText(phrase.form, (BoundText(phrase.op, quantity, original),), original)
    return None


#: What may not stand just before a phrase: a negation (未实现全覆盖 is not a target of 100 %).
_NEGATIONS = ("不", "未", "没", "非", "无")


def _check_scope(original: str, scope: str, words: str) -> None:
    """What a phrase is about (重大事故, 全省) may not hold a number or another bound, nor end
    in a negation."""
    if re.search(r"\d", scope):
        msg = f"{original!r}: {words} with a number beside it is two readings"
        raise WordError(msg)
    for word, _ in PREFIX_OPS:
        if word in scope:
            msg = f"{original!r}: {words} with {word} is two readings"
            raise WordError(msg)
    if scope.rstrip().endswith(_NEGATIONS):
        msg = f"{original!r}: a negated {words} is not a target qcrules reads"
        raise WordError(msg)
    for phrase in PHRASES:
        if phrase.words in scope:
            msg = f"{original!r}: {words} with {phrase.words} is two readings"
            raise WordError(msg)


def _strip_neutral(rest: str) -> tuple[str, list[str]]:
    seen = []
    changed = True
    while changed:
        changed = False
        for word, _ in NEUTRAL_WORDS:
            if word != "前" and rest.startswith(word):
                rest = rest[len(word):].lstrip()
                seen.append(word)
                changed = True
    return rest, seen


def _range(original: str, rest: str) -> TargetText | None:
    body, _ = _strip_neutral(rest)
    included = _INCLUDED_RE.search(body)
    if included:
        body = (body[: included.start()] + body[included.end():]).strip()
    for suffix in RANGE_SUFFIXES:
        if body.endswith(suffix):
            body = body[: -len(suffix)].rstrip()
            break
    body = re.sub(r"\s+", "", body)
    for word, _ in PREFIX_OPS:
        if body.startswith(word) and _RANGE_RE.match(body[len(word):]):
            msg = f"{original!r}: a range with the comparison word {word} is two readings"
            raise WordError(msg)
    for word, _ in SUFFIX_OPS:
        if body.endswith(word) and _RANGE_RE.match(body[: -len(word)]):
            msg = f"{original!r}: a range with {word} is two readings; a range includes both ends"
            raise WordError(msg)
    match = _RANGE_RE.match(body)
    if match is None:
        return None
    if included and included.group(1):
        msg = f"{original!r}: (不含) in a range does not say which end it excludes"
        raise WordError(msg)
    low, low_unit, _, high, high_unit = match.groups()
    if low_unit in ("e", "E"):
        return None  # 1e-5 is one number
    if low_unit and not high_unit:
        msg = (f"{original!r}: the unit is written after the first number only; write it after "
               "the second (3—5%) or after both (3%—5%)")
        raise WordError(msg)
    low_unit = low_unit or high_unit
    return TargetText(Form.RANGE, (BoundText(Op.GE, f"{low}{low_unit}", original),
                                   BoundText(Op.LE, f"{high}{high_unit}", original)), original)


def _single(original: str, rest: str, default: Op | None) -> TargetText:
    included = _INCLUDED_RE.search(rest)
    if included:
        rest = (rest[: included.start()] + rest[included.end():]).strip()
        if _INCLUDED_RE.search(rest):
            msg = f"{original!r} says twice whether the number is included"
            raise WordError(msg)
    prefix_op: Op | None = None
    prefix_word = ""
    implied: Op | None = None
    neutral: list[str] = []
    changed = True
    while changed:
        changed = False
        for word, neutral_op in NEUTRAL_WORDS:
            if rest.startswith(word):
                rest = rest[len(word):].lstrip()
                neutral.append(word)
                if implied is None and neutral_op is not None:
                    implied = neutral_op
                changed = True
        for word, op in PREFIX_OPS:
            if rest.startswith(word):
                if prefix_op is not None and prefix_op is not op:
                    msg = f"{original!r} has two comparison words"
                    raise WordError(msg)
                prefix_op, prefix_word = op, word
                rest = rest[len(word):].lstrip()
                changed = True
                break
    suffix_op: Op | None = None
    suffix_word = ""
    for word, op in SUFFIX_OPS:
        if rest.endswith(word):
            suffix_op, suffix_word = op, word
            rest = rest[: -len(word)].rstrip()
            break
    if rest.endswith("以外") or rest.startswith("以外"):
        msg = f"{original!r}: 以外 (outside) is not a bound"
        raise WordError(msg)
    if prefix_op is not None and suffix_op is not None and prefix_op is not suffix_op:
        msg = f"{original!r} mixes {prefix_op.value} and {suffix_op.value}"
        raise WordError(msg)
    explicit = prefix_op or suffix_op
    sides = dict(NEUTRAL_WORDS)
    for word in neutral:
        side = sides[word]
        if (word in DIRECTIONAL_WORDS and explicit is not None and side is not None
                and (explicit.lower, explicit.upper) != (side.lower, side.upper)):
            msg = f"{original!r}: {word} and {prefix_word or suffix_word} bound different sides"
            raise WordError(msg)
    form = Form.TOP if "前" in neutral else Form.WORDS
    chosen: Op | None = explicit or implied
    if included:
        chosen = _inclusion(original, included, chosen, explicit=prefix_op, suffix=suffix_op)
    if chosen is None:
        form = Form.BARE
        chosen = default or Op.GE
    quantity = re.sub(r"\s+", " ", rest).strip()
    if included and included.group(2).strip():
        _check_included_number(original, included.group(2).strip(), quantity)
    if form is Form.TOP:
        quantity = _top_number(original, quantity)
    return TargetText(form, (BoundText(chosen, quantity, original),), original)


def _inclusion(original: str, included: re.Match[str], chosen: Op | None, *,
               explicit: Op | None, suffix: Op | None) -> Op:
    """(含…) confirms an inclusive bound; (不含…) makes 以上/以下/以内 exclude the number."""
    if chosen is None:
        msg = f"{original!r}: (含) with no bound word does not say which side is bounded"
        raise WordError(msg)
    if not included.group(1):
        if not chosen.inclusive:
            msg = f"{original!r}: (含) contradicts a word that excludes the number"
            raise WordError(msg)
        return chosen
    if explicit is not None or suffix is None:
        msg = f"{original!r}: (不含) goes with 以上, 以下 or 以内 alone"
        raise WordError(msg)
    return Op.GT if suffix is Op.GE else Op.LT


def _check_included_number(original: str, inner: str, quantity: str) -> None:
    compact, inner = quantity.replace(" ", ""), inner.replace(" ", "")
    number = re.match(r"^[+-]?[\d.,]+", compact)
    if inner in ("本数", compact) or (number and inner == number.group(0)):
        return
    msg = f"{original!r}: the number in brackets ({inner}) is not the bound's number"
    raise WordError(msg)


def _top_number(original: str, quantity: str) -> str:
    """前三 → 3, 前十名 → 10名; 前10位 stays 10位."""
    match = _CHINESE_NUMBER_RE.match(quantity)
    if match is None:
        return quantity
    value = chinese_number(match.group(1))
    if value < 1:
        msg = f"{original!r}: a rank counts from 1"
        raise WordError(msg)
    return f"{value}{match.group(2)}"


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
_BASE = compiled_when_used(r"^(?:比|较|与|相比)\s*(\d{4})\s*年(?:末|底|度)?(?:相比)?[,，]?\s*")
_CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
_DOUBLINGS = compiled_when_used(r"^翻\s*(一|两|二|三|四|五|\d+)\s*番(以上)?$")
_TIMES = compiled_when_used(r"^(\d+(?:\.\d+)?)\s*倍(以上)?$")
#: The most doublings a target may name (翻64番 is 2**64 times the base): 翻9999999999番 would
#: otherwise compute a number of billions of digits.
MAX_DOUBLINGS = 64
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
        written = doubling.group(1)
        count = _CN_SMALL.get(written) or (int(written) if len(written) <= 3 else MAX_DOUBLINGS + 1)
        if count > MAX_DOUBLINGS:
            msg = f"{original!r} names more doublings than any plan: at most {MAX_DOUBLINGS}"
            raise WordError(msg)
        return ChangeText(1, base, annual, "", Fraction(2**count), original)
    for verb, direction in CHANGE_VERBS:
        if rest.startswith(verb):
            amount = rest[len(verb):].lstrip()
            if amount[:1] in ("到", "至") and not amount.startswith("至少"):
                msg = (f"{original!r} names the level to reach ({verb}{amount[:1]}), not a change; "
                       "write it as a floor or ceiling")
                raise WordError(msg)
            if too_many_digits(amount):
                msg = f"a number too long to read: at most {MAX_DIGITS} digits"
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


#: Words before an approximate number that add nothing to it, as they add nothing to a bound
#: (稳定在45万吨左右 is 45万吨左右); 控制在 and 达到, which would give a side, are not among them.
_ADDING_NOTHING: tuple[str, ...] = tuple(word for word, op in NEUTRAL_WORDS if op is None)


def split_approx(text: str) -> ApproxText | None:
    """``3%左右`` → (``3%``, 左右); ``稳定在45万吨左右`` → (``45万吨``, 左右); ``近100个`` →
    (``100个``, 近, lower only); ``None`` when the text has no approximation word."""
    rest = normalize_text(text)
    for word in APPROX_SUFFIXES:
        if rest.endswith(word):
            number = rest[: -len(word)].rstrip()
            while stripped := next((w for w in _ADDING_NOTHING if number.startswith(w)), ""):
                number = number[len(stripped):].lstrip()
            return ApproxText(number, word, False)
    for word, lower_only in APPROX_PREFIXES:
        if rest.startswith(word) and rest[len(word):len(word) + 1].strip():
            following = rest[len(word):].lstrip()
            if following[:1].isdigit() or following[:1] in "零一二两三四五六七八九十百千万":
                return ApproxText(following, word, lower_only)
    return None
