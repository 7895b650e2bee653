"""The rule model: frozen, validated value objects shared by every stage and engine.

Behaviour lives in the stage functions (validate, compile, evaluate, explain); these classes
only hold data and check it on construction. Derive copies with :func:`attrs.evolve`.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import Any

import attrs
from attrs import validators as v

from ..base.errors import Diagnostic, Location

__all__ = [
    "BASELINE_SUFFIX",
    "CHANGE_MEASURES",
    "DEFAULT_TOLERANCE",
    "RATIO_ORDERS",
    "Approximation",
    "Bound",
    "Catalog",
    "Change",
    "Commitment",
    "Department",
    "Derivation",
    "Indicator",
    "Input",
    "Kind",
    "Op",
    "Phase",
    "Quantity",
    "RatioTerms",
    "Reference",
    "Rule",
    "Section",
    "SourceDocument",
    "UnitDeclaration",
]

RULE_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")

#: The paths a target may take from its baseline to its deadline (``docs/explanation/trajectories.md``).
PATHS = ("linear", "front-loaded")

#: The methods that judge a dated target's progress (``docs/explanation/trajectories.md``):
#: ``path`` (the path above, the default), ``sdg`` (Statistics Canada / open-sdg: observed over
#: required compound annual growth) and ``un`` (UN SDG Progress Chart: the trend projected to
#: the deadline).
PROGRESS_METHODS = ("path", "sdg", "un")


class Kind(enum.Enum):
    """What a rule judges, and how (see ``docs/reference/catalog-format.md``)."""

    FLOOR = "floor"
    CEILING = "ceiling"
    RANGE = "range"
    RATIO = "ratio"
    COUNT = "count"
    BOOLEAN = "boolean"
    QUALITATIVE = "qualitative"
    RELATIVE = "relative"
    ASSIGNED = "assigned"
    RANK = "rank"
    CHANGE = "change"
    GROWTH = "growth"
    APPROX = "approx"

    @property
    def numeric(self) -> bool:
        """Kinds judged from a quantity."""
        return self not in (Kind.BOOLEAN, Kind.QUALITATIVE)

    @property
    def needs_reference(self) -> bool:
        """Kinds whose threshold is a fact given at evaluation time."""
        return self in (Kind.RELATIVE, Kind.ASSIGNED)

    @property
    def needs_base(self) -> bool:
        """Kinds judged against a base value (``<rule-id>.baseline``): a change, a growth."""
        return self in (Kind.CHANGE, Kind.GROWTH)


class Commitment(enum.Enum):
    """确保 (ensure): a miss is a violation; 力争 (strive): a shortfall; none: a plain requirement."""

    ENSURE = "ensure"
    STRIVE = "strive"
    NONE = "none"


class Op(enum.Enum):
    """A comparison with its inclusiveness stored explicitly."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="

    @property
    def inclusive(self) -> bool:
        """Whether a value equal to the threshold satisfies the bound."""
        return self in (Op.GE, Op.LE, Op.EQ)

    @property
    def lower(self) -> bool:
        """A lower bound (more is better)."""
        return self in (Op.GE, Op.GT)

    @property
    def upper(self) -> bool:
        """An upper bound (less is better)."""
        return self in (Op.LE, Op.LT)

    @property
    def compare(self) -> Callable[[Any, Any], Any]:
        """The comparison itself (``operator.ge`` for ``>=``), on whole numbers or arrays.

        ``op.holds(n/d, tn/td)`` is ``op.compare(n * td, tn * d)`` for positive denominators;
        a compiled rule keeps it with its thresholds' numerators and denominators, and the
        vectorised path applies it to whole columns.
        """
        return _COMPARE[self._name_]

    def holds(self, value: Fraction, threshold: Fraction) -> bool:
        """Exact comparison ``value OP threshold`` (by cross-multiplying whole numbers)."""
        n, d = value.as_integer_ratio()
        tn, td = threshold.as_integer_ratio()
        return _COMPARE[self._name_](n * td, tn * d)


# By member name: a str hash is cached, an Enum member's hash is computed in Python each time.
_COMPARE = {"GE": operator.ge, "GT": operator.gt, "LE": operator.le, "LT": operator.lt,
            "EQ": operator.eq}


def _fraction(value: object) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, str)):
        return Fraction(value)
    msg = f"expected an exact number (Fraction, int or decimal string), got {value!r}"
    raise TypeError(msg)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """A typed ``tuple`` converter (attrs and mypy agree on it)."""
    return tuple(value)


def _tuple_of_str(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class Quantity:
    """An exact magnitude with a unit as written (``None`` for a bare number)."""

    magnitude: Fraction = attrs.field(converter=_fraction)
    unit: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))


@attrs.frozen
class Bound:
    """One side of a target: ``op`` and a threshold (``None`` when a reference fact gives it).

    ``words`` keeps the catalogue's own text (e.g. ``14件/万人以上``) for explanations.
    """

    op: Op = attrs.field(validator=v.instance_of(Op))
    threshold: Quantity | None = attrs.field(default=None,
                                             validator=v.optional(v.instance_of(Quantity)))
    words: str = attrs.field(default="", validator=v.instance_of(str))


@attrs.frozen
class Indicator:
    """What is measured: names in Chinese and English, the unit, the possible values."""

    zh: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    en: str = attrs.field(default="", validator=v.instance_of(str))
    unit: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))
    min: Quantity | None = attrs.field(default=None, validator=v.optional(v.instance_of(Quantity)))
    max: Quantity | None = attrs.field(default=None, validator=v.optional(v.instance_of(Quantity)))


@attrs.frozen
class Reference:
    """A fact that supplies a threshold at evaluation time (全省平均数, 上级下达的任务)."""

    id: str = attrs.field(validator=v.matches_re(RULE_ID))
    zh: str = attrs.field(default="", validator=v.instance_of(str))
    en: str = attrs.field(default="", validator=v.instance_of(str))


@attrs.frozen
class Input:
    """A raw fact a derived indicator is computed from."""

    name: str = attrs.field(validator=v.matches_re(r"^[A-Za-z_][A-Za-z0-9_]*$"))
    zh: str = attrs.field(default="", validator=v.instance_of(str))
    en: str = attrs.field(default="", validator=v.instance_of(str))
    unit: str | None = attrs.field(default=None, validator=v.optional(v.instance_of(str)))


@attrs.frozen
class Derivation:
    """A formula over named inputs; parsed by a restricted parser, never evaluated as Python."""

    formula: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    inputs: tuple[Input, ...] = attrs.field(converter=_tuple,
                                            validator=v.deep_iterable(v.instance_of(Input)))

    def input_fact_id(self, rule_id: str, name: str) -> str:
        """The fact id that feeds input ``name`` of rule ``rule_id``."""
        return f"{rule_id}.{name}"


#: How a ratio target is written: ``1:x`` (x of the second term per one of the first: 师生比
#: 1:12.5) or ``x:1`` (x of the first per one of the second: 生师比 19:1, 收入比 2.2:1). The
#: number judged is x either way.
RATIO_ORDERS = ("1:x", "x:1")


@attrs.frozen
class RatioTerms:
    """The two terms of a ratio target such as 师生比 1:12.5 (教师 : 学生), and its order.

    ``order`` says which term is measured: ``1:x`` judges the consequent per one antecedent,
    ``x:1`` the antecedent per one consequent.
    """

    antecedent: str = attrs.field(validator=v.instance_of(str))
    consequent: str = attrs.field(validator=v.instance_of(str))
    order: str = attrs.field(default="1:x", validator=v.in_(RATIO_ORDERS))

    @property
    def measured(self) -> tuple[str, str]:
        """The judged number's unit as (numerator term, denominator term)."""
        if self.order == "x:1":
            return self.antecedent, self.consequent
        return self.consequent, self.antecedent


#: How a change against a base value is measured (``Change.measure``): ``relative``
#: (比2020年下降13.5%: (now − base) / base, in %), ``points`` (提高5个百分点: now − base, for a
#: rate), ``absolute`` (增加12项: now − base, in the indicator's unit), ``multiple`` (翻一番:
#: now / base), and for kind ``growth`` ``compound`` (年均增长8%: now / base ≥ (1 + r)^years,
#: exactly). A growth in ``points`` or ``absolute`` is per year: (now − base) / years
#: (年均提高1个百分点).
CHANGE_MEASURES = ("relative", "points", "absolute", "multiple", "compound")


@attrs.frozen
class Change:
    """What a change or growth target measures against its base value.

    ``direction`` is +1 for an increase (增长, 提高, 增加) and −1 for a decrease (下降, 降低,
    减少): the change judged is signed so that the plan's direction is positive, and the bounds
    compare it with the change required. ``base`` is the base year the plan names (比2020年),
    ``None`` when it names none (the base fact's period then counts).
    """

    measure: str = attrs.field(validator=v.in_(CHANGE_MEASURES))
    direction: int = attrs.field(default=1, validator=v.in_((1, -1)))
    base: int | None = attrs.field(default=None, validator=v.optional(v.instance_of(int)))



#: The suffix of a change's or growth's base value (``<rule-id>.baseline``): a fact of its
#: base period, which does not count as a period of the facts it stands among.
BASELINE_SUFFIX = ".baseline"

#: The tolerance of an approximate target (3%左右) when the rule declares none: 5 % of the
#: number the plan names (docs/explanation/semantics.md, *Approximate targets*).
DEFAULT_TOLERANCE = Fraction(1, 20)


@attrs.frozen
class Approximation:
    """An approximate target (3%左右, 近100个, 约): the number the plan names and the band
    qcrules reads it as — an interpretation, which explanations say.

    ``tolerance`` is absolute (in the target's unit) when ``relative`` is false, else a fraction
    of the target (1/20 for 5 %); ``lower_only`` is true for 近/接近 (nearly: the band's lower
    edge, more is fine).
    """

    target: Fraction = attrs.field(converter=_fraction)
    tolerance: Fraction = attrs.field(converter=_fraction)
    relative: bool = True
    lower_only: bool = False
    word: str = ""

    @property
    def half_width(self) -> Fraction:
        """The tolerance in the target's unit."""
        return abs(self.target) * self.tolerance if self.relative else self.tolerance


@attrs.frozen
class Rule:
    """One target of the plan, quoting its words.

    A *strict* bound is a floor or ceiling whose word excludes the number (see :attr:`strict`);
    a *derived* rule has a :attr:`derivation`.
    """

    id: str = attrs.field(validator=v.matches_re(RULE_ID))
    indicator: Indicator = attrs.field(validator=v.instance_of(Indicator))
    kind: Kind = attrs.field(validator=v.instance_of(Kind))
    bounds: tuple[Bound, ...] = attrs.field(converter=_tuple,
                                            validator=v.deep_iterable(v.instance_of(Bound)))
    commitment: Commitment = attrs.field(validator=v.instance_of(Commitment))
    deadline: int | str = attrs.field(validator=v.instance_of((int, str)))
    clause: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    quote: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    lead: tuple[str, ...] = attrs.field(converter=_tuple_of_str,
                                        validator=v.deep_iterable(v.instance_of(str)))
    support: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                           validator=v.deep_iterable(v.instance_of(str)))
    precision: Fraction | None = attrs.field(default=None,
                                             converter=attrs.converters.optional(_fraction))
    reference: Reference | None = attrs.field(default=None,
                                              validator=v.optional(v.instance_of(Reference)))
    derivation: Derivation | None = attrs.field(default=None,
                                                validator=v.optional(v.instance_of(Derivation)))
    ratio: RatioTerms | None = attrs.field(default=None,
                                           validator=v.optional(v.instance_of(RatioTerms)))
    note: str = attrs.field(default="", validator=v.instance_of(str))
    path: str = attrs.field(default="linear", validator=v.in_(PATHS))
    #: The rule's own progress method (``progress: {method: …}``); ``None``: the catalogue's.
    method: str | None = attrs.field(default=None, validator=v.optional(v.in_(PROGRESS_METHODS)))
    change: Change | None = attrs.field(default=None, validator=v.optional(v.instance_of(Change)))
    approx: Approximation | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Approximation)))
    #: The compound target this rule is part of (A和B均达到98%以上: one group, two rules),
    #: met only when all its rules are; ``None`` for a rule on its own.
    group: str | None = attrs.field(default=None, validator=v.optional(v.matches_re(RULE_ID)))
    #: A reading a reviewer must still confirm (a drafted rule's guess, said in ``note``).
    review: bool = attrs.field(default=False, validator=v.instance_of(bool))
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    #: The English names of ``lead`` and ``support``, one each (``""`` where the catalogue's
    #: ``departments`` glossary has none); filled from the glossary when the catalogue loads.
    lead_en: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str, eq=False,
                                           repr=False)
    support_en: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str, eq=False,
                                              repr=False)

    def lead_in(self, lang: str) -> tuple[str, ...]:
        """The lead departments in ``lang`` (``en``: the glossary's names, else the Chinese)."""
        return _in_language(self.lead, self.lead_en, lang)

    def support_in(self, lang: str) -> tuple[str, ...]:
        """The supporting departments in ``lang``, as :meth:`lead_in`."""
        return _in_language(self.support, self.support_en, lang)

    @deadline.validator
    def _check_deadline(self, _attribute: attrs.Attribute[object], value: int | str) -> None:
        if isinstance(value, str) and value not in ("annual", "ongoing"):
            msg = f"deadline must be a year, 'annual' or 'ongoing', got {value!r}"
            raise ValueError(msg)

    @precision.validator
    def _check_precision(self, _attribute: attrs.Attribute[object],
                         value: Fraction | None) -> None:
        if value is not None and value <= 0:
            msg = f"precision must be positive, got {value}"
            raise ValueError(msg)

    @property
    def section(self) -> str:
        """The clause's section, e.g. ``二(一)`` for ``二(一)1``."""
        return self.clause.rstrip("0123456789.")

    @property
    def strict(self) -> bool:
        """A bound whose word excludes the number (低于, 超过)."""
        return any(not bound.op.inclusive for bound in self.bounds)

    @property
    def judgement(self) -> str:
        """``"rounded"`` when a precision is declared (GB/T 8170 §4.3.2), else ``"full"``."""
        return "rounded" if self.precision is not None else "full"

    @property
    def baseline_id(self) -> str:
        """The fact that gives a change's or growth's base value: ``<rule-id>.baseline``."""
        return f"{self.id}{BASELINE_SUFFIX}"

    @property
    def fact_ids(self) -> tuple[str, ...]:
        """Every fact id this rule may read."""
        ids = [self.id]
        if self.kind.needs_base:
            ids.append(self.baseline_id)
        if self.reference is not None:
            ids.append(self.reference.id)
        if self.derivation is not None:
            ids.extend(self.derivation.input_fact_id(self.id, i.name)
                       for i in self.derivation.inputs)
        return tuple(ids)


@attrs.frozen
class Phase:
    """A phase of the plan's timeline, months as ``YYYY-MM``."""

    name: str
    start: str = attrs.field(validator=v.matches_re(r"^\d{4}-\d{2}$"))
    end: str = attrs.field(validator=v.matches_re(r"^\d{4}-\d{2}$"))


@attrs.frozen
class Section:
    """A part of the plan: clause prefix (``二(一)``), title, and the title in English."""

    prefix: str
    title: str
    en: str = ""


@attrs.frozen
class Department:
    """An entry of a catalogue's department glossary: the Chinese name the rules use (``lead``,
    ``support``) and its English name."""

    zh: str
    en: str


def _in_language(names: tuple[str, ...], english: tuple[str, ...], lang: str) -> tuple[str, ...]:
    if lang != "en" or not english:
        return names
    return tuple(en or zh for zh, en in zip(names, english, strict=False))


@attrs.frozen
class SourceDocument:
    """The document the quotes come from."""

    title: str
    file: str | None = None


@attrs.frozen
class UnitDeclaration:
    """A unit a catalogue declares in its ``units`` section, its definition as written:
    ``item`` (a counted thing), ``base`` (a dimension of its own) or a number times known
    units (``10000 标箱``)."""

    name: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    definition: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))


@attrs.frozen
class Catalog:
    """A plan's targets as rules, in the plan's order.

    ``notes`` are what validation found worth a reviewer's attention without being an error
    (codes QC17x: a kind read from the target's words, a number with no bound word);
    like ``path`` they are not part of the catalogue's value.
    """

    id: str
    title: str
    rules: tuple[Rule, ...] = attrs.field(converter=_tuple)
    issuer: str = ""
    region: str = ""
    period_start: int | None = None
    period_end: int | None = None
    source: SourceDocument | None = None
    phases: tuple[Phase, ...] = attrs.field(default=(), converter=_tuple)
    sections: tuple[Section, ...] = attrs.field(default=(), converter=_tuple)
    #: The department glossary: each department's English name (``catalog.departments``).
    departments: tuple[Department, ...] = attrs.field(default=(), converter=_tuple)
    #: The units the catalogue declares, in its order (``docs/reference/units.md``).
    units: tuple[UnitDeclaration, ...] = attrs.field(
        default=(), converter=_tuple, validator=v.deep_iterable(v.instance_of(UnitDeclaration)))
    #: The catalogue's progress method (``progress: {method: …}``), for rules with none of their own.
    method: str = attrs.field(default="path", validator=v.in_(PROGRESS_METHODS))
    path: str | None = attrs.field(default=None, eq=False, repr=False)
    notes: tuple[Diagnostic, ...] = attrs.field(default=(), converter=_tuple, eq=False,
                                                repr=False)
    #: With ``keep_going``, the problems of the rules left out (never part of equality).
    problems: tuple[Diagnostic, ...] = attrs.field(default=(), converter=_tuple, eq=False,
                                                   repr=False)
    _by_id: dict[str, Rule] = attrs.field(init=False, eq=False, repr=False, hash=False)

    @rules.validator
    def _check_unique(self, _attribute: attrs.Attribute[object], rules: tuple[Rule, ...]) -> None:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                msg = f"duplicate rule id {rule.id!r}"
                raise ValueError(msg)
            seen.add(rule.id)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def section_title(self, prefix: str, lang: str = "zh") -> str:
        """The title of a section (with ``lang="en"``, its English title where the catalogue
        gives one), or ``""``."""
        section = next((s for s in self.sections if s.prefix == prefix), None)
        if section is None:
            return ""
        return section.en if lang == "en" and section.en else section.title

    def department_name(self, name: str, lang: str = "zh") -> str:
        """A department's name in ``lang``: with ``en``, the glossary's English name, else
        ``name`` as the rules write it."""
        if lang == "en":
            return next((d.en for d in self.departments if d.zh == name), name)
        return name


