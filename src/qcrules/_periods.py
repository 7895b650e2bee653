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

import attrs

from ._errors import Diagnostic, Location, UsageError

__all__ = ["Period", "PeriodKind", "PeriodProblem", "deadline_end", "months_between",
           "parse_period"]

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
