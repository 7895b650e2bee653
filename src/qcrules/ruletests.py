"""Rule test files: named cases kept beside a catalogue, run with outcome coverage.

A tests file (``X.tests.yaml`` beside the catalogue ``X.yaml``, or naming its catalogue with
``catalog:``) holds cases, each a fact set and the verdicts it must give::

    qcrules-tests: 1
    cases:
      - name: GDP per capita exactly 8.5万元/人 in 元 is met
        facts: {gdp-per-capita: 85000元/人}
        expect: {gdp-per-capita: met}

:func:`load_rule_tests` reads and checks one file (every problem located, stable ``QC5xx``
codes); :func:`run_rule_tests` evaluates every case and measures, for each rule, which of its
possible outcomes (met, not met, unknown, invalid) the cases assert. The format, the command
``qcrules test`` and the pytest plugin are described in ``docs/reference/rule-tests.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from .base.errors import Diagnostic, Location, QcrulesError, UsageError, did_you_mean
from .base.numbers import format_number
from .catalog.load import load_catalog
from .catalog.model import Catalog, Op, Rule
from .catalog.parse import LocatedList, LocatedMap, parse_yaml_text, read_text
from .catalog.units import UnitProblem, conversion_factor, normalize_text, parse_quantity
from .engine.compile import CompiledRule, Plan, compile_catalog, compile_rule
from .engine.evaluate import evaluate_plan
from .engine.results import Report, Severity, Status, Verdict
from .facts.model import FactSet
from .facts.read import facts_from_data
from .report.explain import explain, quantity_text

__all__ = [
    "OUTCOMES",
    "SUFFIX",
    "CaseResult",
    "Coverage",
    "Expectation",
    "Mismatch",
    "RuleCoverage",
    "RuleTestCase",
    "RuleTestError",
    "RuleTestFile",
    "RuleTestRun",
    "find_rule_test_files",
    "load_rule_tests",
    "margin_in_unit",
    "possible_outcomes",
    "render_run",
    "run_case",
    "run_rule_tests",
    "run_to_dict",
]

#: The name ending of a rule test file: ``X.tests.yaml`` tests the catalogue ``X.yaml``.
SUFFIX = ".tests.yaml"

#: Every outcome a rule can have, in the order coverage lists them.
OUTCOMES = (Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.INVALID)

_FILE_FIELDS = ("qcrules-tests", "catalog", "cases")
_CASE_FIELDS = ("name", "facts", "expect", "note")
_EXPECT_FIELDS = ("status", "severity", "margin", "code")
_STATUS_WORDS = {"met": Status.MET, "not_met": Status.NOT_MET, "not met": Status.NOT_MET,
                 "unknown": Status.UNKNOWN, "invalid": Status.INVALID}
_SEVERITY_WORDS = {severity.value: severity for severity in Severity}


class RuleTestError(QcrulesError, ValueError):
    """A tests file that cannot be used; every problem found is in ``diagnostics``."""


@attrs.frozen
class Expectation:
    """What a case expects of one rule's verdict: a status, and optionally the severity, the
    margin (exact, in the rule's unit) and, for an invalid verdict, the problem's code."""

    rule_id: str
    status: Status
    severity: Severity | None = None
    margin: Fraction | None = None
    margin_text: str | None = None
    code: str | None = None
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class RuleTestCase:
    """A named case: a fact set and the verdicts it must give."""

    name: str
    facts: FactSet = attrs.field(eq=False)
    expect: tuple[Expectation, ...]
    note: str = ""
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class RuleTestFile:
    """A loaded tests file: its catalogue (compiled once) and its cases, in file order."""

    path: str
    catalog_path: str
    plan: Plan = attrs.field(eq=False, repr=False)
    cases: tuple[RuleTestCase, ...]

    @property
    def catalog(self) -> Catalog:
        """The catalogue the cases are judged against."""
        return self.plan.catalog


@attrs.frozen
class Mismatch:
    """One part of an expectation the verdict does not satisfy."""

    expectation: Expectation
    verdict: Verdict = attrs.field(eq=False)
    field: str            # status, severity, margin or code
    expected: str
    got: str

    def text(self, lang: str = "zh") -> str:
        """``rule: expected …, got …`` and then the verdict's explanation, indented."""
        explanation = str(explain(self.verdict, lang)).replace("\n", "\n    ")
        return (f"{self.expectation.rule_id}: expected {self.field} {self.expected}, "
                f"got {self.got}\n    {explanation}")


@attrs.frozen
class CaseResult:
    """The outcome of one case: its report and what did not match (nothing when it passed)."""

    file: RuleTestFile = attrs.field(eq=False, repr=False)
    case: RuleTestCase
    report: Report = attrs.field(eq=False, repr=False)
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        """Whether every expectation of the case holds."""
        return not self.mismatches

    def failure_text(self, lang: str = "zh") -> str:
        """Why the case failed: each mismatch with the verdict's explanation (``""`` if passed)."""
        if self.passed:
            return ""
        head = f"case {self.case.name!r} ({self.case.location or self.file.path}) failed:"
        return "\n".join([head, *(f"  {m.text(lang)}" for m in self.mismatches)])


@attrs.frozen
class RuleCoverage:
    """Which of a rule's possible outcomes the cases assert.

    ``excluded`` gives each outcome the rule cannot reach, with the reason; it is left out of
    the count.
    """

    rule_id: str
    possible: frozenset[Status]
    covered: frozenset[Status]
    excluded: tuple[tuple[Status, str], ...] = ()

    @property
    def missing(self) -> tuple[Status, ...]:
        """Possible outcomes no case asserts, in :data:`OUTCOMES` order."""
        return tuple(s for s in OUTCOMES if s in self.possible and s not in self.covered)


@attrs.frozen
class Coverage:
    """Outcome coverage of one catalogue by every tests file run against it."""

    catalog_id: str
    catalog_path: str
    rules: tuple[RuleCoverage, ...]

    @property
    def covered(self) -> int:
        """Possible outcomes asserted by some case."""
        return sum(len(r.covered & r.possible) for r in self.rules)

    @property
    def possible(self) -> int:
        """Possible outcomes of every rule (unreachable ones excluded)."""
        return sum(len(r.possible) for r in self.rules)

    @property
    def ratio(self) -> Fraction:
        """Covered over possible, exactly (1 for a catalogue with nothing to cover)."""
        return Fraction(self.covered, self.possible) if self.possible else Fraction(1)

    @property
    def percent_text(self) -> str:
        """The ratio as a percentage to one decimal, rounded down (so 100.0% means all)."""
        tenths = int(self.ratio * 1000)
        return f"{tenths // 10}.{tenths % 10}%"


@attrs.frozen
class RuleTestRun:
    """Every case's result and each catalogue's outcome coverage."""

    results: tuple[CaseResult, ...]
    coverage: tuple[Coverage, ...]

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        """The cases that failed."""
        return tuple(r for r in self.results if not r.passed)

    def below(self, min_coverage: float | Fraction = 0) -> tuple[Coverage, ...]:
        """The catalogues whose coverage is below ``min_coverage`` per cent."""
        least = Fraction(str(min_coverage)) / 100
        return tuple(c for c in self.coverage if c.ratio < least)

    def exit_code(self, min_coverage: float | Fraction = 0) -> int:
        """0 when every case passes and every coverage reaches ``min_coverage`` %, else 1."""
        return 1 if self.failed or self.below(min_coverage) else 0


# --- finding and loading ------------------------------------------------------------------


def find_rule_test_files(paths: Iterable[str | Path]) -> list[Path]:
    """The tests files among ``paths``: a file as given, a directory searched (recursively)
    for ``*.tests.yaml``, sorted.

    Raises:
        UsageError: a path that does not exist (QC150) or a directory without tests files (QC510).
    """
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
            if not inside:
                problems.append(Diagnostic("QC510", "no tests files in the directory",
                                           Location(str(given)),
                                           expected=f"a file named *{SUFFIX}", got="none"))
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Diagnostic("QC150", "file not found", Location(str(given)),
                                       expected=f"a tests file (*{SUFFIX}) or a directory"))
    if problems:
        raise UsageError(problems)
    return list(dict.fromkeys(found))


def load_rule_tests(path: str | Path) -> RuleTestFile:
    """Read one tests file and the catalogue it tests, checking every case against it.

    The catalogue is the file's ``catalog:`` (relative to the tests file) or, without one,
    ``X.yaml`` beside ``X.tests.yaml``.

    Raises:
        RuleTestError: every problem of the tests file, located (``QC5xx``; ``QC100`` and
            ``QC15x`` for a file that cannot be read or parsed; the catalogue's own problems).
    """
    file = str(path)
    text, problems = read_text(Path(path))
    if text is None:
        raise RuleTestError(problems)
    parsed = parse_yaml_text(text, file=file)
    if parsed.data is None:
        raise RuleTestError(parsed.diagnostics)
    data = parsed.data
    loader = _Loader(file)
    loader.problems.extend(parsed.diagnostics)
    if not isinstance(data, LocatedMap):
        raise RuleTestError(Diagnostic("QC501", "a tests file is a mapping", Location(file, 1),
                                       expected="qcrules-tests: 1, cases: [...]",
                                       got=_kind(data)))
    catalog_path = loader.catalog_path(data, Path(path))
    loader.check_header(data)
    if catalog_path is None:
        raise RuleTestError(loader.problems)
    try:
        plan = compile_catalog(load_catalog(catalog_path))
    except QcrulesError as error:
        raise RuleTestError((*loader.problems, *error.diagnostics)) from None
    cases = loader.cases(data, plan)
    if loader.problems:
        raise RuleTestError(loader.problems)
    return RuleTestFile(file, str(catalog_path), plan, tuple(cases))


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    return "a number"


def _at(node: object, key: str, file: str) -> Location:
    if isinstance(node, LocatedMap):
        return node.at(key)
    return Location(file)



class _Loader:
    """Checks a parsed tests file, collecting every problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Diagnostic] = []

    def problem(self, code: str, message: str, where: Location, **fields: Any) -> None:
        self.problems.append(Diagnostic(code, message, where, **fields))

    def check_header(self, data: LocatedMap) -> None:
        for key in data:
            if key not in _FILE_FIELDS:
                self.problem("QC503", f"unknown field {key!r}", data.at(key), field=key,
                             expected=", ".join(_FILE_FIELDS), got=key,
                             hint=did_you_mean(key, _FILE_FIELDS))
        version = data.get("qcrules-tests")
        if "qcrules-tests" not in data:
            self.problem("QC502", "missing field 'qcrules-tests'", data.location,
                         field="qcrules-tests", expected="qcrules-tests: 1")
        elif version != 1 or isinstance(version, bool):
            self.problem("QC501", "unsupported tests file version", data.at("qcrules-tests"),
                         field="qcrules-tests", expected="1", got=str(version))

    def catalog_path(self, data: LocatedMap, path: Path) -> Path | None:
        named = data.get("catalog")
        if "catalog" in data:
            if not isinstance(named, str) or not named.strip():
                self.problem("QC501", "'catalog' must be a file name", data.at("catalog"),
                             field="catalog", expected="a catalogue path relative to the "
                             "tests file", got=_kind(named))
                return None
            return path.parent / named
        if path.name.endswith(SUFFIX):
            stem = path.name[: -len(SUFFIX)]
            for candidate in (f"{stem}.yaml", f"{stem}.yml"):
                if (path.parent / candidate).is_file():
                    return path.parent / candidate
            expected = f"a catalogue {stem}.yaml beside the tests file, or a 'catalog:' field"
        else:
            expected = f"a 'catalog:' field, or a tests file named X{SUFFIX} beside X.yaml"
        self.problem("QC505", "no catalogue for the tests file", data.location, field="catalog",
                     expected=expected, got="none")
        return None

    def cases(self, data: LocatedMap, plan: Plan) -> list[RuleTestCase]:
        body = data.get("cases")
        if "cases" not in data:
            self.problem("QC502", "missing field 'cases'", data.location, field="cases",
                         expected="a list of cases")
            return []
        if not isinstance(body, LocatedList) or not body:
            self.problem("QC501", "'cases' must be a non-empty list", data.at("cases"),
                         field="cases", expected="a list of cases", got=_kind(body))
            return []
        cases: list[RuleTestCase] = []
        seen: dict[str, Location] = {}
        for item, where in zip(body, body.item_locations, strict=True):
            case = self.case(item, where, plan)
            if case is None:
                continue
            if case.name in seen:
                self.problem("QC504", f"case name {case.name!r} appears twice", where,
                             field="name", expected="each case name once",
                             got=f"also at line {seen[case.name].line}")
                continue
            seen[case.name] = where
            cases.append(case)
        return cases

    def case(self, item: object, where: Location, plan: Plan) -> RuleTestCase | None:
        if not isinstance(item, LocatedMap):
            self.problem("QC501", "a case is a mapping", where,
                         expected="name, facts, expect", got=_kind(item))
            return None
        for key in item:
            if key not in _CASE_FIELDS:
                self.problem("QC503", f"unknown field {key!r} in a case", item.at(key),
                             field=key, expected=", ".join(_CASE_FIELDS), got=key,
                             hint=did_you_mean(key, _CASE_FIELDS))
        name = item.get("name")
        ok = True
        if "name" not in item:
            self.problem("QC502", "a case without a name", where, field="name",
                         expected="a name saying what the case shows")
            ok = False
        elif not isinstance(name, str) or not name.strip():
            self.problem("QC501", "a case name is text", item.at("name"), field="name",
                         expected="a name saying what the case shows", got=_kind(name))
            ok = False
        facts = self.facts(item, plan, name if isinstance(name, str) else None)
        expect = self.expectations(item, plan)
        note = item.get("note")
        if not ok or facts is None or expect is None:
            return None
        return RuleTestCase(str(name).strip(), facts, expect,
                            note if isinstance(note, str) else "", where)

    def facts(self, item: LocatedMap, plan: Plan, name: str | None) -> FactSet | None:
        body = item.get("facts")
        if body is None:
            return FactSet()
        if not isinstance(body, LocatedMap):
            self.problem("QC501", "'facts' must be a mapping of fact id to value",
                         item.at("facts"), field="facts", expected="{id: value}",
                         got=_kind(body))
            return None
        try:
            fact_set = facts_from_data(body, file=self.file)
        except QcrulesError as error:
            self.problems.extend(error.diagnostics)
            return None
        for key, fact in fact_set.facts.items():
            if key not in plan.keys:
                self.problem("QC509", "a case fact matches no rule", fact.location or body.location,
                             fact_id=key, field="facts",
                             expected="a rule id, an indicator's Chinese name, or a "
                                      "reference/input id of the catalogue",
                             got=key, hint=did_you_mean(key, list(plan.keys)))
        return fact_set

    def expectations(self, item: LocatedMap, plan: Plan) -> tuple[Expectation, ...] | None:
        body = item.get("expect")
        if "expect" not in item:
            self.problem("QC502", "a case without 'expect'", item.location, field="expect",
                         expected="{rule id: status}")
            return None
        if not isinstance(body, LocatedMap) or not body:
            self.problem("QC501", "'expect' must map rule ids to verdicts", item.at("expect"),
                         field="expect", expected="{rule id: status}", got=_kind(body))
            return None
        ids = [rule.id for rule in plan.catalog]
        found: list[Expectation] = []
        good = True
        for rule_id, wanted in body.items():
            where = body.at(rule_id)
            if rule_id not in plan.catalog:
                self.problem("QC506", "no such rule in the catalogue", where, rule_id=rule_id,
                             field="expect", expected="a rule id of the catalogue",
                             got=rule_id, hint=did_you_mean(rule_id, ids))
                good = False
                continue
            expectation = self.expectation(plan.catalog[rule_id], wanted, where)
            if expectation is None:
                good = False
            else:
                found.append(expectation)
        return tuple(found) if good else None

    def expectation(self, rule: Rule, wanted: object, where: Location) -> Expectation | None:
        if isinstance(wanted, str):
            status = self.status(rule, wanted, where)
            return None if status is None else Expectation(rule.id, status, location=where)
        if not isinstance(wanted, LocatedMap):
            self.problem("QC501", "an expected verdict is a status or a mapping", where,
                         rule_id=rule.id, field="expect",
                         expected="met, not_met, unknown, invalid, or {status, severity, "
                                  "margin, code}", got=_kind(wanted))
            return None
        ok = True
        for key in wanted:
            if key not in _EXPECT_FIELDS:
                self.problem("QC503", f"unknown field {key!r} in an expected verdict",
                             wanted.at(key), rule_id=rule.id, field=key,
                             expected=", ".join(_EXPECT_FIELDS), got=key,
                             hint=did_you_mean(key, _EXPECT_FIELDS))
                ok = False
        if "status" not in wanted:
            self.problem("QC502", "an expected verdict without a status", where,
                         rule_id=rule.id, field="status",
                         expected="met, not_met, unknown or invalid")
            return None
        status = self.status(rule, wanted["status"], wanted.at("status"))
        severity = None
        if "severity" in wanted:
            word = wanted["severity"]
            severity = _SEVERITY_WORDS.get(word) if isinstance(word, str) else None
            if severity is None:
                self.problem("QC507", "not a severity", wanted.at("severity"), rule_id=rule.id,
                             field="severity", expected=", ".join(_SEVERITY_WORDS),
                             got=str(word))
                ok = False
        margin = margin_text = None
        if "margin" in wanted:
            margin_text = _margin_text(wanted["margin"])
            margin = self.margin(rule, wanted["margin"], wanted.at("margin"))
            ok = ok and margin is not None
        code = wanted.get("code")
        if "code" in wanted and not (isinstance(code, str) and code.startswith("QC")):
            self.problem("QC501", "a problem code is text such as QC302", wanted.at("code"),
                         rule_id=rule.id, field="code", expected="a code QCnnn",
                         got=_kind(code))
            ok = False
        if status is None or not ok:
            return None
        return Expectation(rule.id, status, severity, margin, margin_text,
                           code if isinstance(code, str) else None, where)

    def status(self, rule: Rule, word: object, where: Location) -> Status | None:
        status = _STATUS_WORDS.get(word.strip().lower()) if isinstance(word, str) else None
        if status is None:
            self.problem("QC507", "not a status", where, rule_id=rule.id, field="status",
                         expected="met, not_met, unknown or invalid", got=str(word),
                         hint=did_you_mean(str(word), list(_STATUS_WORDS)))
        return status

    def margin(self, rule: Rule, written: object, where: Location) -> Fraction | None:
        """An expected margin in the rule's unit: a number (in that unit) or a quantity."""
        unit = rule.indicator.unit
        try:
            return margin_in_unit(written, unit)
        except UnitProblem as problem:
            self.problem("QC508", f"a margin that cannot be read: {problem.message}", where,
                         rule_id=rule.id, field="margin",
                         expected=f"a number in {unit or 'the rule unit'}, or a quantity in a "
                                  f"unit convertible to it", got=_margin_text(written))
            return None


def _margin_text(written: object) -> str:
    if isinstance(written, Fraction):
        return format_number(written)
    return str(written)


def margin_in_unit(written: object, unit: str | None) -> Fraction:
    """A margin written as a number (in ``unit``) or a quantity string, in ``unit``, exactly.

    For a percentage, 百分点 (percentage points) is read as ``%``: a margin of 1 百分点 is 1 %.

    Raises:
        UnitProblem: not a number or quantity, or a unit not convertible to ``unit``.
    """
    if isinstance(written, bool):
        raise UnitProblem("QC112", "true/false is not a margin", got=str(written))
    if isinstance(written, (int, Fraction)):
        return Fraction(written)
    if not isinstance(written, str):
        raise UnitProblem("QC112", "not a number", got=str(written))
    parsed = parse_quantity(written)
    if parsed.ratio:
        raise UnitProblem("QC112", "a ratio a:b is not a margin", got=written)
    written_unit = normalize_text(parsed.unit) if parsed.unit else None
    if written_unit is None or written_unit == unit:
        return parsed.magnitude
    if unit == "%" and written_unit == "百分点":
        return parsed.magnitude
    return parsed.magnitude * conversion_factor(written_unit, unit or "1")


# --- what a rule can reach ----------------------------------------------------------------


@attrs.frozen
class _Interval:
    """An interval of the number line (``None``: unbounded), open or closed at each end."""

    low: Fraction | None = None
    low_closed: bool = True
    high: Fraction | None = None
    high_closed: bool = True

    def meet(self, other: _Interval) -> _Interval:
        low, low_closed = self.low, self.low_closed
        if other.low is not None and (low is None or other.low > low
                                      or (other.low == low and not other.low_closed)):
            low, low_closed = other.low, other.low_closed
        high, high_closed = self.high, self.high_closed
        if other.high is not None and (high is None or other.high < high
                                       or (other.high == high and not other.high_closed)):
            high, high_closed = other.high, other.high_closed
        return _Interval(low, low_closed, high, high_closed)

    def has_value(self, whole: bool) -> bool:
        low, high = self.low, self.high
        if whole:
            if low is not None:
                first = -((-low.numerator) // low.denominator)   # ceiling
                low = Fraction(first + 1 if first == low and not self.low_closed else first)
            if high is not None:
                last = high.numerator // high.denominator         # floor
                high = Fraction(last - 1 if last == high and not self.high_closed else last)
            return low is None or high is None or low <= high
        if low is None or high is None:
            return True
        if low == high:
            return self.low_closed and self.high_closed
        return low < high


def _satisfying(op: Op, threshold: Fraction) -> tuple[_Interval, ...]:
    """The values that satisfy ``value op threshold``."""
    if op is Op.EQ:
        return (_Interval(threshold, True, threshold, True),)
    if op.lower:
        return (_Interval(threshold, op.inclusive),)
    return (_Interval(high=threshold, high_closed=op.inclusive),)


def _failing(op: Op, threshold: Fraction) -> tuple[_Interval, ...]:
    """The values that fail ``value op threshold``."""
    if op is Op.EQ:
        return (_Interval(high=threshold, high_closed=False), _Interval(threshold, False))
    if op.lower:
        return (_Interval(high=threshold, high_closed=not op.inclusive),)
    return (_Interval(threshold, not op.inclusive),)


def _domain(compiled: CompiledRule) -> _Interval:
    return _Interval(compiled.minimum, True, compiled.maximum, True)


def possible_outcomes(rule: Rule | CompiledRule) -> tuple[frozenset[Status], tuple[tuple[Status, str], ...]]:
    """The outcomes ``rule`` can reach, and those it cannot with the reason.

    *Unknown* (its fact left out) and *invalid* (a fact of the wrong kind: a yes/no answer for
    a number, a quantity for a yes/no target) are reachable for every rule. *Met* and *not met*
    are reachable for yes/no and assessed targets and for targets whose threshold is a fact
    given at evaluation time (a reference or an assigned task), unless the indicator has only
    one possible value. For a fixed threshold they are reachable when some value the
    indicator may take (between its ``min`` and ``max``, whole for counts and ranks) meets,
    or misses, every bound: a floor of ``>= 0%`` on a rate that cannot be negative cannot be
    missed.
    """
    compiled = rule if isinstance(rule, CompiledRule) else compile_rule(rule)
    excluded: list[tuple[Status, str]] = []
    if compiled.numeric:
        domain = _domain(compiled)
        shown = _domain_text(compiled)
        if compiled.needs_reference:
            single = not _Interval(domain.low, True, domain.high, True).has_value(compiled.whole) \
                or (domain.low is not None and domain.low == domain.high)
            if single:
                ops = [op for op, _ in compiled.bounds]
                if all(op.inclusive for op in ops):
                    excluded.append((Status.NOT_MET, f"the indicator has one possible value ({shown})"))
                else:
                    excluded.append((Status.MET, f"the indicator has one possible value ({shown})"))
        else:
            meeting = [domain]
            for op, threshold in compiled.thresholds:
                meeting = [part.meet(piece) for part in meeting
                           for piece in _satisfying(op, threshold)]
            if not any(part.has_value(compiled.whole) for part in meeting):
                excluded.append((Status.MET, f"no possible value ({shown}) meets the target"))
            missing = [domain.meet(piece) for op, threshold in compiled.thresholds
                       for piece in _failing(op, threshold)]
            if not any(part.has_value(compiled.whole) for part in missing):
                excluded.append((Status.NOT_MET, f"every possible value ({shown}) meets the target"))
    possible = frozenset(OUTCOMES) - {status for status, _ in excluded}
    return possible, tuple(excluded)


def _domain_text(compiled: CompiledRule) -> str:
    unit = compiled.unit
    low = "" if compiled.minimum is None else quantity_text(compiled.minimum, unit, lang="en")
    high = "" if compiled.maximum is None else quantity_text(compiled.maximum, unit, lang="en")
    whole = ", whole" if compiled.whole else ""
    return f"{low or '-∞'} to {high or '∞'}{whole}"


# --- running ------------------------------------------------------------------------------


def _check(expectation: Expectation, verdict: Verdict) -> list[Mismatch]:
    found = []
    if verdict.status is not expectation.status:
        found.append(Mismatch(expectation, verdict, "status", expectation.status.value,
                              verdict.status.value))
        return found
    if expectation.severity is not None and verdict.severity is not expectation.severity:
        found.append(Mismatch(expectation, verdict, "severity", expectation.severity.value,
                              verdict.severity.value))
    if expectation.margin is not None and verdict.margin != expectation.margin:
        unit = verdict.unit
        got = ("no margin" if verdict.margin is None
               else quantity_text(verdict.margin, unit))
        found.append(Mismatch(expectation, verdict, "margin",
                              quantity_text(expectation.margin, unit), got))
    if expectation.code is not None:
        got_code = verdict.problem.code if verdict.problem is not None else "no problem"
        if got_code != expectation.code:
            found.append(Mismatch(expectation, verdict, "code", expectation.code, got_code))
    return found


def run_case(test_file: RuleTestFile, case: RuleTestCase, *, engine: str = "native") -> CaseResult:
    """Evaluate one case against its file's catalogue and compare every expectation."""
    if engine == "native":
        report = evaluate_plan(test_file.plan, case.facts)
    else:
        from . import evaluate

        report = evaluate(test_file.plan, case.facts, engine=engine)
    mismatches = [m for e in case.expect for m in _check(e, report[e.rule_id])]
    return CaseResult(test_file, case, report, tuple(mismatches))


def _load_all(files: Iterable[RuleTestFile | str | Path]) -> list[RuleTestFile]:
    loaded: list[RuleTestFile] = []
    problems: list[Diagnostic] = []
    for item in files:
        if isinstance(item, RuleTestFile):
            loaded.append(item)
            continue
        try:
            loaded.append(load_rule_tests(item))
        except QcrulesError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise RuleTestError(problems)
    return loaded


def run_rule_tests(files: Iterable[RuleTestFile | str | Path], *,
                   engine: str = "native") -> RuleTestRun:
    """Run every case of ``files`` (loaded tests files or paths to them) and measure coverage.

    Coverage is kept per catalogue: tests files naming the same catalogue add up.

    Raises:
        RuleTestError: a tests file that cannot be used (all files are tried first).
        UsageError: an unknown engine.
    """
    loaded = _load_all(files)
    results = [run_case(f, case, engine=engine) for f in loaded for case in f.cases]
    by_catalog: dict[str, tuple[RuleTestFile, dict[str, set[Status]]]] = {}
    for test_file in loaded:
        key = str(Path(test_file.catalog_path).resolve())
        by_catalog.setdefault(key, (test_file, {}))
    for result in results:
        key = str(Path(result.file.catalog_path).resolve())
        covered = by_catalog[key][1]
        for expectation in result.case.expect:
            verdict = result.report[expectation.rule_id]
            if verdict.status is expectation.status:
                covered.setdefault(expectation.rule_id, set()).add(verdict.status)
    coverage = []
    for first, covered in by_catalog.values():
        rules = []
        for compiled in first.plan.rules:
            possible, excluded = possible_outcomes(compiled)
            rules.append(RuleCoverage(compiled.rule.id, possible,
                                      frozenset(covered.get(compiled.rule.id, ())), excluded))
        coverage.append(Coverage(first.catalog.id, first.catalog_path, tuple(rules)))
    return RuleTestRun(tuple(results), tuple(coverage))


# --- text output --------------------------------------------------------------------------


def _outcome_word(status: Status) -> str:
    return status.value.replace("_", " ")


def render_run(run: RuleTestRun, *, lang: str = "zh", verbose: bool = False,
               min_coverage: float | Fraction = 0) -> str:
    """The text ``qcrules test`` prints: failures explained, a summary, each coverage."""
    lines: list[str] = []
    for result in run.results:
        if result.passed:
            if verbose:
                lines.append(f"ok    {result.case.name}")
            continue
        lines.append(f"FAIL  {result.case.name}  ({result.case.location or result.file.path})")
        for mismatch in result.mismatches:
            lines.append("      " + mismatch.text(lang).replace("\n", "\n      "))
    failed = len(run.failed)
    total = len(run.results)
    lines.append(f"{total} cases: {total - failed} passed, {failed} failed")
    below = set(run.below(min_coverage))
    for coverage in run.coverage:
        rules = len(coverage.rules)
        mark = f" (below the minimum {format_number(Fraction(str(min_coverage)))}%)" \
            if coverage in below else ""
        lines.append(f"outcome coverage of {coverage.catalog_id}: {coverage.percent_text} "
                     f"({coverage.covered} of {coverage.possible} possible outcomes, "
                     f"{rules} rules){mark}")
        for rule in coverage.rules:
            if rule.missing:
                lines.append(f"  not tested: {rule.rule_id}: "
                             + ", ".join(_outcome_word(s) for s in rule.missing))
            for status, reason in rule.excluded:
                lines.append(f"  not counted: {rule.rule_id}: {_outcome_word(status)} "
                             f"cannot occur ({reason})")
            if verbose and not rule.missing:
                tested = ", ".join(_outcome_word(s) for s in OUTCOMES if s in rule.covered)
                lines.append(f"  tested: {rule.rule_id}: {tested}")
    return "\n".join(lines) + "\n"


def run_to_dict(run: RuleTestRun, *, lang: str = "zh",
                min_coverage: float | Fraction = 0) -> dict[str, Any]:
    """What ``qcrules test --format json`` prints: every case, each coverage, exact ratios."""
    below = set(run.below(min_coverage))
    return {
        "schema": "qcrules-test-run/1",
        "passed": run.exit_code(min_coverage) == 0,
        "cases": [{
            "file": str(result.file.path),
            "name": result.case.name,
            "line": result.case.location.line if result.case.location else None,
            "passed": result.passed,
            "mismatches": [{
                "rule_id": m.expectation.rule_id, "field": m.field, "expected": m.expected,
                "got": m.got, "explanation": str(explain(m.verdict, lang)),
            } for m in result.mismatches],
        } for result in run.results],
        "coverage": [{
            "catalog_id": coverage.catalog_id,
            "catalog_path": coverage.catalog_path,
            "covered": coverage.covered,
            "possible": coverage.possible,
            "percent": coverage.percent_text.rstrip("%"),
            "below_minimum": coverage in below,
            "rules": [{
                "rule_id": rule.rule_id,
                "covered": [s.value for s in OUTCOMES if s in rule.covered & rule.possible],
                "missing": [s.value for s in rule.missing],
                "excluded": [{"outcome": s.value, "reason": reason} for s, reason in rule.excluded],
            } for rule in coverage.rules],
        } for coverage in run.coverage],
    }
