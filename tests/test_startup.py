"""Start-up: ``import qcrules`` and ``qcrules check`` on the bundled plan load only what they use.

Each case runs in a fresh interpreter and says which modules are *not* loaded afterwards (what
it does, not how long it takes: timings are ``bench/bench_engine.py``'s). The unit registry is
never built for the bundled plan: its units and the example's facts are in the shipped table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "tongcheng-2026.yaml"

#: What a check of the bundled plan never needs: the unit registry's library, the table path's,
#: the HTML report's, the workbook reader's, the spinner's, TOML's, package resources' (the
#: bundled plan is a file beside the package); and qcrules's drafting, table, frame and
#: durable-engine modules.
NEVER_FOR_A_CHECK = ("pint", "numpy", "narwhals", "jinja2", "openpyxl", "rich", "cn2an",
                     "durable_rules_engine", "tomllib", "zipfile", "importlib.resources",
                     "qcrules.drafting", "qcrules.engine.table", "qcrules.frames",
                     "qcrules.durable.engine")
#: And ``import qcrules`` alone reads no file, so not even YAML (nor the monitor, which the
#: CLI's ``watch`` command brings); it validates and writes no catalogue (no validation, bound
#: lexicon or writer) and writes no report file (no temporary files).
NEVER_AT_IMPORT = (*NEVER_FOR_A_CHECK, "yaml", "click", "qcrules.durable.monitor",
                   "qcrules.catalog.validate", "qcrules.catalog.words", "qcrules.catalog.dump",
                   "tempfile")

_PROBE = """
import json, sys
{body}
from qcrules.catalog import units
print(json.dumps({{"loaded": sorted(sys.modules), "registry": units._REGISTRY is not None}}))
"""

_CLI = """
import contextlib, io
from qcrules.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main({args!r})
    except SystemExit as stop:
        code = stop.code
assert code in (0, 1), code
assert out.getvalue(), "no output"
"""


def _probe(body: str) -> tuple[set[str], bool]:
    """The modules loaded after running ``body`` in a fresh interpreter, and whether the unit
    registry was built."""
    done = subprocess.run([sys.executable, "-c", _PROBE.format(body=body)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    return set(found["loaded"]), found["registry"]


def _present(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in loaded]


class TestImport:
    """``import qcrules`` builds no registry and imports no optional machinery."""

    def test_import_loads_none_of_them(self) -> None:
        loaded, registry = _probe("import qcrules")
        assert _present(loaded, NEVER_AT_IMPORT) == []
        assert not registry

    def test_every_public_name_is_still_there(self) -> None:
        """The names imported on first use are the same objects as their modules', and no
        subpackage imported later takes the place of a public name (``qcrules.progress`` is
        the function, whatever is imported after it)."""
        body = ("import qcrules\nfrom qcrules.engine import table\nfrom qcrules.drafting import "
                "build\nfrom qcrules.durable import monitor\n"
                "assert qcrules.TableResult is table.TableResult\n"
                "assert qcrules.UnmatchedColumnWarning is table.UnmatchedColumnWarning\n"
                "assert qcrules.draft is build.draft and qcrules.Draft is build.Draft\n"
                "assert qcrules.Monitor is monitor.Monitor\n"
                "assert all(hasattr(qcrules, name) for name in qcrules.__all__)\n"
                "import types, qcrules.progress.series, qcrules.frames.evaluate\n"
                "assert not [name for name in qcrules.__all__\n"
                "            if isinstance(getattr(qcrules, name), types.ModuleType)]")
        loaded, _ = _probe(body)
        assert "numpy" in loaded  # asked for, so imported

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        import qcrules

        with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
            qcrules.no_such_name  # noqa: B018 - the attribute access is the test


class TestCheck:
    """``qcrules check`` on the example reads YAML and nothing else it does not use."""

    @pytest.mark.parametrize("output", ["text", "json", "markdown"])
    def test_check_of_the_example(self, output: str) -> None:
        loaded, registry = _probe(_CLI.format(args=["check", str(EXAMPLE), "--format", output]))
        assert _present(loaded, NEVER_FOR_A_CHECK) == []
        assert not registry, "the bundled plan's units are shipped: no registry is built"
        assert "yaml" in loaded

    @pytest.mark.parametrize("args", [["--help"], ["check", "--help"]])
    def test_help(self, args: list[str]) -> None:
        loaded, registry = _probe(_CLI.format(args=args))
        assert _present(loaded, (*NEVER_FOR_A_CHECK, "yaml")) == []
        assert not registry

    def test_a_unit_outside_the_table_builds_the_registry(self) -> None:
        """pint is imported exactly when a unit the shipped table does not hold appears."""
        body = ("import qcrules\nplan = qcrules.compile_catalog(qcrules.load_catalog())\n"
                "report = qcrules.evaluate(plan, {'gdp-per-capita': '850 yuan/person'})\n"
                "assert report['gdp-per-capita'].status is qcrules.Status.NOT_MET")
        loaded, registry = _probe(body)
        assert "pint" in loaded
        assert registry

    def test_a_catalogue_declaring_a_unit_builds_the_registry(self) -> None:
        """A catalogue's own ``units:`` are pint's to read: declared units are not shipped."""
        body = ("import qcrules\n"
                f"plan = qcrules.compile_catalog(qcrules.loads_catalog({PORT!r}))\n"
                "report = qcrules.evaluate(plan, {'teu': '52万标箱'})\n"
                "assert report['teu'].status is qcrules.Status.MET")
        loaded, registry = _probe(body)
        assert "pint" in loaded
        assert registry


#: A county's port targets, in a unit the catalogue declares (标箱, twenty-foot containers).
PORT = """\
qcrules: 1
catalog: {id: port, title: 某县港口发展实施方案}
units:
  标箱: item
  万标箱: 10000 标箱
rules:
  - id: teu
    indicator: {zh: 集装箱吞吐量, unit: 万标箱, min: 0标箱}
    kind: floor
    target: 达到50万标箱
    commitment: strive
    deadline: 2027
    clause: 二(一)1
    quote: 力争集装箱吞吐量达到50万标箱
    lead: [县交通运输局]
"""
