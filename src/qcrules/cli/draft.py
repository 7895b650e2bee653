"""``qcrules draft``: a reviewable catalogue from a plan's text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ..base.errors import CatalogError, Diagnostic, Location, UsageError
from ..catalog.parse import read_text
from ..report.render import write_atomically
from .common import EXIT_BAD_INPUT, echo_diagnostics, encoding_option, fail, output_option
from .streams import DASH

DRAFT_FORMATS = ("yaml", "json", "text")


@click.command(name="draft")
@click.argument("plan", type=click.Path(dir_okay=False))
@output_option("Write the draft to FILE, atomically (default, or -: standard output); the "
               "catalogue names PLAN relative to FILE's folder.")
@click.option("--id", "catalog_id", default=None,
              help="The catalogue's id (default: draft-START-END from the plan period).")
@click.option("--region", default=None, help="The region (default: from the plan's title).")
@click.option("--plan-period", default=None, metavar="START-END",
              help="The plan's period, e.g. 2025-2027 (default: from the title's （2025—2027年）); "
                   "a target with no year of its own is due at its end.")
@click.option("--format", "-f", "fmt", type=click.Choice(DRAFT_FORMATS), default="yaml",
              show_default=True,
              help="yaml: the catalogue; json: the catalogue, what to review and the findings; "
                   "text: a reviewer's checklist, grouped by clause.")
@encoding_option
def draft_command(plan: str, output: str | None, catalog_id: str | None, region: str | None,
                  plan_period: str | None, fmt: str, encoding: str | None) -> None:
    """Draft a catalogue from the text of PLAN, a plan of the genre (UTF-8 or GB18030 text).

    Every target the plan states becomes a rule in the plan's words; every reading that is a
    guess is marked `review: true` with a note; every sentence that holds a number or a
    target word and became no rule is listed (on standard error, or in the json and text
    formats). The catalogue names PLAN as its source, relative to the output file, so that
    `qcrules validate` checks each quote against the plan. Exit 0 with a draft, 2 when the
    plan cannot be read.
    """
    from ..drafting.build import draft  # drafting is loaded for this command alone

    if output == DASH:
        output = None
    period = _plan_period(plan_period)
    text, problems = read_text(plan, encoding=encoding)
    if text is None:
        echo_diagnostics(problems)
        raise SystemExit(EXIT_BAD_INPUT)
    folder = Path(output).resolve().parent if output else Path.cwd()
    source = os.path.relpath(Path(plan).resolve(), folder)
    inside = not source.startswith("..") and not os.path.isabs(source)
    try:
        result = draft(text, source=Path(source).as_posix(), catalog_id=catalog_id,
                       region=region, period=period)
    except CatalogError as error:
        # A catalogue the validator refuses as a whole (an id or region given badly).
        fail(error)
    if fmt == "yaml":
        body = result.text
    elif fmt == "json":
        body = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        body = result.checklist()
    if output is None:
        click.echo(body, nl=False)
    else:
        try:
            write_atomically(Path(output), body.encode("utf-8"))
        except OSError as error:
            fail(UsageError(Diagnostic("QC405", "cannot write the draft", Location(output),
                                       field="output", expected="a writable file path",
                                       got=error.strerror or type(error).__name__)))
    catalog = result.catalog
    where = output or "standard output"
    click.echo(f"{where}: {len(catalog.rules)} rules drafted, {len(result.to_review)} to review, "
               f"{len(result.findings)} sentences left out (see --format text)", err=True)
    if fmt == "yaml":
        for finding in result.findings:
            click.echo(f"note: {plan}:{finding.line}: {finding.code} [{finding.clause}] "
                       f"{finding.reason}: {finding.text}", err=True)
    if not inside:
        click.echo(f"warning: {plan} is not in the draft's folder or below it, so its quotes "
                   "will not be checked when the draft is loaded (QC176); put the plan beside "
                   "the draft", err=True)


def _plan_period(text: str | None) -> tuple[int, int] | None:
    """``2025-2027`` (or 2025—2027) → (2025, 2027); anything else is a usage error (QC409)."""
    if text is None:
        return None
    parts = [part.strip() for part in text.replace("—", "-").replace("–", "-").split("-")]
    valid = len(parts) == 2 and all(p.isdigit() and len(p) == 4 for p in parts)
    if not valid or parts[0] > parts[1]:
        fail(UsageError(Diagnostic("QC409", "usage: invalid --plan-period", field="--plan-period",
                                   expected="START-END, two years such as 2025-2027", got=text)))
    return int(parts[0]), int(parts[1])
