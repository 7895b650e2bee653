"""Stage 5, explain: a verdict's recorded steps → words, in Chinese or English.

The evaluator records data (:mod:`qcrules.engine.results`); this module is the only place that words
it. :func:`explain` returns an :class:`Explanation`: a one-line summary and one line per step.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import attrs

from ..base.numbers import format_number as _format_number
from ..catalog.model import Commitment, Kind, Op, Rule
from ..engine.compile import judges_whole_numbers
from ..engine.results import (
    ChangeMeasured,
    Compared,
    Converted,
    Derived,
    FactUsed,
    RatioRead,
    ReferenceUsed,
    Rounded,
    Status,
    Step,
    Trajectory,
    TrajectoryCategory,
    TrajectoryStatus,
    UnitAssumed,
    Verdict,
)

__all__ = [
    "DISPLAY_DIGITS",
    "DISPLAY_PLACES",
    "LANGUAGES",
    "Explanation",
    "RuleWords",
    "category_word",
    "change_phrase",
    "display_number",
    "explain",
    "format_number",
    "method_word",
    "percent_number",
    "quantity_text",
    "rule_words",
    "trajectory_cell",
]

#: Display rounding (tables of every format; never JSON or an explanation's steps): a value
#: with at most ``DISPLAY_PLACES`` decimals is shown as it is, as statistics publish it
#: (97.8 %, 0.125); a longer one — a derived rate, a value on a path, a projection — is rounded
#: to ``DISPLAY_DIGITS`` significant digits (14.518519 → 14.52), keeping every whole digit.
DISPLAY_PLACES = 3
DISPLAY_DIGITS = 4

LANGUAGES = ("zh", "en")

_OP_WORDS = {
    "zh": {Op.GE: "不低于", Op.GT: "高于", Op.LE: "不高于", Op.LT: "低于", Op.EQ: "等于"},
    "en": {Op.GE: "at least", Op.GT: "above", Op.LE: "at most", Op.LT: "below",
           Op.EQ: "equal to"},
}
_STATUS_WORDS = {
    "zh": {Status.MET: "达标", Status.NOT_MET: "未达标", Status.UNKNOWN: "缺数据",
           Status.INVALID: "数据无效"},
    "en": {Status.MET: "met", Status.NOT_MET: "not met", Status.UNKNOWN: "unknown",
           Status.INVALID: "invalid"},
}
_COMMITMENT_WORDS = {
    "zh": {Commitment.ENSURE: "确保目标", Commitment.STRIVE: "力争目标",
           Commitment.NONE: "一般要求"},
    "en": {Commitment.ENSURE: "ensure target", Commitment.STRIVE: "strive target",
           Commitment.NONE: "requirement"},
}


@attrs.frozen
class Explanation:
    """A verdict in words: ``summary`` (one line) and ``steps`` (one line each)."""

    rule_id: str
    lang: str
    summary: str
    steps: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join((self.summary, *(f"  - {line}" for line in self.steps)))


def status_word(status: Status, lang: str = "zh") -> str:
    """``达标``/``met`` and so on."""
    return _STATUS_WORDS[_lang(lang)][status]


def commitment_word(commitment: Commitment, lang: str = "zh") -> str:
    """``确保目标``/``ensure target`` and so on."""
    return _COMMITMENT_WORDS[_lang(lang)][commitment]


def op_word(op: Op, lang: str = "zh") -> str:
    """``不低于``/``at least`` and so on."""
    return _OP_WORDS[_lang(lang)][op]


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        msg = f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)
    return lang


def format_number(value: Fraction, *, places: int | None = None, max_places: int = 6) -> str:
    """:func:`qcrules.base.numbers.format_number`, each value worded once (kept by its
    numerator and denominator, the wording's options)."""
    return _formatted(value.numerator, value.denominator, places, max_places)


@functools.lru_cache(maxsize=8192)
def _formatted(numerator: int, denominator: int, places: int | None, max_places: int) -> str:
    return _format_number(Fraction(numerator, denominator), places=places, max_places=max_places)


def percent_number(value: Fraction) -> str:
    """``format_number(abs(value) * 100, places=1)``, with no fraction made for it."""
    return _formatted(abs(value.numerator) * 100, value.denominator, 1, 6)


def display_number(value: Fraction, *, whole: bool = False) -> str:
    """``value`` rounded for display: to a whole number when ``whole`` (a count, a rank: 11位
    and not 11.333333位); exact with at most :data:`DISPLAY_PLACES` decimals; otherwise to
    :data:`DISPLAY_DIGITS` significant digits, every whole digit kept. Rounding is GB/T 8170
    (half to even), and applies to the display only.
    """
    return _display(value.numerator, value.denominator, whole)


@functools.lru_cache(maxsize=8192)
def _display(numerator: int, denominator: int, whole: bool) -> str:
    """:func:`display_number` of ``numerator / denominator``, in whole numbers, kept by value
    (as the pair, which hashes faster than a fraction): a threshold or a common value is
    worded once."""
    if whole:
        return format_number(_rounded(numerator, denominator, 0))
    if _DISPLAY_POWER % denominator == 0:   # at most DISPLAY_PLACES decimals (0 included)
        return format_number(Fraction(numerator, denominator))
    size = abs(numerator)
    digits = len(str(size // denominator)) if size >= denominator else 0  # the whole digits
    places = max(0, DISPLAY_DIGITS - digits)
    if digits == 0:   # below one: count the zeros after the point too
        scaled = size * 10
        while scaled < denominator:
            scaled *= 10
            places += 1
    return format_number(_rounded(numerator, denominator, places))


_DISPLAY_POWER = 10**DISPLAY_PLACES


def _rounded(numerator: int, denominator: int, places: int) -> Fraction:
    """``round_gbt8170(numerator / denominator, 10**-places)`` in whole numbers: the absolute
    value rounded half to even, the sign restored."""
    power = 10**places
    steps, rest = divmod(abs(numerator) * power, denominator)
    if 2 * rest > denominator or (2 * rest == denominator and steps % 2 == 1):
        steps += 1
    return Fraction(-steps if numerator < 0 else steps, power)


def quantity_text(value: Fraction | bool | None, unit: str | None, *, rule: Rule | None = None,
                  lang: str = "zh", display: bool = False) -> str:
    """A value with its unit as a reader expects it: ``8.2万元/人``, ``96.4%``, ``1:13.1``.

    With ``display``, the number is rounded for a table (:func:`display_number`); a count or
    rank of ``rule`` to a whole number.
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if display:
        number = display_number(value, whole=rule is not None and judges_whole_numbers(rule))
    else:
        number = format_number(value)
    if rule is not None and rule.ratio is not None:
        return f"{number}:1" if rule.ratio.order == "x:1" else f"1:{number}"
    if unit == "倍":
        return f"{number}倍" if lang == "zh" else f"{number}×"
    if not unit or unit == "1":
        return number
    separator = "" if lang == "zh" or unit in ("%", "‰", "‱") else " "
    return f"{number}{separator}{unit}"


def observed_text(verdict: Verdict, lang: str = "zh") -> str | None:
    """The observed value for a table cell: the value judged, in the rule's unit; for a verdict
    left unknown only because its reference or assigned target is missing, the value that was
    read (a derived value in the rule's unit, else the fact as written); ``None`` when nothing
    was read."""
    if verdict.value is not None:
        return quantity_text(verdict.value, verdict.unit, rule=verdict.rule, lang=lang,
                             display=True)
    if verdict.status is not Status.UNKNOWN:
        return None
    derived = next((step for step in verdict.steps if isinstance(step, Derived)), None)
    if derived is not None:
        return quantity_text(derived.result, verdict.unit, rule=verdict.rule, lang=lang,
                             display=True)
    read = next((step for step in verdict.steps
                 if isinstance(step, FactUsed) and step.role == "value"), None)
    return read.raw if read is not None else None


def _names(items: tuple[str, ...]) -> str:
    return "、".join(items)


def _percent(value: Fraction) -> str:
    return f"{percent_number(value)}%"


class RuleWords:
    """What every explanation and table row of one rule says in one language, whatever the
    facts: the indicator's name, the commitment's word, the summary's tail (commitment and
    lead departments), a change's phrase and an approximation's note.

    It also keeps the last wording of the rule's thresholds (:meth:`kept`), by the identity of
    the thresholds worded: a compiled rule judges every fact set against the same ones.
    """

    __slots__ = ("_kept", "approx_note", "change_phrase", "commitment", "name", "tail")

    def __init__(self, name: str, commitment: str, tail: str, change_phrase: str | None,
                 approx_note: str) -> None:
        self.name = name
        self.commitment = commitment
        self.tail = tail
        self.change_phrase = change_phrase
        self.approx_note = approx_note
        self._kept: dict[str, tuple[object, str | None, str]] = {}

    def kept(self, what: str, thresholds: object, unit: str | None) -> str | None:
        """The text kept as ``what`` for exactly these ``thresholds`` (the same object) in
        ``unit``, or ``None``."""
        kept = self._kept.get(what)
        if kept is not None and kept[0] is thresholds and kept[1] == unit:
            return kept[2]
        return None

    def keep(self, what: str, thresholds: object, unit: str | None, text: str) -> str:
        """Keep ``text`` as ``what`` for ``thresholds`` in ``unit`` (one entry each: the
        thresholds are held, and replaced by the next ones worded)."""
        self._kept[what] = (thresholds, unit, text)
        return text


def rule_words(rule: Rule, lang: str) -> RuleWords:
    """The :class:`RuleWords` of ``rule`` in ``lang`` (worded on the first call, then kept).

    Kept by the rule object itself (its identity, with the rule held so that the identity
    stays its own), not by its id: two catalogues may word one rule id differently.
    """
    key = (id(rule), lang)
    kept = _RULE_WORDS.get(key)
    if kept is not None and kept[0] is rule:
        return kept[1]
    lang = _lang(lang)
    name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
    commitment = commitment_word(rule.commitment, lang)
    leads = _names(rule.lead) if lang == "zh" else ", ".join(rule.lead_in(lang))
    tail = (f"；{commitment}，牵头单位：{leads}" if lang == "zh"
            else f"; {commitment}; lead: {leads}")
    words = RuleWords(name, commitment, tail,
                      change_phrase(rule, lang) if rule.change is not None else None,
                      _approx_note(rule, lang) if rule.approx is not None else "")
    if len(_RULE_WORDS) >= _KEPT_RULES:
        _RULE_WORDS.clear()   # a bound on what is kept alive, not a cache policy
    _RULE_WORDS[key] = (rule, words)
    return words


#: (id of a rule, language) → (the rule, its words); the rule is held so its id is not reused.
_RULE_WORDS: dict[tuple[int, str], tuple[Rule, RuleWords]] = {}
_KEPT_RULES = 1 << 15


def explain(verdict: Verdict, lang: str = "zh") -> Explanation:
    """Word a verdict: the summary line, then each recorded step."""
    rule = verdict.rule
    words = rule_words(rule, lang)   # an unknown language is a ValueError
    name = words.name
    unit = verdict.unit
    tail = words.tail
    summary = name + ("：" if lang == "zh" else ": ")
    value_text: str | None = None
    if verdict.status is Status.UNKNOWN:
        missing = ", ".join(verdict.missing)
        summary += (f"缺少数据（{missing}），无法判定" if lang == "zh"
                    else f"unknown, missing data ({missing})")
    elif verdict.status is Status.INVALID:
        problem = verdict.problem
        detail = problem.message if problem else ""
        if problem and problem.expected:
            detail += (f"，应为 {problem.expected}" if lang == "zh"
                       else f", expected {problem.expected}")
        summary += f"数据无效：{detail}" if lang == "zh" else f"invalid data: {detail}"
    elif not rule.kind.numeric:
        summary += (("已完成" if verdict.met else "未完成") if lang == "zh"
                    else ("done" if verdict.met else "not done"))
    else:
        value_text = quantity_text(verdict.value, unit, rule=rule, lang=lang)
        summary = _numeric_summary(verdict, words, unit, lang, value_text)
    lines = tuple([_step_line(step, verdict, lang, value_text) for step in verdict.steps])
    if verdict.trajectory is not None:
        lines = (*lines, trajectory_line(verdict, lang))
    return Explanation(rule.id, lang, summary + tail, lines)


def _numeric_summary(verdict: Verdict, words: RuleWords, unit: str | None, lang: str,
                     value: str) -> str:
    rule = verdict.rule
    name = words.name
    if words.change_phrase is not None:
        value = f"{words.change_phrase} {value}"
    value += words.approx_note
    thresholds = verdict.thresholds
    target = words.kept("summary", thresholds, unit)
    if target is None:
        target = words.keep("summary", thresholds, unit, _target_text(verdict, lang))
    margin = verdict.margin  # each is computed from the thresholds: read once
    if margin is None:
        margin = Fraction(0)
    relative_margin = verdict.relative_margin
    gap = gap_text(-margin if margin.numerator < 0 else margin, unit, rule, lang)
    relative = ""
    if relative_margin is not None:
        relative = (f"（相对 {_percent(relative_margin)}）" if lang == "zh"
                    else f" ({_percent(relative_margin)} relative)")
    if lang == "zh":
        if verdict.met:
            room = f"，余量 {gap}{relative}" if margin else "，恰在目标上"
            return f"{name} {value}，达到目标（{target}）{room}"
        return f"{name} {value}，未达到目标（{target}），差 {gap}{relative}"
    if verdict.met:
        room = f", {gap}{relative} to spare" if margin else ", exactly on the target"
        return f"{name} {value}, meets the target ({target}){room}"
    return f"{name} {value}, misses the target ({target}) by {gap}{relative}"


def _approx_note(rule: Rule, lang: str) -> str:
    """The band an approximate target is read as, named as the interpretation it is."""
    approx = rule.approx
    assert approx is not None
    if approx.relative:
        width = f"±{format_number(approx.tolerance * 100)}%"
        width += "（相对）" if lang == "zh" else " (relative)"
    else:
        width = f"±{format_number(approx.tolerance)}"
    edge = ("，只看下限" if lang == "zh" else ", lower edge only") if approx.lower_only else ""
    if lang == "zh":
        return f"（“{approx.word}”按容差 {width}{edge} 解读）"
    return f" (“{approx.word}” read with a tolerance of {width}{edge}, an interpretation)"


def gap_text(gap: Fraction, unit: str | None, rule: Rule, lang: str, *,
             display: bool = False) -> str:
    """A difference: between percentages it is in percentage points (百分点). With
    ``display``, rounded for a table like a value (:func:`display_number`)."""
    number = display_number(gap) if display else format_number(gap)
    if rule.ratio is not None:
        return number
    if unit == "%":
        return f"{number}个百分点" if lang == "zh" else f"{number} percentage points"
    if display:
        return quantity_text(gap, unit, lang=lang, display=True)
    return quantity_text(gap, unit, lang=lang)


def _target_text(verdict: Verdict, lang: str) -> str:
    parts = []
    for op, threshold in verdict.thresholds:
        parts.append(f"{op_word(op, lang)} "
                     f"{quantity_text(threshold, verdict.unit, rule=verdict.rule, lang=lang)}")
    return ("且" if lang == "zh" else " and ").join(parts)


_ROLE_WORDS = {
    "zh": {"value": "", "reference": "参照值 ", "assigned": "下达任务 ", "baseline": "基期值 "},
    "en": {"value": "", "reference": "reference ", "assigned": "assigned target ",
           "baseline": "base value "},
}


def _step_line(step: Step, verdict: Verdict, lang: str, value_text: str | None = None) -> str:
    """One step in words; ``value_text`` is the verdict's value worded, when it was."""
    zh = lang == "zh"
    if isinstance(step, FactUsed):
        meta = [m for m in (step.source, step.period or step.date) if m]
        role = _ROLE_WORDS[lang].get(step.role)
        if role is None:
            role = f"输入 {step.role} " if zh else f"input {step.role} "
        where = (f"（{'，'.join(meta)}）" if zh else f" ({', '.join(meta)})") if meta else ""
        return (f"数据 {role}{step.fact_id} = {step.raw}{where}" if zh
                else f"fact {role}{step.fact_id} = {step.raw}{where}")
    if isinstance(step, Compared):
        if step.op is None:
            return ("判定：是" if step.holds else "判定：否") if zh else \
                ("judged: yes" if step.holds else "judged: no")
        rule = verdict.rule
        value = (value_text if value_text is not None and step.value is verdict.value
                 else quantity_text(step.value, verdict.unit, rule=rule, lang=lang))
        words = rule_words(rule, lang)
        what = step.op.value   # one kept per bound of a range
        threshold = words.kept(what, step.threshold, verdict.unit)
        if threshold is None:
            threshold = words.keep(what, step.threshold, verdict.unit, quantity_text(
                step.threshold, verdict.unit, rule=rule, lang=lang))
        outcome = ("成立" if step.holds else "不成立") if zh else ("holds" if step.holds else "fails")
        return (f"比较 {value} {step.op.value} {threshold}：{outcome}" if zh
                else f"compare {value} {step.op.value} {threshold}: {outcome}")
    if isinstance(step, UnitAssumed):
        if step.as_fraction:
            return (f"{step.fact_id} 未注明单位，按小数读取" if zh
                    else f"{step.fact_id} has no unit; read as a fraction")
        return (f"{step.fact_id} 未注明单位，按 {step.unit} 读取" if zh
                else f"{step.fact_id} has no unit; read in {step.unit}")
    if isinstance(step, Converted):
        before = quantity_text(step.value, step.from_unit, lang=lang)
        after = quantity_text(step.result, step.to_unit, lang=lang)
        return (f"换算 {before} × {format_number(step.factor)} = {after}" if zh
                else f"convert {before} × {format_number(step.factor)} = {after}")
    if isinstance(step, RatioRead):
        text = quantity_text(step.value, None, rule=verdict.rule, lang=lang)
        if step.inverted:
            return f"比例倒数读取为 {text}" if zh else f"inverse ratio read as {text}"
        return f"比例读取为 {text}" if zh else f"ratio read as {text}"
    if isinstance(step, Derived):
        inputs = ", ".join(f"{n} = {format_number(v)}{(' ' + u) if u else ''}"
                           for n, v, u in step.inputs)
        return (f"计算 {step.formula}（{inputs}）= {format_number(step.result)} {step.unit or ''}"
                if zh else f"derive {step.formula} ({inputs}) = {format_number(step.result)} "
                f"{step.unit or ''}").rstrip()
    if isinstance(step, ReferenceUsed):
        label = step.label or step.fact_id
        return (f"参照 {label} = {quantity_text(step.value, step.unit)}" if zh
                else f"reference {label} = {quantity_text(step.value, step.unit, lang='en')}")
    if isinstance(step, ChangeMeasured):
        return _change_line(step, verdict, lang)
    if isinstance(step, Rounded):
        return (f"按 GB/T 8170 修约到 {format_number(step.precision)}："
                f"{format_number(step.before)} → {format_number(step.after)}" if zh
                else f"rounded to {format_number(step.precision)} (GB/T 8170): "
                f"{format_number(step.before)} → {format_number(step.after)}")
    return str(step)  # pragma: no cover


_MEASURE_WORDS = {
    "zh": {"relative": "相对变化", "points": "变化（百分点）", "absolute": "变化量", "multiple": "倍数",
           "compound": "年均增速（复合）"},
    "en": {"relative": "relative change", "points": "change in percentage points",
           "absolute": "change", "multiple": "multiple", "compound": "compound annual rate"},
}
_DIRECTION_WORDS = {"zh": {1: "增长", -1: "下降"}, "en": {1: "up", -1: "down"}}


def change_phrase(rule: Rule, lang: str = "zh") -> str:
    """How a change or growth value reads before its number: ``较基期下降``, ``年均增长``,
    ``为基期的`` (a multiple); ``""`` for other rules."""
    change = rule.change
    if change is None:
        return ""
    zh = lang == "zh"
    if change.measure == "multiple":
        return "为基期的" if zh else "times the base:"
    word = _DIRECTION_WORDS["zh" if zh else "en"][change.direction]
    if rule.kind is Kind.GROWTH:
        return f"年均{word}" if zh else f"{word} per year"
    since = f"{change.base}年" if change.base is not None else "基期"
    return f"较{since}{word}" if zh else f"{word} since {change.base or 'the base'}"


def _change_line(step: ChangeMeasured, verdict: Verdict, lang: str) -> str:
    zh = lang == "zh"
    base = quantity_text(step.base, step.unit, lang=lang)
    current = quantity_text(step.current, step.unit, lang=lang)
    value = quantity_text(step.change, verdict.unit, rule=verdict.rule, lang=lang)
    measure = _MEASURE_WORDS["zh" if zh else "en"][step.measure]
    span = ""
    if step.years is not None:
        since = f"自 {step.base_period} 起" if zh else f" since {step.base_period}"
        span = (f"（{since} {format_number(step.years)} 年）" if zh
                else f" ({format_number(step.years)} years{since})")
    about = ("约" if zh else "about ") if step.approximate else ""
    return (f"{measure} 基期 {base} → 当前 {current}{span}：{about}{value}" if zh
            else f"{measure}: base {base} → now {current}{span}: {about}{value}")


_TRAJECTORY_WORDS = {
    "zh": {"on_track": "进度正常", "behind": "落后于进度", "met_early": "提前达标",
           "due": "到期判定", "unknown": "进度未知", "not_applicable": "进度不适用"},
    "en": {"on_track": "on track", "behind": "behind", "met_early": "met early",
           "due": "due", "unknown": "unknown", "not_applicable": "not applicable"},
}
_PATH_WORDS = {"zh": {"linear": "线性路径", "front-loaded": "前快后慢路径"},
               "en": {"linear": "linear path", "front-loaded": "front-loaded path"}}


_CATEGORY_WORDS = {
    "zh": {"target_achieved": "已达标", "on_track": "进度正常", "behind": "落后于进度",
           "substantial_progress": "进展显著", "moderate_progress": "进展中等",
           "limited_progress": "进展有限", "deterioration": "倒退",
           "fair_progress": "有所进展，需加速", "stagnation_or_regression": "停滞或倒退",
           "not_assessable": "无法评估", "not_applicable": "不适用"},
    "en": {"target_achieved": "target achieved", "on_track": "on track", "behind": "behind",
           "substantial_progress": "substantial progress",
           "moderate_progress": "moderate progress", "limited_progress": "limited progress",
           "deterioration": "deterioration",
           "fair_progress": "fair progress, acceleration needed",
           "stagnation_or_regression": "stagnation or regression",
           "not_assessable": "not assessable", "not_applicable": "not applicable"},
}
_METHOD_WORDS = {
    "zh": {"path": "路径法", "sdg": "复合增长率比值法（加拿大统计局/open-sdg）",
           "un": "趋势外推法（联合国可持续发展目标进展图）"},
    "en": {"path": "path method", "sdg": "growth-ratio method (Statistics Canada / open-sdg)",
           "un": "trend projection (UN SDG Progress Chart)"},
}


def trajectory_word(status: TrajectoryStatus, lang: str = "zh") -> str:
    """``进度正常``/``on track`` and so on."""
    return _TRAJECTORY_WORDS[_lang(lang)][status.value]


def trajectory_cell(path: Trajectory, lang: str = "zh") -> str:
    """A trajectory for a table cell: its status, and the method's category when a growth
    method names one of its own (``落后于进度（进展中等）``)."""
    word = trajectory_word(path.status, lang)
    if path.method == "path" or path.category not in _OWN_CATEGORIES:
        return word
    category = category_word(path.category, lang)
    return f"{word}（{category}）" if _lang(lang) == "zh" else f"{word} ({category})"


#: The categories only the growth methods give (the others repeat the status).
_OWN_CATEGORIES = frozenset({
    TrajectoryCategory.SUBSTANTIAL, TrajectoryCategory.MODERATE, TrajectoryCategory.LIMITED,
    TrajectoryCategory.DETERIORATION, TrajectoryCategory.FAIR, TrajectoryCategory.STAGNATION})


def category_word(category: TrajectoryCategory, lang: str = "zh") -> str:
    """``进展显著``/``substantial progress`` and so on."""
    return _CATEGORY_WORDS[_lang(lang)][category.value]


def method_word(method: str, lang: str = "zh") -> str:
    """The name of a progress method: ``趋势外推法（…）``/``trend projection (…)``."""
    return _METHOD_WORDS[_lang(lang)][method]


def trajectory_line(verdict: Verdict, lang: str = "zh") -> str:
    """The trajectory of a verdict in words: the value expected for the period and the gap."""
    zh = _lang(lang) == "zh"
    path = verdict.trajectory
    if path is None:
        return ""
    word = trajectory_word(path.status, lang)
    if (path.method != "path" and path.category is not None
            and category_word(path.category, lang) != word):
        category = category_word(path.category, lang)
        head = f"{word}（{category}）：" if zh else f"trajectory {word} ({category}): "
    else:
        head = f"{word}：" if zh else f"trajectory {word}: "
    tail = _broken_text(path, zh)
    if path.method != "path" and path.baseline is not None and path.op is not None and (
            path.cagr_observed is not None or path.category not in (
                TrajectoryCategory.NOT_ASSESSABLE, TrajectoryCategory.NOT_APPLICABLE)):
        return head + _growth_text(verdict, path, zh) + tail
    if path.expected is not None and path.op is not None and path.target is not None:
        return head + _path_text(verdict, path, zh) + tail
    reason = path.reason.value
    if path.status is TrajectoryStatus.MET_EARLY:
        text = (f"{path.deadline} 年的目标已提前达到" if zh
                else f"the {path.deadline} target is already met")
    elif reason == "annual":
        text = "年度目标，每年按当期判定" if zh else "an annual target, judged every year"
    elif reason == "ongoing":
        text = "持续性要求，每期判定" if zh else "an ongoing requirement, judged in every period"
    elif reason == "deadline":
        text = (f"{path.period} 已到目标年 {path.deadline}，以本期判定为准" if zh
                else f"{path.period} reaches the deadline {path.deadline}; the verdict decides")
    elif reason == "no_baseline":
        text = "未给出基期数据，无法判断进度" if zh else "no baseline given"
    elif reason == "baseline_value":
        text = (f"基期 {path.baseline_period} 缺少该指标的可用数据" if zh
                else f"no usable value in the baseline {path.baseline_period}")
    elif reason == "value":
        text = "本期数据缺失或无效" if zh else "no usable value for this period"
    elif path.category is TrajectoryCategory.NOT_ASSESSABLE:
        text = ("基期值、当前值与目标值符号不一致，无法按复合增长率评估" if zh
                else "the baseline, the value and the target differ in sign: no compound growth")
    elif path.method != "path":
        text = (f"{verdict.rule.kind.value} 类目标不适用{method_word(path.method, 'zh')}" if zh
                else f"the {method_word(path.method, 'en')} does not judge a "
                     f"{verdict.rule.kind.value} target")
    else:
        text = (f"{verdict.rule.kind.value} 类目标不按路径判断" if zh
                else f"a {verdict.rule.kind.value} target has no numeric path")
    return head + text + tail


def _broken_text(path: Trajectory, zh: bool) -> str:
    if path.broken_period is None:
        return ""
    return (f"；须每期保持达标，{path.broken_period} 未达标" if zh
            else f"; to be held in every period, and {path.broken_period} missed it")


def _rate(value: Fraction | None) -> str:
    """A growth rate in per cent; ``None`` is one beyond any scale (10^60, recorded as null)."""
    return "—" if value is None else f"{format_number(value * 100, places=2)}%"


def _growth_text(verdict: Verdict, path: Trajectory, zh: bool) -> str:
    """The ``sdg`` or ``un`` judgement in words: the two growth rates, and R or the share."""
    rule = verdict.rule
    lang = "zh" if zh else "en"
    unit = verdict.unit

    def q(value: Fraction | None) -> str:
        return quantity_text(value, unit, rule=rule, lang=lang)

    assert path.op is not None
    target = f"{op_word(path.op, lang)} {q(path.target)}"
    observed, required = _rate(path.cagr_observed), _rate(path.cagr_required)
    value = path.progress_value
    if zh:
        text = (f"按{method_word(path.method, 'zh')}，自基期 {path.baseline_period} 的 "
                f"{q(path.baseline)} 到 {path.period} 的 {q(path.value)}，年均复合增长 "
                f"{observed}；到 {path.deadline} 年末{target}需年均 {required}")
        if path.method == "sdg" and value is not None:
            text += f"；R = {format_number(value, places=2)}"
        elif value is not None:
            text += (f"；按此趋势 {path.deadline} 年末将为 {q(path.projected)}，完成基期到目标"
                     f"距离的 {format_number(value * 100, places=1)}%")
        if path.substituted:
            names = "、".join("基期值" if n == "baseline" else "目标值" for n in path.substituted)
            text += f"（{names}为 0，按该方法以 0.001 代替）"
        return text
    text = (f"{method_word(path.method, 'en')}: from {q(path.baseline)} in "
            f"{path.baseline_period} to {q(path.value)} in {path.period}, compound growth "
            f"{observed} a year; {target} by the end of {path.deadline} needs {required} a year")
    if path.method == "sdg" and value is not None:
        text += f"; R = {format_number(value, places=2)}"
    elif value is not None:
        text += (f"; at this trend, {q(path.projected)} by the end of {path.deadline}, "
                 f"{format_number(value * 100, places=1)}% of the way from the baseline to "
                 "the target")
    if path.substituted:
        text += f" ({' and '.join(path.substituted)} zero, replaced by 0.001 as the method does)"
    return text


def _path_text(verdict: Verdict, path: Trajectory, zh: bool) -> str:
    rule = verdict.rule
    lang = "zh" if zh else "en"
    unit = verdict.unit

    def q(value: Fraction | None) -> str:
        return quantity_text(value, unit, rule=rule, lang=lang)

    assert path.op is not None
    assert path.gap is not None
    target = f"{op_word(path.op, lang)} {q(path.target)}"
    gap = gap_text(abs(path.gap), unit, rule, lang)
    if zh:
        where = ("恰在路径上" if path.gap == 0 else
                 f"超出路径 {gap}" if path.gap > 0 else f"落后路径 {gap}")
        text = (f"按{_PATH_WORDS['zh'][path.path]}，自基期 {path.baseline_period} 的 "
                f"{q(path.baseline)} 到 {path.deadline} 年末{target}，{path.period} 应达 "
                f"{q(path.expected)}，实际 {q(path.value)}，{where}")
        if path.projected is not None:
            meets = "达标" if path.projected_meets else "不达标"
            text += (f"；按基期以来的速度，{path.deadline} 年末将为 {q(path.projected)}"
                     f"（{meets}）")
        return text
    where = ("exactly on the path" if path.gap == 0 else
             f"{gap} ahead of the path" if path.gap > 0 else f"{gap} behind the path")
    text = (f"{_PATH_WORDS['en'][path.path]} from {q(path.baseline)} in {path.baseline_period} "
            f"to {target} by the end of {path.deadline}; expected {q(path.expected)} for "
            f"{path.period}, observed {q(path.value)}, {where}")
    if path.projected is not None:
        meets = "meets" if path.projected_meets else "misses"
        text += (f"; at the pace since {path.baseline_period}, {q(path.projected)} by the end "
                 f"of {path.deadline} ({meets} the target)")
    return text
