"""The ``qcrules`` command: a thin layer over the library.

It parses options, calls the library, and maps every :class:`~qcrules.QcrulesError` to a
located message and a documented exit code; bad input never shows a traceback.

Exit codes: 0 no violation (or a clean validation); 1 an ensure-target (确保) is missed — with
``--strict`` any missed target; 2 bad input or usage.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from .. import evaluate
from ..base.errors import Diagnostic, Location, QcrulesError, UsageError, printable
from ..catalog.load import load_catalog
from ..catalog.model import Catalog
from ..engine.compile import Plan, compile_catalog
from ..engine.results import Report
from ..facts.model import FactSet
from ..facts.periods import with_base_values
from ..report import render as _render
from ..report.cells import summary_line
from ..report.explain import explain, quantity_text
from .common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    catalog_or_exit,
    echo_diagnostics,
    encoding_option,
    engine_option,
    fact_set_or_exit,
    fail,
    lang_option,
    period_option,
    period_or_exit,
    rules_option,
    strict_option,
)
from .watch import watch


def _colour_wanted() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qcrules")
def main() -> None:
    """Check reported statistics against the quantified targets of a plan."""


main.add_command(watch)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Validate catalogue files; print every problem, located. Exit 2 on any error.

    A sound catalogue's notes (QC17x: what a reviewer should know, such as a kind read
    from the target's words) follow its "ok" line, one per line, and leave the exit code 0.
    """
    failed = False
    for path in paths:
        try:
            catalog = load_catalog(path)
        except QcrulesError as error:
            echo_diagnostics(error.diagnostics)
            failed = True
            continue
        click.echo(f"{path}: ok, {len(catalog)} rules")
        for note in catalog.notes:
            click.echo(f"note: {note}")
    raise SystemExit(EXIT_BAD_INPUT if failed else EXIT_OK)


@main.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=0, show_default=True,
              metavar="N", help="Fail when a catalogue's outcome coverage is below N %.")
@lang_option
@click.option("--verbose", "-v", is_flag=True,
              help="List every case and the outcomes tested for every rule.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json: qcrules-test-run/1).")
@engine_option
def test_command(paths: tuple[str, ...], min_coverage: float, lang: str, verbose: bool,
                 fmt: str, engine: str) -> None:
    """Run rule test files (X.tests.yaml beside X.yaml; a directory is searched) and report
    each rule's outcome coverage.

    Exit 0 when every case passes and coverage reaches --min-coverage, 1 otherwise, 2 on a
    malformed tests file.
    """
    from ..ruletests import find_rule_test_files, render_run, run_rule_tests, run_to_dict

    try:
        run_ = run_rule_tests(find_rule_test_files(paths), engine=engine)
    except QcrulesError as error:
        fail(error)
    if fmt == "json":
        click.echo(json.dumps(run_to_dict(run_, lang=lang, min_coverage=min_coverage),
                              ensure_ascii=False, indent=2))
    else:
        click.echo(render_run(run_, lang=lang, verbose=verbose, min_coverage=min_coverage),
                   nl=False)
    raise SystemExit(run_.exit_code(min_coverage))


@main.command()
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False))
@rules_option
@click.option("--format", "-f", "fmt", type=click.Choice(list(_render.FORMATS)),
              default="text", show_default=True, help="Output format.")
@lang_option
@click.option("--only", type=click.Choice(["all", "unmet"]), default="all", show_default=True,
              help="Show every target, or only those not met.")
@strict_option
@click.option("--keep-going", is_flag=True,
              help="Evaluate every rule whose facts are sound even when some facts are bad "
                   "(the exit code is still 2).")
@encoding_option
@engine_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to a file instead of standard output.")
@click.option("--baseline", "-b", metavar="BASEFILE", type=click.Path(dir_okay=False),
              default=None, help="Facts of a baseline period: add each target's trajectory "
                                 "(on track, behind, ...) toward its deadline.")
@period_option
def check(facts: tuple[str, ...], rules: str | None, fmt: str, lang: str, only: str,
          strict: bool, keep_going: bool, encoding: str | None, engine: str,
          output: str | None, baseline: str | None, period: str | None) -> None:
    """Evaluate FACTS (YAML, JSON, TOML, CSV or .xlsx files) against the catalogue.

    Exit 0 when no 确保 target is missed, 1 when one is (with --strict, any missed target),
    2 on bad input.
    """
    catalog = catalog_or_exit(rules, keep_going=keep_going)
    plan = compile_catalog(catalog)
    fact_set = period_or_exit(fact_set_or_exit(facts, encoding, keep_going), period,
                              bases=plan.bases)
    base_set = None
    if baseline is not None:
        base_set = period_or_exit(fact_set_or_exit((baseline,), encoding, keep_going), None,
                                  "baseline facts")
        fact_set = with_base_values(fact_set, [base_set], plan.bases)
    report = evaluate(plan, fact_set, engine=engine)
    if base_set is not None:
        report = _track(plan, report, fact_set, base_set, keep_going, engine)
    errors = input_errors(report)
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; no report written (use --keep-going to evaluate the rest)",
                   err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    if output:
        _write(report, output, fmt, lang, only_unmet=only == "unmet")
    else:
        options = {"colour": _colour_wanted()} if fmt == "text" else {}
        click.echo(_render.render(report, fmt, lang=lang, only_unmet=only == "unmet", **options),
                   nl=False)
    _finish(report, errors, catalog, strict=strict)


def _finish(report: Report, errors: list[Diagnostic], catalog: Catalog, *,
            strict: bool) -> NoReturn:
    """After the report is out: the warnings, then the exit code — 2 when facts (printed now)
    or rules (printed first, --keep-going) had problems, else the report's."""
    echo_diagnostics([d for d in report.diagnostics if d.code == "QC202"], prefix="warning")
    if errors:
        echo_diagnostics(errors)
        raise SystemExit(EXIT_BAD_INPUT)
    if catalog.problems:
        raise SystemExit(EXIT_BAD_INPUT)
    raise SystemExit(report.exit_code(strict=strict))


def _track(plan: Plan, report: Report, fact_set: FactSet, base_set: FactSet, keep_going: bool,
           engine: str) -> Report:
    """``report`` with trajectories from the baseline file's facts (bad input exits 2)."""
    from ..progress.series import track

    base_report = evaluate(plan, base_set, engine=engine)
    errors = input_errors(base_report)
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad baseline input; no report written (use --keep-going to go on)", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        return track(report, fact_set, base_report, base_set)
    except QcrulesError as error:
        fail(error)


@main.command(name="progress")
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--baseline", "-b", metavar="PERIOD", default=None,
              help="The baseline period, one of those given (default: the earliest).")
@rules_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "html"]),
              default="text", show_default=True,
              help="Output format (html: the latest period's report with a trend line per "
                   "target).")
@lang_option
@click.option("--keep-going", is_flag=True,
              help="Go on when some facts are bad, their targets unknown (the exit code is "
                   "still 2).")
@encoding_option
def progress_command(facts: tuple[str, ...], baseline: str | None, rules: str | None, fmt: str,
                     lang: str, keep_going: bool, encoding: str | None) -> None:
    """Show each target's series over the periods of FACTS (one file per period, or a file
    holding several, any order), its trajectory from the baseline and where the current pace
    leads by the deadline.

    Exit 0, or 2 on bad input.
    """
    from ..facts.periods import facts_by_period, period_argument
    from ..progress.series import progress
    from ..report.progress import render_progress

    catalog = catalog_or_exit(rules)
    sets = [fact_set_or_exit((path,), encoding, keep_going) for path in facts]
    try:
        start = period_argument(baseline, "baseline") if baseline is not None else None
        result = progress(compile_catalog(catalog), facts_by_period(sets), baseline=start)
    except QcrulesError as error:
        fail(error)
    errors = [error for report in result.reports for error in input_errors(report)]
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; nothing shown (use --keep-going to go on)", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    click.echo(render_progress(result, fmt, lang=lang), nl=False)
    if errors:
        echo_diagnostics(errors)
        raise SystemExit(EXIT_BAD_INPUT)
    raise SystemExit(EXIT_OK)


def input_errors(report: Report) -> list[Diagnostic]:
    """Bad input in a report: unreadable facts and facts unusable for their rule (invalid)."""
    errors = [d for d in report.diagnostics if d.code != "QC202"]
    seen = set(errors)
    for verdict in report.verdicts:
        if verdict.problem is not None and verdict.problem not in seen:
            errors.append(verdict.problem)
            seen.add(verdict.problem)
    return errors


def _write(report: Report, output: str, fmt: str, lang: str, *, only_unmet: bool = False) -> None:
    """Write a report file (CSV with a byte-order mark); a file that cannot be written is QC405."""
    try:
        _render.write_report(report, output, fmt, lang=lang, only_unmet=only_unmet)
    except OSError as error:
        fail(UsageError(Diagnostic("QC405", "cannot write the report file", Location(output),
                                    field="output", expected="a writable file path",
                                    got=error.strerror or type(error).__name__)))


REPORT_FORMATS = ("html", "markdown", "csv", "json", "junit")


@main.command()
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="The report file; its extension gives the format (.html/.htm, .md, .csv, "
                   ".json, .xml for JUnit).")
@click.option("--format", "-f", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="Report format (default: from the output file's extension).")
@rules_option
@lang_option
@strict_option
@click.option("--keep-going", is_flag=True,
              help="Write the report even when some facts are bad, their targets shown as "
                   "invalid (the exit code is still 2).")
@encoding_option
@engine_option
@period_option
def report(facts: tuple[str, ...], output: str, fmt: str | None, rules: str | None, lang: str,
           strict: bool, keep_going: bool, encoding: str | None, engine: str,
           period: str | None) -> None:
    """Write a report to hand on: HTML, Markdown, CSV, JSON or JUnit XML.

    The format is taken from the extension of the -o file unless --format is given. Exit codes
    as for `check`: 0 no 确保 target missed, 1 one is (with --strict, any missed target), 2 bad
    input or usage (no file is written).
    """
    fmt = fmt or _render.format_for(output)
    if fmt is None or fmt not in REPORT_FORMATS:
        fail(UsageError(Diagnostic(
            "QC404", "cannot tell the report format from the file name", Location(output),
            field="output", expected=".html, .htm, .md, .csv, .json or .xml, or --format",
            got=Path(output).suffix or "no extension")))
    catalog = catalog_or_exit(rules, keep_going=keep_going)
    plan = compile_catalog(catalog)
    fact_set = period_or_exit(fact_set_or_exit(facts, encoding, keep_going), period,
                              bases=plan.bases)
    result = evaluate(plan, fact_set, engine=engine)
    errors = input_errors(result)
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; no report written (use --keep-going to evaluate the rest)",
                   err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    _write(result, output, fmt, lang)
    click.echo(f"{output} ({fmt}): {summary_line(result, lang)}")
    _finish(result, errors, catalog, strict=strict)


@main.command(name="explain")
@click.argument("rule_id")
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False))
@rules_option
@lang_option
@encoding_option
@engine_option
@period_option
def explain_command(rule_id: str, facts: tuple[str, ...], rules: str | None, lang: str,
                    encoding: str | None, engine: str, period: str | None) -> None:
    """Explain the verdict for one rule, step by step."""
    catalog = catalog_or_exit(rules)
    if rule_id not in catalog:
        import difflib

        close = difflib.get_close_matches(rule_id, [r.id for r in catalog], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        click.echo(f"error: QC402 unknown rule id {rule_id!r}{hint}", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    plan = compile_catalog(_only(catalog, rule_id))
    fact_set = period_or_exit(fact_set_or_exit(facts, encoding, keep_going=True), period,
                              bases=plan.bases)
    verdict = evaluate(plan, fact_set, engine=engine).verdicts[0]
    rule = verdict.rule
    click.echo(printable(str(explain(verdict, lang))))
    click.echo(f"  {'条款' if lang == 'zh' else 'clause'} {rule.clause}: {rule.quote}")
    if rule.note:
        click.echo(f"  {'说明' if lang == 'zh' else 'note'}: {rule.note}")
    raise SystemExit(EXIT_OK)


def _only(catalog: Catalog, rule_id: str) -> Catalog:
    import attrs

    return attrs.evolve(catalog, rules=(catalog[rule_id],))


@main.group()
def rules() -> None:
    """List or show the rules of a catalogue."""


@rules.command(name="list")
@rules_option
@lang_option
def rules_list(rules: str | None, lang: str) -> None:
    """One line per rule: id, clause, kind, commitment, bound."""
    catalog = catalog_or_exit(rules)
    for rule in catalog:
        name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
        bound = " ".join(dict.fromkeys(b.words for b in rule.bounds))  # a range text once
        click.echo(printable(f"{rule.id}\t{rule.clause}\t{rule.kind.value}\t"
                             f"{rule.commitment.value}\t{name}\t{bound}"))


@rules.command(name="show")
@click.argument("rule_id")
@rules_option
def rules_show(rule_id: str, rules: str | None) -> None:
    """Everything about one rule."""
    catalog = catalog_or_exit(rules)
    if rule_id not in catalog:
        click.echo(f"error: QC402 unknown rule id {rule_id!r}", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    rule = catalog[rule_id]
    lines = [
        f"id:         {rule.id}",
        f"indicator:  {rule.indicator.zh} / {rule.indicator.en}",
        f"unit:       {rule.indicator.unit or '-'}",
        f"kind:       {rule.kind.value}{' (strict)' if rule.strict else ''}",
        "target:     " + "; ".join(
            f"{b.words} ({b.op.value} "
            f"{quantity_text(b.threshold.magnitude, b.threshold.unit) if b.threshold else 'reference'})"
            for b in rule.bounds),
        f"commitment: {rule.commitment.value}",
        f"deadline:   {rule.deadline}",
        f"clause:     {rule.clause} {catalog.section_title(rule.section)}",
        f"quote:      {rule.quote}",
        f"lead:       {'、'.join(rule.lead)}",
        f"support:    {'、'.join(rule.support) or '-'}",
        f"judgement:  {rule.judgement}" + (f" (precision {rule.precision})" if rule.precision else ""),
    ]
    if rule.reference:
        lines.append(f"reference:  {rule.reference.id} {rule.reference.zh}")
    if rule.derivation:
        inputs = ", ".join(f"{i.name} ({i.zh}, {i.unit})" for i in rule.derivation.inputs)
        lines.append(f"formula:    {rule.derivation.formula}  [{inputs}]")
    if rule.note:
        lines.append(f"note:       {rule.note}")
    click.echo(printable("\n".join(lines)))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (for embedding and tests)."""
    try:
        main.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_BAD_INPUT
    except click.ClickException as error:
        error.show()
        return EXIT_BAD_INPUT
    except QcrulesError as error:
        echo_diagnostics(error.diagnostics)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (qcrules check … | head): nothing more to say to it.
        _quiet_stdout()
        return EXIT_OK
    except OSError as error:
        _quiet_stdout()
        _say(f"error: QC407 cannot write the output: {error.strerror or error} "
             "(expected a writable standard output or file)")
        return EXIT_BAD_INPUT
    except Exception as error:
        _say(f"internal error: {type(error).__name__}: {error} — this is a bug in qcrules, "
             "not in the input; please report it with the command that caused it")
        return EXIT_INTERNAL
    return EXIT_OK


def _say(line: str) -> None:
    """One line on standard error, even when standard error itself cannot be written."""
    with contextlib.suppress(OSError):
        click.echo(line, err=True)


def _quiet_stdout() -> None:
    """Standard output failed: point it at nowhere, so the interpreter's last flush does not
    print a second error."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def entry_point() -> None:
    """The console script."""
    raise SystemExit(run())


__all__ = ["Plan", "main", "run"]
