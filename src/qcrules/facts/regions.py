"""Many regions and periods in one table: its facts split into one fact set per (region,
period), each evaluated as a fact file of that region and period would be.

A long table (CSV, .xlsx, Parquet) with a ``region`` (地区) and a ``period`` (时期) column holds
one row per fact of many regions and periods. A table of one region giving each indicator
once is one fact set, as before (a figure published late may keep its own period); otherwise
every fact belongs to its region and its period. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ..base.errors import Diagnostic, FactError, Location, QcrulesError, UsageError, did_you_mean
from .model import Fact, FactSet
from .periods import Bases, facts_by_period, parse_period, period_argument, with_base_values

__all__ = ["is_several", "option_values", "regions_of", "select", "split_by_region_and_period"]


def _rows(fact_set: FactSet) -> list[tuple[str, Fact]]:
    if fact_set.series:
        return [(fact.id, fact) for fact in fact_set.series]
    return list(fact_set.facts.items())


def regions_of(fact_set: FactSet) -> list[str | None]:
    """The regions the facts name, in the order first given (``None``: facts naming none)."""
    seen: dict[str | None, None] = {}
    for _key, fact in _rows(fact_set):
        seen.setdefault(fact.region, None)
    return list(seen)


def is_several(fact_set: FactSet) -> bool:
    """Whether the facts are of more than one region, or of one region for several periods
    (a series); else they are one fact set, evaluated as one."""
    return bool(fact_set.series) or len(regions_of(fact_set)) > 1


def split_by_region_and_period(fact_set: FactSet, *, bases: Bases | None = None) -> list[FactSet]:
    """One fact set per (region, period), regions in the order first given and each region's
    periods oldest first; each holds its region and period, its facts, and the base values
    (``<rule-id>.baseline``) that ``bases`` asks for, from its region's facts of the base year.

    The sets carry no ``diagnostics``: the unreadable facts of ``fact_set`` are its own, said
    once.

    Raises:
        FactError: facts without a region beside facts of several regions (QC214), without a
            period beside facts of several periods (QC208), or of an unreadable period (QC207);
            every problem found.
    """
    regions = regions_of(fact_set)
    rows = _rows(fact_set)
    problems: list[Diagnostic] = []
    if None in regions and len(regions) > 1:
        key, first = next((key, fact) for key, fact in rows if fact.region is None)
        problems.append(Diagnostic(
            "QC214", "facts without a region beside facts of several regions",
            first.location or _where(fact_set), fact_id=key, field="region",
            expected="a region for every row (a 地区 or region column)",
            got=", ".join(r for r in regions if r is not None)))
    by_region: dict[str | None, list[tuple[str, Fact]]] = {region: [] for region in regions}
    for key, fact in rows:
        by_region[fact.region].append((key, fact))
    sets: list[FactSet] = []
    for region, own in by_region.items():
        if region is None and problems:
            continue
        if all(fact.period is None for _key, fact in own):
            sets.append(FactSet(_first(own), region=region, period=None,
                                sources=fact_set.sources))
            continue
        held = FactSet(_first(own), region=region, sources=fact_set.sources,
                       series=tuple(attrs.evolve(fact, id=key) if fact.id != key else fact
                                    for key, fact in own))
        try:
            periods = facts_by_period([held])
        except FactError as error:
            problems.extend(error.diagnostics)
            continue
        for _period, facts in periods:
            one = attrs.evolve(facts, region=region, sources=fact_set.sources)
            sets.append(with_base_values(one, [held], bases) if bases else one)
    if problems:
        raise FactError(problems)
    return sets


def _first(rows: Iterable[tuple[str, Fact]]) -> dict[str, Fact]:
    first: dict[str, Fact] = {}
    for key, fact in rows:
        first.setdefault(key, fact)
    return first


def _where(fact_set: FactSet) -> Location | None:
    return Location(fact_set.sources[0]) if fact_set.sources else None



def option_values(given: Iterable[str]) -> list[str]:
    """Option values, each of which may list several, comma-separated (ASCII or full-width)."""
    values: list[str] = []
    for text in given:
        for part in text.replace("，", ",").split(","):
            if part.strip() and part.strip() not in values:
                values.append(part.strip())
    return values


def select(sets: Sequence[FactSet], *, regions: Iterable[str] = (),
           periods: Iterable[str] = ()) -> list[FactSet]:
    """The fact sets of the ``regions`` and ``periods`` named (all when none is named); each
    option value may name several, comma-separated.

    Raises:
        UsageError: a region the facts do not hold (QC213), a period that cannot be read
            (QC207) or that they do not hold (QC211); each with the nearest one held.
    """
    wanted_regions = option_values(regions)
    wanted_periods = option_values(periods)
    held_regions = list(dict.fromkeys(s.region for s in sets if s.region is not None))
    held_periods = sorted({s.period for s in sets if s.period is not None}, key=_period_order)
    problems: list[Diagnostic] = []
    for region in wanted_regions:
        if region not in held_regions:
            problems.append(Diagnostic(
                "QC213", f"no facts of region {region!r}", _where(sets[0]) if sets else None,
                field="region", expected=f"one of the regions given: {', '.join(held_regions)}"
                if held_regions else "facts with a region column", got=region,
                hint=did_you_mean(region, held_regions, cutoff=0.5)))
    chosen_periods: list[str] = []
    for text in wanted_periods:
        try:
            period = period_argument(text, "period").text
        except QcrulesError as error:
            problems.extend(error.diagnostics)
            continue
        if period not in held_periods:
            problems.append(Diagnostic(
                "QC211", f"no facts of {period}", _where(sets[0]) if sets else None,
                field="period", expected=f"one of the periods given: {', '.join(held_periods)}"
                if held_periods else "facts with a period", got=text,
                hint=did_you_mean(period, held_periods, cutoff=0.5)))
        chosen_periods.append(period)
    if problems:
        raise UsageError(problems)
    return [s for s in sets
            if (not wanted_regions or s.region in wanted_regions)
            and (not chosen_periods or s.period in chosen_periods)]


def _period_order(text: str) -> tuple[object, ...]:
    return parse_period(text).sort_key
