"""Targets found in a plan's sentences, as catalogue rules in the plan's own words.

A sentence is cut into items on 、，；(never inside brackets or quotation marks). A commitment
word (确保 ensure; 力争, 争取, 努力, 力求 strive) governs the items after it until the next one; a
deadline (到2027年) governs the items after it in its sentence. An item's target is the longest
tail of its words that the catalogue's own reader takes as a bound (达8.5万元, 稳定在98%以上,
比2020年下降13.5%, 年均增长8%, 3%左右, 1:12.5, 零的突破…); what stands before it is the indicator.
Items with no number of their own are names sharing the next item's target (国家标准、行业标准、
团体标准10项以上 is one indicator; A、B均达到95% gives each its own rule), or booleans (开展…工作)
and qualitative targets (…稳定达标) in a commitment's reach. 其中 makes a sub-target of the item
before it. Every item holding a number that becomes no rule is a finding, with its reason.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from ..catalog.units import UnitProblem, parse_quantity, same_dimension
from ..catalog.words import Form, TargetText, WordError, parse_change_text, read_target, split_approx
from .numerals import fold_width, holds_number, to_digits
from .structure import Line

__all__ = ["Finding", "Found", "find_targets"]


@attrs.frozen
class Finding:
    """A sentence (or an item of one) that holds a number or a target word and became no rule."""

    code: str
    clause: str
    line: int
    text: str
    reason: str
    sentence: str = ""    # the whole sentence the text is part of


@attrs.frozen
class Found:
    """One target, before it is given an id and checked by the catalogue's validator."""

    clause: str
    line: int
    quote: str
    zh: str
    kind: str
    target: str | None
    unit: str | None
    commitment: str
    deadline: int | str
    notes: tuple[str, ...] = ()
    tier: int | None = None
    reference: str | None = None      # the Chinese name of a relative target's reference
    min: str | None = None
    max: str | None = None
    group: str | None = None          # a key shared by the rules of one compound target


_OPEN, _CLOSE = "(“《「[", ")”》」]"
_SEPARATORS = "、,;，；"
_SENTENCE_END = "。!?！？"

_COMMITMENTS = (("确保", "ensure"), ("务必", "ensure"), ("力争", "strive"), ("争取", "strive"),
                ("努力", "strive"), ("力求", "strive"))
_DEADLINE = re.compile(r"^(?:到|至|于|在|截至)?\s*(\d{4})\s*年(?:底|末|年底)?前?\s*[,，]?\s*")
_ANNUAL = re.compile(r"每年|年度")
_CONNECTIVES = ("同时", "以及", "并且", "并", "且", "和", "及")
_SCOPE_WORDS = ("本地区", "全地区", "全市", "全县", "全区", "全镇", "本市", "本县", "本区", "我市",
                "我县", "我区", "全省", "市域", "县域内")
_OWNING = ("拥有", "保有")
_ACTIONS = ("开展", "建成", "创建", "实现", "建立", "出台", "启动", "获批", "通过", "争创", "创成",
            "完成", "推动", "推进", "打造", "形成")
_QUALITATIVE_ENDS = ("稳定达标", "全面达标", "达标", "持续改善", "明显改善", "显著提升", "稳步提升",
                     "不断提升", "持续提升", "有效遏制", "总体稳定", "只增不减", "保持稳定",
                     "更加健全", "更加完善", "稳中有升", "稳中向好")
#: Actions that are targets of their own when a commitment or deadline governs them.
_GOVERNED_ACTIONS = ("创建", "建成", "获评", "争创", "成功创建", "创成", "获批", "通过")
_TARGET_WORDS = re.compile(r"确保|力争|争取|达到|不低于|不高于|不少于|提高到|降至|控制在")
_RELATIVE = re.compile(r"(不低于|不高于|高于|低于|优于|好于|超过|不超过)"
                       r"((?:全国|全省|全市|省|市|国家)?[^,，、]{0,12}?平均(?:水平|数|值|增速|增幅|水平线)?)$")
_ASSIGNED = re.compile(r"完成(?:上级|省|市|国家|省市|省级|市级)?(?:下达|分解|确定)的?(?:目标)?任务$")
_RANK = re.compile(r"^(?P<subject>.+?)(?P<verb>位居|稳居|居于|位列|跻身|进入|保持|排名|排在|排|居|在)"
                   r"(?P<scope>.*?)(?P<tier>第一方阵|第一梯队|前列|前茅|前[\d一二三四五六七八九十]+(?:位|名)?)$")
_PHRASE_STARTS = ("零的突破", "全覆盖", "为零", "实现零", "实现全覆盖", "不发生", "零")
_TIERS = {"第一方阵": 10, "第一梯队": 10, "前列": 3, "前茅": 3}
_PER_HEAD = ((re.compile(r"^(?:人均)|(?:居民|农民|职工|城镇|农村)人均(?!.*比$)"), "人"),
             (re.compile(r"^(?:每万人口?|万人)"), "万人"),
             (re.compile(r"^(?:每千人口?|千人)"), "千人"), (re.compile(r"^(?:每十万人口?|十万人)"),
                                                         "十万人"),
             (re.compile(r"^(?:每百人口?|百人)"), "百人"), (re.compile(r"^每千名"), "千人"),
             (re.compile(r"^每万名"), "万人"), (re.compile(r"亩均"), "亩"))
#: Units that are never per head (人均预期寿命 is in 岁, not 岁/人).
_NOT_PER_HEAD = frozenset(("岁", "周岁", "年", "月", "天", "日", "小时", "分", "位", "名"))
_NAME_ENDS = ("数", "量", "率", "比", "额", "值", "面积", "指数", "规模", "总量", "收入", "产值",
              "增加值", "比重", "比例", "占比", "人数", "次数", "长度", "里程", "容量", "功率")
_RATE_ENDS = ("率", "比重", "比例", "占比", "满意度", "覆盖面", "普及度")
_SIGNED_RATE_ENDS = ("增长率", "增速", "增幅", "涨幅", "增长")
_FALLING_RATE_ENDS = ("下降率", "降低率", "下降幅度", "降幅")


@attrs.frozen
class _Item:
    start: int      # in the line
    end: int
    text: str       # the plan's characters
    separator: str  # what follows it: 、 ， ； or ""


def find_targets(line: Line, *, plan_end: int | None) -> tuple[list[Found], list[Finding]]:
    """The targets of one line of the plan, and the findings (see the module docstring)."""
    found: list[Found] = []
    findings: list[Finding] = []
    for start, end in _sentences(line.text):
        sentence = line.text[start:end]
        made, missed = _sentence_targets(line, sentence, start, plan_end)
        found.extend(made)
        findings.extend(attrs.evolve(f, sentence=sentence.strip()) for f in missed)
        if not made and not missed and (holds_number(sentence) or
                                        _TARGET_WORDS.search(fold_width(sentence))):
            findings.append(Finding("QC181", line.clause, line.number, sentence.strip(),
                                    "no measurable target: a number or target word, but no "
                                    "bound on an indicator", sentence.strip()))
    return found, findings


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    depth, start = 0, 0
    for index, char in enumerate(fold_width(text)):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in _SENTENCE_END and depth == 0:
            if text[start:index].strip():
                yield start, index
            start = index + 1
    if text[start:].strip():
        yield start, len(text)


def _items(sentence: str) -> list[_Item]:
    items: list[_Item] = []
    depth, start = 0, 0
    folded = fold_width(sentence)
    for index, char in enumerate(folded):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and (char in _SEPARATORS or _colon(folded, index) or _and(folded, index, start)):
            items.append(_Item(start, index, sentence[start:index], char))
            start = index + (0 if char == "且" else 1)
    items.append(_Item(start, len(sentence), sentence[start:], ""))
    return _with_bracketed_parts([_strip(item) for item in items if item.text.strip()])


def _colon(folded: str, index: int) -> bool:
    """A colon that introduces a list (实现“三个翻番”：A、B…), not a ratio's (1:12.5)."""
    return folded[index] == ":" and not (folded[index - 1:index].isdigit() and
                                         folded[index + 1:index + 2].isdigit())


def _and(folded: str, index: int, start: int) -> bool:
    """且 joining two bounds of one indicator (达到95%以上且不低于全省平均水平)."""
    return folded[index] == "且" and bool(re.search(r"\d", folded[start:index]))


_BRACKETED_SUB = re.compile(r"[(（](其中[^()（）]+)[)）]$")


def _with_bracketed_parts(items: list[_Item]) -> list[_Item]:
    """认证率达到85%（其中高新技术企业为100%）: the bracket is a sub-target of its own."""
    out: list[_Item] = []
    for item in items:
        match = _BRACKETED_SUB.search(item.text)
        if match is None:
            out.append(item)
            continue
        head = item.text[:match.start()]
        out.append(_Item(item.start, item.start + len(head), head, "，"))
        inner_at = item.start + match.start(1)
        out.append(_Item(inner_at, inner_at + len(match.group(1)), match.group(1), item.separator))
    return out


def _strip(item: _Item) -> _Item:
    text = item.text
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    return _Item(item.start + lead, item.start + lead + len(text), text, item.separator)


@attrs.frozen
class _Reading:
    """An item's target: where it starts in the (digit-written) words, its kind and words."""

    at: int
    kind: str
    target: str | None
    unit: str | None
    tier: int | None = None
    reference: str | None = None
    notes: tuple[str, ...] = ()
    bare: bool = False           # a number with no bound word (新建产业集群1个)
    name: str | None = None      # the indicator's name when the words give it (ranks, 不发生…)


def _sentence_targets(line: Line, sentence: str, offset: int, plan_end: int | None
                      ) -> tuple[list[Found], list[Finding]]:
    found: list[Found] = []
    findings: list[Finding] = []
    folded_sentence = fold_width(sentence)
    commitment = "none"
    deadline: int | str | None = None
    annual = bool(_ANNUAL.search(folded_sentence))
    pending: list[tuple[_Item, str, str]] = []     # names waiting for the next item's target
    leftovers: list[_Item] = []                    # items holding a number, no target (yet)
    numeric_in_sentence = False
    sentence_items = _items(sentence)
    readings: list[tuple[_Item, str, str, _Reading | None, str, int | str | None, bool]] = []
    consumed: set[int] = set()
    for index, item in enumerate(sentence_items):
        if index in consumed:
            continue
        text = fold_width(item.text)
        quote_at = 0
        joined = text.startswith("且")
        while True:
            match = _DEADLINE.match(text[quote_at:])
            if match and match.end():
                deadline = int(match.group(1))
                quote_at += match.end()
                continue
            connective = next((c for c in _CONNECTIVES if text.startswith(c, quote_at)
                               and len(text) > quote_at + len(c) + 1), None)
            if connective and not text.startswith(("和谐", "及时"), quote_at):
                quote_at += len(connective)
                continue
            break
        sub = text.startswith("其中", quote_at)
        if sub:
            quote_at += 2
        body_at = quote_at
        word = next(((w, c) for w, c in _COMMITMENTS if text.startswith(w, body_at)), None)
        if word is not None:
            commitment = word[1]
            body_at += len(word[0])
            if text.startswith("实现", body_at) and _reading(text[body_at + 2:]) is not None:
                body_at += 2
            late = _DEADLINE.match(text[body_at:])
            if late and late.end():  # 力争到2027年…: the quote starts after the date
                deadline = int(late.group(1))
                body_at += late.end()
                quote_at = body_at
        elif (scope := next((w for w in _SCOPE_WORDS if text.startswith(w, body_at)), None)) \
                and not sub:
            quote_at = body_at = body_at + len(scope)  # 全县新增…: the scope is not the target's
        body = text[body_at:]
        if not body.strip():
            continue
        if "分别" in body and (values := _values_after(sentence_items, index)):
            listed: list[tuple[_Item, str, int]] = [(item, body, quote_at)]
            while readings and readings[-1][3] is None and readings[-1][0].separator == "、":
                earlier = readings.pop()
                listed.insert(0, (earlier[0], fold_width(earlier[2]),
                                  len(earlier[0].text) - len(earlier[1])))
            made = _respectively(line, offset, listed, values, commitment, deadline,
                                 _due(deadline, annual, plan_end))
            if made:
                found.extend(made)
                consumed.update(range(index + 1, index + 1 + len(values)))
                numeric_in_sentence = True
                continue
        reading = _reading(body, joined=joined)
        original = item.text[body_at:]
        if reading is not None:
            numeric_in_sentence = True
        quote = item.text[quote_at:] if not sub else item.text[quote_at - 2:]
        readings.append((item, quote, original, reading, commitment, deadline, sub or joined))
    in_reach = numeric_in_sentence
    previous: Found | None = None
    for item, quote, body, reading, commitment, item_deadline, sub in readings:
        due, due_notes = _due(item_deadline, annual, plan_end)
        notes = list(due_notes)
        if item.separator == ":" and reading is None:
            if holds_number(body):  # 实现“两个翻番”：…, the list's introduction
                leftovers.append(item)
            continue
        if reading is None:
            named = _named(body)
            if item.separator in "、" and item.separator and not _is_action(body) and \
                    not body.endswith(_QUALITATIVE_ENDS) and named:
                pending.append((item, quote, body))
                continue
            kind = _plain_kind(body, in_reach, commitment, item_deadline)
            if kind is None:
                if holds_number(body):
                    leftovers.append(item)
                pending.clear()
                continue
            found.append(Found(line.clause, line.number, quote, _zh(body), kind, None, None,
                               commitment, due, tuple(notes)))
            previous = found[-1]
            pending.clear()
            continue
        if reading.bare and commitment == "none" and item_deadline is None and \
                reading.unit not in ("%", "‰") and not sub:
            findings.append(Finding("QC184", line.clause, line.number, item.text,
                                    "a number with no bound word, commitment or deadline: a "
                                    "count of work to do rather than a target"))
            pending.clear()
            continue
        zh_words = body[:reading.at]
        if reading.kind == "approx":
            zh_words = re.sub(r"(达到|达)$", "", zh_words)  # 达到约12亿元: 约12亿元
        if reading.kind == "ceiling" and (verb := _REDUCE_TO.search(zh_words)):
            zh_words = zh_words[:verb.start()]  # 审批时间压缩到60天以内: 60天以内
            notes.append(f"“{verb.group()}”读作不超过。")
        if not _zh(zh_words) and item_deadline is not None and previous is not None \
                and reading.kind not in ("relative", "assigned"):
            zh_words = previous.zh  # 到2025年达到58%，到2027年达到61%: a milestone
        if _UNREAD_TAIL.search(fold_width(zh_words)):
            findings.append(Finding("QC183", line.clause, line.number, item.text,
                                    "words the drafter cannot split into an indicator and a "
                                    "target (a number or bound word left in the name)"))
            pending.clear()
            continue
        if reading.target and reading.target.startswith("完成") and reading.unit == "%" and \
                not zh_words.endswith("率"):
            zh_words += "完成率"
        shared = zh_words.rstrip().endswith("均") or bool(reading.target and
                                                          reading.target.startswith("均"))
        if zh_words.rstrip().endswith("均"):
            zh_words = zh_words.rstrip()[:-1]
        names: list[tuple[str, str, str | None]] = []   # (zh words, quote, None)
        if pending and shared:
            # each name quotes from itself through the shared words (A、B均达到95%以上)
            names = [(p_body, line.text[offset + p_item.end - len(p_quote):offset + item.end],
                      None) for p_item, p_quote, p_body in pending]
            names.append((zh_words, quote, None))
        elif pending:
            joined_words = "".join(p_body + p_item.separator for p_item, _, p_body in pending)
            first_quote = pending[0][1]
            whole = line.text[offset + pending[0][0].end - len(first_quote):offset + item.end]
            names = [(joined_words + zh_words, whole, None)]
        else:
            names = [(zh_words, quote, None)]
        pending.clear()
        group = None
        if len(names) > 1:
            group = f"{line.number}:{item.start}"
        elif sub and previous is not None:
            group = previous.group or f"{previous.line}:{previous.quote}"
            if previous.group is None:
                found[found.index(previous)] = attrs.evolve(previous, group=group)
        for words, rule_quote, _ in names:
            zh, zh_notes = _indicator_name(words, reading, sub, previous, joined=item.text.startswith("且"))
            if not zh:
                findings.append(Finding("QC182", line.clause, line.number, rule_quote,
                                        "a target with no indicator named before it"))
                continue
            unit, unit_notes = _unit(zh, reading)
            target_words = (reading.target if reading.kind in ("growth", "change") else
                            _restated(reading.target, reading.unit, unit))
            if reading.unit == "名" and unit == "人" and target_words:
                target_words = re.sub(r"(?<=\d)名", "人", target_words)
            kind = reading.kind
            if kind == "floor" and _counts_items(unit) and not unit_notes:
                kind = "count"
            low, high = _limits(zh, unit, kind)
            if high == "100%" and any(Decimal(n) > 100 for n in
                                      re.findall(r"(\d+(?:\.\d+)?)%", target_words or "")):
                high = None  # a rate that may pass 100 % (负债率, 完成率 of a plan exceeded)
            all_notes = (*reading.notes, *zh_notes, *unit_notes, *notes)
            if shared and len(names) > 1:
                all_notes = (*all_notes, "“均”：同一目标分别适用于并列的各项指标。")
            found.append(Found(line.clause, line.number, rule_quote, zh, kind, target_words,
                               unit, commitment, due, tuple(all_notes), reading.tier,
                               reading.reference, low, high, group))
        previous = found[-1] if found else previous
    for item in leftovers:
        findings.append(Finding("QC180", line.clause, line.number, item.text,
                                "a number inside a phrase, with no target after it"))
    for item, _, body in pending:
        if holds_number(body):
            findings.append(Finding("QC180", line.clause, line.number, item.text,
                                    "a number inside a phrase, with no target after it"))
    return found, findings


#: A verb of reducing before a ceiling the lexicon does not know (压缩到, 缩短至).
_REDUCE_TO = re.compile(r"(压缩|缩短|压减|减少|降低|控制)(到|至)$")
#: An indicator's words that end in a number or a bound word: the target was read too short
#: (达到3至5万亩以内 is not 5万亩以内 of an indicator named …达到3至).
_UNREAD_TAIL = re.compile(r"(\d|达到|达|至|到|[-—~～]|不低于|不少于|不超过|低于|高于)$")


_BASE_AT_END = re.compile(r"(比|较)\d{4}年$")
_SPLIT_NAMES = re.compile(r"和|及|、")


def _values_after(items: list[_Item], index: int) -> list[_Item]:
    """The bare values after a 分别 item (…分别下降15%、10%): 10%."""
    values: list[_Item] = []
    for later in items[index + 1:]:
        text = to_digits(fold_width(later.text)).text
        plain = split_approx(text)
        if not _quantity(plain.text if plain is not None else text):
            break
        values.append(later)
        if later.separator not in ("、", ",", "，"):
            break
    return values


def _respectively(line: Line, offset: int, names: list[tuple[_Item, str, int]],
                  values: list[_Item],
                  commitment: str, deadline: int | str | None,
                  due: tuple[int | str, tuple[str, ...]]) -> list[Found]:
    """A、B分别达到80%、70% (or A和B比2024年分别下降15%、10%): one rule per name, each with the
    value in its place, in one group. Empty when the words do not line up."""
    first_item, body, quote_at = names[-1]
    left, _, right = body.partition("分别")
    base = _BASE_AT_END.search(left)
    if base is not None:
        left, right = left[:base.start()], base.group() + right
    words = [w for w in _SPLIT_NAMES.split(left) if w]
    listed = [_zh(fold_width(b)) for _, b, _ in names[:-1]] + words
    numbers = [to_digits(fold_width(v.text)).text for v in values]
    first = _reading(f"指标{right}")
    if first is None or first.target is None or len(listed) != len(numbers) + 1:
        return []
    approx = split_approx(numbers[-1]) is not None and split_approx(first.target) is None
    targets = [first.target] + [_with_number(first.target, n) for n in numbers]
    if approx:
        targets = [t if split_approx(t) is not None else t + "左右" for t in targets]
    names_zh = _shared_tail(listed)
    end = offset + values[-1].end
    made: list[Found] = []
    group = f"{line.number}:{names[0][0].start}:respectively"  # one compound target
    starts = [offset + item.start + at for item, _, at in names[:-1]]
    within = fold_width(first_item.text)
    for number, word in enumerate(words):
        at = within.find(word, quote_at) if number else quote_at  # 确保A和B…: 确保 opens A's
        starts.append(offset + first_item.start + max(at, quote_at))
    for position, (zh, target) in enumerate(zip(names_zh, targets, strict=True)):
        reading = _reading(f"指标{target}")
        if reading is None or reading.target is None:
            return []
        quote = line.text[starts[position]:end].strip()
        unit, unit_notes = _unit(zh, reading)
        kind = reading.kind
        if kind == "floor" and _counts_items(unit) and not unit_notes:
            kind = "count"
        low, high = _limits(zh, unit, kind)
        notes = (*reading.notes, *unit_notes, *due[1], "“分别”：按次序对应各项指标与数值。")
        made.append(Found(line.clause, line.number, quote, zh, kind, reading.target, unit,
                          commitment, deadline if deadline is not None else due[0], notes,
                          None, reading.reference, low, high, group))
    return made


def _with_number(target: str, value: str) -> str:
    """The first target's words with another number: 下降15% and 10% → 下降10%; a bound word
    after the number (以上) stays."""
    plain = split_approx(value)
    number = plain.text if plain is not None else value
    suffix = re.search(r"(以上|以下|以内)$", target)
    core = re.sub(r"(左右|以上|以下|以内)$", "", target)
    return re.sub(r"\d+(?:\.\d+)?\s*[^\d\s]*$", number, core) + (suffix.group() if suffix else "")


def _shared_tail(names: list[str]) -> list[str]:
    """职工医保、居民医保政策范围内…比例: the last name's tail completes the shorter ones
    (职工医保政策范围内…比例)."""
    last = names[-1]
    completed = []
    for name in names[:-1]:
        if name.endswith(_NAME_ENDS) or len(name) >= len(last):
            completed.append(name)
            continue
        for size in range(len(name), 0, -1):
            where = last.find(name[-size:])
            if where >= 0 and where + size < len(last):
                completed.append(name + last[where + size:])
                break
        else:
            completed.append(name)
    return [*completed, last]


def _due(deadline: int | str | None, annual: bool, plan_end: int | None
         ) -> tuple[int | str, tuple[str, ...]]:
    """A target's deadline: its sentence's 到YYYY年, else annual (每年, 年度), else the plan's
    end year (said in a note), else ongoing."""
    if deadline is not None:
        return deadline, ()
    if annual:
        return "annual", ()
    if plan_end is not None:
        return plan_end, (f"原句无年份，按方案期末{plan_end}年登记。",)
    return "ongoing", ("原句无年份，作为持续性要求登记。",)


def _named(body: str) -> bool:
    """A noun-like piece of a list (国家标准, 行业标准), not a clause of its own."""
    return bool(body) and not body.startswith(("在", "对", "把", "将", "以"))


def _is_action(body: str) -> bool:
    return body.startswith(_ACTIONS)


def _plain_kind(body: str, in_reach: bool, commitment: str,
                deadline: int | str | None) -> str | None:
    """The kind of an item with no numeric target: boolean, qualitative, or none (no rule)."""
    governed = commitment != "none" or deadline is not None
    if body.endswith(_QUALITATIVE_ENDS) and governed:
        return "qualitative"
    if governed and ((_is_action(body) and in_reach) or body.startswith(_GOVERNED_ACTIONS)):
        return "boolean"
    if in_reach and holds_number(body) and not governed:
        return "qualitative"
    return None


def _reading(body: str, *, joined: bool = False) -> _Reading | None:
    """The target at the end of an item's words (see the module docstring), or None; with
    ``joined`` (an item after 且), the words may be a bound alone, on the item before's
    indicator."""
    if len(body) < 2:
        return None
    if (match := _RELATIVE.search(body)) and (match.start() > 0 or joined):
        return _Reading(match.start(), "relative", match.group(1), None,
                        reference=match.group(2))
    if match := _NONE_HAPPENS.match(body):
        what = match.group(1)
        return _Reading(0, "count", body, None, name=f"{what}{_count_noun(what)}")
    if (match := _ASSIGNED.search(body)) and match.start() > 0:
        return _Reading(match.start(), "assigned", "完成", None, reference="上级下达的任务")
    converted = to_digits(body)
    text = converted.text
    number_notes = tuple(f"原文“{words}”按数字读作{digits}。" for words, digits in converted.runs)
    if match := _RANK.match(text):
        return _rank(match, number_notes)
    for at in range(0 if joined else 1, len(text)):
        reading = _tail(text[at:])
        if reading is None:
            continue
        kind, unit, notes, words, bare = reading
        offset = converted.original_position(at)
        return _Reading(offset, kind, words, unit, notes=(*number_notes, *notes), bare=bare)
    return None


#: 不发生重大安全事故, 确保不发生…: none of what follows happens (a count that must be 0).
_NONE_HAPPENS = re.compile(r"^不发生(.{2,30})$")


def _count_noun(what: str) -> str:
    """The noun that counts ``what`` in an indicator's name: 事故 are counted in 起数."""
    if what.endswith(("事故", "事件", "案件", "火灾")):
        return "起数"
    if what.endswith("天气"):
        return "发生次数"
    return "数"


def _rank(match: re.Match[str], notes: tuple[str, ...]) -> _Reading | None:
    subject = match.group("subject")
    scope = match.group("scope")
    tier_word = match.group("tier")
    if not subject or subject.startswith("在"):
        return None
    tier = _TIERS.get(tier_word)
    extra: tuple[str, ...] = ()
    if tier is not None:
        extra = (f"“{tier_word}”按排名前{tier}位读取，请按实际口径确认方阵（梯队）大小。",)
    scope = re.sub(r"(排名|排在|排|位居|居)$", "", scope.strip())
    zh = f"{subject}{scope}位次"
    return _Reading(len(subject), "rank", tier_word, "位", tier=tier, name=zh,
                    notes=(*notes, *extra))


def _tail(text: str) -> tuple[str, str | None, tuple[str, ...], str, bool] | None:
    """The kind, unit, notes, target words and whether the number stands bare, if ``text``
    reads whole as a target; else None."""
    try:
        change = parse_change_text(text)
    except WordError:
        change = None
    if change is not None:
        amount = _bare_amount(change.amount)
        notes: tuple[str, ...] = ()
        if (about := split_approx(amount)) is not None:  # 年均增长10%左右
            amount = about.text
            notes = ("“左右/约”按默认容差（相对±5%）读取，请确认。",)
        if change.multiple is None and not _quantity(amount):
            return None
        unit = _unit_of(amount) if amount else None
        if unit == "%" and not change.annual and "百分点" not in text:
            notes = (*notes, "“%”的变化可能指百分点，也可能指相对变化，请确认。")
        return ("growth" if change.annual else "change"), unit, notes, text, False
    approx = split_approx(text)
    if approx is not None:
        with contextlib.suppress(WordError):
            moved = parse_change_text(approx.text)  # 年均增长10%左右: a growth, about 10 %
            if moved.multiple is not None or _quantity(_bare_amount(moved.amount)):
                unit = _unit_of(_bare_amount(moved.amount)) if moved.amount else None
                return ("growth" if moved.annual else "change"), unit, (
                    "“左右/约”按默认容差（相对±5%）读取，请确认。",), text, False
        plain = approx.text
        words = text
        for reach in ("达到", "达"):
            if plain.startswith(reach) and _quantity(plain[len(reach):]):
                plain, words = plain[len(reach):], text[len(reach):]  # 达到45%左右: 45%左右
        if not _quantity(plain):
            return None
        return ("approx", _unit_of(plain), ("“左右/约”按默认容差（相对±5%）读取，请确认。",),
                words, False)
    if text.endswith("清零") and text in ("清零", "动态清零", "全部清零", "实现清零", "均清零"):
        return "count", None, ("“清零”读作为零。",), "为零", False
    try:
        reading = read_target(text)
    except WordError:
        return None
    if reading.form in (Form.TIER, Form.TOP):
        return None
    if reading.form in (Form.ZERO, Form.BREAKTHROUGH, Form.COVERAGE):
        if not text.startswith(_PHRASE_STARTS):
            return None
        return (_phrase_kind(reading), ("%" if reading.form is Form.COVERAGE else None), (),
                text, False)
    units = [_unit_of(b.quantity) for b in reading.bounds if _quantity(b.quantity)]
    if len(units) != len(reading.bounds) or not units:
        return None
    if ":" in reading.bounds[0].quantity:
        return "ratio", None, (), text, False
    kind = reading.kind
    if kind is None:
        return None
    return kind.value, units[0], (), text, reading.form is Form.BARE


def _phrase_kind(reading: TargetText) -> str:
    kind = reading.kind
    return kind.value if kind is not None else "count"


def _bare_amount(amount: str) -> str:
    """A change's amount without its bound words: 1个百分点以上 → 1个百分点."""
    if not amount:
        return amount
    try:
        reading = read_target(amount)
    except WordError:
        return amount
    return reading.bounds[0].quantity if len(reading.bounds) == 1 else amount


def _quantity(text: str) -> bool:
    if not text or not re.search(r"\d", text):
        return False
    try:
        parse_quantity(text)
    except UnitProblem:
        return False
    return True


def _unit_of(text: str) -> str | None:
    try:
        parsed = parse_quantity(text)
    except UnitProblem:
        return None
    return None if parsed.ratio else parsed.unit


def _zh(words: str) -> str:
    text = words.strip(" ，,、")
    for scope in _SCOPE_WORDS:
        if text.startswith(scope) and len(text) > len(scope) + 1:
            text = text[len(scope):]
            break
    for owning in _OWNING:
        if text.startswith(owning) and len(text) > len(owning) + 1:
            text = text[len(owning):]
    if text.endswith("的"):
        text = text[:-1]
    return text


def _indicator_name(words: str, reading: _Reading, sub: bool, previous: Found | None, *,
                    joined: bool = False) -> tuple[str, tuple[str, ...]]:
    if reading.name:
        return _zh(reading.name), ()
    zh = _zh(words)
    notes: list[str] = []
    if joined and not zh and previous is not None:
        return previous.zh, ("“且”：与上一项同一指标的又一要求，两项同时满足才算达成。",)
    if sub:
        if previous is None:
            return "", ()
        zh = f"{previous.zh}（其中{zh}）"
        notes.append("“其中”：上一项指标的一部分，请确认指标口径。")
    elif zh and (_counts(reading.unit) or (reading.kind == "count" and reading.unit is None)
                 ) and not zh.endswith(_NAME_ENDS) and reading.kind != "approx":
        zh += "数"
    return zh, tuple(notes)


#: Safety rates per so many things (亿元GDP生产安全事故死亡率, 每十万台特种设备死亡率, 道路交通万车
#: 死亡率): deaths per the thing the name opens with.
_PER_THING = re.compile(r"(亿元|万元|十万台|万台|万车|万辆|十万人)(?:GDP|地区生产总值)?")
_PER_THING_COUNTS = (("死亡率", "人"), ("事故率", "起"), ("发案率", "起"))
#: The unit a growing or falling level is counted in, guessed from the indicator's name.
_LEVEL_UNITS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), unit) for pattern, unit in (
        (r"人均.*(收入|支出|GDP|生产总值)(?!.*比$)", "元/人"),
        (r"人均.*能耗", "千克标准煤/人"),
        (r"亩均.*(收入|税收|产值|增加值)", "万元/亩"),
        (r"单位.*增加值.*能耗", "吨标准煤/万元"),
        (r"(单位GDP|单位地区生产总值|万元GDP).*(能耗|能源消耗)", "吨标准煤/万元"),
        (r"(单位GDP|单位地区生产总值|万元GDP).*(二氧化碳|碳)排放", "吨/万元"),
        (r"(单位GDP|单位地区生产总值|万元GDP|万元地区生产总值).*用水", "立方米/万元"),
        (r"(单位GDP|单位地区生产总值|万元GDP).*(建设用地|用地)", "平方米/万元"),
        (r"(能耗总量|能源消费总量)$", "万吨标准煤"),
        (r"(排放总量|排放量|使用量|施用量|减排量)$", "吨"),
        (r"(事故|案件|火灾|事件).*(起数|数)$|起数$", "起"),
        (r"(死亡人数|人数)$", "人"),
        (r"(总值|增加值|收入|投资|额|利润|税收|规模|营收|资金)$", "亿元"),
    ))
_RATE_LEVEL_ENDS = (*_RATE_ENDS, "指数", "涨幅", "增速", "增幅", "强度")


def _unit(zh: str, reading: _Reading) -> tuple[str | None, tuple[str, ...]]:
    unit = reading.unit
    counted = next((what for end, what in _PER_THING_COUNTS if zh.endswith(end)), None)
    if counted and (thing := _PER_THING.search(zh)) and unit in (None, "%", "‰"):
        completed = f"{counted}/{thing.group(1)}"
        return completed, (f"按指标名称读作每{thing.group(1)}的{counted}数，单位{completed}。",)
    if reading.kind in ("growth", "change") and not (unit == "%" and "百分点" in (reading.target or "")):
        return _level_unit(zh, unit)
    if reading.kind == "rank":
        return "位", ()
    if reading.kind == "ratio":
        return None, ()
    if unit is None:
        if reading.kind in ("floor", "ceiling", "range", "approx") and reading.target:
            return "1", ()
        if reading.kind == "count":
            return _count_unit(zh), (f"原文未写计量单位，暂按“{_count_unit(zh)}”计，请确认。",)
        if reading.kind in ("relative", "assigned") and zh.endswith(_RATE_LEVEL_ENDS) and \
                not zh.startswith(("每", "亿元", "万元")):
            return "%", ()
        if reading.kind in ("relative", "assigned"):
            return "1", ("原文未写单位，暂按纯数登记，请填写指标的计量单位。",)
        return None, ()
    if unit == "名" and reading.kind != "rank":
        return "人", ("“名”在此计人数（不是名次），按“人”登记。",)
    for pattern, per in _PER_HEAD:
        if pattern.search(zh) and "/" not in unit and unit not in ("%", "‰", *_NOT_PER_HEAD):
            return f"{unit}/{per}", (f"单位按指标名称补全为{unit}/{per}（原文只写“{unit}”）。",)
    if unit == "%" and zh.endswith("指数"):
        return "分", ("指数以百分制分值发布，原文“%”读作分（指数点），请确认。",)
    return unit, ()


def _counts(unit: str | None) -> bool:
    """Whether ``unit`` counts things or people (家, 万件, 人, 名 as a head count), so that the
    indicator is named by the number counted (新建产业集群1个 → 新建产业集群数)."""
    if unit == "名":
        return True
    if unit is None or "/" in unit:
        return False
    try:
        return _counts_items(unit) or same_dimension(unit, "人")
    except UnitProblem:
        return False


def _counts_items(unit: str | None) -> bool:
    """Whether ``unit`` counts things (个, 家, 万件, 批次), not people or amounts."""
    if unit is None or "/" in unit:
        return False
    try:
        return same_dimension(unit, "个")
    except UnitProblem:
        return False


def _count_unit(zh: str) -> str:
    if re.search(r"事故|事件|案件|风险|火灾", zh):
        return "起"
    if re.search(r"死亡|伤亡|人员|人数", zh):
        return "人"
    if re.search(r"家庭|户", zh):
        return "户"
    if zh.endswith("次数"):
        return "次"
    if "奖" in zh:
        return "项"
    if re.search(r"企业|单位|机构|公司", zh):
        return "家"
    return "个"


def _level_unit(zh: str, unit: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A change or growth is judged on levels (年均增长8%: the level grows 8 % a year), so the
    indicator's unit is the level's: a rate stays in %, an amount takes the unit its name
    suggests, with a note (the plan does not say)."""
    if zh.endswith(_RATE_LEVEL_ENDS):
        return "%", ()
    if unit is not None and unit not in ("%", "‰"):
        return unit, ()
    for pattern, level in _LEVEL_UNITS:
        if pattern.search(zh):
            return level, (f"增减按水平值计算，单位按指标名称推定为{level}，请确认。",)
    return "1", ("增减按水平值计算，原文未写水平值的单位，暂按纯数登记，请填写。",)


def _restated(target: str | None, written: str | None, unit: str | None) -> str | None:
    """The target in the rule's unit where the plan's "%" means something else: an index's
    points (90% → 90分), or a rate per thing (1% of 人/亿元 → 0.01人/亿元)."""
    if target is None or written not in ("%", "‰") or unit in (None, "%", "‰"):
        return target
    match = re.search(r"(\d+(?:\.\d+)?)\s*([%‰])", target)
    if match is None:
        return target
    if unit == "分":
        return target[:match.start()] + match.group(1) + "分" + target[match.end():]
    scale = 100 if match.group(2) == "%" else 1000
    value = format(Decimal(match.group(1)) / scale, "f")
    return target[:match.start()] + value + unit + target[match.end():]


def _limits(zh: str, unit: str | None, kind: str) -> tuple[str | None, str | None]:
    if unit == "%" and kind not in ("change", "growth"):
        if zh.endswith(_SIGNED_RATE_ENDS):
            return None, None
        if zh.endswith(_FALLING_RATE_ENDS):
            return None, "100%"
        if zh.endswith("完成率"):
            return "0%", None
        if zh.endswith(_RATE_ENDS):
            return "0%", "100%"
        return None, None
    if unit and "/" in unit and kind in ("floor", "ceiling"):
        return f"0{unit}", None
    if unit == "1" and zh.endswith("比"):
        return "0", None
    return None, None
