"""Numbers as plans write them, turned into digits the catalogue reads exactly.

Plans write ``8.5万元``, full-width ``８．５万元`` and ``９８％``, and Chinese numerals: ``八点五万元``,
``百分之九十``, ``两个``, ``三成``, ``一千二百家``. The Chinese numerals are read by cn2an (a maintained
converter); this module only finds them, hands each run to it, and writes the result back as an
exact decimal string. Full-width forms are folded one character for one, so that every position
in the folded text is the same position in the plan's text (quotes stay verbatim).
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal

import attrs

from ..catalog.units import KNOWN_UNITS

__all__ = ["Converted", "fold_width", "holds_number", "to_digits"]

# Full-width ASCII (！ to ～) and the ideographic space, each to its half-width character.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(text: str) -> str:
    """``８．５％`` → ``8.5%``; one character for one, so positions are kept."""
    return text.translate(_WIDTH)


_DIGITS = "零〇一二两三四五六七八九"
_NUMERAL = f"[{_DIGITS}十百千万亿点]"
#: A run of Chinese numerals that holds at least one digit or 十/百/千 (万 alone is 万人's 万).
_RUN = re.compile(rf"{_NUMERAL}*[{_DIGITS}十百千]{_NUMERAL}*")
#: What may follow a number that counts or measures something (a unit or a measure word).
#: The first characters of the units qcrules knows (元, 万元, 件, 吨, 亩, %, 岁 …), and the measure
#: words plans count with that are no unit (倍, 成, 级, 株 …).
_MEASURE = re.compile("[" + re.escape("".join(sorted(
    {unit[0] for unit in KNOWN_UNITS if not unit[0].isdigit()} | set("倍成级星批类株套艘架部场支门块间栋万亿")
))) + "]")
#: Words after which a lone 一 is a count (新建产业集群一个), not an article (是一项工作).
_ONE_AFTER = ("达", "达到", "新增", "新建", "建成", "拥有", "获得", "共", "为", "突破", "增加")
_SCALE = {"百分之": "%", "千分之": "‰", "万分之": "‱"}


@attrs.frozen
class Converted:
    """Text with its Chinese numerals written in digits, and the runs that were converted."""

    text: str
    runs: tuple[tuple[str, str], ...] = ()   # (the plan's words, the digits written for them)
    problems: tuple[str, ...] = ()           # runs that could not be read as a number
    #: (where each run starts in ``text``, where its words start in the plan's words)
    starts: tuple[tuple[int, int], ...] = ()

    def original_position(self, at: int) -> int:
        """Where position ``at`` of :attr:`text` falls in the plan's words (at or after the
        end of a converted run; the runs before it are shorter or longer in digits)."""
        shift = 0
        for (written_at, words_at), (words, digits) in zip(self.starts, self.runs, strict=True):
            if written_at + len(digits) <= at:
                shift = words_at + len(words) - (written_at + len(digits))
        return at + shift


def _cn_number(run: str) -> str | None:
    """One run of Chinese numerals as an exact decimal string (``八点五`` → ``8.5``), or None."""
    import cn2an  # a third of a second to import: only when a plan writes numbers in words

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = cn2an.cn2an(run, "normal")
        except (ValueError, KeyError, IndexError, TypeError):
            return None
    if isinstance(value, float):
        written = repr(value)
        places = len(run.partition("点")[2])
        if "e" in written or len(written.partition(".")[2]) != places:
            return None  # more digits than a float holds: refuse rather than round
        return written
    return str(Decimal(value))


def to_digits(text: str) -> Converted:
    """Chinese numerals that count or measure, in digits: ``达八点五万元`` → ``达8.5万元``,
    ``百分之九十`` → ``90%``, ``三成`` → ``30%``, ``两个`` → ``2个``. Numerals that are part of a
    name (``第一方阵``, ``一站式``, ``统一``) are left alone: a run is converted only when a unit or
    measure word follows it, or it stands after 百分之/千分之."""
    out: list[str] = []
    runs: list[tuple[str, str]] = []
    starts: list[tuple[int, int]] = []
    problems: list[str] = []
    position = 0
    written_length = 0   # of what ``out`` holds
    for match in _RUN.finditer(text):
        start, end = match.span()
        run = match.group()
        if run in "百千万" and text.startswith("分之", end):
            continue  # the 百 of 百分之: its number follows
        if run in ("百", "千", "万", "亿") and not text.endswith(tuple(_SCALE), 0, start):
            continue  # 百分点, 千米: a word, not a number (百分之百 is one)
        prefix = next((p for p in _SCALE if text.endswith(p, 0, start)), None)
        after = text[end:end + 1]
        if prefix is None and (not _MEASURE.match(after) or text[start - 1:start] == "第"):
            continue
        if run == "一" and prefix is None and after != "成" and not text.endswith(_ONE_AFTER, 0, start):
            continue  # 一项工作, 一个平台: an article, not a count
        if prefix is None and run[-1] in "万亿" and len(run) > 1 and (after == "元" or "点" in run):
            run, end = run[:-1], end - 1  # 八点五万元, 九十八点六万亩: 万元, 万亩 are the units
        written = _cn_number("一" + run if run in ("百", "千") else run)  # 百分之百
        if written is None:
            problems.append(run)
            continue
        begin = start
        if prefix is not None:
            begin = start - len(prefix)
            words, digits = prefix + run, written + _SCALE[prefix]
        elif after == "成" and run[-1] != "万":
            words, digits = run + "成", str(Decimal(written) * 10) + "%"
            end += 1
        else:
            words, digits = run, written
        kept = text[position:begin]
        starts.append((written_length + len(kept), begin))
        out.extend((kept, digits))
        written_length += len(kept) + len(digits)
        runs.append((words, digits))
        position = end
    out.append(text[position:])
    return Converted("".join(out), tuple(runs), tuple(problems), tuple(starts))


_ARABIC = re.compile(r"\d")


def holds_number(text: str) -> bool:
    """Whether ``text`` holds a number: a digit, or Chinese numerals that count or measure."""
    folded = fold_width(text)
    return bool(_ARABIC.search(folded)) or bool(to_digits(folded).runs)
