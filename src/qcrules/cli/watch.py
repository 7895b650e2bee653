"""``qcrules watch``: a :class:`~qcrules.Monitor` fed with JSON lines on standard input.

Each line is one update: ``{"id": "gdp-per-capita", "value": "8.2万元/人", "source": "…"}``
(the fields of a fact-file entry besides ``id``), ``{"facts": {...}}`` (like a fact file, with
optional ``source``/``period``/``date``/``region``) or ``{"retract": "gdp-per-capita"}``. Each
verdict change is printed when it happens, one line, flushed. A line that cannot be used is
reported on standard error as ``<stdin>:LINE: QCnnn …`` and skipped; the stream goes on.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TextIO

import attrs
import click

from ..base.errors import Diagnostic, FactError, Location, QcrulesError, printable
from ..durable.monitor import Monitor, VerdictChange
from ..engine.compile import compile_catalog
from ..engine.evaluate import unmatched_facts
from ..engine.results import Status
from ..facts.model import Fact, FactSet
from ..facts.read import facts_from_data
from ..report.explain import explain, status_word
from ..report.render import verdict_to_dict
from .common import (
    encoding_option,
    engine_option,
    exit_code_for,
    fail_on_option,
    lang_option,
    rules_option,
    strict_option,
)

__all__ = ["STDIN", "format_change", "read_line", "watch"]

STDIN = "<stdin>"
_FACT_FIELDS = ("value", "unit", "source", "date", "period", "region", "note")
_EXAMPLE = '{"id": "gdp-per-capita", "value": "8.2万元/人"}'


@attrs.frozen
class _Line:
    """One usable input line: facts to set, or a fact id to retract, for a region and period
    (``None``: those of the starting facts)."""

    facts: FactSet | None = None
    retract: str | None = None
    region: str | None = None
    period: str | None = None


#: The longest input line read (a longer one is reported and skipped, never held whole).
MAX_LINE = 1 << 20
#: How many regions and periods one watch keeps apart at once.
MAX_STATES = 10_000


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if value is None:
        return "null"
    return "a number" if not isinstance(value, bool) else "true/false"


def _bad(code: str, message: str, where: Location, *, expected: str, got: str | None = None,
         field: str | None = None) -> FactError:
    return FactError(Diagnostic(code, message, where, field=field, expected=expected, got=got))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_line(text: str, number: int) -> _Line:
    """Read one input line (``number`` is 1-based).

    Raises:
        FactError: a line that is not JSON, not an object, or not one of the three forms.
    """
    where = Location(STDIN, number)
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as error:
        message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)[:80]
        raise _bad("QC100", f"invalid JSON: {message}", where,
                   expected=f"one JSON object per line, e.g. {_EXAMPLE}") from None
    if _LONE_SURROGATE.search(text) or ("\\u" in text and _LONE_SURROGATE.search(
            json.dumps(data, ensure_ascii=False))):
        # json.loads joins an escaped surrogate pair into its character; one alone is none
        raise _bad("QC100", "a lone surrogate escape (\\ud800–\\udfff) is not a character", where,
                   expected="a character, or a surrogate pair for one beyond U+FFFF")
    if not isinstance(data, dict):
        raise _bad("QC201", "a line must be a JSON object", where, got=_kind(data),
                   expected=f'{_EXAMPLE}, {{"facts": {{...}}}} or {{"retract": "id"}}')
    if "retract" in data:
        fact_id = data["retract"]
        extra = sorted(set(data) - {"retract", "region", "period"})
        if extra:
            raise _bad("QC203", f"unknown field {extra[0]!r} in a retract line", where,
                       field=extra[0], expected="only retract", got=extra[0])
        if not isinstance(fact_id, str):
            raise _bad("QC201", "retract names a fact id", where, field="retract",
                       expected="a fact id as text", got=_kind(fact_id))
        return _Line(retract=fact_id, region=_text(data.get("region")),
                     period=_text(data.get("period")))
    if "facts" in data:
        try:
            fact_set = facts_from_data(data, file=STDIN)
        except FactError as error:
            raise FactError([_relocated(d, where) for d in error.diagnostics]) from None
        return _Line(facts=_located(fact_set, where), region=fact_set.region,
                     period=fact_set.period)
    if "id" not in data:
        raise _bad("QC201", "a line needs an id, facts or retract", where,
                   expected=f'{_EXAMPLE}, {{"facts": {{...}}}} or {{"retract": "id"}}',
                   got="an object with " + (", ".join(sorted(map(str, data))) or "no fields"))
    fact_id = data["id"]
    if not isinstance(fact_id, str) or not fact_id.strip():
        raise _bad("QC206", "a fact without an id", where, field="id",
                   expected="a rule id or an indicator's Chinese name", got=_kind(fact_id))
    if "value" not in data:
        raise _bad("QC201", "a fact line needs a value", where, field="value",
                   expected=_EXAMPLE, got=None)
    entry = {key: value for key, value in data.items() if key not in ("id", "region", "period")}
    document = {"facts": {fact_id: entry}, "region": data.get("region"),
                "period": data.get("period")}
    fact_set = facts_from_data({k: v for k, v in document.items() if v is not None})
    return _Line(facts=_located(fact_set, where), region=fact_set.region, period=fact_set.period)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _relocated(diagnostic: Diagnostic, where: Location) -> Diagnostic:
    return attrs.evolve(diagnostic, location=where)


def _located(fact_set: FactSet, where: Location) -> FactSet:
    facts: dict[str, Fact] = {}
    for key, fact in fact_set.facts.items():
        problem = _relocated(fact.problem, where) if fact.problem is not None else None
        facts[key] = attrs.evolve(fact, location=where, problem=problem)
    return attrs.evolve(fact_set, facts=facts,
                        diagnostics=tuple(_relocated(d, where) for d in fact_set.diagnostics))


def format_change(change: VerdictChange, *, lang: str = "zh", fmt: str = "text",
                  line: int | None = None, region: str | None = None,
                  period: str | None = None) -> str:
    """One change as one line of text (``[region period] rule: before → after  explanation``)
    or JSON (with ``region`` and ``period`` when the line named them)."""
    after = change.after
    if fmt == "json":
        keyed = {k: v for k, v in (("region", region), ("period", period)) if v is not None}
        return json.dumps({"line": line, **keyed, "rule_id": change.rule_id,
                           "before": change.before.status.value if change.before else None,
                           "after": after.status.value, "severity": after.severity.value,
                           "verdict": verdict_to_dict(after, lang)}, ensure_ascii=False)
    move = status_word(after.status, lang)
    if change.before is not None:
        move = f"{status_word(change.before.status, lang)} → {move}"
    context = " ".join(x for x in (region, period) if x)
    prefix = f"[{context}] " if context else ""
    return printable(f"{prefix}{change.rule_id}: {move}  {explain(after, lang).summary}")


def _problems(monitor: Monitor, line: _Line, where: Location) -> list[Diagnostic]:
    """The problems of this line's facts, and of the rules they made invalid."""
    found: dict[tuple[str, str | None], Diagnostic] = {}
    if line.facts is None:
        return []
    for diagnostic in line.facts.diagnostics:
        found.setdefault((diagnostic.code, diagnostic.fact_id), diagnostic)
    report = monitor.report()
    for key in line.facts.facts:
        for rule_id in monitor.depends_on(key):
            verdict = report[rule_id]
            problem = verdict.problem
            if verdict.status is Status.INVALID and problem is not None \
                    and problem.location == where:
                found.setdefault((problem.code, problem.fact_id), problem)
    return list(found.values())


class Monitors:
    """One :class:`Monitor` per region and period the lines name, so that region B's facts
    never overwrite region A's; lines naming neither go to the starting facts' monitor."""

    def __init__(self, first: Monitor, make: Callable[[str | None, str | None], Monitor]) -> None:
        self.first = first
        self._make = make
        self._states: dict[tuple[str | None, str | None], Monitor] = {}

    def __iter__(self) -> Iterator[Monitor]:
        yield self.first
        yield from self._states.values()

    def for_line(self, line: _Line, where: Location) -> Monitor:
        """The monitor of the line's region and period.

        Raises:
            FactError: (QC155) more regions and periods than :data:`MAX_STATES`.
        """
        if line.region is None and line.period is None:
            return self.first
        start = self.first.report()
        region = line.region if line.region is not None else start.region
        period = line.period if line.period is not None else start.period
        if (region, period) == (start.region, start.period):
            return self.first
        key = (region, period)
        if key not in self._states:
            if len(self._states) >= MAX_STATES:
                raise _bad("QC155", "too many regions and periods in one watch", where,
                           expected=f"at most {MAX_STATES}", got=f"{region} {period}")
            self._states[key] = self._make(region, period)
        return self._states[key]

    def close(self) -> None:
        for monitor in self._states.values():
            monitor.close()


def _lines(stream: Iterable[str] | TextIO) -> Iterator[tuple[str, bool]]:
    """Each line and whether it was too long (then cut: at most :data:`MAX_LINE` is held)."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        for text in stream:
            yield text, len(text) > MAX_LINE
        return
    while True:
        text = readline(MAX_LINE + 1)
        if not text:
            return
        if len(text) > MAX_LINE and not text.endswith("\n"):
            while True:  # skip the rest of the line without holding it
                rest = readline(MAX_LINE)
                if not rest or rest.endswith("\n"):
                    break
            yield text[:80], True
        else:
            yield text, False


def run_stream(monitors: Monitor | Monitors, lines: Iterable[str] | TextIO, *, lang: str,
               fmt: str) -> None:
    """Apply each line to the monitor of its region and period, printing changes (stdout)
    and problems (stderr)."""
    if isinstance(monitors, Monitor):
        single = monitors
        monitors = Monitors(single, lambda _r, _p: single)
    for number, (text, too_long) in enumerate(_lines(lines), start=1):
        where = Location(STDIN, number)
        if too_long:
            click.echo(str(_bad("QC155", "line too long", where,
                                expected=f"at most {MAX_LINE} characters").diagnostics[0]),
                       err=True)
            continue
        if not text.strip():
            continue
        try:
            line = read_line(text, number)
            monitor = monitors.for_line(line, where)
            if line.retract is not None:
                changes = monitor.retract(line.retract)
            else:
                assert line.facts is not None
                changes = monitor.update_many(line.facts)
        except QcrulesError as error:
            for diagnostic in error.diagnostics:
                click.echo(str(diagnostic if diagnostic.location else
                               _relocated(diagnostic, where)), err=True)
            continue
        for problem in _problems(monitor, line, where):
            click.echo(str(problem), err=True)
        keyed = monitor is not monitors.first
        report = monitor.report() if keyed else None
        for change in changes:
            click.echo(format_change(change, lang=lang, fmt=fmt, line=number,
                                     region=report.region if report else None,
                                     period=report.period if report else None))


@click.command()
@click.argument("facts", nargs=-1, type=click.Path(dir_okay=False))
@rules_option
@engine_option
@lang_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line of text or one JSON object per change.")
@click.option("--initial", is_flag=True,
              help="First print every rule's verdict for the starting facts.")
@fail_on_option("none")
@strict_option
@encoding_option
def watch(facts: tuple[str, ...], rules: str | None, engine: str, lang: str, fmt: str,
          initial: bool, fail_on: tuple[str, ...], strict: bool, encoding: str | None) -> None:
    """Print verdict changes as fact updates arrive as JSON lines on standard input.

    FACTS are optional starting fact files. Each input line is {"id": ..., "value": ...,
    "source": ...}, {"facts": {...}} or {"retract": "id"}. A bad line is reported on
    standard error as <stdin>:LINE: QCnnn ... and skipped. At the end of input, exit 1 when
    a target is in a --fail-on state (--strict: any missed target), else 0; 2 for a bad
    catalogue or starting fact file.
    """
    from .common import catalog_or_exit, fact_set_or_exit  # the shared loaders (cli imports this module)

    plan = compile_catalog(catalog_or_exit(rules))
    start = None
    if facts:
        start = fact_set_or_exit(facts, encoding, False)
        unmatched = unmatched_facts(plan, start)
        for warning in unmatched:
            click.echo(f"warning: {warning}", err=True)
        ignored = {warning.fact_id for warning in unmatched}
        start = attrs.evolve(start, facts={key: fact for key, fact in start.facts.items()
                                           if key not in ignored})
    def make(region: str | None, period: str | None) -> Monitor:
        return Monitor(plan, engine=engine, facts=FactSet({}, region=region, period=period))

    with Monitor(plan, engine=engine, facts=start) as monitor:
        if initial:
            for change in monitor.snapshot():
                click.echo(format_change(change, lang=lang, fmt=fmt))
        monitors = Monitors(monitor, make)
        try:
            run_stream(monitors, sys.stdin, lang=lang, fmt=fmt)
        finally:
            monitors.close()
        raise SystemExit(max(exit_code_for(m.report(), fail_on, strict=strict, default=("none",))
                             for m in monitors))
