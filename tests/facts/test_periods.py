"""Periods: a fact's year, quarter or month, read in its written forms, dated and ordered."""

from __future__ import annotations

import datetime as dt

import pytest

from qcrules import Location
from qcrules.facts.periods import (
    Period,
    PeriodKind,
    PeriodProblem,
    deadline_end,
    months_between,
    parse_period,
)


class TestParse:
    """``parse_period`` reads years, quarters and months, in ASCII and Chinese forms."""

    @pytest.mark.parametrize(("text", "kind", "start", "end", "canonical"), [
        ("2026", PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        (2026, PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("2026年", PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("２０２６", PeriodKind.YEAR, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
        ("2026Q3", PeriodKind.QUARTER, dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026Q3"),
        ("2026-q1", PeriodKind.QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026Q1"),
        ("2026年第四季度", PeriodKind.QUARTER, dt.date(2026, 10, 1), dt.date(2026, 12, 31),
         "2026Q4"),
        ("2026-07", PeriodKind.MONTH, dt.date(2026, 7, 1), dt.date(2026, 7, 31), "2026-07"),
        ("2024-2", PeriodKind.MONTH, dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02"),
        ("2025年2月", PeriodKind.MONTH, dt.date(2025, 2, 1), dt.date(2025, 2, 28), "2025-02"),
    ])
    def test_forms(self, text: object, kind: PeriodKind, start: dt.date, end: dt.date,
                   canonical: str) -> None:
        """Each written form gives the period's kind, first and last day, and canonical text."""
        period = parse_period(text)
        assert (period.kind, period.start, period.end, period.text) == (kind, start, end,
                                                                        canonical)

    @pytest.mark.parametrize("text", [
        "2026-06-30", "2026Q5", "2026Q0", "2026-13", "2026-00", "26", "1899", "2201", "",
        "二〇二六", "2026年7", "next year", True, None, 2026.5,
    ])
    def test_bad_strings(self, text: object) -> None:
        """A date, an impossible quarter or month, a year out of range or a word is refused."""
        with pytest.raises(PeriodProblem):
            parse_period(text)

    def test_years_at_the_edges(self) -> None:
        """1900 and 2200 are read; the range is the one deadlines use."""
        assert parse_period("1900").year == 1900
        assert parse_period("2200").year == 2200

    def test_diagnostic(self) -> None:
        """A bad period becomes QC207, naming the place, the field and what is accepted."""
        try:
            parse_period("2026Q5")
        except PeriodProblem as problem:
            diagnostic = problem.diagnostic("2026Q5", Location("f.yaml", 4, 9))
        assert diagnostic.code == "QC207"
        assert diagnostic.field == "period"
        assert diagnostic.got == "2026Q5"
        assert "2026Q3" in (diagnostic.expected or "")
        assert str(diagnostic).startswith("f.yaml:4:9: QC207")


class TestOrder:
    """Periods order by their end, then their start; months count time between ends."""

    def test_sorted(self) -> None:
        """Mixed kinds sort by when they end; a year sorts before its last quarter."""
        periods = [parse_period(t) for t in ("2026Q4", "2025", "2026", "2026-01", "2025-12")]
        assert [p.text for p in sorted(periods)] == ["2025", "2025-12", "2026-01", "2026",
                                                    "2026Q4"]

    def test_equal_and_hashable(self) -> None:
        """The same period written two ways is one period."""
        assert parse_period("2026年第三季度") == parse_period("2026Q3")
        assert len({parse_period("2026"), parse_period("2026年")}) == 1

    def test_months_between(self) -> None:
        """Whole months between period ends, leap years or not."""
        assert months_between(parse_period("2024").end, parse_period("2026").end) == 24
        assert months_between(parse_period("2024").end, deadline_end(2027)) == 36
        assert months_between(parse_period("2026Q3").end, deadline_end(2026)) == 3
        assert months_between(parse_period("2026").end, parse_period("2025-02").end) == -22

    def test_constructors(self) -> None:
        """Year, quarter and month constructors agree with the parser."""
        assert Period.year_of(2026) == parse_period("2026")
        assert Period.quarter_of(2026, 2) == parse_period("2026Q2")
        assert Period.month_of(2026, 12).end == dt.date(2026, 12, 31)
