"""Stage 6, render: a report → JUnit XML, so that CI systems show each target as a test case.

The mapping (documented in ``docs/reference/report-formats.md``):

- ``<testsuites>`` is the catalogue; one ``<testsuite>`` per plan section (``二(一) …``);
- each target is a ``<testcase>``: ``classname`` is ``<catalogue id>.<section>``, ``name`` is
  ``<rule id> <indicator>``;
- not met → ``<failure>`` (``type`` is the severity: ``violation``, ``shortfall`` or ``miss``);
  unknown → ``<skipped>``; invalid → ``<error>`` (``type`` is the diagnostic code); met → a
  plain test case. The explanation is the failure's or error's text, else ``<system-out>``.

The document is built with :mod:`xml.etree.ElementTree`, never by joining strings; characters
that XML 1.0 cannot hold (control characters from a fact file) are replaced by U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..engine.results import Report, Status, Verdict
from .explain import explain

__all__ = ["render_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str:
    """Text XML 1.0 can hold."""
    return _NOT_XML.sub("\ufffd", str(value))


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: _text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _case(suite: ET.Element, verdict: Verdict, classname: str, lang: str) -> None:
    rule = verdict.rule
    name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
    explanation = explain(verdict, lang)
    case = _element(suite, "testcase", classname=classname, name=f"{verdict.rule_id} {name}")
    clause = f"{rule.clause}: {rule.quote}"
    detail = "\n".join((explanation.summary, *(f"- {step}" for step in explanation.steps), clause))
    if verdict.status is Status.NOT_MET:
        _element(case, "failure", detail, message=explanation.summary, type=verdict.severity.value)
    elif verdict.status is Status.UNKNOWN:
        _element(case, "skipped", message=explanation.summary)
    elif verdict.status is Status.INVALID:
        code = verdict.problem.code if verdict.problem else "invalid"
        problem = str(verdict.problem) if verdict.problem else ""
        _element(case, "error", f"{problem}\n{detail}".strip(), message=explanation.summary,
                 type=code)
    if verdict.status in (Status.MET, Status.UNKNOWN):
        _element(case, "system-out", detail)


def _counts(verdicts: list[Verdict]) -> dict[str, str]:
    def number(status: Status) -> str:
        return str(sum(1 for verdict in verdicts if verdict.status is status))

    return {"tests": str(len(verdicts)), "failures": number(Status.NOT_MET),
            "errors": number(Status.INVALID), "skipped": number(Status.UNKNOWN)}


def render_junit(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """JUnit XML: one test suite per plan section, one test case per target.

    Raises:
        ValueError: an unknown language.
    """
    catalog = report.catalog
    verdicts = [v for v in report.verdicts if not (only_unmet and v.status is Status.MET)]
    sections: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        sections.setdefault(verdict.rule.section, []).append(verdict)
    root = ET.Element("testsuites", {"name": _text(catalog.title), **_counts(verdicts)})
    for prefix, members in sections.items():
        title = f"{prefix} {catalog.section_title(prefix, lang)}".strip()
        suite = _element(root, "testsuite", name=title, **_counts(members))
        properties = _element(suite, "properties")
        for key, value in (("catalog", catalog.id), ("region", report.region),
                           ("period", report.period), ("engine", report.engine),
                           *(("source", source) for source in report.sources)):
            if value:
                _element(properties, "property", name=key, value=value)
        for verdict in members:
            _case(suite, verdict, f"{catalog.id}.{prefix}", lang)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
