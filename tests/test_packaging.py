"""What a package is expected to carry: a licence in the wheel and the sdist, a changelog, the
Pythons it supports stated alike in its metadata and the README, durable-rules only where it
loads, and Hypothesis as an extra whose absence is explained."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_mit_licence_in_wheel_and_sdist() -> None:
    """LICENSE is the MIT text, the wheel's licence file and part of the sdist."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "the qcrules authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    project = PROJECT["project"]
    assert (project["license"], project["license-files"]) == ("MIT", ["LICENSE"])
    sdist = PROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"LICENSE", "CHANGELOG.md", "README.md"} <= set(sdist)


def test_changelog_keeps_a_changelog() -> None:
    """A Keep a Changelog file: the title, the link to the convention, an Unreleased section
    with Added, Changed and Fixed, each with entries."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "https://keepachangelog.com/" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    sections = re.findall(r"^### (\w+)\n\n((?:- .*\n(?:  .*\n)*)+)", unreleased, re.MULTILINE)
    assert [name for name, _ in sections] == ["Added", "Changed", "Fixed"]


def test_supported_pythons_agree() -> None:
    """The classifiers name the minor versions the README states, from requires-python on."""
    project = PROJECT["project"]
    minors = sorted(re.findall(r"Programming Language :: Python :: (3\.\d+)$",
                               "\n".join(project["classifiers"]), re.MULTILINE))
    assert minors == ["3.11", "3.12", "3.13"]
    assert project["requires-python"] == ">=3.11"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "qcrules supports Python 3.11, 3.12 and 3.13" in readme


def test_durable_rules_only_where_it_loads() -> None:
    """durable-rules carries the marker of the Pythons its C extension loads on."""
    durable = [d for d in PROJECT["project"]["dependencies"] if d.startswith("durable-rules")]
    assert durable == ["durable-rules>=2.0.28; python_version < '3.13'"]
    from qcrules.durable import SUPPORTED_PYTHONS

    assert SUPPORTED_PYTHONS == "3.11 and 3.12"


def test_hypothesis_is_the_testing_extra() -> None:
    project = PROJECT["project"]
    assert not any(d.startswith("hypothesis") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("hypothesis") for d in extras["testing"])
    assert any(d.startswith("hypothesis") for d in extras["test"])


def test_strategies_without_hypothesis_say_what_to_install() -> None:
    """Where Hypothesis is absent, importing the strategies names the extra; qcrules itself
    and its command still import."""
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "import qcrules, qcrules.cli\n"
            "try:\n    import qcrules.strategies\n"
            "except ImportError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ("qcrules.strategies needs Hypothesis, which is not installed: "
                                   "pip install 'qcrules[testing]' (or pip install hypothesis)")
