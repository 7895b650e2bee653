"""evaluate_frame: a whole province in one call, in the caller's frame library, with every
status equal to the per-row engine's, boundary values in other units included."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules import Status

pd = pytest.importorskip("pandas")

DATA = Path(__file__).parents[1] / "data"
PLAN = qcrules.compile_catalog(qcrules.load_catalog(DATA / "mini.yaml"))

# A long table as an office keeps it: values on and around the thresholds (8.5万元/人,
# 98%, 1:12.5, 0.01人/亿元, 90分 rounded), many given in another unit than the rule's.
LONG_ROWS = [
    ("桐城", 2025, "人均GDP", 85000.0, "元/人", "市统计局"),
    ("桐城", 2025, "pass-rate", 0.98, None, "市市场监管局"),
    ("桐城", 2025, "生产安全事故死亡人数", 12.0, "人", None),
    ("桐城", 2025, "地区生产总值", 1200.0, "亿元", None),
    ("桐城", 2026, "人均GDP", 84999.99, "元/人", None),
    ("桐城", 2026, "pass-rate", 0.9799999999, None, None),
    ("桐城", 2026, "quality-index", 89.95, None, None),
    ("枞阳", 2025, "人均GDP", 85000.01, "元/人", None),
    ("枞阳", 2025, "pass-rate", None, None, None),        # a null: missing
    ("枞阳", 2025, "quality-index", 89.949999999999, None, None),
    ("枞阳", 2025, "award", 1.0, "项", None),
    ("枞阳", 2026, "人均GDP", 0.00085, "亿元/人", None),
    ("枞阳", 2026, "award", 0.5, "项", None),             # invalid: not a whole count
    ("枞阳", 2026, "生产安全事故死亡人数", 6.0, "人", None),
    ("枞阳", 2026, "地区生产总值", 600.0, "亿元", None),
    ("怀宁", 2026, "gdp-rank", 10.0, None, None),
]
COLUMNS = ["region", "period", "indicator", "value", "unit", "source"]
STRING_ROWS = [
    ("桐城", 2025, "人均GDP", "8.5万元/人"), ("桐城", 2025, "抽检合格率", "98%"),
    ("桐城", 2025, "teacher-ratio", "1:12.5"), ("枞阳", 2025, "人均GDP", "84999元/人"),
    ("枞阳", 2025, "teacher-ratio", "1∶13"), ("枞阳", 2025, "pilot", "是"),
]


def long_pandas() -> Any:
    return pd.DataFrame(LONG_ROWS, columns=COLUMNS)


def to_backend(frame: Any, backend: str) -> Any:
    """The same pandas frame in another library (real engines, no stand-ins)."""
    if backend == "pandas":
        return frame
    if backend == "pandas-nullable":
        return frame.convert_dtypes()
    if backend in {"polars", "polars-lazy"}:
        pl = pytest.importorskip("polars")
        out = pl.from_pandas(frame)
        return out.lazy() if backend == "polars-lazy" else out
    if backend == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(frame, preserve_index=False)
    if backend == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        pytest.importorskip("pyarrow")
        connection = duckdb.connect()
        connection.register("facts", frame)
        return connection.sql("select * from facts")
    if backend == "spark":
        types = {"f": "double", "i": "bigint"}
        schema = ", ".join(f"`{name}` {types.get(frame[name].dtype.kind, 'string')}"
                           for name in frame.columns)
        rows = [tuple(None if pd.isna(v) else getattr(v, "item", lambda v=v: v)() for v in row)
                for row in frame.itertuples(index=False)]
        return spark_session().createDataFrame(rows, schema=schema)
    if backend == "dask":
        dd = pytest.importorskip("dask.dataframe")
        return dd.from_pandas(frame, npartitions=2)
    raise AssertionError(backend)


_SPARK: list[Any] = []


def spark_session() -> Any:
    """One local Spark session for the test run (it takes seconds to start), or a skip."""
    if not _SPARK:
        pytest.importorskip("pyspark")
        import shutil

        if shutil.which("java") is None:
            pytest.skip("PySpark needs a Java runtime (java not found on PATH)")
        from pyspark.sql import SparkSession

        _SPARK.append(SparkSession.builder.master("local[1]").appName("qcrules-tests")
                      .config("spark.ui.enabled", "false")
                      .config("spark.sql.shuffle.partitions", "1").getOrCreate())
    return _SPARK[0]


BACKENDS = ["pandas", "pandas-nullable", "polars", "polars-lazy", "pyarrow", "duckdb", "dask",
            "spark"]
LAZY = {"polars-lazy", "duckdb", "dask", "spark"}


def as_pandas(result: Any) -> Any:
    """Any backend's result as pandas, to read it in the test."""
    import narwhals as nw

    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.to_pandas()


def per_row(rows: list[tuple[Any, ...]]) -> dict[tuple[str, int, str], Status]:
    """The per-row engine's status for each (region, period, rule)."""
    facts: dict[tuple[str, int], dict[str, Any]] = {}
    for region, period, indicator, value, *rest in rows:
        group = facts.setdefault((region, period), {})
        unit = rest[0] if rest else None
        if value is not None:
            group[indicator] = {"value": value, "unit": unit} if unit else value
    out = {}
    for (region, period), group in facts.items():
        report = qcrules.evaluate(PLAN, group)
        for verdict in report:
            out[region, period, verdict.rule_id] = verdict.status
    return out


def statuses(result: Any) -> dict[tuple[str, int, str], Status]:
    frame = as_pandas(result)
    return {(r.region, int(r.period), r.rule): Status(r.status) for r in frame.itertuples()}


@pytest.mark.parametrize("backend", BACKENDS)
class TestEveryBackend:
    def test_long_table_same_as_per_row(self, backend: str) -> None:
        """Values exactly on thresholds, in other units: 0 differences from evaluate()."""
        frame = to_backend(long_pandas(), backend)
        result = qcrules.evaluate_frame(PLAN, frame, layout="long")
        expected = per_row(LONG_ROWS)
        got = statuses(result)
        assert got == expected
        assert len(got) == 5 * len(PLAN.rules)  # one row per (region, period, rule)
        assert got["桐城", 2025, "gdp-per-capita"] is Status.MET       # 85000元/人 = 8.5万元/人
        assert got["枞阳", 2026, "gdp-per-capita"] is Status.MET       # 0.00085亿元/人 = 8.5万元/人
        assert got["桐城", 2026, "gdp-per-capita"] is Status.NOT_MET
        assert got["枞阳", 2025, "pass-rate"] is Status.UNKNOWN        # the null
        assert got["枞阳", 2026, "award"] is Status.INVALID

    def test_same_kind_of_frame_back(self, backend: str) -> None:
        """Eager in, eager out; lazy in, lazy out; in the same library."""
        import narwhals as nw

        frame = to_backend(long_pandas(), backend)
        result = qcrules.evaluate_frame(PLAN, frame, layout="long")
        back = nw.from_native(result)
        source = nw.from_native(frame)
        assert back.implementation is source.implementation
        assert isinstance(back, nw.LazyFrame) is (backend in LAZY)
        assert list(back.collect_schema().names()) == [
            "region", "period", *qcrules.frames.RESULT_COLUMNS]

    def test_wide_table_same_as_per_row(self, backend: str) -> None:
        """One row per region and period, one column per fact key, units per column."""
        wide = pd.DataFrame({
            "region": ["桐城", "枞阳", "怀宁", "潜山"], "period": [2026] * 4,
            "gdp-per-capita": [85000.0, 84999.99, None, 85000.000001],
            "抽检合格率": [0.98, 0.9799999999, 1.2, None],
            "quality-index": [89.95, 89.85, 90.05, 89.949999999999],
        })
        result = qcrules.evaluate_frame(PLAN, to_backend(wide, backend),
                                        units={"gdp-per-capita": "元/人"})
        rows = [(r, p, k, v, "元/人" if k == "gdp-per-capita" else None)
                for r, p, *vals in wide.itertuples(index=False)
                for k, v in zip(wide.columns[2:], vals, strict=True)]
        rows = [(r, p, k, None if pd.isna(v) else v, u) for r, p, k, v, u in rows]
        assert statuses(result) == per_row(rows)

    def test_strings_with_units(self, backend: str) -> None:
        """A value column of quantity strings ("8.5万元/人", "1:12.5") is read exactly."""
        frame = pd.DataFrame(STRING_ROWS, columns=["region", "period", "indicator", "value"])
        result = qcrules.evaluate_frame(PLAN, to_backend(frame, backend), layout="long")
        assert statuses(result) == per_row(STRING_ROWS)


class TestResultColumns:
    def test_value_threshold_margin_in_the_rules_unit(self) -> None:
        result = qcrules.evaluate_frame(PLAN, long_pandas(), layout="long")
        row = result[(result.region == "枞阳") & (result.period == 2026)
                     & (result.rule == "gdp-per-capita")].iloc[0]
        assert (row.status, row.severity, row.unit) == ("met", "none", "万元/人")
        assert (row.value, row.threshold, row.margin) == (8.5, 8.5, 0.0)
        assert (row.commitment, row.clause, row.indicator) == ("strive", "二(一)1", "人均GDP")
        miss = result[(result.region == "桐城") & (result.period == 2026)
                      & (result.rule == "pass-rate")].iloc[0]
        assert (miss.status, miss.severity) == ("not_met", "violation")  # 确保: a violation
        bad = result[(result.region == "枞阳") & (result.period == 2026)
                     & (result.rule == "award")].iloc[0]
        assert bad.code == "QC303"

    def test_without_details_the_statuses_stay(self) -> None:
        full = qcrules.evaluate_frame(PLAN, long_pandas(), layout="long")
        fast = qcrules.evaluate_frame(PLAN, long_pandas(), layout="long", details=False)
        assert list(fast.status) == list(full.status)
        assert fast.value.isna().all()


class TestProblems:
    def test_unknown_indicator_reported_once_with_did_you_mean(self) -> None:
        frame = pd.DataFrame([("桐城", 2026, "gdp-per-capta", 9.0),
                              ("枞阳", 2026, "gdp-per-capta", 8.0)],
                             columns=["region", "period", "indicator", "value"])
        with pytest.warns(qcrules.UnmatchedColumnWarning,
                          match=r"gdp-per-capta.*did you mean 'gdp-per-capita'") as caught:
            result = qcrules.evaluate_frame(PLAN, frame, layout="long")
        assert len(caught) == 1
        assert set(result.status) == {"unknown"}

    def test_unknown_wide_column_reported_once(self) -> None:
        frame = pd.DataFrame({"region": ["桐城"], "period": [2026], "抽检合格律": [0.99]})
        with pytest.warns(qcrules.UnmatchedColumnWarning, match="did you mean '抽检合格率'"):
            qcrules.evaluate_frame(PLAN, frame)

    def test_known_columns_do_not_warn(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            qcrules.evaluate_frame(PLAN, long_pandas(), layout="long")

    def test_missing_key_column(self) -> None:
        frame = pd.DataFrame({"regoin": ["桐城"], "period": [2026], "award": [1]})
        with pytest.raises(qcrules.UsageError, match=r"QC411.*did you mean .regoin."):
            qcrules.evaluate_frame(PLAN, frame)

    def test_other_keys(self) -> None:
        frame = pd.DataFrame({"县": ["桐城", "枞阳"], "award": [1, 0]})
        result = qcrules.evaluate_frame(PLAN, frame, keys=("县",))
        assert list(result[result.rule == "award"].status) == ["met", "not_met"]

    def test_conflicting_values(self) -> None:
        frame = pd.DataFrame([("桐城", 2026, "award", 1), ("桐城", 2026, "award", 2)],
                             columns=["region", "period", "indicator", "value"])
        with pytest.raises(qcrules.FactError, match=r"QC204.*award"):
            qcrules.evaluate_frame(PLAN, frame, layout="long")

    def test_not_a_frame_and_unknown_layout(self) -> None:
        with pytest.raises(qcrules.UsageError, match="QC400"):
            qcrules.evaluate_frame(PLAN, [1, 2])
        with pytest.raises(qcrules.UsageError, match=r"QC411.*layout"):
            qcrules.evaluate_frame(PLAN, long_pandas(), layout="tall")


# Thresholds of the mini plan, each with units it may be given in and the factor from the
# rule's unit to that unit (values are drawn on, a hair beside and around the threshold).
MENU = {
    "gdp-per-capita": (8.5, [("万元/人", 1.0), ("元/人", 1e4), ("亿元/人", 1e-4)]),
    "抽检合格率": (98.0, [("%", 1.0), (None, 0.01), ("‰", 10.0)]),
    "quality-index": (90.0, [(None, 1.0)]),
    "award": (1.0, [("项", 1.0), (None, 1.0)]),
    "gdp-rank": (10.0, [(None, 1.0)]),
}
OFFSETS = [0.0, 0.0, 1e-13, -1e-13, 1e-9, -1e-9, 0.001, -0.0005, 0.05, -0.3]


@st.composite
def long_tables(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    rows = []
    for region in draw(st.lists(st.sampled_from(["桐城", "枞阳", "怀宁"]), min_size=1,
                                max_size=3, unique=True)):
        for period in draw(st.lists(st.sampled_from([2025, 2026]), min_size=1, unique=True)):
            for indicator in draw(st.lists(st.sampled_from(sorted(MENU)), unique=True)):
                threshold, units = MENU[indicator]
                unit, factor = draw(st.sampled_from(units))
                value = draw(st.one_of(st.none(), st.sampled_from(OFFSETS).map(
                    lambda o, t=threshold, f=factor: t * (1 + o) * f)))
                rows.append((region, period, indicator, value, unit))
    return rows


class TestAgreementOnRandomTables:
    """Random long tables around every threshold, in mixed units: every backend gives the
    per-row engine's statuses."""

    @given(long_tables())
    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    def test_every_backend_agrees(self, rows: list[tuple[Any, ...]]) -> None:
        frame = pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "unit"])
        frame["value"] = frame["value"].astype("float64")
        expected = per_row(rows)
        for backend in ("pandas", "polars", "pyarrow", "duckdb", "polars-lazy"):
            got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame, backend),
                                                  layout="long"))
            assert got == expected, backend
