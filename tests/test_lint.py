"""The code base stays clean under the project's own lint and type-check configuration."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
                    reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff() -> None:
    """ruff finds nothing in src, tests, bench and examples (rules in pyproject.toml)."""
    done = _run("ruff", "check", "src", "tests", "bench", "examples", "--output-format", "concise")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    """mypy finds no type error in the package (configuration in pyproject.toml)."""
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
