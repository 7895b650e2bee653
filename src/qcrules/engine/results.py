"""Verdicts, their recorded steps, and reports: data only, no wording (see report.explain)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import attrs

from ..base.errors import Diagnostic
from ..catalog.model import Catalog, Commitment, Op, Rule

__all__ = [
    "ChangeMeasured",
    "Compared",
    "Converted",
    "Derived",
    "FactUsed",
    "GroupVerdict",
    "Lazy",
    "RatioRead",
    "Reason",
    "ReferenceUsed",
    "Report",
    "Rounded",
    "Severity",
    "Status",
    "Step",
    "Trajectory",
    "TrajectoryCategory",
    "TrajectoryStatus",
    "UnitAssumed",
    "Verdict",
    "judged_verdict",
]


class Status(enum.Enum):
    """Three-valued and then some: missing data is never a pass and never a fail."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"   # a fact, reference or assigned target is missing
    INVALID = "invalid"   # a fact is present but unusable

    #: Members are compared by identity, so they hash by it too, in C: a report keys its
    #: counts and words by status for every verdict (enum's own hash is Python code).
    __hash__ = object.__hash__


class Severity(enum.Enum):
    """How much a miss matters, from the rule's commitment."""

    NONE = "none"             # met, unknown or invalid
    VIOLATION = "violation"   # a missed 确保 (ensure) target
    SHORTFALL = "shortfall"   # a missed 力争 (strive) target
    MISS = "miss"             # a missed plain requirement

    __hash__ = object.__hash__   # as Status's

    @classmethod
    def for_miss(cls, commitment: Commitment) -> Severity:
        """The severity of missing a target with this commitment."""
        return _MISS_SEVERITY[commitment]


_MISS_SEVERITY = {Commitment.ENSURE: Severity.VIOLATION, Commitment.STRIVE: Severity.SHORTFALL,
                  Commitment.NONE: Severity.MISS}


@attrs.frozen
class FactUsed:
    """A fact read for the verdict, as written, with its provenance."""

    fact_id: str
    raw: str
    source: str | None = None
    date: str | None = None
    period: str | None = None
    role: str = "value"       # value, reference, or an input name of a derived indicator


@attrs.frozen
class UnitAssumed:
    """A bare number read in the indicator's unit (or as a fraction for % indicators)."""

    fact_id: str
    unit: str
    as_fraction: bool = False


@attrs.frozen
class RatioRead:
    """A ratio fact read as consequent per antecedent (``inverted`` for antecedent per consequent)."""

    fact_id: str
    value: Fraction
    inverted: bool = False


@attrs.frozen
class Converted:
    """A unit conversion with its exact factor."""

    fact_id: str
    value: Fraction
    from_unit: str
    factor: Fraction
    result: Fraction
    to_unit: str


@attrs.frozen
class Derived:
    """A derived indicator computed from its inputs."""

    formula: str
    inputs: tuple[tuple[str, Fraction, str | None], ...]
    result: Fraction
    unit: str | None


@attrs.frozen
class ReferenceUsed:
    """A threshold taken from a reference or assigned-target fact."""

    fact_id: str
    value: Fraction
    unit: str | None
    label: str = ""


@attrs.frozen
class Rounded:
    """GB/T 8170 rounded-value comparison: the value rounded once to the rule's precision."""

    precision: Fraction
    before: Fraction
    after: Fraction


@attrs.frozen
class Compared:
    """One comparison ``value op threshold`` and its outcome."""

    value: Fraction | bool
    op: Op | None
    threshold: Fraction | None
    holds: bool


@attrs.frozen
class ChangeMeasured:
    """A change against the base value (``base`` and ``current`` in the indicator's ``unit``),
    measured as the rule says (``measure``), signed so that the plan's direction is positive,
    in ``change_unit``; ``years`` for a growth. A compound annual rate is shown to 12 decimal
    places unless exact (``approximate``); its comparison is exact all the same."""

    measure: str
    direction: int
    base: Fraction
    current: Fraction
    unit: str | None
    change: Fraction
    change_unit: str | None
    years: Fraction | None = None
    base_period: str | None = None
    approximate: bool = False


Step = (FactUsed | UnitAssumed | RatioRead | Converted | Derived | ReferenceUsed | Rounded
        | ChangeMeasured | Compared)


class Lazy:
    """A value not made yet: ``build(*values)`` makes it the first time it is read, and it is
    kept from then on.

    A verdict's steps are one (:attr:`Verdict.steps`): the compiled evaluator
    (:mod:`qcrules.engine.compile`) judges with whole numbers and records only the values it
    used, so a caller that never reads the steps (nor explains or renders the verdict) never
    pays for the step objects. A report's diagnostics are another (:attr:`Report.diagnostics`):
    the did-you-mean search for a fact that matches no rule runs when they are read. A verdict
    or report holding one pickles like any other, as the value made.
    """

    __slots__ = ("_built", "build", "values")

    def __init__(self, build: Callable[..., tuple[Any, ...]], *values: Any) -> None:
        self.build = build
        self.values = values
        self._built: tuple[Any, ...] | None = None

    def __call__(self) -> tuple[Any, ...]:
        built = self._built
        if built is None:
            built = self._built = self.build(*self.values)
        return built

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self(),))


def _built(value: tuple[Any, ...] | Lazy) -> tuple[Any, ...]:
    """The value itself (made now if it is lazy)."""
    return value() if type(value) is Lazy else value  # type: ignore[return-value]


#: :meth:`Verdict._closest` not computed yet.
_UNSET: Any = object()


@attrs.frozen(repr=False)
class Verdict:
    """The outcome for one rule, with the steps that led to it.

    ``value`` and ``thresholds`` are in the rule's unit (``value`` after any rounding).
    :attr:`margin` and :attr:`relative_margin` are derived from them. ``missing`` names the
    facts whose absence made it unknown; ``problem`` says why it is invalid. ``trajectory``
    is set when a baseline was given (:mod:`qcrules.progress.trajectory`).
    """

    rule: Rule = attrs.field(eq=False, repr=False)
    rule_id: str
    status: Status
    severity: Severity = Severity.NONE
    value: Fraction | bool | None = None
    unit: str | None = None
    thresholds: tuple[tuple[Op, Fraction], ...] = ()
    #: The steps, or the values to build them from when they are first read (:attr:`steps`).
    _steps: tuple[Step, ...] | Lazy = attrs.field(default=(), alias="steps", eq=_built)
    missing: tuple[str, ...] = ()
    problem: Diagnostic | None = None
    trajectory: Trajectory | None = None
    #: The margin and the threshold it is measured against, computed once (:meth:`_closest`).
    _closest_pair: Any = attrs.field(default=_UNSET, init=False, eq=False, repr=False)

    @property
    def steps(self) -> tuple[Step, ...]:
        """How the verdict was reached, step by step (built when first read, then kept)."""
        steps = self._steps
        if type(steps) is not Lazy:
            return steps  # type: ignore[return-value]
        built = steps()
        object.__setattr__(self, "_steps", built)
        return built

    def __repr__(self) -> str:
        # as attrs writes it, the steps under their public name (and built)
        return (f"Verdict(rule_id={self.rule_id!r}, status={self.status!r}, "
                f"severity={self.severity!r}, value={self.value!r}, unit={self.unit!r}, "
                f"thresholds={self.thresholds!r}, steps={self.steps!r}, "
                f"missing={self.missing!r}, problem={self.problem!r}, "
                f"trajectory={self.trajectory!r})")

    @property
    def met(self) -> bool:
        """Whether the target is met (false for unknown and invalid)."""
        return self.status is Status.MET

    def _closest(self) -> tuple[Fraction, Fraction, Fraction | None] | None:
        """(margin, threshold, relative margin), computed on the first reading and kept."""
        closest = self._closest_pair
        if closest is not _UNSET:
            return closest
        value = self.value
        if not self.thresholds or value is None or isinstance(value, bool):
            closest = None
        else:
            if len(self.thresholds) == 1:
                op, threshold = self.thresholds[0]
                margin = _margin(op, value, threshold)
            else:
                margin, threshold = min(((_margin(op, value, threshold), threshold)
                                         for op, threshold in self.thresholds),
                                        key=lambda pair: pair[0])
            closest = (margin, threshold, margin / abs(threshold) if threshold != 0 else None)
        object.__setattr__(self, "_closest_pair", closest)
        return closest

    @property
    def margin(self) -> Fraction | None:
        """Signed toward meeting the target, in the rule's unit: positive is room to spare,
        negative the gap (for a range, the nearer bound; for ``=``, minus the distance)."""
        closest = self._closest()
        return closest[0] if closest else None

    @property
    def threshold(self) -> Fraction | None:
        """The threshold the margin is measured against."""
        closest = self._closest()
        return closest[1] if closest else None

    @property
    def relative_margin(self) -> Fraction | None:
        """The margin as a fraction of the threshold's magnitude (``None`` for a zero threshold)."""
        closest = self._closest()
        return closest[2] if closest else None


def _slot_setters() -> tuple[Callable[[Verdict, Any], None], ...]:
    """Setters of the fields :func:`judged_verdict` fills, in order (each a slot of Verdict)."""
    names = ("rule", "rule_id", "status", "severity", "value", "unit", "thresholds", "_steps",
             "missing", "problem", "trajectory", "_closest_pair")
    assert names == tuple(field.name for field in attrs.fields(Verdict))
    return tuple(Verdict.__dict__[name].__set__ for name in names)


(_SET_RULE, _SET_RULE_ID, _SET_STATUS, _SET_SEVERITY, _SET_VALUE, _SET_UNIT, _SET_THRESHOLDS,
 _SET_STEPS, _SET_MISSING, _SET_PROBLEM, _SET_TRAJECTORY, _SET_CLOSEST) = _slot_setters()
_new = object.__new__


def judged_verdict(rule: Rule, rule_id: str, status: Status, severity: Severity,
                   value: Fraction | bool, unit: str | None,
                   thresholds: tuple[tuple[Op, Fraction], ...],
                   steps: tuple[Step, ...] | Lazy) -> Verdict:
    """``Verdict(rule, rule_id, status, severity, value, unit, thresholds, steps)``, the same
    object made faster: the compiled evaluator's (its fields set directly, in the slots attrs
    made, with no arguments to sort out)."""
    verdict: Verdict = _new(Verdict)
    _SET_RULE(verdict, rule)
    _SET_RULE_ID(verdict, rule_id)
    _SET_STATUS(verdict, status)
    _SET_SEVERITY(verdict, severity)
    _SET_VALUE(verdict, value)
    _SET_UNIT(verdict, unit)
    _SET_THRESHOLDS(verdict, thresholds)
    _SET_STEPS(verdict, steps)
    _SET_MISSING(verdict, ())
    _SET_PROBLEM(verdict, None)
    _SET_TRAJECTORY(verdict, None)
    _SET_CLOSEST(verdict, _UNSET)
    return verdict


def _margin(op: Op, value: Fraction, threshold: Fraction) -> Fraction:
    if op.lower:
        return value - threshold
    if op.upper:
        return threshold - value
    return -abs(value - threshold)


@attrs.frozen(repr=False)
class Report:
    """Verdicts for one fact set, in catalogue order, with counts for summaries."""

    catalog: Catalog = attrs.field(eq=False, repr=False)
    verdicts: tuple[Verdict, ...]
    region: str | None = None
    period: str | None = None
    sources: tuple[str, ...] = ()
    #: The diagnostics, or what to make them from when they are first read (:attr:`diagnostics`).
    _diagnostics: tuple[Diagnostic, ...] | Lazy = attrs.field(default=(), alias="diagnostics",
                                                              eq=_built)
    engine: str = "native"
    #: The verdicts by rule id (the first of each id), built on the first look-up.
    _by_id: dict[str, Verdict] | None = attrs.field(default=None, init=False, eq=False,
                                                    repr=False)

    def __iter__(self) -> Iterator[Verdict]:
        return iter(self.verdicts)

    def __len__(self) -> int:
        return len(self.verdicts)

    def __repr__(self) -> str:
        # as attrs writes it, the diagnostics under their public name (and made)
        return (f"Report(verdicts={self.verdicts!r}, region={self.region!r}, "
                f"period={self.period!r}, sources={self.sources!r}, "
                f"diagnostics={self.diagnostics!r}, engine={self.engine!r})")

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """What could not be read, and the facts that match no rule (with the nearest name)."""
        diagnostics = self._diagnostics
        if type(diagnostics) is not Lazy:
            return diagnostics  # type: ignore[return-value]
        made = diagnostics()
        object.__setattr__(self, "_diagnostics", made)
        return made

    def __getitem__(self, rule_id: str) -> Verdict:
        by_id = self._by_id
        if by_id is None:
            by_id = {}
            for verdict in self.verdicts:
                by_id.setdefault(verdict.rule_id, verdict)
            object.__setattr__(self, "_by_id", by_id)
        return by_id[rule_id]

    @property
    def by_status(self) -> dict[Status, int]:
        """How many verdicts are in each state (every state present, zero included)."""
        counts = _NO_STATUS.copy()
        for verdict in self.verdicts:
            counts[verdict.status] += 1
        return counts

    @property
    def by_severity(self) -> dict[Severity, int]:
        """How many misses of each severity."""
        counts = _NO_SEVERITY.copy()
        for verdict in self.verdicts:
            counts[verdict.severity] += 1
        return counts

    @property
    def by_section(self) -> dict[str, dict[Status, int]]:
        """Counts by state for each plan section, in catalogue order."""
        return _group(self.verdicts, lambda v: (v.rule.section,))

    @property
    def by_lead(self) -> dict[str, dict[Status, int]]:
        """Counts by state for each lead department (a rule counts for each of its leads)."""
        return _group(self.verdicts, lambda v: v.rule.lead)

    @property
    def groups(self) -> tuple[GroupVerdict, ...]:
        """The compound targets (rules sharing a ``group``), in catalogue order: met only when
        every member is; not met when any member is; otherwise invalid, then unknown."""
        members: dict[str, list[Verdict]] = {}
        for verdict in self.verdicts:
            if verdict.rule.group is not None:
                members.setdefault(verdict.rule.group, []).append(verdict)
        return tuple(GroupVerdict(group, tuple(v.rule_id for v in shared),
                                  _all_of(tuple(v.status for v in shared)))
                     for group, shared in members.items())

    @property
    def violations(self) -> tuple[Verdict, ...]:
        """Missed 确保 targets."""
        return tuple(v for v in self.verdicts if v.severity is Severity.VIOLATION)

    def exit_code(self, *, strict: bool = False) -> int:
        """0 when no ensure-target is missed, 1 otherwise; ``strict`` counts every miss."""
        if strict:
            return 1 if any(v.status is Status.NOT_MET for v in self.verdicts) else 0
        return 1 if self.violations else 0


@attrs.frozen
class GroupVerdict:
    """A compound target's verdict: its member rules and the status they give together."""

    id: str
    rule_ids: tuple[str, ...]
    status: Status

    @property
    def met(self) -> bool:
        """Whether every member is met."""
        return self.status is Status.MET


def _all_of(statuses: tuple[Status, ...]) -> Status:
    """The status of "all of these": any miss is a miss; otherwise unusable data makes it
    invalid and missing data unknown, never met."""
    for status in (Status.NOT_MET, Status.INVALID, Status.UNKNOWN):
        if status in statuses:
            return status
    return Status.MET


def _group(verdicts: tuple[Verdict, ...], keys: object) -> dict[str, dict[Status, int]]:
    groups: dict[str, dict[Status, int]] = {}
    for verdict in verdicts:
        for key in keys(verdict):  # type: ignore[operator]
            counts = groups.get(key)
            if counts is None:
                counts = groups[key] = _NO_STATUS.copy()
            counts[verdict.status] += 1
    return groups


#: Every status (and severity) with a count of zero, in order: copied, not built, per count.
_NO_STATUS: dict[Status, int] = dict.fromkeys(Status, 0)
_NO_SEVERITY: dict[Severity, int] = dict.fromkeys(Severity, 0)


class TrajectoryStatus(enum.Enum):
    """Where a target stands on its way to the deadline."""

    ON_TRACK = "on_track"              # not met yet, at or beyond the value expected by now
    BEHIND = "behind"                  # not met yet, short of the value expected by now
    MET_EARLY = "met_early"            # due later and already met
    DUE = "due"                        # the deadline has come (or the target is annual)
    UNKNOWN = "unknown"                # no baseline, or no usable value now or at the baseline
    NOT_APPLICABLE = "not_applicable"  # a kind with no numeric path


class Reason(enum.Enum):
    """Why a trajectory has no path comparison (``Trajectory.reason``)."""

    NONE = "none"
    KIND = "kind"                      # not applicable: the rule's kind or bound
    ANNUAL = "annual"                  # due: judged every year
    ONGOING = "ongoing"                # due: an ongoing requirement, judged in every period
    DEADLINE = "deadline"              # due: the evaluation period reaches the deadline
    VALUE = "value"                    # unknown: the verdict itself is unknown or invalid
    NO_BASELINE = "no_baseline"        # unknown: no baseline given
    BASELINE_VALUE = "baseline_value"  # unknown: the baseline's value is missing or invalid


class TrajectoryCategory(enum.Enum):
    """The category a progress method puts a dated target in (``Trajectory.category``).

    ``path``: target achieved, on track, behind. ``sdg`` (Statistics Canada / open-sdg): target
    achieved, substantial (R ≥ 0.95), moderate (0.6 ≤ R < 0.95), limited (0 ≤ R < 0.6)
    progress, deterioration (R < 0). ``un`` (UN SDG Progress Chart): target achieved, on track
    (share ≥ 0.95), fair progress (0.10 ≤ share < 0.95), stagnation or regression (< 0.10).
    Any method: not assessable (no usable values, too few periods, signs that differ), not
    applicable (a kind the method does not judge).
    """

    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    SUBSTANTIAL = "substantial_progress"
    MODERATE = "moderate_progress"
    LIMITED = "limited_progress"
    DETERIORATION = "deterioration"
    FAIR = "fair_progress"
    STAGNATION = "stagnation_or_regression"
    NOT_ASSESSABLE = "not_assessable"
    NOT_APPLICABLE = "not_applicable"


@attrs.frozen
class Trajectory:
    """A target's trajectory for one evaluation period (all numbers in the rule's unit).

    ``expected`` is the path's value at the end of ``period``; ``gap`` is the value's distance
    from it, signed toward meeting the target (negative: behind); ``projected`` is the value
    the target would reach by the deadline at the pace from the baseline to now.
    ``elapsed_months`` of ``total_months`` from the baseline's end to the deadline have passed.

    ``method`` judged it (``path``, ``sdg``, ``un``) with ``parameters`` (its thresholds), and
    put it in ``category``; ``progress_value`` is the method's measure (``path``: the share of
    the expected way covered; ``sdg``: R, observed over required growth; ``un``: the share of
    the way the projection covers), ``cagr_observed`` and ``cagr_required`` the compound annual
    growth rates it used (``sdg``, ``un``; exact to 30 significant digits), ``direction`` +1
    when more is better and −1 otherwise. ``substituted`` names the inputs replaced by 0.001
    (a zero baseline or target, as the ``sdg`` method does). ``broken_period`` is the first
    period of the series that missed a target to be held (稳定在…以上) in every period.
    """

    status: TrajectoryStatus
    period: str
    deadline: int | str
    reason: Reason = Reason.NONE
    path: str = "linear"
    baseline_period: str | None = None
    baseline: Fraction | None = None
    value: Fraction | None = None
    op: Op | None = None
    target: Fraction | None = None
    elapsed_months: int | None = None
    total_months: int | None = None
    expected: Fraction | None = None
    gap: Fraction | None = None
    projected: Fraction | None = None
    method: str = "path"
    category: TrajectoryCategory | None = None
    progress_value: Fraction | None = None
    parameters: tuple[tuple[str, Fraction], ...] = ()
    cagr_observed: Fraction | None = None
    cagr_required: Fraction | None = None
    direction: int | None = None
    substituted: tuple[str, ...] = ()
    broken_period: str | None = None

    @property
    def projected_meets(self) -> bool | None:
        """Whether the projected value meets the target at the deadline."""
        if self.projected is None or self.op is None or self.target is None:
            return None
        return self.op.holds(self.projected, self.target)
