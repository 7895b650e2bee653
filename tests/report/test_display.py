"""Numbers as people write them: tables round for display, JSON and explanations stay exact.

One rule for the text table, Markdown and HTML (and the progress table): a value with at most
three decimals is shown as it is; a longer one to four significant digits; a count or a rank
to a whole number. Rounding is GB/T 8170 (half to even) and never touches a verdict.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import qcrules
from qcrules.cli import main
from qcrules.report.explain import display_number

ROOT = Path(__file__).parents[2]
Y2024 = str(ROOT / "examples" / "tongcheng-2024.yaml")
Y2026 = str(ROOT / "examples" / "tongcheng-2026.yaml")


class TestDisplayNumber:
    @pytest.mark.parametrize(("value", "shown"), [
        (Fraction("97.8"), "97.8"),                 # as published
        (Fraction("0.125"), "0.125"),               # three decimals: still as it is
        (Fraction(392, 27), "14.52"),               # 14.518518… 件/万人
        (Fraction("8.188741241"), "8.189"),
        (Fraction("0.0112587589"), "0.01126"),      # significant digits below one
        (Fraction("123456.7891"), "123457"),        # every whole digit kept
        (Fraction("-2.59259259"), "-2.593"),
        (Fraction("2.0004999"), "2"),               # trailing zeros dropped
        (Fraction(0), "0"),
    ])
    def test_significant_digits(self, value: Fraction, shown: str) -> None:
        assert display_number(value) == shown

    @pytest.mark.parametrize(("value", "shown"), [
        (Fraction(34, 3), "11"), (Fraction(494, 3), "165"), (Fraction(329, 2), "164"),
        (Fraction(331, 2), "166"),
    ])
    def test_whole_numbers(self, value: Fraction, shown: str) -> None:
        """A rank or a count to a whole number, half to even (164.5 → 164, 165.5 → 166)."""
        assert display_number(value, whole=True) == shown


def invoke(*args: str) -> str:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def row(text: str, rule_id: str) -> str:
    return next(line for line in text.splitlines() if f" {rule_id} " in line)



class TestTables:
    def test_text_table(self) -> None:
        out = invoke("check", Y2026)
        patents = row(out, "invention-patents-per-10k")
        assert "14.52件/万人" in patents
        assert "+0.5185" in patents
        assert "14.518519" not in patents
        assert "27.41个/千人" in row(out, "enterprises-per-1k")

    def test_progress_table(self) -> None:
        """The value expected of a rank is a whole place (11位, not 11.333333位)."""
        out = invoke("progress", Y2024, Y2026)
        rank = row(out, "county-gdp-rank")
        assert "11位" in rank
        assert "11.33" not in rank
        assert "3.2%" in row(out, "rd-intensity")

    def test_markdown_and_html(self, tmp_path: Path) -> None:
        """The table cells are rounded; the explanation under them keeps the exact value."""
        invoke("report", Y2026, "-o", str(tmp_path / "r.md"))
        markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
        cells = row(markdown, "`invention-patents-per-10k`")
        assert "| 14.52件/万人 |" in cells
        assert "+0.5185" in cells
        assert "14.518519件/万人" in markdown        # the explanation, exact
        invoke("report", Y2026, "-o", str(tmp_path / "r.html"))
        page = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert '<td class="num observed" data-label="实际值">14.52件/万人</td>' in page
        assert '<td class="num gap" data-label="余量/差距">+0.5185件/万人 (+3.7%)</td>' in page

    def test_exact_values_stay_in_json_and_steps(self) -> None:
        data = json.loads(invoke("check", Y2026, "--format", "json"))
        patents = next(v for v in data["verdicts"] if v["rule_id"] == "invention-patents-per-10k")
        assert patents["value"] == "14.518518518519"
        assert any("14.518519件/万人" in step for step in patents["explanation"]["steps"])

    def test_display_never_changes_a_verdict(self) -> None:
        """8.49996万元/人 shows as 8.5 in the table yet misses 8.5: the verdict is exact."""
        plan = qcrules.compile_catalog(qcrules.load_catalog())
        report = qcrules.evaluate(plan, {"gdp-per-capita": "8.49996万元/人"})
        assert report["gdp-per-capita"].status is qcrules.Status.NOT_MET
        assert "8.5万元/人" in row(qcrules.render(report, "text"), "gdp-per-capita")


# -- display widths: kept by text, the same as counting each character -----------------------

def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """Shortening by its definition: characters while the text with the next one and the
    ellipsis still fits."""
    if _columns(text) <= width:
        return text
    out = ""
    for ch in text:
        if _columns(out + ch) > width - 1:
            return out + "…"
        out += ch
    return out


_WIDTH_TEXTS = st.text(alphabet=st.sampled_from("ab1 %·…人均地区生产总值ＡＢ１，。·ｱｲ🙂\u0301"),
                       max_size=30)


@given(_WIDTH_TEXTS, st.integers(min_value=0, max_value=40))
def test_widths_and_shortening_count_each_character(text: str, width: int) -> None:
    from qcrules.report.cells import pad, shorten, text_width

    assert text_width(text) == _columns(text)
    assert text_width(text) == _columns(text)  # read again, from what was kept
    assert shorten(text, width) == _cut(text, width)
    assert pad(text, width) == text + " " * max(0, width - _columns(text))
