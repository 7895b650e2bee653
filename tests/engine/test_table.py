"""The vectorised table path gives exactly the one-at-a-time verdicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules import Status
from qcrules.engine import table as table_module
from qcrules.engine.table import STATUS_ORDER

DATA = Path(__file__).parents[1] / "data"
PLAN = qcrules.compile_catalog(qcrules.load_catalog(DATA / "mini.yaml"))

# Values chosen on and around every threshold of the mini plan, plus odd ones.
NEAR = {
    "gdp-per-capita": [85000.0, 84999.99, 85000.01, 90000, -1.0, 0.0],
    "抽检合格率": [0.98, 0.9799999999, 0.98000001, 1.2, 0.5, 1.0],
    "death-rate.deaths": [12, 6, 0, -1, 5.5],
    "地区生产总值": [600, 1200, 0, 1e-300],
    "teacher-ratio": [12.5, 12.500000001, 13.0, 0.0],
    "award": [0, 1, 2, 0.5, -1],
    "pilot": [True, False, 1, 0, 2],
    "equipment-death-rate": [0.4, 0.42, 0.43],
    "equipment-death-rate.province-average": [0.42, -0.1, 0.4],
    "energy-drop": [0.032, 0.03, 3.2],
    "energy-drop.assigned": [0.032, 3.2],
    "gdp-rank": [10, 11, 8, 0, 10.5],
    "quality-index": [89.95, 89.85, 90.05, 89.94999, 89.949999999999],
}
UNITS = {"gdp-per-capita": "元/人", "地区生产总值": "亿元"}


def _column(values: list[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.sampled_from(values), st.none(),
                     st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


tables = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.fixed_dictionaries(
        {key: st.lists(_column(values), min_size=n, max_size=n) for key, values in NEAR.items()}))


class TestAgreement:
    """Every row's status equals the exact path's, wherever the values sit."""

    @given(tables)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_identical_to_one_at_a_time(self, table: dict[str, list[object]]) -> None:
        """Float decisions are only taken where certain; the rest go to the exact path."""
        result = qcrules.evaluate_table(PLAN, table, units=UNITS)
        for row in range(result.rows):
            report = qcrules.evaluate(PLAN, result.fact_set(row))
            for verdict in report:
                assert result.statuses(verdict.rule_id)[row] is verdict.status, (
                    row, verdict.rule_id, {k: v[row] for k, v in table.items()})

    def test_numpy_columns_and_missing(self) -> None:
        """NumPy arrays work and NaN means missing (the data-frame convention)."""
        table = {"gdp-per-capita": np.array([8.5, np.nan, 8.4])}
        result = qcrules.evaluate_table(PLAN, table, units={"gdp-per-capita": "万元/人"})
        assert [s.value for s in result.statuses("gdp-per-capita")] == [
            "met", "unknown", "not_met"]
        assert result.counts()[qcrules.Status.UNKNOWN] == 9 * 3 + 1

    def test_string_columns_take_the_exact_path(self) -> None:
        """Quantity strings are accepted and read exactly."""
        table = {"gdp-per-capita": ["85000元/人", "8.4万元/人"], "teacher-ratio": ["1:12.5", "1∶13"]}
        result = qcrules.evaluate_table(PLAN, table)
        assert [s.value for s in result.statuses("gdp-per-capita")] == ["met", "not_met"]
        assert [s.value for s in result.statuses("teacher-ratio")] == ["met", "not_met"]

    def test_report_for_a_row(self) -> None:
        """A row's full report, explanations included, comes from the exact path."""
        result = qcrules.evaluate_table(PLAN, {"gdp-per-capita": [85000.0]},
                                        units={"gdp-per-capita": "元/人"})
        verdict = result.report(0)["gdp-per-capita"]
        assert verdict.margin == 0
        assert STATUS_ORDER[result.codes["gdp-per-capita"][0]] is verdict.status

    def test_ragged_columns(self) -> None:
        """Columns of different lengths are an evaluation error, not a crash."""
        with pytest.raises(qcrules.EvaluationError, match="differ in length"):
            qcrules.evaluate_table(PLAN, {"award": [1, 2], "pilot": [True]})


class TestChunks:
    """A table is judged a chunk of rows at a time; where the chunks end changes nothing, and
    only rows within the noise band of a threshold or an edge go to the exact evaluator."""

    @given(tables)
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_chunk_edges_anywhere(self, table: dict[str, list[object]]) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(table_module, "CHUNK_ROWS", 3)
            chunked = qcrules.evaluate_table(PLAN, table, units=UNITS)
        whole = qcrules.evaluate_table(PLAN, table, units=UNITS)
        for row in range(chunked.rows):
            report = qcrules.evaluate(PLAN, chunked.fact_set(row))
            for verdict in report:
                assert chunked.statuses(verdict.rule_id)[row] is verdict.status, (
                    row, verdict.rule_id, {k: v[row] for k, v in table.items()})
        assert {k: list(v) for k, v in chunked.codes.items()} == \
            {k: list(v) for k, v in whole.codes.items()}

    def test_many_chunks_of_values_on_and_around_thresholds(self) -> None:
        """Values on every threshold and edge in other units, a hair either side, missing and
        out of range, over many chunks, against the exact path row by row."""
        rng = np.random.default_rng(7)
        size = 3 * 64 + 5
        table = {key: [values[i] for i in rng.integers(0, len(values), size)]
                 for key, values in NEAR.items()}
        for key in ("gdp-per-capita", "quality-index", "gdp-rank"):
            table[key] = np.array([np.nan if v is None else float(v) for v in table[key]])
            table[key][rng.random(size) < 0.1] = np.nan
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(table_module, "CHUNK_ROWS", 64)
            result = qcrules.evaluate_table(PLAN, table, units=UNITS)
        for row in range(size):
            report = qcrules.evaluate(PLAN, result.fact_set(row))
            for verdict in report:
                assert result.statuses(verdict.rule_id)[row] is verdict.status, (
                    row, verdict.rule_id)

    def test_only_rows_in_the_noise_band_are_decided_exactly(self) -> None:
        """A value a hair from 8.5 万元/人 (in 元/人) is rechecked exactly; values clearly above
        or below, missing ones and counts on their whole thresholds are not."""
        table = {"gdp-per-capita": np.array([85000.0, 84000.0, 86000.0, np.nan, 85000.000001,
                                             84999.99999999999]),
                 "gdp-rank": np.array([10.0, 11.0, 1.0, np.nan, 10.0, 3.0])}
        result = qcrules.evaluate_table(PLAN, table, units=UNITS)
        assert result.statuses("gdp-per-capita") == [
            Status.MET, Status.NOT_MET, Status.MET, Status.UNKNOWN, Status.MET, Status.NOT_MET]
        assert result.statuses("gdp-rank") == [
            Status.MET, Status.NOT_MET, Status.MET, Status.UNKNOWN, Status.MET, Status.MET]
        # rows 0 and 5 of gdp-per-capita sit in the band (row 4 is 1e-11 above it); each other
        # rule has no column: all unknown, nothing exact
        assert result.exact_rows == 2

    def test_memory_does_not_grow_with_the_table(self) -> None:
        """Beyond its columns and its codes, the table path holds a few chunks' worth."""
        import tracemalloc

        def peak(rows: int) -> int:
            values = np.random.default_rng(3).uniform(80000, 90000, rows)
            values[::97] = 85000.0  # on the threshold: rechecked exactly
            tracemalloc.start()
            try:
                result = qcrules.evaluate_table(PLAN, {"gdp-per-capita": values},
                                                units={"gdp-per-capita": "元/人"})
                _, top = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            return top - sum(codes.nbytes for codes in result.codes.values())

        small, large = peak(100_000), peak(800_000)
        assert large < small + 2 * 2**20, (small, large)


class TestOneFactInTwoColumns:
    """A table may carry an indicator under its id in one column and its Chinese name in
    another (two sources merged); each row reads the first that is not missing, as a fact set
    does — the vectorised path used to read the id column alone and call such rows unknown."""

    def test_each_row_reads_the_column_it_fills(self) -> None:
        table = {"gdp-per-capita": [None, 8.6, 8.4, None], "人均GDP": [8.6, None, 9.0, None]}
        result = qcrules.evaluate_table(PLAN, table, units={"gdp-per-capita": "万元/人",
                                                            "人均GDP": "万元/人"})
        assert result.statuses("gdp-per-capita") == [Status.MET, Status.MET, Status.INVALID,
                                                      Status.UNKNOWN]  # row 2: two values
        for row in range(4):
            facts = {k: v[row] for k, v in table.items() if v[row] is not None}
            native = qcrules.evaluate(PLAN, {k: f"{v}万元/人" for k, v in facts.items()})
            assert result.statuses("gdp-per-capita")[row] is native["gdp-per-capita"].status


class TestDataFrames:
    """Real data frames are read by position, with their nulls as missing values, whatever
    the library; a column that matches no rule is reported, never silently unknown."""

    def test_report_is_positional_on_a_sorted_frame(self) -> None:
        """On a sorted pandas frame, row i's report agrees with statuses()[i]."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"gdp-per-capita": [90000.0, 80000.0]}).sort_values(
            "gdp-per-capita")  # index labels now 1, 0
        result = qcrules.evaluate_table(PLAN, frame, units={"gdp-per-capita": "元/人"})
        assert result.statuses("gdp-per-capita") == [Status.NOT_MET, Status.MET]
        assert result.report(0)["gdp-per-capita"].status is Status.NOT_MET
        assert result.report(1)["gdp-per-capita"].status is Status.MET

    def test_report_on_a_string_index(self) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"gdp-per-capita": [8.6, 8.4]}, index=["桐城", "枞阳"])
        result = qcrules.evaluate_table(PLAN, frame, units={"gdp-per-capita": "万元/人"})
        assert [result.report(i)["gdp-per-capita"].status for i in range(2)] == [
            Status.MET, Status.NOT_MET]

    def test_a_filtered_series_in_a_dict(self) -> None:
        """A dict of filtered pandas series is read by position too."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"gdp-per-capita": [1.0, 8.6, 8.4]}).iloc[1:]
        result = qcrules.evaluate_table(PLAN, {"gdp-per-capita": frame["gdp-per-capita"]},
                                        units={"gdp-per-capita": "万元/人"})
        assert result.report(0)["gdp-per-capita"].status is Status.MET
        assert result.statuses("gdp-per-capita") == [Status.MET, Status.NOT_MET]

    @pytest.mark.parametrize("dtype", ["Float64", "Int64", "string"])
    def test_pandas_nullable_dtypes_are_missing(self, dtype: str) -> None:
        pd = pytest.importorskip("pandas")
        values = {"Float64": [85000.0, None], "Int64": [85000, None],
                  "string": ["85000元/人", None]}[dtype]
        frame = pd.DataFrame({"gdp-per-capita": pd.array(values, dtype=dtype)})
        units = {} if dtype == "string" else {"gdp-per-capita": "元/人"}
        result = qcrules.evaluate_table(PLAN, frame, units=units)
        assert result.statuses("gdp-per-capita") == [Status.MET, Status.UNKNOWN]
        assert result.report(1)["gdp-per-capita"].status is Status.UNKNOWN

    def test_polars_frame(self) -> None:
        pl = pytest.importorskip("polars")
        frame = pl.DataFrame({"gdp-per-capita": [85000.0, None, 84999.0],
                              "pilot": [True, None, False]})
        result = qcrules.evaluate_table(PLAN, frame, units={"gdp-per-capita": "元/人"})
        assert result.statuses("gdp-per-capita") == [Status.MET, Status.UNKNOWN, Status.NOT_MET]
        assert result.statuses("pilot") == [Status.MET, Status.UNKNOWN, Status.NOT_MET]

    def test_pyarrow_table(self) -> None:
        pa = pytest.importorskip("pyarrow")
        frame = pa.table({"gdp-per-capita": ["8.5万元/人", None, "84999元/人"]})
        result = qcrules.evaluate_table(PLAN, frame)
        assert result.statuses("gdp-per-capita") == [Status.MET, Status.UNKNOWN, Status.NOT_MET]

    def test_a_misspelt_column_is_reported_once(self) -> None:
        table = {"gdp-per-capta": [85000.0, 90000.0, 1.0]}
        with pytest.warns(qcrules.UnmatchedColumnWarning,
                          match=r"gdp-per-capta.*did you mean 'gdp-per-capita'") as caught:
            result = qcrules.evaluate_table(PLAN, table, units={"gdp-per-capta": "元/人"})
        assert len(caught) == 1
        assert [(d.code, d.fact_id) for d in result.diagnostics] == [("QC202", "gdp-per-capta")]

    def test_not_a_table(self) -> None:
        with pytest.raises(qcrules.UsageError, match="QC400"):
            qcrules.evaluate_table(PLAN, 42)
