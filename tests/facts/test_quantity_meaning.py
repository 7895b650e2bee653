"""The quantity reader reads what the text denotes, or refuses it: checked for meaning.

Well-formed quantities are generated from an exact value and written in many spellings — plain,
signed, thousands groups (``85,000``), full-width digits, exponents, a leading or trailing
point, %, ‰ and ‱, units of one dimension in several scales (元/人, 千元/人, 万元/人), ratios
``1:13`` / ``1∶13`` / ``1：13`` — and the value read must be exactly the one generated, in the
unit written and, converted, in the dimension's base unit; the same through a YAML fact file,
quoted and unquoted. Near-misses — a decimal comma (``8,5``), odd groups, a doubled %, trailing
punctuation, a NUL or escape, a lone surrogate, a stray sign — are refused with QC112.
"""

from __future__ import annotations

from fractions import Fraction

import attrs
from hypothesis import assume, example, given
from hypothesis import strategies as st

from qcrules.catalog.parse import parse_yaml_text
from qcrules.catalog.units import conversion_factor
from qcrules.facts.model import FactForm
from qcrules.facts.read import facts_from_data, read_value

#: Spellings of units of one dimension: (written, how many base units one of it is), base unit.
UNIT_FAMILIES: list[tuple[str, list[tuple[str, Fraction]]]] = [
    ("元/人", [("元/人", Fraction(1)), ("千元/人", Fraction(1000)), ("万元/人", Fraction(10**4))]),
    ("元", [("元", Fraction(1)), ("万元", Fraction(10**4)), ("亿元", Fraction(10**8))]),
    ("%", [("%", Fraction(1)), ("％", Fraction(1)), ("‰", Fraction(1, 10)),
           ("‱", Fraction(1, 100))]),
    ("件", [("件", Fraction(1)), ("项", Fraction(1)), ("个", Fraction(1)),
            ("万件", Fraction(10**4))]),
    ("人", [("人", Fraction(1)), ("千人", Fraction(1000)), ("万人", Fraction(10**4))]),
    ("吨", [("吨", Fraction(1)), ("万吨", Fraction(10**4)), ("千克", Fraction(1, 1000)),
            ("公斤", Fraction(1, 1000))]),
    ("件/万人", [("件/万人", Fraction(1)), ("件/人", Fraction(10**4))]),
    ("百分点", [("百分点", Fraction(1)), ("个百分点", Fraction(1))]),
]

FULL_WIDTH = str.maketrans("0123456789.,+-", "０１２３４５６７８９．，＋－")


@attrs.frozen
class Written:
    """A number as text and the exact value it denotes."""

    text: str
    value: Fraction


@st.composite
def numbers(draw: st.DrawFn, *, positive: bool = False) -> Written:
    """An exact decimal, written in one of the spellings the reader accepts."""
    mantissa = draw(st.integers(1 if positive else 0, 10**12))
    places = draw(st.integers(0, 6))
    value = Fraction(mantissa, 10**places)
    whole, fraction = divmod(mantissa, 10**places)
    decimals = str(fraction).rjust(places, "0") if places else ""
    form = draw(st.sampled_from(["plain", "grouped", "exponent", "point", "full-width"]))
    if form == "grouped" and whole >= 1000:
        text = f"{whole:,}" + (f".{decimals}" if places else "")
    elif form == "exponent":
        shift = draw(st.integers(-4, 4))
        letter = draw(st.sampled_from(["e", "E"]))
        exponent = shift - places
        sign = "+" if exponent >= 0 and draw(st.booleans()) else ""
        text = f"{mantissa}{letter}{sign}{exponent}"
        value = Fraction(mantissa) * Fraction(10) ** exponent
    elif form == "point" and (whole == 0) != (places == 0):
        text = f".{decimals}" if whole == 0 else f"{whole}."   # .5 and 5.
    else:
        text = f"{whole}" + (f".{decimals}" if places else "")
    if not positive and value and draw(st.booleans()):
        sign = draw(st.sampled_from(["-", "+"]))
        text = sign + text
        value = -value if sign == "-" else value
    if form == "full-width":
        text = text.translate(FULL_WIDTH)
    return Written(text, value)


@st.composite
def quantities(draw: st.DrawFn) -> tuple[str, Fraction, str, Fraction, str]:
    """(text, value in the written unit, the unit as read, value in the base unit, base unit)."""
    number = draw(numbers())
    base, family = draw(st.sampled_from(UNIT_FAMILIES))
    unit, scale = draw(st.sampled_from(family))
    space = draw(st.sampled_from(["", " ", "\u3000"]))
    read_unit = {"％": "%", "个百分点": "百分点"}.get(unit, unit)
    return (f"{number.text}{space}{unit}", number.value, read_unit, number.value * scale, base)


@st.composite
def ratios(draw: st.DrawFn) -> tuple[str, Fraction]:
    first, second = draw(numbers(positive=True)), draw(numbers(positive=True))
    colon = draw(st.sampled_from([":", "∶", "："]))
    space = draw(st.sampled_from(["", " "]))
    return f"{first.text}{space}{colon}{space}{second.text}", second.value / first.value


class TestWellFormedQuantitiesReadAsTheyDenote:
    @given(quantities())
    @example(("8.5万元/人", Fraction(17, 2), "万元/人", Fraction(85000), "元/人"))
    @example(("85,000元/人", Fraction(85000), "元/人", Fraction(85000), "元/人"))
    @example(("８５，０００．５ 元", Fraction(170001, 2), "元", Fraction(170001, 2), "元"))
    @example(("12.5‰", Fraction(25, 2), "‰", Fraction(5, 4), "%"))
    @example(("2个百分点", Fraction(2), "百分点", Fraction(2), "百分点"))
    def test_a_quantity(self, case: tuple[str, Fraction, str, Fraction, str]) -> None:
        text, value, unit, in_base, base = case
        fact, problem = read_value("x", text, None, None)
        assert problem is None, problem
        assert (fact.form, fact.value, fact.unit) == (FactForm.QUANTITY, value, unit)
        assert fact.value * conversion_factor(fact.unit, base) == in_base

    @given(numbers())
    def test_a_bare_number(self, number: Written) -> None:
        fact, problem = read_value("x", number.text, None, None)
        assert problem is None, problem
        assert (fact.form, fact.value) == (FactForm.NUMBER, number.value)

    @given(numbers(), st.sampled_from([unit for _, family in UNIT_FAMILIES
                                       for unit, _ in family if unit != "％"]))
    def test_a_number_with_its_unit_given_apart(self, number: Written, unit: str) -> None:
        fact, problem = read_value("x", number.text, unit, None)
        assert problem is None, problem
        assert fact.value == number.value
        assert fact.unit == {"个百分点": "百分点"}.get(unit, unit)

    @given(ratios())
    @example(("1:13", Fraction(13)))
    @example(("1∶12.5", Fraction(25, 2)))
    @example(("１：１３．２", Fraction(66, 5)))
    def test_a_ratio(self, case: tuple[str, Fraction]) -> None:
        text, value = case
        fact, problem = read_value("x", text, None, None)
        assert problem is None, problem
        assert (fact.form, fact.value) == (FactForm.RATIO, value)

    @given(st.one_of(quantities().map(lambda q: (q[0], q[1])), ratios(),
                     numbers().map(lambda n: (n.text, n.value))), st.booleans())
    def test_the_same_through_a_yaml_fact_file(self, case: tuple[str, Fraction],
                                               quoted: bool) -> None:
        """Quoted, or unquoted where YAML may take it for a number (or a base-60 one): the
        reader sees the value the text denotes either way."""
        text, value = case
        written = f"'{text}'" if quoted else text.replace("\u3000", " ")
        parsed = parse_yaml_text(f"facts:\n  x: {written}\n")
        assume(parsed.data is not None and isinstance(parsed.data["facts"], dict))
        fact = facts_from_data(parsed.data).facts["x"]
        assert fact.problem is None, fact.problem
        assert fact.value == value


#: Characters never part of a number or a unit.
PUNCTUATION = "#!?;=`~|\\<>{}[]@$&'\""
CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x9b"]


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A well-formed quantity bent into something that is not one."""
    text, _, unit, _, _ = draw(quantities())
    unit_text = text[len(text) - len(unit):] if text.endswith(unit) else ""
    how = draw(st.sampled_from(["decimal comma", "odd groups", "doubled sign", "garbage",
                                "control", "surrogate", "stray sign"]))
    whole = draw(st.integers(0, 10**9))
    if how == "decimal comma":
        digits = draw(st.sampled_from([1, 2, 4, 5]))
        return f"{whole},{draw(st.integers(0, 10**digits - 1)):0{digits}d}{unit_text}"
    if how == "odd groups":
        size = draw(st.sampled_from([2, 4]))
        written = str(draw(st.integers(10**size, 10**12)))
        groups = [written[max(0, end - size):end] for end in range(len(written), 0, -size)]
        return ",".join(reversed(groups)) + unit_text
    if how == "doubled sign":
        return f"{whole}{draw(st.sampled_from(['%%', '‰‰', '%‰', '％％', '%‱']))}"
    if how == "garbage":
        return text + draw(st.sampled_from(PUNCTUATION)) + draw(st.text(max_size=4))
    if how == "stray sign":
        sign = draw(st.sampled_from(["+", "-"]))
        number = text[: len(text) - len(unit_text)].rstrip()
        return draw(st.sampled_from([f"{number}{sign}{unit_text}", f"{text}{sign}",
                                     f"{sign}{sign}{text}", f"+-{text}"]))
    inserted = (draw(st.sampled_from(CONTROLS)) if how == "control"
                else chr(draw(st.integers(0xD800, 0xDFFF))))
    at = draw(st.integers(0, len(text)))
    return text[:at] + inserted + text[at:]


class TestNearMissesAreRefused:
    @given(near_misses())
    @example("8,5万元/人")
    @example("3,6%")
    @example("1,2,3万元/人")
    @example("3.6%%")
    @example("9%#garbage")
    @example("96%\x00")
    @example("8.5\ud800万元")
    @example("8.5+万元")        # was 8.5 万元
    @example("8.5万元-")        # was an unreadable unit, QC110
    @example("1_000")           # was 1 with a unit _000
    @example("8.5e")            # was 8.5 elementary charges
    @example("1e5e5")
    @example("8.5万元//人")
    def test_refused_as_not_a_quantity(self, text: str) -> None:
        fact, problem = read_value("x", text, None, None)
        assert problem is not None, fact
        assert (problem.code, problem.fact_id, problem.field) == ("QC112", "x", "value")
        assert fact.form is FactForm.INVALID
        # the same through the facts reader of a mapping
        (refused,) = facts_from_data({"x": text}).diagnostics
        assert refused.code == "QC112"

    @given(numbers(positive=True), st.sampled_from(["-", "0", "-0", "+0.0", "0.000"]))
    @example(Written("1", Fraction(1)), "0")
    @example(Written("1", Fraction(1)), "-")
    def test_a_ratio_with_a_zero_or_negative_term(self, number: Written, bad: str) -> None:
        """1:0 was met; 1:-13 was a ratio of -13."""
        term = bad + number.text if bad == "-" else bad
        for text in (f"{number.text}:{term}", f"{term}:{number.text}"):
            fact, problem = read_value("x", text, None, None)
            assert problem is not None, fact
            assert problem.code == "QC112"
            assert "term" in problem.message
