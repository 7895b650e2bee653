"""A plan's structure: its heading, numbering, timeline and the departments of each clause.

Plans of the genre number their parts 一、 （一） 1. （1） ①; the numbers of the headings that
enclose a sentence make its clause: 二、 → （三） → 1. is ``二(三)1``. The title (and region)
come from the lines before the first numbered part, the plan period from the title's
（2025—2027年）, the phases from the dated headings under 工作安排, and a clause's departments
from its "（牵头单位：……，配合单位：……）".
"""

from __future__ import annotations

import re

import attrs

from .numerals import fold_width, holds_number

__all__ = ["Departments", "Line", "Structure", "read_structure"]

_CN = "一二三四五六七八九十"
# Level, pattern (on the width-folded line): the number and the rest of the line.
_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^\s*([{_CN}]{{1,3}})、\s*(.*)$")),
    (2, re.compile(rf"^\s*[(]([{_CN}]{{1,3}})[)]\s*(.*)$")),
    (3, re.compile(r"^\s*(\d{1,2})[.、](?!\d)\s*(.*)$")),
    (4, re.compile(r"^\s*[(](\d{1,2})[)]\s*(.*)$")),
    (5, re.compile(r"^\s*([①-⑳])\s*(.*)$")),
)
_SHAPES = {1: "{}", 2: "({})", 3: "{}", 4: "({})", 5: "{}"}

_LEAD_WORDS = "牵头单位|责任单位|主责单位|牵头部门|责任部门|牵头"
_SUPPORT_WORDS = "配合单位|参与单位|协同单位|配合部门|协办单位|配合"
_DEPARTMENTS = re.compile(
    rf"[(]\s*(?:{_LEAD_WORDS})\s*[:]\s*([^()]*?)"
    rf"(?:\s*[,;，；]\s*(?:{_SUPPORT_WORDS})\s*[:]\s*([^()]*?))?\s*[)]")
# （市发改委牵头，市财政局、市统计局配合）
_DEPARTMENTS_AFTER = re.compile(r"[(]\s*([^():]*?)牵头(?:\s*[,;，；]\s*([^():]*?)配合)?\s*[)]")
_SPLIT_NAMES = re.compile(r"\s*[、,，;；]\s*")

_TITLE_WORDS = re.compile(r"(方案|规划|计划|意见|纲要|措施|办法)$")
_PERIOD = re.compile(r"[(]\s*(\d{4})\s*[—–\-~至到－]+\s*(\d{4})\s*年?\s*[)]")
_REGION = re.compile(r"^(.{1,8}?(?:自治州|自治县|省|市|县|区|旗|州|盟))")
_ISSUER = re.compile(r"^\s*(\S{2,20}人民政府(?:办公室)?)\s*$")
_QUOTED_TITLE = re.compile("《([^》]{4,60})》")
_SCHEDULE = re.compile(r"工作安排|实施步骤|进度安排|步骤安排|时间安排|推进步骤")
_MONTHS = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*[—–\-~至到－]+\s*(?:(\d{4})\s*年\s*)?"
                     r"(\d{1,2})\s*月")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|年底)前?")


@attrs.frozen
class Departments:
    """Lead and supporting departments named in a clause's bracket."""

    lead: tuple[str, ...]
    support: tuple[str, ...] = ()


@attrs.frozen
class Line:
    """A line of the plan's body: its number (1-based), its clause, and its text (the plan's
    characters, a department bracket blanked out so that it is not read as a sentence)."""

    number: int
    clause: str
    text: str


@attrs.frozen
class Structure:
    """What the numbering and the heading say."""

    title: str
    region: str
    issuer: str
    issuer_guessed: bool
    period: tuple[int, int] | None
    phases: tuple[tuple[str, str, str], ...]          # (name, YYYY-MM, YYYY-MM)
    sections: tuple[tuple[str, str], ...]             # (clause, title), in the plan's order
    lines: tuple[Line, ...]
    departments: dict[str, Departments]
    structural_lines: frozenset[int]                  # lines read as headings, title, phases

    def departments_of(self, clause: str) -> Departments | None:
        """The departments of ``clause``, or of the nearest enclosing clause that names some."""
        for prefix in _prefixes(clause):
            if prefix in self.departments:
                return self.departments[prefix]
        return None


def _prefixes(clause: str) -> list[str]:
    """``二(三)1`` → ``二(三)1``, ``二(三)``, ``二``."""
    parts = re.findall(r"\([^)]*\)|[^()]", clause)
    merged: list[str] = []
    for part in parts:
        if merged and part.isdigit() and merged[-1].isdigit():
            merged[-1] += part
        else:
            merged.append(part)
    return ["".join(merged[:n]) for n in range(len(merged), 0, -1)]


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(name for name in _SPLIT_NAMES.split(text.strip()) if name) if text else ()


def read_structure(text: str) -> Structure:
    """The structure of a plan's text (see the module docstring)."""
    raw_lines = text.splitlines()
    stack: dict[int, str] = {}
    titles: list[tuple[str, str, int]] = []          # (clause, title, level)
    lines: list[Line] = []
    departments: dict[str, Departments] = {}
    structural: set[int] = set()
    phases: list[tuple[str, str, str]] = []
    head: list[tuple[int, str]] = []                 # lines before the first numbered part
    schedule_level: int | None = None
    seen_heading = False
    for index, original in enumerate(raw_lines, start=1):
        folded = fold_width(original)
        level, number, rest_at = _heading(folded)
        if level is None and not seen_heading:
            if folded.strip():
                head.append((index, original))
            continue
        body_at = 0
        clause = _clause(stack)
        if level is not None:
            seen_heading = True
            if schedule_level is not None and level <= schedule_level:
                schedule_level = None
            for deeper in [k for k in stack if k >= level]:
                del stack[deeper]
            stack[level] = _SHAPES[level].format(number)
            clause = _clause(stack)
            rest = folded[rest_at:]
            title, body_from = _title(rest)
            titles.append((clause, title, level))
            if _SCHEDULE.search(title):
                schedule_level = level
            elif schedule_level is not None and (phase := _phase(title)) is not None:
                phases.append(phase)
            structural.add(index)
            body_at = rest_at + body_from
        body = original[body_at:]
        folded_body = folded[body_at:]
        for pattern in (_DEPARTMENTS, _DEPARTMENTS_AFTER):
            for match in pattern.finditer(folded_body):
                lead, support = _names(match.group(1)), _names(match.group(2))
                if lead:
                    departments.setdefault(clause, Departments(lead, support))
                start, end = match.span()
                body = body[:start] + " " * (end - start) + body[end:]
                folded_body = folded_body[:start] + " " * (end - start) + folded_body[end:]
        if body.strip() and schedule_level is None:
            lines.append(Line(index, clause, " " * body_at + body))
        elif body.strip():
            structural.add(index)
    title, region, issuer, guessed, period = _heading_facts(head, text)
    structural.update(number for number, _ in head)
    sections = tuple((clause, heading) for clause, heading, level in titles if level <= 2)
    return Structure(title=title, region=region, issuer=issuer, issuer_guessed=guessed,
                     period=period, phases=tuple(phases), sections=sections, lines=tuple(lines),
                     departments=departments, structural_lines=frozenset(structural))


def _heading(folded: str) -> tuple[int | None, str, int]:
    for level, pattern in _HEADINGS:
        match = pattern.match(folded)
        if match and match.group(2).strip():
            return level, match.group(1), match.start(2)
    return None, "", 0


_STATES_TARGET = re.compile(r"\d.*(%|‰|万|亿|个|家|项|件|以上|以下|以内)|确保|力争|争取|到\d{4}年|"
                            r"不少于|不低于|不超过|不高于|达到|低于|高于|超过|控制在|提高到|降至")


def _title(rest: str) -> tuple[str, int]:
    """A heading's title and where its body starts: 1.创新引领，激发质量动能。搭建… has a title;
    1.到2027年，力争…。 states its content at once and has none."""
    stop = rest.find("。")
    if stop < 0:
        if len(rest) <= 40 and not _STATES_TARGET.search(rest):
            return rest.strip(), len(rest)
        return "", 0
    head = rest[:stop]
    if len(head) <= 25 and not _STATES_TARGET.search(head) and not holds_number(head):
        return head.strip(), stop + 1
    return "", 0


def _clause(stack: dict[int, str]) -> str:
    return "".join(stack[level] for level in sorted(stack))


def _phase(title: str) -> tuple[str, str, str] | None:
    """``部署阶段(2025年7月-2025年8月)`` → (部署阶段, 2025-07, 2025-08)."""
    match = _MONTHS.search(title)
    name = re.split(r"[(:：，,]", title, maxsplit=1)[0].strip()
    if match:
        start_year, start_month, end_year, end_month = match.groups()
        start = f"{start_year}-{int(start_month):02d}"
        end = f"{end_year or start_year}-{int(end_month):02d}"
        return (name or title, start, end)
    year_end = _YEAR_END.search(title)
    if year_end:
        return (name or title, f"{year_end.group(1)}-01", f"{year_end.group(1)}-12")
    return None


def _heading_facts(head: list[tuple[int, str]], text: str
                   ) -> tuple[str, str, str, bool, tuple[int, int] | None]:
    """Title, region, issuer (and whether it is a guess) and period from the plan's heading."""
    folded = [fold_width(line).strip() for _, line in head]
    title = ""
    for position, line in enumerate(folded):
        bare = _PERIOD.sub("", line).strip()  # 某县…行动方案（2026—2028年） on one line
        if _TITLE_WORDS.search(bare) and not line.startswith(("经研究", "现将", "各")):
            title = head[position][1].strip()
            if position + 1 < len(folded) and _PERIOD.fullmatch(folded[position + 1]):
                title += head[position + 1][1].strip()
            break
    if not title:
        quoted = _QUOTED_TITLE.search(text)
        title = quoted.group(1) if quoted else ""
    period_match = _PERIOD.search(fold_width(title))
    period = (int(period_match.group(1)), int(period_match.group(2))) if period_match else None
    region_match = _REGION.match(title)
    region = region_match.group(1) if region_match else ""
    issuer = ""
    for line in reversed(fold_width(text).splitlines()[-8:]):
        if match := _ISSUER.match(line):
            issuer = match.group(1)
            break
    guessed = not issuer and bool(region)
    if guessed:
        issuer = f"{region}人民政府"
    return title, region, issuer, guessed, period
