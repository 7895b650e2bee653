"""Periods: the year, quarter or month a fact belongs to, parsed, ordered and dated.

A period is written ``2026`` (a year), ``2026Q3`` (a quarter) or ``2026-07`` (a month); the
Chinese forms ``2026年``, ``2026年第三季度`` and ``2026年7月`` are read too. Every period ends
at the end of a month, so the time between two periods is a whole number of months
(:func:`months_between`), the same whether or not a year has 29 February. Pure: no I/O.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..base.errors import Diagnostic, FactError, Location, UsageError
from ..catalog.model import BASELINE_SUFFIX
from .model import Fact, FactForm, FactSet

__all__ = [
    "Period",
    "PeriodKind",
    "PeriodProblem",
    "deadline_end",
    "facts_by_period",
    "months_between",
    "one_period",
    "parse_period",
    "period_argument",
    "period_key",
    "single_period",
    "with_base_values",
]

#: Years a period or deadline may name (the catalogue's deadlines use the same range).
MIN_YEAR, MAX_YEAR = 1900, 2200


class PeriodKind(enum.Enum):
    """How long a period is."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


@attrs.frozen
class Period:
    """One period: its kind, first and last day, and its canonical text (``2026Q3``).

    Periods order by their end, then by their start (``2026`` before ``2026Q4``, which ends the
    same day); the baseline of a trajectory is the period whose end starts the path.
    """

    kind: PeriodKind
    start: _dt.date
    end: _dt.date
    text: str

    @property
    def year(self) -> int:
        """The calendar year the period ends in."""
        return self.end.year

    @property
    def sort_key(self) -> tuple[_dt.date, _dt.date]:
        """``(end, start)``: the order of periods in a time series."""
        return (self.end, self.start)

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key

    def __le__(self, other: Period) -> bool:
        return self.sort_key <= other.sort_key

    def __gt__(self, other: Period) -> bool:
        return self.sort_key > other.sort_key

    def __ge__(self, other: Period) -> bool:
        return self.sort_key >= other.sort_key

    def __str__(self) -> str:
        return self.text

    @classmethod
    def year_of(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(PeriodKind.YEAR, _dt.date(year, 1, 1), _dt.date(year, 12, 31), str(year))

    @classmethod
    def quarter_of(cls, year: int, quarter: int) -> Period:
        """Quarter ``quarter`` (1–4) of ``year``."""
        first = 3 * (quarter - 1) + 1
        return cls(PeriodKind.QUARTER, _dt.date(year, first, 1), _month_end(year, first + 2),
                   f"{year}Q{quarter}")

    @classmethod
    def month_of(cls, year: int, month: int) -> Period:
        """Month ``month`` (1–12) of ``year``."""
        return cls(PeriodKind.MONTH, _dt.date(year, month, 1), _month_end(year, month),
                   f"{year}-{month:02d}")


def _month_end(year: int, month: int) -> _dt.date:
    following = _dt.date(year + month // 12, month % 12 + 1, 1)
    return following - _dt.timedelta(days=1)


def months_between(earlier: _dt.date, later: _dt.date) -> int:
    """Whole months from one month's end to another's (negative when ``later`` is earlier)."""
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


def deadline_end(year: int) -> _dt.date:
    """The last day of a deadline year: "到2027年" means by the end of 2027."""
    return _dt.date(year, 12, 31)


class PeriodProblem(ValueError):
    """A period string that cannot be read; ``expected`` says what can."""

    expected = ("a year (2026), a quarter (2026Q3) or a month (2026-07); "
                f"years {MIN_YEAR}–{MAX_YEAR}")

    def diagnostic(self, text: str, where: Location | None, *, fact_id: str | None = None,
                   field: str = "period") -> Diagnostic:
        """The located diagnostic (QC207) for ``text`` at ``where``."""
        return Diagnostic("QC207", f"unreadable period: {self}", where, fact_id=fact_id,
                          field=field, expected=self.expected, got=text)


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"^(\d{4})年?$")
_QUARTER = re.compile(r"^(\d{4})(?:-?Q|年第?)([1-4一二三四])(?:季度)?$")
_MONTH = re.compile(r"^(\d{4})(?:-|/|年)(\d{1,2})月?$")


def parse_period(text: object) -> Period:
    """Read a period: ``2026``, ``2026Q3``, ``2026-Q3``, ``2026-07``, ``2026年``, ``2026年三季度``,
    ``2026年7月`` (full-width digits and spaces are folded first).

    Raises:
        PeriodProblem: anything else, such as a full date ``2026-06-30`` or ``2026Q5``.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        msg = "a period is text such as 2026 or 2026Q3"
        raise PeriodProblem(msg)
    folded = "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()
    if match := _YEAR.match(folded):
        return Period.year_of(_year(match.group(1)))
    if (match := _QUARTER.match(folded)) and (match.group(0).count("年") == 0
                                               or match.group(0).endswith("季度")):
        return Period.quarter_of(_year(match.group(1)), _CN_DIGITS[match.group(2)])
    if match := _MONTH.match(folded):
        month = int(match.group(2))
        if not 1 <= month <= 12:
            msg = f"no month {month}"
            raise PeriodProblem(msg)
        if ("年" in folded) != folded.endswith("月"):
            msg = "not a year, quarter or month"
            raise PeriodProblem(msg)
        return Period.month_of(_year(match.group(1)), month)
    msg = "not a year, quarter or month"
    raise PeriodProblem(msg)


def _year(digits: str) -> int:
    year = int(digits)
    if not MIN_YEAR <= year <= MAX_YEAR:
        msg = f"year {year} out of range"
        raise PeriodProblem(msg)
    return year


def period_argument(period: str | int, field: str) -> Period:
    """A period given as an argument or option (``--period``, ``baseline=``).

    Raises:
        UsageError: (QC207) it is not a period, naming ``field``.
    """
    try:
        return parse_period(period)
    except PeriodProblem as problem:
        raise UsageError(problem.diagnostic(str(period), None, field=field)) from None


def period_key(text: str | None) -> str | None:
    """A period's canonical text (``2026年`` and ``2026`` are one period), for telling rows of
    different periods apart; text that is not a period is compared as written."""
    if text is None:
        return None
    try:
        return parse_period(text).text
    except PeriodProblem:
        return text.strip()


def _period_location(file: str | None) -> Location | None:
    """Where a fact file states its period (the line of ``period:``), or the file."""
    if file is None:
        return None
    from ..catalog.parse import LocatedMap, parse_yaml_text, read_text

    if file.lower().endswith((".yaml", ".yml", ".json")):
        text, _ = read_text(file)
        if text is not None:
            data = parse_yaml_text(text, file=file).data
            if isinstance(data, LocatedMap) and "period" in data:
                return data.at("period")
    return Location(file)


def facts_by_period(sets: Iterable[FactSet]) -> list[tuple[Period, FactSet]]:
    """Group the facts of several fact sets by period, oldest first.

    A fact belongs to its own ``period`` (which defaults to its file's); a fact set holding a
    time series (``FactSet.series``, one file for several periods) is split by period. The same
    fact given twice in one period with different values is a conflict.

    Raises:
        FactError: a period that cannot be read (QC207), a fact with no period (QC208), or a
            conflict (QC204); every problem found.
    """
    problems: list[Diagnostic] = []
    reported: set[tuple[str | None, str | None]] = set()
    groups: dict[Period, dict[str, Fact]] = {}
    sources: dict[Period, list[str]] = {}
    regions: dict[Period, str | None] = {}
    for fact_set in sets:
        file = fact_set.sources[0] if fact_set.sources else None
        rows = (((fact.id, fact) for fact in fact_set.series) if fact_set.series
                else fact_set.facts.items())
        for key, fact in rows:
            text = fact.period
            if text is None:
                if (file, None) not in reported:
                    reported.add((file, None))
                    problems.append(Diagnostic(
                        "QC208", "facts without a period", fact.location or Location(file),
                        fact_id=key, field="period",
                        expected="a period for the file (period: 2026) or for each fact"))
                continue
            try:
                period = parse_period(text)
            except PeriodProblem as problem:
                if (file, text) not in reported:
                    reported.add((file, text))
                    file_level = text == fact_set.period
                    where = _period_location(file) if file_level else fact.location
                    problems.append(problem.diagnostic(text, where,
                                                       fact_id=None if file_level else key))
                continue
            group = groups.setdefault(period, {})
            if key in group and (group[key].form, group[key].value, group[key].unit) != (
                    fact.form, fact.value, fact.unit):
                before = f" (first at {group[key].location})" if group[key].location else ""
                problems.append(Diagnostic(
                    "QC204", f"fact given twice for {period} with different values{before}",
                    fact.location, fact_id=key, field="value",
                    expected=group[key].raw or "the same value", got=fact.raw))
                continue
            group.setdefault(key, fact)
            if file and file not in sources.setdefault(period, []):
                sources[period].append(file)
            regions.setdefault(period, fact_set.region)
    if problems:
        raise FactError(problems)
    return [(period, FactSet(groups[period], region=regions.get(period), period=period.text,
                             sources=tuple(sources.get(period, ()))))
            for period in sorted(groups)]


def single_period(fact_set: FactSet, what: str) -> Period:
    """The one period of a fact set (``what`` names it in messages: facts, baseline); base
    values (``<rule-id>.baseline``) are of their base period and do not count.

    Raises:
        FactError: no period, an unreadable one, or facts of several periods (QC207, QC208).
    """
    own = {key: fact for key, fact in fact_set.facts.items() if not key.endswith(BASELINE_SUFFIX)}
    if own and len(own) < len(fact_set.facts):
        fact_set = attrs.evolve(fact_set, facts=own)
    if not fact_set.facts:
        raise FactError(Diagnostic("QC208", f"the {what} have no facts, so no period",
                                   Location(fact_set.sources[0]) if fact_set.sources else None,
                                   field="period", expected="facts of one period"))
    periods = [period for period, _ in facts_by_period([fact_set])]
    if len(periods) != 1:
        raise FactError(Diagnostic(
            "QC208", f"the {what} hold facts of several periods",
            Location(fact_set.sources[0]) if fact_set.sources else None, field="period",
            expected="facts of one period (qcrules progress shows a series)",
            got=", ".join(p.text for p in periods)))
    return periods[0]


def _held(fact_set: FactSet) -> str:
    """The periods a fact set gives, oldest first, as written in messages."""
    texts: list[str | None] = []
    for fact in fact_set.series or fact_set.facts.values():
        key = period_key(fact.period)
        if key not in texts:
            texts.append(key)

    def order(text: str | None) -> tuple[int, tuple[Any, ...], str]:
        if text is None:
            return (2, (), "")
        try:
            return (0, parse_period(text).sort_key, text)
        except PeriodProblem:
            return (1, (), text)

    return ", ".join(text or "no period" for text in sorted(texts, key=order))


#: What a plan's changes and growths need of earlier periods: ``<rule-id>.baseline`` → (the
#: names the indicator's fact is given under, the base year).
Bases = Mapping[str, tuple[tuple[str, ...], int]]


def with_base_values(facts: FactSet, others: Iterable[FactSet], bases: Bases) -> FactSet:
    """``facts`` with the base value of each change or growth (``<rule-id>.baseline``) taken
    from the indicator's fact of its base year in ``others`` (a series, or a baseline file),
    where ``facts`` does not give it; a base year the others do not hold stays missing."""
    wanted = {fact_id: need for fact_id, need in bases.items() if facts.get(fact_id) is None}
    if not wanted:
        return facts
    years = {period.year: held for period, held in facts_by_period(list(others))
             if period.kind is PeriodKind.YEAR}
    added: dict[str, Fact] = {}
    for fact_id, (keys, year) in wanted.items():
        held = years.get(year)
        found = next((held.facts[key] for key in keys
                      if held is not None and key in held.facts
                      and held.facts[key].form is not FactForm.MISSING), None)
        if found is not None:
            added[fact_id] = attrs.evolve(found, id=fact_id)
    return attrs.evolve(facts, facts={**facts.facts, **added}) if added else facts


def one_period(fact_set: FactSet, period: Period | None = None, *,
               what: str = "facts", bases: Bases | None = None) -> FactSet:
    """The facts to evaluate: ``fact_set`` itself, or with ``period`` its facts of that period.

    A fact set holding a time series (the same indicator for several periods) is never
    evaluated as it is: which row would count is not for qcrules to guess.

    Facts of several regions are never evaluated as one either (QC215).

    Raises:
        FactError: (QC210) a series and no ``period``; (QC211) no facts of ``period``; with
            ``period``, an unreadable period or a fact without one (QC207, QC208); (QC215)
            facts of several regions.
    """
    where = Location(fact_set.sources[0]) if fact_set.sources else None
    regions = [r for r in dict.fromkeys(f.region for f in fact_set.series or fact_set.facts.values())
               if r is not None]
    if len(regions) > 1:
        raise FactError(Diagnostic(
            "QC215", f"the {what} hold several regions", where, field="region",
            expected="facts of one region", got=", ".join(regions),
            hint="choose one (qcrules check --region R) or judge them all (qcrules check, "
                 "qcrules.evaluate_frame)"))
    if period is None:
        if not fact_set.series:
            return fact_set
        seen: set[str] = set()
        repeated = None
        for fact in fact_set.series:
            if fact.id in seen:
                repeated = fact
                break
            seen.add(fact.id)
        raise FactError(Diagnostic(
            "QC210", f"the {what} hold several periods",
            (repeated.location if repeated else None) or where,
            fact_id=repeated.id if repeated else None,
            field="period", expected="facts of one period", got=_held(fact_set),
            hint=("give the facts of one period as the baseline, or show the series with "
                  "qcrules progress --baseline P") if what.startswith("baseline") else
                 "choose one (qcrules check --period P, period= in Python) or show the series "
                 "(qcrules progress)"))
    for held, facts in facts_by_period([fact_set]):
        if held == period:
            chosen = attrs.evolve(facts, diagnostics=fact_set.diagnostics)
            return with_base_values(chosen, [fact_set], bases) if bases else chosen
    raise FactError(Diagnostic(
        "QC211", f"no {what} of {period}", where, field="period",
        expected=f"one of the periods given: {_held(fact_set)}", got=period.text))
