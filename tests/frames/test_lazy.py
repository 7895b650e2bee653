"""Lazy frames judged in their backend: exact on every backend, and only the rows that need
the exact recheck (or that the backend's expressions do not decide) reach the driver."""

from __future__ import annotations

from typing import Any

import pytest

import qcrules
from qcrules import Status
from qcrules.frames import lazy

from .test_evaluate import BACKENDS, LAZY, PLAN, as_pandas, per_row, statuses, to_backend

pd = pytest.importorskip("pandas")

# On, a hair beside and clearly around each threshold, in the rule's unit and in others;
# nulls; a unit the rule's dimension does not have; a fraction of a count; a rank below 1;
# a boolean given neither 1 nor 0; a rule given under its id and its Chinese name at once.
BOUNDARY_ROWS = [
    ("宿松", 2025, "gdp-per-capita", 85000.0, "元/人"),           # on: 8.5万元/人
    ("宿松", 2025, "pass-rate", 0.98, None),                      # on: 98 %
    ("宿松", 2025, "death-rate", 0.01, "人/亿元"),                  # on a strict ceiling: not met
    ("宿松", 2025, "award", 1.0, "项"),                            # on a whole floor
    ("宿松", 2025, "gdp-rank", 10.0, None),                       # on a whole ceiling
    ("宿松", 2025, "pilot", 1.0, None),
    ("宿松", 2026, "gdp-per-capita", 84999.99999999, "元/人"),      # a hair below
    ("宿松", 2026, "pass-rate", 980.0, "‰"),                       # on, in per mille
    ("宿松", 2026, "death-rate", 0.009999999999999, "人/亿元"),     # a hair below: met
    ("宿松", 2026, "award", 0.5, "项"),                            # not a whole count: invalid
    ("宿松", 2026, "gdp-rank", 0.0, None),                        # below the first rank: invalid
    ("宿松", 2026, "pilot", 2.0, None),                           # neither yes nor no
    ("太湖", 2025, "gdp-per-capita", 0.00085, "亿元/人"),           # on, in another unit
    ("太湖", 2025, "抽检合格率", 97.99999999999, "%"),               # a hair below, by its name
    ("太湖", 2025, "death-rate", None, "人/亿元"),                  # a null: missing
    ("太湖", 2025, "award", 3.0, None),
    ("太湖", 2025, "gdp-rank", 10.000000000001, None),            # a hair above a ceiling
    ("太湖", 2025, "pilot", 0.0, None),
    ("太湖", 2026, "gdp-per-capita", 8.6, "万元/人"),
    ("太湖", 2026, "pass-rate", 0.97, None),
    ("太湖", 2026, "人均GDP", 8.6, "万元/人"),                      # the same fact by its name too
    ("太湖", 2026, "award", 1.0000000000001, "项"),               # a hair above, not whole
    ("太湖", 2026, "gdp-rank", 3.0, "位"),
    ("太湖", 2026, "death-rate", 5.0, "元/人"),                    # a unit of another dimension
    ("岳西", 2025, "quality-index", 89.95, None),                 # a rounded comparison
    ("岳西", 2025, "teacher-ratio", 12.5, None),
]
# A ceiling below the provincial average (低于全省平均数, strict) and an assigned floor (完成上级
# 下达的任务): the value on, a hair inside and clearly around its key's reference, in another
# unit, the reference missing, and either outside the indicator's domain.
AVERAGE = "equipment-death-rate.province-average"
ASSIGNED = "energy-drop.assigned"
REFERENCE_ROWS = [
    ("望江", 2025, "equipment-death-rate", 0.5, "人/十万台"), ("望江", 2025, AVERAGE, 0.5, None),
    ("望江", 2026, "equipment-death-rate", 0.4999999999999, None),
    ("望江", 2026, AVERAGE, 0.5, "人/十万台"),
    ("潜山", 2025, "equipment-death-rate", 0.3, None), ("潜山", 2025, AVERAGE, 0.5, None),
    ("潜山", 2026, "每十万台特种设备死亡率", 0.7, None), ("潜山", 2026, AVERAGE, 0.5, None),
    ("宿松", 2025, "equipment-death-rate", 0.3, None),             # no average: unknown
    ("宿松", 2026, "equipment-death-rate", 3e-6, "人/台"),          # 0.3 人/十万台
    ("宿松", 2026, AVERAGE, 5e-6, "人/台"),
    ("太湖", 2025, "equipment-death-rate", -1.0, None), ("太湖", 2025, AVERAGE, 0.5, None),
    ("太湖", 2026, "equipment-death-rate", 0.3, None), ("太湖", 2026, AVERAGE, -0.1, None),
    ("太湖", 2025, "energy-drop", 3.2, "%"), ("太湖", 2025, ASSIGNED, 3.2, "%"),
    ("望江", 2025, "energy-drop", 0.032, None), ("望江", 2025, ASSIGNED, 3.2, "%"),
    ("潜山", 2025, "energy-drop", 3.1999999999999, "%"), ("潜山", 2025, ASSIGNED, 3.2, "%"),
    ("潜山", 2026, "单位GDP能耗下降率", 5.0, "%"), ("潜山", 2026, ASSIGNED, 0.032, None),
    ("宿松", 2025, ASSIGNED, 3.2, "%"),                             # no value: unknown
    ("宿松", 2026, "energy-drop", 3.0, "%"), ("宿松", 2026, ASSIGNED, 3.2, "%"),
]
# 90分以上 to 0.1 (GB/T 8170, half to even): on a half step either way, a hair off the half,
# clearly rounding up or down to the threshold.
PRECISION_ROWS = [
    ("怀宁", 2021, "quality-index", 89.95, None),           # 899.5 → 900: met
    ("怀宁", 2022, "quality-index", 89.85, None),           # 898.5 → 898: not met
    ("怀宁", 2023, "quality-index", 89.96, None),           # → 90.0: met
    ("怀宁", 2024, "quality-index", 89.94, None),           # → 89.9: not met
    ("怀宁", 2025, "quality-index", 89.950001, None),       # → 90.0: met
    ("怀宁", 2026, "quality-index", 89.9499999999999, None),  # → 89.9: not met
    ("怀宁", 2027, "制造业质量竞争力指数", 90.0, None),
    ("怀宁", 2028, "quality-index", 90.04999, None),        # → 90.0: met
]
STRING_ROWS = [
    ("宿松", 2025, "gdp-per-capita", "8.5万元/人"), ("宿松", 2025, "pass-rate", "97.99%"),
    ("太湖", 2025, "人均GDP", "84999.99元/人"), ("太湖", 2025, "award", "1项"),
]


def frame_of(rows: list[tuple[Any, ...]]) -> Any:
    frame = pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "unit"][
        :len(rows[0])])
    if frame["value"].dtype.kind != "O":
        frame["value"] = frame["value"].astype("float64")
    return frame


@pytest.mark.parametrize("backend", BACKENDS)
class TestExactOnEveryBackend:
    def test_boundaries_in_other_units(self, backend: str) -> None:
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame_of(BOUNDARY_ROWS), backend),
                                              layout="long"))
        expected = per_row(BOUNDARY_ROWS)
        assert {k: v for k, v in got.items() if v != expected[k]} == {}
        assert len(got) == 5 * len(PLAN.rules)
        assert got["宿松", 2025, "gdp-per-capita"] is qcrules.Status.MET
        assert got["宿松", 2025, "death-rate"] is qcrules.Status.NOT_MET
        assert got["宿松", 2026, "gdp-per-capita"] is qcrules.Status.NOT_MET
        assert got["宿松", 2026, "award"] is qcrules.Status.INVALID
        assert got["太湖", 2025, "death-rate"] is qcrules.Status.UNKNOWN

    def test_references_and_assigned_thresholds(self, backend: str) -> None:
        got = statuses(qcrules.evaluate_frame(
            PLAN, to_backend(frame_of(REFERENCE_ROWS), backend), layout="long"))
        expected = per_row(REFERENCE_ROWS)
        assert {k: v for k, v in got.items() if v != expected[k]} == {}
        rule = "equipment-death-rate"
        assert [got[(*place, rule)] for place in (("望江", 2025), ("望江", 2026), ("潜山", 2025),
                                               ("潜山", 2026), ("宿松", 2025), ("宿松", 2026),
                                               ("太湖", 2025), ("太湖", 2026))] == [
            Status.NOT_MET, Status.MET, Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.MET,
            Status.INVALID, Status.INVALID]
        assert [got[(*place, "energy-drop")] for place in (
            ("太湖", 2025), ("望江", 2025), ("潜山", 2025), ("潜山", 2026), ("宿松", 2025),
            ("宿松", 2026))] == [Status.MET, Status.MET, Status.NOT_MET, Status.MET,
                                Status.UNKNOWN, Status.NOT_MET]

    def test_rounded_comparisons(self, backend: str) -> None:
        got = statuses(qcrules.evaluate_frame(
            PLAN, to_backend(frame_of(PRECISION_ROWS), backend), layout="long"))
        assert {k: v for k, v in got.items() if v != per_row(PRECISION_ROWS)[k]} == {}
        assert [got["怀宁", year, "quality-index"] for year in range(2021, 2029)] == [
            Status.MET, Status.NOT_MET, Status.MET, Status.NOT_MET, Status.MET, Status.NOT_MET,
            Status.MET, Status.MET]

    def test_quantity_strings(self, backend: str) -> None:
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame_of(STRING_ROWS), backend),
                                              layout="long"))
        assert got == per_row(STRING_ROWS)


class TestSameAsTheEagerPath:
    @pytest.mark.parametrize("backend", sorted(LAZY - {"spark"}))
    def test_every_column(self, backend: str) -> None:
        """Statuses, severities, codes and texts equal; the float details to a few ulps."""
        frame = frame_of(BOUNDARY_ROWS + REFERENCE_ROWS + PRECISION_ROWS)
        eager = qcrules.evaluate_frame(PLAN, frame, layout="long")
        got = as_pandas(qcrules.evaluate_frame(PLAN, to_backend(frame, backend), layout="long"))
        order = ["region", "period", "rule"]
        got = got.sort_values(order).reset_index(drop=True)
        eager = eager.sort_values(order).reset_index(drop=True)
        texts = ["region", "rule", "indicator", "status", "severity", "unit", "commitment",
                 "clause", "code"]
        for column in texts:
            assert list(got[column].astype(object).where(got[column].notna(), None)) == list(
                eager[column].astype(object).where(eager[column].notna(), None)), column
        for column in ("value", "threshold", "margin"):
            assert list(got[column].isna()) == list(eager[column].isna()), column
            assert got[column].fillna(0).to_numpy() == pytest.approx(
                eager[column].fillna(0).to_numpy(), rel=1e-12, abs=1e-12), column


class TestOnlyTheNeededRowsAreCollected:
    """Many clearly decided facts and a few in the noise band: the driver sees the few."""

    @pytest.mark.parametrize("backend", ["polars-lazy", "duckdb", "dask"])
    def test_band_rows_only(self, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
        collected: list[int] = []
        judge = lazy.exact_on_driver

        def counting(plan: Any, rows: Any, *args: Any) -> Any:
            collected.append(len(rows))
            return judge(plan, rows, *args)

        monkeypatch.setattr(lazy, "exact_on_driver", counting)
        rows = [(f"县{i:03d}", 2026, rule, value, unit)
                for i in range(200)
                for rule, value, unit in (("gdp-per-capita", 9.1 + i / 1000, "万元/人"),
                                          ("pass-rate", 0.99, None), ("award", 2.0, "项"),
                                          ("gdp-rank", 4.0, None),
                                          ("quality-index", 89.96 + (i % 4) / 10, None),
                                          ("equipment-death-rate", 0.3, None),
                                          (AVERAGE, 0.4 + i / 1000, None),
                                          ("energy-drop", 3.5, "%"), (ASSIGNED, 0.032, None))]
        band = [("县000", 2025, "gdp-per-capita", 85000.0, "元/人"),
                ("县001", 2025, "pass-rate", 0.98, None),
                ("县002", 2025, "quality-index", 89.95, None),      # on a half step
                ("县003", 2025, "equipment-death-rate", 0.4, None),  # on its average
                ("县003", 2025, AVERAGE, 0.4, None)]
        frame = frame_of(rows + band)
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame, backend),
                                              layout="long"))
        assert got == per_row(rows + band)
        assert collected == [len(band)]

    @pytest.mark.parametrize("backend", ["polars-lazy", "duckdb", "dask"])
    def test_judged_in_bounded_chunks(self, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """The driver judges the collected rows a chunk at a time, never splitting a key's
        rows between two chunks; the statuses are those of one batch."""
        chunks: list[Any] = []
        judge = lazy.exact_on_driver

        def recording(plan: Any, rows: Any, *args: Any) -> Any:
            chunks.append(as_pandas(rows.to_native()))
            return judge(plan, rows, *args)

        monkeypatch.setattr(lazy, "exact_on_driver", recording)
        monkeypatch.setattr(lazy, "CHUNK_ROWS", 4)
        rows = [(f"县{i:03d}", 2025 + i % 2, rule, value, None)
                for i in range(30)
                for rule, value in (("gdp-per-capita", 8.5), ("equipment-death-rate", 0.4),
                                    (AVERAGE, 0.4), ("award", 3.0))]
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame_of(rows), backend),
                                              layout="long"))
        assert got == per_row(rows)
        assert len(chunks) > 1
        assert sum(len(chunk) for chunk in chunks) == 30 * 3   # the award rows are decided
        per_key = 3
        assert all(len(chunk) <= 4 + per_key for chunk in chunks)
        seen = [set(zip(chunk.region, chunk.period, strict=True)) for chunk in chunks]
        assert sum(len(keys) for keys in seen) == len(set().union(*seen)) == 30

    def test_nothing_collected_when_all_is_decided(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def fail(*args: Any) -> Any:
            raise AssertionError("no row needs the driver")

        monkeypatch.setattr(lazy, "exact_on_driver", fail)
        frame = frame_of([("县000", 2026, "award", 2.0, "项"), ("县000", 2026, "pilot", 0.0, None)])
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame, "duckdb"), layout="long"))
        assert got["县000", 2026, "award"] is qcrules.Status.MET
        assert got["县000", 2026, "pilot"] is qcrules.Status.NOT_MET

    def test_conflicting_values_are_an_error(self) -> None:
        frame = frame_of([("县000", 2026, "award", 1.0, "项"), ("县000", 2026, "award", 2.0, "项")])
        with pytest.raises(qcrules.FactError, match=r"QC204.*award"):
            qcrules.evaluate_frame(PLAN, to_backend(frame, "duckdb"), layout="long")

    def test_a_repeat_of_the_same_fact_is_fine(self) -> None:
        rows = [("县000", 2026, "award", 1.0, "项"), ("县000", 2026, "award", 1.0, "项")]
        got = statuses(qcrules.evaluate_frame(PLAN, to_backend(frame_of(rows), "polars-lazy"),
                                              layout="long"))
        assert got["县000", 2026, "award"] is qcrules.Status.MET


@pytest.mark.parametrize("backend", ["polars-lazy", "duckdb", "dask"])
def test_a_null_key_keeps_its_rows(backend: str) -> None:
    """A row in the noise band whose region or period is null is judged like any other (a
    join never matches a null key, so such rows are fetched by a filter), as the eager path
    judges it: no row of the result is lost."""
    rows = [(None, 2026, "gdp-per-capita", 85000.0, "元/人"), (None, 2026, "award", 2.0, "项"),
            ("潜山", 2026, "award", 1.0, "项"), ("潜山", None, "pass-rate", 0.98, None)]
    order = ["region", "period", "rule"]

    def table(result: Any) -> list[tuple[Any, ...]]:
        frame = as_pandas(result).sort_values(order, na_position="first")
        return [(None if pd.isna(r) else r, None if pd.isna(p) else int(p), rule, status)
                for r, p, rule, status in zip(frame.region, frame.period, frame.rule,
                                              frame.status, strict=True)]

    eager = table(qcrules.evaluate_frame(PLAN, frame_of(rows), layout="long"))
    got = table(qcrules.evaluate_frame(PLAN, to_backend(frame_of(rows), backend), layout="long"))
    assert got == eager
    assert len(got) == 3 * len(PLAN.rules)
    assert (None, 2026, "gdp-per-capita", "met") in got
    assert ("潜山", None, "pass-rate", "met") in got
