"""The command line's conventions: `-` for standard input and output, --fail-on, one error style
for usage errors, validate on the wrong file or a folder, colour, the table's width and the CSV
byte-order mark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import catalog_text, rule_yaml
from qcrules.cli import main, run
from qcrules.cli.streams import sniff_format

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
RULES = str(DATA / "mini.yaml")
FACTS = str(DATA / "mini-facts.yaml")
BOM = "\ufeff"


def invoke(*args: str, stdin: str | bytes | None = None,
           env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args), input=stdin)
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


class TestDashForStandardOutput:
    """`-o -` is standard output, never a file named `-`."""

    def test_check(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)
        code, out, _ = invoke("check", FACTS, "-r", RULES, "-o", "-", "-f", "json")
        assert code == 1
        assert json.loads(out)["schema"] == "qcrules-report/1"
        assert not (tmp_path / "-").exists()

    def test_report_needs_a_format_and_keeps_stdout_for_the_report(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The report alone on standard output, its summary line on standard error."""
        monkeypatch.chdir(tmp_path)
        code, out, err = invoke("report", FACTS, "-r", RULES, "-o", "-", "-f", "json")
        assert code == 1
        assert json.loads(out)["counts"]["status"]["met"] == 5
        assert "- (json): 共 10 项" in err
        assert not (tmp_path / "-").exists()
        code, out, err = invoke("report", FACTS, "-r", RULES, "-o", "-")
        assert (code, out) == (2, "")
        assert "QC404" in err
        assert "got standard output" in err

    def test_progress_writes_a_file(self, tmp_path: Path) -> None:
        """progress -o FILE writes the series to the file, nothing to standard output."""
        target = tmp_path / "series.json"
        code, out, _ = invoke("progress", str(ROOT / "examples" / "tongcheng-series.csv"),
                              "-f", "json", "-o", str(target))
        assert (code, out) == (0, "")
        assert json.loads(target.read_text(encoding="utf-8"))


class TestDashForStandardInput:
    """A FACTS argument `-` reads standard input, its format given or sniffed."""

    @pytest.mark.parametrize(("text", "input_format"), [
        ("facts:\n  pass-rate: 99%\n  award: 0\n", None),
        ('{"facts": {"pass-rate": "99%", "award": 0}}', None),
        ('[facts]\npass-rate = "99%"\naward = 0\n', None),
        ("指标,数值\npass-rate,99%\naward,0\n", None),
        ("指标,数值\npass-rate,99%\naward,0\n", "csv"),
    ], ids=["yaml", "json", "toml", "csv", "csv-given"])
    def test_formats(self, text: str, input_format: str | None) -> None:
        """Every format reads the same two facts: the 确保 target met, exit 0."""
        extra = ["--input-format", input_format] if input_format else []
        code, out, err = invoke("check", "-", "-r", RULES, "-f", "json", *extra, stdin=text)
        assert (code, err) == (0, "")
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert (verdicts["pass-rate"]["status"], verdicts["pass-rate"]["value"]) == ("met", "99")
        assert (verdicts["award"]["status"], verdicts["award"]["value"]) == ("not_met", "0")

    def test_beside_a_file(self, tmp_path: Path) -> None:
        """`-` and a file together are one fact set."""
        other = tmp_path / "award.yaml"
        other.write_text("facts:\n  award: 0\n", encoding="utf-8")
        code, out, _ = invoke("check", "-", str(other), "-r", RULES, "-f", "json",
                              stdin="facts:\n  pass-rate: 97%\n")
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert (code, verdicts["pass-rate"]["value"], verdicts["award"]["value"]) == (1, "97", "0")

    def test_problems_are_located_in_stdin(self) -> None:
        """A bad value is located <stdin>:LINE, not in a temporary file."""
        code, _, err = invoke("check", "-", "-r", RULES, stdin="指标,数值\npass-rate,130%\n")
        assert code == 2
        assert "error: <stdin>:2: QC302 rule pass-rate" in err
        assert "qcrules-stdin" not in err

    def test_empty_and_twice(self) -> None:
        code, _, err = invoke("check", "-", "-r", RULES, stdin="")
        assert (code, "QC152" in err) == (2, True)
        code, _, err = invoke("check", "-", "-", "-r", RULES, stdin="facts: {}\n")
        assert (code, "standard input given twice" in err) == (2, True)

    def test_explain_reads_stdin(self) -> None:
        code, out, _ = invoke("explain", "pass-rate", "-", "-r", RULES,
                              stdin="facts:\n  pass-rate: 97.8%\n")
        assert code == 0
        assert "抽检合格率 97.8%，未达到目标" in out

    @pytest.mark.parametrize(("data", "fmt"), [
        (b"PK\x03\x04rest", "xlsx"), (b'{"facts": {}}', "json"), (b"[facts]\na = 1\n", "toml"),
        (b"a = 1\n", "toml"), (b"# comment\nfacts:\n  a: 1\n", "yaml"), (b"- id: a\n", "yaml"),
        ("指标名称,数值,单位\n人均GDP,8,万元/人\n".encode(), "csv"),
        ("指标,时期\n人均GDP: 口径,2026\n".encode(), "csv"),
    ])
    def test_sniffing(self, data: bytes, fmt: str) -> None:
        assert sniff_format(data) == fmt


class TestFailOn:
    """--fail-on names the states that fail a run; --strict is its shorthand for every miss."""

    @pytest.fixture
    def facts(self, tmp_path: Path) -> str:
        """Both ensure targets met, a strive target missed, the rest unknown."""
        path = tmp_path / "f.yaml"
        path.write_text("facts:\n  pass-rate: 99%\n  award: 0\n  gdp-per-capita: 8万元/人\n",
                        encoding="utf-8")
        return str(path)

    @pytest.mark.parametrize(("options", "code"), [
        ((), 0),
        (("--fail-on", "violation"), 0),
        (("--fail-on", "unknown"), 1),
        (("--fail-on", "shortfall"), 1),
        (("--fail-on", "miss"), 0),
        (("--fail-on", "invalid"), 0),
        (("--fail-on", "violation", "--fail-on", "unknown"), 1),
        (("--strict",), 1),
        (("--fail-on", "none", "--strict"), 1),
        (("--fail-on", "none"), 0),
    ])
    def test_check(self, facts: str, options: tuple[str, ...], code: int) -> None:
        assert invoke("check", facts, "-r", RULES, *options)[0] == code

    def test_a_violation_passes_with_none(self) -> None:
        assert invoke("check", FACTS, "-r", RULES)[0] == 1
        assert invoke("check", FACTS, "-r", RULES, "--fail-on", "none")[0] == 0
        assert invoke("check", FACTS, "-r", RULES, "--fail-on", "shortfall")[0] == 1

    def test_report(self, facts: str, tmp_path: Path) -> None:
        out = str(tmp_path / "r.json")
        assert invoke("report", facts, "-r", RULES, "-o", out)[0] == 0
        assert invoke("report", facts, "-r", RULES, "-o", out, "--fail-on", "unknown")[0] == 1

    def test_watch(self, facts: str) -> None:
        """watch takes the same states; --strict and unknown fail at the end of input."""
        line = '{"id": "quality-index", "value": 91}\n'
        assert invoke("watch", facts, "-r", RULES, stdin=line)[0] == 0
        assert invoke("watch", facts, "-r", RULES, "--strict", stdin=line)[0] == 1
        assert invoke("watch", facts, "-r", RULES, "--fail-on", "unknown", stdin=line)[0] == 1
        assert invoke("watch", facts, "-r", RULES, "--fail-on", "violation", stdin=line)[0] == 0

    def test_watch_invalid(self) -> None:
        """An unusable value in a line is skipped with its error; --fail-on invalid fails."""
        line = '{"id": "pass-rate", "value": "130%"}\n'
        code, _, err = invoke("watch", "-r", RULES, "--fail-on", "invalid", stdin=line)
        assert (code, "QC302" in err) == (1, True)
        assert invoke("watch", "-r", RULES, stdin=line)[0] == 0


class TestUsageErrors:
    """click's usage errors are one `error: QC409 usage: …` line, exit 2, like any other."""

    @pytest.mark.parametrize(("args", "fragment"), [
        (("check", FACTS, "--frob"), "No such option '--frob'; see '"),
        (("check", FACTS, "-f", "pdf"), "Invalid value for '--format' / '-f': 'pdf'"),
        (("check",), "Missing argument 'FACTS...'"),
        (("chekc",), "No such command 'chekc'"),
        (("check", FACTS, "--fail-on", "sometimes"), "Invalid value for '--fail-on'"),
    ])
    def test_one_line_with_a_code(self, args: tuple[str, ...], fragment: str) -> None:
        code, out, err = invoke(*args)
        assert (code, out) == (2, "")
        assert err.startswith("error: QC409 usage: ")
        assert fragment in err
        assert "Usage:" not in err
        assert len(err.splitlines()) == 1

    def test_run_returns_the_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(["check", "--frob"]) == 2
        assert capsys.readouterr().err.startswith("error: QC409 usage: No such option")
        assert run(["--help"]) == 0

    def test_console_script(self) -> None:
        """The installed command prints the same line and exits 2."""
        done = subprocess.run([sys.executable, "-m", "qcrules.cli", "check", "--frob"],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 2
        assert done.stderr.startswith("error: QC409 usage: No such option '--frob'")


class TestValidate:
    def test_a_facts_file_says_so(self) -> None:
        """A facts file is one QC157 line suggesting check, not a list of unknown fields."""
        path = str(ROOT / "examples" / "tongcheng-2026.yaml")
        code, _, err = invoke("validate", path)
        assert code == 2
        assert err.strip() == (f"error: {path}: QC157 this is a facts file, not a catalogue "
                               "(expected a catalogue (rules:); got facts); did you mean "
                               f"'qcrules check {path}'?")

    def test_a_csv_facts_file(self) -> None:
        code, _, err = invoke("validate", str(ROOT / "examples" / "tongcheng-series.csv"))
        assert (code, "QC157" in err) == (2, True)

    def test_a_folder(self, tmp_path: Path) -> None:
        """A folder is searched for catalogues; tests files and fact files in it are passed over."""
        folder = tmp_path / "plans"
        (folder / "sub").mkdir(parents=True)
        (folder / "a.yaml").write_text(catalog_text(rule_yaml()), encoding="utf-8")
        (folder / "sub" / "b.yml").write_text(catalog_text(rule_yaml(id="s")), encoding="utf-8")
        (folder / "a.tests.yaml").write_text("qcrules-tests: 1\ncases: []\n", encoding="utf-8")
        (folder / "2026.yaml").write_text("facts:\n  r: 99%\n", encoding="utf-8")
        code, out, err = invoke("validate", str(folder))
        assert (code, err) == (0, "")
        assert out.splitlines() == [f"{folder / 'a.yaml'}: ok, 1 rules",
                                    f"{folder / 'sub' / 'b.yml'}: ok, 1 rules"]
        (folder / "bad.yaml").write_text("qcrules: 1\nrules: [\n", encoding="utf-8")
        code, _, err = invoke("validate", str(folder))
        assert (code, "QC100" in err) == (2, True)

    def test_the_bundled_rules_folder(self) -> None:
        code, out, _ = invoke("validate", str(ROOT / "rules"))
        assert code == 0
        assert out.startswith(f"{ROOT / 'rules' / 'tongcheng-2025-2027.yaml'}: ok, 44 rules")

    def test_a_folder_without_catalogues(self, tmp_path: Path) -> None:
        code, _, err = invoke("validate", str(tmp_path))
        assert (code, "QC158 no catalogue files in the directory" in err) == (2, True)


class TestColour:
    """--color decides; with auto, NO_COLOR, then FORCE_COLOR, then the terminal."""

    @pytest.mark.parametrize(("options", "env", "coloured"), [
        ((), {}, False),                               # not a terminal
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "0"}, False),
        ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--colour", "always"), {}, True),
    ])
    def test_choice(self, options: tuple[str, ...], env: dict[str, str], coloured: bool,
                    monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        _, out, _ = invoke("check", FACTS, "-r", RULES, *options, env=env)
        assert ("\x1b[" in out) is coloured

    def test_a_file_is_never_coloured(self, tmp_path: Path) -> None:
        target = tmp_path / "r.txt"
        invoke("check", FACTS, "-r", RULES, "--color", "always", "-o", str(target))
        assert "\x1b[" not in target.read_text(encoding="utf-8")


LONG = "规模以上工业企业新产品销售收入占主营业务收入比重"   # 24 characters, 48 columns wide


class TestTableWidth:
    """The indicator column is cut only to fit a terminal, never in a file or a pipe."""

    @pytest.fixture
    def long_rules(self, tmp_path: Path) -> str:
        path = tmp_path / "long.yaml"
        path.write_text(catalog_text(rule_yaml(indicator={"zh": LONG, "unit": "%"})),
                        encoding="utf-8")
        return str(path)

    def test_never_cut_into_a_pipe_or_a_file(self, long_rules: str, tmp_path: Path) -> None:
        _, out, _ = invoke("check", "-", "-r", long_rules, stdin="facts:\n  r: 99%\n")
        assert f"✔  r     {LONG}  99%" in out
        target = tmp_path / "t.txt"
        invoke("check", "-", "-r", long_rules, "-o", str(target), stdin="facts:\n  r: 99%\n")
        assert LONG in target.read_text(encoding="utf-8")

    def test_fits_a_terminal(self, long_rules: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """On a terminal 60 columns wide the table's lines fit, the name cut with …."""
        from qcrules.cli import commands
        from qcrules.report.cells import text_width

        monkeypatch.setattr(commands, "terminal_width", lambda: 60)
        _, out, _ = invoke("check", "-", "-r", long_rules, stdin="facts:\n  r: 99%\n")
        table = out.splitlines()[1:3]
        assert all(text_width(line) <= 60 for line in table)
        assert "…" in table[1]
        assert LONG not in out.split("\n\n")[0]

    def test_terminal_width_is_none_off_a_terminal(self) -> None:
        from qcrules.cli.streams import terminal_width

        assert terminal_width() is None   # pytest captures standard output


class TestCsvBom:
    """A CSV file gets a byte-order mark, a pipe none; --bom and --no-bom decide."""

    def test_file(self, tmp_path: Path) -> None:
        target = tmp_path / "r.csv"
        invoke("report", FACTS, "-r", RULES, "-o", str(target))
        assert target.read_bytes().startswith(BOM.encode())
        invoke("report", FACTS, "-r", RULES, "-o", str(target), "--no-bom")
        assert target.read_bytes().startswith(b"rule_id,")
        invoke("check", FACTS, "-r", RULES, "-f", "csv", "-o", str(target), "--no-bom")
        assert target.read_bytes().startswith(b"rule_id,")

    def test_pipe(self) -> None:
        _, out, _ = invoke("check", FACTS, "-r", RULES, "-f", "csv")
        assert out.startswith("rule_id,")
        _, out, _ = invoke("check", FACTS, "-r", RULES, "-f", "csv", "--bom")
        assert out.startswith(BOM + "rule_id,")

    def test_standard_output_redirected_into_a_file(self, tmp_path: Path) -> None:
        """`> report.csv` gets the mark a spreadsheet program needs; --no-bom leaves it out."""
        target = tmp_path / "r.csv"
        command = [sys.executable, "-m", "qcrules.cli", "check", FACTS, "-r", RULES, "-f", "csv"]
        with target.open("wb") as out:
            subprocess.run(command, stdout=out, check=False)
        assert target.read_bytes().startswith(BOM.encode() + b"rule_id,")
        with target.open("wb") as out:
            subprocess.run([*command, "--no-bom"], stdout=out, check=False)
        assert target.read_bytes().startswith(b"rule_id,")
        piped = subprocess.run(command, capture_output=True, check=False)
        assert piped.stdout.startswith(b"rule_id,")


class TestDurableMissing:
    """--engine durable where durable_rules cannot be imported: QC408, exit 2, no traceback."""

    def test_clean_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in ("qcrules.durable.engine", "qcrules.durable.host"):
            monkeypatch.delitem(sys.modules, name, raising=False)
        monkeypatch.setitem(sys.modules, "durable", None)
        monkeypatch.setitem(sys.modules, "durable.lang", None)
        monkeypatch.setitem(sys.modules, "durable_rules_engine", None)
        code, out, err = invoke("check", FACTS, "-r", RULES, "--engine", "durable")
        assert (code, out) == (2, "")
        assert err.startswith("error: QC408 field engine: the durable engine is not available "
                              "(expected durable_rules installed and importable (it supports "
                              "Python 3.11 and 3.12); got ")
        assert "use --engine native" in err
        code, _, err = invoke("watch", "-r", RULES, "--engine", "durable", stdin="")
        assert (code, "QC408" in err) == (2, True)


def test_problems_are_printed_in_file_order(tmp_path: Path) -> None:
    """Problems found in catalogue order (pass-rate before award) print by line: 4, then 5."""
    facts = tmp_path / "f.yaml"
    facts.write_text("qcrules-facts: 1\nperiod: 2026\nfacts:\n  award: 1.5\n  pass-rate: 130%\n",
                     encoding="utf-8")
    code, _, err = invoke("check", str(facts), "-r", RULES)
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2
    assert [line.split(":")[2] for line in lines] == ["4", "5"]
    assert ("QC303" in lines[0], "QC302" in lines[1]) == (True, True)


class TestSignOfLife:
    """A spinner on standard error while the work goes on: on a terminal only, not --quiet."""

    def test_none_off_a_terminal(self) -> None:
        code, _, err = invoke("check", FACTS, "-r", RULES)
        assert (code, err) == (1, "")

    def test_on_a_terminal_and_cleared(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """On a terminal the spinner names the work on standard error; stdout is the report."""
        from qcrules.cli import activity

        monkeypatch.setattr(activity, "_stderr_is_terminal", lambda: True)
        code, out, err = invoke("check", FACTS, "-r", RULES, "-f", "json")
        assert code == 1
        assert json.loads(out)["schema"] == "qcrules-report/1"
        assert "reading the catalogue and the facts" in err
        assert "evaluating" in err
        code, out, err = invoke("progress", str(ROOT / "examples" / "tongcheng-series.csv"),
                                "-f", "json")
        assert (code, "evaluating every period" in err) == (0, True)

    def test_quiet(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from qcrules.cli import activity

        monkeypatch.setattr(activity, "_stderr_is_terminal", lambda: True)
        for args in (("check", FACTS, "-r", RULES, "-q"),
                     ("report", FACTS, "-r", RULES, "-o", "-", "-f", "json", "--quiet")):
            _, _, err = invoke(*args)
            assert "reading" not in err


def test_progress_baseline_is_a_file(tmp_path: Path) -> None:
    """progress --baseline takes a file, as check does; a period there says what to write."""
    series = str(ROOT / "examples" / "tongcheng-series.csv")
    code, _, err = invoke("progress", series, "--baseline", "2025")
    assert code == 2
    assert err.strip() == ("error: 2025: QC150 field baseline: file not found (expected a fact "
                           "file of the baseline period); for a period, use --baseline-period 2025")
    code, out, _ = invoke("progress", str(ROOT / "examples" / "tongcheng-2026.yaml"),
                          "--baseline", str(ROOT / "examples" / "tongcheng-2024.yaml"), "-f", "json")
    assert code == 0
    assert json.loads(out)["baseline_period"] == "2024"


@pytest.mark.parametrize("args", [(), ("rules",)])
def test_a_group_alone_shows_its_help(args: tuple[str, ...]) -> None:
    """`qcrules` or `qcrules rules` with no command: the help (exit 2), not an error line."""
    code, out, err = invoke(*args)
    assert (code, out) == (2, "")
    assert err.startswith("Usage: ")
    assert "QC409" not in err
    assert "Commands:" in err
