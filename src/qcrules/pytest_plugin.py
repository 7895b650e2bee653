"""A pytest plugin: rule test files (``*.tests.yaml``) collected as test items, one per case.

Installed with qcrules (entry point ``pytest11: qcrules``). A failed case is reported with the
same message as ``qcrules test`` — what was expected, what was got, and the verdict's
explanation — without a Python traceback; a malformed tests file is a collection error showing
its located diagnostics. Only files whose first key is ``qcrules-tests`` are collected; any
other ``*.tests.yaml`` is left alone, silently. ``qcrules_rule_tests = false`` in a project's
pytest configuration, or ``pytest -p no:qcrules``, switches the plugin off. See
``docs/reference/rule-tests.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .ruletests import CaseResult, RuleTestCase, RuleTestFile

__all__ = ["INI_OPTION", "RuleCaseFailed", "RuleCaseItem", "RuleTestsFile", "is_rule_tests_file",
           "pytest_addoption", "pytest_collect_file"]

_SUFFIX = ".tests.yaml"   # the same as qcrules.ruletests.SUFFIX, without importing qcrules early
#: The ini option (``[tool.pytest.ini_options]``, ``pytest.ini``, ``setup.cfg``) that turns
#: collection off.
INI_OPTION = "qcrules_rule_tests"
#: How much of a file is read to find its first key.
_HEAD = 64 * 1024
_FIRST_KEY = re.compile(r"""^\{?\s*(["']?)qcrules-tests\1\s*:""")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_OPTION, type="bool", default=True,
                  help="qcrules: collect rule test files (*.tests.yaml whose first key is "
                       "qcrules-tests); false turns the plugin's collection off.")


def is_rule_tests_file(path: Path) -> bool:
    """Whether ``path`` is a qcrules rule test file: named ``*.tests.yaml`` and its first key
    (after comments, directives and a ``---``) ``qcrules-tests``."""
    if not path.name.endswith(_SUFFIX):
        return False
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    for line in head.splitlines():
        text = line.strip()
        if not text or text.startswith(("#", "%")) or text == "---":
            continue
        return _FIRST_KEY.match(text) is not None
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RuleTestsFile | None:
    """Collect rule test files, unless the project's configuration turns it off."""
    if not parent.config.getini(INI_OPTION) or not is_rule_tests_file(file_path):
        return None
    collected: RuleTestsFile = RuleTestsFile.from_parent(parent, path=file_path)
    return collected


class RuleCaseFailed(Exception):
    """A case whose verdicts differ from what it expects."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.failure_text())
        self.result = result


class _BadTestsFile(Exception):
    """A tests file that cannot be used (its diagnostics are the message)."""


class RuleTestsFile(pytest.File):
    """A rule test file: one item per case."""

    def collect(self) -> Iterator[RuleCaseItem]:
        from .base.errors import QcrulesError
        from .ruletests import load_rule_tests

        try:
            loaded = load_rule_tests(self.path)
        except QcrulesError as error:
            raise _BadTestsFile("\n".join(str(d) for d in error.diagnostics)) from None
        for case in loaded.cases:
            yield RuleCaseItem.from_parent(self, name=case.name, test_file=loaded, case=case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        """A malformed tests file: its located diagnostics, no traceback."""
        if isinstance(excinfo.value, _BadTestsFile):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class RuleCaseItem(pytest.Item):
    """One case of a rule test file."""

    def __init__(self, *, test_file: RuleTestFile, case: RuleTestCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test_file = test_file
        self.case = case

    def runtest(self) -> None:
        """Evaluate the case; raise :class:`RuleCaseFailed` when a verdict differs."""
        from .ruletests import run_case

        result = run_case(self.test_file, self.case)
        if not result.passed:
            raise RuleCaseFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> Any:
        """Expected and got, with the verdict's explanation; no Python traceback."""
        if isinstance(excinfo.value, RuleCaseFailed):
            return excinfo.value.result.failure_text()
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The tests file, the case's line (0-based) and its name."""
        line = self.case.location.line if self.case.location else None
        return self.path, (line - 1) if line else None, f"case: {self.case.name}"
