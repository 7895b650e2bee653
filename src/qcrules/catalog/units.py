"""Units: one pint registry with the Chinese statistical units, and exact quantity parsing.

Every magnitude is a :class:`fractions.Fraction`; the registry is built with
``non_int_type=Fraction`` so that conversion factors are exact (8.5 万元/人 is exactly
85,000 元/人). Factors are computed once per pair of units and cached.

Decisions (see ``docs/reference/units.md``):

* 元, 人, 分 (index points), 百分点 (percentage points) and 位 (a rank position) are base
  dimensions of their own, so a percentage is never confused with a percentage point or an
  index point.
* Counting words — 件, 个, 家, 项, 台, 起, 批次, 辆, 户, 床 … — all measure the dimension
  ``[item]``: a count is a count, whatever the noun's measure word. 人 is *not* an item, so
  per-capita rates keep their meaning.
* 吨标准煤 (tonnes of standard coal equivalent) is energy, not mass: its own dimension
  ``[standard_coal]``, never converted to 吨, nor to 千瓦时 (a plan's conversion of electricity
  to coal is a choice of coefficient, not a unit).
* 年 and 岁 are one unit, a calendar year (of age, for 岁), of the dimension
  ``[calendar_year]`` with 月 = 1/12 年; it is not converted to 天 or 小时, because a year has
  365 or 366 days and any fixed number would be a guess that can flip a verdict at a boundary.
* %, ‰ and ‱ are dimensionless (0.035 = 3.5 % = 35 ‰ = 350 ‱); ``1`` is a pure number.
* 个 between a number and another unit is a measure word, not a unit: "2个百分点" is 2 百分点.
"""

from __future__ import annotations

import functools
import re
import threading
import tokenize
import unicodedata
from collections.abc import Iterable, Set
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from ..base.errors import shortened
from ..base.numbers import MAX_DIGITS, MAX_EXPONENT, exponent_in_range, too_many_digits
from ..base.patterns import compiled_when_used
from .unit_table import SHIPPED

if TYPE_CHECKING:
    import pint

__all__ = [
    "Dimension",
    "ParsedQuantity",
    "UnitProblem",
    "canonical_unit",
    "check_declared",
    "check_unit",
    "computed_meaning",
    "conversion_factor",
    "declare_unit",
    "declare_units",
    "foreign_units",
    "is_percent_like",
    "parse_number",
    "parse_quantity",
    "quotient_parts",
    "registry",
    "same_dimension",
    "shipped_meaning",
    "unit_dimension",
    "unit_suggestions",
    "unit_text",
    "unit_text_is_plain",
    "whole_scale",
    "without_measure_word",
]

_DEFINITIONS = """
yuan = [currency] = 元
qian_yuan = 1000 * yuan = 千元
wan_yuan = 10000 * yuan = 万元
baiwan_yuan = 1000000 * yuan = 百万元
yi_yuan = 100000000 * yuan = 亿元
wanyi_yuan = 1000000000000 * yuan = 万亿元
person = [person] = 人
qian_ren = 1000 * person = 千人
wan_ren = 10000 * person = 万人
shiwan_ren = 100000 * person = 十万人
yi_ren = 100000000 * person = 亿人
person_time = [person_time] = 人次
wan_person_time = 10000 * person_time = 万人次
yi_person_time = 100000000 * person_time = 亿人次
item = [item] = 件 = 个 = 家 = 项 = 台 = 座 = 所 = 次 = 起 = 批次 = 辆 = 车 = 户 = 张 = 床 = 处 = 条 = 种
bai_item = 100 * item = 百户
wan_item = 10000 * item = 万件 = 万个 = 万家 = 万台 = 万辆 = 万车 = 万户
shiwan_item = 100000 * item = 十万件 = 十万台
gongjin = kilogram = 千克 = 公斤
dun = 1000 * kilogram = 吨
wan_dun = 10000 * dun = 万吨
yi_dun = 100000000 * dun = 亿吨
jin = 1/2 * kilogram = 斤
wan_jin = 10000 * jin = 万斤
yi_jin = 100000000 * jin = 亿斤
wanyi_jin = 1000000000000 * jin = 万亿斤
tce = [standard_coal] = 吨标准煤 = 吨标煤
kgce = tce / 1000 = 千克标准煤 = 千克标煤 = 公斤标准煤 = 公斤标煤
wan_tce = 10000 * tce = 万吨标准煤 = 万吨标煤
yi_tce = 100000000 * tce = 亿吨标准煤 = 亿吨标煤
@alias meter = 米
gongli = 1000 * meter = 公里 = 千米
pingfangmi = meter ** 2 = 平方米
wan_pingfangmi = 10000 * meter ** 2 = 万平方米
pingfang_gongli = 1000000 * meter ** 2 = 平方公里 = 平方千米
bai_pingfang_gongli = 100 * pingfang_gongli = 百平方公里 = 百平方千米
wan_pingfang_gongli = 10000 * pingfang_gongli = 万平方公里 = 万平方千米
mu = 2000/3 * meter ** 2 = 亩
wan_mu = 10000 * mu = 万亩
yi_mu = 100000000 * mu = 亿亩
gongqing = 10000 * meter ** 2 = 公顷
wan_gongqing = 10000 * gongqing = 万公顷
lifangmi = meter ** 3 = 立方米
wan_lifangmi = 10000 * meter ** 3 = 万立方米
yi_lifangmi = 100000000 * meter ** 3 = 亿立方米
index_point = [index_point] = 分
percentage_point = [percentage_point] = 百分点
rank_position = [rank] = 位 = 名
permyriad = 1/10000 = ‱
tian = day = 天 = 日
xiaoshi = hour = 小时
nian = [calendar_year] = 年 = 岁 = 周岁
yue = nian / 12 = 月
"""

#: Units a catalogue is expected to use; the validator suggests among them, and a rule is
#: compiled with the factor from each of its dimension (aliases such as 公斤 are left out).
KNOWN_UNITS: tuple[str, ...] = (
    "元", "千元", "万元", "百万元", "亿元", "万亿元", "人", "千人", "万人", "十万人", "亿人",
    "人次", "万人次", "亿人次",
    "件", "个", "家", "项", "台", "座", "所", "次", "起", "批次", "辆", "车", "户", "张", "床",
    "处", "条", "种", "百户", "万件", "万个", "万家", "万台", "万辆", "万车", "万户", "十万件",
    "十万台",
    "千克", "吨", "万吨", "亿吨", "斤", "万斤", "亿斤", "万亿斤",
    "千克标准煤", "吨标准煤", "万吨标准煤", "亿吨标准煤",
    "米", "公里", "平方米", "万平方米", "平方公里", "百平方公里", "万平方公里", "亩", "万亩",
    "亿亩", "公顷", "万公顷", "立方米", "万立方米", "亿立方米",
    "%", "‰", "‱", "百分点", "分", "位", "名", "小时", "天", "月", "年", "岁", "1",
)


def _build_registry() -> pint.UnitRegistry:
    import pint  # imported with the registry, not with qcrules (a good part of its start-up)

    registry: pint.UnitRegistry = pint.UnitRegistry(non_int_type=Fraction, on_redefinition="raise")
    for line in _DEFINITIONS.strip().splitlines():
        registry.define(line)
    return registry


_REGISTRY: pint.UnitRegistry | None = None
_BUILDING = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The one registry qcrules uses, built on first use (building it takes a good part of a
    second, which ``import qcrules`` and ``qcrules --help`` do not pay). Quantities from
    another registry are not mixed with it. ``UNITS`` names it too."""
    built = _REGISTRY
    if built is None:
        with _BUILDING:
            built = _REGISTRY
            if built is None:
                built = _set_registry(_build_registry())
    return built


def _set_registry(built: pint.UnitRegistry) -> pint.UnitRegistry:
    global _REGISTRY  # noqa: PLW0603 - the one registry, built once, on first use
    _REGISTRY = built
    return built


def __getattr__(name: str) -> Any:
    # ``UNITS``, the registry, is built when it is first asked for, not at import.
    if name == "UNITS":
        return registry()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)

_UNIT_REWRITES = (("‱", " permyriad "), ("‰", " permille "), ("%", " percent "),
                  ("·", "*"), ("×", "*"))


class UnitProblem(ValueError):
    """A unit or quantity string that cannot be used; ``code`` says which kind of problem."""

    def __init__(self, code: str, message: str, *, expected: str = "", got: str = "",
                 hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.expected = expected
        self.got = got
        self.hint = hint


@attrs.frozen
class ParsedQuantity:
    """A number read exactly from text, with its unit as written (``None`` when bare).

    ``ratio`` is true for ``a:b`` input, whose value is ``b / a`` (consequent per antecedent);
    ``terms`` keeps ``(a, b)`` as written, so that a rule written ``x:1`` reads ``a / b``.
    """

    magnitude: Fraction
    unit: str | None
    ratio: bool = False
    terms: tuple[Fraction, Fraction] | None = None


def normalize_text(text: str) -> str:
    """Fold full-width forms (NFKC) and the ratio colon so that ``１∶１２.５`` reads as ``1:12.5``."""
    return unicodedata.normalize("NFKC", text).replace("∶", ":").strip()


# A comma separates exact groups of three digits (85,000), never decimals (8,5) nor odd groups.
_NUMBER = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_GROUPED = compiled_when_used(rf"^\s*{_NUMBER}\s*$")
#: Characters no unit is written with: a unit of "%%", "%#", or one holding a control
#: character would otherwise be read as something nobody wrote (3.6%% as 0.036 %).
_NOT_IN_UNITS = compiled_when_used(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff"
                                   r"\ud800-\udfff#@!$&=;'\"`~|\\?<>{}\[\],，]|[%‰‱][%‰‱]|//"
                                   r"|(?<![\^*])[+\-]")
#: (A sign is in a unit only as an exponent's, m^-2: 8.5万元- and 8.5万元+1 are refused.)
#: What a unit may start with: a letter (Chinese characters are letters), %, ‰, ‱ or a
#: parenthesis; never a sign (8.5+万元 is not 8.5 万元), an underscore (1_000) or an exponent
#: left without its digits (8.5e, 1e5e5).
_UNIT_START = compiled_when_used(r"^(?:[^\W\d_]|[%‰‱(])")
_DANGLING_EXPONENT = compiled_when_used(r"^[eE][+-]?\d*(?:$|[^\w])")
_QUANTITY_RE = compiled_when_used(rf"^(?:第\s*)?({_NUMBER})\s*(.*?)$")
_RATIO_RE = compiled_when_used(rf"^({_NUMBER})\s*:\s*({_NUMBER})$")


def parse_number(text: str) -> Fraction:
    """Read a decimal number exactly: ``"85,000"`` → 85000, ``"0.035"`` → 7/200.

    Raises:
        UnitProblem: the text is not a finite decimal number, or has more than
            :data:`~qcrules.base.numbers.MAX_DIGITS` digits (code ``QC112``).
    """
    _check_length(text)
    cleaned = normalize_text(text)
    if "," in cleaned and not _GROUPED.match(cleaned):
        raise UnitProblem("QC112", f"{text!r} is not a number: a comma separates groups of three "
                          "digits", expected="85,000 or 85000; a decimal point, not a comma",
                          got=text)
    return _decimal_fraction(cleaned.replace(",", ""), text)


def _check_length(text: str) -> None:
    """Refuse a number of more than :data:`~qcrules.base.numbers.MAX_DIGITS` digits before any
    pattern or conversion sees it (``QC112``)."""
    if too_many_digits(text):
        raise UnitProblem("QC112", "a number too long to read",
                          expected=f"a number of at most {MAX_DIGITS} digits",
                          got=shortened(text, 60))


def _decimal_fraction(cleaned: str, text: str) -> Fraction:
    """:func:`parse_number` of ``text``, already normalised and without thousands separators."""
    _check_length(cleaned)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise UnitProblem("QC112", f"{text!r} is not a number", expected="a decimal number",
                          got=text) from None
    if not number.is_finite():
        raise UnitProblem("QC301", f"{text!r} is not a finite number",
                          expected="a finite number", got=text)
    if not exponent_in_range(number):
        raise UnitProblem("QC112", f"{text!r} is out of range", got=text,
                          expected=f"a decimal exponent of at most {MAX_EXPONENT}")
    n, d = number.as_integer_ratio()
    return Fraction(n, d)


@functools.lru_cache(maxsize=8192)
def parse_quantity(text: str, *, check_unit: bool = True) -> ParsedQuantity:
    """Parse ``"8.5万元/人"``, ``"3.5%"``, ``"0.035"``, ``"1:12.5"``, ``"12.5‰"``, ``"第8位"``.

    The number is exact; the unit is checked against the registry unless ``check_unit`` is
    false (a fact's unit may be a ratio's terms, such as 教师/学生, that only its rule knows).
    A text read once is not read again (the result is immutable and kept, keyed by the text,
    until a catalogue declares a unit); a text that cannot be read raises every time.

    Raises:
        UnitProblem: not a quantity (``QC112``), a number of more than
            :data:`~qcrules.base.numbers.MAX_DIGITS` digits (``QC112``) or an unknown unit
            (``QC110``).
    """
    _check_length(text)
    source = normalize_text(text)
    ratio = _RATIO_RE.match(source.replace(" ", "")) if ":" in source else None
    if ratio:
        antecedent = parse_number(ratio.group(1))
        consequent = parse_number(ratio.group(2))
        if antecedent <= 0 or consequent <= 0:
            term = antecedent if antecedent <= 0 else consequent
            which = "first" if antecedent <= 0 else "second"
            what = "zero" if term == 0 else "negative"
            raise UnitProblem("QC112", f"ratio {text!r} has a {what} {which} term",
                              expected="a ratio a:b with a > 0 and b > 0", got=text)
        return ParsedQuantity(consequent / antecedent, None, ratio=True,
                              terms=(antecedent, consequent))
    match = _QUANTITY_RE.match(source)
    if not match:
        raise UnitProblem("QC112", f"{text!r} is not a quantity",
                          expected='a number with an optional unit, e.g. "8.5万元/人", "96.4%"',
                          got=text)
    number = match.group(1)
    magnitude = _decimal_fraction(number.replace(",", ""), number)
    unit = match.group(2).strip() or None
    if unit is not None and (unit[0].isdigit() or unit[0] in ".,:"):
        raise UnitProblem("QC112", f"{text!r} is not a quantity",
                          expected='a number with an optional unit, e.g. "8.5万元/人"; a comma '
                                   "separates groups of three digits (85,000)", got=text)
    if unit is not None and not unit_text_is_plain(unit):
        raise UnitProblem("QC112", f"{text!r} is not a quantity: {unit!r} is not a unit",
                          expected='a number with one unit, e.g. "3.6%", "8.5万元/人"', got=text)
    if unit is not None:
        unit = without_measure_word(unit)
    if unit is not None and check_unit and shipped_meaning(unit) is None:
        canonical_unit(unit)  # raises on an unknown unit
    return ParsedQuantity(magnitude, unit)


@functools.lru_cache(maxsize=4096)
def without_measure_word(unit: str) -> str:
    """The unit after a measure word: ``个百分点`` → ``百分点`` ("2个百分点"), ``个月`` → ``月``.

    个 between a number and a unit it does not belong to is a measure word (量词), not part of the
    unit. It is dropped only when what follows is a unit and 个 with it is not: ``个`` alone and
    ``个/千人`` (enterprises per thousand people) keep it, as a count.
    """
    if (len(unit) > 1 and unit[0] == "个" and unit[1] not in "/*·×( "
            and not _known_part(unit) and _known_part(unit[1:])):
        return unit[1:]
    return unit


#: The longest unit read (万元/人 has 4 characters, 千克标准煤/万元 8): pint's parser recurses
#: through an expression, so a unit of a thousand signs is refused before it sees it.
MAX_UNIT_LENGTH = 100
_POWER = compiled_when_used(r"\*\*|\^")
#: A power's exponent: a small number, never an expression (a**2**2**… is a tower pint would
#: compute for ever, 万元**99999999 a factor of 400 million digits).
_SMALL_POWER = compiled_when_used(r"(?:\*\*|\^)\s*[-+]?\d{1,2}(?:\.\d{1,2})?(?![\d.])")
_CHAINED_POWER = compiled_when_used(r"(?:\*\*|\^)[^*/]*(?:\*\*|\^)")
#: A number within a unit: a few digits at most, no exponent (元*1e99999999).
_LARGE_NUMBER = compiled_when_used(r"\d{7,}|\d[eE][-+]?\d")


def _pint_expression(unit: str) -> str:
    """``unit`` as pint reads it (%, ‰, ‱ as their names).

    Raises:
        ValueError: a unit too long or with powers or numbers that would take pint unbounded
            time to evaluate (one of ``_malformed()``, so: a malformed unit).
    """
    expression = normalize_text(unit)
    for old, new in _UNIT_REWRITES:
        expression = expression.replace(old, new)
    expression = expression.strip()
    if (len(expression) > MAX_UNIT_LENGTH or _LARGE_NUMBER.search(expression)
            or len(_POWER.findall(expression)) != len(_SMALL_POWER.findall(expression))
            or _CHAINED_POWER.search(expression)):
        msg = f"not a unit pint should evaluate: {shortened(expression, 40)}"
        raise ValueError(msg)
    return "dimensionless" if expression in {"", "1"} else expression


def _errors() -> Any:
    """pint's exceptions (``pint.errors``), imported when first needed."""
    import pint

    return pint.errors


@functools.cache
def _malformed() -> tuple[type[Exception], ...]:
    """What pint's expression parser raises for text that is not a unit expression at all: its
    tokenizer's errors (an unbalanced parenthesis), arithmetic errors ("元/0"), its recursion
    through a thousand signs ("-" * 1000 + "元"), and others."""
    return (_errors().DefinitionSyntaxError, AttributeError, TypeError, ValueError,
            AssertionError, SyntaxError, ZeroDivisionError, tokenize.TokenError, RecursionError)


@functools.lru_cache(maxsize=4096)
def unit_text_is_plain(unit: str) -> bool:
    """Whether ``unit`` is written as units are: starting with a letter, %, ‰ or ‱ (not a sign,
    an underscore or a dangling exponent), no control characters, lone surrogates or stray
    punctuation (``%#``, a NUL, ``//``), no doubled percent sign (``%%``), and %, ‰ or ‱ only
    on their own or over another unit (``%/年``) — pint would read ``万元/人%`` as a hundredth
    of 万元/人, which nobody wrote. ``1`` (a pure number) is plain."""
    if unit == "1":   # a pure number
        return True
    if (_NOT_IN_UNITS.search(unit) or not _UNIT_START.match(unit)
            or _DANGLING_EXPONENT.match(unit)):
        return False
    written = unit.replace(" ", "")
    signs = [i for i, ch in enumerate(written) if ch in "%‰‱"]
    # a sign alone (3.5%) or as the numerator of a rate (%/年); nowhere else
    return not signs or (signs == [0] and written[1:2] in ("", "/"))


# -- meanings shipped with qcrules -----------------------------------------------------------

#: A unit's dimension: each base dimension with its exponent, sorted by name (``(("[currency]",
#: 1), ("[person]", -1))`` for 万元/人), as pint's ``dimensionality`` has them.
Dimension = tuple[tuple[str, Fraction | int], ...]

#: A unit name as the shipped table holds it on its own: letters (Chinese characters are
#: letters), a percent sign, or 1. Two of them over each other (万元/人) mean the one over the
#: other, whatever the names are, so that quotient is computed without pint.
_SIMPLE_NAME = compiled_when_used(r"^(?:[^\W\d_]+|[%‰‱]|1)$")


@functools.lru_cache(maxsize=4096)
def shipped_meaning(unit: str) -> tuple[Fraction, Dimension] | None:
    """The exact factor to the root units and the dimension of ``unit`` from the table shipped
    with qcrules (:mod:`qcrules.catalog.unit_table`, computed once with pint, and checked
    against pint by the tests), or ``None`` for a unit outside it, which only pint can read.

    The table holds the built-in units (:data:`KNOWN_UNITS`, their aliases) and those of the
    bundled plan; a unit written ``a/b`` of two of its names is the quotient of their meanings.
    No catalogue can change what these mean: a declared unit of the same name must mean the
    same (:func:`declare_unit`).
    """
    text = normalize_text(unit)
    entry = SHIPPED.get(text)
    if entry is not None:
        return Fraction(entry[0], entry[1]), entry[2]
    top, slash, bottom = text.partition("/")
    if not slash or not _SIMPLE_NAME.match(top) or not _SIMPLE_NAME.match(bottom):
        return None
    upper, lower = SHIPPED.get(top), SHIPPED.get(bottom)
    if upper is None or lower is None:
        return None
    exponents = dict(upper[2])
    for name, exponent in lower[2]:
        exponents[name] = exponents.get(name, 0) - exponent
    dimension = tuple(sorted((name, e) for name, e in exponents.items() if e != 0))
    return Fraction(upper[0] * lower[1], upper[1] * lower[0]), dimension


def computed_meaning(unit: str) -> tuple[Fraction, Dimension]:
    """:func:`shipped_meaning` as pint computes it, for any unit pint reads (this builds the
    registry; the shipped table is made, and checked, with it).

    Raises:
        UnitProblem: an unknown unit (``QC110``).
    """
    root = registry().Quantity(Fraction(1), canonical_unit(unit)).to_root_units()
    return Fraction(root.magnitude), _dimension_of(root.units)


def _dimension_of(unit: Any) -> Dimension:
    return tuple(sorted((name, _exponent(e)) for name, e in unit.dimensionality.items()))


def unit_dimension(unit: str) -> Dimension:
    """The dimension of a known unit (from the shipped table, or from pint for another unit).

    Raises:
        UnitProblem: an unknown unit (``QC110``).
    """
    meaning = shipped_meaning(unit)
    if meaning is not None:
        return meaning[1]
    return _dimension_of(canonical_unit(unit))


def check_unit(unit: str) -> None:
    """Check that ``unit`` is a known unit (without pint for a unit of the shipped table).

    Raises:
        UnitProblem: an unknown unit (``QC110``), with did-you-mean suggestions.
    """
    if shipped_meaning(unit) is None:
        canonical_unit(unit)


def quotient_parts(unit: str) -> tuple[str, str] | None:
    """``(a, b)`` when ``unit`` is written ``a/b`` and means a over b as pint reads it (not
    ``a/b*c``, which is ``(a/b)*c``), else ``None``.

    Raises:
        UnitProblem: ``unit`` or one of its parts is unknown (``QC110``).
    """
    numerator, slash, denominator = normalize_text(unit).partition("/")
    if not slash or "/" in denominator:
        return None
    if (_SIMPLE_NAME.match(numerator) and _SIMPLE_NAME.match(denominator)
            and shipped_meaning(unit) is not None):
        return numerator, denominator
    if canonical_unit(numerator) / canonical_unit(denominator) == canonical_unit(unit):
        return numerator, denominator
    return None


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One name of Chinese characters: 个百分点, 漂流筏.
_CHINESE_NAME = compiled_when_used(f"^[{_HAN}]+$")
#: A name of Chinese characters over another (教师/学生): a unit expression pint reads, known
#: or not, and never a malformed one.
_FOREIGN_NAMES = compiled_when_used(f"^[{_HAN}]+(?:/[{_HAN}]+)?$")


@functools.lru_cache(maxsize=4096)
def unit_is_malformed(unit: str) -> bool:
    """Whether ``unit`` is not even a unit expression (``万元/人)``, ``元/0``), as opposed to an
    expression naming units that may be unknown (``教师/学生``)."""
    if shipped_meaning(unit) is not None:
        return False
    text = normalize_text(unit)
    if len(text) <= MAX_UNIT_LENGTH and _FOREIGN_NAMES.match(text):
        return False
    try:
        registry().parse_units(_pint_expression(unit))
    except _errors().UndefinedUnitError:
        return False
    except _malformed():
        return True
    return False


@functools.lru_cache(maxsize=4096)
def canonical_unit(unit: str) -> pint.Unit:
    """The pint unit for a unit string as written in a catalogue or fact.

    Raises:
        UnitProblem: an unknown unit (``QC110``), with did-you-mean suggestions.
    """
    try:
        return registry().parse_units(_pint_expression(unit))
    except (_errors().UndefinedUnitError, *_malformed()) as error:
        suggestions = unit_suggestions(unit)
        hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else ""
        raise UnitProblem("QC110", f"unknown unit {unit!r}", expected="a unit such as 万元/人, %, 件",
                          got=unit, hint=hint) from error


def unit_suggestions(unit: str) -> list[str]:
    """Known units that look like ``unit`` (did-you-mean), best first."""
    import difflib

    parts = re.split(r"[/*]", normalize_text(unit))
    bad = next((p.strip() for p in parts if p.strip() and not _known_part(p.strip())), unit)
    scored = sorted(((difflib.SequenceMatcher(None, bad, known).ratio(), -i, known)
                     for i, known in enumerate(KNOWN_UNITS)), reverse=True)
    close = [known for score, _, known in scored[:3] if score >= 0.4]
    if not close:
        close = [known for known in KNOWN_UNITS if known and known[-1] == bad[-1:]][:3]
    return [unit.replace(bad, candidate, 1) for candidate in close]


def _known_part(part: str) -> bool:
    if shipped_meaning(part) is not None:
        return True
    if _CHINESE_NAME.match(part) and part not in _DECLARED:
        # The registry's names of Chinese characters are all in the shipped table; another is a
        # unit only once a catalogue declares it (pint reads no prefix or plural into it).
        return False
    try:
        registry().parse_units(_pint_expression(part))
    except Exception:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> Fraction:
    """The exact factor ``f`` such that ``x from_unit`` equals ``x * f to_unit``.

    Raises:
        UnitProblem: unknown units (``QC110``) or incompatible dimensions (``QC111``).
    """
    shipped_from, shipped_to = shipped_meaning(from_unit), shipped_meaning(to_unit)
    if shipped_from is not None and shipped_to is not None:
        if shipped_from[1] != shipped_to[1]:
            raise _incompatible(from_unit, to_unit)
        return shipped_from[0] / shipped_to[0]
    source = canonical_unit(from_unit)
    target = canonical_unit(to_unit)
    try:
        factor = registry().Quantity(Fraction(1), source).to(target).magnitude
    except _errors().DimensionalityError:
        raise _incompatible(from_unit, to_unit) from None
    return Fraction(factor)


def _incompatible(from_unit: str, to_unit: str) -> UnitProblem:
    return UnitProblem("QC111", f"{from_unit!r} cannot be converted to {to_unit!r}",
                       expected=f"a unit of the same kind as {to_unit}", got=from_unit)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """Whether two known units measure the same dimension.

    Raises:
        UnitProblem: an unknown unit (``QC110``).
    """
    shipped_a, shipped_b = shipped_meaning(unit_a), shipped_meaning(unit_b)
    if shipped_a is not None and shipped_b is not None:
        return shipped_a[1] == shipped_b[1]
    return canonical_unit(unit_a).dimensionality == canonical_unit(unit_b).dimensionality


@functools.lru_cache(maxsize=1024)
def whole_scale(unit: str | None) -> int:
    """How many base units (件, 人, 位 …) one ``unit`` is, when that is a whole number, else 1.

    A count in 万台 is whole when it is a whole number of 台: 1.5 万台 is 15,000 台, a whole
    count, so a value ``v`` in ``unit`` is a whole count when ``v * whole_scale(unit)`` is whole.
    """
    if unit is None:
        return 1
    try:
        factor, dimension = shipped_meaning(unit) or computed_meaning(unit)
    except UnitProblem:
        return 1
    if [exponent for _, exponent in dimension] != [1] or factor.denominator != 1 or factor < 1:
        return 1
    return factor.numerator


def is_percent_like(unit: str | None) -> bool:
    """Units in which a bare number is read as a fraction: %, ‰, ‱ and pure numbers."""
    if unit is None:
        return False
    return normalize_text(unit) in {"%", "‰", "‱", "percent", "permille", "permyriad"}


# -- units a catalogue declares --------------------------------------------------------------

#: A declared unit's name: letters only (Chinese characters are letters), at most 16.
_DECLARED_NAME = compiled_when_used(r"^[^\W\d_]{1,16}$")
_NAME = r"[^\W\d_]+"
_DEFINITION_RE = compiled_when_used(
    rf"^(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?:\s*/\s*(\d+))?\s*(?:[*×·]\s*)?)?"
    rf"({_NAME}(?:\s*[*·×]\s*{_NAME})*(?:\s*/\s*{_NAME})?)$")
_RESERVED = ("item", "base")
_DEFINITION_FORMS = ("item, base, or a positive number times known units (joined by *, over at most "
                     "one unit after /), e.g. 10000 标箱")

#: What a unit means: its exact factor to the registry's root units, and those units.
Meaning = tuple[Fraction, Any]

#: Units declared by catalogues in this process, each with its meaning: its exact factor to
#: the registry's root units, and those units.
_DECLARED: dict[str, Meaning] = {}
_DECLARING = threading.Lock()


def _meaning(unit: pint.Unit) -> Meaning:
    root = registry().Quantity(Fraction(1), unit).to_root_units()
    return Fraction(root.magnitude), root.units


def _exponent(exponent: object) -> Fraction:
    if not isinstance(exponent, (int, Fraction)):
        msg = f"an exponent of {exponent!r}"
        raise TypeError(msg)
    return Fraction(exponent)


def unit_text(unit: pint.Unit | pint.util.UnitsContainer) -> str:
    """A unit (or pint's container of unit names) as text with its symbols (``m^2``, ``件/人``),
    without pint's formatter, which cannot format the exact exponents of this registry."""
    import pint

    if not isinstance(unit, pint.Unit):
        unit = registry().Unit(unit)
    top: list[str] = []
    bottom: list[str] = []
    for name, exponent in registry().Quantity(Fraction(1), unit).unit_items():
        power = _exponent(exponent)
        term = registry().get_symbol(name) + ("" if abs(power) == 1 else f"^{abs(power)}")
        (top if power > 0 else bottom).append(term)
    text = "*".join(top) or ("1" if bottom else "")
    return text + "".join(f"/{term}" for term in bottom)


def _meaning_text(meaning: Meaning) -> str:
    factor, unit = meaning
    dimensions = "*".join(name if exponent == 1 else f"{name}^{_exponent(exponent)}"
                          for name, exponent in unit.dimensionality.items())
    return f"{factor} {unit_text(unit)}".strip() + f" ({dimensions or 'a pure number'})"


def _pint_definition(name: str, meaning: Meaning) -> str:
    """``name = n / d * root units``, written from pint's own names, not from the file's text."""
    factor, unit = meaning
    terms = "".join(f" * {root} ** {_exponent(exponent)}"
                    for root, exponent in registry().Quantity(Fraction(1), unit).unit_items())
    return f"{name} = {factor.numerator} / {factor.denominator}{terms}"


def declare_unit(name: str, definition: str, own: Set[str] = frozenset()) -> None:
    """Add a unit a catalogue declares (``units:``) to the registry, or check that it is there.

    ``definition`` is ``item`` (a counted thing, like 件), ``base`` (a dimension of its own,
    named ``[name]``) or a positive number times known units, multiplied with ``*`` and over at
    most one unit after ``/`` (``10000 标箱``, ``0.5 千克``, ``2000/3 平方米``, ``1 吨*公里/万元``);
    never pint syntax. The units in the expression are built-in ones and ``own``, the names
    this catalogue has declared so far. The registry's definition is written from the meaning
    (an exact factor times pint's own root units), never from the text.

    A name that is already a unit (built in, or declared by any catalogue in this process) is
    accepted when the declaration means the same (the same dimension and exact factor) and
    changes nothing; no declaration ever changes what a unit means.

    Raises:
        UnitProblem: a name or definition outside the grammar (``QC113``), an unknown unit in
            the definition (``QC110``) or a meaning that conflicts with the existing one
            (``QC114``).
    """
    if not isinstance(name, str) or not _DECLARED_NAME.match(name) or name in _RESERVED:
        raise UnitProblem("QC113", f"invalid unit name {name!r}", got=str(name),
                          expected="a name of letters only (e.g. 艘, 标箱), not item or base")
    text = normalize_text(definition) if isinstance(definition, str) else ""
    with _DECLARING:
        wanted, pint_definition = _wanted(name, text, definition, own)
        if _known_part(name):
            existing = _meaning(canonical_unit(name))
            if wanted is None:  # base: the same only if it is already a dimension of its own
                same = existing == (Fraction(1), canonical_unit(name)) and \
                    canonical_unit(name).dimensionality == {f"[{name}]": 1}
                wanted_text = f"a dimension of its own, [{name}]"
            else:
                same = existing == wanted
                wanted_text = _meaning_text(wanted)
            if not same:
                raise UnitProblem("QC114", f"unit {name!r} already exists with another meaning",
                                  expected=f"{name} as it is: {_meaning_text(existing)}",
                                  got=f"{definition} = {wanted_text}",
                                  hint="give the declared unit a name of its own")
            return
        if wanted is None and _is_dimension(f"[{name}]"):
            raise UnitProblem("QC114", f"unit {name!r} cannot be a dimension of its own: "
                              f"[{name}] is already a dimension", got=str(definition),
                              expected="a name that is not already a dimension",
                              hint="give the declared unit a name of its own")
        try:
            registry().define(pint_definition)
        except (_errors().RedefinitionError, _errors().DefinitionSyntaxError,
                ValueError) as error:
            raise UnitProblem("QC114", f"unit {name!r} cannot be declared: {error}",
                              expected="a name that is not already a unit or a dimension",
                              got=name, hint="give the declared unit a name of its own") from None
        _DECLARED[name] = _meaning(registry().parse_units(name))
        if wanted is not None and _DECLARED[name] != wanted:  # pint read it otherwise: never
            msg = f"unit {name!r} was declared as {_DECLARED[name]}, not {wanted}"
            raise RuntimeError(msg)
        without_measure_word.cache_clear()
        unit_is_malformed.cache_clear()
        parse_quantity.cache_clear()


def declare_units(declarations: Iterable[tuple[str, str]]) -> tuple[frozenset[str],
                                                                   dict[str, UnitProblem]]:
    """Declare a catalogue's units (:func:`declare_unit`), in any order: a unit defined from
    another of the same section is declared after it.

    Returns the names declared (or found with the same meaning) and the problem of each other
    one; a unit that uses one of the section's units that could not be declared is unknown
    (``QC110``), and so is each unit of a circle of definitions.
    """
    own: set[str] = set()
    problems: dict[str, UnitProblem] = {}
    pending = list(declarations)
    names = {name for name, _ in pending}
    while pending:
        waiting: list[tuple[str, str]] = []
        for name, definition in pending:
            try:
                declare_unit(name, definition, own)
            except UnitProblem as problem:
                if problem.code == "QC110" and problem.got in names and problem.got not in problems:
                    waiting.append((name, definition))
                else:
                    problems[name] = problem
                continue
            own.add(name)
        if len(waiting) == len(pending):  # no progress: each waits on another of them
            for name, definition in waiting:
                problems[name] = UnitProblem(
                    "QC110", f"unit {name!r}: its definition {definition!r} uses units that "
                    "are defined from each other", expected="units defined from built-in units, "
                    "or from units of the section that are", got=str(definition))
            break
        pending = waiting
    return frozenset(own), problems


def _is_dimension(dimension: str) -> bool:
    try:
        registry().get_dimensionality(dimension)
    except ValueError:  # pint: "... is not defined as dimension"
        return False
    return True


def _wanted(name: str, text: str, definition: object,
            own: Set[str]) -> tuple[Meaning | None, str]:
    """The meaning a definition asks for (``None`` for a new dimension) and its pint form."""
    if text == "item":
        item = _meaning(canonical_unit("件"))
        return item, _pint_definition(name, item)
    if text == "base":
        return None, f"{name} = [{name}]"
    match = _DEFINITION_RE.match(text)
    if not match:
        raise UnitProblem("QC113", f"unit {name!r}: {definition!r} is not a unit definition",
                          expected=_DEFINITION_FORMS, got=str(definition))
    number, denominator, expression = match.groups()
    try:
        factor = _decimal_fraction(number, number) if number else Fraction(1)
    except UnitProblem as problem:
        raise UnitProblem("QC113", f"unit {name!r}: {problem.message}",
                          expected=problem.expected, got=str(definition)) from None
    if denominator:
        factor /= int(denominator) or 1
    if factor <= 0 or (denominator is not None and int(denominator) == 0):
        raise UnitProblem("QC113", f"unit {name!r}: the number must be positive",
                          expected=_DEFINITION_FORMS, got=str(definition))
    for part in re.split(r"\s*[/*·×]\s*", expression):
        if foreign_units(part, own) or not _known_part(part):
            raise UnitProblem("QC110", f"unit {name!r}: unknown unit {part!r} in its definition",
                              expected="built-in units, or units the catalogue declares",
                              got=part, hint="declare it in the catalogue's units section")
    unit_factor, root = _meaning(canonical_unit(expression))
    meaning = (factor * unit_factor, root)
    return meaning, _pint_definition(name, meaning)


def foreign_units(unit: str, own: Set[str]) -> tuple[str, ...]:
    """The units in ``unit`` that a catalogue declared but that are not in ``own``.

    A unit a catalogue declares stays in the one registry for the rest of the process; this is
    how every other catalogue, which did not declare it, keeps it unknown.
    """
    if not _DECLARED:
        return ()
    try:
        names = registry().parse_units_as_container(_pint_expression(unit))
    except (_errors().UndefinedUnitError, *_malformed()):
        return ()
    found = []
    for key in names:
        for _prefix, base, _suffix in registry().parse_unit_name(key):
            if base in _DECLARED and base not in own:
                found.append(base)
    return tuple(dict.fromkeys(found))


def check_declared(unit: str, own: Set[str]) -> None:
    """Check that ``unit`` uses no unit declared by a catalogue other than the one whose
    declared names are ``own``.

    Raises:
        UnitProblem: ``QC110``, naming the unit declared elsewhere.
    """
    foreign = foreign_units(unit, own)
    if foreign:
        raise UnitProblem("QC110", f"unknown unit {unit!r}: {'、'.join(foreign)} is not a unit of "
                          "this catalogue", expected="a built-in unit, or one this catalogue "
                          "declares in its units section", got=unit,
                          hint=f"declare {foreign[0]} in the catalogue's units section")
